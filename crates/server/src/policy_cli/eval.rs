//! `portcullis policy eval`: one request against policy files, decided by
//! [`portcullis_policy::explain`] — the same routine the server's authorizer uses.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use portcullis_policy::{
    explain, CompiledPolicy, Evaluation, PolicySet, PolicySource, PolicyType, Request,
};
use serde_json::{json, Value};

use super::request::{self, OwnedRequest, RequestArgs};
use super::{emit, json_text, type_name, CliError, Kind, Quota, Reader};

/// `portcullis policy eval` flags.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    portcullis policy eval --identity admin.json --boundary boundary.json \\\n    \
      --action s3:GetObject --resource arn:aws:s3:::bucket/key\n  \
    portcullis policy eval --identity p.json --action ec2:RunInstances \\\n    \
      --context aws:RequestedRegion=eu-west-1 --context 'aws:TagKeys=[Team,Project]'\n\n\
    Policies are identified in the output by their file name. Each policy is checked as IAM \
    would check it when stored (identity, boundary: managed quota; session: session quota; \
    trust: trust quota; scp/rcp: 5,120 characters); a rejected policy is an error (exit 2).")]
pub struct EvalArgs {
    /// An identity-based policy of the caller (repeatable).
    #[arg(long, value_name = "FILE")]
    identity: Vec<PathBuf>,
    /// The caller's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// A session policy (repeatable).
    #[arg(long, value_name = "FILE")]
    session: Vec<PathBuf>,
    /// The resource-based policy of the resource.
    #[arg(long, value_name = "FILE", conflicts_with = "trust_policy")]
    resource_policy: Option<PathBuf>,
    /// A role trust policy as the resource policy: it must allow by itself (for sts:AssumeRole*).
    #[arg(long, value_name = "FILE")]
    trust_policy: Option<PathBuf>,
    /// An SCP of the caller's account (repeatable; each one is one level, root → OUs → account,
    /// and every level must allow).
    #[arg(long, value_name = "FILE")]
    scp: Vec<PathBuf>,
    /// An RCP of the resource's account (repeatable; each one is one level, like --scp).
    #[arg(long, value_name = "FILE")]
    rcp: Vec<PathBuf>,
    #[command(flatten)]
    request: RequestArgs,
    /// Print the decision and trace as JSON.
    #[arg(long)]
    json: bool,
}

/// Compiled policies, by role in the evaluation.
#[derive(Default)]
struct Loaded {
    identity: Vec<CompiledPolicy>,
    boundary: Option<CompiledPolicy>,
    session: Vec<CompiledPolicy>,
    resource: Option<CompiledPolicy>,
    scps: Vec<[CompiledPolicy; 1]>,
    rcps: Vec<[CompiledPolicy; 1]>,
}

pub(super) fn run(args: &EvalArgs) -> Result<ExitCode, CliError> {
    let mut reader = Reader::default();
    let req = request::build(&args.request, &mut reader)?;
    let mut load = |path: &PathBuf, kind: Kind, quota: Quota, ty: PolicyType| {
        reader
            .policy(path, kind, quota)
            .map(|(id, p)| p.compile(PolicySource::new(id, ty)))
    };
    let mut l = Loaded::default();
    for p in &args.identity {
        l.identity.push(load(
            p,
            Kind::Identity,
            Quota::Managed,
            PolicyType::Identity,
        )?);
    }
    if let Some(p) = &args.boundary {
        let ty = PolicyType::PermissionsBoundary;
        l.boundary = Some(load(p, Kind::Identity, Quota::Managed, ty)?);
    }
    for p in &args.session {
        l.session.push(load(
            p,
            Kind::Identity,
            Quota::Session,
            PolicyType::Session,
        )?);
    }
    if let Some(p) = &args.resource_policy {
        let ty = PolicyType::ResourceBased;
        l.resource = Some(load(p, Kind::Resource, Quota::None, ty)?);
    }
    if let Some(p) = &args.trust_policy {
        let ty = PolicyType::ResourceBased;
        l.resource = Some(load(p, Kind::RoleTrust, Quota::Trust, ty)?);
    }
    for p in &args.scp {
        l.scps
            .push([load(p, Kind::Scp, Quota::Scp, PolicyType::ServiceControl)?]);
    }
    for p in &args.rcp {
        l.rcps
            .push([load(p, Kind::Rcp, Quota::Rcp, PolicyType::ResourceControl)?]);
    }

    let evaluation = decide(&l, &req, args.trust_policy.is_some());
    let out = if args.json {
        json_text(&to_json(&evaluation, &req))
    } else {
        to_text(&evaluation, &req)
    };
    emit(&out);
    Ok(if evaluation.decision.is_allowed() {
        super::EXIT_OK
    } else {
        super::EXIT_NO
    })
}

