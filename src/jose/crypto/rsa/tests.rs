//! Differential tests against the `rsa` crate: random keys of several sizes, both
//! schemes, valid and corrupted signatures.

use super::RsaKey;
use crate::jose::algorithm::Algorithm;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use sha2::{Sha256, Sha384, Sha512};

fn sign(key: &rsa::RsaPrivateKey, alg: Algorithm, msg: &[u8], rng: &mut StdRng) -> Vec<u8> {
    let k = key.clone();
    match alg {
        Algorithm::RS256 => rsa::pkcs1v15::SigningKey::<Sha256>::new(k).sign(msg).to_vec(),
        Algorithm::RS384 => rsa::pkcs1v15::SigningKey::<Sha384>::new(k).sign(msg).to_vec(),
        Algorithm::RS512 => rsa::pkcs1v15::SigningKey::<Sha512>::new(k).sign(msg).to_vec(),
        Algorithm::PS256 => rsa::pss::BlindedSigningKey::<Sha256>::new(k).sign_with_rng(rng, msg).to_vec(),
        Algorithm::PS384 => rsa::pss::BlindedSigningKey::<Sha384>::new(k).sign_with_rng(rng, msg).to_vec(),
        Algorithm::PS512 => rsa::pss::BlindedSigningKey::<Sha512>::new(k).sign_with_rng(rng, msg).to_vec(),
        _ => unreachable!(),
    }
}

const ALGS: [Algorithm; 6] =
    [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::PS384, Algorithm::PS512];

#[test]
fn agrees_with_the_rsa_crate() {
    let mut rng = StdRng::seed_from_u64(42);
    // 2048 and 3072 are common; 2049 / 2056 / 2063 exercise moduli whose bit length is not a
    // multiple of 8 or 32 (PSS emLen edge cases and partial top limbs).
    for bits in [2048usize, 2049, 2056, 2063, 3072] {
        let key = rsa::RsaPrivateKey::new(&mut rng, bits).unwrap();
        let ours = RsaKey::new(&key.n().to_bytes_be(), &key.e().to_bytes_be()).unwrap();
        for alg in ALGS {
            for len in [0usize, 1, 100] {
                let msg: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
                let sig = sign(&key, alg, &msg, &mut rng);
                assert!(ours.verify(alg, &msg, &sig), "{bits} {alg} valid");
                // Wrong message, flipped signature bit, other scheme / hash.
                let mut other = msg.clone();
                other.push(1);
                assert!(!ours.verify(alg, &other, &sig), "{bits} {alg} other message");
                let mut bad = sig.clone();
                let i = rng.gen_range(0..bad.len());
                bad[i] ^= 1 << rng.gen_range(0..8);
                assert!(!ours.verify(alg, &msg, &bad), "{bits} {alg} flipped bit");
                for other_alg in ALGS.into_iter().filter(|a| *a != alg) {
                    assert!(!ours.verify(other_alg, &msg, &sig), "{bits} {alg} as {other_alg}");
                }
            }
        }
    }
}

#[test]
fn refuses_wrong_length_and_out_of_range_signatures() {
    let mut rng = StdRng::seed_from_u64(3);
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let n = key.n().to_bytes_be();
    let ours = RsaKey::new(&n, &key.e().to_bytes_be()).unwrap();
    let sig = sign(&key, Algorithm::RS256, b"m", &mut rng);
    let mut long = vec![0u8];
    long.extend_from_slice(&sig);
    assert!(!ours.verify(Algorithm::RS256, b"m", &long), "leading zero byte");
    assert!(!ours.verify(Algorithm::RS256, b"m", &sig[1..]), "short");
    assert!(!ours.verify(Algorithm::RS256, b"m", &n), "s = n");
    assert!(!ours.verify(Algorithm::RS256, b"m", &[0xFF; 256]), "s > n");
    assert!(!ours.verify(Algorithm::RS256, b"m", &[0; 256]), "s = 0");
}

#[test]
fn montgomery_agrees_with_the_rsa_crate_bigint_on_large_moduli() {
    // The public operation alone, against num-bigint-dig (the rsa crate's arithmetic), for
    // the sizes key generation makes too slow to test by signatures: any odd modulus will do
    // for s^e mod n. Odd lengths in limbs and bytes too (4104, 8184 bits).
    use crate::jose::montgomery::Modulus;
    use rsa::BigUint;
    let mut rng = StdRng::seed_from_u64(8192);
    for bits in [4096usize, 4104, 6144, 8184, 8192] {
        for _ in 0..4 {
            let mut n_be: Vec<u8> = (0..bits / 8).map(|_| rng.gen()).collect();
            n_be[0] |= 0x80;
            *n_be.last_mut().unwrap() |= 1;
            let n = BigUint::from_bytes_be(&n_be);
            let modulus = Modulus::new(&n_be).unwrap();
            for e in [3u32, 65537, rng.gen::<u32>() | 1, u32::MAX] {
                let s = BigUint::from_bytes_be(&(0..n_be.len()).map(|_| rng.gen()).collect::<Vec<u8>>()) % &n;
                let pad = |x: &BigUint| {
                    let b = x.to_bytes_be();
                    let mut out = vec![0u8; n_be.len() - b.len()];
                    out.extend_from_slice(&b);
                    out
                };
                let want = pad(&s.modpow(&BigUint::from(e), &n));
                assert_eq!(modulus.pow_be(&pad(&s), e), Some(want), "{bits} bits, e = {e}");
            }
            // n - 1 (the largest valid s) and n itself (refused).
            let n_minus_1 = &n - 1u32;
            let want = n_minus_1.modpow(&BigUint::from(65537u32), &n).to_bytes_be();
            let got = modulus.pow_be(&n_minus_1.to_bytes_be(), 65537).unwrap();
            assert_eq!(BigUint::from_bytes_be(&got), BigUint::from_bytes_be(&want));
            assert_eq!(modulus.pow_be(&n_be, 65537), None);
        }
    }
}
