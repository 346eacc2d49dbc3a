//! Shared by the session tests: a fake Keycloak (`provider`), a seeded `Random` (`rng`) and
//! the driver that runs Session instances against both on a virtual clock (`sim`).
#![allow(dead_code, unused_imports)]

pub mod provider;
pub mod rng;
pub mod sim;

pub use provider::{CallbackIss, CodeTamper, Provider, ProviderConfig, RefreshScript, Verdict};
pub use rng::SeededRandom;
pub use sim::{Fault, Kind, RandomFaults, Sim, T0};

use tokenward::session::{Backchannel, Cause, Config, Flow, Notice};

pub use tokenward::session::MIN_REFRESH_INTERVAL_MS;

/// A browser SPA: public client, RP-initiated logout by navigation.
pub fn browser_config() -> Config {
    let mut c = Config::new(provider::ISSUER, provider::CLIENT_ID, Some(provider::REDIRECT_URI));
    c.user_agent = true;
    c.post_logout_redirect_uri = Some(provider::POST_LOGOUT_URI.into());
    c.scope = "openid profile".into();
    c
}

/// A server-side session (a BFF, a Durable Object): no user agent, back-channel logout.
pub fn server_config() -> Config {
    let mut c = browser_config();
    c.user_agent = false;
    c
}

/// As `server_config`, ending provider sessions through the admin API.
pub fn admin_config() -> Config {
    let mut c = server_config();
    c.backchannel = Backchannel::Admin;
    c.admin_client_id = Some(provider::ADMIN.0.into());
    c.admin_client_secret = Some(provider::ADMIN.1.into());
    c
}

/// A service account: client_credentials.
pub fn service_config() -> Config {
    let mut c = Config::new(provider::ISSUER, provider::SERVICE.0, None);
    c.client_secret = Some(provider::SERVICE.1.into());
    c.flow = Flow::ClientCredentials;
    c
}

pub fn logged_out(notices: &[Notice]) -> Option<Cause> {
    notices.iter().find_map(|n| if let Notice::LoggedOut { cause } = n { Some(*cause) } else { None })
}

pub fn errors(notices: &[Notice]) -> Vec<Cause> {
    notices.iter().filter_map(|n| if let Notice::Error { cause, .. } = n { Some(*cause) } else { None }).collect()
}
