//! The error catalogue as tables (every row of `catalogue::TABLE`, every Keycloak error in
//! keycloak-facts.md, status-only answers), then the same errors and the session's other
//! edges through the whole machine: a fake Keycloak, a shared store and a virtual clock.

mod session_support;

use std::collections::BTreeMap;

use session_support::provider as kc;
use session_support::*;
use tokenward::oidc::pkce::{NoRandomness, Random};
use tokenward::oidc::OAuthError;
use tokenward::session::catalogue::{self, Action, Grant};
use tokenward::session::clock::MAX_SKEW_MS;
use tokenward::session::{backoff, Access, Cause, Config, Event, Notice, Session};

// ---- helpers ----

fn oauth(status: u16, error: &str, description: Option<&str>) -> OAuthError {
    OAuthError { error: error.into(), description: description.map(Into::into), status }
}

/// A sim with one instance of `cfg`, logged in.
fn logged_in(cfg: Config, pcfg: ProviderConfig) -> (Sim, usize) {
    let mut sim = Sim::new(pcfg, 7);
    let a = sim.add_client(cfg);
    sim.login(a);
    (sim, a)
}

/// Feed `event` to instance `i`, settle, and return the notices it produced.
fn act(sim: &mut Sim, i: usize, event: Event) -> Vec<Notice> {
    let from = sim.clients[i].notices.len();
    sim.handle(i, event);
    sim.settle();
    sim.clients[i].notices_since(from)
}

fn force_refresh(sim: &mut Sim, i: usize) -> Vec<Notice> {
    act(sim, i, Event::EnsureFresh { force: true })
}

fn ensure_fresh(sim: &mut Sim, i: usize) -> Vec<Notice> {
    act(sim, i, Event::EnsureFresh { force: false })
}

fn query(url: &str) -> BTreeMap<String, String> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn assert_clean(sim: &Sim) {
    assert!(sim.violations.is_empty(), "invariant violations: {:#?}", sim.violations);
}

fn script_refresh_error(sim: &mut Sim, status: u16, error: &str, description: &str) {
    sim.provider.refresh_script.push(RefreshScript::Error {
        status,
        error: error.into(),
        description: description.into(),
    });
}

fn server_secs(sim: &Sim) -> i64 {
    sim.provider.server_ms(sim.now).div_euclid(1000)
}

// ---- the catalogue as tables ----

#[test]
fn every_table_row_is_reachable_and_classifies_as_written() {
    for (n, &(grant, error, desc, offline, action, cause)) in catalogue::TABLE.iter().enumerate() {
        let status = if error == "invalid_client" { 401 } else { 400 };
        // A row without a description must match any; one with a description matches it
        // with Keycloak's details appended too.
        let descriptions: Vec<Option<String>> = match desc {
            Some(d) => vec![Some(d.to_owned()), Some(format!("{d}: some detail"))],
            None => vec![None, Some("an unlisted description".to_owned())],
        };
        for d in &descriptions {
            let got = catalogue::classify(grant, &oauth(status, error, d.as_deref()), offline);
            assert_eq!(
                got,
                (action, cause),
                "row {n} ({grant:?}, {error}, {d:?}, offline {offline}) is shadowed or wrong"
            );
        }
        if grant.is_none() {
            // No grant-specific row exists for client_credentials: the generic row decides.
            let got = catalogue::classify(Some(Grant::ClientCredentials), &oauth(status, error, desc), offline);
            assert_eq!(got, (action, cause), "row {n} for client_credentials");
        }
    }
}

/// keycloak-facts.md, "refresh_token grant errors": (status, error, description, action, cause).
const KEYCLOAK_REFRESH_ERRORS: &[(u16, &str, &str, Action, Cause)] = &[
    (400, "invalid_grant", "Session not active", Action::Login, Cause::SessionExpired),
    (400, "invalid_grant", "Offline user session not found", Action::Login, Cause::OfflineRevoked),
    (400, "invalid_grant", "Offline session not active", Action::Login, Cause::OfflineExpired),
    (400, "invalid_grant", "Token is not active", Action::Login, Cause::MaxExpired),
    (400, "invalid_grant", "Refresh token expired", Action::Login, Cause::MaxExpired),
    (400, "invalid_grant", "Stale token", Action::Reload, Cause::RefreshReused),
    (400, "invalid_grant", "Maximum allowed refresh token reuse exceeded", Action::Reload, Cause::RefreshReused),
    (
        400,
        "invalid_grant",
        "Invalid refresh token. Token client and authorized client don't match",
        Action::Stop,
        Cause::ClientMismatch,
    ),
    (400, "invalid_grant", "Unmatching clients", Action::Stop, Cause::ClientMismatch),
    (400, "invalid_grant", "User disabled", Action::Login, Cause::UserDisabled),
    (400, "invalid_grant", "Invalid refresh token", Action::Login, Cause::UserDisabled),
    (400, "invalid_grant", "Unknown user", Action::Login, Cause::UserUnknown),
    (400, "invalid_grant", "User has required action", Action::Login, Cause::RequiredAction),
    (400, "invalid_grant", "Refresh token issued before the user session started", Action::Login, Cause::Revoked),
    (400, "invalid_grant", "Refresh toked issued before the user session started", Action::Login, Cause::Revoked),
    (400, "invalid_grant", "Session doesn't have required client", Action::Login, Cause::RefreshReused),
    (400, "invalid_grant", "Client session not active", Action::Login, Cause::SessionExpired),
    (400, "invalid_scope", "Client no longer has requested consent from user", Action::Login, Cause::ConsentRequired),
    (400, "invalid_request", "No refresh token", Action::Stop, Cause::InvalidRequest),
    (401, "invalid_client", "Invalid client or Invalid client credentials", Action::Stop, Cause::InvalidClient),
    (401, "invalid_client", "Invalid client credentials", Action::Stop, Cause::InvalidClient),
];

/// keycloak-facts.md, "authorization_code grant errors".
const KEYCLOAK_CODE_ERRORS: &[(u16, &str, &str, Action, Cause)] = &[
    (400, "invalid_grant", "Code not valid", Action::Login, Cause::CodeInvalid),
    (400, "invalid_grant", "Incorrect redirect_uri", Action::Stop, Cause::RedirectMismatch),
    (400, "invalid_grant", "PKCE verification failed: Code mismatch", Action::Login, Cause::PkceFailed),
    (400, "invalid_grant", "PKCE verification failed: Invalid code verifier", Action::Login, Cause::PkceFailed),
    (400, "unauthorized_client", "Client not allowed", Action::Stop, Cause::InvalidClient),
    (401, "invalid_client", "Invalid client credentials", Action::Stop, Cause::InvalidClient),
];

#[test]
fn keycloak_refresh_and_code_errors_from_the_facts() {
    for (grant, rows) in [(Grant::Refresh, KEYCLOAK_REFRESH_ERRORS), (Grant::Code, KEYCLOAK_CODE_ERRORS)] {
        for &(status, error, desc, action, cause) in rows {
            let got = catalogue::classify(Some(grant), &oauth(status, error, Some(desc)), false);
            assert_eq!(got, (action, cause), "{grant:?}: {error} / {desc}");
        }
    }
    // Keycloak's refusals of an offline token read the same whether or not it is offline;
    // an unknown reason for an offline token means its session is gone.
    let unknown = oauth(400, "invalid_grant", Some("Something new"));
    assert_eq!(catalogue::classify(Some(Grant::Refresh), &unknown, true), (Action::Reload, Cause::OfflineRevoked));
    assert_eq!(catalogue::classify(Some(Grant::Refresh), &unknown, false), (Action::Reload, Cause::InvalidGrant));
    assert_eq!(
        catalogue::classify(Some(Grant::Refresh), &oauth(400, "invalid_grant", None), false),
        (Action::Reload, Cause::InvalidGrant)
    );
    // An error code nobody listed stops: guessing could loop.
    assert_eq!(
        catalogue::classify(Some(Grant::Refresh), &oauth(400, "brand_new_error", None), false),
        (Action::Stop, Cause::InvalidRequest)
    );
}

#[test]
fn authorization_redirect_errors() {
    let rows = [
        ("access_denied", Action::Stop, Cause::AccessDenied),
        ("login_required", Action::Login, Cause::LoginRequired),
        ("interaction_required", Action::Login, Cause::LoginRequired),
        ("consent_required", Action::Login, Cause::ConsentRequired),
        ("temporarily_unavailable", Action::Retry, Cause::ServerError),
        ("invalid_scope", Action::Stop, Cause::InvalidScope),
    ];
    for (error, action, cause) in rows {
        assert_eq!(catalogue::classify(None, &oauth(0, error, Some("details")), false), (action, cause), "{error}");
    }
}

