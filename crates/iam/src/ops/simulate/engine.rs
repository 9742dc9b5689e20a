//! Running the simulation: every (action, resource) pair goes through
//! [`portcullis_policy::explain`] — the same decision routine that enforces every call — and
//! its trace is turned into the simulator's `EvaluationResult` shape.

use portcullis_policy::{
    Context, Decision, Effect, Evaluation, PolicySet, PolicyType, Position, Principal, Request,
};
use portcullis_protocol::ResponseWriter;

use super::sources::Policies;

/// Who the simulated request comes from and what it carries.
pub struct Scenario<'a> {
    pub principal: Principal<'a>,
    pub context: &'a Context,
    /// Owner of resources whose ARN names no account, and of the resource policy
    /// (`ResourceOwner`; defaults to the simulated caller's account).
    pub resource_owner: Option<&'a str>,
}

/// One matched statement, as reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    pub source_id: String,
    pub source_type: &'static str,
    pub start: Position,
    pub end: Position,
}

/// The simulator's view of one decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    pub matched: Vec<Matched>,
    pub missing: Vec<String>,
    /// `EvalDecisionDetails`: filled for cross-account simulations only, as AWS documents.
    pub details: Vec<(&'static str, Decision)>,
    pub cross_account: bool,
    /// `AllowedByPermissionsBoundary`, when a boundary took part.
    pub boundary_allowed: Option<bool>,
    /// `AllowedByOrganizations`, when SCPs took part.
    pub organizations_allowed: Option<bool>,
}

/// One `EvaluationResult`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalResult {
    pub action: String,
    pub resource: String,
    pub outcome: Outcome,
    /// Whether the resource was named (not `*`): AWS then reports missing keys and details per
    /// resource under `ResourceSpecificResults`.
    pub specific: bool,
}

/// The `EvalDecisionDetails` key of each policy type.
fn detail_key(ty: PolicyType) -> &'static str {
    match ty {
        PolicyType::Identity => "IAM Policy",
        PolicyType::PermissionsBoundary => "Permissions Boundary Policy",
        PolicyType::Session => "Session Policy",
        PolicyType::ResourceBased => "Resource Policy",
        PolicyType::ServiceControl => "Service Control Policy",
        PolicyType::ResourceControl => "Resource Control Policy",
    }
}

/// The account that owns `resource`: the account field of its ARN if it has one, else
/// `ResourceOwner`, else the caller's.
pub fn resource_account<'a>(resource: &'a str, owner: Option<&'a str>) -> Option<&'a str> {
    let from_arn = resource
        .strip_prefix("arn:")
        .and_then(|r| r.split(':').nth(3))
        .filter(|a| portcullis_model::is_account_id(a));
    from_arn.or(owner)
}

/// Decides one request and explains it.
pub fn simulate_one(p: &Policies, sc: &Scenario<'_>, action: &str, resource: &str) -> Outcome {
    let identity: Vec<_> = p.identity.iter().collect();
    let set = PolicySet {
        identity_policies: &identity,
        permissions_boundary: p.boundary.as_ref(),
        resource_policy: p.resource.as_ref(),
        ..PolicySet::default()
    };
    let resource_account = resource_account(resource, sc.resource_owner);
    let req = Request {
        principal: sc.principal,
        action,
        resource,
        resource_account,
        context: sc.context,
    };
    let why: Evaluation = portcullis_policy::explain(&set, &req);
    debug_assert_eq!(why.decision, portcullis_policy::evaluate(&set, &req));
    let cross_account = resource_account.is_some_and(|a| a != sc.principal.account);
    // The statements that determine the result: for an explicit deny only the deny
    // statements (AWS: "the deny statement is the only entry included"); for an allow the
    // allow statements of every policy type that took part; for an implicit deny none, as no
    // statement decided it.
    let want = match why.decision {
        Decision::ExplicitDeny => Some(Effect::Deny),
        Decision::Allow => Some(Effect::Allow),
        Decision::ImplicitDeny => None,
    };
    let matched = why
        .matched
        .iter()
        .filter(|m| Some(m.effect) == want)
        .map(|m| {
            let (source_id, source_type) = match p.label(&m.policy_id) {
                Some(l) => (l.source_id.clone(), l.source_type),
                None => (m.policy_id.clone(), super::sources::source_type::NONE),
            };
            Matched {
                source_id,
                source_type,
                start: m.start,
                end: m.end,
            }
        })
        .collect();
    let details = if cross_account {
        why.per_type
            .iter()
            .map(|t| (detail_key(t.policy_type), t.decision))
            .collect()
    } else {
        Vec::new()
    };
    Outcome {
        decision: why.decision,
        matched,
        missing: why.missing_context_keys.clone(),
        details,
        cross_account,
        boundary_allowed: why
            .decision_for(PolicyType::PermissionsBoundary)
            .map(Decision::is_allowed),
        organizations_allowed: why
            .decision_for(PolicyType::ServiceControl)
            .map(Decision::is_allowed),
    }
}

