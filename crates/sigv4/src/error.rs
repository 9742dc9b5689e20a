//! The errors a SigV4 verification can end in, carrying AWS's wire codes and texts.
//!
//! IAM and STS answer authentication failures with a small set of codes. Clients
//! (the SDKs, awscli, Terraform) branch on the code, and humans grep for the message,
//! so both are kept as close to AWS's as public evidence allows. Each variant notes
//! where its text comes from.

use std::fmt;

/// Why a request failed SigV4 authentication.
///
/// `code()` is the AWS error code, `message()` the AWS-style message, `http_status()`
/// the status AWS answers with. No variant carries secret material: messages echo only
/// what the client itself sent (access key id, credential scope, dates).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No SigV4 credentials anywhere in the request (no `Authorization` header, no
    /// `X-Amz-*` query parameters). Code `MissingAuthenticationToken`, 403.
    MissingAuthenticationToken,
    /// The credentials are present but malformed or incomplete. Code
    /// `IncompleteSignature`, 400 (STS answers 400, see hashicorp/vault#4939).
    IncompleteSignature(String),
    /// The access key id (or session token) is not known. Produced by the key lookup
    /// in the server, not by this crate. Code `InvalidClientTokenId`, 403.
    InvalidClientTokenId,
    /// The recomputed signature differs from the one provided. Code
    /// `SignatureDoesNotMatch`, 403.
    SignatureDoesNotMatch,
    /// The credential scope is wrong (date, region, service or terminator). AWS uses the
    /// code `SignatureDoesNotMatch` with a specific message. 403.
    CredentialScope(String),
    /// The request time is older than the allowed clock skew. AWS IAM/STS answer
    /// `SignatureDoesNotMatch` with "Signature expired: ..." (aws/aws-cli#6676,
    /// 99designs/aws-vault#1049 show STS doing so with status 403).
    SignatureExpired {
        /// The request's `X-Amz-Date`.
        signed_at: String,
        /// `now - max_skew`, formatted like `X-Amz-Date`.
        earliest: String,
        /// The server's clock, formatted like `X-Amz-Date`.
        now: String,
        /// The allowed skew, for the "(now - N min.)" suffix.
        window: String,
    },
    /// The request time is further in the future than the allowed clock skew.
    /// Code `SignatureDoesNotMatch`, 403, "Signature not yet current: ...".
    SignatureNotYetCurrent {
        /// The request's `X-Amz-Date`.
        signed_at: String,
        /// `now + max_skew`, formatted like `X-Amz-Date`.
        latest: String,
        /// The server's clock, formatted like `X-Amz-Date`.
        now: String,
        /// The allowed skew, for the "(now + N min.)" suffix.
        window: String,
    },
    /// A presigned URL used after `X-Amz-Date + X-Amz-Expires`. No public evidence of the
    /// exact IAM/STS text was found; this uses S3's documented "Request has expired" text
    /// under the `SignatureDoesNotMatch` code IAM/STS use for stale signatures. 403.
    RequestExpired {
        /// When the presigned URL stopped being valid, formatted like `X-Amz-Date`.
        expired_at: String,
        /// The server's clock, formatted like `X-Amz-Date`.
        now: String,
    },
}

impl AuthError {
    /// The AWS error code put in the `<Code>` element / `__type` field.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingAuthenticationToken => "MissingAuthenticationToken",
            AuthError::IncompleteSignature(_) => "IncompleteSignature",
            AuthError::InvalidClientTokenId => "InvalidClientTokenId",
            AuthError::SignatureDoesNotMatch
            | AuthError::CredentialScope(_)
            | AuthError::SignatureExpired { .. }
            | AuthError::SignatureNotYetCurrent { .. }
            | AuthError::RequestExpired { .. } => "SignatureDoesNotMatch",
        }
    }

    /// The message AWS sends with this code.
    pub fn message(&self) -> String {
        match self {
            AuthError::MissingAuthenticationToken => {
                "Request is missing Authentication Token".to_owned()
            }
            AuthError::IncompleteSignature(msg) | AuthError::CredentialScope(msg) => msg.clone(),
            AuthError::InvalidClientTokenId => {
                "The security token included in the request is invalid.".to_owned()
            }
            AuthError::SignatureDoesNotMatch => "The request signature we calculated does not \
                match the signature you provided. Check your AWS Secret Access Key and signing \
                method. Consult the service documentation for details."
                .to_owned(),
            AuthError::SignatureExpired {
                signed_at,
                earliest,
                now,
                window,
            } => format!(
                "Signature expired: {signed_at} is now earlier than {earliest} ({now} - {window}.)"
            ),
            AuthError::SignatureNotYetCurrent {
                signed_at,
                latest,
                now,
                window,
            } => format!(
                "Signature not yet current: {signed_at} is still later than {latest} ({now} + {window}.)"
            ),
            AuthError::RequestExpired { .. } => "Request has expired".to_owned(),
        }
    }

    /// The HTTP status AWS answers with: 400 for malformed signatures, 403 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            AuthError::IncompleteSignature(_) => 400,
            _ => 403,
        }
    }

    pub(crate) fn incomplete(msg: impl Into<String>) -> Self {
        AuthError::IncompleteSignature(msg.into())
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for AuthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        assert_eq!(
            AuthError::MissingAuthenticationToken.code(),
            "MissingAuthenticationToken"
        );
        assert_eq!(AuthError::MissingAuthenticationToken.http_status(), 403);
        assert_eq!(AuthError::incomplete("x").http_status(), 400);
        assert_eq!(AuthError::incomplete("x").code(), "IncompleteSignature");
        assert_eq!(AuthError::InvalidClientTokenId.http_status(), 403);
        assert_eq!(
            AuthError::InvalidClientTokenId.message(),
            "The security token included in the request is invalid."
        );
        assert_eq!(
            AuthError::SignatureDoesNotMatch.message(),
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
        );
    }

    #[test]
    fn expired_message_shape() {
        let e = AuthError::SignatureExpired {
            signed_at: "20130524T000000Z".into(),
            earliest: "20130524T000500Z".into(),
            now: "20130524T001000Z".into(),
            window: "5 min".into(),
        };
        assert_eq!(e.code(), "SignatureDoesNotMatch");
        assert_eq!(
            e.message(),
            "Signature expired: 20130524T000000Z is now earlier than 20130524T000500Z \
             (20130524T001000Z - 5 min.)"
        );
        assert_eq!(e.http_status(), 403);
    }
}