#[test]
fn status_decides_before_the_body() {
    // 429 is a rate limit whatever the body says; 5xx is transient unless the body is a
    // verdict on the grant or the client.
    for error in ["invalid_grant", "invalid_request", "server_error", "anything"] {
        assert_eq!(
            catalogue::classify(Some(Grant::Refresh), &oauth(429, error, None), false),
            (Action::Retry, Cause::RateLimited),
            "429 {error}"
        );
    }
    for status in [500, 502, 503, 504] {
        for error in ["server_error", "invalid_request", "temporarily_unavailable"] {
            assert_eq!(
                catalogue::classify(Some(Grant::Refresh), &oauth(status, error, None), false),
                (Action::Retry, Cause::ServerError),
                "{status} {error}"
            );
        }
        let verdict = catalogue::classify(
            Some(Grant::Refresh),
            &oauth(status, "invalid_grant", Some("Session not active")),
            false,
        );
        assert_eq!(verdict, (Action::Login, Cause::SessionExpired), "{status} with a verdict in the body");
    }
    // Answers without an OAuth error body (HTML pages, empty bodies).
    assert_eq!(catalogue::classify_status(429), (Action::Retry, Cause::RateLimited));
    for status in [500, 502, 503, 504, 599] {
        assert_eq!(catalogue::classify_status(status), (Action::Retry, Cause::ServerError), "{status}");
    }
    assert_eq!(catalogue::classify_status(401), (Action::Stop, Cause::InvalidClient));
    for status in [200, 302, 400, 403, 404] {
        assert_eq!(catalogue::classify_status(status), (Action::Retry, Cause::InvalidResponse), "HTML at {status}");
    }
    assert!(Cause::Network.is_transient() && Cause::ServerError.is_transient() && Cause::RateLimited.is_transient());
    assert!(!Cause::InvalidResponse.is_transient());
}

// ---- refresh errors through the machine ----

#[test]
fn every_keycloak_refresh_refusal_ends_the_session_with_its_cause() {
    for &(status, error, desc, _, cause) in KEYCLOAK_REFRESH_ERRORS {
        let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
        let rt = sim.stored_refresh_token().unwrap();
        script_refresh_error(&mut sim, status, error, desc);
        let notices = force_refresh(&mut sim, a);
        assert!(errors(&notices).contains(&cause), "{desc}: {notices:?}");
        assert_eq!(logged_out(&notices), Some(cause), "{desc}: {notices:?}");
        let stored = sim.store.as_ref().unwrap();
        assert!(stored.tokens.is_none(), "{desc}: tokens kept");
        assert!(stored.is_spent(&rt), "{desc}: the refused token is not marked spent");
        assert_eq!(stored.ended, Some(cause));
        assert_eq!(sim.session(a).access(sim.now), Access::Unavailable(cause), "{desc}");
        // Never presented again, never retried, no login loop.
        let navigations = sim.clients[a].navigations.len();
        sim.run_for(600_000);
        ensure_fresh(&mut sim, a);
        force_refresh(&mut sim, a);
        assert_eq!(sim.provider.refresh_requests, 1, "{desc}: retried");
        assert_eq!(sim.clients[a].navigations.len(), navigations, "{desc}: navigated (a login loop?)");
        assert_clean(&sim);
    }
}

#[test]
fn a_real_offline_session_end_reads_offline_revoked() {
    let mut cfg = server_config();
    cfg.scope = "openid offline_access".into();
    let (mut sim, a) = logged_in(cfg, ProviderConfig::default());
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    // An admin ends the offline session at the provider; the next refresh learns it.
    let req = tokenward::oidc::logout::backchannel_request(
        &kc::endpoint("logout"),
        &tokenward::oidc::token::ClientAuth::public(kc::CLIENT_ID),
        &sim.stored_refresh_token().unwrap(),
    );
    assert_eq!(sim.provider.handle(&req, sim.now).status, 204);
    assert!(!sim.provider.session_alive(&sid));
    let notices = force_refresh(&mut sim, a);
    assert!(
        matches!(&sim.provider.presented[0].verdict, Verdict::Refused { description, .. } if description == "Offline user session not found")
    );
    assert_eq!(logged_out(&notices), Some(Cause::OfflineRevoked));
    assert_clean(&sim);
}

/// The transient answers: (fault, cause, minimum wait before the retry in ms).
fn transient_cases() -> Vec<(&'static str, Fault, Cause, u64)> {
    vec![
        ("network", Fault::DropRequest, Cause::Network, backoff::BASE_MS / 4),
        ("503 html", Fault::unavailable(), Cause::ServerError, backoff::BASE_MS / 4),
        (
            "502 json",
            Fault::Answer { status: 502, body: r#"{"error":"server_error"}"#.into(), retry_after: None },
            Cause::ServerError,
            backoff::BASE_MS / 4,
        ),
        ("429 retry-after", Fault::rate_limited(120), Cause::RateLimited, 120_000),
        (
            "200 html",
            Fault::Answer { status: 200, body: "<html>proxy</html>".into(), retry_after: None },
            Cause::InvalidResponse,
            backoff::BASE_MS / 4,
        ),
    ]
}

#[test]
fn transient_failures_keep_the_tokens_and_retry_with_backoff() {
    for (name, fault, cause, min_wait) in transient_cases() {
        let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
        let rt = sim.stored_refresh_token().unwrap();
        let access = sim.stored_tokens().unwrap().access_token.clone();
        sim.run_for(275_000); // due: 25 s of the 300 s left
        sim.script.push_back((Kind::Refresh, fault));
        let notices = ensure_fresh(&mut sim, a);
        let failed_at = sim.now;
        assert_eq!(errors(&notices), vec![cause], "{name}: {notices:?}");
        assert_eq!(logged_out(&notices), None, "{name}");
        assert_eq!(
            sim.stored_refresh_token().as_deref(),
            Some(rt.as_str()),
            "{name}: the store lost the refresh token"
        );
        assert!(sim.store.as_ref().unwrap().lease.is_none(), "{name}: the lease was not released");
        // Still valid for 25 s: handed out meanwhile.
        assert_eq!(sim.session(a).access(sim.now), Access::Ready(access.clone()), "{name}");
        // The retry comes from the machine's own deadlines, after the backoff.
        let retried = sim.run_until_refreshes(a, 2, 600_000).unwrap_or_else(|| panic!("{name}: never retried"));
        let waited = retried - failed_at;
        let ceiling = if min_wait > backoff::BASE_MS { min_wait } else { backoff::BASE_MS };
        assert!(waited >= min_wait && waited <= ceiling + 50, "{name}: retried after {waited} ms");
        let last = sim.provider.presented.last().unwrap();
        assert_eq!(last.rt, rt, "{name}: the retry did not present the newest refresh token");
        assert!(matches!(last.verdict, Verdict::Rotated { .. }));
        assert_eq!(
            sim.stored_refresh_token(),
            sim.provider.current_refresh_token(&last.sid.clone().unwrap()).map(str::to_owned)
        );
        assert_clean(&sim);
    }
}

#[test]
fn repeated_failures_back_off_exponentially_and_keep_the_token() {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    let rt = sim.stored_refresh_token().unwrap();
    sim.run_for(275_000);
    for _ in 0..5 {
        sim.script.push_back((Kind::Refresh, Fault::unavailable()));
    }
    ensure_fresh(&mut sim, a);
    let mut failed_at = sim.now;
    for attempt in 1..=5u32 {
        let retried = sim.run_until_refreshes(a, attempt as usize + 1, 600_000).expect("retried");
        let waited = retried - failed_at;
        let ceiling = (backoff::BASE_MS << (attempt - 1)).min(backoff::CAP_MS);
        assert!(
            waited >= ceiling / 4 && waited <= ceiling + 50,
            "attempt {attempt}: waited {waited} ms, ceiling {ceiling}"
        );
        failed_at = sim.now;
        if attempt < 5 {
            assert_eq!(sim.stored_refresh_token().as_deref(), Some(rt.as_str()), "attempt {attempt}");
        }
    }
    // The sixth attempt (after the five failures) succeeded with the same token.
    assert_eq!(sim.provider.presented.iter().map(|p| p.rt.as_str()).collect::<Vec<_>>(), vec![rt.as_str()]);
    assert_ne!(sim.stored_refresh_token().unwrap(), rt);
    assert_clean(&sim);
}

#[test]
fn a_refresh_response_without_refresh_token_keeps_the_old_one() {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig { rotate: false, ..Default::default() });
    let rt = sim.stored_refresh_token().unwrap();
    let access = sim.stored_tokens().unwrap().access_token.clone();
    let notices = force_refresh(&mut sim, a);
    assert!(notices.contains(&Notice::Refreshed), "{notices:?}");
    assert_ne!(sim.stored_tokens().unwrap().access_token, access, "new access token");
    assert_eq!(sim.stored_refresh_token().as_deref(), Some(rt.as_str()), "old refresh token kept");
    assert!(!sim.store.as_ref().unwrap().is_spent(&rt));
    // And it still works.
    sim.run_for(MIN_REFRESH_INTERVAL_MS);
    force_refresh(&mut sim, a);
    assert_eq!(sim.provider.presented.iter().filter(|p| p.rt == rt && p.verdict == Verdict::Kept).count(), 2);
    assert_clean(&sim);
}

