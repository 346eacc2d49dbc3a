//! What goes into the machine (events, each with `now`) and what comes out (commands for the
//! driver, notices for the app). Plain data: `wire` spells them as JSON for the JS driver.

use crate::prelude::*;

use super::cause::Cause;
use super::state::State;
use crate::jose::subtle::SubtleParams;
use crate::oidc::authorize::LoginOptions;
use crate::oidc::HttpRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Begin: the machine loads the store.
    Start,
    /// The answer to `Command::Load`.
    Loaded {
        state: Option<State>,
    },
    /// The answer to `Command::Save`: `ok` false when the store held another version, which
    /// it returns as `current`.
    Saved {
        ok: bool,
        current: Option<State>,
    },
    /// The answer to `Command::Load` or `Command::Save` when the store itself failed (its
    /// error, not a compare-and-set conflict): it holds what it held.
    LoadFailed {
        message: String,
    },
    SaveFailed {
        message: String,
    },
    /// Another tab or request wrote the store.
    StoreChanged {
        state: Option<State>,
    },
    /// An HTTP answer to `Command::Send` (any status). `sent`/`received`: local ms.
    Response {
        id: u32,
        status: u16,
        body: String,
        retry_after: Option<u64>,
        sent: u64,
        received: u64,
    },
    /// No answer to `Command::Send`: network error or timeout.
    NoResponse {
        id: u32,
    },
    /// Start a login (the app's `login()`).
    Login {
        options: LoginOptions,
    },
    /// The user agent came back to the redirect URI with this URL.
    Callback {
        url: String,
    },
    /// The app wants a fresh access token (`getAccessToken()`); `force` refreshes anyway.
    EnsureFresh {
        force: bool,
    },
    /// User activity (for the idle policy).
    Activity,
    /// The app's `logout()`. `provider`: end the provider session too; `revoke`: revoke the
    /// refresh token (RFC 7009) first; `ui_locales` for the provider's logout page.
    Logout {
        provider: bool,
        revoke: bool,
        ui_locales: Option<String>,
    },
    /// A validated back-channel logout named this session id (or subject).
    BackchannelLogout {
        sid: Option<String>,
        sub: Option<String>,
    },
    /// A deadline from `next_deadline()` passed.
    Timer,
    /// The answer to `Command::VerifySignature`: `ok` when the signature verified with one
    /// of its keys; `error` when the verifier could not run (e.g. the runtime's WebCrypto
    /// has no such algorithm), which counts as not verified.
    SignatureChecked {
        id: u32,
        ok: bool,
        error: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
// `Save` carries the whole state: commands are few and short-lived (polled at once), so a box
// would only add an allocation and a less direct API.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Read the store; answer with `Event::Loaded`.
    Load,
    /// Write `state` only if the store still holds `expected` (0: empty); answer `Saved`.
    Save { state: State, expected: u64 },
    /// Send an HTTP request; answer `Response` or, after `timeout_ms`, `NoResponse`.
    Send { id: u32, request: HttpRequest, timeout_ms: u64 },
    /// Navigate the user agent (login, RP-initiated logout as GET).
    Navigate { url: String },
    /// Submit a POST form from the user agent (RP-initiated logout as POST).
    SubmitForm { url: String, fields: Vec<(String, String)> },
    /// Tell the app.
    Notify { notice: Notice },
    /// Check a JWS signature (an ID token's) with the runtime's WebCrypto: import each of
    /// `keys` (public JWKs the core chose from the provider's key set) with `import`, verify
    /// `signature` over the UTF-8 bytes of `data` with `verify`; answer `SignatureChecked`,
    /// `ok` if any key verifies. Only with `Config::external_signatures` (the JS bindings).
    VerifySignature {
        id: u32,
        keys: Vec<PublicJwk>,
        import: SubtleParams,
        verify: SubtleParams,
        data: String,
        signature: Vec<u8>,
    },
}

/// A public key as a JWK's members, e.g. `{ kty: "RSA", n, e }`.
pub type PublicJwk = alloc::collections::BTreeMap<String, String>;

/// A map (`BTreeMap`, `serde_json::Map`) from pairs, inserted one by one: `collect()` sorts
/// them first, and each sort it instantiates costs the Wasm about a kilobyte.
pub(crate) fn map_of<M: Default + Extend<(K, V)>, K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> M {
    let mut map = M::default();
    map.extend(pairs);
    map
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// New tokens are in place (login, refresh here or elsewhere, restore).
    Tokens,
    /// A refresh by this instance succeeded.
    Refreshed,
    /// A login completed; `returnTo` as the app passed it to `login()`.
    LoginComplete { return_to: Option<String> },
    /// The idle deadline is near: `remaining` seconds.
    IdleWarning { remaining: u64 },
    /// The access token is due for refresh (`minValidity` before it expires) and nobody is
    /// refreshing it: `expires_at` (server seconds), `remaining` seconds until then. Once per
    /// access token; `getAccessToken()` refreshes it.
    Expiring { expires_at: i64, remaining: u64 },
    /// The session ended.
    LoggedOut { cause: Cause },
    /// A step failed; tokens are unchanged unless a `LoggedOut` follows.
    Error { cause: Cause, message: String },
}
