//! `Principal` / `NotPrincipal` elements (UG:reference_policies_elements_principal,
//! UG:reference_policies_elements_notprincipal, POLICY-SPEC A2).
//!
//! Matching reports *at which level* a principal was named — the account, the parent identity
//! (role of a session, IAM user of a federated-user session), or the caller itself — because a
//! resource-based-policy grant is limited differently at each level (POLICY-SPEC A7 table).

use crate::error::PolicyErrorKind;
use crate::request::{Principal, PrincipalKind};

/// The key of a principal map entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<PrincipalType> {
        match key {
            "AWS" => Some(PrincipalType::Aws),
            "Service" => Some(PrincipalType::Service),
            "Federated" => Some(PrincipalType::Federated),
            "CanonicalUser" => Some(PrincipalType::CanonicalUser),
            _ => None,
        }
    }
}

/// A `Principal`/`NotPrincipal` value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalBlock {
    /// `"*"`.
    Star,
    /// `{ "AWS": …, "Service": … }` in source order; each list as written.
    Map(Vec<(PrincipalType, Vec<String>)>),
}

/// One classified principal value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    /// `"*"` / `{"AWS": "*"}`: everyone, including anonymous callers.
    Any,
    /// A whole account: `"123456789012"` or `arn:…:iam::123456789012:root`.
    Account(Box<str>),
    /// A user, role, role-session or federated-user ARN.
    Arn(Box<str>),
    /// A unique id (AIDA…/AROA…) written by IAM when it rewrites trust policies.
    UniqueId(Box<str>),
    Service(Box<str>),
    Federated(Box<str>),
    /// S3 canonical user ids: not modelled by this engine, so never match.
    CanonicalUser,
}

/// At which level a principal was named, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// The principal's account (delegation: its own identity policies must also allow).
    Account,
    /// The role of a role session, or the IAM user of a federated-user session.
    Parent,
    /// The caller itself (user ARN, session ARN, service, federated provider) or `"*"`.
    Itself,
}

/// A classified `Principal`/`NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PrincipalMatcher {
    entries: Box<[Entry]>,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn classify_aws(value: &str) -> Option<Entry> {
    if value == "*" {
        return Some(Entry::Any);
    }
    if value.contains(['*', '?']) {
        return None;
    }
    if is_account_id(value) {
        return Some(Entry::Account(value.into()));
    }
    if value.len() >= 16
        && (value.starts_with("AIDA") || value.starts_with("AROA"))
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some(Entry::UniqueId(value.into()));
    }
    let mut parts = value.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn"
        || !partition.starts_with("aws")
        || !region.is_empty()
        || !is_account_id(account)
    {
        return None;
    }
    let named = |prefix: &str, min_slashes: usize| {
        resource.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && rest.split('/').all(|s| !s.is_empty())
                && rest.matches('/').count() >= min_slashes
        })
    };
    match service {
        "iam" if resource == "root" => Some(Entry::Account(account.into())),
        "iam" if named("user/", 0) || named("role/", 0) => Some(Entry::Arn(value.into())),
        "sts" if named("assumed-role/", 1) || named("federated-user/", 0) => {
            Some(Entry::Arn(value.into()))
        }
        _ => None,
    }
}

impl PrincipalMatcher {
    /// Classifies and validates a principal block (errors use IAM's `Invalid principal` text).
    pub fn new(block: &PrincipalBlock) -> Result<PrincipalMatcher, PolicyErrorKind> {
        let mut entries = Vec::new();
        match block {
            PrincipalBlock::Star => entries.push(Entry::Any),
            PrincipalBlock::Map(map) => {
                for (ty, values) in map {
                    for v in values {
                        let invalid = || PolicyErrorKind::InvalidPrincipal {
                            element: ty.as_str().to_string(),
                            value: v.clone(),
                        };
                        let e = match ty {
                            PrincipalType::Aws => classify_aws(v).ok_or_else(invalid)?,
                            PrincipalType::Service if !v.is_empty() && !v.contains(['*', '?']) => {
                                Entry::Service(v.as_str().into())
                            }
                            PrincipalType::Federated
                                if !v.is_empty() && !v.contains(['*', '?']) =>
                            {
                                Entry::Federated(v.as_str().into())
                            }
                            PrincipalType::CanonicalUser if !v.is_empty() => Entry::CanonicalUser,
                            _ => return Err(invalid()),
                        };
                        entries.push(e);
                    }
                }
                if entries.is_empty() {
                    return Err(PolicyErrorKind::EmptyPrincipal);
                }
            }
        }
        Ok(PrincipalMatcher {
            entries: entries.into(),
        })
    }

    /// True if the element is exactly "everyone" (RCPs require it).
    pub fn is_any_only(&self) -> bool {
        self.entries.iter().all(|e| *e == Entry::Any)
    }

    /// The strongest level at which `p` is named, if at all (for `Principal`).
    pub fn level(&self, p: &Principal<'_>) -> Option<Level> {
        let mut best = None;
        for e in self.entries.iter() {
            let l = entry_level(e, p);
            if l > best {
                best = l;
            }
        }
        best
    }

    /// Whether a `NotPrincipal` element exempts `p`. AWS may evaluate a caller as its account,
    /// then its role, then its session, so a caller is exempt only if *every* level is listed
    /// (UG:reference_policies_elements_notprincipal).
    pub fn exempts(&self, p: &Principal<'_>) -> bool {
        let (mut account, mut parent, mut itself) = (false, false, false);
        for e in self.entries.iter() {
            match entry_level(e, p) {
                Some(Level::Account) => account = true,
                Some(Level::Parent) => parent = true,
                Some(Level::Itself) => itself = true,
                None => {}
            }
            if *e == Entry::Any {
                return true;
            }
        }
        match p.kind {
            PrincipalKind::Root => account,
            PrincipalKind::User | PrincipalKind::FederatedUser => account && itself,
            PrincipalKind::AssumedRole => account && parent && itself,
            PrincipalKind::Service(_) | PrincipalKind::Anonymous => itself,
        }
    }
}

