//! AWS Query errors: the `<ErrorResponse>` document every IAM and STS error is sent as.
//!
//! Codes, HTTP statuses and fault sides come from one table ([`KNOWN_ERRORS`]) taken from the
//! botocore service models (`iam/2010-05-08`, `sts/2011-06-15`, each exception shape's `error`
//! object) plus the "Common Errors" that every Query service documents. Keeping one table means a
//! code can never be sent with two different statuses.

use std::fmt;

use crate::xml::{escape_attr, escape_text};

/// Which side AWS blames, rendered as `<Type>` (botocore's `senderFault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller sent something wrong (4xx).
    Sender,
    /// The service failed (5xx).
    Receiver,
}

impl ErrorKind {
    /// The `<Type>` text.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Sender => "Sender",
            ErrorKind::Receiver => "Receiver",
        }
    }
}

/// One AWS error as the Query protocol sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// `<Code>`, e.g. `NoSuchEntity`.
    pub code: String,
    /// `<Message>`, free text (escaped when rendered).
    pub message: String,
    /// HTTP status code.
    pub status: u16,
    /// `<Type>`.
    pub kind: ErrorKind,
}

/// `(code, HTTP status, kind)` for every code this crate knows.
///
/// IAM and STS rows are copied from botocore's exception shapes; the remaining rows are the Query
/// "Common Errors" (authentication, throttling, malformed requests).
pub const KNOWN_ERRORS: &[(&str, u16, ErrorKind)] = &[
    // IAM (botocore iam/2010-05-08)
    ("ConcurrentModification", 409, ErrorKind::Sender),
    ("ReportExpired", 410, ErrorKind::Sender),
    ("ReportNotPresent", 410, ErrorKind::Sender),
    ("ReportInProgress", 404, ErrorKind::Sender),
    ("DeleteConflict", 409, ErrorKind::Sender),
    ("DuplicateCertificate", 409, ErrorKind::Sender),
    ("DuplicateSSHPublicKey", 400, ErrorKind::Sender),
    ("EntityAlreadyExists", 409, ErrorKind::Sender),
    ("EntityTemporarilyUnmodifiable", 409, ErrorKind::Sender),
    ("FeatureDisabled", 404, ErrorKind::Sender),
    ("FeatureEnabled", 409, ErrorKind::Sender),
    ("InvalidAuthenticationCode", 403, ErrorKind::Sender),
    ("InvalidCertificate", 400, ErrorKind::Sender),
    ("InvalidInput", 400, ErrorKind::Sender),
    ("InvalidPublicKey", 400, ErrorKind::Sender),
    ("InvalidUserType", 400, ErrorKind::Sender),
    ("KeyPairMismatch", 400, ErrorKind::Sender),
    ("LimitExceeded", 409, ErrorKind::Sender),
    ("MalformedCertificate", 400, ErrorKind::Sender),
    ("MalformedPolicyDocument", 400, ErrorKind::Sender),
    ("NoSuchEntity", 404, ErrorKind::Sender),
    ("OpenIdIdpCommunicationError", 400, ErrorKind::Sender),
    ("PasswordPolicyViolation", 400, ErrorKind::Sender),
    ("PolicyEvaluation", 500, ErrorKind::Receiver),
    ("PolicyNotAttachable", 400, ErrorKind::Sender),
    ("ReportGenerationLimitExceeded", 409, ErrorKind::Sender),
    ("ServiceFailure", 500, ErrorKind::Receiver),
    ("NotSupportedService", 404, ErrorKind::Sender),
    ("UnmodifiableEntity", 400, ErrorKind::Sender),
    ("UnrecognizedPublicKeyEncoding", 400, ErrorKind::Sender),
    // STS (botocore sts/2011-06-15)
    ("ExpiredTokenException", 400, ErrorKind::Sender),
    ("ExpiredTradeInTokenException", 400, ErrorKind::Sender),
    ("IDPCommunicationError", 400, ErrorKind::Sender),
    ("IDPRejectedClaim", 403, ErrorKind::Sender),
    (
        "InvalidAuthorizationMessageException",
        400,
        ErrorKind::Sender,
    ),
    ("InvalidIdentityToken", 400, ErrorKind::Sender),
    ("JWTPayloadSizeExceededException", 400, ErrorKind::Sender),
    (
        "OutboundWebIdentityFederationDisabledException",
        403,
        ErrorKind::Sender,
    ),
    ("PackedPolicyTooLarge", 400, ErrorKind::Sender),
    ("RegionDisabledException", 403, ErrorKind::Sender),
    ("SessionDurationEscalationException", 403, ErrorKind::Sender),
    // Query "Common Errors" (shared by every Query service)
    ("AccessDenied", 403, ErrorKind::Sender),
    ("ExpiredToken", 403, ErrorKind::Sender),
    ("IncompleteSignature", 400, ErrorKind::Sender),
    ("InternalFailure", 500, ErrorKind::Receiver),
    ("InvalidAction", 400, ErrorKind::Sender),
    ("InvalidClientTokenId", 403, ErrorKind::Sender),
    ("InvalidParameterCombination", 400, ErrorKind::Sender),
    ("InvalidParameterValue", 400, ErrorKind::Sender),
    ("InvalidQueryParameter", 400, ErrorKind::Sender),
    ("MissingAction", 400, ErrorKind::Sender),
    ("MissingAuthenticationToken", 403, ErrorKind::Sender),
    ("MissingParameter", 400, ErrorKind::Sender),
    ("NotAuthorized", 400, ErrorKind::Sender),
    ("OptInRequired", 403, ErrorKind::Sender),
    ("RequestExpired", 400, ErrorKind::Sender),
    ("ServiceUnavailable", 503, ErrorKind::Receiver),
    ("SignatureDoesNotMatch", 403, ErrorKind::Sender),
    ("Throttling", 400, ErrorKind::Sender),
    ("ValidationError", 400, ErrorKind::Sender),
];