/// Instance A's refresh with rt1 stalls (a frozen tab); its lease runs out; B refreshes rt1
/// and stores rt2; then A's request arrives late and the provider calls rt1 stale.
fn race_lost_to_another_instance(pcfg: ProviderConfig, broadcast: bool) -> (Sim, usize, usize, String) {
    let mut sim = Sim::new(pcfg, 11);
    sim.check_single_flight = false; // the frozen tab is the point
    sim.broadcast = broadcast;
    let a = sim.add_client(server_config());
    let b = sim.add_client(server_config());
    sim.login(a);
    sim.handle(b, Event::Start);
    sim.settle();
    sim.run_for(275_000);
    sim.script.push_back((Kind::Refresh, Fault::Hold));
    ensure_fresh(&mut sim, a);
    assert_eq!(sim.held_count(), 1);
    sim.run_for(20_000); // past A's lease
    ensure_fresh(&mut sim, b);
    let rt2 = sim.stored_refresh_token().unwrap();
    assert!(matches!(&sim.provider.presented[0].verdict, Verdict::Rotated { new } if *new == rt2));
    sim.release_held(0);
    sim.settle();
    assert!(
        matches!(&sim.provider.presented[1].verdict, Verdict::Refused { description, .. } if description == "Stale token")
    );
    (sim, a, b, rt2)
}

#[test]
fn a_reuse_refusal_adopts_the_newer_token_another_instance_stored() {
    for broadcast in [true, false] {
        let pcfg = ProviderConfig { reuse_detaches_client: false, ..Default::default() };
        let (mut sim, a, _b, rt2) = race_lost_to_another_instance(pcfg, broadcast);
        let notices = sim.clients[a].notices.clone();
        assert_eq!(logged_out(&sim.clients[a].notices_since(0)), None, "broadcast {broadcast}: {notices:?}");
        assert_eq!(sim.stored_refresh_token().as_deref(), Some(rt2.as_str()), "broadcast {broadcast}");
        assert_eq!(sim.session(a).state().tokens.as_ref().and_then(|t| t.refresh_token.clone()), Some(rt2.clone()));
        // A goes on with B's token.
        sim.run_for(280_000);
        ensure_fresh(&mut sim, a);
        assert!(matches!(&sim.provider.presented.last().unwrap().verdict, Verdict::Rotated { .. }));
        assert_eq!(sim.provider.presented.last().unwrap().rt, rt2);
    }
}

#[test]
fn with_keycloak_reuse_detection_the_adopted_token_is_dead_and_the_next_refresh_says_so() {
    let (mut sim, a, _b, rt2) = race_lost_to_another_instance(ProviderConfig::default(), true);
    assert_eq!(logged_out(&sim.clients[a].notices_since(0)), None);
    assert_eq!(sim.stored_refresh_token().as_deref(), Some(rt2.as_str()));
    sim.run_for(280_000);
    let notices = ensure_fresh(&mut sim, a);
    assert_eq!(logged_out(&notices), Some(Cause::RefreshReused), "{notices:?}");
}

#[test]
fn a_lost_rotation_answer_is_fatal_under_revoke_refresh_token() {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    let rt = sim.stored_refresh_token().unwrap();
    sim.run_for(275_000);
    sim.script.push_back((Kind::Refresh, Fault::DropResponse));
    let notices = ensure_fresh(&mut sim, a);
    assert_eq!(errors(&notices), vec![Cause::Network]);
    assert!(matches!(sim.provider.presented[0].verdict, Verdict::Rotated { .. }));
    // The client could not know the provider rotated: it presents the old token again,
    // which Keycloak calls stale, detaching the session.
    sim.run_next_deadline();
    assert_eq!(sim.provider.presented[1].rt, rt);
    let causes = sim.clients[a].logged_out_causes();
    assert_eq!(causes, vec![Cause::RefreshReused]);
    assert_clean(&sim);
}

#[test]
fn not_before_policy_newer_than_the_token_revokes() {
    // At a refresh: the answer's tokens predate the policy pushed meanwhile.
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    sim.provider.cfg.not_before_policy = server_secs(&sim) + 3_600;
    let notices = force_refresh(&mut sim, a);
    assert_eq!(logged_out(&notices), Some(Cause::Revoked), "{notices:?}");
    assert!(sim.stored_tokens().is_none());
    // At a login: nothing is stored.
    let mut sim = Sim::new(ProviderConfig { not_before_policy: (T0 / 1000) as i64 + 3_600, ..Default::default() }, 3);
    let a = sim.add_client(server_config());
    let auth = sim.start_login(a);
    let cb = sim.authenticate(&auth);
    let from = sim.clients[a].notices.len();
    sim.callback(a, cb);
    assert_eq!(errors(&sim.clients[a].notices_since(from)), vec![Cause::Revoked]);
    assert!(sim.stored_tokens().is_none());
    // A policy older than the token changes nothing.
    let (mut sim, a) =
        logged_in(server_config(), ProviderConfig { not_before_policy: (T0 / 1000) as i64 - 60, ..Default::default() });
    assert_eq!(logged_out(&force_refresh(&mut sim, a)), None);
    assert_clean(&sim);
}

#[test]
fn offline_tokens_have_no_client_side_expiry() {
    let mut cfg = server_config();
    cfg.scope = "openid offline_access".into();
    let (mut sim, a) = logged_in(cfg, ProviderConfig::default());
    let v = sim.session(a).view(sim.now);
    assert!(v.offline && v.authenticated);
    assert_eq!(v.refresh_expires_at, None);
    // Twelve hours later (past the online session's idle and max), it refreshes.
    sim.run_for(12 * 3_600_000);
    let notices = ensure_fresh(&mut sim, a);
    assert!(notices.contains(&Notice::Refreshed), "{notices:?}");
    assert!(sim.session(a).view(sim.now).offline);
    assert_clean(&sim);
}

#[test]
fn a_local_logout_sets_an_offline_session_aside_and_a_restart_restores_it() {
    let mut cfg = server_config();
    cfg.scope = "openid offline_access".into();
    let (mut sim, a) = logged_in(cfg, ProviderConfig::default());
    let rt = sim.stored_refresh_token().unwrap();
    let notices = act(&mut sim, a, Event::Logout { provider: false, revoke: false, ui_locales: None });
    assert_eq!(logged_out(&notices), Some(Cause::LoggedOut));
    let stored = sim.store.as_ref().unwrap();
    assert!(stored.tokens.is_none());
    assert_eq!(
        stored.parked.as_ref().and_then(|t| t.refresh_token.clone()),
        Some(rt.clone()),
        "the offline token is kept"
    );
    assert_eq!(sim.provider.refresh_requests, 0);
    sim.restart(a);
    sim.settle();
    assert!(sim.session(a).view(sim.now).authenticated, "restored from the set-aside offline token");
    let notices = force_refresh(&mut sim, a);
    assert!(notices.contains(&Notice::Refreshed), "{notices:?}");
    // A provider logout ends it for good, set-aside copy included.
    act(&mut sim, a, Event::Logout { provider: true, revoke: false, ui_locales: None });
    let stored = sim.store.as_ref().unwrap();
    assert!(stored.tokens.is_none() && stored.parked.is_none());
    assert_clean(&sim);
}

#[test]
fn an_online_session_is_not_kept_by_a_local_logout() {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    act(&mut sim, a, Event::Logout { provider: false, revoke: false, ui_locales: None });
    assert!(sim.store.as_ref().unwrap().parked.is_none());
    sim.restart(a);
    sim.settle();
    assert!(!sim.session(a).view(sim.now).authenticated);
}

#[test]
fn an_online_refresh_token_past_its_expiry_ends_without_asking() {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    let v = sim.session(a).view(sim.now);
    assert!(!v.offline);
    assert_eq!(v.refresh_expires_at, Some(server_secs(&sim) + 1_800));
    sim.run_for(1_801_000);
    let notices = ensure_fresh(&mut sim, a);
    assert_eq!(logged_out(&notices), Some(Cause::MaxExpired));
    assert_eq!(sim.provider.refresh_requests, 0);
}

// ---- idle timeout ----

fn with_idle(mut cfg: Config) -> Config {
    cfg.idle_timeout = Some(600);
    cfg
}

