//! Size quotas for policy documents (UG:reference_iam-quotas, ORG:orgs_reference_limits; POLICY-SPEC A8).
//!
//! IAM counts characters *excluding whitespace*; Organizations counts every character of an
//! SCP/RCP. Use [`check_size`] for the former and [`check_size_all_chars`] for the latter.

use crate::error::{PolicyError, PolicyErrorKind};

/// Aggregate inline policies of one user.
pub const USER_INLINE: usize = 2048;
/// Aggregate inline policies of one group.
pub const GROUP_INLINE: usize = 5120;
/// Aggregate inline policies of one role.
pub const ROLE_INLINE: usize = 10240;
/// One managed policy version.
pub const MANAGED_POLICY: usize = 6144;
/// A role trust policy (default quota; adjustable to 4,096).
pub const ROLE_TRUST: usize = 2048;
/// An SCP document (all characters count).
pub const SERVICE_CONTROL_POLICY: usize = 5120;
/// An RCP document (all characters count).
pub const RESOURCE_CONTROL_POLICY: usize = 5120;
/// Plain-text session policies (inline + managed) passed to STS.
pub const SESSION_POLICY: usize = 2048;

/// Fails with `LimitExceeded: Cannot exceed quota for <what>: <limit>` when `text` has more
/// than `limit` non-whitespace characters (IAM's way of counting).
pub fn check_size(text: &str, limit: usize, what: &str) -> Result<(), PolicyError> {
    let n = text.chars().filter(|c| !c.is_whitespace()).count();
    over(n, limit, what)
}

/// Like [`check_size`] but counting every character (Organizations' way for SCPs/RCPs).
pub fn check_size_all_chars(text: &str, limit: usize, what: &str) -> Result<(), PolicyError> {
    over(text.chars().count(), limit, what)
}

fn over(n: usize, limit: usize, what: &str) -> Result<(), PolicyError> {
    if n > limit {
        Err(PolicyError::new(PolicyErrorKind::SizeExceeded {
            what: what.to_string(),
            limit,
        }))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyErrorCode;

    #[test]
    fn whitespace_is_not_counted_reference_iam_quotas() {
        let text = format!("{}{}", "a".repeat(6144), " \n\t".repeat(100));
        assert!(check_size(&text, MANAGED_POLICY, "PolicySize").is_ok());
        let e = check_size(&format!("{text}b"), MANAGED_POLICY, "PolicySize").unwrap_err();
        assert_eq!(e.code(), PolicyErrorCode::LimitExceeded);
        assert_eq!(e.to_string(), "Cannot exceed quota for PolicySize: 6144");
    }

    #[test]
    fn organizations_count_all_characters_orgs_reference_limits() {
        let text = format!("{}{}", "a".repeat(5100), " ".repeat(21));
        assert!(check_size(&text, SERVICE_CONTROL_POLICY, "PolicySize").is_ok());
        assert!(check_size_all_chars(&text, SERVICE_CONTROL_POLICY, "PolicySize").is_err());
    }
}
