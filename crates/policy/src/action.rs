//! `Action` / `NotAction` entries (UG:reference_policies_elements_action,
//! UG:reference_policies_elements_notaction, POLICY-SPEC A3).
//!
//! An action is `service-prefix:ActionName`, case-insensitive in both parts, with `*`/`?`
//! wildcards. IAM does not check that the action exists; it only rejects syntactic errors.

use crate::error::PolicyErrorKind;
use crate::glob::{Case, Pattern, Syntax};
use crate::hash::fnv1a;
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
    /// Hash of `service`: a request for another service is rejected with one comparison.
    service_hash: Option<u64>,
    shape: Shape,
}

/// The common forms of an action pattern, matched without the general wildcard walk.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// `*`
    Any,
    /// No wildcard: the whole lower-cased action.
    Exact(Box<str>),
    /// Text then a final `*`: `s3:*`, `s3:get*`.
    Prefix(Box<str>),
    /// Anything else (`?`, inner `*`).
    Glob,
}

impl ActionPattern {
    pub fn compile(action: &str) -> ActionPattern {
        let lower = action.to_ascii_lowercase();
        let service = match lower.split_once(':') {
            Some((svc, _)) if !svc.contains(['*', '?']) => Some(svc),
            _ => None,
        };
        let pattern = Pattern::parse(
            &lower,
            Syntax {
                wildcards: true,
                variables: false,
            },
        );
        let shape = if pattern.is_star() {
            Shape::Any
        } else if let Some(exact) = pattern.literal() {
            Shape::Exact(exact.into())
        } else {
            match lower.strip_suffix('*') {
                Some(prefix) if !prefix.contains(['*', '?']) => Shape::Prefix(prefix.into()),
                _ => Shape::Glob,
            }
        };
        ActionPattern {
            service_hash: service.map(|s| fnv1a(s.as_bytes())),
            service: service.map(Into::into),
            shape,
            pattern,
        }
    }

    /// The literal service prefix, if any.
    pub fn service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// The lower-cased action when the pattern has no wildcard: it matches exactly the
    /// requests whose lower-cased action equals it, which is what the exact-action index uses.
    pub fn exact(&self) -> Option<&str> {
        self.pattern.literal()
    }

    /// Case-insensitive match against a requested action such as `s3:GetObject`.
    pub fn matches(&self, action: &str) -> bool {
        self.pattern.matches(action, Case::Insensitive, &NoVars)
    }

    /// Match against a requested action already lower-cased (ASCII only), whose service prefix
    /// hashes to `service_hash`. The pattern is lower-case too, and a non-ASCII pattern
    /// character can never equal an ASCII one case-insensitively, so byte comparison gives the
    /// same answer as [`Self::matches`]. A pattern with a literal service only matches actions
    /// of that service, so a different service hash settles it at once.
    #[inline(always)]
    pub fn matches_lowered(&self, action: &[u8], service_hash: u64) -> bool {
        if self.service_hash.is_some_and(|h| h != service_hash) {
            return false;
        }
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(text) => action == text.as_bytes(),
            Shape::Prefix(text) => action.starts_with(text.as_bytes()),
            Shape::Glob => self.pattern.matches_bytes(action, &NoVars),
        }
    }
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
            let pat = ActionPattern::compile(p);
            assert_eq!(pat.matches(a), want, "{p} vs {a}");
            let lower = a.to_ascii_lowercase();
            let svc = lower.split_once(':').map_or(&*lower, |(s, _)| s);
            let lowered = pat.matches_lowered(lower.as_bytes(), fnv1a(svc.as_bytes()));
            assert_eq!(lowered, want, "{p} vs {a} (lowered)");
        }
        assert_eq!(ActionPattern::compile("S3:Get*").service(), Some("s3"));
        assert_eq!(ActionPattern::compile("s3*:Get").service(), None);
        assert_eq!(ActionPattern::compile("*").service(), None);
    }
}
