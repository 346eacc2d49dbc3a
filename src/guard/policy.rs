//! The guard: its options, the step for each request, and the decision once the token has
//! been verified (only access tokens; required realm roles, client roles and scopes).

use crate::prelude::*;

use alloc::sync::Arc;

use super::bearer::{self, Credentials};
use super::challenge::{self, Denial};
use super::jwks_cache::{CachePolicy, Fetch, JwksCache, Lookup};
use crate::jose::compact::{self, Token};
use crate::jose::error::{Error, ErrorKind, Result};
use crate::jose::keyset::KeySet;
use crate::jose::options::VerifyOptions;

/// What a guard checks. Every list, when given, is non-empty and holds no empty string.
#[derive(Debug, Clone, Default)]
pub struct GuardOptions {
    /// The provider's issuer: required, checked against `iss` (and the discovery document).
    pub issuer: String,
    /// The JWKS URL; or `None` to read it from `discovery`.
    pub jwks_uri: Option<String>,
    /// The discovery document's URL. Default when neither is given:
    /// `{issuer}/.well-known/openid-configuration`.
    pub discovery: Option<String>,
    /// The `realm` of every challenge. Default: the issuer.
    pub realm: Option<String>,
    /// Everything `verify` checks, except `issuer`, which is `issuer` above. `kind` stays
    /// unset: ID, refresh and offline tokens are refused as access tokens (the default).
    pub verify: VerifyOptions,
    /// Keycloak realm roles the token must all hold (`realm_access.roles`).
    pub required_realm_roles: Vec<String>,
    /// Client roles the token must all hold (`resource_access[client].roles`).
    pub required_resource_roles: Vec<(String, Vec<String>)>,
    /// Scopes (`scope`, space-separated) the token must all hold.
    pub required_scopes: Vec<String>,
    pub cache: CachePolicy,
    /// Verified tokens remembered per fetched key set. Default `DEFAULT_CACHE_SIZE`.
    pub token_cache_size: Option<usize>,
}

/// The next thing a request must do.
#[derive(Debug)]
pub enum Step {
    /// Answer with this refusal.
    Deny(Denial),
    /// Make this fetch, report it, and call `check` again.
    Fetch(Fetch),
    /// Wait for another request's fetch (this id), then call `check` again.
    Wait(u64),
    /// Verify `token` with `keys` under `Guard::verify_options`, then hand the outcome to
    /// `decide`. `refresh`: also start this fetch, without waiting for it.
    Verify { token: String, keys: Arc<KeySet>, refresh: Option<Fetch> },
}

pub struct Guard {
    opts: GuardOptions,
    realm: String,
    verify: VerifyOptions,
    cache: JwksCache,
}

impl Guard {
    pub fn new(opts: GuardOptions) -> Result<Self> {
        let bad = |m: &str| Err(Error::new(ErrorKind::InvalidOption, m));
        if opts.issuer.is_empty() {
            return bad("the guard needs its issuer");
        }
        if !opts.verify.issuer.is_empty() {
            return bad("give the issuer once, as the guard's issuer");
        }
        if opts.verify.kind.is_some() {
            return bad("a guard accepts access tokens only: kind cannot be set");
        }
        let lists: [(&str, &[String]); 2] =
            [("requiredRealmRoles", &opts.required_realm_roles), ("requiredScopes", &opts.required_scopes)];
        for (name, list) in lists {
            if list.iter().any(String::is_empty) {
                return Err(Error::new(ErrorKind::InvalidOption, format!("{name} must not hold an empty string")));
            }
        }
        if opts
            .required_resource_roles
            .iter()
            .any(|(c, r)| c.is_empty() || r.is_empty() || r.iter().any(String::is_empty))
        {
            return bad("requiredResourceRoles maps each client to a non-empty list of role names");
        }
        if opts.realm.as_deref() == Some("") {
            return bad("realm must not be empty");
        }
        let mut verify = opts.verify.clone();
        verify.issuer = vec![opts.issuer.clone()];
        crate::jose::verify::validate_options(&verify)?;
        let discovery = match (&opts.jwks_uri, &opts.discovery) {
            (None, None) => Some(crate::oidc::discovery::discovery_url(&opts.issuer)),
            (_, d) => d.clone(),
        };
        let cache = JwksCache::new(
            opts.cache.clone(),
            &opts.issuer,
            opts.jwks_uri.clone(),
            discovery,
            opts.token_cache_size.unwrap_or(crate::DEFAULT_CACHE_SIZE),
        )?;
        let realm = opts.realm.clone().unwrap_or_else(|| opts.issuer.clone());
        Ok(Self { opts, realm, verify, cache })
    }

