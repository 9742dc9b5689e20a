//! The authorization decision (UG:reference_policies_evaluation-logic,
//! UG:reference_policies_evaluation-logic_policy-eval-denyallow,
//! UG:reference_policies_evaluation-logic-cross-account, UG:access_policies_boundaries,
//! ORG:orgs_manage_policies_scps_evaluation, ORG:orgs_manage_policies_rcps_evaluation; POLICY-SPEC A7).
//!
//! 1. An explicit Deny in any applicable policy wins.
//! 2. Every RCP level and every SCP level (root → OUs → account) needs an Allow.
//! 3. A resource-based-policy Allow is limited according to which principal it names:
//!    the caller itself or `*` — not limited; the role of a session / the user of a federated
//!    session — limited by boundary and session policies; the account — delegation only.
//! 4. Otherwise identity policies must allow, within the boundary and the session policies.
//!    A federated-user session without session policies gets nothing.
//! 5. Cross-account: the identity side and the resource policy must both allow.
//!
//! The account root user is implicitly allowed in its own account (still subject to 1 and 2).

use crate::compile::{CompiledPolicy, Outcome, PolicyType};
use crate::principal::Level;
use crate::request::{Prepared, PrincipalKind, Request};
use crate::trace::{NoTrace, Tracer};

/// The final answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    /// No applicable Allow (or a required one missing): denied by default.
    ImplicitDeny,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }

    /// IAM simulator spelling: `allowed`, `explicitDeny`, `implicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// Every policy that applies to one request, grouped by role in the evaluation.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicySet<'a> {
    /// SCPs of the principal's account: one slice per level, root → OU… → account.
    /// An empty outer slice means "not in an organization" (or the management account).
    pub scps: &'a [&'a [&'a CompiledPolicy]],
    /// RCPs of the resource's account, same shape as `scps`.
    pub rcps: &'a [&'a [&'a CompiledPolicy]],
    /// The resource-based policy (bucket policy, trust policy, key policy, …).
    pub resource_policy: Option<&'a CompiledPolicy>,
    /// True for role trust policies and KMS key policies: the resource policy itself must allow;
    /// identity policies alone never suffice.
    pub resource_policy_must_allow: bool,
    pub permissions_boundary: Option<&'a CompiledPolicy>,
    /// Session policies passed when the session was created; `None` (or empty) if none were.
    pub session_policies: Option<&'a [&'a CompiledPolicy]>,
    /// All identity-based policies: user inline + attached managed + every group's; or role's.
    pub identity_policies: &'a [&'a CompiledPolicy],
}

/// Per-type result, computed for `explain` (simulator `EvalDecisionDetails`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Gates {
    pub rcp: Option<(bool, bool)>,
    pub scp: Option<(bool, bool)>,
    pub resource: Option<Outcome>,
    pub boundary: Option<Outcome>,
    pub session: Option<(bool, bool)>,
    pub identity: Option<(bool, bool)>,
}

/// The result of [`decide`], with the policy type that settled it.
pub(crate) struct Decided {
    pub decision: Decision,
    pub decisive: Option<PolicyType>,
    pub gates: Gates,
}

/// Evaluates the levels of an SCP/RCP hierarchy: (every level allows, some policy denies).
/// Once one policy of a level allows, the others of that level are only asked for a Deny.
fn org_levels<T: Tracer>(
    levels: &[&[&CompiledPolicy]],
    req: &Prepared<'_>,
    hb: bool,
    t: &mut T,
) -> (bool, bool) {
    let (mut all_levels, mut deny) = (true, false);
    for level in levels {
        let mut level_allows = false;
        for p in level.iter() {
            let o = p.evaluate(req, hb, !level_allows, t);
            level_allows |= o.allow;
            deny |= o.deny;
            if deny && !T::FULL {
                return (false, true);
            }
        }
        all_levels &= level_allows;
    }
    (all_levels, deny)
}

/// (some policy allows, some policy denies) over a flat list. Once one policy allows, the
/// rest are only asked for a Deny.
fn any_of<T: Tracer>(
    policies: &[&CompiledPolicy],
    req: &Prepared<'_>,
    hb: bool,
    t: &mut T,
) -> (bool, bool) {
    let (mut allow, mut deny) = (false, false);
    for p in policies {
        let o = p.evaluate(req, hb, !allow, t);
        allow |= o.allow;
        deny |= o.deny;
        if deny && !T::FULL {
            break;
        }
    }
    (allow, deny)
}

