//! The AWS STS API. So far: GetCallerIdentity. AssumeRole, GetSessionToken and the rest
//! arrive with temporary credentials (see docs/progress.md).

use portcullis_protocol::{
    new_request_id, AwsError, QueryRequest, ResponseWriter, STS_NAMESPACE, STS_VERSION,
};
use portcullis_service::{Caller, Service};

/// Every STS operation this server implements.
pub const OPERATIONS: &[&str] = &["GetCallerIdentity"];

/// Runs the STS operation named by the request's `Action`.
pub async fn dispatch(
    _svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    match req.required_action()? {
        "GetCallerIdentity" => Ok(get_caller_identity(caller)),
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