/// Login, activity 100 s later, then nothing: warning at deadline - 60 s, end at the deadline.
/// The store answers 3 ms later (IndexedDB is asynchronous), so deadlines are asked for
/// while the End is being saved.
fn idle_out(cfg: Config) -> (Sim, usize, String, String) {
    let (mut sim, a) = logged_in(with_idle(cfg), ProviderConfig::default());
    sim.store_latency_ms = 3;
    let id_token = sim.stored_tokens().unwrap().id_token.clone().unwrap();
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    sim.run_for(100_000);
    sim.handle(a, Event::Activity);
    let deadline = sim.now + 600_000;
    assert_eq!(sim.session(a).view(sim.now).idle_deadline, Some(deadline));
    assert_eq!(sim.store.as_ref().unwrap().idle_deadline, Some(deadline), "activity written through");
    sim.run_until(deadline + 5_000);
    let notices = &sim.clients[a].notices;
    let warned = notices.iter().find(|(_, n)| matches!(n, Notice::IdleWarning { .. })).expect("an idle warning");
    assert_eq!(warned, &(deadline - 60_000, Notice::IdleWarning { remaining: 60 }));
    let ended = notices.iter().find(|(_, n)| matches!(n, Notice::LoggedOut { .. })).expect("logged out");
    // Told once the end is stored: the store's answer takes its 3 ms.
    assert_eq!(ended, &(deadline + 3, Notice::LoggedOut { cause: Cause::IdleExpired }));
    assert!(sim.stored_tokens().is_none());
    (sim, a, id_token, sid)
}

#[test]
fn idle_timeout_in_a_browser_navigates_to_end_session() {
    let (mut sim, a, id_token, sid) = idle_out(browser_config());
    let url = sim.clients[a].last_navigation().unwrap().to_owned();
    assert!(url.starts_with(&kc::endpoint("logout")), "{url}");
    let q = query(&url);
    assert_eq!(q.get("id_token_hint"), Some(&id_token));
    assert_eq!(q.get("client_id").map(String::as_str), Some(kc::CLIENT_ID));
    assert_eq!(q.get("post_logout_redirect_uri").map(String::as_str), Some(kc::POST_LOGOUT_URI));
    assert_eq!(sim.provider.end_session(&url), Ok(Some(kc::POST_LOGOUT_URI.into())));
    assert_eq!(sim.provider.ended, vec![(sid, "rp_initiated")]);
}

#[test]
fn idle_timeout_on_a_server_posts_the_refresh_token_to_the_logout_endpoint() {
    let (sim, a, _, sid) = idle_out(server_config());
    assert_eq!(sim.clients[a].navigations.len(), 1, "only the login navigated");
    let (at, _, url) = sim.provider.log.last().unwrap();
    assert_eq!(url, &kc::endpoint("logout"));
    assert!(*at >= sim.now - 5_000);
    assert_eq!(sim.provider.ended, vec![(sid, "backchannel")]);
    assert_clean(&sim);
}

#[test]
fn idle_timeout_with_the_admin_backchannel_deletes_the_session() {
    let (sim, _, _, sid) = idle_out(admin_config());
    assert_eq!(sim.provider.client_credentials_requests, 1, "the admin service account's token");
    let deletes: Vec<&String> =
        sim.provider.log.iter().filter(|(_, m, _)| *m == tokenward::oidc::Method::Delete).map(|(_, _, u)| u).collect();
    assert_eq!(deletes, vec![&kc::admin_session_url(&sid)]);
    assert_eq!(sim.provider.ended, vec![(sid, "admin")]);
    assert_clean(&sim);
}

#[test]
fn a_state_loaded_after_the_idle_deadline_logs_out_instead_of_restoring() {
    // Access tokens outlive the idle timeout here, so a restored one would be usable.
    let (mut sim, a) =
        logged_in(with_idle(server_config()), ProviderConfig { access_lifetime: 1_200, ..Default::default() });
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    let restored_from = sim.clients[a].notices.len();
    let deadline = sim.store.as_ref().unwrap().idle_deadline.unwrap();
    // The process slept through the deadline (no timer ran), then wakes up and restores;
    // the refresh token (30 min) has not run out yet.
    sim.now = deadline + 60_000;
    sim.restart(a);
    while sim.step() {
        assert!(
            !matches!(sim.session(a).access(sim.now), Access::Ready(_)),
            "an idle-expired session handed out a token"
        );
    }
    let notices = sim.clients[a].notices_since(restored_from);
    let logout_at = notices.iter().position(|n| matches!(n, Notice::LoggedOut { .. }));
    assert_eq!(logged_out(&notices), Some(Cause::IdleExpired), "{notices:?}");
    let restored = notices.iter().position(|n| *n == Notice::Tokens);
    assert!(restored.is_none() || restored > logout_at, "tokens announced as restored: {notices:?}");
    assert!(sim.stored_tokens().is_none());
    assert_eq!(sim.provider.ended, vec![(sid, "backchannel")]);
}

#[test]
fn slept_past_both_the_idle_deadline_and_the_refresh_expiry_reads_idle_expired() {
    // The idle deadline came first: that is why the session ended, and the idle policy ends
    // the provider session too (keycloak-facts: "a server-side session that expired while
    // nobody looked").
    let (mut sim, a) = logged_in(with_idle(server_config()), ProviderConfig::default());
    let deadline = sim.store.as_ref().unwrap().idle_deadline.unwrap();
    sim.now = deadline + 3_600_000;
    let from = sim.clients[a].notices.len();
    sim.restart(a);
    sim.settle();
    assert_eq!(logged_out(&sim.clients[a].notices_since(from)), Some(Cause::IdleExpired));
    assert!(sim.provider.log.iter().any(|(_, _, u)| *u == kc::endpoint("logout")), "no back-channel logout");
}

// ---- logout ----

#[test]
fn logout_after_a_failed_refresh_still_sends_id_token_hint_and_client_id() {
    // keycloak-js #124: after the refresh failed, logout() sent no id_token_hint and
    // Keycloak answered 400.
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let id_token = sim.stored_tokens().unwrap().id_token.clone().unwrap();
    script_refresh_error(&mut sim, 400, "invalid_grant", "Session not active");
    assert_eq!(logged_out(&force_refresh(&mut sim, a)), Some(Cause::SessionExpired));
    assert!(sim.stored_tokens().is_none());
    let link = sim.session(a).end_session_url().unwrap();
    act(&mut sim, a, Event::Logout { provider: true, revoke: false, ui_locales: None });
    let url = sim.clients[a].last_navigation().expect("logout navigates").to_owned();
    for u in [&url, &link] {
        let q = query(u);
        assert_eq!(q.get("id_token_hint"), Some(&id_token), "{u}");
        assert_eq!(q.get("client_id").map(String::as_str), Some(kc::CLIENT_ID), "{u}");
    }
    assert!(sim.provider.end_session(&url).is_ok());
}

#[test]
fn logout_ends_every_instance_and_the_provider_session() {
    let mut sim = Sim::new(ProviderConfig::default(), 5);
    let a = sim.add_client(server_config());
    let b = sim.add_client(server_config());
    sim.login(a);
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    let notices = act(&mut sim, b, Event::Logout { provider: true, revoke: true, ui_locales: None });
    assert_eq!(logged_out(&notices), Some(Cause::LoggedOut));
    assert_eq!(logged_out(&sim.clients[a].notices_since(0)), Some(Cause::LoggedOutElsewhere));
    assert!(sim.provider.log.iter().any(|(_, _, u)| *u == kc::endpoint("revoke")), "revoked first");
    assert!(!sim.provider.session_alive(&sid));
    assert_clean(&sim);
}

// ---- bad inputs at login ----

/// What a second login on a logged-in instance meets; the first login's tokens must survive.
/// Once with the signature checked by the core, once by the driver (as in JS).
fn bad_login(name: &str, cause: Cause, setup: impl Fn(&mut Sim), callback: impl Fn(&mut Sim, &str) -> String) {
    for external_signatures in [false, true] {
        let name = format!("{name} (external signatures: {external_signatures})");
        let (mut sim, a) = logged_in(Config { external_signatures, ..server_config() }, ProviderConfig::default());
        let before = sim.stored_tokens().cloned();
        setup(&mut sim);
        let auth = sim.start_login(a);
        let cb = callback(&mut sim, &auth);
        let from = sim.clients[a].notices.len();
        sim.callback(a, cb);
        let notices = sim.clients[a].notices_since(from);
        assert_eq!(errors(&notices), vec![cause], "{name}: {notices:?}");
        assert_eq!(logged_out(&notices), None, "{name}");
        assert_eq!(sim.stored_tokens().cloned(), before, "{name}: the stored tokens changed");
        assert_clean(&sim);
    }
}

fn tamper(t: CodeTamper) -> impl Fn(&mut Sim) {
    move |sim: &mut Sim| sim.provider.code_tamper = Some(t.clone())
}

fn normal(sim: &mut Sim, auth: &str) -> String {
    sim.authenticate(auth)
}

