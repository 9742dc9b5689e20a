//! Secrets at rest: AES-256-GCM under the master key.
//!
//! Every sealed value is bound (as associated data) to the record it belongs to, so a
//! ciphertext copied from one access key to another fails to open instead of yielding the
//! other key's secret (SECURITY-BAR row 36). Nonces are random (96 bits); the number of
//! seals per key stays far below the 2^32 NIST bound for random nonces in practice, and the
//! counter is exposed so operators can rotate before approaching it.

use std::sync::atomic::{AtomicU64, Ordering};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::RngCore;
use thiserror::Error;
use zeroize::Zeroizing;

const PREFIX: &str = "v1:";

/// The 256-bit master key. Never printed.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// A fresh random key (from the OS CSPRNG).
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        MasterKey(k)
    }

    /// Parses the base64 form written by [`MasterKey::to_base64`].
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|_| SealError::BadKey)?);
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| SealError::BadKey)?;
        Ok(MasterKey(Zeroizing::new(arr)))
    }

    /// The base64 form, for the key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(B64.encode(self.0.as_ref()))
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// Why a value could not be sealed or opened.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SealError {
    #[error("the master key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value failed authentication (wrong key, or copied from another record)")]
    Authentication,
}

/// Seals and opens secrets with the master key.
pub struct Sealer {
    cipher: Aes256Gcm,
    /// The master key, kept only to derive purpose keys from.
    derive_base: Zeroizing<[u8; 32]>,
    seals: AtomicU64,
}

impl Sealer {
    pub fn new(key: &MasterKey) -> Self {
        Sealer {
            cipher: Aes256Gcm::new(key.0.as_ref().into()),
            derive_base: key.0.clone(),
            seals: AtomicU64::new(0),
        }
    }

    /// Encrypts `plaintext`, bound to `context` (e.g. `access-key/123456789012/AKIA...`).
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Authentication)?;
        self.seals.fetch_add(1, Ordering::Relaxed);
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// Decrypts a value sealed for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let b64 = sealed.strip_prefix(PREFIX).ok_or(SealError::Malformed)?;
        let raw = B64.decode(b64).map_err(|_| SealError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(SealError::Malformed);
        }
        let (nonce, ct) = raw.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SealError::Authentication)
    }

    /// A 256-bit key for another purpose (e.g. STS session tokens), derived from the master
    /// key with HMAC-SHA256 over `label`: every node with the same master key derives the same
    /// key, so nothing more has to be stored or distributed, and labels keep purposes apart.
    pub fn derive_key(&self, label: &str) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let mut out = Zeroizing::new([0u8; 32]);
        if let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.derive_base.as_ref())
        {
            mac.update(label.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// How many values this sealer has encrypted since start-up.
    pub fn seal_count(&self) -> u64 {
        self.seals.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_context_binding() {
        let s = Sealer::new(&MasterKey::generate());
        let a = s.seal("access-key/1/AKIAA", b"secret-a").unwrap();
        assert!(!a.contains("secret-a"));
        assert_eq!(&*s.open("access-key/1/AKIAA", &a).unwrap(), b"secret-a");
        // SECURITY-BAR row 36: a ciphertext moved to another record does not open.
        assert_eq!(
            s.open("access-key/1/AKIAB", &a),
            Err(SealError::Authentication)
        );
    }

    #[test]
    fn wrong_key_and_tampering_fail() {
        let s1 = Sealer::new(&MasterKey::generate());
        let s2 = Sealer::new(&MasterKey::generate());
        let a = s1.seal("c", b"x").unwrap();
        assert_eq!(s2.open("c", &a), Err(SealError::Authentication));
        let mut t = a.clone().into_bytes();
        let n = t.len() - 3;
        t[n] = if t[n] == b'A' { b'B' } else { b'A' };
        assert!(s1.open("c", std::str::from_utf8(&t).unwrap()).is_err());
        assert_eq!(s1.open("c", "garbage"), Err(SealError::Malformed));
    }

    #[test]
    fn derived_keys_are_stable_and_separated() {
        let k = MasterKey::generate();
        let a = Sealer::new(&k);
        let b = Sealer::new(&MasterKey::from_base64(&k.to_base64()).unwrap());
        assert_eq!(*a.derive_key("sts/1"), *b.derive_key("sts/1"));
        assert_ne!(*a.derive_key("sts/1"), *a.derive_key("sts/2"));
        assert_ne!(
            *a.derive_key("sts/1"),
            *Sealer::new(&MasterKey::generate()).derive_key("sts/1")
        );
    }

    #[test]
    fn key_round_trips_and_debug_hides_it() {
        let k = MasterKey::generate();
        let k2 = MasterKey::from_base64(&k.to_base64()).unwrap();
        assert_eq!(k.0.as_ref(), k2.0.as_ref());
        assert_eq!(format!("{k:?}"), "MasterKey(..)");
        assert_eq!(
            MasterKey::from_base64("AAAA").unwrap_err(),
            SealError::BadKey
        );
    }
}
