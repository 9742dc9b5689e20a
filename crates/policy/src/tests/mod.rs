//! Crate-level tests: validation tables and AWS's worked evaluation examples.

mod examples;
mod principals;
mod validate;

use crate::*;

/// The policy kind a policy of type `ty` is written as.
pub(crate) fn kind_of(ty: PolicyType) -> PolicyKind {
    match ty {
        PolicyType::Identity | PolicyType::PermissionsBoundary | PolicyType::Session => {
            PolicyKind::Identity
        }
        PolicyType::ResourceBased => PolicyKind::Resource,
        PolicyType::ServiceControl => PolicyKind::ServiceControl,
        PolicyType::ResourceControl => PolicyKind::ResourceControl,
    }
}

/// Parses and compiles `json` as a policy of type `ty` named `id`.
pub(crate) fn compiled(id: &str, ty: PolicyType, json: &str) -> CompiledPolicy {
    parse(json, kind_of(ty))
        .unwrap_or_else(|e| panic!("{id}: {e} ({})", e.detail()))
        .compile(PolicySource::new(id, ty))
}

/// `evaluate`, asserting that `explain` agrees.
pub(crate) fn decide(set: &PolicySet<'_>, req: &Request<'_>) -> Decision {
    let fast = evaluate(set, req);
    let slow = explain(set, req);
    assert_eq!(
        fast, slow.decision,
        "evaluate and explain disagree: {slow:?}"
    );
    fast
}

pub(crate) fn req<'a>(
    principal: Principal<'a>,
    action: &'a str,
    resource: &'a str,
    context: &'a Context,
) -> Request<'a> {
    Request {
        principal,
        action,
        resource,
        resource_account: None,
        context,
    }
}

pub(crate) const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
