//! The verification chokepoint: scope, clock, then the constant-time signature check.

use std::time::Duration;

use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::canonical::ALGORITHM;
use crate::clock::{describe_window, format_amz_date};
use crate::error::AuthError;
use crate::keys::SigningKey;
use crate::signed_request::{Mode, SignedRequest};

/// How strict [`SignedRequest::verify`] is about time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Largest allowed difference between `X-Amz-Date` and the server clock (both
    /// directions for header-signed requests; the future direction for presigned URLs,
    /// which are bounded in the past by `X-Amz-Expires` instead). Default 5 minutes.
    pub max_skew: Duration,
    /// `false` skips every clock check (skew and presigned expiry). Only for replaying
    /// recorded requests in tests; a server must leave it `true`.
    pub check_clock: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            max_skew: Duration::from_secs(300),
            check_clock: true,
        }
    }
}

impl SignedRequest {
    /// Verifies the request with the signing key derived for its access key and scope.
    ///
    /// In order: algorithm, scope terminator, scope date against `X-Amz-Date`, clock
    /// (skew window, presigned expiry), then the recomputed signature compared in
    /// constant time. The server must derive `key` with the request's own
    /// [`scope`](SignedRequest::scope) (`date`, `region`, `service`) after checking
    /// region and service with [`check_scope`](SignedRequest::check_scope).
    pub fn verify(
        &self,
        key: &SigningKey,
        now: OffsetDateTime,
        opts: &VerifyOptions,
    ) -> Result<(), AuthError> {
        if self.algorithm != ALGORITHM {
            return Err(AuthError::incomplete(format!(
                "Unsupported AWS 'algorithm': '{}'.",
                self.algorithm
            )));
        }
        if self.scope.terminator() != "aws4_request" {
            return Err(AuthError::CredentialScope(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
                self.scope.terminator()
            )));
        }
        let http_date = self.amz_date.get(..8).unwrap_or("");
        if self.scope.date() != http_date {
            return Err(AuthError::CredentialScope(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
                 from HTTP: '{}' != '{}', from '{}'.",
                self.scope.date(),
                http_date,
                self.amz_date
            )));
        }
        if opts.check_clock {
            self.check_clock(now, opts.max_skew)?;
        }
        let Some(provided) = &self.signature else {
            return Err(AuthError::SignatureDoesNotMatch);
        };
        let computed = key.sign(&self.string_to_sign());
        if bool::from(computed.ct_eq(provided)) {
            Ok(())
        } else {
            Err(AuthError::SignatureDoesNotMatch)
        }
    }

    fn check_clock(&self, now: OffsetDateTime, max_skew: Duration) -> Result<(), AuthError> {
        // A skew too large for `time` means "no limit", which is what such a setting says.
        let skew = time::Duration::try_from(max_skew).unwrap_or(time::Duration::MAX);
        let t = self.timestamp;
        if let Some(latest) = now.checked_add(skew) {
            if t > latest {
                return Err(AuthError::SignatureNotYetCurrent {
                    signed_at: self.amz_date.clone(),
                    latest: format_amz_date(latest),
                    now: format_amz_date(now),
                    window: describe_window(max_skew),
                });
            }
        }
        match (self.mode, self.expires_secs) {
            (Mode::Presigned, Some(expires)) => {
                let expiry = t.checked_add(time::Duration::seconds(i64::from(expires)));
                match expiry {
                    Some(expiry) if now <= expiry => Ok(()),
                    Some(expiry) => Err(AuthError::RequestExpired {
                        expired_at: format_amz_date(expiry),
                        now: format_amz_date(now),
                    }),
                    None => Err(AuthError::RequestExpired {
                        expired_at: self.amz_date.clone(),
                        now: format_amz_date(now),
                    }),
                }
            }
            _ => match now.checked_sub(skew) {
                Some(earliest) if t < earliest => Err(AuthError::SignatureExpired {
                    signed_at: self.amz_date.clone(),
                    earliest: format_amz_date(earliest),
                    now: format_amz_date(now),
                    window: describe_window(max_skew),
                }),
                _ => Ok(()),
            },
        }
    }
}
