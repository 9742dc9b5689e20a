//! Amazon Resource Names of IAM and STS entities.
//!
//! `arn:partition:service:region:account:resource`; IAM entities live in the global `iam`
//! service (empty region) and put their path between the resource type and the name:
//! `arn:aws:iam::123456789012:user/division/alice` for user `alice` at path `/division/`.

use std::fmt;
use std::str::FromStr;

/// The partition Portcullis issues ARNs in.
pub const PARTITION: &str = "aws";

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnError {
    /// Does not start with `arn:`.
    MissingPrefix,
    /// Fewer than six `:`-separated parts.
    TooFewParts,
    /// Partition, service or resource is empty.
    EmptyComponent(&'static str),
    /// Longer than `arnType`'s 2048 characters.
    TooLong,
}

impl fmt::Display for ArnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArnError::MissingPrefix => f.write_str("ARN must start with 'arn:'"),
            ArnError::TooFewParts => f.write_str("ARN must have six ':'-separated parts"),
            ArnError::EmptyComponent(c) => write!(f, "ARN {c} must not be empty"),
            ArnError::TooLong => f.write_str("ARN must be at most 2048 characters"),
        }
    }
}

impl std::error::Error for ArnError {}

/// A parsed ARN. The resource keeps any further `:` or `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub partition: String,
    /// `iam`, `sts`, `s3`, …
    pub service: String,
    /// Empty for global services such as IAM.
    pub region: String,
    /// Twelve digits, `aws` for AWS managed policies, or empty (S3 buckets).
    pub account: String,
    /// `user/path/name`, `assumed-role/Role/session`, …
    pub resource: String,
}

impl Arn {
    /// Parses `arn:partition:service:region:account:resource`.
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        if s.chars().count() > 2048 {
            return Err(ArnError::TooLong);
        }
        let rest = s.strip_prefix("arn:").ok_or(ArnError::MissingPrefix)?;
        let mut parts = rest.splitn(5, ':');
        let mut next = || parts.next().ok_or(ArnError::TooFewParts);
        let (partition, service, region, account, resource) =
            (next()?, next()?, next()?, next()?, next()?);
        for (name, value) in [
            ("partition", partition),
            ("service", service),
            ("resource", resource),
        ] {
            if value.is_empty() {
                return Err(ArnError::EmptyComponent(name));
            }
        }
        Ok(Arn {
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource: resource.to_string(),
        })
    }

    /// An IAM ARN (`arn:aws:iam::account:resource`).
    pub fn iam(account: &str, resource: impl Into<String>) -> Arn {
        Arn {
            partition: PARTITION.to_string(),
            service: "iam".to_string(),
            region: String::new(),
            account: account.to_string(),
            resource: resource.into(),
        }
    }

    /// An STS ARN (`arn:aws:sts::account:resource`).
    pub fn sts(account: &str, resource: impl Into<String>) -> Arn {
        Arn {
            service: "sts".to_string(),
            ..Arn::iam(account, resource)
        }
    }

    /// The resource type: the resource up to its first `/` or `:` (`user`, `assumed-role`).
    pub fn resource_type(&self) -> &str {
        self.resource.split(['/', ':']).next().unwrap_or("")
    }

    /// For a path-style IAM resource (`user/a/b/alice`) its path (`/a/b/`) and name
    /// (`alice`); `None` when the resource has no `/`.
    pub fn path_and_name(&self) -> Option<(&str, &str)> {
        let first = self.resource.find('/')?;
        let last = self.resource.rfind('/')?;
        Some((&self.resource[first..=last], &self.resource[last + 1..]))
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Arn, ArnError> {
        Arn::parse(s)
    }
}

fn iam_entity(account: &str, kind: &str, path: &str, name: &str) -> String {
    Arn::iam(account, format!("{kind}{path}{name}")).to_string()
}

/// `arn:aws:iam::ACCOUNT:user{path}{name}`; `path` is an IAM path (`/` or `/a/b/`).
pub fn user_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "user", path, name)
}

/// `arn:aws:iam::ACCOUNT:group{path}{name}`.
pub fn group_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "group", path, name)
}

/// `arn:aws:iam::ACCOUNT:role{path}{name}`.
pub fn role_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "role", path, name)
}

/// `arn:aws:iam::ACCOUNT:policy{path}{name}` (customer managed policy).
pub fn policy_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "policy", path, name)
}

/// `arn:aws:iam::aws:policy{path}{name}` (AWS managed policy).
pub fn aws_managed_policy_arn(path: &str, name: &str) -> String {
    iam_entity("aws", "policy", path, name)
}

/// `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
pub fn instance_profile_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "instance-profile", path, name)
}

/// `arn:aws:iam::ACCOUNT:server-certificate{path}{name}`.
pub fn server_certificate_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "server-certificate", path, name)
}

/// `arn:aws:iam::ACCOUNT:mfa{path}{name}` (virtual MFA device serial number).
pub fn mfa_arn(account: &str, path: &str, name: &str) -> String {
    iam_entity(account, "mfa", path, name)
}