/// Every action against every resource, in request order (actions outer, as AWS lists them).
pub fn simulate_all(
    p: &Policies,
    sc: &Scenario<'_>,
    actions: &[String],
    resources: &[String],
) -> Vec<EvalResult> {
    let mut out = Vec::with_capacity(actions.len() * resources.len());
    for action in actions {
        for resource in resources {
            out.push(EvalResult {
                action: action.clone(),
                resource: resource.clone(),
                outcome: simulate_one(p, sc, action, resource),
                specific: resource != "*",
            });
        }
    }
    out
}

fn write_position(out: &mut ResponseWriter, name: &str, p: Position) {
    out.start(name)
        .display_element("Line", p.line)
        .display_element("Column", p.column)
        .end();
}

fn write_statements(out: &mut ResponseWriter, matched: &[Matched]) {
    out.list("MatchedStatements", matched, |w, m| {
        w.element("SourcePolicyId", &m.source_id)
            .element("SourcePolicyType", m.source_type);
        write_position(w, "StartPosition", m.start);
        write_position(w, "EndPosition", m.end);
    });
}

fn write_boundary(out: &mut ResponseWriter, o: &Outcome) {
    if let Some(allowed) = o.boundary_allowed {
        out.start("PermissionsBoundaryDecisionDetail")
            .bool_element("AllowedByPermissionsBoundary", allowed)
            .end();
    }
}

fn write_details(out: &mut ResponseWriter, o: &Outcome) {
    out.map(
        "EvalDecisionDetails",
        o.details.iter().map(|(k, d)| (*k, d.as_str())),
    );
}

/// Writes one `EvaluationResults` member.
pub fn write_result(out: &mut ResponseWriter, r: &EvalResult) {
    let o = &r.outcome;
    out.element("EvalActionName", &r.action)
        .element("EvalResourceName", &r.resource)
        .element("EvalDecision", o.decision.as_str());
    write_statements(out, &o.matched);
    // Missing keys go under ResourceSpecificResults when the resource is named.
    let top_missing: &[String] = if r.specific { &[] } else { &o.missing };
    out.string_list("MissingContextValues", top_missing);
    if let Some(allowed) = o.organizations_allowed {
        out.start("OrganizationsDecisionDetail")
            .bool_element("AllowedByOrganizations", allowed)
            .end();
    }
    write_boundary(out, o);
    // Absent for `*` within one account; present (empty unless cross-account) otherwise.
    if r.specific || o.cross_account {
        write_details(out, o);
    }
    if r.specific {
        out.list("ResourceSpecificResults", [r], |w, r| {
            let o = &r.outcome;
            w.element("EvalResourceName", &r.resource)
                .element("EvalResourceDecision", o.decision.as_str());
            write_statements(w, &o.matched);
            w.string_list("MissingContextValues", &o.missing);
            if o.cross_account {
                write_details(w, o);
            }
            write_boundary(w, o);
        });
    }
}
