//! Modular arithmetic on public values: RSA's public operation and the EC point check
//! (`points.rs`), in every build. Montgomery multiplication (CIOS)
//! over 32-bit limbs with 64-bit accumulators, which is what Wasm multiplies natively (it
//! has no 64x64->128 multiply). Only public values go through here (signature, modulus,
//! exponent), so branches on them leak nothing. The per-key context (n^-1 mod 2^32 and
//! R^2 mod n) is computed once, when the key is prepared.

use crate::prelude::*;

// Shared between threads where there is std; the `no_std` Wasm has one thread.
#[cfg(not(tokenward_no_std))]
type Lazy<T> = std::sync::OnceLock<T>;
#[cfg(tokenward_no_std)]
type Lazy<T> = core::cell::OnceCell<T>;

/// A modulus ready for Montgomery arithmetic. Limbs are little-endian.
pub(crate) struct Modulus {
    n: Vec<u32>,
    /// -n^-1 mod 2^32
    n0inv: u32,
    /// R^2 mod n, R = 2^(32 k): computed on the first exponentiation, so that parsing a key
    /// set stays cheap for keys that never verify anything.
    rr: Lazy<Vec<u32>>,
    /// Modulus length in bytes.
    len: usize,
}

impl Modulus {
    /// `n_be`: big-endian, no leading zero byte, odd, at least 2 limbs.
    pub fn new(n_be: &[u8]) -> Option<Self> {
        let len = n_be.len();
        let n = limbs_from_be(n_be, len.div_ceil(4));
        if n.len() < 2 || n[0] & 1 == 0 || n_be.first() == Some(&0) {
            return None;
        }
        // Newton iteration: each step doubles the number of correct low bits (1 -> 32).
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        let n0inv = inv.wrapping_neg();
        Some(Self { n, n0inv, rr: Lazy::new(), len })
    }

    /// R^2 mod n, once per key. R mod n comes from 2^(bits-1) (below n) by at most 31
    /// doublings; with 32k = t 2^s (t odd), t more doublings give 2^t R, and each Montgomery
    /// squaring maps 2^a R to 2^2a R, so s of them reach 2^(32k) R = R^2 (mod n). For a
    /// 2048-bit key that is 1 doubling and 11 squarings instead of 4096 doublings.
    fn r_squared(&self) -> Vec<u32> {
        let k = self.n.len();
        let bits = 32 * k - self.n[k - 1].leading_zeros() as usize;
        let mut x = vec![0u32; k];
        x[(bits - 1) / 32] = 1 << ((bits - 1) % 32);
        for _ in bits - 1..32 * k {
            double_mod(&mut x, &self.n);
        }
        let s = (32 * k).trailing_zeros();
        for _ in 0..(32 * k) >> s {
            double_mod(&mut x, &self.n);
        }
        let mut out = vec![0u32; k];
        let mut scratch = vec![0u32; 2 * k];
        for _ in 0..s {
            self.sqr(&x, &mut out, &mut scratch);
            core::mem::swap(&mut x, &mut out);
        }
        x
    }

