//! Strict base64url (RFC 7515 2 / RFC 4648 5): no padding, no whitespace, no
//! non-canonical trailing bits. Anything else is a different token and must not verify.

use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::jose::error::{Error, Result};

pub fn decode(what: &str, input: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(input).map_err(|_| Error::malformed(format!("{what} is not strict base64url (RFC 7515 2)")))
}

/// Whether `input` would decode, without decoding it: base64url alphabet only, a length
/// that is not 1 mod 4, and zero unused bits in the last character (canonical form).
pub fn check(what: &str, input: &str) -> Result<()> {
    let bytes = input.as_bytes();
    let ok_char = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let canonical = match (bytes.len() % 4, bytes.last()) {
        (1, _) => false,
        (0, _) | (_, None) => true,
        // 2 chars carry 12 bits for 1 byte (4 unused), 3 carry 18 for 2 (2 unused).
        (rem, Some(&last)) => sextet(last).is_some_and(|v| v & if rem == 2 { 0x0F } else { 0x03 } == 0),
    };
    if canonical && bytes.iter().all(|&c| ok_char(c)) {
        Ok(())
    } else {
        Err(Error::malformed(format!("{what} is not strict base64url (RFC 7515 2)")))
    }
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

pub fn encode(input: &[u8]) -> String {
    encode_with(&URL_SAFE_NO_PAD, input)
}

/// Standard base64 with padding (RFC 4648 4), for HTTP Basic credentials.
pub fn encode_standard(input: &[u8]) -> String {
    encode_with(&base64::engine::general_purpose::STANDARD, input)
}

/// `Engine::encode` without its `expect`, whose message formats a `FromUtf8Error` (`Vec<u8>`
/// and struct `Debug` code in the session's Wasm). The failures cannot happen (the buffer is
/// the encoded length, base64 is ASCII); they panic rather than return an empty string, which
/// as a PKCE verifier or state would fail open. `ok().expect()` on purpose: `Option::expect`
/// formats only its text, `Result::expect` the error's `Debug`.
#[allow(clippy::ok_expect)]
fn encode_with(engine: &base64::engine::GeneralPurpose, input: &[u8]) -> String {
    let padding = base64::engine::Config::encode_padding(engine.config());
    let mut out = vec![0u8; base64::encoded_len(input.len(), padding).expect("base64 length overflows usize")];
    let written = engine.encode_slice(input, &mut out).ok().expect("base64 buffer of the encoded length");
    out.truncate(written);
    String::from_utf8(out).ok().expect("base64 output is ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_engines_do() {
        for input in [&b""[..], b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc", &[0u8; 33]] {
            assert_eq!(encode(input), URL_SAFE_NO_PAD.encode(input));
            assert_eq!(encode_standard(input), base64::engine::general_purpose::STANDARD.encode(input));
        }
        assert_eq!((encode(b"ab"), encode_standard(b"ab")), ("YWI".into(), "YWI=".into()));
    }

    #[test]
    fn check_agrees_with_decode() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .";
        // Every string of length 0..=3 over the alphabet plus some invalid characters, and
        // a few longer ones: check() must accept exactly what decode() accepts.
        let mut cases: Vec<String> = vec![String::new()];
        for len in 1..=3 {
            let prev: Vec<String> = cases.iter().filter(|c| c.len() == len - 1).cloned().collect();
            for p in prev {
                for &c in alphabet.iter() {
                    cases.push(format!("{p}{}", c as char));
                }
            }
        }
        for base in ["QUJD", "QUJDRA", "QUJDRA==", "QUJDREU", "QUJDREV"] {
            cases.push(base.to_string());
        }
        for c in &cases {
            assert_eq!(check("x", c).is_ok(), decode("x", c).is_ok(), "{c:?}");
        }
    }
}
