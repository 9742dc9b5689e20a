//! Unique ids and credentials in AWS's formats.
//!
//! AWS unique ids are a four-letter prefix naming the entity type followed by random
//! characters from the RFC 4648 base32 alphabet (`A-Z2-7`; AWS ids never contain 0, 1, 8 or 9):
//! 21 characters for entities (`AIDACKCEVSQ6C2EXAMPLE`), 20 for access key ids
//! (`AKIAIOSFODNN7EXAMPLE`). Secret access keys are 40 characters of `A-Za-z0-9+/`
//! (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).
//!
//! Generation takes a [`CryptoRng`] so that only cryptographically secure generators can be
//! used; in production pass `&mut rand::rng()` (a ChaCha-based, OS-seeded CSPRNG). Characters
//! are chosen with rejection sampling, so there is no modulo bias.

use rand::{CryptoRng, RngExt};

/// The kind of identifier, which fixes its prefix and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// IAM user, `AIDA` + 17.
    User,
    /// IAM group, `AGPA` + 17.
    Group,
    /// IAM role, `AROA` + 17.
    Role,
    /// Managed policy, `ANPA` + 17.
    Policy,
    /// Long-term access key id, `AKIA` + 16.
    AccessKey,
    /// Temporary (STS) access key id, `ASIA` + 16.
    TemporaryAccessKey,
    /// Instance profile, `AIPA` + 17.
    InstanceProfile,
    /// Server certificate, `ASCA` + 17.
    ServerCertificate,
    /// SSH public key, `APKA` + 16 (`publicKeyIdType` min 20).
    SshPublicKey,
    /// Service-specific credential, `ACCA` + 17.
    ServiceSpecificCredential,
    /// Signing (X.509) certificate: 28 characters without a type prefix, like
    /// `TA7SMP42TDN5Z26OBPJE7EXAMPLE` (`certificateIdType` min 24).
    SigningCertificate,
}

impl IdKind {
    /// The type prefix (empty for signing certificates).
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::User => "AIDA",
            IdKind::Group => "AGPA",
            IdKind::Role => "AROA",
            IdKind::Policy => "ANPA",
            IdKind::AccessKey => "AKIA",
            IdKind::TemporaryAccessKey => "ASIA",
            IdKind::InstanceProfile => "AIPA",
            IdKind::ServerCertificate => "ASCA",
            IdKind::SshPublicKey => "APKA",
            IdKind::ServiceSpecificCredential => "ACCA",
            IdKind::SigningCertificate => "",
        }
    }

    /// Total length of an id of this kind.
    pub fn id_len(self) -> usize {
        match self {
            IdKind::AccessKey | IdKind::TemporaryAccessKey | IdKind::SshPublicKey => 20,
            IdKind::SigningCertificate => 28,
            _ => 21,
        }
    }

    /// The kind an id's prefix denotes, if any (signing-certificate ids have none).
    pub fn from_id(id: &str) -> Option<IdKind> {
        const PREFIXED: [IdKind; 10] = [
            IdKind::User,
            IdKind::Group,
            IdKind::Role,
            IdKind::Policy,
            IdKind::AccessKey,
            IdKind::TemporaryAccessKey,
            IdKind::InstanceProfile,
            IdKind::ServerCertificate,
            IdKind::SshPublicKey,
            IdKind::ServiceSpecificCredential,
        ];
        PREFIXED.into_iter().find(|k| id.starts_with(k.prefix()))
    }
}

/// RFC 4648 base32 alphabet.
pub const ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Alphabet of secret access keys.
pub const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Length of a secret access key.
pub const SECRET_ACCESS_KEY_LEN: usize = 40;