    /// Whether (x, y), big-endian and each below n, satisfies y^2 = x^3 - 3x + b (mod n): the
    /// short Weierstrass equation of the NIST curves, whose a is -3.
    pub fn on_curve_a_minus_3(&self, x_be: &[u8], y_be: &[u8], b_be: &[u8]) -> bool {
        let k = self.n.len();
        let (x, y, b) = (limbs_from_be(x_be, k), limbs_from_be(y_be, k), limbs_from_be(b_be, k));
        let fits = |v: &[u8]| v.len() <= self.len;
        if !(fits(x_be) && fits(y_be) && fits(b_be) && less_than(&x, &self.n) && less_than(&y, &self.n)) {
            return false;
        }
        let (Some(y2), Some(x3)) =
            (self.pow_be(&limbs_to_be(&y, self.len), 2), self.pow_be(&limbs_to_be(&x, self.len), 3))
        else {
            return false;
        };
        let mut rhs = limbs_from_be(&x3, k);
        add_mod(&mut rhs, &b, &self.n);
        let mut three_x = x.clone();
        double_mod(&mut three_x, &self.n);
        add_mod(&mut three_x, &x, &self.n);
        sub_mod(&mut rhs, &three_x, &self.n);
        limbs_from_be(&y2, k) == rhs
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `s^e mod n` as `len()` big-endian bytes, or `None` when `s >= n` (RFC 8017 5.2.2).
    pub fn pow_be(&self, s_be: &[u8], e: u32) -> Option<Vec<u8>> {
        let k = self.n.len();
        if s_be.len() != self.len || e == 0 {
            return None;
        }
        let s = limbs_from_be(s_be, k);
        if !less_than(&s, &self.n) {
            return None;
        }
        let mut scratch = vec![0u32; 2 * k];
        let mut base = vec![0u32; k];
        let rr = self.rr.get_or_init(|| self.r_squared());
        self.mul(&s, rr, &mut base, &mut scratch); // s R mod n
        let mut acc = base.clone();
        let mut tmp = vec![0u32; k];
        // Left-to-right binary exponentiation; e = 65537 costs 16 squarings and 1 multiply.
        for bit in (0..31 - e.leading_zeros()).rev() {
            self.sqr(&acc, &mut tmp, &mut scratch);
            if (e >> bit) & 1 == 1 {
                self.mul(&tmp, &base, &mut acc, &mut scratch);
            } else {
                core::mem::swap(&mut acc, &mut tmp);
            }
        }
        let mut one = vec![0u32; k];
        one[0] = 1;
        self.mul(&acc, &one, &mut tmp, &mut scratch); // leave Montgomery form
        Some(limbs_to_be(&tmp, self.len))
    }

    /// out = a b R^-1 mod n for a, b < n. Multiplication and reduction share one pass over
    /// the limbs (FIOS), which halves the loop and memory traffic of textbook CIOS.
    fn mul(&self, a: &[u32], b: &[u32], out: &mut [u32], scratch: &mut [u32]) {
        let k = self.n.len();
        let (n, b, out) = (&self.n[..k], &b[..k], &mut out[..k]);
        let t = &mut scratch[..k + 1];
        t.fill(0);
        for &ai in &a[..k] {
            let ai = u64::from(ai);
            let s = u64::from(t[0]) + ai * u64::from(b[0]);
            let m = u64::from((s as u32).wrapping_mul(self.n0inv));
            let mut c1 = s >> 32;
            // The low limb becomes zero by the choice of m and is shifted out.
            let mut c2 = (u64::from(s as u32) + m * u64::from(n[0])) >> 32;
            for j in 1..k {
                // Each sum fits 64 bits: (2^32-1) + (2^32-1)^2 + (2^32-1) = 2^64 - 1.
                let s = u64::from(t[j]) + ai * u64::from(b[j]) + c1;
                c1 = s >> 32;
                let s = u64::from(s as u32) + m * u64::from(n[j]) + c2;
                t[j - 1] = s as u32;
                c2 = s >> 32;
            }
            let s = u64::from(t[k]) + c1 + c2;
            t[k - 1] = s as u32;
            t[k] = (s >> 32) as u32;
        }
        reduce_once(&t[..k], t[k] != 0, n, out);
    }

    /// out = a^2 R^-1 mod n for a < n: the square with each cross product computed once,
    /// then a separate Montgomery reduction (about 3/4 of the work of `mul`).
    fn sqr(&self, a: &[u32], out: &mut [u32], scratch: &mut [u32]) {
        let k = self.n.len();
        let (n, a, out) = (&self.n[..k], &a[..k], &mut out[..k]);
        let t = &mut scratch[..2 * k];
        t.fill(0);
        // Cross products a[i] a[j], i < j.
        for i in 0..k {
            let ai = u64::from(a[i]);
            let mut c = 0u64;
            for j in i + 1..k {
                let s = u64::from(t[i + j]) + ai * u64::from(a[j]) + c;
                t[i + j] = s as u32;
                c = s >> 32;
            }
            t[i + k] = c as u32;
        }
        // Double them (2C < 2^(64k): no bit leaves the 2k limbs)...
        let mut bit = 0u32;
        for limb in t.iter_mut() {
            let next = *limb >> 31;
            *limb = (*limb << 1) | bit;
            bit = next;
        }
        // ...and add the squares a[i]^2 at limb 2i. The total a^2 fits 2k limbs.
        let mut carry = 0u64;
        for i in 0..k {
            let sq = u64::from(a[i]) * u64::from(a[i]);
            let s = u64::from(t[2 * i]) + (sq & 0xFFFF_FFFF) + carry;
            t[2 * i] = s as u32;
            let s = u64::from(t[2 * i + 1]) + (sq >> 32) + (s >> 32);
            t[2 * i + 1] = s as u32;
            carry = s >> 32;
        }
        // Montgomery reduction of the 2k-limb square.
        let mut top = 0u64;
        for i in 0..k {
            let m = u64::from(t[i].wrapping_mul(self.n0inv));
            let mut c = 0u64;
            for j in 0..k {
                let s = u64::from(t[i + j]) + m * u64::from(n[j]) + c;
                t[i + j] = s as u32;
                c = s >> 32;
            }
            let s = u64::from(t[i + k]) + c + top;
            t[i + k] = s as u32;
            top = s >> 32;
        }
        reduce_once(&t[k..], top != 0, n, out);
    }
}

/// out = t - n if t (with an overflow bit) >= n, else t. For t < 2n this is t mod n.
fn reduce_once(t: &[u32], overflow: bool, n: &[u32], out: &mut [u32]) {
    out.copy_from_slice(t);
    if overflow || !less_than(out, n) {
        sub_in_place(out, n);
    }
}

fn limbs_from_be(be: &[u8], k: usize) -> Vec<u32> {
    let mut out = vec![0u32; k];
    for (i, byte) in be.iter().rev().enumerate() {
        if let Some(limb) = out.get_mut(i / 4) {
            *limb |= u32::from(*byte) << (8 * (i % 4));
        }
    }
    out
}

fn limbs_to_be(limbs: &[u32], len: usize) -> Vec<u8> {
    (0..len).rev().map(|i| (limbs[i / 4] >> (8 * (i % 4))) as u8).collect()
}

fn less_than(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let d = u64::from(*x).wrapping_sub(u64::from(*y)).wrapping_sub(borrow);
        *x = d as u32;
        borrow = (d >> 63) & 1;
    }
}

