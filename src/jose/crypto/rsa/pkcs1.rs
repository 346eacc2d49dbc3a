//! EMSA-PKCS1-v1_5 (RFC 8017 9.2): the encoded message is rebuilt and compared whole, so
//! there is no parser to fool (Bleichenbacher's 2006 forgery relied on lenient parsing).

use subtle::ConstantTimeEq;

/// DER DigestInfo prefixes (RFC 8017 9.2 note 1), with the NULL parameters.
pub(super) const SHA256_PREFIX: &[u8] =
    &[0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
pub(super) const SHA384_PREFIX: &[u8] =
    &[0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30];
pub(super) const SHA512_PREFIX: &[u8] =
    &[0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];

/// `em` is the k-byte result of the public operation.
pub(super) fn verify(em: &[u8], prefix: &[u8], digest: &[u8]) -> bool {
    let t_len = prefix.len() + digest.len();
    // At least 8 bytes of 0xFF padding: emLen >= tLen + 11.
    if em.len() < t_len + 11 {
        return false;
    }
    let mut expected = Vec::with_capacity(em.len());
    expected.extend_from_slice(&[0x00, 0x01]);
    expected.resize(em.len() - t_len - 1, 0xFF);
    expected.push(0x00);
    expected.extend_from_slice(prefix);
    expected.extend_from_slice(digest);
    em.ct_eq(&expected).into()
}
