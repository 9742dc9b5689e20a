//! A pure AWS Signature Version 4 *verifier* for Portcullis.
//!
//! The crate does no I/O and knows no keys: [`parse`] finds and parses the SigV4
//! credentials of a request (`Authorization` header or presigned query string, never
//! both), the server looks up the secret for [`SignedRequest::access_key_id`], derives
//! the [`SigningKey`] for the request's scope, and [`SignedRequest::verify`] checks the
//! scope, the clock and the signature (compared in constant time).
//!
//! Canonicalization follows AWS for non-S3 services (IAM, STS): normalized,
//! double-encoded path; strictly re-encoded, sorted query; trimmed header values; the
//! SHA-256 of the body as payload hash. It is pinned by the aws-c-auth signing test
//! suite and by round trips through the official `aws-sigv4` signer (see `tests/`).
//!
//! Secrets ([`SecretKey`], [`SigningKey`]) are zeroized on drop and cannot be printed or
//! compared; [`Signature`]s compare only through [`subtle::ConstantTimeEq`].
//!
//! # Example
//!
//! The IAM `ListUsers` request from the AWS documentation, verified:
//!
//! ```
//! use portcullis_sigv4::{parse, AuthError, SecretKey, VerifyOptions};
//! use time::macros::datetime;
//!
//! let body = b"";
//! let request = http::Request::builder()
//!     .method("GET")
//!     .uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")
//!     .header("host", "iam.amazonaws.com")
//!     .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
//!     .header("x-amz-date", "20150830T123600Z")
//!     .header(
//!         "authorization",
//!         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
//!          SignedHeaders=content-type;host;x-amz-date, \
//!          Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
//!     )
//!     .body(())?;
//!
//! let signed = parse(request.method(), request.uri(), request.headers(), body)?;
//! assert_eq!(signed.access_key_id(), "AKIDEXAMPLE");
//! signed.check_scope("us-east-1", "iam")?;
//!
//! // The server looks the secret up by access key id (unknown => InvalidClientTokenId).
//! let secret = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned());
//! let scope = signed.scope();
//! let key = secret.derive(scope.date(), scope.region(), scope.service());
//!
//! let now = datetime!(2015-08-30 12:37:00 UTC);
//! signed.verify(&key, now, &VerifyOptions::default())?;
//!
//! // Ten minutes later the same request is stale.
//! let later = datetime!(2015-08-30 12:46:01 UTC);
//! let err = signed.verify(&key, later, &VerifyOptions::default()).unwrap_err();
//! assert_eq!(err.code(), "SignatureDoesNotMatch");
//! assert!(err.message().starts_with("Signature expired: 20150830T123600Z"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod canonical;
mod clock;
mod error;
mod keys;
mod request;
mod signed_request;
mod verify;

pub use canonical::{canonical_query, canonical_request, canonical_uri, string_to_sign, ALGORITHM};
pub use clock::format_amz_date;
pub use error::AuthError;
pub use keys::{SecretKey, Signature, SigningKey};
pub use request::{parse, MAX_EXPIRES_SECS, UNSIGNED_PAYLOAD};
pub use signed_request::{Mode, Scope, SignedRequest};
pub use verify::VerifyOptions;
