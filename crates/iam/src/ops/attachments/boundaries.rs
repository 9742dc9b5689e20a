//! Permissions boundaries of users: PutUserPermissionsBoundary,
//! DeleteUserPermissionsBoundary. The boundary is enforced by `portcullis_service::authorize`,
//! which reads `user.permissions_boundary`.

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, QueryRequest, ResponseWriter};
use portcullis_service::{Caller, State};

use super::{boundary_context, existing_user, user_name};
use crate::ops::managed_policies::{invalid_arn, is_policy_arn};
use crate::support::{user_resource, valid, Ctx};
use crate::Operation;

pub struct PutUserPermissionsBoundary {
    user: String,
    boundary: String,
}

impl Operation for PutUserPermissionsBoundary {
    const NAME: &'static str = "PutUserPermissionsBoundary";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let user = user_name(req)?;
        let boundary = req.required("PermissionsBoundary")?;
        valid(portcullis_model::validate_arn(
            boundary,
            "permissionsBoundary",
        ))?;
        if !is_policy_arn(boundary) {
            return Err(invalid_arn(boundary));
        }
        Ok(PutUserPermissionsBoundary {
            user,
            boundary: boundary.to_string(),
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
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
                let mut user = existing_user(tx.state(), &account, &self.user)?;
                if tx
                    .state()
                    .managed_policy(&account, &self.boundary)
                    .is_none()
                {
                    // Same wording as CreateUser's PermissionsBoundary.
                    return Err(AwsError::no_such_entity(format!(
                        "Scope ARN: {} does not exist or is not attachable.",
                        self.boundary
                    )));
                }
                user.permissions_boundary = Some(self.boundary);
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct DeleteUserPermissionsBoundary {
    user: String,
}

impl Operation for DeleteUserPermissionsBoundary {
    const NAME: &'static str = "DeleteUserPermissionsBoundary";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteUserPermissionsBoundary {
            user: user_name(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    /// `iam:PermissionsBoundary` is the boundary being removed.
    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        boundary_context(caller, state, &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut user = existing_user(tx.state(), &account, &self.user)?;
                // Removing a boundary the user does not have changes nothing and succeeds.
                if user.permissions_boundary.take().is_none() {
                    return Ok(());
                }
                tx.put_user(&account, user)
            })
            .await
    }
}
