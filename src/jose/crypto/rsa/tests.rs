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
