//! Errors returned when a policy document is rejected.
//!
//! IAM reports every rejected document as `MalformedPolicyDocument` (or `LimitExceeded` for size
//! quotas) with a short, fixed English message. [`PolicyError`]'s `Display` is exactly that AWS
//! message (POLICY-SPEC A9), so the server can put it on the wire unchanged; [`PolicyError::detail`]
//! and [`PolicyError::position`] carry the extra precision AWS does not give, for logs and tooling.

use std::fmt;

/// A 1-based line/column position in the policy text, counted in characters.
///
/// IAM's simulator reports statement spans as `StartPosition`/`EndPosition` with this shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number (characters, not bytes).
    pub column: u32,
}

/// The AWS error code a rejected document maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyErrorCode {
    /// `MalformedPolicyDocument` (HTTP 400).
    MalformedPolicyDocument,
    /// `LimitExceeded` (HTTP 409) — document over a size quota.
    LimitExceeded,
}

impl PolicyErrorCode {
    /// The wire name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            PolicyErrorCode::LimitExceeded => "LimitExceeded",
        }
    }
}

/// Why a document was rejected. Each variant's message is AWS's text where AWS's is known
/// (POLICY-SPEC A3, A4, A9) and otherwise a precise message naming the offending element.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// Invalid JSON, unknown or duplicate keys, wrong value types, … (`detail` says which).
    Syntax(String),
    /// Identity policies, SCPs and RCPs need `"Version": "2012-10-17"`.
    VersionTooOld,
    /// AWS's catch-all for values it cannot interpret (bad Effect case, bad Date, …).
    LegacyParsing(String),
    /// A character outside U+0009, U+000A, U+000D, U+0020–U+00FF in an IAM document.
    ForbiddenCharacter(char),
    /// `Sid` with characters other than `[0-9A-Za-z]`.
    SidNotAlphanumeric(String),
    /// Two statements share a `Sid`.
    DuplicateSid(String),
    /// Missing or empty `Action`/`NotAction`.
    MissingActions,
    /// Missing or empty `Resource`/`NotResource`.
    MissingResources,
    /// Action or condition key without a `vendor:` prefix.
    MissingVendor(String),
    /// Action with more than one colon.
    TooManyColons(String),
    /// Action vendor with invalid characters.
    InvalidVendor(String),
    /// Resource that is neither `*` nor an ARN.
    ResourceNotArn(String),
    /// Resource ARN with an unknown partition.
    InvalidPartition { partition: String, resource: String },
    /// Resource ARN whose service is missing or wildcarded.
    ResourceVendor,
    /// IAM resource ARN with a region.
    IamResourceRegion(String),
    /// S3 resource ARN with a region.
    S3ResourceRegion(String),
    /// IAM resource ARN whose resource part is not a known IAM resource type.
    IamResourcePath,
    /// Identity policy or SCP with a `Principal`/`NotPrincipal`.
    PrincipalNotAllowed,
    /// Resource/trust policy statement without `Principal`.
    MissingPrincipal,
    /// Trust policy statement with `Resource`/`NotResource`.
    ProhibitedResource,
    /// A principal value that is not a valid principal.
    InvalidPrincipal { element: String, value: String },
    /// `Principal` with no values.
    EmptyPrincipal,
    /// Trust policy action outside the sts:AssumeRole* family.
    TrustPolicyAction(String),
    /// `NotPrincipal` with `"Effect": "Allow"`.
    NotPrincipalWithAllow,
    /// `NotPrincipal` in a policy kind that does not support it.
    NotPrincipalNotSupported,
    /// An element this policy kind does not support (e.g. `NotAction` in an RCP).
    UnsupportedElement(&'static str),
    /// RCP whose `Principal` is not `"*"`.
    RcpPrincipal,
    /// RCP `Allow` statement other than the `RCPFullAWSAccess` form.
    RcpAllow,
    /// Document larger than its quota.
    SizeExceeded { what: String, limit: usize },
}

/// A rejected policy document: AWS error code + AWS message (`Display`) + detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    kind: PolicyErrorKind,
    position: Option<Position>,
}

impl PolicyError {
    pub(crate) fn new(kind: PolicyErrorKind) -> Self {
        PolicyError {
            kind,
            position: None,
        }
    }

