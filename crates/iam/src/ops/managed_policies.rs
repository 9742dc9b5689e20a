//! Managed policies and their versions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy,
//! CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
//! SetDefaultPolicyVersion, TagPolicy, UntagPolicy, ListPolicyTags.
//!
//! Customer-managed policies live in their account; AWS-managed ones (account `aws`) come from
//! the shipped catalogue and can be read and attached but never changed. How often a policy
//! is attached or used as a boundary is not stored: it is counted from the users and groups
//! that name it, so it can never drift from the attachments themselves.

mod listing;
mod policy_tags;
mod versions;

use std::collections::HashMap;
use std::sync::Arc;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use portcullis_model::{arn, new_id, Arn, IdKind};
use portcullis_policy::{limits, ContextValue, PolicyError, PolicyKind, PolicyType};
use portcullis_protocol::{AwsError, QueryRequest, ResponseWriter};
use portcullis_service::entity::{ManagedPolicy, PolicyDoc, PolicyVersion, Tag};
use portcullis_service::state::AccountState;
use portcullis_service::{Caller, State};

use crate::support::{decode_tags, valid, write_tags, Ctx};
use crate::{family, Operation};

pub use listing::ListPolicies;
pub(crate) use listing::{decode_usage_filter, UsageFilter};
pub use policy_tags::{ListPolicyTags, TagPolicy, UntagPolicy};
pub use versions::{
    CreatePolicyVersion, DeletePolicyVersion, GetPolicyVersion, ListPolicyVersions,
    SetDefaultPolicyVersion,
};

/// AWS's default quota of customer-managed policies per account.
pub const POLICIES_PER_ACCOUNT: usize = 1500;
/// AWS's fixed quota of versions one managed policy keeps.
pub const VERSIONS_PER_POLICY: usize = 5;

/// Reads a required policy ARN member: `arnType` shape first (`ValidationError`), then
/// whether it names an IAM policy at all (`InvalidInput`, as AWS answers for e.g. a user ARN).
pub(crate) fn policy_arn_param(req: &QueryRequest, member: &str) -> Result<String, AwsError> {
    let value = req.required(member)?;
    valid(portcullis_model::validate_arn(
        value,
        &portcullis_protocol::lower_first(member),
    ))?;
    if !is_policy_arn(value) {
        return Err(invalid_arn(value));
    }
    Ok(value.to_string())
}

pub(crate) fn invalid_arn(value: &str) -> AwsError {
    AwsError::invalid_input(format!("ARN {value} is not valid."))
}

/// `arn:aws:iam::{12 digits|aws}:policy{policy path}{policy name}`.
pub(crate) fn is_policy_arn(value: &str) -> bool {
    let Ok(a) = Arn::parse(value) else {
        return false;
    };
    let account_ok = a.account == "aws" || portcullis_model::is_account_id(&a.account);
    let (path, name) = a.path_and_name().unwrap_or(("", ""));
    a.partition == arn::PARTITION
        && a.service == "iam"
        && a.region.is_empty()
        && account_ok
        && a.resource_type() == "policy"
        && portcullis_model::validate_policy_path(path, "path").is_ok()
        && portcullis_model::validate_policy_name(name, "policyName").is_ok()
}

/// AWS-managed policies belong to the pseudo-account `aws`.
pub(crate) fn is_aws_managed(policy_arn: &str) -> bool {
    policy_arn.starts_with("arn:aws:iam::aws:")
}

pub(crate) fn no_such_policy(policy_arn: &str) -> AwsError {
    AwsError::no_such_entity(format!("Policy {policy_arn} was not found."))
}

/// The policy `policy_arn` names, as seen from `account` (customer policies of other accounts
/// are not visible).
pub(crate) fn find_policy(
    state: &State,
    account: &str,
    policy_arn: &str,
) -> Result<Arc<ManagedPolicy>, AwsError> {
    state
        .managed_policy(account, policy_arn)
        .ok_or_else(|| no_such_policy(policy_arn))
}

/// AWS-managed policies are read-only for every caller, root included: the account does not
/// own them, so no policy of the account can grant changing them.
pub(crate) fn refuse_aws_managed(
    ctx: &Ctx<'_>,
    action: &str,
    policy_arn: &str,
) -> Result<(), AwsError> {
    if is_aws_managed(policy_arn) {
        return Err(AwsError::access_denied(format!(
            "{}: {} is not authorized to perform: iam:{action} on resource: {policy_arn}",
            ctx.caller.principal_label(),
            ctx.caller.arn
        )));
    }
    Ok(())
}

/// How one account uses a managed policy.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Usage {
    /// Users, groups and roles it is attached to (`AttachmentCount`).
    pub attachments: usize,
    /// Users and roles that have it as permissions boundary (`PermissionsBoundaryUsageCount`).
    pub boundaries: usize,
}