/// Formats AWS's validation summary: `1 validation error detected: A` or
/// `2 validation errors detected: A; B`.
pub fn validation_summary<S: AsRef<str>>(violations: &[S]) -> String {
    let n = violations.len();
    let noun = if n == 1 { "error" } else { "errors" };
    let joined: Vec<&str> = violations.iter().map(AsRef::as_ref).collect();
    format!("{n} validation {noun} detected: {}", joined.join("; "))
}

/// Renders a value the way AWS quotes it inside a validation message.
pub(crate) fn quoted(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("'{v}'"),
        None => "null".to_string(),
    }
}

impl AwsError {
    /// An error with a code from [`KNOWN_ERRORS`]; unknown codes are sent as 400 `Sender`, the
    /// Query protocol's default for client errors.
    pub fn new(code: &str, message: impl Into<String>) -> AwsError {
        let (status, kind) = KNOWN_ERRORS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, s, k)| (*s, *k))
            .unwrap_or((400, ErrorKind::Sender));
        AwsError {
            code: code.to_string(),
            message: message.into(),
            status,
            kind,
        }
    }

    /// An error with an explicit status and kind (for codes outside [`KNOWN_ERRORS`]).
    pub fn with_status(
        code: &str,
        message: impl Into<String>,
        status: u16,
        kind: ErrorKind,
    ) -> AwsError {
        AwsError {
            code: code.to_string(),
            message: message.into(),
            status,
            kind,
        }
    }

    /// `NoSuchEntity` (404).
    pub fn no_such_entity(message: impl Into<String>) -> AwsError {
        Self::new("NoSuchEntity", message)
    }
    /// `EntityAlreadyExists` (409).
    pub fn entity_already_exists(message: impl Into<String>) -> AwsError {
        Self::new("EntityAlreadyExists", message)
    }
    /// `DeleteConflict` (409).
    pub fn delete_conflict(message: impl Into<String>) -> AwsError {
        Self::new("DeleteConflict", message)
    }
    /// `LimitExceeded` (409).
    pub fn limit_exceeded(message: impl Into<String>) -> AwsError {
        Self::new("LimitExceeded", message)
    }
    /// `MalformedPolicyDocument` (400).
    pub fn malformed_policy_document(message: impl Into<String>) -> AwsError {
        Self::new("MalformedPolicyDocument", message)
    }
    /// `InvalidInput` (400).
    pub fn invalid_input(message: impl Into<String>) -> AwsError {
        Self::new("InvalidInput", message)
    }
    /// `ValidationError` (400) with a ready-made message.
    pub fn validation(message: impl Into<String>) -> AwsError {
        Self::new("ValidationError", message)
    }
    /// `ValidationError` (400) listing constraint violations, each of the form
    /// `Value 'x' at 'member' failed to satisfy constraint: ...`.
    pub fn validation_violations<S: AsRef<str>>(violations: &[S]) -> AwsError {
        Self::validation(validation_summary(violations))
    }
    /// `ValidationError` for a required member that was not sent:
    /// `1 validation error detected: Value null at 'userName' failed to satisfy constraint:
    /// Member must not be null`. `member` is AWS's lowerCamel member path.
    pub fn missing_required(member: &str) -> AwsError {
        Self::validation_violations(&[format!(
            "Value null at '{member}' failed to satisfy constraint: Member must not be null"
        )])
    }
    /// `AccessDenied` (403).
    pub fn access_denied(message: impl Into<String>) -> AwsError {
        Self::new("AccessDenied", message)
    }
    /// `ServiceFailure` (500, `Receiver`).
    pub fn service_failure(message: impl Into<String>) -> AwsError {
        Self::new("ServiceFailure", message)
    }
    /// `InternalFailure` (500, `Receiver`): the Query protocol's generic server fault.
    pub fn internal_failure() -> AwsError {
        Self::new(
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }
    /// `ConcurrentModification` (409).
    pub fn concurrent_modification(message: impl Into<String>) -> AwsError {
        Self::new("ConcurrentModification", message)
    }
    /// `UnmodifiableEntity` (400).
    pub fn unmodifiable_entity(message: impl Into<String>) -> AwsError {
        Self::new("UnmodifiableEntity", message)
    }
    /// `EntityTemporarilyUnmodifiable` (409).
    pub fn entity_temporarily_unmodifiable(message: impl Into<String>) -> AwsError {
        Self::new("EntityTemporarilyUnmodifiable", message)
    }
    /// `PasswordPolicyViolation` (400).
    pub fn password_policy_violation(message: impl Into<String>) -> AwsError {
        Self::new("PasswordPolicyViolation", message)
    }
    /// `PolicyNotAttachable` (400).
    pub fn policy_not_attachable(message: impl Into<String>) -> AwsError {
        Self::new("PolicyNotAttachable", message)
    }
    /// `InvalidAction` (400) for an operation the service does not have. Text as AWS sends it:
    /// `Could not find operation ListFoos for version 2010-05-08`.
    pub fn invalid_action(action: &str, version: &str) -> AwsError {
        Self::new(
            "InvalidAction",
            format!("Could not find operation {action} for version {version}"),
        )
    }
    /// `MissingAction` (400): the request carried no `Action` parameter.
    pub fn missing_action() -> AwsError {
        Self::new("MissingAction", "Missing Action")
    }
    /// `InvalidQueryParameter` (400): the query string or form body could not be decoded.
    pub fn invalid_query_parameter(detail: impl fmt::Display) -> AwsError {
        Self::new(
            "InvalidQueryParameter",
            format!(
                "The AWS query string is malformed or does not adhere to AWS standards: {detail}"
            ),
        )
    }
    /// `InvalidClientTokenId` (403): unknown access key id.
    pub fn invalid_client_token_id() -> AwsError {
        Self::new(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    }
    /// `SignatureDoesNotMatch` (403).
    pub fn signature_does_not_match() -> AwsError {
        Self::new(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.",
        )
    }
    /// `IncompleteSignature` (400).
    pub fn incomplete_signature(message: impl Into<String>) -> AwsError {
        Self::new("IncompleteSignature", message)
    }
    /// `MissingAuthenticationToken` (403): an unsigned request.
    pub fn missing_authentication_token() -> AwsError {
        Self::new(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    }
    /// `ExpiredToken` (403): the session token used to sign the request has expired.
    pub fn expired_token() -> AwsError {
        Self::new(
            "ExpiredToken",
            "The security token included in the request is expired",
        )
    }
    /// `RequestExpired` (400): the signature's timestamp is outside the allowed window.
    pub fn request_expired(message: impl Into<String>) -> AwsError {
        Self::new("RequestExpired", message)
    }
    /// STS `ExpiredTokenException` (400): an expired token passed as an *input*
    /// (e.g. a web identity token), not the signing credentials.
    pub fn expired_token_exception(message: impl Into<String>) -> AwsError {
        Self::new("ExpiredTokenException", message)
    }
    /// STS `PackedPolicyTooLarge` (400).
    pub fn packed_policy_too_large(message: impl Into<String>) -> AwsError {
        Self::new("PackedPolicyTooLarge", message)
    }
    /// STS `RegionDisabledException` (403).
    pub fn region_disabled(message: impl Into<String>) -> AwsError {
        Self::new("RegionDisabledException", message)
    }
    /// STS `IDPRejectedClaim` (403).
    pub fn idp_rejected_claim(message: impl Into<String>) -> AwsError {
        Self::new("IDPRejectedClaim", message)
    }
    /// STS `InvalidIdentityToken` (400).
    pub fn invalid_identity_token(message: impl Into<String>) -> AwsError {
        Self::new("InvalidIdentityToken", message)
    }
    /// STS `InvalidAuthorizationMessageException` (400).
    pub fn invalid_authorization_message(message: impl Into<String>) -> AwsError {
        Self::new("InvalidAuthorizationMessageException", message)
    }
    /// `Throttling` (400): `Rate exceeded`.
    pub fn throttling() -> AwsError {
        Self::new("Throttling", "Rate exceeded")
    }

    /// Renders `<ErrorResponse xmlns=NS><Error><Type/><Code/><Message/></Error><RequestId/>
    /// </ErrorResponse>`, the shape botocore's query error parser reads.
    pub fn to_xml(&self, request_id: &str, namespace: &str) -> String {
        format!(
            "<ErrorResponse xmlns=\"{ns}\"><Error><Type>{kind}</Type><Code>{code}</Code>\
             <Message>{msg}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>",
            ns = escape_attr(namespace),
            kind = self.kind.as_str(),
            code = escape_text(&self.code),
            msg = escape_text(&self.message),
            rid = escape_text(request_id),
        )
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_botocore() {
        let cases: &[(AwsError, &str, u16, ErrorKind)] = &[
            (
                AwsError::no_such_entity("x"),
                "NoSuchEntity",
                404,
                ErrorKind::Sender,
            ),
            (
                AwsError::entity_already_exists("x"),
                "EntityAlreadyExists",
                409,
                ErrorKind::Sender,
            ),
            (
                AwsError::delete_conflict("x"),
                "DeleteConflict",
                409,
                ErrorKind::Sender,
            ),
            (
                AwsError::limit_exceeded("x"),
                "LimitExceeded",
                409,
                ErrorKind::Sender,
            ),
            (
                AwsError::malformed_policy_document("x"),
                "MalformedPolicyDocument",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::invalid_input("x"),
                "InvalidInput",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::validation("x"),
                "ValidationError",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::access_denied("x"),
                "AccessDenied",
                403,
                ErrorKind::Sender,
            ),
            (
                AwsError::service_failure("x"),
                "ServiceFailure",
                500,
                ErrorKind::Receiver,
            ),
            (
                AwsError::concurrent_modification("x"),
                "ConcurrentModification",
                409,
                ErrorKind::Sender,
            ),
            (
                AwsError::unmodifiable_entity("x"),
                "UnmodifiableEntity",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::password_policy_violation("x"),
                "PasswordPolicyViolation",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::invalid_action("Foo", "2010-05-08"),
                "InvalidAction",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::missing_action(),
                "MissingAction",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::invalid_client_token_id(),
                "InvalidClientTokenId",
                403,
                ErrorKind::Sender,
            ),
            (
                AwsError::signature_does_not_match(),
                "SignatureDoesNotMatch",
                403,
                ErrorKind::Sender,
            ),
            (
                AwsError::expired_token(),
                "ExpiredToken",
                403,
                ErrorKind::Sender,
            ),
            (
                AwsError::expired_token_exception("x"),
                "ExpiredTokenException",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::packed_policy_too_large("x"),
                "PackedPolicyTooLarge",
                400,
                ErrorKind::Sender,
            ),
            (
                AwsError::region_disabled("x"),
                "RegionDisabledException",
                403,
                ErrorKind::Sender,
            ),
            (AwsError::throttling(), "Throttling", 400, ErrorKind::Sender),
            (
                AwsError::internal_failure(),
                "InternalFailure",
                500,
                ErrorKind::Receiver,
            ),
            (
                AwsError::new("SomethingNew", "x"),
                "SomethingNew",
                400,
                ErrorKind::Sender,
            ),
        ];
        for (err, code, status, kind) in cases {
            assert_eq!(err.code, *code);
            assert_eq!(err.status, *status, "{code}");
            assert_eq!(err.kind, *kind, "{code}");
        }
    }

    #[test]
    fn known_codes_are_unique() {
        for (i, (c, _, _)) in KNOWN_ERRORS.iter().enumerate() {
            assert!(
                KNOWN_ERRORS[i + 1..].iter().all(|(d, _, _)| d != c),
                "{c} twice"
            );
        }
    }

    #[test]
    fn invalid_action_text() {
        assert_eq!(
            AwsError::invalid_action("ListFoos", "2010-05-08").message,
            "Could not find operation ListFoos for version 2010-05-08"
        );
    }

    #[test]
    fn missing_required_text() {
        assert_eq!(
            AwsError::missing_required("userName").message,
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: \
             Member must not be null"
        );
    }

    #[test]
    fn summary_pluralises() {
        assert_eq!(validation_summary(&["a"]), "1 validation error detected: a");
        assert_eq!(
            validation_summary(&["a", "b"]),
            "2 validation errors detected: a; b"
        );
    }

    #[test]
    fn error_xml_shape_and_escaping() {
        let e = AwsError::no_such_entity("The user with name <b>&\"x\" cannot be found.");
        assert_eq!(
            e.to_xml("req-1", "https://iam.amazonaws.com/doc/2010-05-08/"),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>\
             <Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name \
             &lt;b&gt;&amp;\"x\" cannot be found.</Message></Error><RequestId>req-1</RequestId>\
             </ErrorResponse>"
        );
        let r = AwsError::service_failure("boom").to_xml("r", "ns");
        assert!(r.contains("<Type>Receiver</Type>"));
    }
}
