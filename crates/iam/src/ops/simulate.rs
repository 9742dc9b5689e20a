//! The policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy,
//! GetContextKeysForPrincipalPolicy, GetContextKeysForCustomPolicy.
//!
//! Decisions come from the engine that enforces every call ([`portcullis_policy::explain`]
//! over a [`portcullis_policy::PolicySet`] assembled as `portcullis_service::authorize`
//! assembles it), so the simulator cannot disagree with enforcement. What the simulator adds
//! is only the input plumbing (`PolicyInputList.N`, `ContextEntries`, …) and the report shape.

mod context;
mod engine;
mod sources;
#[cfg(test)]
mod tests;

use portcullis_model::Arn;
use portcullis_policy::{Context, Principal};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::{Caller, State};

use self::context::RawEntry;
use self::engine::{EvalResult, Scenario};
use self::sources::Policies;
use crate::support::{valid, Ctx};
use crate::{family, Operation};

/// The entity a `PolicySourceArn` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    User(String),
    Group(String),
    Role(String),
}

/// A parsed `PolicySourceArn`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySource {
    pub arn: String,
    pub account: String,
    pub entity: Entity,
}

/// `PolicySourceArn`: an IAM user, group or role ARN (shape `arnType` first).
fn decode_source(req: &QueryRequest) -> Result<PolicySource, AwsError> {
    let arn = req.required("PolicySourceArn")?;
    valid(portcullis_model::validate_arn(arn, "policySourceArn"))?;
    let invalid = || {
        AwsError::invalid_input(format!(
            "Invalid PolicySourceArn {arn}: it must be the ARN of an IAM user, group or role."
        ))
    };
    let parsed = Arn::parse(arn).map_err(|_| invalid())?;
    if parsed.service != "iam" || !portcullis_model::is_account_id(&parsed.account) {
        return Err(invalid());
    }
    let name = parsed
        .path_and_name()
        .map(|(_, n)| n.to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(invalid)?;
    let entity = match parsed.resource_type() {
        "user" => Entity::User(name),
        "group" => Entity::Group(name),
        "role" => Entity::Role(name),
        _ => return Err(invalid()),
    };
    Ok(PolicySource {
        arn: arn.to_string(),
        account: parsed.account,
        entity,
    })
}

/// `Name.member.N` policy documents, shape-checked (`policyDocumentType`).
fn decode_documents(req: &QueryRequest, name: &str) -> Result<Vec<String>, AwsError> {
    let docs: Vec<String> = req.list(name).into_iter().map(str::to_string).collect();
    let member = portcullis_protocol::lower_first(name);
    for (i, d) in docs.iter().enumerate() {
        valid(portcullis_model::validate_policy_document(
            d,
            &format!("{member}.{}.member", i + 1),
        ))?;
    }
    Ok(docs)
}

fn string_shape(min: usize, max: usize) -> portcullis_model::validation::StringShape {
    portcullis_model::validation::StringShape {
        min,
        max: Some(max),
        matcher: None,
        pattern: "",
        sensitive: false,
    }
}

/// The inputs SimulatePrincipalPolicy and SimulateCustomPolicy share.
#[derive(Debug)]
pub struct SimulationInput {
    pub policy_inputs: Vec<String>,
    pub boundary_inputs: Vec<String>,
    pub actions: Vec<String>,
    /// `None`: `ResourceArns` not given (`*`).
    pub resources: Option<Vec<String>>,
    pub resource_policy: Option<String>,
    pub resource_owner: Option<String>,
    pub caller_arn: Option<String>,
    pub context: Vec<RawEntry>,
    pub handling: Option<String>,
    pub page: Page,
}

impl SimulationInput {
    fn decode(req: &QueryRequest) -> Result<SimulationInput, AwsError> {
        let actions: Vec<String> = req
            .list("ActionNames")
            .into_iter()
            .map(str::to_string)
            .collect();
        if actions.is_empty() && req.get("ActionNames").is_none() {
            // An empty list is sent as `ActionNames=`; nothing at all means null.
            return Err(AwsError::missing_required("actionNames"));
        }
        for (i, a) in actions.iter().enumerate() {
            valid(string_shape(3, 128).check(a, &format!("actionNames.{}.member", i + 1)))?;
        }
        let resources: Option<Vec<String>> = match req.list("ResourceArns") {
            r if r.is_empty() && req.get("ResourceArns").is_none() => None,
            r => Some(r.into_iter().map(str::to_string).collect()),
        };
        for (i, r) in resources.iter().flatten().enumerate() {
            valid(string_shape(1, 2048).check(r, &format!("resourceArns.{}.member", i + 1)))?;
        }
        let resource_policy = req.get("ResourcePolicy").map(str::to_string);
        if let Some(p) = &resource_policy {
            valid(portcullis_model::validate_policy_document(
                p,
                "resourcePolicy",
            ))?;
        }
        let opt = |name: &str, min: usize, max: usize| -> Result<Option<String>, AwsError> {
            match req.get(name) {
                Some(v) => {
                    valid(
                        string_shape(min, max).check(v, &portcullis_protocol::lower_first(name)),
                    )?;
                    Ok(Some(v.to_string()))
                }
                None => Ok(None),
            }
        };
        Ok(SimulationInput {
            policy_inputs: decode_documents(req, "PolicyInputList")?,
            boundary_inputs: decode_documents(req, "PermissionsBoundaryPolicyInputList")?,
            actions,
            resources,
            resource_policy,
            resource_owner: opt("ResourceOwner", 1, 2048)?,
            caller_arn: opt("CallerArn", 1, 2048)?,
            context: context::decode_entries(req)?,
            handling: opt("ResourceHandlingOption", 1, 64)?,
            page: Page::from_params(req.params())?,
        })
    }

    /// `ResourceOwner`: an account id or `arn:aws:iam::ACCOUNT:root`.
    fn owner_account(&self) -> Result<Option<String>, AwsError> {
        let Some(o) = &self.resource_owner else {
            return Ok(None);
        };
        if portcullis_model::is_account_id(o) {
            return Ok(Some(o.clone()));
        }
        match Arn::parse(o) {
            Ok(a)
                if a.service == "iam"
                    && a.resource == "root"
                    && portcullis_model::is_account_id(&a.account) =>
            {
                Ok(Some(a.account))
            }
            _ => Err(AwsError::invalid_input(format!(
                "Invalid ResourceOwner {o}: expected an account ARN such as arn:aws:iam::123456789012:root."
            ))),
        }
    }

    /// `CallerArn`: only an IAM user ARN. Returns (ARN, account, user name).
    fn caller(&self) -> Result<Option<(String, String, String)>, AwsError> {
        let Some(c) = &self.caller_arn else {
            return Ok(None);
        };
        let invalid = || {
            AwsError::invalid_input(format!(
                "Invalid CallerArn {c}: only the ARN of an IAM user can be the simulated caller."
            ))
        };
        let a = Arn::parse(c).map_err(|_| invalid())?;
        let name = a.path_and_name().map(|(_, n)| n.to_string());
        match name {
            Some(n)
                if a.service == "iam"
                    && a.resource_type() == "user"
                    && !n.is_empty()
                    && portcullis_model::is_account_id(&a.account) =>
            {
                Ok(Some((c.clone(), a.account, n)))
            }
            _ => Err(invalid()),
        }
    }

    /// `ResourceHandlingOption`: the EC2 scenario, and the resource types it requires.
    fn check_handling(&self) -> Result<(), AwsError> {
        let Some(opt) = &self.handling else {
            return Ok(());
        };
        const BASE: &[&str] = &["instance", "image", "security-group"];
        let extra: &[&str] = match opt.as_str() {
            "EC2-Classic-InstanceStore" => &[],
            "EC2-Classic-EBS" => &["volume"],
            "EC2-VPC-InstanceStore" => &["network-interface"],
            "EC2-VPC-InstanceStore-Subnet" => &["network-interface", "subnet"],
            "EC2-VPC-EBS" => &["network-interface", "volume"],
            "EC2-VPC-EBS-Subnet" => &["network-interface", "subnet", "volume"],
            _ => {
                return Err(AwsError::invalid_input(format!(
                    "Invalid ResourceHandlingOption {opt}."
                )))
            }
        };
        let resources = self.resources.as_deref().unwrap_or_default();
        let missing: Vec<&str> = BASE
            .iter()
            .chain(extra)
            .copied()
            .filter(|ty| {
                !resources.iter().any(|r| {
                    Arn::parse(r).is_ok_and(|a| a.service == "ec2" && a.resource_type() == *ty)
                })
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(AwsError::invalid_input(format!(
                "ResourceHandlingOption {opt} requires resources of type: {}.",
                missing.join(", ")
            )))
        }
    }

    fn resources(&self) -> Vec<String> {
        match &self.resources {
            Some(r) if !r.is_empty() => r.clone(),
            _ => vec!["*".to_string()],
        }
    }
}

/// Keys AWS fills in for a simulated IAM user: who the caller is. Nothing else is added.
fn identity_keys(ctx: &mut Context, state: &State, arn: &str, account: &str, name: &str) {
    ctx.insert("aws:username", name);
    ctx.insert("aws:PrincipalArn", arn);
    ctx.insert("aws:PrincipalAccount", account);
    ctx.insert("aws:PrincipalType", "User");
    if let Some(u) = state.account(account).and_then(|a| a.user(name)) {
        ctx.insert("aws:userid", u.id.as_str());
    }
}

/// The unique id of a user ARN that exists here (trust and resource policies may name it).
fn user_id<'s>(state: &'s State, account: &str, name: &str) -> Option<&'s str> {
    state
        .account(account)
        .and_then(|a| a.user(name))
        .map(|u| u.id.as_str())
}