fn decide(l: &Loaded, req: &OwnedRequest, trust: bool) -> Evaluation {
    let identity: Vec<&CompiledPolicy> = l.identity.iter().collect();
    let session: Vec<&CompiledPolicy> = l.session.iter().collect();
    let (scp_levels, rcp_levels) = (levels(&l.scps), levels(&l.rcps));
    let scps: Vec<&[&CompiledPolicy]> = scp_levels.iter().map(|l| l.as_slice()).collect();
    let rcps: Vec<&[&CompiledPolicy]> = rcp_levels.iter().map(|l| l.as_slice()).collect();
    let set = PolicySet {
        scps: &scps,
        rcps: &rcps,
        resource_policy: l.resource.as_ref(),
        resource_policy_must_allow: trust,
        permissions_boundary: l.boundary.as_ref(),
        session_policies: (!session.is_empty()).then_some(session.as_slice()),
        identity_policies: &identity,
    };
    let context = req.engine_context();
    let request = Request {
        principal: req.principal(),
        action: &req.action,
        resource: &req.resource,
        resource_account: req.resource_account.as_deref(),
        context: &context,
    };
    explain(&set, &request)
}

/// One policy per organization level, borrowed as the engine wants it.
fn levels(v: &[[CompiledPolicy; 1]]) -> Vec<[&CompiledPolicy; 1]> {
    v.iter().map(|[p]| [p]).collect()
}

fn decisive(e: &Evaluation) -> &'static str {
    e.decisive
        .map_or("none (the root user's implicit allow)", type_name)
}

fn to_text(e: &Evaluation, req: &OwnedRequest) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "decision: {}", e.decision.as_str());
    let _ = writeln!(s, "decisive policy type: {}", decisive(e));
    let _ = writeln!(
        s,
        "request: {} {} on {}{}",
        req.caller_label(),
        req.action,
        req.resource,
        req.resource_account
            .as_deref()
            .map(|a| format!(" (account {a})"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "context: {}", req.context_text());
    s.push_str("matched statements:");
    if e.matched.is_empty() {
        s.push_str(" none");
    }
    s.push('\n');
    for m in &e.matched {
        let _ = writeln!(
            s,
            "  {:<8} {} {} {} {}:{}-{}:{}",
            type_name(m.policy_type),
            m.policy_id,
            m.sid
                .as_deref()
                .map_or("(no Sid)".to_string(), |sid| format!("Sid={sid}")),
            m.effect.as_str(),
            m.start.line,
            m.start.column,
            m.end.line,
            m.end.column
        );
    }
    let missing = if e.missing_context_keys.is_empty() {
        "none".to_string()
    } else {
        e.missing_context_keys.join(", ")
    };
    let _ = writeln!(s, "missing context keys: {missing}");
    s.push_str("decision per policy type:");
    if e.per_type.is_empty() {
        s.push_str(" none (no policies)");
    }
    s.push('\n');
    for t in &e.per_type {
        let _ = writeln!(
            s,
            "  {:<8} {}",
            type_name(t.policy_type),
            t.decision.as_str()
        );
    }
    s
}

fn to_json(e: &Evaluation, req: &OwnedRequest) -> Value {
    let pos = |p: portcullis_policy::Position| json!({ "line": p.line, "column": p.column });
    json!({
        "decision": e.decision.as_str(),
        "allowed": e.decision.is_allowed(),
        "decisivePolicyType": e.decisive.map(type_name),
        "matchedStatements": e.matched.iter().map(|m| json!({
            "policyId": m.policy_id,
            "policyType": type_name(m.policy_type),
            "sid": m.sid,
            "effect": m.effect.as_str(),
            "start": pos(m.start),
            "end": pos(m.end),
        })).collect::<Vec<_>>(),
        "missingContextKeys": e.missing_context_keys,
        "policyTypeDecisions": e.per_type.iter().map(|t| json!({
            "policyType": type_name(t.policy_type),
            "decision": t.decision.as_str(),
        })).collect::<Vec<_>>(),
        "request": req.to_json(),
    })
}
