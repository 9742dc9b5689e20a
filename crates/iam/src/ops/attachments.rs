//! Attaching managed policies: AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies,
//! AttachGroupPolicy, DetachGroupPolicy, ListAttachedGroupPolicies, ListEntitiesForPolicy,
//! PutUserPermissionsBoundary, DeleteUserPermissionsBoundary.
//!
//! An attachment is stored once, as the policy ARN on the user or group; who a policy is
//! attached to is derived from there. Attach and Detach are authorized against the user or
//! group and carry `iam:PolicyARN` (and, for users, `iam:PermissionsBoundary`), so that a
//! delegated administrator can be limited to handing out particular policies.

mod boundaries;
mod entities;
mod roles;

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{Group, User};
use portcullis_service::{Caller, State};

use super::groups::{group_resource, no_such_group};
use super::managed_policies::policy_arn_param;
use crate::support::{no_such_user, path_matches, user_resource, valid, Ctx};
use crate::{family, Operation};

pub use boundaries::{DeleteUserPermissionsBoundary, PutUserPermissionsBoundary};
pub use entities::ListEntitiesForPolicy;
pub use roles::{
    AttachRolePolicy, DeleteRolePermissionsBoundary, DetachRolePolicy, ListAttachedRolePolicies,
    PutRolePermissionsBoundary,
};

/// AWS's default quota of managed policies attached to one user.
pub const POLICIES_PER_USER: usize = 10;
/// AWS's default quota of managed policies attached to one role.
pub const POLICIES_PER_ROLE: usize = 10;
/// AWS's fixed quota of managed policies attached to one group.
pub const POLICIES_PER_GROUP: usize = 10;

fn user_name(req: &QueryRequest) -> Result<String, AwsError> {
    let name = req.required("UserName")?;
    valid(portcullis_model::validate_user_name(name, "userName"))?;
    Ok(name.to_string())
}

fn group_name(req: &QueryRequest) -> Result<String, AwsError> {
    super::groups::group_name(req, "GroupName")
}

fn not_attachable(policy_arn: &str) -> AwsError {
    AwsError::no_such_entity(format!(
        "Policy {policy_arn} does not exist or is not attachable."
    ))
}

fn not_attached(policy_arn: &str) -> AwsError {
    AwsError::no_such_entity(format!("Policy {policy_arn} was not found."))
}

/// The user's current boundary as `iam:PermissionsBoundary`, if it has one.
fn boundary_context(caller: &Caller, state: &State, user: &str) -> Vec<(String, ContextValue)> {
    state
        .account(&caller.account)
        .and_then(|a| a.user(user))
        .and_then(|u| u.permissions_boundary.clone())
        .map(|b| ("iam:PermissionsBoundary".to_string(), ContextValue::from(b)))
        .into_iter()
        .collect()
}

fn policy_arn_context(policy_arn: &str) -> (String, ContextValue) {
    (
        "iam:PolicyARN".to_string(),
        ContextValue::from(policy_arn.to_string()),
    )
}

/// Adds `policy_arn` to `attached` within `quota`; `false` if it was already there
/// (attaching twice changes nothing and succeeds, as in AWS).
fn attach(
    attached: &mut Vec<String>,
    policy_arn: &str,
    quota: usize,
    what: &str,
) -> Result<bool, AwsError> {
    if attached.iter().any(|a| a == policy_arn) {
        return Ok(false);
    }
    if attached.len() >= quota {
        return Err(AwsError::limit_exceeded(format!(
            "Cannot exceed quota for {what}: {quota}"
        )));
    }
    attached.push(policy_arn.to_string());
    Ok(true)
}

fn detach(attached: &mut Vec<String>, policy_arn: &str) -> Result<(), AwsError> {
    let before = attached.len();
    attached.retain(|a| a != policy_arn);
    if attached.len() == before {
        return Err(not_attached(policy_arn));
    }
    Ok(())
}

fn existing_user(state: &State, account: &str, name: &str) -> Result<User, AwsError> {
    let acct = state.account_or_err(account)?;
    Ok((**acct.user(name).ok_or_else(|| no_such_user(name))?).clone())
}

fn existing_group(state: &State, account: &str, name: &str) -> Result<Group, AwsError> {
    let acct = state.account_or_err(account)?;
    Ok((**acct.group(name).ok_or_else(|| no_such_group(name))?).clone())
}

/// Writes `AttachedPolicies` for the ARNs in `attached` whose policy path starts with
/// `prefix`, ordered by policy name.
fn write_attached(
    ctx: &Ctx<'_>,
    out: &mut ResponseWriter,
    attached: &[String],
    prefix: Option<&str>,
    page: &Page,
) {
    let mut listed: Vec<(String, String, String)> = attached
        .iter()
        .filter_map(|a| ctx.snapshot.managed_policy(ctx.account(), a))
        .filter(|p| path_matches(&p.path, prefix))
        .map(|p| {
            (
                format!("{}\u{0}{}", p.name.to_lowercase(), p.arn),
                p.name.clone(),
                p.arn.clone(),
            )
        })
        .collect();
    listed.sort();
    let page = page.paginate(&listed, |(k, _, _)| k.clone());
    out.list("AttachedPolicies", page.items, |w, (_, name, arn)| {
        w.element("PolicyName", name).element("PolicyArn", arn);
    });
    out.pagination(page.next_marker.as_deref());
}

