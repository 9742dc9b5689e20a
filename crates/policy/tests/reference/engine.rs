//! Runs the real engine on a model policy set.

use super::model::{Pol, Req, Set, OTHER};
use portcullis_policy::*;

pub fn compile(p: &Pol, kind: PolicyKind, ty: PolicyType) -> CompiledPolicy {
    let text = p.json();
    parse(&text, kind)
        .unwrap_or_else(|e| panic!("generated policy rejected: {e} ({}): {text}", e.detail()))
        .compile(PolicySource::new("gen", ty))
}

/// Runs the engine on a model set: returns (evaluate, explain) decisions.
pub fn run_engine(set: &Set, r: &Req) -> (Decision, Decision) {
    let scps: Vec<Vec<CompiledPolicy>> = set
        .scps
        .iter()
        .map(|l| {
            l.iter()
                .map(|p| compile(p, PolicyKind::ServiceControl, PolicyType::ServiceControl))
                .collect()
        })
        .collect();
    let scp_refs: Vec<Vec<&CompiledPolicy>> = scps.iter().map(|l| l.iter().collect()).collect();
    let scp_levels: Vec<&[&CompiledPolicy]> = scp_refs.iter().map(|l| l.as_slice()).collect();
    let resource = set
        .resource
        .as_ref()
        .map(|p| compile(p, PolicyKind::Resource, PolicyType::ResourceBased));
    let boundary = set
        .boundary
        .as_ref()
        .map(|p| compile(p, PolicyKind::Identity, PolicyType::PermissionsBoundary));
    let sessions: Option<Vec<CompiledPolicy>> = set.sessions.as_ref().map(|s| {
        s.iter()
            .map(|p| compile(p, PolicyKind::Identity, PolicyType::Session))
            .collect()
    });
    let session_refs: Option<Vec<&CompiledPolicy>> = sessions.as_ref().map(|s| s.iter().collect());
    let identity: Vec<CompiledPolicy> = set
        .identity
        .iter()
        .map(|p| compile(p, PolicyKind::Identity, PolicyType::Identity))
        .collect();
    let identity_refs: Vec<&CompiledPolicy> = identity.iter().collect();
    let ps = PolicySet {
        scps: &scp_levels,
        rcps: &[],
        resource_policy: resource.as_ref(),
        resource_policy_must_allow: set.must_allow,
        permissions_boundary: boundary.as_ref(),
        session_policies: session_refs.as_deref(),
        identity_policies: &identity_refs,
    };
    let ctx = r.ctx.to_engine();
    let req = Request {
        principal: r.principal(),
        action: &r.action,
        resource: &r.resource,
        resource_account: r.cross_account.then_some(OTHER),
        context: &ctx,
    };
    (evaluate(&ps, &req), explain(&ps, &req).decision)
}