#[test]
fn bad_login_inputs_are_errors_and_leave_the_tokens_alone() {
    bad_login(
        "wrong state",
        Cause::StateMismatch,
        |_| {},
        |sim, auth| {
            let cb = sim.authenticate(auth);
            let state = query(&cb)["state"].clone();
            cb.replace(&format!("state={state}"), "state=forged")
        },
    );
    bad_login(
        "access_denied",
        Cause::AccessDenied,
        |_| {},
        |sim, auth| sim.provider.authenticate(auth, sim.now, Some("access_denied")),
    );
    bad_login(
        "login_required",
        Cause::LoginRequired,
        |_| {},
        |sim, auth| sim.provider.authenticate(auth, sim.now, Some("login_required")),
    );
    bad_login("tampered ID token", Cause::InvalidIdToken, tamper(CodeTamper::BadSignature), normal);
    bad_login("wrong nonce", Cause::InvalidIdToken, tamper(CodeTamper::WrongNonce), normal);
    bad_login("no access_token", Cause::InvalidResponse, tamper(CodeTamper::NoAccessToken), normal);
    bad_login("HTML page at 200", Cause::InvalidResponse, tamper(CodeTamper::Html(200)), normal);
    bad_login("HTML page at 502", Cause::ServerError, tamper(CodeTamper::Html(502)), normal);
    bad_login("PKCE", Cause::PkceFailed, tamper(CodeTamper::PkceMismatch), normal);
    bad_login("provider down", Cause::Network, |sim| sim.script.push_back((Kind::Code, Fault::DropRequest)), normal);
    let stall = Fault::Answer { status: 503, body: "<html>down</html>".into(), retry_after: None };
    bad_login("provider 503", Cause::ServerError, move |sim| sim.script.push_back((Kind::Code, stall.clone())), normal);
}

#[test]
fn with_external_signatures_the_driver_is_asked_with_the_keys_and_webcrypto_parameters() {
    let mut sim = Sim::new(ProviderConfig::default(), 7);
    let a = sim.add_client(Config { external_signatures: true, ..browser_config() });
    let auth = sim.start_login(a);
    let cb = sim.authenticate(&auth);
    sim.callback(a, cb);
    assert!(sim.session(a).view(sim.now).authenticated);
    let Some(tokenward::session::Command::VerifySignature { keys, import, verify, data, signature, .. }) =
        sim.clients[a].verify_requests.first().cloned()
    else {
        panic!("no VerifySignature command")
    };
    assert_eq!(keys.len(), 1);
    // The fake provider signs with ES256: the public point only, the curve bound at import.
    let members: Vec<&str> = keys[0].keys().map(String::as_str).collect();
    assert_eq!(members, ["crv", "kty", "x", "y"]);
    assert_eq!(
        (import.name.as_str(), import.named_curve.as_deref(), import.hash.as_deref()),
        ("ECDSA", Some("P-256"), None)
    );
    assert_eq!((verify.name.as_str(), verify.hash.as_deref()), ("ECDSA", Some("SHA-256")));
    assert_eq!(data.matches('.').count(), 1, "the signing input is header.payload");
    assert_eq!(signature.len(), 64, "raw r || s, as WebCrypto takes it");
    assert_clean(&sim);
}

#[test]
fn no_second_refresh_while_the_driver_checks_the_first_ones_id_token() {
    let (mut sim, a) = logged_in(Config { external_signatures: true, ..server_config() }, ProviderConfig::default());
    let spent = sim.stored_refresh_token().unwrap();
    sim.held_signatures = Some(Vec::new());
    force_refresh(&mut sim, a);
    assert_eq!(sim.provider.refresh_requests, 1);
    assert_eq!(sim.held_signatures.as_ref().unwrap().len(), 1, "the refreshed ID token is out for checking");
    // The caller that forced the refresh waits for the new token, never gets the old one.
    assert!(matches!(sim.session(a).access(sim.now), Access::Pending));
    // Long past the refresh interval, asked again and again: the first answer is not in yet.
    sim.run_for(10_000);
    force_refresh(&mut sim, a);
    ensure_fresh(&mut sim, a);
    assert_eq!(sim.provider.refresh_requests, 1, "a second refresh would send a spent token");
    assert!(matches!(sim.session(a).access(sim.now), Access::Pending));
    assert_eq!(sim.stored_refresh_token().as_deref(), Some(spent.as_str()));
    // The answer: the rotated token is stored and handed out.
    for (i, ev) in sim.held_signatures.take().unwrap() {
        sim.handle(i, ev);
    }
    sim.settle();
    assert_ne!(sim.stored_refresh_token().as_deref(), Some(spent.as_str()));
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
    // (The forced request made meanwhile is served by a refresh after this one, with the
    // rotated token: assert_clean checks that no token was presented twice.)
    assert_clean(&sim);
}

#[test]
fn a_signature_the_driver_cannot_check_fails_the_login_and_the_refresh_keeps_nothing_unchecked() {
    // Login: an invalid_id_token error, the first login's tokens kept.
    let (mut sim, a) = logged_in(Config { external_signatures: true, ..server_config() }, ProviderConfig::default());
    let before = sim.stored_tokens().cloned();
    sim.signature_error = Some("NotSupportedError: unrecognized algorithm".into());
    let auth = sim.start_login(a);
    let cb = sim.authenticate(&auth);
    let from = sim.clients[a].notices.len();
    sim.callback(a, cb);
    let notices = sim.clients[a].notices_since(from);
    assert_eq!(errors(&notices), vec![Cause::InvalidIdToken], "{notices:?}");
    assert_eq!(sim.stored_tokens().cloned(), before);
    // Refresh: the refreshed ID token cannot be trusted, so neither is its refresh token.
    let notices = force_refresh(&mut sim, a);
    assert_eq!(errors(&notices), vec![Cause::InvalidIdToken], "{notices:?}");
    assert!(sim.stored_tokens().is_none_or(|t| t.access_token != before.as_ref().unwrap().access_token));
}

#[test]
fn a_replayed_callback_is_a_state_mismatch() {
    let mut sim = Sim::new(ProviderConfig::default(), 9);
    let a = sim.add_client(server_config());
    let b = sim.add_client(server_config());
    let cb = sim.login(a);
    let before = sim.stored_tokens().cloned();
    for i in [a, b] {
        let notices = act(&mut sim, i, Event::Callback { url: cb.clone() });
        assert_eq!(errors(&notices), vec![Cause::StateMismatch], "instance {i}");
    }
    assert_eq!(sim.provider.code_requests, 1, "the code was sent again");
    assert_eq!(sim.stored_tokens().cloned(), before);
    assert_clean(&sim);
}

#[test]
fn rfc9207_iss_is_required_when_advertised() {
    for (advertised, iss, result) in [
        (true, CallbackIss::Missing, Some(Cause::IssMismatch)),
        (true, CallbackIss::Wrong, Some(Cause::IssMismatch)),
        (false, CallbackIss::Wrong, Some(Cause::IssMismatch)),
        (false, CallbackIss::Missing, None),
        (true, CallbackIss::Correct, None),
    ] {
        let mut sim = Sim::new(
            ProviderConfig { iss_parameter_supported: advertised, callback_iss: iss, ..Default::default() },
            2,
        );
        let a = sim.add_client(server_config());
        let auth = sim.start_login(a);
        let cb = sim.authenticate(&auth);
        let from = sim.clients[a].notices.len();
        sim.callback(a, cb);
        let notices = sim.clients[a].notices_since(from);
        match result {
            Some(cause) => {
                assert_eq!(errors(&notices), vec![cause], "{advertised} {iss:?}");
                assert!(sim.stored_tokens().is_none());
                assert_eq!(sim.provider.code_requests, 0, "the code was exchanged anyway");
            }
            None => assert!(sim.stored_tokens().is_some(), "{advertised} {iss:?}: {notices:?}"),
        }
    }
}

// ---- the server's clock ----

/// Login against a provider whose clock is `offset_ms` off; the local times (ms after the
/// login) at which EnsureFresh did and did not refresh are checked around the due time.
fn refresh_follows_the_server_clock(offset_ms: i64) {
    let (mut sim, a) = logged_in(server_config(), ProviderConfig { clock_offset_ms: offset_ms, ..Default::default() });
    let skew = sim.session(a).view(sim.now).skew_ms;
    assert!((skew - offset_ms).abs() <= 1_000, "skew estimate {skew} for {offset_ms}");
    let t = sim.stored_tokens().unwrap().clone();
    assert_eq!(t.expires_at - t.issued_at, 300);
    // Due 30 s before exp by the server's clock: at its local equivalent.
    let due_local = ((t.expires_at - 30) * 1000 - offset_ms) as u64;
    sim.run_until(due_local - 3_000);
    ensure_fresh(&mut sim, a);
    assert_eq!(sim.provider.refresh_requests, 0, "offset {offset_ms}: refreshed early");
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
    sim.run_until(due_local + 3_000);
    ensure_fresh(&mut sim, a);
    assert_eq!(sim.provider.refresh_requests, 1, "offset {offset_ms}: not refreshed when due");
    let at = sim.provider.presented[0].at;
    assert!(sim.provider.server_ms(at) < t.expires_at * 1000, "refreshed after the token expired at the server");
    assert_clean(&sim);
}

