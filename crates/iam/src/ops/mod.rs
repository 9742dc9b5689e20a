//! IAM operations, one module per family, each operation named as AWS names it.
//! Each family declares its operations with `family!` at its end.

pub mod access_keys;
pub mod account;
pub mod attachments;
pub mod groups;
pub mod inline_policies;
pub mod managed_policies;
pub mod roles;
pub mod simulate;
pub mod tags;
pub mod users;

use portcullis_protocol::{AwsError, QueryRequest};
use portcullis_service::{Caller, Service};

/// Every family's operation list.
pub const FAMILIES: &[&[&str]] = &[
    users::OPERATIONS,
    access_keys::OPERATIONS,
    groups::OPERATIONS,
    inline_policies::OPERATIONS,
    managed_policies::OPERATIONS,
    attachments::OPERATIONS,
    tags::OPERATIONS,
    account::OPERATIONS,
    simulate::OPERATIONS,
    roles::OPERATIONS,
];

/// Runs `action` in the family that has it.
pub async fn dispatch(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
    action: &str,
) -> Option<Result<String, AwsError>> {
    if let Some(r) = users::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = access_keys::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = groups::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = inline_policies::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = managed_policies::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = attachments::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = tags::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = account::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = simulate::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    if let Some(r) = roles::dispatch(svc, caller, req, action).await {
        return Some(r);
    }
    None
}