    pub(crate) fn at(kind: PolicyErrorKind, position: Position) -> Self {
        PolicyError {
            kind,
            position: Some(position),
        }
    }

    pub(crate) fn syntax(detail: impl Into<String>, position: Position) -> Self {
        PolicyError::at(PolicyErrorKind::Syntax(detail.into()), position)
    }

    /// The AWS error code.
    pub fn code(&self) -> PolicyErrorCode {
        match self.kind {
            PolicyErrorKind::SizeExceeded { .. } => PolicyErrorCode::LimitExceeded,
            _ => PolicyErrorCode::MalformedPolicyDocument,
        }
    }

    /// What went wrong, structurally.
    pub fn kind(&self) -> &PolicyErrorKind {
        &self.kind
    }

    /// Where in the text the problem is, when known.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// A precise explanation for logs (AWS's own message is often generic).
    pub fn detail(&self) -> String {
        let extra = match &self.kind {
            PolicyErrorKind::Syntax(d) | PolicyErrorKind::LegacyParsing(d) => d.clone(),
            PolicyErrorKind::ForbiddenCharacter(c) => {
                format!("character U+{:04X} is not allowed", *c as u32)
            }
            other => PolicyError::new(other.clone()).to_string(),
        };
        match self.position {
            Some(p) => format!("{extra} (line {}, column {})", p.line, p.column),
            None => extra,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use PolicyErrorKind as K;
        match &self.kind {
            K::Syntax(_) => f.write_str("Syntax errors in policy."),
            K::VersionTooOld => f.write_str("Policy document must be version 2012-10-17 or greater."),
            K::LegacyParsing(_) => f.write_str("The policy failed legacy parsing"),
            K::ForbiddenCharacter(_) => f.write_str(
                "Value at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            ),
            K::SidNotAlphanumeric(_) => f.write_str(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            ),
            K::DuplicateSid(_) => f.write_str("Statement IDs (SID) in a single policy must be unique."),
            K::MissingActions => f.write_str("Policy statement must contain actions."),
            K::MissingResources => f.write_str("Policy statement must contain resources."),
            K::MissingVendor(_) => {
                f.write_str("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
            }
            K::TooManyColons(_) => f.write_str("Actions/Condition can contain only one colon."),
            K::InvalidVendor(v) => write!(f, "Vendor {v} is not valid"),
            K::ResourceNotArn(r) => write!(f, "Resource {r} must be in ARN format or \"*\"."),
            K::InvalidPartition { partition, resource } => {
                write!(f, "Partition \"{partition}\" is not valid for resource \"{resource}\".")
            }
            K::ResourceVendor => f.write_str("Resource vendor must be fully qualified and cannot contain regexes."),
            K::IamResourceRegion(r) => write!(f, "IAM resource {r} cannot contain region information."),
            K::S3ResourceRegion(r) => write!(f, "Resource {r} can not contain region information."),
            K::IamResourcePath => f.write_str(
                "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.",
            ),
            K::PrincipalNotAllowed => f.write_str("Policy document should not specify a principal."),
            K::MissingPrincipal => f.write_str("Missing required field Principal"),
            K::ProhibitedResource => f.write_str("Has prohibited field Resource."),
            K::InvalidPrincipal { element, value } => {
                write!(f, "Invalid principal in policy: \"{element}\":\"{value}\"")
            }
            K::EmptyPrincipal => {
                f.write_str("Invalid principal in policy: The passed in policy has a statement with no principals!")
            }
            K::TrustPolicyAction(_) => f.write_str(
                "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity",
            ),
            K::NotPrincipalWithAllow => f.write_str("NotPrincipal is only supported with \"Effect\": \"Deny\"."),
            K::NotPrincipalNotSupported => f.write_str("NotPrincipal is not supported in this type of policy."),
            K::UnsupportedElement(e) => write!(f, "Element {e} is not supported in this type of policy."),
            K::RcpPrincipal => f.write_str("Resource control policies only support \"Principal\": \"*\"."),
            K::RcpAllow => f.write_str(
                "The effect of Allow is only supported for the RCPFullAWSAccess policy (Allow * on * for Principal * without conditions).",
            ),
            K::SizeExceeded { what, limit } => write!(f, "Cannot exceed quota for {what}: {limit}"),
        }
    }
}

impl std::error::Error for PolicyError {}