    /// The options every verification of this guard runs with.
    pub fn verify_options(&self) -> &VerifyOptions {
        &self.verify
    }

    pub fn cache(&self) -> &JwksCache {
        &self.cache
    }
    pub fn cache_mut(&mut self) -> &mut JwksCache {
        &mut self.cache
    }

    /// The first step for a request with this `Authorization` header at `now`; called again
    /// after each `Fetch` or `Wait`.
    pub fn check(&mut self, authorization: Option<&str>, now: i64) -> Step {
        let token = match bearer::read(authorization) {
            Credentials::Missing => return Step::Deny(Denial::missing(&self.realm)),
            Credentials::Malformed(why) => return Step::Deny(Denial::malformed_header(&self.realm, why)),
            Credentials::Token(t) => t,
        };
        // The kid decides whether the cached keys can answer; a token whose header does not
        // even decode needs no keys to be refused.
        let header = compact::split(token).and_then(|seg| compact::decode_header(&seg));
        let header = match header {
            Ok(h) => h,
            Err(e) => return Step::Deny(Denial::invalid_token(&self.realm, &e)),
        };
        match self.cache.lookup(now, header.kid()) {
            Lookup::Ready { keys, refresh } => Step::Verify { token: token.to_owned(), keys, refresh },
            Lookup::Fetch(f) => Step::Fetch(f),
            Lookup::Wait(id) => Step::Wait(id),
            Lookup::Unavailable { why, retry_after } => Step::Deny(Denial::unavailable(&why, retry_after)),
        }
    }

    /// The answer once `verify` (or `verify_start` / `verify_finish`) has spoken: the token,
    /// if it also holds every required role and scope.
    pub fn decide(&self, verified: Result<Token>) -> core::result::Result<Token, Denial> {
        let token = match verified {
            Ok(t) => t,
            Err(e) if challenge::is_configuration(&e) => {
                return Err(Denial::unavailable(&format!("guard misconfigured: {}", e.message()), 60))
            }
            Err(e) => return Err(Denial::invalid_token(&self.realm, &e)),
        };
        let c = token.claims();
        let deny =
            |code, why: String| Err(Denial::insufficient_scope(&self.realm, code, &why, &self.opts.required_scopes));
        let realm_roles = c.realm_roles();
        if let Some(role) = self.opts.required_realm_roles.iter().find(|r| !realm_roles.contains(&r.as_str())) {
            return deny("missing_role", format!("realm role {} is required", sanitize(role)));
        }
        for (client, roles) in &self.opts.required_resource_roles {
            let held = c.resource_roles(client);
            if let Some(role) = roles.iter().find(|r| !held.contains(&r.as_str())) {
                return deny(
                    "missing_role",
                    format!("role {} of client {} is required", sanitize(role), sanitize(client)),
                );
            }
        }
        let scopes = c.scopes();
        if let Some(scope) = self.opts.required_scopes.iter().find(|s| !scopes.contains(&s.as_str())) {
            return deny("missing_scope", format!("scope {} is required", sanitize(scope)));
        }
        Ok(token)
    }

    /// `check`, `verify` and `decide` in one, for Rust callers that fetch synchronously:
    /// `fetch` gets each URL and answers (status, Cache-Control, body) or an error.
    #[cfg(feature = "signature")]
    pub fn check_blocking(
        &mut self,
        authorization: Option<&str>,
        now: i64,
        mut fetch: impl FnMut(&Fetch) -> core::result::Result<(u16, Option<String>, String), String>,
    ) -> core::result::Result<Token, Denial> {
        // Each round either ends or settles one fetch; the cache never asks for a second
        // fetch for one request (cooldowns), so three rounds always suffice.
        for _ in 0..4 {
            match self.check(authorization, now) {
                Step::Deny(d) => return Err(d),
                Step::Wait(_) => {}
                Step::Fetch(f) => self.report(&f, now, fetch(&f)),
                Step::Verify { token, keys, refresh } => {
                    let verified = crate::jose::verify::verify(&token, &keys, &self.verify, now);
                    if let Some(f) = refresh {
                        let answer = fetch(&f);
                        self.report(&f, now, answer);
                    }
                    return self.decide(verified);
                }
            }
        }
        Err(Denial::unavailable("the key set could not be settled", 1))
    }

    #[cfg(feature = "signature")]
    fn report(&mut self, f: &Fetch, now: i64, answer: core::result::Result<(u16, Option<String>, String), String>) {
        match answer {
            Ok((status, cc, body)) => self.cache.fetched(f.id, now, status, cc.as_deref(), &body),
            Err(why) => self.cache.failed(f.id, now, &why),
        }
    }
}

fn sanitize(s: &str) -> String {
    crate::jose::error::sanitize(s, 60)
}
