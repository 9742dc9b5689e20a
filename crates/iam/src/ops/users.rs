//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.

use portcullis_model::{arn, new_id, IdKind};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{Tag, User};
use portcullis_service::{Caller, CallerKind, State};

use crate::support::{
    decode_path, decode_tags, no_such_user, path_matches, user_resource, valid, write_user, Ctx,
};
use crate::{family, Operation};

/// AWS's fixed quota of IAM users per account.
pub const USERS_PER_ACCOUNT: usize = 5000;

fn user_name(req: &QueryRequest, member: &str) -> Result<String, AwsError> {
    let name = req.required(member)?;
    valid(portcullis_model::validate_user_name(
        name,
        &portcullis_protocol::lower_first(member),
    ))?;
    Ok(name.to_string())
}

fn opt_user_name(req: &QueryRequest) -> Result<Option<String>, AwsError> {
    match req.get("UserName") {
        Some(_) => user_name(req, "UserName").map(Some),
        None => Ok(None),
    }
}

/// AWS's answer when an operation that defaults to "the calling user" is called by a role.
pub fn non_user_credentials() -> AwsError {
    AwsError::validation("Must specify userName when calling with non-User credentials")
}

pub struct CreateUser {
    name: String,
    path: String,
    boundary: Option<String>,
    tags: Vec<Tag>,
}

impl Operation for CreateUser {
    const NAME: &'static str = "CreateUser";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let boundary = req.get("PermissionsBoundary").map(str::to_string);
        if let Some(b) = &boundary {
            valid(portcullis_model::validate_arn(b, "permissionsBoundary"))?;
        }
        Ok(CreateUser {
            name: user_name(req, "UserName")?,
            path: decode_path(req, "Path")?,
            boundary,
            tags: decode_tags(req)?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        arn::user_arn(&caller.account, &self.path, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let user_arn = arn::user_arn(&account, &self.path, &self.name);
        if !self.tags.is_empty() {
            ctx.authorize("iam:TagUser", &user_arn)?;
        }
        let user = ctx
            .svc
            .write(|tx| {
                let state = tx.state();
                let acct = tx.account(&account)?;
                if acct.user(&self.name).is_some() {
                    return Err(AwsError::entity_already_exists(format!(
                        "User with name {} already exists.",
                        self.name
                    )));
                }
                if acct.users.len() >= USERS_PER_ACCOUNT {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for UsersPerAccount: {USERS_PER_ACCOUNT}"
                    )));
                }
                if let Some(b) = &self.boundary {
                    if state.managed_policy(&account, b).is_none() {
                        return Err(AwsError::no_such_entity(format!(
                            "Scope ARN: {b} does not exist or is not attachable."
                        )));
                    }
                }
                let user = User {
                    name: self.name,
                    path: self.path,
                    id: new_id(IdKind::User, &mut rand::rng()),
                    arn: user_arn,
                    create_date: tx.now(),
                    tags: self.tags,
                    permissions_boundary: self.boundary,
                    inline_policies: Default::default(),
                    attached_policies: Vec::new(),
                    groups: Vec::new(),
                };
                tx.put_user(&account, user.clone())?;
                Ok(user)
            })
            .await?;
        out.start("User");
        write_user(out, &user, true);
        out.end();
        Ok(())
    }
}

pub struct GetUser {
    name: Option<String>,
}