/// `arn:aws:iam::ACCOUNT:saml-provider/{name}`.
pub fn saml_provider_arn(account: &str, name: &str) -> String {
    iam_entity(account, "saml-provider", "/", name)
}

/// `arn:aws:iam::ACCOUNT:oidc-provider/{host and path of the issuer URL}`.
pub fn oidc_provider_arn(account: &str, url_without_scheme: &str) -> String {
    iam_entity(account, "oidc-provider", "/", url_without_scheme)
}

/// `arn:aws:iam::ACCOUNT:root`.
pub fn root_arn(account: &str) -> String {
    Arn::iam(account, "root").to_string()
}

/// `arn:aws:sts::ACCOUNT:assumed-role/{role_name}/{session}` (no role path, as STS reports).
pub fn assumed_role_arn(account: &str, role_name: &str, session: &str) -> String {
    Arn::sts(account, format!("assumed-role/{role_name}/{session}")).to_string()
}

/// `arn:aws:sts::ACCOUNT:federated-user/{name}`.
pub fn federated_user_arn(account: &str, name: &str) -> String {
    Arn::sts(account, format!("federated-user/{name}")).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders() {
        let a = "123456789012";
        let cases = [
            (
                user_arn(a, "/", "alice"),
                "arn:aws:iam::123456789012:user/alice",
            ),
            (
                user_arn(a, "/division_abc/subdivision_xyz/", "Bob"),
                "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob",
            ),
            (
                group_arn(a, "/", "Admins"),
                "arn:aws:iam::123456789012:group/Admins",
            ),
            (
                role_arn(a, "/app/", "S3Access"),
                "arn:aws:iam::123456789012:role/app/S3Access",
            ),
            (
                policy_arn(a, "/", "p"),
                "arn:aws:iam::123456789012:policy/p",
            ),
            (
                aws_managed_policy_arn("/", "ReadOnlyAccess"),
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ),
            (
                aws_managed_policy_arn("/service-role/", "AWSLambdaRole"),
                "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
            ),
            (
                instance_profile_arn(a, "/", "Web"),
                "arn:aws:iam::123456789012:instance-profile/Web",
            ),
            (
                server_certificate_arn(a, "/", "c"),
                "arn:aws:iam::123456789012:server-certificate/c",
            ),
            (mfa_arn(a, "/", "dev"), "arn:aws:iam::123456789012:mfa/dev"),
            (
                saml_provider_arn(a, "Okta"),
                "arn:aws:iam::123456789012:saml-provider/Okta",
            ),
            (
                oidc_provider_arn(a, "token.actions.githubusercontent.com"),
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            ),
            (root_arn(a), "arn:aws:iam::123456789012:root"),
            (
                assumed_role_arn(a, "Deploy", "ci-42"),
                "arn:aws:sts::123456789012:assumed-role/Deploy/ci-42",
            ),
            (
                federated_user_arn(a, "bob"),
                "arn:aws:sts::123456789012:federated-user/bob",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
            assert_eq!(Arn::parse(&got).unwrap().to_string(), want);
        }
    }

    #[test]
    fn parse_components() {
        let arn: Arn = "arn:aws:s3:::bucket/key:with:colons".parse().unwrap();
        assert_eq!(
            (
                arn.partition.as_str(),
                arn.service.as_str(),
                arn.region.as_str()
            ),
            ("aws", "s3", "")
        );
        assert_eq!(arn.account, "");
        assert_eq!(arn.resource, "bucket/key:with:colons");
        assert_eq!(arn.resource_type(), "bucket");
        let u = Arn::parse("arn:aws:iam::123456789012:user/a/b/alice").unwrap();
        assert_eq!(u.resource_type(), "user");
        assert_eq!(u.path_and_name(), Some(("/a/b/", "alice")));
        assert_eq!(
            Arn::parse("arn:aws:iam::123456789012:user/alice")
                .unwrap()
                .path_and_name(),
            Some(("/", "alice"))
        );
        assert_eq!(
            Arn::parse("arn:aws:iam::123456789012:root")
                .unwrap()
                .path_and_name(),
            None
        );
        assert_eq!(
            Arn::parse("arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1")
                .unwrap()
                .region,
            "cn-north-1"
        );
    }

    #[test]
    fn parse_errors() {
        let cases = [
            ("", ArnError::MissingPrefix),
            ("ARN:aws:iam::1:root", ArnError::MissingPrefix),
            ("arn:aws:iam::123456789012", ArnError::TooFewParts),
            ("arn:aws:iam", ArnError::TooFewParts),
            ("arn::iam::1:root", ArnError::EmptyComponent("partition")),
            ("arn:aws:::1:root", ArnError::EmptyComponent("service")),
            ("arn:aws:iam::1:", ArnError::EmptyComponent("resource")),
        ];
        for (s, e) in cases {
            assert_eq!(Arn::parse(s), Err(e), "{s}");
        }
        let long = format!("arn:aws:iam::123456789012:user/{}", "a".repeat(2048));
        assert_eq!(Arn::parse(&long), Err(ArnError::TooLong));
    }
}
