//! Authorization of API calls: the server asks its own policy engine, as AWS does, whether
//! the caller may perform `service:Operation` on the resource the operation acts on.
//!
//! Reads only the immutable snapshot; never the database.

use portcullis_policy::{
    Context, ContextValue, Decision, PolicySet, PolicyType, Principal, Request,
};
use portcullis_protocol::AwsError;
use time::format_description::well_known::Rfc3339;

use crate::caller::{Caller, CallerKind};
use crate::entity::PolicyDoc;
use crate::state::State;

/// The policies that apply to a principal: its identity policies and its boundary.
#[derive(Default, Clone)]
pub struct PrincipalPolicies {
    /// User inline + attached managed + each group's inline and attached managed policies.
    pub identity: Vec<PolicyDoc>,
    /// The permissions boundary, if one is set.
    pub boundary: Option<PolicyDoc>,
}

/// Why a permissions boundary that names a missing policy still denies: fail closed.
const MISSING_BOUNDARY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

impl PrincipalPolicies {
    /// Collects the policies of IAM user `name` in `account`.
    pub fn for_user(state: &State, account: &str, name: &str) -> PrincipalPolicies {
        let mut out = PrincipalPolicies::default();
        let Some(acct) = state.account(account) else {
            return out;
        };
        let Some(user) = acct.user(name) else {
            return out;
        };
        out.identity.extend(user.inline_policies.values().cloned());
        let mut attached: Vec<&str> = user.attached_policies.iter().map(String::as_str).collect();
        for g in &user.groups {
            if let Some(group) = acct.groups.get(g) {
                out.identity.extend(group.inline_policies.values().cloned());
                attached.extend(group.attached_policies.iter().map(String::as_str));
            }
        }
        for arn in attached {
            if let Some(doc) = state
                .managed_policy(account, arn)
                .and_then(|p| p.default_document().cloned())
            {
                out.identity.push(doc);
            }
        }
        if let Some(b) = &user.permissions_boundary {
            out.boundary = state
                .managed_policy(account, b)
                .and_then(|p| p.default_document().cloned())
                .or_else(|| {
                    PolicyDoc::new(
                        MISSING_BOUNDARY,
                        portcullis_policy::PolicyKind::Identity,
                        b,
                        PolicyType::PermissionsBoundary,
                    )
                    .ok()
                });
        }
        out
    }

    /// Collects the policies of role `name` in `account`.
    pub fn for_role(state: &State, account: &str, name: &str) -> PrincipalPolicies {
        let mut out = PrincipalPolicies::default();
        let Some(role) = state.account(account).and_then(|a| a.role(name)) else {
            return out;
        };
        out.identity.extend(role.inline_policies.values().cloned());
        for arn in &role.attached_policies {
            if let Some(doc) = state
                .managed_policy(account, arn)
                .and_then(|p| p.default_document().cloned())
            {
                out.identity.push(doc);
            }
        }
        out.boundary = boundary(state, account, role.permissions_boundary.as_deref());
        out
    }

    /// The policies of the caller (root has none: it is allowed by being root).
    pub fn for_caller(state: &State, caller: &Caller) -> PrincipalPolicies {
        match &caller.kind {
            CallerKind::Root => PrincipalPolicies::default(),
            CallerKind::User { name } => Self::for_user(state, &caller.account, name),
            CallerKind::AssumedRole { role_name, .. } => {
                Self::for_role(state, &caller.account, role_name)
            }
        }
    }
}

/// The boundary document named by `arn`; one that denies everything if the policy is gone.
fn boundary(state: &State, account: &str, arn: Option<&str>) -> Option<PolicyDoc> {
    let b = arn?;
    state
        .managed_policy(account, b)
        .and_then(|p| p.default_document().cloned())
        .or_else(|| {
            PolicyDoc::new(
                MISSING_BOUNDARY,
                portcullis_policy::PolicyKind::Identity,
                b,
                PolicyType::PermissionsBoundary,
            )
            .ok()
        })
}