/// a = a + b mod n, for a, b < n.
fn add_mod(a: &mut [u32], b: &[u32], n: &[u32]) {
    let mut carry = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let s = u64::from(*x) + u64::from(*y) + carry;
        *x = s as u32;
        carry = s >> 32;
    }
    if carry != 0 || !less_than(a, n) {
        sub_in_place(a, n);
    }
}

/// a = a - b mod n, for a, b < n.
fn sub_mod(a: &mut [u32], b: &[u32], n: &[u32]) {
    if less_than(a, b) {
        // a - b + n = n - (b - a)
        let mut d = b.to_vec();
        sub_in_place(&mut d, a);
        a.copy_from_slice(n);
        sub_in_place(a, &d);
    } else {
        sub_in_place(a, b);
    }
}

/// x = 2x mod n, for x < n.
fn double_mod(x: &mut [u32], n: &[u32]) {
    let mut carry = 0u32;
    for limb in x.iter_mut() {
        let next = *limb >> 31;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
    if carry != 0 || !less_than(x, n) {
        sub_in_place(x, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference: schoolbook u128 arithmetic on small moduli.
    fn pow_ref(s: u128, e: u32, n: u128) -> u128 {
        let (mut acc, mut b, mut e) = (1u128, s % n, e);
        while e > 0 {
            if e & 1 == 1 {
                acc = acc * b % n;
            }
            b = b * b % n;
            e >>= 1;
        }
        acc
    }

    #[test]
    fn matches_reference_on_two_and_three_limb_moduli() {
        // Odd moduli below 2^62 so the reference cannot overflow.
        for n in [0x3FFF_FFFF_FFFF_FFFBu128, 0x2000_0000_0000_0001, 0x3123_4567_89AB_CDEF, 0x1_0000_0001] {
            let n_be = n.to_be_bytes();
            let n_be = &n_be[n_be.iter().position(|&b| b != 0).unwrap()..];
            let m = Modulus::new(n_be).unwrap();
            for s in [0u128, 1, 2, 3, 12345, n - 1, n / 2, n / 3 + 7] {
                for e in [3u32, 17, 65537, 0xFFFF_FFFF] {
                    let mut s_be = vec![0u8; m.len()];
                    let bytes = s.to_be_bytes();
                    s_be.copy_from_slice(&bytes[16 - m.len()..]);
                    let got = m.pow_be(&s_be, e).unwrap();
                    let mut want = vec![0u8; m.len()];
                    want.copy_from_slice(&pow_ref(s, e, n).to_be_bytes()[16 - m.len()..]);
                    assert_eq!(got, want, "n={n:#x} s={s:#x} e={e}");
                }
            }
        }
    }

    #[test]
    fn refuses_a_signature_not_below_the_modulus() {
        let n_be = [0x80, 0, 0, 0, 0, 0, 0, 0x01];
        let m = Modulus::new(&n_be).unwrap();
        assert!(m.pow_be(&n_be, 65537).is_none());
        assert!(m.pow_be(&[0xFF; 8], 65537).is_none());
        assert!(m.pow_be(&[0x7F; 8], 65537).is_some());
        assert!(m.pow_be(&[0x7F; 7], 65537).is_none());
    }

    #[test]
    fn r_squared_matches_doubling_one_64k_times() {
        for n in
            [0x3FFF_FFFF_FFFF_FFFBu128, 0x2000_0000_0000_0001, 0x1_0000_0001, 0x8000_0000_0000_0000_0000_0000_0000_0001]
        {
            let n_be = n.to_be_bytes();
            let m = Modulus::new(&n_be[n_be.iter().position(|&b| b != 0).unwrap()..]).unwrap();
            let mut slow = vec![0u32; m.n.len()];
            slow[0] = 1;
            for _ in 0..64 * m.n.len() {
                double_mod(&mut slow, &m.n);
            }
            assert_eq!(m.r_squared(), slow, "n={n:#x}");
        }
    }

    #[test]
    fn refuses_even_or_tiny_moduli() {
        assert!(Modulus::new(&[0x80, 0, 0, 0, 0, 0, 0, 0x02]).is_none());
        assert!(Modulus::new(&[0x7F, 0xFF, 0xFF, 0xFF]).is_none());
    }
}