#[test]
fn refresh_is_scheduled_by_the_server_clock() {
    refresh_follows_the_server_clock(600_000);
    refresh_follows_the_server_clock(-600_000);
    refresh_follows_the_server_clock(0);
}

#[test]
fn the_skew_estimate_is_bounded() {
    // 23 h is believed; 25 h is more likely a bad iat than a clock, and is dropped.
    let hours = |h: i64| h * 3_600_000;
    let mut sim = Sim::new(ProviderConfig { clock_offset_ms: hours(23), ..Default::default() }, 4);
    let a = sim.add_client(server_config());
    sim.login(a);
    assert!((sim.session(a).view(sim.now).skew_ms - hours(23)).abs() <= 1_000);
    let mut sim = Sim::new(ProviderConfig { clock_offset_ms: hours(25), ..Default::default() }, 4);
    let a = sim.add_client(server_config());
    let auth = sim.start_login(a);
    let cb = sim.authenticate(&auth);
    sim.callback(a, cb);
    let skew = sim.session(a).view(sim.now).skew_ms;
    assert!(skew.abs() <= MAX_SKEW_MS && skew == 0, "skew {skew}");
}

// ---- other flows and events ----

#[test]
fn client_credentials_gets_a_token_and_asks_again_before_expiry() {
    let mut sim = Sim::new(ProviderConfig::default(), 6);
    let s = sim.add_client(service_config());
    assert_eq!(sim.session(s).access(sim.now), Access::Unavailable(Cause::NoSession));
    ensure_fresh(&mut sim, s);
    assert_eq!(sim.provider.client_credentials_requests, 1);
    let mut seen = Vec::new();
    // Ask every 10 s for 20 minutes: never handed an expired token, a new one before expiry.
    for _ in 0..120 {
        sim.run_for(10_000);
        ensure_fresh(&mut sim, s);
        let Access::Ready(token) = sim.session(s).access(sim.now) else { panic!("no token at {}", sim.now - T0) };
        let exp = tokenward::decode(&token).unwrap().claims().exp().unwrap();
        assert!(exp > server_secs(&sim), "an expired token handed out");
        if !seen.contains(&token) {
            seen.push(token);
        }
    }
    let asked = sim.provider.client_credentials_requests;
    assert!((4..=6).contains(&asked), "{asked} requests in 20 minutes of 300 s tokens");
    assert_eq!(seen.len() as u32, asked);
    assert!(sim.store.as_ref().unwrap().tokens.as_ref().unwrap().refresh_token.is_none());
    assert_clean(&sim);
}

// logout_token::validate checks the signature with the crate's verifiers.
#[cfg(feature = "signature")]
#[test]
fn a_backchannel_logout_for_our_sid_ends_the_session_everywhere() {
    let mut sim = Sim::new(ProviderConfig::default(), 8);
    let a = sim.add_client(server_config());
    let b = sim.add_client(server_config());
    sim.login(a);
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    // Another session's logout token changes nothing.
    let notices = act(&mut sim, a, Event::BackchannelLogout { sid: Some("sid-other".into()), sub: None });
    assert!(notices.is_empty() && sim.stored_tokens().is_some());
    // Ours, validated as the app would.
    let jwt = sim.provider.logout_token(&sid, sim.now);
    let target = tokenward::oidc::logout_token::validate(
        &jwt,
        &Provider::keyset(),
        kc::ISSUER,
        kc::CLIENT_ID,
        None,
        300,
        server_secs(&sim),
    )
    .unwrap();
    let notices = act(&mut sim, a, Event::BackchannelLogout { sid: target.sid, sub: None });
    assert_eq!(logged_out(&notices), Some(Cause::BackchannelLogout));
    assert_eq!(logged_out(&sim.clients[b].notices_since(0)), Some(Cause::BackchannelLogout));
    assert!(sim.stored_tokens().is_none());
    assert!(sim.provider.log.iter().all(|(_, _, u)| *u != kc::endpoint("logout")), "the provider already knows");
}

#[test]
fn a_stale_store_changed_is_ignored() {
    let mut sim = Sim::new(ProviderConfig::default(), 10);
    let a = sim.add_client(server_config());
    let b = sim.add_client(server_config());
    sim.login(a);
    force_refresh(&mut sim, a);
    let current = sim.session(b).state().clone();
    assert_eq!(Some(&current), sim.store.as_ref());
    // Every older version of the store, replayed to B (a late broadcast), and one with no
    // tokens at all: nothing moves.
    let older: Vec<_> = sim.history.iter().filter(|s| s.version < current.version).cloned().collect();
    assert!(older.len() >= 3);
    for s in older {
        let notices = act(&mut sim, b, Event::StoreChanged { state: Some(s) });
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(sim.session(b).state(), &current);
    }
    let mut cleared = current.clone();
    cleared.version -= 1;
    cleared.tokens = None;
    act(&mut sim, b, Event::StoreChanged { state: Some(cleared) });
    assert_eq!(sim.session(b).state(), &current);
    assert!(sim.session(b).view(sim.now).authenticated);
}

#[test]
fn concurrent_callers_on_every_instance_share_one_refresh() {
    let mut sim = Sim::new(ProviderConfig::default(), 12);
    sim.store_latency_ms = 2;
    let ids: Vec<usize> = (0..3).map(|_| sim.add_client(server_config())).collect();
    sim.login(0);
    sim.run_for(275_000);
    // Every instance asks five times at the same instant (20 callers in keycloak-js terms).
    for _ in 0..5 {
        for &i in &ids {
            sim.handle(i, Event::EnsureFresh { force: false });
        }
    }
    sim.settle();
    assert_eq!(sim.provider.refresh_requests, 1);
    let rt = sim.stored_refresh_token().unwrap();
    for &i in &ids {
        assert_eq!(sim.session(i).state().tokens.as_ref().unwrap().refresh_token.as_ref(), Some(&rt), "instance {i}");
        assert!(matches!(sim.session(i).access(sim.now), Access::Ready(_)), "instance {i}");
        assert_eq!(sim.clients[i].logged_out_causes(), vec![], "instance {i}");
    }
    assert_clean(&sim);
}

#[test]
fn a_forced_refresh_soon_after_another_still_happens() {
    // getAccessToken({force}) twice in a second: the second waits out the minimum interval,
    // then refreshes; it is not forgotten.
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    force_refresh(&mut sim, a);
    sim.run_for(500);
    force_refresh(&mut sim, a);
    assert_eq!(sim.session(a).access(sim.now), Access::Pending, "a forced refresh hands out the old token");
    let second = sim.run_until_refreshes(a, 2, 60_000).expect("the second forced refresh never happened");
    assert!(second >= sim.clients[a].refresh_sends[0] + MIN_REFRESH_INTERVAL_MS);
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
    assert_clean(&sim);
}

// ---- randomness ----

/// A random source that gives `works` fills, then fails.
struct Failing {
    inner: SeededRandom,
    works: u32,
}

impl Random for Failing {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoRandomness> {
        self.works = self.works.checked_sub(1).ok_or(NoRandomness)?;
        self.inner.fill(buf)
    }
}

fn failing(works: u32) -> Box<Failing> {
    Box::new(Failing { inner: SeededRandom::new(99), works })
}

#[test]
fn a_random_source_that_fails_never_yields_a_guessable_value() {
    // A failing source once left its buffer as it was: zeros as state, nonce and PKCE verifier.
    assert!(Session::new(browser_config(), failing(0)).is_err(), "no lease owner id without randomness");
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let id_token = sim.stored_tokens().unwrap().id_token.clone().unwrap();
    // The tab reloads; its source gives the lease owner id, then nothing.
    sim.clients[a].session = Session::new(browser_config(), failing(1)).unwrap();
    sim.handle(a, Event::Start);
    sim.settle();
    let before = sim.clients[a].navigations.len();
    let notices = act(&mut sim, a, Event::Login { options: Default::default() });
    assert!(
        notices.iter().any(|n| matches!(n, Notice::Error { cause: Cause::Configuration, message }
            if message.contains("random source"))),
        "{notices:?}"
    );
    assert_eq!(sim.clients[a].navigations.len(), before, "no login without state, nonce and verifier");
    // Logout still ends the provider session, without the optional state.
    act(&mut sim, a, Event::Logout { provider: true, revoke: false, ui_locales: None });
    let url = sim.clients[a].last_navigation().expect("logout navigates").to_owned();
    let q = query(&url);
    assert_eq!((q.get("state"), q.get("id_token_hint")), (None, Some(&id_token)), "{url}");
    assert!(sim.stored_tokens().is_none());
    assert!(sim.provider.end_session(&url).is_ok());
}

// ---- signing-key rotation ----

