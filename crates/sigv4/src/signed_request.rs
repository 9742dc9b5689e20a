//! The result of [`parse`](crate::parse): the credentials found in a request, with the
//! canonical request already computed, waiting for the key lookup and
//! [`SignedRequest::verify`].

use time::OffsetDateTime;

use crate::canonical;
use crate::error::AuthError;
use crate::keys::Signature;

/// Where the credentials were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
    Header,
    /// `?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Signature=...`.
    Presigned,
}

/// The credential scope `date/region/service/terminator`, as the client sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub(crate) date: String,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) terminator: String,
}

impl Scope {
    /// A scope with the standard `aws4_request` terminator.
    pub fn new(date: &str, region: &str, service: &str) -> Self {
        Scope {
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            terminator: "aws4_request".to_owned(),
        }
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The region the client signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service the client signed for (`iam`, `sts`).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The terminator; only `aws4_request` verifies.
    pub fn terminator(&self) -> &str {
        &self.terminator
    }

    /// `date/region/service/terminator`, as it appears in the string-to-sign.
    pub fn to_scope_string(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }
}

/// A request whose SigV4 credentials were found and parsed, ready for [`verify`].
///
/// It holds everything needed to verify (the canonical request is computed once, here),
/// so that the server can look up the key by [`access_key_id`] in between.
///
/// [`verify`]: SignedRequest::verify
/// [`access_key_id`]: SignedRequest::access_key_id
pub struct SignedRequest {
    pub(crate) mode: Mode,
    pub(crate) algorithm: String,
    pub(crate) access_key_id: String,
    pub(crate) scope: Scope,
    pub(crate) amz_date: String,
    pub(crate) timestamp: OffsetDateTime,
    pub(crate) expires_secs: Option<u32>,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: Option<Signature>,
    pub(crate) security_token: Option<String>,
    pub(crate) payload_signed: bool,
    pub(crate) canonical_request: String,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session token is a bearer credential: never print it.
        f.debug_struct("SignedRequest")
            .field("mode", &self.mode)
            .field("access_key_id", &self.access_key_id)
            .field("scope", &self.scope)
            .field("amz_date", &self.amz_date)
            .field("expires_secs", &self.expires_secs)
            .field("signed_headers", &self.signed_headers)
            .field("has_security_token", &self.security_token.is_some())
            .field("payload_signed", &self.payload_signed)
            .finish_non_exhaustive()
    }
}

impl SignedRequest {
    /// The access key id from the credential (`AKIA...`/`ASIA...`), for the key lookup.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope as sent.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The session token (`x-amz-security-token` header or `X-Amz-Security-Token` query
    /// parameter), if any. The server must check that it belongs to the access key id.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// The signing time (`X-Amz-Date`).
    pub fn timestamp(&self) -> OffsetDateTime {
        self.timestamp
    }

    /// `X-Amz-Date` exactly as sent.
    pub fn amz_date(&self) -> &str {
        &self.amz_date
    }

    /// Header or presigned.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `X-Amz-Expires` of a presigned request.
    pub fn expires_secs(&self) -> Option<u32> {
        self.expires_secs
    }

    /// The `SignedHeaders` list.
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }

    /// `false` when the client sent `x-amz-content-sha256: UNSIGNED-PAYLOAD`: the body is
    /// then *not* covered by the signature. For the IAM/STS Query protocol the body *is*
    /// the request, so the server should refuse such requests there.
    pub fn payload_signed(&self) -> bool {
        self.payload_signed
    }

    /// The canonical request this verifier computed (for diagnostics and tests).
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string-to-sign this verifier computed (for diagnostics and tests).
    pub fn string_to_sign(&self) -> String {
        canonical::string_to_sign(&self.amz_date, &self.scope, &self.canonical_request)
    }

    /// Checks that the client scoped its credential to this server's region and service,
    /// with AWS's messages (code `SignatureDoesNotMatch`).
    pub fn check_scope(&self, region: &str, service: &str) -> Result<(), AuthError> {
        if self.scope.region != region {
            return Err(AuthError::CredentialScope(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                self.scope.region
            )));
        }
        if self.scope.service != service {
            return Err(AuthError::CredentialScope(format!(
                "Credential should be scoped to correct service: '{service}'. "
            )));
        }
        Ok(())
    }
}
