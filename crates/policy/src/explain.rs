//! [`explain`]: the same decision as [`crate::evaluate`], plus the evidence IAM's policy
//! simulator reports — matched statements with their positions (`MatchedStatements`), context
//! keys the policies used but the request lacked (`MissingContextValues`), and a decision per
//! policy type (`EvalDecisionDetails`, `PermissionsBoundaryDecisionDetail`).

use crate::compile::{CompiledPolicy, CompiledStatement, Outcome, PolicyType};
use crate::document::Effect;
use crate::error::Position;
use crate::evaluate::{decide, Decision, PolicySet};
use crate::request::Request;
use crate::trace::Tracer;

/// A statement that applied to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedStatement {
    pub policy_id: String,
    pub policy_type: PolicyType,
    pub sid: Option<String>,
    pub effect: Effect,
    pub start: Position,
    pub end: Position,
}

/// The decision of one policy type on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeDecision {
    pub policy_type: PolicyType,
    pub decision: Decision,
}

/// A decision with its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The policy type that settled the decision (`None`: the root user's implicit allow).
    pub decisive: Option<PolicyType>,
    /// Applicable statements, in evaluation order (RCP, SCP, resource, boundary, session,
    /// identity) and source order within a policy.
    pub matched: Vec<MatchedStatement>,
    /// Condition keys evaluated but absent from the request context (as written, deduplicated).
    pub missing_context_keys: Vec<String>,
    /// One entry per policy type present in the set.
    pub per_type: Vec<TypeDecision>,
}

impl Evaluation {
    /// The decision for one policy type, if that type was present.
    pub fn decision_for(&self, ty: PolicyType) -> Option<Decision> {
        self.per_type
            .iter()
            .find(|d| d.policy_type == ty)
            .map(|d| d.decision)
    }
}

#[derive(Default)]
struct Recorder {
    matched: Vec<MatchedStatement>,
    missing: Vec<String>,
}

impl Tracer for Recorder {
    const FULL: bool = true;

    fn missing_key(&mut self, key: &str) {
        if !self.missing.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            self.missing.push(key.to_string());
        }
    }

    fn matched(&mut self, policy: &CompiledPolicy, s: &CompiledStatement) {
        self.matched.push(MatchedStatement {
            policy_id: policy.id().to_string(),
            policy_type: policy.policy_type(),
            sid: s.sid.as_deref().map(str::to_string),
            effect: s.effect,
            start: s.start,
            end: s.end,
        });
    }
}

fn flat(allow_deny: (bool, bool)) -> Decision {
    match allow_deny {
        (_, true) => Decision::ExplicitDeny,
        (true, false) => Decision::Allow,
        (false, false) => Decision::ImplicitDeny,
    }
}

fn of(o: Outcome) -> Decision {
    flat((o.allow, o.deny))
}

/// Decides `req` against `set` and records why. Allocates; use for simulation and audit.
pub fn explain(set: &PolicySet<'_>, req: &Request<'_>) -> Evaluation {
    let mut rec = Recorder::default();
    let d = decide(set, req, &mut rec);
    // Tracing visits every statement of each policy in source order, so `matched` is already
    // in evaluation order of the policies and source order within each.
    let matched = rec.matched;
    let g = d.gates;
    let per_type = [
        (PolicyType::ResourceControl, g.rcp.map(flat)),
        (PolicyType::ServiceControl, g.scp.map(flat)),
        (PolicyType::ResourceBased, g.resource.map(of)),
        (PolicyType::PermissionsBoundary, g.boundary.map(of)),
        (PolicyType::Session, g.session.map(flat)),
        (PolicyType::Identity, g.identity.map(flat)),
    ]
    .into_iter()
    .filter_map(|(policy_type, d)| {
        d.map(|decision| TypeDecision {
            policy_type,
            decision,
        })
    })
    .collect();
    Evaluation {
        decision: d.decision,
        decisive: d.decisive,
        matched,
        missing_context_keys: rec.missing,
        per_type,
    }
}
