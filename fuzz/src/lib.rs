//! What the fuzz targets and the seed generator (examples/seeds.rs) share: the fixed keys, the
//! clock, how an input's option bytes become `VerifyOptions` and how JSON parts become a token.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::Mac;
use tokenward::{Algorithm, KeySet, TokenKind, VerifyOptions};

/// The seeds' tokens are valid at this time (as in tests/common).
pub const NOW: i64 = 1_800_000_000;
pub const ISS: &str = "http://localhost:8080/realms/demo";

/// The HS256 secret: exactly the 32 bytes HS256 requires.
pub const HS_SECRET: &[u8; 32] = b"tokenward-fuzz-hs256-secret-0123";

/// The public halves of the fixed RSA 2048, P-256 and Ed25519 keys (examples/seeds.rs derives
/// the private ones and checks they still match these).
pub const JWKS: &str = r#"{"keys": [
    {"kty": "RSA", "kid": "rsa", "use": "sig", "e": "AQAB",
     "n": "u2G4mR6t91akQXA4KB0dozMiaXRZtOiZahPYBtdWPRwqoyGP3vFip0wIKYW7US-qKofGXbfSSkfhgZTmj6eNp9gx9231uUCvga7LZLFh1-ph3wBY6FAkJTxUNKSHOPhyyPhvhRbLnUEr5eYakH-F10LbUxfztRFM4SocaOxI4MVqvzLHPQyaSiBzKWKHIgc3sRNCMBsVWfaK3K5m51q9Viq2nLpBCqduIs4_hVhEfWfgAfu-mhQkJ0ladIPzTwVbm-WA8tXxKwgQNMRB_NRPH6HHny_pksmTzfBBqI94H2j1psRHA5pmitFkxW9vB2e41T20__feQTbhlv6oFK-Jkw"},
    {"kty": "EC", "crv": "P-256", "kid": "p256",
     "x": "yD0QmhOTvMZWOkVSfntyBYzYGhWJOekELNRLPNr-UMs", "y": "7ltcCoNuVY4KBmlVNL4vJ9HsxxaN7usw-PHce-6wa0k"},
    {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "jYKeTAtzxCA6WFCZj9WTaFzNzbQkrkwZ7VSgMq-O2nM"}
]}"#;

/// The Ed25519 key alone and without a kid: a lone JWK answers to any token kid.
pub const LONE_JWK: &str = r#"{"kty": "OKP", "crv": "Ed25519", "x": "jYKeTAtzxCA6WFCZj9WTaFzNzbQkrkwZ7VSgMq-O2nM"}"#;

/// The four fixed key sets, without the verified-token cache so every input is judged alone:
/// the JWKS (matched by kid), the HS256 secret without and with kid "hs", the lone JWK.
pub fn sets() -> &'static [KeySet; 4] {
    static SETS: OnceLock<[KeySet; 4]> = OnceLock::new();
    SETS.get_or_init(|| [0, 1, 2, 3].map(|i| fresh_set(i).with_cache(0)))
}