impl Operation for GetUser {
    const NAME: &'static str = "GetUser";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetUser {
            name: opt_user_name(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        match (&self.name, &caller.kind) {
            (Some(n), _) => user_resource(state, &caller.account, n),
            (None, _) => caller.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let name = match (&self.name, &ctx.caller.kind) {
            (Some(n), _) => n.clone(),
            (None, CallerKind::User { name }) => name.clone(),
            (None, CallerKind::AssumedRole { .. }) => return Err(non_user_credentials()),
            (None, CallerKind::Root) => {
                // The root user has no IAM user entity; AWS answers with the account's identity.
                let acct = ctx.snapshot.account_or_err(ctx.account())?;
                out.start("User")
                    .element("UserId", ctx.account())
                    .element("Arn", &ctx.caller.arn)
                    .timestamp("CreateDate", acct.account.create_date)
                    .end();
                return Ok(());
            }
        };
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let user = acct.user(&name).ok_or_else(|| no_such_user(&name))?;
        out.start("User");
        write_user(out, user, true);
        out.end();
        Ok(())
    }
}

pub struct ListUsers {
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListUsers {
    const NAME: &'static str = "ListUsers";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let path_prefix = req.get("PathPrefix").map(str::to_string);
        if let Some(p) = &path_prefix {
            valid(portcullis_model::validate_path_prefix(p, "pathPrefix"))?;
        }
        Ok(ListUsers {
            path_prefix,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        format!("arn:aws:iam::{}:user/", caller.account)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let users: Vec<_> = acct
            .users
            .iter()
            .filter(|(_, u)| path_matches(&u.path, self.path_prefix.as_deref()))
            .map(|(k, u)| (k.clone(), u.clone()))
            .collect();
        let page = self.page.paginate(&users, |(k, _)| k.clone());
        out.list("Users", page.items, |w, (_, u)| write_user(w, u, false));
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

pub struct UpdateUser {
    name: String,
    new_name: Option<String>,
    new_path: Option<String>,
}

impl Operation for UpdateUser {
    const NAME: &'static str = "UpdateUser";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let new_name = match req.get("NewUserName") {
            Some(_) => Some(user_name(req, "NewUserName")?),
            None => None,
        };
        let new_path = match req.get("NewPath") {
            Some(_) => Some(decode_path(req, "NewPath")?),
            None => None,
        };
        Ok(UpdateUser {
            name: user_name(req, "UserName")?,
            new_name,
            new_path,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        // Renaming also needs permission on the new name, as AWS documents for UpdateUser.
        if let Some(n) = &self.new_name {
            let path = self.new_path.clone().unwrap_or_else(|| {
                ctx.snapshot
                    .account(&account)
                    .and_then(|a| a.user(&self.name))
                    .map(|u| u.path.clone())
                    .unwrap_or("/".into())
            });
            ctx.authorize("iam:UpdateUser", &arn::user_arn(&account, &path, n))?;
        }
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let old = acct
                    .user(&self.name)
                    .ok_or_else(|| no_such_user(&self.name))?
                    .clone();
                let mut user = (*old).clone();
                if let Some(n) = &self.new_name {
                    if !n.eq_ignore_ascii_case(&old.name) && acct.user(n).is_some() {
                        return Err(AwsError::entity_already_exists(format!(
                            "User with name {n} already exists."
                        )));
                    }
                    user.name = n.clone();
                }
                if let Some(p) = &self.new_path {
                    user.path = p.clone();
                }
                user.arn = arn::user_arn(&account, &user.path, &user.name);
                // Access keys name their owner: follow the rename.
                let keys: Vec<_> = tx
                    .state()
                    .access_keys
                    .values()
                    .filter(|k| {
                        k.key.account == account
                            && k.key.user_name.as_deref() == Some(old.name.as_str())
                    })
                    .map(|k| k.key.clone())
                    .collect();
                if user.name != old.name {
                    tx.delete_user(&account, &old.name)?;
                    for mut k in keys {
                        k.user_name = Some(user.name.clone());
                        tx.update_access_key(k)?;
                    }
                }
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct DeleteUser {
    name: String,
}

impl Operation for DeleteUser {
    const NAME: &'static str = "DeleteUser";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteUser {
            name: user_name(req, "UserName")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let user = acct
                    .user(&self.name)
                    .ok_or_else(|| no_such_user(&self.name))?
                    .clone();
                let conflict = |what: &str| {
                    AwsError::delete_conflict(format!("Cannot delete entity, must {what} first."))
                };
                if tx.state().access_keys.values().any(|k| {
                    k.key.account == account
                        && k.key.user_name.as_deref() == Some(user.name.as_str())
                }) {
                    return Err(conflict("delete access keys"));
                }
                if !user.inline_policies.is_empty() || !user.attached_policies.is_empty() {
                    return Err(conflict("delete policies"));
                }
                if !user.groups.is_empty() {
                    return Err(conflict("remove users from group"));
                }
                tx.delete_user(&account, &user.name)
            })
            .await
    }
}

family!(CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser);