/// Usage of every managed policy the account's users, groups and roles name, by ARN.
pub(crate) fn usage_by_arn(acct: &AccountState) -> HashMap<String, Usage> {
    let mut map: HashMap<String, Usage> = HashMap::new();
    for u in acct.users.values() {
        for a in &u.attached_policies {
            map.entry(a.clone()).or_default().attachments += 1;
        }
        if let Some(b) = &u.permissions_boundary {
            map.entry(b.clone()).or_default().boundaries += 1;
        }
    }
    for g in acct.groups.values() {
        for a in &g.attached_policies {
            map.entry(a.clone()).or_default().attachments += 1;
        }
    }
    for r in acct.roles.values() {
        for a in &r.attached_policies {
            map.entry(a.clone()).or_default().attachments += 1;
        }
        if let Some(b) = &r.permissions_boundary {
            map.entry(b.clone()).or_default().boundaries += 1;
        }
    }
    map
}

/// Usage of one policy in one account.
pub(crate) fn usage_of(acct: &AccountState, policy_arn: &str) -> Usage {
    let attachments = acct
        .users
        .values()
        .filter(|u| u.attached_policies.iter().any(|a| a == policy_arn))
        .count()
        + acct
            .groups
            .values()
            .filter(|g| g.attached_policies.iter().any(|a| a == policy_arn))
            .count()
        + acct
            .roles
            .values()
            .filter(|r| r.attached_policies.iter().any(|a| a == policy_arn))
            .count();
    let boundaries = acct
        .users
        .values()
        .filter(|u| u.permissions_boundary.as_deref() == Some(policy_arn))
        .count()
        + acct
            .roles
            .values()
            .filter(|r| r.permissions_boundary.as_deref() == Some(policy_arn))
            .count();
    Usage {
        attachments,
        boundaries,
    }
}

/// Validates a managed policy document: IAM's size quota (whitespace not counted), then the
/// grammar, returning the compiled document labelled with the policy's ARN.
pub(crate) fn managed_document(text: &str, policy_arn: &str) -> Result<PolicyDoc, AwsError> {
    limits::check_size(text, limits::MANAGED_POLICY, "PolicySize").map_err(policy_error)?;
    PolicyDoc::new(text, PolicyKind::Identity, policy_arn, PolicyType::Identity)
        .map_err(policy_error)
}

fn policy_error(e: PolicyError) -> AwsError {
    AwsError::new(e.code().as_str(), e.to_string())
}

/// RFC 3986 unreserved characters stay; everything else is escaped (space as `%20`), as IAM
/// returns policy documents.
const DOCUMENT_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A policy document URL-encoded, as Get*Policy* responses carry it.
pub(crate) fn url_encode_document(text: &str) -> String {
    utf8_percent_encode(text, DOCUMENT_ENCODE).to_string()
}

/// `aws:ResourceTag/…` of a customer-managed policy (the Service Authorization Reference
/// lists the key for the `policy` resource type).
pub(crate) fn resource_tag_context(
    caller: &Caller,
    state: &State,
    policy_arn: &str,
) -> Vec<(String, ContextValue)> {
    match state.managed_policy(&caller.account, policy_arn) {
        Some(p) => p
            .tags
            .iter()
            .map(|t| {
                (
                    format!("aws:ResourceTag/{}", t.key),
                    ContextValue::from(t.value.clone()),
                )
            })
            .collect(),
        None => Vec::new(),
    }
}

/// `aws:RequestTag/…` and `aws:TagKeys` of a request that carries tags.
pub(crate) fn request_tag_context(tags: &[Tag]) -> Vec<(String, ContextValue)> {
    if tags.is_empty() {
        return Vec::new();
    }
    let mut ctx: Vec<(String, ContextValue)> = tags
        .iter()
        .map(|t| {
            (
                format!("aws:RequestTag/{}", t.key),
                ContextValue::from(t.value.clone()),
            )
        })
        .collect();
    ctx.push((
        "aws:TagKeys".to_string(),
        ContextValue::from(tags.iter().map(|t| t.key.clone()).collect::<Vec<String>>()),
    ));
    ctx
}

/// The `Policy` shape. `full` adds what GetPolicy/CreatePolicy return beyond ListPolicies
/// (which AWS documents as returning neither description nor tags).
fn write_policy(out: &mut ResponseWriter, p: &ManagedPolicy, usage: Usage, full: bool) {
    out.element("PolicyName", &p.name)
        .element("PolicyId", &p.id)
        .element("Arn", &p.arn)
        .element("Path", &p.path)
        .element("DefaultVersionId", &p.default_version_id)
        .display_element("AttachmentCount", usage.attachments)
        .display_element("PermissionsBoundaryUsageCount", usage.boundaries)
        .bool_element("IsAttachable", true);
    if full {
        out.opt_element("Description", p.description.as_deref());
    }
    out.timestamp("CreateDate", p.create_date)
        .timestamp("UpdateDate", p.update_date);
    if full {
        write_tags(out, &p.tags);
    }
}

