//! Public-key point checks that do not depend on the signature crypto, so a key set refuses
//! the same keys in every build (the WebCrypto-only builds hand keys to another verifier):
//! an EC point must lie on its curve, an Ed25519 key must not be of small order.

use crate::prelude::*;

use super::algorithm::KeyFamily;
use super::montgomery::Modulus;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|d| u8::from_str_radix(d, 16).ok()).unwrap_or(0)).collect()
}

/// (p, b) of each NIST curve (SEC 2 / FIPS 186-4), big-endian hex.
fn curve(family: KeyFamily) -> Option<(&'static str, &'static str)> {
    Some(match family {
        KeyFamily::EcP256 => (
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        ),
        KeyFamily::EcP384 => (
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
            "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        ),
        KeyFamily::EcP521 => (
            "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
        ),
        _ => return None,
    })
}

/// Whether the uncompressed SEC1 point (0x04 || x || y) lies on the curve of `family`.
pub(crate) fn ec_on_curve(family: KeyFamily, point: &[u8]) -> bool {
    let Some((p, b)) = curve(family) else { return false };
    let (p, b) = (hex(p), hex(b));
    let len = p.len();
    if point.len() != 1 + 2 * len || point[0] != 0x04 {
        return false;
    }
    let Some(m) = Modulus::new(&p) else { return false };
    m.on_curve_a_minus_3(&point[1..1 + len], &point[1 + len..], &b)
}

/// The Ed25519 encodings of points of small order (the identity, orders 2, 4 and 8), with the
/// non-canonical encodings of the same points (y = p and y = p + 1, either sign bit): with
/// such a key, signatures say nothing about who made them.
const SMALL_ORDER: [&str; 12] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

pub(crate) fn ed25519_small_order(x: &[u8; 32]) -> bool {
    SMALL_ORDER.iter().any(|h| hex(h) == x)
}

/// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Whether an Ed25519 signature R || S is one a strict verifier can accept: S < L (RFC 8032
/// 5.1.7) and R not of small order (ed25519-dalek's `verify_strict`). Checked before any
/// verifier: WebCrypto's Ed25519 accepts an identity R, so without this the answer would
/// depend on who checks the signature.
pub(crate) fn ed25519_strict_signature(sig: &[u8]) -> bool {
    let (Ok(r), Some(s)) = (<[u8; 32]>::try_from(&sig[..sig.len().min(32)]), sig.get(32..64)) else { return false };
    let s_below_l = s.iter().rev().zip(ED25519_L.iter().rev()).find(|(a, b)| a != b).is_some_and(|(a, b)| a < b);
    sig.len() == 64 && s_below_l && !ed25519_small_order(&r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_ed25519_signatures_have_s_below_l_and_r_not_of_small_order() {
        let mut sig = [0u8; 64];
        sig[0] = 9; // R: not a small-order encoding
        assert!(ed25519_strict_signature(&sig));
        sig[32..].copy_from_slice(&ED25519_L);
        assert!(!ed25519_strict_signature(&sig), "S = L");
        sig[32] -= 1;
        assert!(ed25519_strict_signature(&sig), "S = L - 1");
        sig[..32].copy_from_slice(&hex(SMALL_ORDER[0]));
        assert!(!ed25519_strict_signature(&sig), "small-order R");
        assert!(!ed25519_strict_signature(&sig[..63]));
    }

    #[test]
    fn the_generators_are_on_their_curves_and_a_nudged_point_is_not() {
        // The base points G of the three curves (SEC 2).
        for (family, gx, gy) in [
            (
                KeyFamily::EcP256,
                "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
                "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
            ),
            (
                KeyFamily::EcP384,
                "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
                "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
            ),
            (
                KeyFamily::EcP521,
                "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
                "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
            ),
        ] {
            let mut point = vec![4u8];
            point.extend(hex(gx));
            point.extend(hex(gy));
            assert!(ec_on_curve(family, &point), "{family:?}");
            *point.last_mut().unwrap() ^= 1;
            assert!(!ec_on_curve(family, &point), "{family:?} nudged");
        }
    }

    #[test]
    fn coordinates_at_or_above_p_are_refused() {
        let (p, _) = curve(KeyFamily::EcP256).unwrap();
        let mut point = vec![4u8];
        point.extend(hex(p));
        point.extend(hex(p));
        assert!(!ec_on_curve(KeyFamily::EcP256, &point));
    }
}
