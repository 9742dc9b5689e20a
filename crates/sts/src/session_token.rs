//! GetSessionToken: temporary credentials for an IAM user or the root user, with the same
//! permissions as the long-term credentials that asked for them.

use portcullis_protocol::{new_request_id, AwsError, QueryRequest, ResponseWriter, STS_NAMESPACE};
use portcullis_service::session::{SessionClaims, SessionPrincipal};
use portcullis_service::{Caller, CallerKind, Service};

use crate::credentials::{duration, issue};

/// 15 minutes to 36 hours, 12 hours by default; root sessions at most one hour
/// (STS API reference, GetSessionToken).
const MIN: i64 = 900;
const MAX: i64 = 129_600;
const DEFAULT: i64 = 43_200;
const ROOT_MAX: i64 = 3_600;

pub async fn get_session_token(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    if caller.session.is_some() {
        return Err(AwsError::access_denied(
            "Cannot call GetSessionToken with session credentials",
        ));
    }
    let principal = match &caller.kind {
        CallerKind::Root => SessionPrincipal::Root,
        CallerKind::User { name } => SessionPrincipal::User { name: name.clone() },
        CallerKind::AssumedRole { .. } => {
            return Err(AwsError::access_denied(
                "Cannot call GetSessionToken with session credentials",
            ))
        }
    };
    let (default, max) = if principal == SessionPrincipal::Root {
        (ROOT_MAX, ROOT_MAX)
    } else {
        (DEFAULT, MAX)
    };
    let seconds = duration(req, default, MIN, max)?;
    if req.get("SerialNumber").is_some() || req.get("TokenCode").is_some() {
        // MFA devices arrive with the IAM MFA operations; until then no code can be valid.
        return Err(AwsError::access_denied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        ));
    }
    let now = svc.clock().now().unix_timestamp();
    let claims = SessionClaims {
        access_key_id: String::new(),
        secret: String::new(),
        account: caller.account.clone(),
        principal,
        issued: now,
        expires: now + seconds,
        mfa_time: None,
        source_identity: None,
        policy: None,
        policy_arns: Vec::new(),
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
    };
    let mut out = ResponseWriter::new("GetSessionToken", STS_NAMESPACE);
    issue(svc, claims, &mut out)?;
    Ok(out.finish(&new_request_id()))
}
