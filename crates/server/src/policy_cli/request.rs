//! The request side of `portcullis policy eval`: from flags or a `--request` JSON file to the
//! engine's [`Request`], with the principal-derived context keys AWS adds for every caller
//! (POLICY-SPEC A6, "Principal key values").

use std::path::PathBuf;

use clap::Args;
use portcullis_policy::{Context, ContextValue, Principal, PrincipalKind};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{CliError, Reader};

const DEFAULT_PRINCIPAL: &str = "arn:aws:iam::123456789012:user/alice";

/// Request flags of `portcullis policy eval`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The whole request as JSON instead of the flags below: {"principal": {"arn"|"service"|
    /// "anonymous", "roleArn", "userArn"}, "action", "resource", "resourceAccount",
    /// "context": {KEY: string | number | boolean | [strings]}}.
    #[arg(long, value_name = "FILE.json", conflicts_with_all = [
        "principal_arn", "role_arn", "user_arn", "service", "anonymous", "action", "resource",
        "resource_account", "context",
    ])]
    pub request: Option<PathBuf>,
    /// The caller [default: arn:aws:iam::123456789012:user/alice]. Its form gives its kind:
    /// arn:aws:iam::ACCOUNT:root, …:user/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION,
    /// arn:aws:sts::ACCOUNT:federated-user/NAME. The context gets the keys AWS derives from
    /// the caller: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username
    /// (users), aws:userid (root, federated users; others only via --context).
    #[arg(long, value_name = "ARN", conflicts_with_all = ["service", "anonymous"])]
    principal_arn: Option<String>,
    /// For an assumed-role principal: the role ARN, with its path
    /// [default: arn:aws:iam::ACCOUNT:role/ROLE].
    #[arg(long, value_name = "ARN")]
    role_arn: Option<String>,
    /// For a federated-user principal: the IAM user that called GetFederationToken.
    #[arg(long, value_name = "ARN")]
    user_arn: Option<String>,
    /// The caller is an AWS service principal, such as ec2.amazonaws.com.
    #[arg(long, value_name = "NAME", conflicts_with = "anonymous")]
    service: Option<String>,
    /// The caller is anonymous (unsigned request).
    #[arg(long)]
    anonymous: bool,
    /// The action, as service:Action.
    #[arg(long, required_unless_present = "request")]
    action: Option<String>,
    /// The resource ARN [default: *].
    #[arg(long, value_name = "ARN")]
    resource: Option<String>,
    /// The account owning the resource, when not the caller's (makes the request cross-account).
    #[arg(long, value_name = "ID")]
    resource_account: Option<String>,
    /// A context key (repeatable). KEY=VALUE is single-valued; KEY=[V1,V2] (brackets, commas,
    /// spaces around items ignored) is multi-valued, KEY=[] an empty list. Values are text; the
    /// engine reads numbers, dates, IPs and booleans from it as the condition operator needs.
    /// Overrides the keys derived from the principal.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_context)]
    context: Vec<(String, ContextValue)>,
}

/// The caller, owned, in the shape the engine borrows.
#[derive(Debug)]
pub(super) struct Caller {
    kind: CallerKind,
    arn: String,
    account: String,
    role_arn: Option<String>,
    user_arn: Option<String>,
    unique_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CallerKind {
    Root,
    User { name: String },
    AssumedRole,
    FederatedUser { name: String },
    Service(String),
    Anonymous,
}

/// A request ready to be lent to the engine.
#[derive(Debug)]
pub(super) struct OwnedRequest {
    pub caller: Caller,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<String>,
    /// Every context key, derived ones first, as it will be evaluated (for the output).
    pub context: Vec<(String, ContextValue)>,
}

impl OwnedRequest {
    pub fn principal(&self) -> Principal<'_> {
        let c = &self.caller;
        let p = match &c.kind {
            CallerKind::Root => Principal::root(&c.arn, &c.account),
            CallerKind::User { .. } => Principal::user(&c.arn, &c.account),
            CallerKind::AssumedRole => {
                Principal::assumed_role(&c.arn, c.role_arn.as_deref().unwrap_or(""), &c.account)
            }
            CallerKind::FederatedUser { .. } => Principal {
                user_arn: c.user_arn.as_deref(),
                ..Principal::federated_user(&c.arn, "", &c.account)
            },
            CallerKind::Service(name) => Principal::service(name),
            CallerKind::Anonymous => Principal::anonymous(),
        };
        match &c.unique_id {
            Some(id) => p.with_unique_id(id),
            None => p,
        }
    }

    pub fn engine_context(&self) -> Context {
        let mut ctx = Context::new();
        for (k, v) in &self.context {
            ctx.insert(k, v.clone());
        }
        ctx
    }