fn entry_level(e: &Entry, p: &Principal<'_>) -> Option<Level> {
    let iam_identity = !matches!(p.kind, PrincipalKind::Service(_) | PrincipalKind::Anonymous);
    match e {
        Entry::Any => Some(Level::Itself),
        Entry::Account(a) => (iam_identity && **a == *p.account).then_some(Level::Account),
        Entry::Arn(arn) if iam_identity => {
            if **arn == *p.arn {
                Some(Level::Itself)
            } else if p.role_arn == Some(&**arn) || p.user_arn == Some(&**arn) {
                Some(Level::Parent)
            } else {
                None
            }
        }
        Entry::UniqueId(id) if p.unique_id == Some(&**id) => match p.kind {
            PrincipalKind::User => Some(Level::Itself),
            PrincipalKind::AssumedRole => Some(Level::Parent),
            _ => None,
        },
        Entry::Service(s) => {
            matches!(p.kind, PrincipalKind::Service(n) if n == &**s).then_some(Level::Itself)
        }
        Entry::Federated(f) => (p.federated == Some(&**f)).then_some(Level::Itself),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(values: &[&str]) -> PrincipalMatcher {
        PrincipalMatcher::new(&PrincipalBlock::Map(vec![(
            PrincipalType::Aws,
            values.iter().map(|s| s.to_string()).collect(),
        )]))
        .unwrap()
    }

    const ROLE: &str = "arn:aws:iam::444455556666:role/path/cross-account-read-only-role";
    const SESSION: &str =
        "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/test-session";

    #[test]
    fn validation_reference_policies_elements_principal() {
        let ok = [
            "*",
            "123456789012",
            "arn:aws:iam::123456789012:root",
            "arn:aws:iam::123456789012:user/path/Bob",
            "arn:aws:iam::123456789012:role/R",
            "arn:aws:sts::123456789012:assumed-role/R/S",
            "arn:aws:sts::123456789012:federated-user/N",
            "AIDAJQABLZS4A3QDU576Q",
        ];
        for v in ok {
            assert!(classify_aws(v).is_some(), "{v}");
        }
        // Wildcards may not match part of a principal; groups are never principals.
        let bad = [
            "arn:aws:iam::123456789012:user/*",
            "arn:aws:iam::*:root",
            "arn:aws:iam::123456789012:group/G",
            "12345",
            "arn:aws:sts::123456789012:assumed-role/R",
            "bob",
        ];
        for v in bad {
            assert!(classify_aws(v).is_none(), "{v}");
        }
        let e = PrincipalMatcher::new(&PrincipalBlock::Map(vec![(
            PrincipalType::Aws,
            vec!["bob".into()],
        )]))
        .unwrap_err();
        assert_eq!(
            crate::error::PolicyError::new(e).to_string(),
            "Invalid principal in policy: \"AWS\":\"bob\""
        );
        assert_eq!(
            PrincipalMatcher::new(&PrincipalBlock::Map(vec![(PrincipalType::Aws, vec![])]))
                .unwrap_err(),
            PolicyErrorKind::EmptyPrincipal
        );
    }

    #[test]
    fn levels_policy_spec_a7_table() {
        let session = Principal::assumed_role(SESSION, ROLE, "444455556666");
        assert_eq!(aws(&["444455556666"]).level(&session), Some(Level::Account));
        assert_eq!(
            aws(&["arn:aws:iam::444455556666:root"]).level(&session),
            Some(Level::Account)
        );
        assert_eq!(aws(&[ROLE]).level(&session), Some(Level::Parent));
        assert_eq!(aws(&[SESSION]).level(&session), Some(Level::Itself));
        assert_eq!(aws(&["*"]).level(&session), Some(Level::Itself));
        assert_eq!(aws(&["111122223333"]).level(&session), None);
        assert_eq!(
            aws(&["*"]).level(&Principal::anonymous()),
            Some(Level::Itself)
        );
        assert_eq!(aws(&["444455556666"]).level(&Principal::anonymous()), None);
        let svc = PrincipalMatcher::new(&PrincipalBlock::Map(vec![(
            PrincipalType::Service,
            vec!["ec2.amazonaws.com".into()],
        )]))
        .unwrap();
        assert_eq!(
            svc.level(&Principal::service("ec2.amazonaws.com")),
            Some(Level::Itself)
        );
        assert_eq!(svc.level(&Principal::service("lambda.amazonaws.com")), None);
    }

    #[test]
    fn notprincipal_needs_every_level_reference_policies_elements_notprincipal() {
        let session = Principal::assumed_role(SESSION, ROLE, "444455556666");
        assert!(!aws(&[SESSION]).exempts(&session));
        assert!(!aws(&[SESSION, ROLE]).exempts(&session));
        assert!(aws(&[SESSION, ROLE, "arn:aws:iam::444455556666:root"]).exempts(&session));
        let user = Principal::user("arn:aws:iam::444455556666:user/Bob", "444455556666");
        assert!(!aws(&["arn:aws:iam::444455556666:user/Bob"]).exempts(&user));
        assert!(aws(&["arn:aws:iam::444455556666:user/Bob", "444455556666"]).exempts(&user));
        assert!(aws(&["*"]).exempts(&Principal::anonymous()));
    }
}
