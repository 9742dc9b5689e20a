//! STS session tokens: self-contained and authenticated-encrypted, so any node validates a
//! temporary credential with no database lookup (SECURITY-BAR 2.6, row 13).
//!
//! Token = base64( version 1 ‖ key id (u32 BE) ‖ nonce (12) ‖ AES-256-GCM(claims JSON) ), with
//! the version and key id as associated data. The claims hold everything the session needs
//! — the temporary access key id and its secret, the principal, issue and expiry times, MFA,
//! source identity, session policies and tags — so nothing about a session is stored.
//! Token keys are derived from the master key by version (`sts-token/<n>`): rotating to a new
//! version signs new tokens with it while tokens of older versions still open until they
//! expire. A token that fails authentication, names an unknown key, or does not belong to
//! the access key it came with is invalid; its expiry is checked by the caller against the
//! service clock.

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use portcullis_store::Sealer;
use rand::RngExt as _;
use serde::{Deserialize, Serialize};

const VERSION: u8 = 1;
const HEADER: usize = 1 + 4;

/// Who a session acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SessionPrincipal {
    /// AssumeRole: a session of a role.
    AssumedRole {
        role_name: String,
        role_path: String,
        role_id: String,
        session_name: String,
    },
    /// GetSessionToken of an IAM user: the user's own permissions.
    User { name: String },
    /// GetSessionToken of the root user.
    Root,
}

/// Everything a session token carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The temporary access key id (`ASIA…`) this token belongs to.
    pub access_key_id: String,
    /// Its secret access key.
    pub secret: String,
    pub account: String,
    pub principal: SessionPrincipal,
    /// Unix seconds.
    pub issued: i64,
    pub expires: i64,
    /// Unix seconds of the MFA authentication, when the session was created with MFA.
    #[serde(default)]
    pub mfa_time: Option<i64>,
    #[serde(default)]
    pub source_identity: Option<String>,
    /// The inline session policy (`Policy`), as sent.
    #[serde(default)]
    pub policy: Option<String>,
    /// Managed session policies (`PolicyArns`).
    #[serde(default)]
    pub policy_arns: Vec<String>,
    /// Session tags, in the order given.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Keys of the tags that pass on to chained role sessions.
    #[serde(default)]
    pub transitive_tag_keys: Vec<String>,
}

impl SessionClaims {
    /// Whether the session carries session policies (then they must allow too).
    pub fn has_session_policies(&self) -> bool {
        self.policy.is_some() || !self.policy_arns.is_empty()
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Malformed, tampered, unknown key, or not this access key's token.
    Invalid,
}

/// The session-token keys of every version up to the current one.
pub struct TokenKeyring {
    current: u32,
    keys: HashMap<u32, Aes256Gcm>,
}

impl TokenKeyring {
    /// Derives the keys of versions 1..=`current` from the master key.
    pub fn derive(sealer: &Sealer, current: u32) -> TokenKeyring {
        let current = current.max(1);
        let keys = (1..=current)
            .map(|v| {
                let k = sealer.derive_key(&format!("sts-token/{v}"));
                (v, Aes256Gcm::new(k.as_ref().into()))
            })
            .collect();
        TokenKeyring { current, keys }
    }

    /// Seals `claims` into a session token with the current key.
    pub fn seal(&self, claims: &SessionClaims) -> Result<String, TokenError> {
        let plain =
            zeroize::Zeroizing::new(serde_json::to_vec(claims).map_err(|_| TokenError::Invalid)?);
        let cipher = self.keys.get(&self.current).ok_or(TokenError::Invalid)?;
        let mut header = [0u8; HEADER];
        header[0] = VERSION;
        header[1..].copy_from_slice(&self.current.to_be_bytes());
        let nonce: [u8; 12] = rand::rng().random();
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &header,
                },
            )
            .map_err(|_| TokenError::Invalid)?;
        let mut out = Vec::with_capacity(HEADER + 12 + ct.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(B64.encode(out))
    }

