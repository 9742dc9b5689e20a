//! The AWS STS API: temporary credentials (AssumeRole, GetSessionToken) and
//! GetCallerIdentity. Temporary credentials are self-contained session tokens
//! (`portcullis_service::session`); requests signed with them are authenticated by the
//! server without any lookup.

mod assume_role;
mod credentials;
mod session_token;

use portcullis_protocol::{
    new_request_id, AwsError, QueryRequest, ResponseWriter, STS_NAMESPACE, STS_VERSION,
};
use portcullis_service::{Caller, Service};

/// Every STS operation this server implements.
pub const OPERATIONS: &[&str] = &["GetCallerIdentity", "AssumeRole", "GetSessionToken"];

/// Runs the STS operation named by the request's `Action`.
pub async fn dispatch(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    match req.required_action()? {
        "GetCallerIdentity" => Ok(get_caller_identity(caller)),
        "AssumeRole" => assume_role::assume_role(svc, caller, req).await,
        "GetSessionToken" => session_token::get_session_token(svc, caller, req).await,
        other => Err(AwsError::invalid_action(other, STS_VERSION)),
    }
}

/// GetCallerIdentity needs no permission: AWS answers it even when an explicit deny covers
/// `sts:GetCallerIdentity` (STS API reference, "No permissions are required").
fn get_caller_identity(caller: &Caller) -> String {
    let mut out = ResponseWriter::new("GetCallerIdentity", STS_NAMESPACE);
    out.element("UserId", &caller.user_id)
        .element("Account", &caller.account)
        .element("Arn", &caller.arn);
    out.finish(&new_request_id())
}
