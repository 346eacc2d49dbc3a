//! Strict base64url (RFC 7515 2 / RFC 4648 5): no padding, no whitespace, no
//! non-canonical trailing bits. Anything else is a different token and must not verify.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{Error, Result};

pub fn decode(what: &str, input: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(input)
        .map_err(|_| Error::malformed(format!("{what} is not strict base64url (RFC 7515 2)")))
}

#[cfg(test)]
pub fn encode(input: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(input)
}