/// Writes a page of results.
fn write_page(out: &mut ResponseWriter, results: &[EvalResult], page: &Page) {
    let keyed: Vec<(String, &EvalResult)> = results
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("{i:010}"), r))
        .collect();
    let slice = page.paginate(&keyed, |(k, _)| k.clone());
    out.list("EvaluationResults", slice.items, |w, (_, r)| {
        engine::write_result(w, r)
    });
    out.pagination(slice.next_marker.as_deref());
}

/// Runs a simulation once the policies are assembled.
fn run(
    input: &SimulationInput,
    policies: &Policies,
    principal: Principal<'_>,
    context: &Context,
) -> Result<Vec<EvalResult>, AwsError> {
    let owner = input.owner_account()?;
    let sc = Scenario {
        principal,
        context,
        resource_owner: owner.as_deref().or(Some(principal.account)),
    };
    Ok(engine::simulate_all(
        policies,
        &sc,
        &input.actions,
        &input.resources(),
    ))
}

pub struct SimulatePrincipalPolicy {
    source: PolicySource,
    input: SimulationInput,
}

impl SimulatePrincipalPolicy {
    /// The simulation itself, on a snapshot (separate from `execute` for tests).
    pub fn simulate(&self, state: &State, account: &str) -> Result<Vec<EvalResult>, AwsError> {
        let input = &self.input;
        let src = &self.source;
        let acct = state.account(account).filter(|_| src.account == account);
        let mut policies = match &src.entity {
            Entity::User(n) => {
                acct.and_then(|a| a.user(n))
                    .ok_or_else(|| crate::support::no_such_user(n))?;
                Policies::of_user(state, account, n)
            }
            Entity::Group(n) => {
                acct.and_then(|a| a.group(n)).ok_or_else(|| {
                    AwsError::no_such_entity(format!("The group with name {n} cannot be found."))
                })?;
                Policies::of_group(state, account, n)
            }
            Entity::Role(n) => {
                acct.and_then(|a| a.role(n)).ok_or_else(|| {
                    AwsError::no_such_entity(format!("The role with name {n} cannot be found."))
                })?;
                Policies::of_role(state, account, n)
            }
        };
        policies.add_inputs(&input.policy_inputs)?;
        policies.add_boundary_inputs(&input.boundary_inputs)?;
        let caller = input.caller()?;
        if let Some(rp) = &input.resource_policy {
            if matches!(src.entity, Entity::Role(_)) {
                return Err(AwsError::invalid_input(
                    "Simulation of resource-based policies isn't supported for IAM roles.",
                ));
            }
            if caller.is_none() && !matches!(src.entity, Entity::User(_)) {
                return Err(AwsError::invalid_input(
                    "CallerArn is required when a ResourcePolicy is included and PolicySourceArn is not an IAM user.",
                ));
            }
            policies.add_resource_policy(rp)?;
        }
        input.check_handling()?;
        // The simulated caller: CallerArn, else the source user.
        let who: Option<(String, String, String)> = caller.or_else(|| match &src.entity {
            Entity::User(n) => state
                .account(account)
                .and_then(|a| a.user(n))
                .map(|u| (u.arn.clone(), account.to_string(), u.name.clone())),
            _ => None,
        });
        let mut ctx = Context::new();
        if let Some((arn, acct, name)) = &who {
            identity_keys(&mut ctx, state, arn, acct, name);
        }
        context::build_context(&input.context, &mut ctx)?;
        let principal = match &who {
            Some((arn, acct, name)) => {
                let p = Principal::user(arn, acct);
                match user_id(state, acct, name) {
                    Some(id) => p.with_unique_id(id),
                    None => p,
                }
            }
            None => match &src.entity {
                Entity::Role(_) => Principal::assumed_role(&src.arn, &src.arn, account),
                _ => Principal::user("", account),
            },
        };
        run(input, &policies, principal, &ctx)
    }
}

