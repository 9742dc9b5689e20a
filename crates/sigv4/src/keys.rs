//! Secret material and MAC values as types that cannot leak or be compared unsafely.
//!
//! * [`SecretKey`] holds an AWS secret access key. It is zeroized on drop and has no
//!   `Debug`, `Display`, or `PartialEq`, so it cannot end up in a log line or be compared
//!   in variable time by accident.
//! * The signing key is derived by a typed chain, one type per step of AWS's derivation
//!   (`kDate -> kRegion -> kService -> kSigning`), so a step cannot be skipped or
//!   reordered. Only the final [`SigningKey`] leaves this module; the server may cache it
//!   (it is `Clone`) because it is valid for one day, region and service only.
//! * [`Signature`] is a 32-byte MAC that can only be compared through
//!   [`subtle::ConstantTimeEq`] (SECURITY-BAR row 5; the timing leaks in minio#5334 came
//!   from `==` on signature strings).
//!
//! `==` on signatures does not compile:
//!
//! ```compile_fail
//! use portcullis_sigv4::Signature;
//! let a = Signature::from_hex(&"0".repeat(64)).unwrap();
//! let b = Signature::from_hex(&"0".repeat(64)).unwrap();
//! let _ = a == b;
//! ```
//!
//! Nor can a secret key or signing key be printed or compared:
//!
//! ```compile_fail
//! use portcullis_sigv4::SecretKey;
//! let k = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
//! println!("{:?}", k);
//! ```
//!
//! ```compile_fail
//! use portcullis_sigv4::SecretKey;
//! let k = SecretKey::new("secret".to_owned());
//! let a = k.derive("20150830", "us-east-1", "iam");
//! let b = k.derive("20150830", "us-east-1", "iam");
//! let _ = a == b;
//! ```
//!
//! ```compile_fail
//! use portcullis_sigv4::SecretKey;
//! let k = SecretKey::new("secret".to_owned());
//! let a = k.derive("20150830", "us-east-1", "iam");
//! println!("{:?}", a);
//! ```
//!
//! The constant-time comparison is the only one offered:
//!
//! ```
//! use portcullis_sigv4::Signature;
//! use subtle::ConstantTimeEq;
//! let a = Signature::from_hex(&"0".repeat(64)).unwrap();
//! let b = Signature::from_hex(&"0".repeat(64)).unwrap();
//! assert!(bool::from(a.ct_eq(&b)));
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 block size: keys up to this length are zero-padded, longer ones hashed
/// first (RFC 2104 section 2).
const BLOCK: usize = 64;

/// HMAC-SHA256 without a fallible constructor: the key is brought to the block size the
/// way RFC 2104 prescribes, so no error path (and no `unwrap`) exists.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut block = Zeroizing::new([0u8; BLOCK]);
    if key.len() > BLOCK {
        let digest = Sha256::digest(key);
        block[..32].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <HmacSha256 as hmac::digest::KeyInit>::new(&(*block).into());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// An AWS secret access key. Zeroized on drop; never printed; never compared.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a secret access key.
    pub fn new(secret: String) -> Self {
        SecretKey(secret)
    }

    /// Derives the SigV4 signing key for one day (`YYYYMMDD`), region and service:
    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    pub fn derive(&self, date: &str, region: &str, service: &str) -> SigningKey {
        DateKey::new(self, date)
            .region(region)
            .service(service)
            .signing()
    }
}

/// `kDate = HMAC("AWS4" + secret, date)`.
#[derive(Zeroize, ZeroizeOnDrop)]
struct DateKey([u8; 32]);

/// `kRegion = HMAC(kDate, region)`.
#[derive(Zeroize, ZeroizeOnDrop)]
struct RegionKey([u8; 32]);

/// `kService = HMAC(kRegion, service)`.
#[derive(Zeroize, ZeroizeOnDrop)]
struct ServiceKey([u8; 32]);

impl DateKey {
    fn new(secret: &SecretKey, date: &str) -> Self {
        let mut k = Zeroizing::new(Vec::with_capacity(4 + secret.0.len()));
        k.extend_from_slice(b"AWS4");
        k.extend_from_slice(secret.0.as_bytes());
        DateKey(hmac_sha256(&k, date.as_bytes()))
    }

    fn region(&self, region: &str) -> RegionKey {
        RegionKey(hmac_sha256(&self.0, region.as_bytes()))
    }
}

impl RegionKey {
    fn service(&self, service: &str) -> ServiceKey {
        ServiceKey(hmac_sha256(&self.0, service.as_bytes()))
    }
}

impl ServiceKey {
    fn signing(&self) -> SigningKey {
        SigningKey(hmac_sha256(&self.0, b"aws4_request"))
    }
}

/// The derived SigV4 signing key (`kSigning`). Zeroized on drop; never printed; never
/// compared. `Clone` so that a server can cache it per (access key, day, region, service).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// Signs a string-to-sign: `HMAC(kSigning, string_to_sign)`.
    pub fn sign(&self, string_to_sign: &str) -> Signature {
        Signature(hmac_sha256(&self.0, string_to_sign.as_bytes()))
    }
}

/// A SigV4 signature (32-byte HMAC-SHA256). Comparable only in constant time.
#[derive(Clone)]
pub struct Signature([u8; 32]);

impl Signature {
    /// Parses a signature as AWS writes it: exactly 64 lowercase hex digits. Anything
    /// else (upper case, other length) is not a signature AWS would have produced, so it
    /// is refused rather than normalized.
    pub fn from_hex(hex_str: &str) -> Option<Signature> {
        if hex_str.len() != 64
            || !hex_str
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_str, &mut out).ok()?;
        Some(Signature(out))
    }

    /// Lowercase hex, as sent on the wire. Signatures are not secret (they travel in the
    /// request) but are kept out of `Debug`/`Display` so that they are only written where
    /// a caller decides to.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl ConstantTimeEq for Signature {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_matches_aws_docs_example() {
        // AWS General Reference, "Examples of how to derive a signing key for Signature
        // Version 4": secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
        let k = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
        let s = k.derive("20120215", "us-east-1", "iam");
        assert_eq!(
            hex::encode(s.0),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn hmac_long_key_matches_library() {
        let key = vec![7u8; 100];
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
        mac.update(b"data");
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(hmac_sha256(&key, b"data"), expected);
        let short = b"short";
        let mut mac = <HmacSha256 as Mac>::new_from_slice(short).unwrap();
        mac.update(b"data");
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(hmac_sha256(short, b"data"), expected);
        let exact = [9u8; 64];
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&exact).unwrap();
        mac.update(b"");
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(hmac_sha256(&exact, b""), expected);
    }

    #[test]
    fn signature_hex_is_strict() {
        let lower = "a".repeat(64);
        assert!(Signature::from_hex(&lower).is_some());
        assert!(Signature::from_hex(&"A".repeat(64)).is_none());
        assert!(Signature::from_hex(&"a".repeat(63)).is_none());
        assert!(Signature::from_hex(&"a".repeat(65)).is_none());
        assert!(Signature::from_hex(&"g".repeat(64)).is_none());
        assert!(Signature::from_hex("").is_none());
        let s = Signature::from_hex(&lower).unwrap();
        assert_eq!(s.to_hex(), lower);
        let other = Signature::from_hex(&"b".repeat(64)).unwrap();
        assert!(!bool::from(s.ct_eq(&other)));
    }
}