    /// Opens a token presented with `access_key_id`.
    pub fn open(&self, token: &str, access_key_id: &str) -> Result<SessionClaims, TokenError> {
        let raw = B64
            .decode(token.as_bytes())
            .map_err(|_| TokenError::Invalid)?;
        if raw.len() < HEADER + 12 + 16 || raw[0] != VERSION {
            return Err(TokenError::Invalid);
        }
        let (header, rest) = raw.split_at(HEADER);
        let mut id = [0u8; 4];
        id.copy_from_slice(&header[1..]);
        let cipher = self
            .keys
            .get(&u32::from_be_bytes(id))
            .ok_or(TokenError::Invalid)?;
        let (nonce, ct) = rest.split_at(12);
        let plain = zeroize::Zeroizing::new(
            cipher
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: ct,
                        aad: header,
                    },
                )
                .map_err(|_| TokenError::Invalid)?,
        );
        let claims: SessionClaims =
            serde_json::from_slice(&plain).map_err(|_| TokenError::Invalid)?;
        if claims.access_key_id != access_key_id {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_store::MasterKey;

    fn claims() -> SessionClaims {
        SessionClaims {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret: "s3cr3t".into(),
            account: "123456789012".into(),
            principal: SessionPrincipal::AssumedRole {
                role_name: "r".into(),
                role_path: "/".into(),
                role_id: "AROAEXAMPLE".into(),
                session_name: "s".into(),
            },
            issued: 1,
            expires: 2,
            mfa_time: None,
            source_identity: None,
            policy: None,
            policy_arns: vec![],
            tags: vec![],
            transitive_tag_keys: vec![],
        }
    }

    #[test]
    fn round_trip_and_binding_to_the_access_key() {
        let ring = TokenKeyring::derive(&Sealer::new(&MasterKey::generate()), 1);
        let t = ring.seal(&claims()).unwrap();
        assert!(!t.contains("s3cr3t"));
        assert_eq!(
            ring.open(&t, "ASIAEXAMPLEEXAMPLE12").unwrap().secret,
            "s3cr3t"
        );
        assert_eq!(
            ring.open(&t, "ASIAOTHEROTHEROTHER1").unwrap_err(),
            TokenError::Invalid
        );
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_and_other_masters_fail() {
        let master = MasterKey::generate();
        let old = TokenKeyring::derive(&Sealer::new(&master), 1);
        let t = old.seal(&claims()).unwrap();
        let new = TokenKeyring::derive(&Sealer::new(&master), 2);
        assert!(new.open(&t, "ASIAEXAMPLEEXAMPLE12").is_ok());
        let t2 = new.seal(&claims()).unwrap();
        assert!(
            old.open(&t2, "ASIAEXAMPLEEXAMPLE12").is_err(),
            "old keyring does not know key 2"
        );
        let other = TokenKeyring::derive(&Sealer::new(&MasterKey::generate()), 2);
        assert!(other.open(&t, "ASIAEXAMPLEEXAMPLE12").is_err());
    }

    /// SECURITY-BAR row 13: no mutated token is accepted.
    #[test]
    fn mutated_tokens_are_all_rejected() {
        let ring = TokenKeyring::derive(&Sealer::new(&MasterKey::generate()), 1);
        let t = ring.seal(&claims()).unwrap();
        let raw = B64.decode(&t).unwrap();
        let mut accepted = 0;
        let mut tried = 0;
        for i in 0..raw.len() {
            for bit in [0x01u8, 0x80] {
                let mut m = raw.clone();
                m[i] ^= bit;
                tried += 1;
                if ring.open(&B64.encode(&m), "ASIAEXAMPLEEXAMPLE12").is_ok() {
                    accepted += 1;
                }
            }
        }
        for len in 0..raw.len() {
            tried += 1;
            if ring
                .open(&B64.encode(&raw[..len]), "ASIAEXAMPLEEXAMPLE12")
                .is_ok()
            {
                accepted += 1;
            }
        }
        let mut extended = raw.clone();
        extended.push(0);
        assert!(ring
            .open(&B64.encode(&extended), "ASIAEXAMPLEEXAMPLE12")
            .is_err());
        assert!(tried > 500);
        assert_eq!(accepted, 0);
    }
}