impl Operation for SimulatePrincipalPolicy {
    const NAME: &'static str = "SimulatePrincipalPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(SimulatePrincipalPolicy {
            source: decode_source(req)?,
            input: SimulationInput::decode(req)?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.source.arn.clone()
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let results = self.simulate(&ctx.snapshot, ctx.account())?;
        write_page(out, &results, &self.input.page);
        Ok(())
    }
}

pub struct SimulateCustomPolicy {
    input: SimulationInput,
}

impl SimulateCustomPolicy {
    /// The simulation itself (separate from `execute` for tests). `account` is the API
    /// caller's: the simulated caller's account when no CallerArn is given.
    pub fn simulate(&self, state: &State, account: &str) -> Result<Vec<EvalResult>, AwsError> {
        let input = &self.input;
        let mut policies = Policies::default();
        policies.add_inputs(&input.policy_inputs)?;
        policies.add_boundary_inputs(&input.boundary_inputs)?;
        let caller = input.caller()?;
        if let Some(rp) = &input.resource_policy {
            if caller.is_none() {
                return Err(AwsError::invalid_input(
                    "CallerArn is required when a ResourcePolicy is included.",
                ));
            }
            policies.add_resource_policy(rp)?;
        }
        input.check_handling()?;
        // The custom simulator adds no keys of its own: only ContextEntries.
        let mut ctx = Context::new();
        context::build_context(&input.context, &mut ctx)?;
        let principal = match &caller {
            Some((arn, acct, name)) => {
                let p = Principal::user(arn, acct);
                match user_id(state, acct, name) {
                    Some(id) => p.with_unique_id(id),
                    None => p,
                }
            }
            None => Principal::user("", account),
        };
        run(input, &policies, principal, &ctx)
    }
}

