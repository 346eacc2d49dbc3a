//! EMSA-PSS-VERIFY (RFC 8017 9.1.2) with MGF1 over the same hash and a salt as long as
//! the hash, as RFC 7518 3.5 requires for PS256/384/512.

use sha2::digest::{Digest, FixedOutputReset};
use subtle::ConstantTimeEq;

/// `em_full` is the k-byte result of the public operation, `mod_bits` the modulus size.
pub(super) fn verify<H: Digest + FixedOutputReset>(em_full: &[u8], mod_bits: usize, m_hash: &[u8]) -> bool {
    let h_len = <H as Digest>::output_size();
    let s_len = h_len;
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    // When modBits - 1 is a multiple of 8 the k-byte value has a leading zero byte that is
    // not part of EM (8.1.2 step 2c); it must be zero.
    let (lead, em) = em_full.split_at(em_full.len() - em_len);
    if lead.iter().any(|&b| b != 0) {
        return false;
    }
    // Steps 3-4.
    if em_len < h_len + s_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let (masked_db, rest) = em.split_at(em_len - h_len - 1);
    let h = &rest[..h_len];
    // Step 6: the unused leftmost bits of maskedDB are zero.
    let unused = 8 * em_len - em_bits;
    let top_mask = 0xFFu8 >> unused;
    if masked_db[0] & !top_mask != 0 {
        return false;
    }
    // Steps 7-9.
    let mut db = masked_db.to_vec();
    mgf1_xor::<H>(h, &mut db);
    db[0] &= top_mask;
    // Step 10: PS zeros, then 0x01, then the salt.
    let ps_len = em_len - h_len - s_len - 2;
    if db[..ps_len].iter().any(|&b| b != 0) || db[ps_len] != 0x01 {
        return false;
    }
    let salt = &db[db.len() - s_len..];
    // Steps 12-14: H' = Hash(0x00 x 8 || mHash || salt).
    let mut hasher = H::new();
    Digest::update(&mut hasher, [0u8; 8]);
    Digest::update(&mut hasher, m_hash);
    Digest::update(&mut hasher, salt);
    hasher.finalize()[..].ct_eq(h).into()
}

/// db ^= MGF1(seed, db.len()) (RFC 8017 B.2.1).
fn mgf1_xor<H: Digest + FixedOutputReset>(seed: &[u8], db: &mut [u8]) {
    let mut hasher = H::new();
    for (counter, chunk) in db.chunks_mut(<H as Digest>::output_size()).enumerate() {
        Digest::update(&mut hasher, seed);
        Digest::update(&mut hasher, (counter as u32).to_be_bytes());
        let block = hasher.finalize_reset();
        for (d, m) in chunk.iter_mut().zip(block.iter()) {
            *d ^= m;
        }
    }
}