#[test]
fn a_signing_key_rotation_during_the_session_keeps_it_and_its_new_refresh_token() {
    // The JWKS was fetched at login; the realm then rotates its key. The refreshed ID token
    // carries a kid the stored JWKS lacks: fetch it once more instead of ending the session
    // (and losing the refresh token the provider just rotated).
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let fetched = sim.provider.jwks_requests;
    sim.provider.rotated = true;
    let notices = force_refresh(&mut sim, a);
    assert!(notices.contains(&Notice::Refreshed), "{notices:?}");
    assert_eq!(logged_out(&notices), None);
    assert_eq!(sim.provider.jwks_requests, fetched + 1);
    let stored = sim.stored_tokens().unwrap();
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    assert_eq!(stored.refresh_token.as_deref(), sim.provider.current_refresh_token(&sid));
    assert!(sim.stored_jwks().unwrap().contains(kc::NEXT_KID));
    // And on: the next refresh needs no fetch.
    let later = sim.now + MIN_REFRESH_INTERVAL_MS;
    sim.run_until(later);
    let n = force_refresh(&mut sim, a);
    assert!(n.contains(&Notice::Refreshed), "{n:?}");
    assert_eq!(sim.provider.jwks_requests, fetched + 1);
    assert_clean(&sim);
}

#[test]
fn a_forced_refresh_waiting_for_the_jwks_hands_out_nothing_meanwhile() {
    // The caller forced the refresh because the API refused the old token: while the answer
    // waits for the JWKS, the old token must not be handed out again.
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let fetched = sim.provider.jwks_requests;
    sim.provider.rotated = true;
    sim.handle(a, Event::EnsureFresh { force: true });
    while sim.provider.jwks_requests == fetched {
        assert!(sim.step(), "the JWKS was fetched");
    }
    assert_eq!(sim.session(a).access(sim.now), Access::Pending);
    sim.settle();
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
}

#[test]
fn a_refreshed_id_token_that_cannot_be_checked_with_a_fresh_jwks_ends_the_session() {
    // The new key is still missing after the fresh fetch (a cache in front of the JWKS), or
    // the JWKS cannot be fetched at all: the answer is not trusted.
    for lags in [true, false] {
        let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
        let fetched = sim.provider.jwks_requests;
        sim.provider.rotated = true;
        sim.provider.jwks_lags = lags;
        sim.provider.jwks_down = !lags;
        let notices = force_refresh(&mut sim, a);
        assert_eq!(logged_out(&notices), Some(Cause::InvalidIdToken), "lags {lags}: {notices:?}");
        assert_eq!(sim.provider.jwks_requests, fetched + 1, "lags {lags}: one fresh fetch, not a loop");
        // Deliberately: the provider's newest refresh token was in an answer nobody could check.
        assert!(sim.stored_tokens().is_none(), "lags {lags}");
        assert!(sim.stored_jwks().is_some(), "lags {lags}: the stored JWKS is kept for the others");
    }
}

#[test]
fn a_second_logout_still_navigates_to_the_provider() {
    // The first navigation can fail or be cancelled at the provider's confirmation page;
    // the second logout() must still go there (it had nothing left to forget).
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    act(&mut sim, a, Event::Logout { provider: true, revoke: false, ui_locales: None });
    let first = sim.clients[a].navigations.len();
    act(&mut sim, a, Event::Logout { provider: true, revoke: false, ui_locales: None });
    assert_eq!(sim.clients[a].navigations.len(), first + 1);
    let q = query(sim.clients[a].last_navigation().unwrap());
    assert_eq!(q.get("client_id").map(String::as_str), Some(kc::CLIENT_ID));
}

// ---- store races ----

#[test]
fn a_store_emptied_during_a_refresh_stays_empty() {
    // A server store without change notifications: a logout elsewhere deletes the entry
    // while this instance's refresh is out. Its answer must not bring the session back.
    let (mut sim, a) = logged_in(server_config(), ProviderConfig::default());
    let before = sim.provider.refresh_requests;
    sim.handle(a, Event::EnsureFresh { force: true });
    while sim.provider.refresh_requests == before {
        assert!(sim.step(), "the refresh was sent");
    }
    sim.store = None;
    let from = sim.clients[a].notices.len();
    sim.settle();
    assert!(sim.store.as_ref().is_none_or(|s| s.tokens.is_none()), "the refresh brought the session back");
    assert_eq!(logged_out(&sim.clients[a].notices_since(from)), Some(Cause::LoggedOutElsewhere));
}

#[test]
fn forced_refreshes_asked_for_during_one_are_answered_by_it() {
    // Three API calls get a 401 at once: one refresh, and its tokens answer all three.
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let before = sim.provider.refresh_requests;
    for _ in 0..3 {
        sim.handle(a, Event::EnsureFresh { force: true });
    }
    sim.settle();
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready { .. }), "{:?}", sim.session(a).access(sim.now));
    let later = sim.now + 10 * MIN_REFRESH_INTERVAL_MS;
    sim.run_until(later);
    assert_eq!(sim.provider.refresh_requests, before + 1);
}

#[test]
fn a_login_carry_holds_the_pending_login_and_never_a_token() {
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    assert!(sim.session(a).login_carry().is_none(), "no login in progress");
    sim.start_login(a);
    let carry = sim.session(a).login_carry().expect("a login in progress");
    let stored = sim.store.clone().unwrap();
    assert!(stored.tokens.is_some() && stored.id_token_hint.is_some());
    assert_eq!((carry.pending.len(), carry.version), (1, stored.version));
    assert_eq!((carry.metadata, carry.jwks), (stored.metadata, stored.jwks));
    assert!(carry.tokens.is_none() && carry.parked.is_none() && carry.id_token_hint.is_none());
    assert!(carry.sid.is_none() && carry.lease.is_none());
}

#[test]
fn a_saved_answer_never_takes_the_machine_back_behind_a_newer_state() {
    // Our write of version 2 succeeded, but another tab's logout (version 3) was announced
    // before our Saved answer arrived: the machine stays at the logout.
    use tokenward::session::{Command, State, Tokens};
    let mut cfg = browser_config();
    cfg.idle_timeout = Some(600);
    let mut s = Session::new(cfg, Box::new(SeededRandom::new(3))).unwrap();
    let far = 4_102_444_800; // 2100, in server seconds
    let tokens = Tokens {
        access_token: "opaque".into(),
        expires_at: far,
        issued_at: 1_700_000_000,
        refresh_token: Some("rt".into()),
        refresh_expires_at: None,
        offline: false,
        id_token: None,
        scope: None,
        iss: None,
        sub: None,
        nonce: None,
    };
    s.handle(Event::Start, T0);
    s.handle(Event::Loaded { state: Some(State { version: 1, tokens: Some(tokens), ..State::default() }) }, T0);
    s.handle(Event::Activity, T0);
    let saves: Vec<Command> = std::iter::from_fn(|| s.poll()).filter(|c| matches!(c, Command::Save { .. })).collect();
    assert!(matches!(&saves[..], [Command::Save { expected: 1, .. }]), "{saves:?}");
    let logout = State { version: 3, ended: Some(Cause::LoggedOut), ..State::default() };
    s.handle(Event::StoreChanged { state: Some(logout) }, T0);
    s.handle(Event::Saved { ok: true, current: None }, T0);
    assert_eq!(s.state().version, 3);
    assert!(!matches!(s.access(T0), Access::Ready(_)), "{:?}", s.access(T0));
}

// ---- expiring ----

fn expiring(notices: &[Notice]) -> Vec<(i64, u64)> {
    notices
        .iter()
        .filter_map(|n| match n {
            Notice::Expiring { expires_at, remaining } => Some((*expires_at, *remaining)),
            _ => None,
        })
        .collect()
}

#[test]
fn expiring_is_told_once_per_access_token_when_it_is_due_and_nobody_refreshes_it() {
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let first = sim.stored_tokens().unwrap().expires_at;
    let from = sim.clients[a].notices.len();
    // 300 s tokens, minValidity 30: due 30 s before expiry; an app that asks nothing is told
    // then, once, and not again when the token has run out.
    sim.run_for(600_000);
    sim.handle(a, Event::Timer);
    sim.handle(a, Event::Activity);
    let told = expiring(&sim.clients[a].notices_since(from));
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, first);
    assert!((29..=30).contains(&told[0].1), "{told:?}");
    // getAccessToken() refreshes it: the new token is told about in its turn, the refresh
    // under way meanwhile is not interrupted by a notice.
    let from = sim.clients[a].notices.len();
    assert!(ensure_fresh(&mut sim, a).contains(&Notice::Refreshed));
    let second = sim.stored_tokens().unwrap().expires_at;
    assert!(expiring(&sim.clients[a].notices_since(from)).is_empty());
    sim.run_for(300_000);
    assert_eq!(expiring(&sim.clients[a].notices_since(from)).iter().map(|t| t.0).collect::<Vec<_>>(), [second]);
}