impl Operation for SimulateCustomPolicy {
    const NAME: &'static str = "SimulateCustomPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        if req.list("PolicyInputList").is_empty() && req.get("PolicyInputList").is_none() {
            return Err(AwsError::missing_required("policyInputList"));
        }
        Ok(SimulateCustomPolicy {
            input: SimulationInput::decode(req)?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        "*".to_string()
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let results = self.simulate(&ctx.snapshot, ctx.account())?;
        write_page(out, &results, &self.input.page);
        Ok(())
    }
}

/// Parses `PolicyInputList.N` for the GetContextKeys operations.
fn parse_inputs(texts: &[String]) -> Result<Vec<portcullis_policy::Policy>, AwsError> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            portcullis_policy::parse(t, portcullis_policy::PolicyKind::Identity)
                .map_err(|e| sources::input_error(&format!("PolicyInputList.{}", i + 1), &e))
        })
        .collect()
}

fn write_keys(out: &mut ResponseWriter, keys: &[String]) {
    out.string_list("ContextKeyNames", keys);
}

pub struct GetContextKeysForPrincipalPolicy {
    source: PolicySource,
    inputs: Vec<String>,
}

impl GetContextKeysForPrincipalPolicy {
    /// The distinct keys of the principal's policies, then of the input policies.
    pub fn keys(&self, state: &State, account: &str) -> Result<Vec<String>, AwsError> {
        let acct = state
            .account(account)
            .filter(|_| self.source.account == account);
        let exists = match &self.source.entity {
            Entity::User(n) => acct.and_then(|a| a.user(n)).is_some(),
            Entity::Group(n) => acct.and_then(|a| a.group(n)).is_some(),
            Entity::Role(n) => acct.and_then(|a| a.role(n)).is_some(),
        };
        if !exists {
            let (what, n) = match &self.source.entity {
                Entity::User(n) => ("user", n),
                Entity::Group(n) => ("group", n),
                Entity::Role(n) => ("role", n),
            };
            return Err(AwsError::no_such_entity(format!(
                "The {what} with name {n} cannot be found."
            )));
        }
        let stored = sources::stored_documents(state, account, &self.source.entity);
        let inputs = parse_inputs(&self.inputs)?;
        Ok(Policies::context_keys(
            stored.iter().map(|d| d.parsed()).chain(inputs.iter()),
        ))
    }
}