/// The global condition keys AWS puts in every request context (POLICY-SPEC A6 table).
pub fn request_context(state: &State, caller: &Caller) -> Context {
    let mut ctx = Context::new();
    let r = &caller.request;
    if let Ok(t) = r.time.format(&Rfc3339) {
        ctx.insert("aws:CurrentTime", ContextValue::from(t));
    }
    ctx.insert(
        "aws:EpochTime",
        ContextValue::from(r.time.unix_timestamp().to_string()),
    );
    ctx.insert(
        "aws:SecureTransport",
        ContextValue::from(if r.secure_transport { "true" } else { "false" }),
    );
    ctx.insert("aws:ViaAWSService", ContextValue::from("false"));
    ctx.insert("aws:RequestedRegion", ContextValue::from(r.region.clone()));
    if let Some(ip) = r.source_ip {
        ctx.insert("aws:SourceIp", ContextValue::from(ip.to_string()));
    }
    if let Some(ua) = &r.user_agent {
        ctx.insert("aws:UserAgent", ContextValue::from(ua.clone()));
    }
    ctx.insert(
        "aws:PrincipalAccount",
        ContextValue::from(caller.account.clone()),
    );
    ctx.insert("aws:PrincipalArn", ContextValue::from(caller.arn.clone()));
    ctx.insert("aws:userid", ContextValue::from(caller.user_id.clone()));
    let mut tags: Vec<(String, String)> = Vec::new();
    match &caller.kind {
        CallerKind::Root => {
            ctx.insert("aws:PrincipalType", ContextValue::from("Account"));
        }
        CallerKind::AssumedRole {
            role_name,
            role_arn,
            ..
        } => {
            ctx.insert("aws:PrincipalType", ContextValue::from("AssumedRole"));
            // aws:PrincipalArn of a role session is the role's ARN (with its path).
            ctx.insert("aws:PrincipalArn", ContextValue::from(role_arn.clone()));
            if let Some(r) = state
                .account(&caller.account)
                .and_then(|a| a.role(role_name))
            {
                tags.extend(r.tags.iter().map(|t| (t.key.clone(), t.value.clone())));
            }
        }
        CallerKind::User { name } => {
            ctx.insert("aws:PrincipalType", ContextValue::from("User"));
            ctx.insert("aws:username", ContextValue::from(name.clone()));
            if let Some(u) = state.account(&caller.account).and_then(|a| a.user(name)) {
                tags.extend(u.tags.iter().map(|t| (t.key.clone(), t.value.clone())));
            }
        }
    }
    if let Some(s) = &caller.session {
        session_context(&mut ctx, &mut tags, s, r.time);
    }
    for (k, v) in tags {
        ctx.insert(&format!("aws:PrincipalTag/{k}"), ContextValue::from(v));
    }
    ctx
}

/// What temporary credentials add to the context: session tags (overriding the principal's
/// tags of the same key, case-insensitively), `aws:TokenIssueTime`, MFA and source identity.
fn session_context(
    ctx: &mut Context,
    tags: &mut Vec<(String, String)>,
    s: &crate::session::SessionClaims,
    now: time::OffsetDateTime,
) {
    for (k, v) in &s.tags {
        tags.retain(|(tk, _)| !tk.eq_ignore_ascii_case(k));
        tags.push((k.clone(), v.clone()));
    }
    if let Some(t) = time::OffsetDateTime::from_unix_timestamp(s.issued)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
    {
        ctx.insert("aws:TokenIssueTime", ContextValue::from(t));
    }
    let mfa = if s.mfa_time.is_some() {
        "true"
    } else {
        "false"
    };
    ctx.insert("aws:MultiFactorAuthPresent", ContextValue::from(mfa));
    if let Some(m) = s.mfa_time {
        let age = (now.unix_timestamp() - m).max(0);
        ctx.insert(
            "aws:MultiFactorAuthAge",
            ContextValue::from(age.to_string()),
        );
    }
    if let Some(si) = &s.source_identity {
        ctx.insert("aws:SourceIdentity", ContextValue::from(si.clone()));
    }
}