fn random_from<R: CryptoRng + ?Sized>(rng: &mut R, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len());
            char::from(alphabet.get(i).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// A new unique id of `kind`, e.g. `AIDA` + 17 base32 characters.
pub fn new_id<R: CryptoRng + ?Sized>(kind: IdKind, rng: &mut R) -> String {
    let prefix = kind.prefix();
    let mut id = String::with_capacity(kind.id_len());
    id.push_str(prefix);
    id.push_str(&random_from(rng, ID_ALPHABET, kind.id_len() - prefix.len()));
    id
}

/// A new 40-character secret access key (`A-Za-z0-9+/`, ~238 bits of entropy).
pub fn new_secret_access_key<R: CryptoRng + ?Sized>(rng: &mut R) -> String {
    random_from(rng, SECRET_ALPHABET, SECRET_ACCESS_KEY_LEN)
}

/// True when `id` has the exact shape [`new_id`] produces for `kind`.
pub fn is_id_of_kind(id: &str, kind: IdKind) -> bool {
    id.len() == kind.id_len()
        && id.starts_with(kind.prefix())
        && id
            .bytes()
            .skip(kind.prefix().len())
            .all(|b| ID_ALPHABET.contains(&b))
}

/// The `RoleId` of an assumed-role session as STS reports it (`AROA…:session-name`).
pub fn assumed_role_id(role_id: &str, session_name: &str) -> String {
    format!("{role_id}:{session_name}")
}

/// The `FederatedUserId` STS reports for `GetFederationToken` (`123456789012:name`).
pub fn federated_user_id(account_id: &str, name: &str) -> String {
    format!("{account_id}:{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use std::collections::HashSet;

    const ALL: [IdKind; 11] = [
        IdKind::User,
        IdKind::Group,
        IdKind::Role,
        IdKind::Policy,
        IdKind::AccessKey,
        IdKind::TemporaryAccessKey,
        IdKind::InstanceProfile,
        IdKind::ServerCertificate,
        IdKind::SshPublicKey,
        IdKind::ServiceSpecificCredential,
        IdKind::SigningCertificate,
    ];

    #[test]
    fn shapes_match_aws_examples() {
        // (kind, AWS documentation example)
        let examples = [
            (IdKind::User, "AIDACKCEVSQ6C2EXAMPLE"),
            (IdKind::Group, "AGPACKCEVSQ6C2EXAMPLE"),
            (IdKind::Role, "AROADBQP57FF2AEXAMPLE"),
            (IdKind::Policy, "ANPACKCEVSQ6C2EXAMPLE"),
            (IdKind::AccessKey, "AKIAIOSFODNN7EXAMPLE"),
            (IdKind::TemporaryAccessKey, "ASIAIOSFODNN7EXAMPLE"),
            (IdKind::InstanceProfile, "AIPAD5ARO2C5EXAMPLE3G"),
            (IdKind::ServerCertificate, "ASCACKCEVSQ6C2EXAMPLE"),
            (IdKind::SshPublicKey, "APKAEIBAERJR2EXAMPLE"),
            (IdKind::ServiceSpecificCredential, "ACCAEXAMPLE123EXAMPLE"),
            (IdKind::SigningCertificate, "TA7SMP42TDN5Z26OBPJE7EXAMPLE"),
        ];
        for (kind, example) in examples {
            assert_eq!(example.len(), kind.id_len(), "{kind:?}");
            assert!(example.starts_with(kind.prefix()));
        }
    }

    #[test]
    fn generated_ids_have_the_right_shape() {
        let mut rng = rand::rng();
        for kind in ALL {
            let mut seen = HashSet::new();
            for _ in 0..200 {
                let id = new_id(kind, &mut rng);
                assert!(is_id_of_kind(&id, kind), "{id}");
                assert!(crate::names::validate_unique_id(&id, "id").is_ok());
                if kind != IdKind::SigningCertificate {
                    assert_eq!(IdKind::from_id(&id), Some(kind));
                }
                assert!(seen.insert(id));
            }
        }
        let key = new_id(IdKind::AccessKey, &mut rng);
        assert!(crate::names::validate_access_key_id(&key, "accessKeyId").is_ok());
    }

    #[test]
    fn secrets() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let s = new_secret_access_key(&mut rng);
            assert_eq!(s.len(), 40);
            assert!(s.bytes().all(|b| SECRET_ALPHABET.contains(&b)));
            assert!(seen.insert(s));
        }
        // Over many draws every alphabet character appears (no truncated alphabet).
        let all: HashSet<u8> = (0..100)
            .flat_map(|_| new_secret_access_key(&mut rng).into_bytes())
            .collect();
        assert_eq!(all.len(), 64);
    }

    #[test]
    fn composite_ids() {
        assert_eq!(
            assumed_role_id("AROADBQP57FF2AEXAMPLE", "s1"),
            "AROADBQP57FF2AEXAMPLE:s1"
        );
        assert_eq!(federated_user_id("123456789012", "bob"), "123456789012:bob");
        assert!(!is_id_of_kind("AIDA0000000000000000A", IdKind::User));
        assert!(!is_id_of_kind("AKIAIOSFODNN7EXAMPLE", IdKind::User));
    }
}
