//! `Action` / `NotAction` entries (UG:reference_policies_elements_action,
//! UG:reference_policies_elements_notaction, POLICY-SPEC A3).
//!
//! An action is `service-prefix:ActionName`, case-insensitive in both parts, with `*`/`?`
//! wildcards. IAM does not check that the action exists; it only rejects syntactic errors.

use crate::error::PolicyErrorKind;
use crate::glob::{Case, Pattern, Syntax};
use crate::variables::NoVars;

/// Validates one action string with IAM's messages.
pub(crate) fn validate_action(action: &str) -> Result<(), PolicyErrorKind> {
    if action == "*" {
        return Ok(());
    }
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or("");
    if parts.next().is_none() {
        return Err(PolicyErrorKind::MissingVendor(action.to_string()));
    }
    if parts.next().is_some() {
        return Err(PolicyErrorKind::TooManyColons(action.to_string()));
    }
    let vendor_ok = !vendor.is_empty()
        && vendor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '?'));
    if !vendor_ok {
        return Err(PolicyErrorKind::InvalidVendor(vendor.to_string()));
    }
    Ok(())
}

/// A compiled action pattern: lower-cased, split into wildcard pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ActionPattern {
    pattern: Pattern,
    /// The service prefix when it is a plain word (used to index statements by service).
    service: Option<Box<str>>,
}

impl ActionPattern {
    pub fn compile(action: &str) -> ActionPattern {
        let lower = action.to_ascii_lowercase();
        let service = match lower.split_once(':') {
            Some((svc, _)) if !svc.contains(['*', '?']) => Some(svc.into()),
            _ => None,
        };
        ActionPattern {
            pattern: Pattern::parse(
                &lower,
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            ),
            service,
        }
    }

    /// The literal service prefix, if any.
    pub fn service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// Case-insensitive match against a requested action such as `s3:GetObject`.
    pub fn matches(&self, action: &str) -> bool {
        self.pattern.matches(action, Case::Insensitive, &NoVars)
    }
}

/// The service prefix of a requested action (`s3` in `s3:GetObject`).
pub(crate) fn service_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PolicyError;

    #[test]
    fn validation_messages_policy_spec_a3() {
        let table: &[(&str, Option<&str>)] = &[
            ("*", None),
            ("s3:GetObject", None),
            ("fsx:ListBucket", None),
            ("iam: asdf safdsf af ", None),
            ("s3:*", None),
            ("ec2:Describe*", None),
            (
                "s3",
                Some("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
            ),
            (
                "s3:a:b",
                Some("Actions/Condition can contain only one colon."),
            ),
            ("s 3:GetObject", Some("Vendor s 3 is not valid")),
            (":GetObject", Some("Vendor  is not valid")),
        ];
        for (a, want) in table {
            let got = validate_action(a)
                .err()
                .map(|k| PolicyError::new(k).to_string());
            assert_eq!(got.as_deref(), *want, "{a}");
        }
    }

    #[test]
    fn case_insensitive_both_parts_reference_policies_elements_action() {
        // "iam:ListAccessKeys" ≡ "IAM:listaccesskeys"
        let table = [
            ("iam:ListAccessKeys", "IAM:listaccesskeys", true),
            ("IAM:listaccesskeys", "iam:ListAccessKeys", true),
            ("s3:Get*", "s3:GetObject", true),
            ("s3:Get*", "s3:PutObject", false),
            ("s3:Get?bject", "s3:GetObject", true),
            ("*", "anything:Here", true),
            ("s3:*", "s3x:GetObject", false),
            ("ec2:*Instances", "ec2:DescribeInstances", true),
        ];
        for (p, a, want) in table {
            assert_eq!(ActionPattern::compile(p).matches(a), want, "{p} vs {a}");
        }
        assert_eq!(ActionPattern::compile("S3:Get*").service(), Some("s3"));
        assert_eq!(ActionPattern::compile("s3*:Get").service(), None);
        assert_eq!(ActionPattern::compile("*").service(), None);
    }
}