// ---- a failing store ----

#[test]
fn a_store_that_fails_to_write_keeps_the_new_refresh_token_and_retries() {
    // The refresh's Commit cannot be written (quota): the provider has rotated, so the new
    // refresh token must not be dropped. Callers hear `storage` at once; the write is retried
    // with backoff and lands once the store works.
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let old = sim.stored_refresh_token().unwrap();
    sim.store_failures = 2; // the lease's write, then its retry
    let notices = force_refresh(&mut sim, a);
    assert!(
        notices.iter().any(
            |n| matches!(n, Notice::Error { cause: Cause::Storage, message } if message.contains("QuotaExceededError"))
        ),
        "{notices:?}"
    );
    assert_eq!(sim.stored_refresh_token().as_deref(), Some(old.as_str()), "nothing changed in the store");
    sim.run_for(10_000);
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    assert_eq!(sim.stored_refresh_token().as_deref(), sim.provider.current_refresh_token(&sid));
    assert_ne!(sim.stored_refresh_token().unwrap(), old, "the refresh went through once the store worked");
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
    assert_eq!(logged_out(&sim.clients[a].notices_since(0)), None);

    // And a Commit that fails: access() says `storage` instead of waiting on the store.
    let later = sim.now + MIN_REFRESH_INTERVAL_MS;
    sim.run_until(later);
    sim.store_failures = 1_000;
    sim.handle(a, Event::EnsureFresh { force: true });
    for _ in 0..50 {
        if sim.session(a).access(sim.now) == Access::Unavailable(Cause::Storage) {
            break;
        }
        sim.step();
    }
    assert_eq!(sim.session(a).access(sim.now), Access::Unavailable(Cause::Storage));
}

#[test]
fn a_store_that_fails_to_read_fails_the_login_with_storage_and_a_later_one_reads_again() {
    let mut sim = Sim::new(ProviderConfig::default(), 11);
    sim.store_failures = 1;
    let a = sim.add_client(browser_config());
    assert_eq!(sim.session(a).access(sim.now), Access::Unavailable(Cause::Storage));
    let n = sim.clients[a].notices_since(0);
    assert!(n.iter().any(|n| matches!(n, Notice::Error { cause: Cause::Storage, .. })), "{n:?}");
    sim.login(a);
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
}

#[test]
fn numeric_options_have_upper_bounds() {
    use tokenward::session::config::{MAX_IDLE_TIMEOUT, MAX_MIN_VALIDITY, MAX_REQUEST_TIMEOUT_MS};
    type Set = fn(&mut Config, u64);
    let options: [(&str, u64, Set); 5] = [
        ("minValidity", MAX_MIN_VALIDITY, |c, v| c.min_validity = v),
        ("idleTimeout", MAX_IDLE_TIMEOUT, |c, v| c.idle_timeout = Some(v)),
        ("idleWarning", MAX_MIN_VALIDITY, |c, v| c.idle_warning = v),
        ("clockTolerance", 86_400, |c, v| c.clock_tolerance = v),
        ("requestTimeoutMs", MAX_REQUEST_TIMEOUT_MS, |c, v| c.request_timeout_ms = v),
    ];
    for (name, max, set) in options {
        let mut ok = browser_config();
        set(&mut ok, max);
        assert!(Session::new(ok, Box::new(SeededRandom::new(1))).is_ok(), "{name} = {max}");
        for v in [max + 1, u64::MAX] {
            let mut bad = browser_config();
            set(&mut bad, v);
            let e = Session::new(bad, Box::new(SeededRandom::new(1))).err().expect(name);
            assert!(e.message.contains(name), "{name}: {}", e.message);
        }
    }
}

#[test]
fn a_refresh_with_no_identity_to_compare_is_refused_not_skipped() {
    // OIDC Core 12.2: a refreshed ID token keeps the login's iss and sub. A stored session
    // without them (edited, or written elsewhere) must not make the check vanish.
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    if let Some(t) = sim.store.as_mut().and_then(|s| s.tokens.as_mut()) {
        t.sub = None;
    }
    sim.restart(a);
    sim.settle();
    let notices = force_refresh(&mut sim, a);
    assert_eq!(logged_out(&notices), Some(Cause::InvalidIdToken), "{notices:?}");
}

#[test]
fn a_refresh_whose_commit_cannot_be_written_keeps_its_new_refresh_token_until_it_can() {
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    let old = sim.stored_refresh_token().unwrap();
    sim.store_failures_after = 1; // the lease is written; then the Commit fails twice
    sim.store_failures = 2;
    let from = sim.clients[a].notices.len();
    sim.handle(a, Event::EnsureFresh { force: true });
    let sid = sim.session(a).view(sim.now).sid.unwrap();
    for _ in 0..200 {
        if sim.store_failures == 0 {
            break;
        }
        sim.step();
    }
    assert_eq!(sim.stored_refresh_token().as_deref(), Some(old.as_str()), "the store holds what it held");
    assert_ne!(sim.provider.current_refresh_token(&sid), Some(old.as_str()), "the provider has rotated");
    assert_eq!(sim.session(a).access(sim.now), Access::Unavailable(Cause::Storage));
    sim.run_for(10_000);
    assert_eq!(sim.stored_refresh_token().as_deref(), sim.provider.current_refresh_token(&sid));
    let notices = sim.clients[a].notices_since(from);
    let told = notices.iter().filter(|n| matches!(n, Notice::Error { cause: Cause::Storage, .. })).count();
    assert_eq!(told, 1, "told once for the failing run: {notices:?}");
    assert!(notices.contains(&Notice::Refreshed));
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
}

#[test]
fn a_logout_that_cannot_be_written_yet_is_a_logout_already() {
    let (mut sim, a) = logged_in(browser_config(), ProviderConfig::default());
    sim.store_failures = 1_000;
    sim.handle(a, Event::Logout { provider: false, revoke: false, ui_locales: None });
    for _ in 0..20 {
        sim.step();
    }
    assert!(sim.stored_tokens().is_some(), "not written yet");
    assert_eq!(sim.session(a).access(sim.now), Access::Unavailable(Cause::LoggedOut));
    assert!(!sim.session(a).view(sim.now).authenticated);
}

#[test]
fn a_login_while_the_store_cannot_be_read_fails_with_storage_and_navigates_nowhere() {
    let mut sim = Sim::new(ProviderConfig::default(), 12);
    sim.store_failures = 2; // the start's load, then the login's
    let a = sim.add_client(browser_config());
    let notices = act(&mut sim, a, Event::Login { options: Default::default() });
    assert!(notices.iter().any(|n| matches!(n, Notice::Error { cause: Cause::Storage, .. })), "{notices:?}");
    assert!(sim.clients[a].navigations.is_empty());
    sim.login(a);
}

#[test]
fn a_login_behind_a_failing_write_fails_at_once() {
    // The discovery's write is failing and waits for its retry: a login must not wait
    // behind it (its caller would hear nothing until the store recovers).
    let mut sim = Sim::new(ProviderConfig::default(), 13);
    sim.store_failures_after = 1; // the start's load works, then every write fails
    sim.store_failures = 1_000;
    let a = sim.session_started(browser_config());
    sim.run_for(5_000);
    let from = sim.clients[a].notices.len();
    sim.handle(a, Event::Login { options: Default::default() });
    let notices = sim.clients[a].notices_since(from);
    assert!(notices.iter().any(|n| matches!(n, Notice::Error { cause: Cause::Storage, .. })), "{notices:?}");
    assert!(sim.clients[a].navigations.is_empty());
}

#[test]
fn a_passed_backoff_does_not_refuse_a_caller_while_a_write_is_still_out() {
    // After a 503 the backoff ends before its Timer comes, and the lease's release is still
    // being written when the app asks again: that caller waits for the refresh, it is not
    // told `server_error` (the JS driver answered it so once its store took a tick longer).
    let mut sim = Sim::new(ProviderConfig { access_lifetime: 60, ..ProviderConfig::default() }, 7);
    let a = sim.add_client(browser_config());
    sim.login(a);
    sim.store_latency_ms = 100;
    let fault = Fault::Answer { status: 503, body: "<html>busy</html>".into(), retry_after: Some(1) };
    sim.script.push_back((Kind::Refresh, fault));
    sim.now += 45_000;
    sim.handle(a, Event::EnsureFresh { force: false });
    while !sim.clients[a].notices.iter().any(|(_, n)| matches!(n, Notice::Error { cause: Cause::ServerError, .. })) {
        assert!(sim.step(), "the 503 arrived");
    }
    sim.now += 20_000; // past the backoff and the token's expiry; the release not yet saved
    sim.handle(a, Event::EnsureFresh { force: false });
    assert_eq!(sim.session(a).access(sim.now), Access::Pending);
    sim.settle();
    assert!(matches!(sim.session(a).access(sim.now), Access::Ready(_)));
}
