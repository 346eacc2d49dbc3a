//! JWS compact serialization (RFC 7515 7.1): exactly three base64url segments. A JWE (five
//! segments) or a bare payload is refused as a shape error before any decoding.

use crate::prelude::*;

use alloc::sync::Arc;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::jose::b64;
use crate::jose::claims::Claims;
use crate::jose::error::{Error, Result};
use crate::jose::header::Header;
use crate::jose::json;
use crate::jose::kind::TokenKind;
use crate::jose::limits::MAX_TOKEN_BYTES;

/// The three segments of a compact JWS, borrowed from the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segments<'a> {
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    pub header: &'a str,
    pub payload: &'a str,
    pub signature: &'a str,
}

pub(crate) fn split(token: &str) -> Result<Segments<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::malformed(format!(
            "token is {} bytes, more than the {MAX_TOKEN_BYTES} accepted",
            token.len()
        )));
    }
    if token.starts_with('{') {
        return Err(Error::malformed("JWS JSON serialization is not supported: pass the compact form"));
    }
    let dots = token.bytes().filter(|&b| b == b'.').count();
    if dots != 2 {
        let what = if dots == 4 { " (a JWE? encrypted tokens are not supported)" } else { "" };
        return Err(Error::malformed(format!("a compact JWS has exactly 3 segments, this has {}{what}", dots + 1)));
    }
    let mut it = token.splitn(3, '.');
    let (header, payload, signature) = match (it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s)) => (h, p, s),
        _ => return Err(Error::malformed("token is not three segments")),
    };
    // An empty payload is a valid JWS (RFC 7515 7.2.8 detached content aside, it signs
    // the empty string); a JWT then fails as a payload that is not a JSON object.
    if header.is_empty() {
        return Err(Error::malformed("token has an empty header segment"));
    }
    let signing_input = token.get(..header.len() + 1 + payload.len()).expect("header.payload is a prefix of the token");
    Ok(Segments { signing_input, header, payload, signature })
}

pub(crate) fn decode_header(seg: &Segments<'_>) -> Result<Header> {
    let (text, map) = decode_object("header", seg.header)?;
    Header::from_json(text, map)
}

pub(crate) fn decode_claims(seg: &Segments<'_>) -> Result<Claims> {
    let (text, map) = decode_object("payload", seg.payload)?;
    Claims::from_json(text, map)
}

fn decode_object(what: &str, segment: &str) -> Result<(String, serde_json::Map<String, serde_json::Value>)> {
    let bytes = b64::decode(what, segment)?;
    let map = json::parse_object(what, &bytes)?;
    // parse_object accepted it, so it is UTF-8 JSON.
    let text = String::from_utf8(bytes).map_err(|_| Error::malformed(format!("{what} is not UTF-8")))?;
    Ok((text, map))
}

pub(crate) fn decode_signature(seg: &Segments<'_>) -> Result<Vec<u8>> {
    b64::decode("signature", seg.signature)
}

/// A decoded token (verified when it comes from `verify`). Cloning is cheap: the parts
/// are shared, which is what lets the verified-token cache hand out hits without copying.
#[derive(Debug, Clone, PartialEq)]
pub struct Token(Arc<Parts>);

struct Parts {
    header: Header,
    claims: Claims,
    kind: TokenKind,
    serial: u64,
}

impl fmt::Debug for Parts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("kind", &self.kind)
            .finish()
    }
}

impl PartialEq for Parts {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.claims == other.claims && self.kind == other.kind
    }
}

impl Token {
    pub(crate) fn new(header: Header, claims: Claims) -> Self {
        let kind = TokenKind::classify(header.typ(), claims.typ());
        // Unique for the process's life: 2^64 decodes never wrap.
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let serial = NEXT.fetch_add(1, Ordering::Relaxed);
        Self(Arc::new(Parts { header, claims, kind, serial }))
    }

    /// The same number for every copy of one decoded token (the verified-token cache's hits
    /// included) and never another token's: what lets a caller keep what it derived from a
    /// token (the Wasm bindings keep its JS objects) without the token carrying it.
    pub fn serial(&self) -> u64 {
        self.0.serial
    }
    pub fn header(&self) -> &Header {
        &self.0.header
    }
    pub fn claims(&self) -> &Claims {
        &self.0.claims
    }
    pub fn kind(&self) -> TokenKind {
        self.0.kind
    }
}

/// A token decoded without verifying anything: its header, claims and kind, to show it, route
/// on it or read a token nobody can verify (a Keycloak refresh token). Its own type, not a
/// `Token`, so nothing that takes a verified token accepts it; never authorize with it.
#[derive(Debug, Clone)]
pub struct Unverified(Token);

impl Unverified {
    pub fn header(&self) -> &Header {
        self.0.header()
    }
    /// The claims as the token states them, unverified.
    pub fn claims(&self) -> &Claims {
        self.0.claims()
    }
    pub fn kind(&self) -> TokenKind {
        self.0.kind()
    }
    /// For the crate's own readers (the inspector, the session's peeks).
    pub(crate) fn into_token(self) -> Token {
        self.0
    }
}

/// Decode a compact JWT without verifying anything. Use it to read a token you cannot
/// verify (a Keycloak refresh token) or to show one; never to authorize.
pub fn decode(token: &str) -> Result<Unverified> {
    decode_token(token).map(Unverified)
}

/// `decode` for the crate's pipelines, which go on to verify (or only display) the token.
pub(crate) fn decode_token(token: &str) -> Result<Token> {
    let seg = split(token)?;
    let header = decode_header(&seg)?;
    let claims = decode_claims(&seg)?;
    // The signature's bytes are not needed here, only that the segment is strict base64url.
    b64::check("signature", seg.signature)?;
    Ok(Token::new(header, claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        b64::encode(s.as_bytes())
    }

    fn token(h: &str, p: &str) -> String {
        format!("{}.{}.{}", enc(h), enc(p), enc("sig"))
    }

    #[test]
    fn decodes_a_keycloak_access_token() {
        let t = decode(&token(
            r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
            r#"{"typ":"Bearer","sub":"u1","aud":"account"}"#,
        ))
        .unwrap();
        assert_eq!(t.kind(), TokenKind::Access);
        assert_eq!(t.header().kid(), Some("k1"));
        assert_eq!(t.claims().aud(), vec!["account"]);
    }

    #[test]
    fn segment_count_is_exact() {
        let good = token(r#"{"alg":"RS256"}"#, "{}");
        assert!(decode(&good).is_ok());
        for bad in
            [good.splitn(3, '.').take(2).collect::<Vec<_>>().join("."), format!("{good}.x.y"), format!("{good}.")]
        {
            let err = decode(&bad).unwrap_err();
            assert_eq!(err.code(), "malformed");
            assert!(err.message().contains("segments"), "{}", err.message());
        }
    }

    #[test]
    fn oversized_tokens_are_refused_before_decoding() {
        let big = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(decode(&big).unwrap_err().message().contains("bytes"));
    }
}
