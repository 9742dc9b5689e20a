//! Managed policies and permissions boundaries of roles: AttachRolePolicy, DetachRolePolicy,
//! ListAttachedRolePolicies, PutRolePermissionsBoundary, DeleteRolePermissionsBoundary.
//! Same rules as for users (see the parent module), on the role.

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::Role;
use portcullis_service::{Caller, State};

use super::{
    attach, decode_policy_path_prefix, detach, not_attachable, policy_arn_context, write_attached,
    POLICIES_PER_ROLE,
};
use crate::ops::managed_policies::{invalid_arn, is_policy_arn, policy_arn_param};
use crate::ops::roles::{no_such_role, role_name, role_resource};
use crate::support::{valid, Ctx};
use crate::Operation;

fn existing_role(state: &State, account: &str, name: &str) -> Result<Role, AwsError> {
    let acct = state.account_or_err(account)?;
    Ok((**acct.role(name).ok_or_else(|| no_such_role(name))?).clone())
}

/// The role's current boundary as `iam:PermissionsBoundary`, if it has one.
fn boundary_context(caller: &Caller, state: &State, role: &str) -> Vec<(String, ContextValue)> {
    state
        .account(&caller.account)
        .and_then(|a| a.role(role))
        .and_then(|r| r.permissions_boundary.clone())
        .map(|b| ("iam:PermissionsBoundary".to_string(), ContextValue::from(b)))
        .into_iter()
        .collect()
}

pub struct AttachRolePolicy {
    role: String,
    policy: String,
}

impl Operation for AttachRolePolicy {
    const NAME: &'static str = "AttachRolePolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(AttachRolePolicy {
            role: role_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.role)
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = vec![policy_arn_context(&self.policy)];
        ctx.extend(boundary_context(caller, state, &self.role));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut role = existing_role(tx.state(), &account, &self.role)?;
                if tx.state().managed_policy(&account, &self.policy).is_none() {
                    return Err(not_attachable(&self.policy));
                }
                if !attach(
                    &mut role.attached_policies,
                    &self.policy,
                    POLICIES_PER_ROLE,
                    "PoliciesPerRole",
                )? {
                    return Ok(());
                }
                tx.put_role(&account, role)
            })
            .await
    }
}

pub struct DetachRolePolicy {
    role: String,
    policy: String,
}

impl Operation for DetachRolePolicy {
    const NAME: &'static str = "DetachRolePolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DetachRolePolicy {
            role: role_name(req)?,
            policy: policy_arn_param(req, "PolicyArn")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.role)
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = vec![policy_arn_context(&self.policy)];
        ctx.extend(boundary_context(caller, state, &self.role));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut role = existing_role(tx.state(), &account, &self.role)?;
                detach(&mut role.attached_policies, &self.policy)?;
                tx.put_role(&account, role)
            })
            .await
    }
}

pub struct ListAttachedRolePolicies {
    role: String,
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListAttachedRolePolicies {
    const NAME: &'static str = "ListAttachedRolePolicies";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListAttachedRolePolicies {
            role: role_name(req)?,
            path_prefix: decode_policy_path_prefix(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let role = existing_role(&ctx.snapshot, ctx.account(), &self.role)?;
        write_attached(
            ctx,
            out,
            &role.attached_policies,
            self.path_prefix.as_deref(),
            &self.page,
        );
        Ok(())
    }
}

pub struct PutRolePermissionsBoundary {
    role: String,
    boundary: String,
}

impl Operation for PutRolePermissionsBoundary {
    const NAME: &'static str = "PutRolePermissionsBoundary";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let role = role_name(req)?;
        let boundary = req.required("PermissionsBoundary")?;
        valid(portcullis_model::validate_arn(
            boundary,
            "permissionsBoundary",
        ))?;
        if !is_policy_arn(boundary) {
            return Err(invalid_arn(boundary));
        }
        Ok(PutRolePermissionsBoundary {
            role,
            boundary: boundary.to_string(),
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.role)
    }

    /// `iam:PermissionsBoundary` is the boundary being set.
    fn context(&self, _: &Caller, _: &State) -> Vec<(String, ContextValue)> {
        vec![(
            "iam:PermissionsBoundary".to_string(),
            ContextValue::from(self.boundary.clone()),
        )]
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut role = existing_role(tx.state(), &account, &self.role)?;
                if tx
                    .state()
                    .managed_policy(&account, &self.boundary)
                    .is_none()
                {
                    return Err(AwsError::no_such_entity(format!(
                        "Scope ARN: {} does not exist or is not attachable.",
                        self.boundary
                    )));
                }
                role.permissions_boundary = Some(self.boundary);
                tx.put_role(&account, role)
            })
            .await
    }
}

pub struct DeleteRolePermissionsBoundary {
    role: String,
}

impl Operation for DeleteRolePermissionsBoundary {
    const NAME: &'static str = "DeleteRolePermissionsBoundary";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteRolePermissionsBoundary {
            role: role_name(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.role)
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        boundary_context(caller, state, &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut role = existing_role(tx.state(), &account, &self.role)?;
                if role.permissions_boundary.take().is_none() {
                    return Ok(());
                }
                tx.put_role(&account, role)
            })
            .await
    }
}