impl Operation for GetContextKeysForPrincipalPolicy {
    const NAME: &'static str = "GetContextKeysForPrincipalPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetContextKeysForPrincipalPolicy {
            source: decode_source(req)?,
            inputs: decode_documents(req, "PolicyInputList")?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.source.arn.clone()
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let keys = self.keys(&ctx.snapshot, ctx.account())?;
        write_keys(out, &keys);
        Ok(())
    }
}

pub struct GetContextKeysForCustomPolicy {
    inputs: Vec<String>,
}

impl GetContextKeysForCustomPolicy {
    pub fn keys(&self) -> Result<Vec<String>, AwsError> {
        let inputs = parse_inputs(&self.inputs)?;
        Ok(Policies::context_keys(inputs.iter()))
    }
}

impl Operation for GetContextKeysForCustomPolicy {
    const NAME: &'static str = "GetContextKeysForCustomPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        if req.list("PolicyInputList").is_empty() && req.get("PolicyInputList").is_none() {
            return Err(AwsError::missing_required("policyInputList"));
        }
        Ok(GetContextKeysForCustomPolicy {
            inputs: decode_documents(req, "PolicyInputList")?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        "*".to_string()
    }

    async fn execute(self, _: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let keys = self.keys()?;
        write_keys(out, &keys);
        Ok(())
    }
}

family!(
    SimulatePrincipalPolicy,
    SimulateCustomPolicy,
    GetContextKeysForPrincipalPolicy,
    GetContextKeysForCustomPolicy,
);