/// Set `i` of `sets()` built anew, with the default cache (for the cache-hit checks).
pub fn fresh_set(i: usize) -> KeySet {
    match i {
        0 => KeySet::from_jwks(JWKS),
        1 => KeySet::from_secret(HS_SECRET, Algorithm::HS256, None),
        2 => KeySet::from_secret(HS_SECRET, Algorithm::HS256, Some("hs")),
        _ => KeySet::from_jwks(LONE_JWK),
    }
    .expect("the fixed keys are valid")
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

pub fn hs256(input: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(HS_SECRET).expect("any key length");
    mac.update(input);
    mac.finalize().into_bytes().to_vec()
}

/// `header.payload` from raw JSON bytes, signed with the HS256 secret: claims the fuzzer
/// writes in clear still reach verify's claim checks (for an HS256 header and an HMAC set).
pub fn hs256_token(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = hs256(input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// Length of one options block.
pub const BLOCK: usize = 12;

/// The options for one call, read from `BLOCK` input bytes. Each choice is a few bits, so
/// mutations move between nearby configurations; about a third of them are invalid (an empty
/// issuer or required claim, a clock tolerance over the limit, a `now` outside 0..=year 9999),
/// which explain still runs every check under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Block {
    /// Bits 0-1: key set (`sets()` index); 2: issuer; 3: audience; 4: azp; 5: max_age;
    /// 6: algorithms from `algorithms`; 7: required claims.
    pub flags: u8,
    /// Bit i allows `Algorithm::ALL[i]`.
    pub algorithms: u16,
    /// Two bits each, from bit 0: issuer, audience, azp, required claims (indexes below).
    pub choices: u8,
    /// Bits 0-2: kind (0 none, 1 access, 2 id, 3 refresh, 4 offline, else none); bit 3: the
    /// body is JSON parts (see `token_of`); bits 5-7 all set: `now` is `offset << 40`, mostly
    /// outside the accepted range.
    pub mode: u8,
    /// Clock tolerance in seconds below 0xF000; from there 86,400 (the largest accepted) and on.
    pub tolerance: u16,
    pub max_age: u16,
    /// `now` is `NOW + offset` (an i24, about +-97 days).
    pub offset: i32,
}

const ISSUERS: [&[&str]; 4] = [&[ISS], &["http://other"], &[""], &["http://other", ISS]];
const AUDIENCES: [&[&str]; 4] = [&["account"], &["api"], &["account "], &["api", "account"]];
const AZPS: [&str; 4] = ["spa", "other", "SPA", "\u{202e}spa"];
const REQUIRED: [&[&str]; 4] = [&["sub"], &["nonce"], &[""], &["sub", "sid"]];

impl Block {
    pub fn decode(b: &[u8; BLOCK]) -> Self {
        let offset = i32::from_le_bytes([0, b[9], b[10], b[11]]) >> 8;
        Block {
            flags: b[0],
            algorithms: u16::from_le_bytes([b[1], b[2]]),
            choices: b[3],
            mode: b[4],
            tolerance: u16::from_le_bytes([b[5], b[6]]),
            max_age: u16::from_le_bytes([b[7], b[8]]),
            offset,
        }
    }

    pub fn encode(&self) -> [u8; BLOCK] {
        let [a0, a1] = self.algorithms.to_le_bytes();
        let [t0, t1] = self.tolerance.to_le_bytes();
        let [m0, m1] = self.max_age.to_le_bytes();
        let [o0, o1, o2, _] = self.offset.to_le_bytes();
        [self.flags, a0, a1, self.choices, self.mode, t0, t1, m0, m1, o0, o1, o2]
    }

    pub fn set(&self) -> usize {
        usize::from(self.flags & 3)
    }

    pub fn json_parts(&self) -> bool {
        self.mode & 0x08 != 0
    }

    pub fn now(&self) -> i64 {
        if self.mode & 0xe0 == 0xe0 {
            i64::from(self.offset) << 40
        } else {
            NOW + i64::from(self.offset)
        }
    }

    pub fn options(&self) -> VerifyOptions {
        let pick = |shift: u8| usize::from((self.choices >> shift) & 3);
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        let on = |bit: u8| self.flags & (1 << bit) != 0;
        VerifyOptions {
            issuer: if on(2) { strings(ISSUERS[pick(0)]) } else { Vec::new() },
            audience: if on(3) { strings(AUDIENCES[pick(2)]) } else { Vec::new() },
            azp: on(4).then(|| AZPS[pick(4)].to_string()),
            kind: match self.mode & 7 {
                1 => Some(TokenKind::Access),
                2 => Some(TokenKind::Id),
                3 => Some(TokenKind::Refresh),
                4 => Some(TokenKind::Offline),
                _ => None,
            },
            algorithms: on(6).then(|| {
                Algorithm::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| self.algorithms & (1 << i) != 0)
                    .map(|(_, a)| a)
                    .collect()
            }),
            clock_tolerance: match self.tolerance {
                t @ ..0xf000 => u64::from(t),
                t => 86_400 + u64::from(t - 0xf000),
            },
            max_age: on(5).then_some(u64::from(self.max_age)),
            required_claims: if on(7) { strings(REQUIRED[pick(6)]) } else { Vec::new() },
        }
    }
}

/// A verify_explain input: two option blocks (the first for every call, the second for the
/// calls that hit the cache with other options) and the body, a compact token or, with
/// `json_parts`, `header JSON 0x00 payload JSON`.
pub fn split_input(data: &[u8]) -> Option<(Block, Block, &[u8])> {
    let a = Block::decode(data.get(..BLOCK)?.try_into().ok()?);
    let b = Block::decode(data.get(BLOCK..2 * BLOCK)?.try_into().ok()?);
    Some((a, b, &data[2 * BLOCK..]))
}

/// The token an input's body stands for.
pub fn token_of(block: &Block, body: &[u8]) -> String {
    if block.json_parts() {
        let (header, payload) = match body.iter().position(|&b| b == 0) {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, &[][..]),
        };
        hs256_token(header, payload)
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}