/// The shared decision routine behind [`evaluate`] and [`crate::explain`].
pub(crate) fn decide<T: Tracer>(set: &PolicySet<'_>, req: &Request<'_>, t: &mut T) -> Decided {
    let prep = &Prepared::new(req);
    let hb = set.permissions_boundary.is_some();
    let mut g = Gates::default();
    let mut first_deny: Option<PolicyType> = None;
    macro_rules! deny_check {
        ($denied:expr, $ty:expr) => {
            if $denied {
                first_deny.get_or_insert($ty);
                if !T::FULL {
                    return Decided {
                        decision: Decision::ExplicitDeny,
                        decisive: first_deny,
                        gates: g,
                    };
                }
            }
        };
    }
    if !set.rcps.is_empty() {
        let r = org_levels(set.rcps, prep, hb, t);
        g.rcp = Some(r);
        deny_check!(r.1, PolicyType::ResourceControl);
    }
    if !set.scps.is_empty() {
        let r = org_levels(set.scps, prep, hb, t);
        g.scp = Some(r);
        deny_check!(r.1, PolicyType::ServiceControl);
    }
    if let Some(p) = set.resource_policy {
        let o = p.evaluate(prep, hb, true, t);
        g.resource = Some(o);
        deny_check!(o.deny, PolicyType::ResourceBased);
    }
    if let Some(p) = set.permissions_boundary {
        let o = p.evaluate(prep, hb, true, t);
        g.boundary = Some(o);
        deny_check!(o.deny, PolicyType::PermissionsBoundary);
    }
    let sessions = set.session_policies.filter(|s| !s.is_empty());
    if let Some(s) = sessions {
        let r = any_of(s, prep, hb, t);
        g.session = Some(r);
        deny_check!(r.1, PolicyType::Session);
    }
    if !set.identity_policies.is_empty() {
        let r = any_of(set.identity_policies, prep, hb, t);
        g.identity = Some(r);
        deny_check!(r.1, PolicyType::Identity);
    }
    if first_deny.is_some() {
        return Decided {
            decision: Decision::ExplicitDeny,
            decisive: first_deny,
            gates: g,
        };
    }

    let implicit = |ty: PolicyType, g: Gates| Decided {
        decision: Decision::ImplicitDeny,
        decisive: Some(ty),
        gates: g,
    };
    if g.rcp.is_some_and(|r| !r.0) {
        return implicit(PolicyType::ResourceControl, g);
    }
    if g.scp.is_some_and(|r| !r.0) {
        return implicit(PolicyType::ServiceControl, g);
    }

    let kind = req.principal.kind;
    let root = kind == PrincipalKind::Root;
    let grant = g.resource.and_then(|o| o.grant);
    let identity_allow = root || g.identity.is_some_and(|r| r.0);
    let boundary_ok = root || g.boundary.is_none_or(|o| o.allow);
    let session_ok = root
        || g.session
            .map_or(kind != PrincipalKind::FederatedUser, |r| r.0);
    // Which gate failed on the identity side, for the trace.
    let identity_gate = if !boundary_ok {
        PolicyType::PermissionsBoundary
    } else if !session_ok {
        PolicyType::Session
    } else {
        PolicyType::Identity
    };
    let identity_side = identity_allow && boundary_ok && session_ok;

    let (allowed, decisive) = match kind {
        PrincipalKind::Service(_) | PrincipalKind::Anonymous => {
            (grant.is_some(), PolicyType::ResourceBased)
        }
        _ if req.is_cross_account() => {
            if !identity_side {
                (false, identity_gate)
            } else {
                (grant.is_some(), PolicyType::ResourceBased)
            }
        }
        _ => match grant {
            // A trust or key policy naming an IAM user still leaves the user's boundary in force
            // (UG:id_roles_update-role-trust-policy).
            Some(Level::Itself)
                if !(set.resource_policy_must_allow && kind == PrincipalKind::User) =>
            {
                (true, PolicyType::ResourceBased)
            }
            Some(Level::Itself | Level::Parent) => {
                if boundary_ok && session_ok {
                    (true, PolicyType::ResourceBased)
                } else {
                    (false, identity_gate)
                }
            }
            Some(Level::Account) => (identity_side, identity_gate),
            None if set.resource_policy_must_allow => (false, PolicyType::ResourceBased),
            None => (identity_side, identity_gate),
        },
    };
    if allowed {
        Decided {
            decision: Decision::Allow,
            decisive: if root && grant.is_none() {
                None
            } else {
                Some(decisive)
            },
            gates: g,
        }
    } else {
        implicit(decisive, g)
    }
}

/// Decides `req` against `set`. Allocation-free; use [`crate::explain`] for the why.
pub fn evaluate(set: &PolicySet<'_>, req: &Request<'_>) -> Decision {
    decide(set, req, &mut NoTrace).decision
}