    /// The request as JSON (also what `--request` accepts).
    pub fn to_json(&self) -> Value {
        let p = self.principal();
        let principal = match p.kind {
            PrincipalKind::Service(name) => json!({ "service": name }),
            PrincipalKind::Anonymous => json!({ "anonymous": true }),
            _ => json!({ "arn": p.arn, "roleArn": p.role_arn, "userArn": p.user_arn }),
        };
        let context: Map<String, Value> = self
            .context
            .iter()
            .map(|(k, v)| (k.clone(), context_json(v)))
            .collect();
        json!({
            "principal": principal,
            "action": self.action,
            "resource": self.resource,
            "resourceAccount": self.resource_account,
            "context": context,
        })
    }

    /// `KEY=VALUE, KEY=[V1,V2]`, as `--context` spells them, for the text output.
    pub fn context_text(&self) -> String {
        let items: Vec<String> = self
            .context
            .iter()
            .map(|(k, v)| match v {
                ContextValue::Strings(items) => format!("{k}=[{}]", items.join(",")),
                ContextValue::String(s) => format!("{k}={s}"),
                ContextValue::Bool(b) => format!("{k}={b}"),
                ContextValue::Number(n) => format!("{k}={n}"),
                other => format!("{k}={other:?}"),
            })
            .collect();
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    }

    /// A short description of the caller for the text output.
    pub fn caller_label(&self) -> String {
        match &self.caller.kind {
            CallerKind::Service(n) => format!("service {n}"),
            CallerKind::Anonymous => "anonymous".to_string(),
            k => {
                let kind = match k {
                    CallerKind::Root => "root",
                    CallerKind::User { .. } => "user",
                    CallerKind::AssumedRole => "assumed-role",
                    _ => "federated-user",
                };
                format!("{kind} {}", self.caller.arn)
            }
        }
    }
}

fn context_json(v: &ContextValue) -> Value {
    match v {
        ContextValue::String(s) => json!(s),
        ContextValue::Strings(v) => json!(v),
        ContextValue::Bool(b) => json!(b),
        ContextValue::Number(n) => json!(n),
        other => json!(format!("{other:?}")),
    }
}

/// `--context` values: `KEY=VALUE` or `KEY=[V1,V2]`.
fn parse_context(s: &str) -> Result<(String, ContextValue), String> {
    let Some((key, value)) = s.split_once('=') else {
        return Err("expected KEY=VALUE or KEY=[V1,V2]".to_string());
    };
    if key.is_empty() {
        return Err("the context key is empty".to_string());
    }
    let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some("") => ContextValue::Strings(Vec::new()),
        Some(items) => {
            ContextValue::Strings(items.split(',').map(|i| i.trim().to_string()).collect())
        }
        None => ContextValue::String(value.to_string()),
    };
    Ok((key.to_string(), value))
}

/// `--request` file shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RequestFile {
    #[serde(default)]
    principal: PrincipalFile,
    action: String,
    resource: Option<String>,
    resource_account: Option<String>,
    #[serde(default)]
    context: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PrincipalFile {
    arn: Option<String>,
    role_arn: Option<String>,
    user_arn: Option<String>,
    service: Option<String>,
    #[serde(default)]
    anonymous: bool,
}

/// Builds the request from `--request` or from the flags.
pub(super) fn build(args: &RequestArgs, reader: &mut Reader) -> Result<OwnedRequest, CliError> {
    let (principal, action, resource, resource_account, user_context) = match &args.request {
        Some(path) => {
            let (file, text) = reader.read(path)?;
            let f: RequestFile = serde_json::from_str(&text)
                .map_err(|e| CliError::Request(format!("{file}: {e}")))?;
            let context = f
                .context
                .into_iter()
                .map(|(k, v)| json_context(&k, v).map(|v| (k, v)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| CliError::Request(format!("{file}: {m}")))?;
            (
                f.principal,
                f.action,
                f.resource,
                f.resource_account,
                context,
            )
        }
        None => (
            PrincipalFile {
                arn: args.principal_arn.clone(),
                role_arn: args.role_arn.clone(),
                user_arn: args.user_arn.clone(),
                service: args.service.clone(),
                anonymous: args.anonymous,
            },
            args.action.clone().unwrap_or_default(),
            args.resource.clone(),
            args.resource_account.clone(),
            args.context.clone(),
        ),
    };
    let mut caller = caller(principal).map_err(CliError::Request)?;
    let mut context = derived_context(&caller);
    for (k, v) in user_context {
        set(&mut context, k, v);
    }
    // A user-supplied aws:userid is the caller's unique id; for a role session it is
    // `ROLEID:session`, and trust policies rewritten to ids name the role id.
    caller.unique_id = context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("aws:userid"))
        .and_then(|(_, v)| match v {
            ContextValue::String(s) => Some(s.split(':').next().unwrap_or(s).to_string()),
            _ => None,
        })
        .filter(|_| {
            matches!(
                caller.kind,
                CallerKind::User { .. } | CallerKind::AssumedRole
            )
        });
    Ok(OwnedRequest {
        caller,
        action,
        resource: resource.unwrap_or_else(|| "*".to_string()),
        resource_account,
        context,
    })
}

/// Replaces `key` (case-insensitively) or appends it.
fn set(context: &mut Vec<(String, ContextValue)>, key: String, value: ContextValue) {
    match context
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(&key))
    {
        Some(slot) => *slot = (key, value),
        None => context.push((key, value)),
    }
}