/// The principal as the policy engine sees it.
pub fn engine_principal(caller: &Caller) -> Principal<'_> {
    match &caller.kind {
        CallerKind::Root => Principal::root(&caller.arn, &caller.account),
        CallerKind::User { .. } => {
            Principal::user(&caller.arn, &caller.account).with_unique_id(&caller.user_id)
        }
        CallerKind::AssumedRole {
            role_arn, role_id, ..
        } => {
            Principal::assumed_role(&caller.arn, role_arn, &caller.account).with_unique_id(role_id)
        }
    }
}

/// A resource-based policy taking part in a decision (a role's trust policy for AssumeRole).
pub struct ResourcePolicy<'a> {
    pub policy: &'a portcullis_policy::CompiledPolicy,
    /// The account that owns the resource.
    pub account: &'a str,
    /// Role trust policies must allow by themselves (an identity-policy allow is not enough).
    pub must_allow: bool,
}

/// Decides whether `caller` may perform `action` on `resource` (owned by the caller's
/// account); `extra` adds request-specific condition keys (e.g. `aws:RequestTag/…`).
pub fn authorize(
    state: &State,
    caller: &Caller,
    action: &str,
    resource: &str,
    extra: &[(&str, ContextValue)],
) -> Result<(), AwsError> {
    authorize_resource(state, caller, action, resource, None, extra)
}

/// [`authorize`] with a resource-based policy, possibly of another account.
pub fn authorize_resource(
    state: &State,
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_policy: Option<ResourcePolicy<'_>>,
    extra: &[(&str, ContextValue)],
) -> Result<(), AwsError> {
    let policies = PrincipalPolicies::for_caller(state, caller);
    let identity: Vec<&portcullis_policy::CompiledPolicy> =
        policies.identity.iter().map(|d| d.compiled()).collect();
    let session: Vec<&portcullis_policy::CompiledPolicy> = caller
        .session_policies
        .iter()
        .map(|d| d.compiled())
        .collect();
    let set = PolicySet {
        identity_policies: &identity,
        permissions_boundary: policies.boundary.as_ref().map(|d| d.compiled()),
        session_policies: caller
            .session
            .as_ref()
            .filter(|s| s.has_session_policies())
            .map(|_| session.as_slice()),
        resource_policy: resource_policy.as_ref().map(|r| r.policy),
        resource_policy_must_allow: resource_policy.as_ref().is_some_and(|r| r.must_allow),
        ..PolicySet::default()
    };
    let mut context = request_context(state, caller);
    for (k, v) in extra {
        context.insert(k, v.clone());
    }
    let request = Request {
        principal: engine_principal(caller),
        action,
        resource,
        resource_account: Some(
            resource_policy
                .as_ref()
                .map_or(caller.account.as_str(), |r| r.account),
        ),
        context: &context,
    };
    if portcullis_policy::evaluate(&set, &request) == Decision::Allow {
        return Ok(());
    }
    let why = portcullis_policy::explain(&set, &request);
    Err(AwsError::access_denied(denial_message(
        caller,
        action,
        resource,
        why.decision,
        why.decisive,
    )))
}

/// AWS's AccessDenied wording, naming the policy type that decided.
pub fn denial_message(
    caller: &Caller,
    action: &str,
    resource: &str,
    decision: Decision,
    decisive: Option<PolicyType>,
) -> String {
    let head = format!(
        "{}: {} is not authorized to perform: {action} on resource: {resource}",
        caller.principal_label(),
        caller.arn
    );
    let (article, kind) = match decisive.unwrap_or(PolicyType::Identity) {
        PolicyType::Identity => ("an", "identity-based policy"),
        PolicyType::PermissionsBoundary => ("a", "permissions boundary"),
        PolicyType::Session => ("a", "session policy"),
        PolicyType::ResourceBased => ("a", "resource-based policy"),
        PolicyType::ServiceControl => ("a", "service control policy"),
        PolicyType::ResourceControl => ("a", "resource control policy"),
    };
    match decision {
        Decision::ExplicitDeny => format!("{head} with an explicit deny in {article} {kind}"),
        _ => format!("{head} because no {kind} allows the {action} action"),
    }
}