fn decode_policy_path_prefix(req: &QueryRequest) -> Result<Option<String>, AwsError> {
    let prefix = req.get("PathPrefix").map(str::to_string);
    if let Some(p) = &prefix {
        valid(portcullis_model::validate_policy_path(p, "pathPrefix"))?;
    }
    Ok(prefix)
}

pub struct AttachUserPolicy {
    user: String,
    policy: String,
}

impl Operation for AttachUserPolicy {
    const NAME: &'static str = "AttachUserPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(AttachUserPolicy {
            user: user_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = vec![policy_arn_context(&self.policy)];
        ctx.extend(boundary_context(caller, state, &self.user));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut user = existing_user(tx.state(), &account, &self.user)?;
                if tx.state().managed_policy(&account, &self.policy).is_none() {
                    return Err(not_attachable(&self.policy));
                }
                if !attach(
                    &mut user.attached_policies,
                    &self.policy,
                    POLICIES_PER_USER,
                    "PoliciesPerUser",
                )? {
                    return Ok(());
                }
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct DetachUserPolicy {
    user: String,
    policy: String,
}

impl Operation for DetachUserPolicy {
    const NAME: &'static str = "DetachUserPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DetachUserPolicy {
            user: user_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = vec![policy_arn_context(&self.policy)];
        ctx.extend(boundary_context(caller, state, &self.user));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut user = existing_user(tx.state(), &account, &self.user)?;
                detach(&mut user.attached_policies, &self.policy)?;
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct ListAttachedUserPolicies {
    user: String,
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListAttachedUserPolicies {
    const NAME: &'static str = "ListAttachedUserPolicies";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListAttachedUserPolicies {
            user: user_name(req)?,
            path_prefix: decode_policy_path_prefix(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let user = existing_user(&ctx.snapshot, ctx.account(), &self.user)?;
        write_attached(
            ctx,
            out,
            &user.attached_policies,
            self.path_prefix.as_deref(),
            &self.page,
        );
        Ok(())
    }
}

pub struct AttachGroupPolicy {
    group: String,
    policy: String,
}

impl Operation for AttachGroupPolicy {
    const NAME: &'static str = "AttachGroupPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(AttachGroupPolicy {
            group: group_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.group)
    }

    fn context(&self, _: &Caller, _: &State) -> Vec<(String, ContextValue)> {
        vec![policy_arn_context(&self.policy)]
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut group = existing_group(tx.state(), &account, &self.group)?;
                if tx.state().managed_policy(&account, &self.policy).is_none() {
                    return Err(not_attachable(&self.policy));
                }
                if !attach(
                    &mut group.attached_policies,
                    &self.policy,
                    POLICIES_PER_GROUP,
                    "PoliciesPerGroup",
                )? {
                    return Ok(());
                }
                tx.put_group(&account, group)
            })
            .await
    }
}

pub struct DetachGroupPolicy {
    group: String,
    policy: String,
}

impl Operation for DetachGroupPolicy {
    const NAME: &'static str = "DetachGroupPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DetachGroupPolicy {
            group: group_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.group)
    }

    fn context(&self, _: &Caller, _: &State) -> Vec<(String, ContextValue)> {
        vec![policy_arn_context(&self.policy)]
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut group = existing_group(tx.state(), &account, &self.group)?;
                detach(&mut group.attached_policies, &self.policy)?;
                tx.put_group(&account, group)
            })
            .await
    }
}

pub struct ListAttachedGroupPolicies {
    group: String,
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListAttachedGroupPolicies {
    const NAME: &'static str = "ListAttachedGroupPolicies";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListAttachedGroupPolicies {
            group: group_name(req)?,
            path_prefix: decode_policy_path_prefix(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.group)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let group = existing_group(&ctx.snapshot, ctx.account(), &self.group)?;
        write_attached(
            ctx,
            out,
            &group.attached_policies,
            self.path_prefix.as_deref(),
            &self.page,
        );
        Ok(())
    }
}

family!(
    AttachUserPolicy,
    DetachUserPolicy,
    ListAttachedUserPolicies,
    AttachGroupPolicy,
    DetachGroupPolicy,
    ListAttachedGroupPolicies,
    ListEntitiesForPolicy,
    PutUserPermissionsBoundary,
    DeleteUserPermissionsBoundary,
    AttachRolePolicy,
    DetachRolePolicy,
    ListAttachedRolePolicies,
    PutRolePermissionsBoundary,
    DeleteRolePermissionsBoundary,
);

#[cfg(test)]
mod tests;