fn json_context(key: &str, v: Value) -> Result<ContextValue, String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match &v {
        Value::Bool(b) => Ok(ContextValue::Bool(*b)),
        Value::Number(n) => Ok(n
            .as_f64()
            .map_or_else(|| ContextValue::String(n.to_string()), ContextValue::Number)),
        Value::String(s) => Ok(ContextValue::String(s.clone())),
        Value::Array(items) => items
            .iter()
            .map(|i| text(i).ok_or(()))
            .collect::<Result<Vec<_>, _>>()
            .map(ContextValue::Strings)
            .map_err(|()| {
                format!("context key {key}: list items must be strings, numbers or booleans")
            }),
        _ => Err(format!(
            "context key {key}: expected a string, number, boolean or list"
        )),
    }
}

/// Infers the kind of caller from its ARN (or `service`/`anonymous`).
fn caller(p: PrincipalFile) -> Result<Caller, String> {
    let bare = |kind, arn: String, account: String| Caller {
        kind,
        arn,
        account,
        role_arn: None,
        user_arn: None,
        unique_id: None,
    };
    if let Some(name) = p.service {
        return Ok(bare(
            CallerKind::Service(name),
            String::new(),
            String::new(),
        ));
    }
    if p.anonymous {
        return Ok(bare(CallerKind::Anonymous, String::new(), String::new()));
    }
    let arn = p.arn.unwrap_or_else(|| DEFAULT_PRINCIPAL.to_string());
    let unknown = || {
        format!(
            "principal {arn}: expected arn:PARTITION:iam::ACCOUNT:root, …:user/NAME, \
             arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION or …:federated-user/NAME"
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err(unknown());
    };
    if prefix != "arn" || !region.is_empty() || account.is_empty() {
        return Err(unknown());
    }
    let (partition, account) = (partition.to_string(), account.to_string());
    let mut c = match (service, resource.split('/').collect::<Vec<_>>().as_slice()) {
        ("iam", ["root"]) => bare(CallerKind::Root, arn.clone(), account),
        ("iam", ["user", .., name]) if !name.is_empty() => {
            let kind = CallerKind::User {
                name: (*name).to_string(),
            };
            bare(kind, arn.clone(), account)
        }
        ("sts", ["assumed-role", role, session]) if !role.is_empty() && !session.is_empty() => {
            let role_arn = format!("arn:{partition}:iam::{account}:role/{role}");
            let mut c = bare(CallerKind::AssumedRole, arn.clone(), account);
            c.role_arn = Some(p.role_arn.clone().unwrap_or(role_arn));
            c
        }
        ("sts", ["federated-user", name]) if !name.is_empty() => {
            let kind = CallerKind::FederatedUser {
                name: (*name).to_string(),
            };
            bare(kind, arn.clone(), account)
        }
        _ => return Err(unknown()),
    };
    if p.role_arn.is_some() && c.kind != CallerKind::AssumedRole {
        return Err("--role-arn (roleArn) applies only to assumed-role principals".to_string());
    }
    if p.user_arn.is_some() && !matches!(c.kind, CallerKind::FederatedUser { .. }) {
        return Err("--user-arn (userArn) applies only to federated-user principals".to_string());
    }
    c.user_arn = p.user_arn;
    Ok(c)
}

/// The keys AWS puts in every request context for this caller (POLICY-SPEC A6 table;
/// `aws:userid` only where it follows from the ARN — unique ids are not in ARNs).
fn derived_context(c: &Caller) -> Vec<(String, ContextValue)> {
    let mut v: Vec<(&str, ContextValue)> = Vec::new();
    let mut principal = |ty: &str, principal_arn: &str| {
        v.push(("aws:PrincipalArn", principal_arn.into()));
        v.push(("aws:PrincipalAccount", c.account.as_str().into()));
        v.push(("aws:PrincipalType", ty.into()));
    };
    match &c.kind {
        CallerKind::Root => {
            principal("Account", &c.arn);
            v.push(("aws:userid", c.account.as_str().into()));
        }
        CallerKind::User { name } => {
            principal("User", &c.arn);
            v.push(("aws:username", name.as_str().into()));
        }
        CallerKind::AssumedRole => {
            // aws:PrincipalArn of a role session is the role's ARN, not the session's.
            principal("AssumedRole", c.role_arn.as_deref().unwrap_or(&c.arn));
        }
        CallerKind::FederatedUser { name } => {
            principal("FederatedUser", &c.arn);
            v.push(("aws:userid", format!("{}:{name}", c.account).into()));
        }
        CallerKind::Service(name) => {
            v.push(("aws:PrincipalServiceName", name.as_str().into()));
            v.push(("aws:PrincipalIsAWSService", "true".into()));
        }
        CallerKind::Anonymous => {
            v.push(("aws:PrincipalType", "Anonymous".into()));
            v.push(("aws:userid", "anonymous".into()));
        }
    }
    v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