pub struct CreatePolicy {
    name: String,
    path: String,
    document: String,
    description: Option<String>,
    tags: Vec<Tag>,
}

impl Operation for CreatePolicy {
    const NAME: &'static str = "CreatePolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let name = req.required("PolicyName")?;
        valid(portcullis_model::validate_policy_name(name, "policyName"))?;
        let path = match req.get("Path") {
            Some(p) => {
                valid(portcullis_model::validate_policy_path(p, "path"))?;
                p.to_string()
            }
            None => "/".to_string(),
        };
        let document = req.required("PolicyDocument")?;
        valid(portcullis_model::validate_policy_document(
            document,
            "policyDocument",
        ))?;
        let description = req.get("Description").map(str::to_string);
        if let Some(d) = &description {
            valid(portcullis_model::validate_policy_description(
                d,
                "description",
            ))?;
        }
        Ok(CreatePolicy {
            name: name.to_string(),
            path,
            document: document.to_string(),
            description,
            tags: decode_tags(req)?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        arn::policy_arn(&caller.account, &self.path, &self.name)
    }

    fn context(&self, _: &Caller, _: &State) -> Vec<(String, ContextValue)> {
        request_tag_context(&self.tags)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let policy_arn = arn::policy_arn(&account, &self.path, &self.name);
        if !self.tags.is_empty() {
            ctx.authorize("iam:TagPolicy", &policy_arn)?;
        }
        let document = managed_document(&self.document, &policy_arn)?;
        let id = new_id(IdKind::Policy, &mut rand::rng());
        let policy = ctx
            .svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                if acct.policies.contains_key(&self.name.to_lowercase()) {
                    return Err(AwsError::entity_already_exists(format!(
                        "A policy called {} already exists. Duplicate names are not allowed.",
                        self.name
                    )));
                }
                if acct.policies.len() >= POLICIES_PER_ACCOUNT {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for PoliciesPerAccount: {POLICIES_PER_ACCOUNT}"
                    )));
                }
                let now = tx.now();
                let policy = ManagedPolicy {
                    name: self.name,
                    path: self.path,
                    id,
                    arn: policy_arn,
                    description: self.description,
                    create_date: now,
                    update_date: now,
                    default_version_id: "v1".to_string(),
                    versions: vec![PolicyVersion {
                        version_id: "v1".to_string(),
                        document,
                        create_date: now,
                    }],
                    next_version: 2,
                    tags: self.tags,
                };
                tx.put_policy(&account, policy.clone())?;
                Ok(policy)
            })
            .await?;
        out.start("Policy");
        write_policy(out, &policy, Usage::default(), true);
        out.end();
        Ok(())
    }
}

pub struct GetPolicy {
    arn: String,
}

impl Operation for GetPolicy {
    const NAME: &'static str = "GetPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetPolicy {
            arn: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let policy = find_policy(&ctx.snapshot, ctx.account(), &self.arn)?;
        out.start("Policy");
        write_policy(out, &policy, usage_of(acct, &policy.arn), true);
        out.end();
        Ok(())
    }
}

pub struct DeletePolicy {
    arn: String,
}

impl Operation for DeletePolicy {
    const NAME: &'static str = "DeletePolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeletePolicy {
            arn: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let policy = find_policy(tx.state(), &account, &self.arn)?;
                let usage = usage_of(tx.account(&account)?, &policy.arn);
                if usage.attachments > 0 || usage.boundaries > 0 {
                    return Err(AwsError::delete_conflict(
                        "Cannot delete a policy attached to entities.",
                    ));
                }
                if policy.versions.len() > 1 {
                    return Err(AwsError::delete_conflict(
                        "This policy has more than one version. Before you delete a policy, \
                         you must delete the policy's versions. The default version is deleted \
                         with the policy.",
                    ));
                }
                tx.delete_policy(&account, &policy.name)
            })
            .await
    }
}

family!(
    CreatePolicy,
    GetPolicy,
    ListPolicies,
    DeletePolicy,
    CreatePolicyVersion,
    GetPolicyVersion,
    ListPolicyVersions,
    DeletePolicyVersion,
    SetDefaultPolicyVersion,
    TagPolicy,
    UntagPolicy,
    ListPolicyTags,
);

#[cfg(test)]
pub(crate) mod tests;
