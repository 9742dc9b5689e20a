//! Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
//! GetAccessKeyLastUsed. The secret is returned once, by CreateAccessKey, and stored only
//! sealed.

use portcullis_model::{new_id, new_secret_access_key, IdKind};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{AccessKey, KeyStatus};
use portcullis_service::{Caller, CallerKind, State};

use crate::support::{no_such_user, user_resource, valid, Ctx};
use crate::{family, Operation};

/// AWS's quota of access keys per user (and for the root user).
pub const ACCESS_KEYS_PER_USER: usize = 2;

/// Whose keys a call is about: an IAM user, or (no UserName, root caller) the root user.
#[derive(Clone)]
enum Owner {
    User(String),
    Root,
}

fn owner(req: &QueryRequest, caller: &Caller) -> Result<Owner, AwsError> {
    match req.get("UserName") {
        Some(n) => {
            valid(portcullis_model::validate_user_name(n, "userName"))?;
            Ok(Owner::User(n.to_string()))
        }
        None => Ok(match &caller.kind {
            CallerKind::User { name } => Owner::User(name.clone()),
            CallerKind::Root => Owner::Root,
            CallerKind::AssumedRole { .. } => return Err(super::users::non_user_credentials()),
        }),
    }
}

fn owner_resource(owner: &Owner, caller: &Caller, state: &State) -> String {
    match owner {
        Owner::User(n) => user_resource(state, &caller.account, n),
        Owner::Root => caller.arn.clone(),
    }
}

fn key_id(req: &QueryRequest) -> Result<String, AwsError> {
    let id = req.required("AccessKeyId")?;
    valid(portcullis_model::validate_access_key_id(id, "accessKeyId"))?;
    Ok(id.to_string())
}

fn no_such_key(id: &str) -> AwsError {
    AwsError::no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

/// Checks that the owner exists and returns the owner's canonical user name.
fn existing_owner(state: &State, account: &str, owner: &Owner) -> Result<Option<String>, AwsError> {
    match owner {
        Owner::Root => Ok(None),
        Owner::User(n) => {
            let acct = state.account_or_err(account)?;
            Ok(Some(
                acct.user(n).ok_or_else(|| no_such_user(n))?.name.clone(),
            ))
        }
    }
}

fn keys_of<'s>(
    state: &'s State,
    account: &'s str,
    user: Option<&'s str>,
) -> impl Iterator<Item = &'s AccessKey> + 's {
    state
        .access_keys
        .values()
        .map(|e| &e.key)
        .filter(move |k| k.account == account && k.user_name.as_deref() == user)
}

pub struct CreateAccessKey {
    owner: Owner,
}

impl Operation for CreateAccessKey {
    const NAME: &'static str = "CreateAccessKey";

    fn decode(req: &QueryRequest, caller: &Caller) -> Result<Self, AwsError> {
        Ok(CreateAccessKey {
            owner: owner(req, caller)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        owner_resource(&self.owner, caller, state)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let (id, secret) = {
            let mut rng = rand::rng();
            // Wiped from memory when dropped; the only other copy is the sealed one.
            (
                new_id(IdKind::AccessKey, &mut rng),
                zeroize::Zeroizing::new(new_secret_access_key(&mut rng)),
            )
        };
        let key = ctx
            .svc
            .write(|tx| {
                let user = existing_owner(tx.state(), &account, &self.owner)?;
                if keys_of(tx.state(), &account, user.as_deref()).count() >= ACCESS_KEYS_PER_USER {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}"
                    )));
                }
                let key = AccessKey {
                    id,
                    account: account.clone(),
                    user_name: user,
                    status: KeyStatus::Active,
                    create_date: tx.now(),
                    sealed_secret: String::new(),
                    last_used: None,
                };
                tx.create_access_key(key.clone(), &secret)?;
                Ok(key)
            })
            .await?;
        out.start("AccessKey");
        if let Some(u) = &key.user_name {
            out.element("UserName", u);
        }
        out.element("AccessKeyId", &key.id)
            .element("Status", key.status.as_str())
            .element("SecretAccessKey", &secret)
            .timestamp("CreateDate", key.create_date)
            .end();
        Ok(())
    }
}

pub struct ListAccessKeys {
    owner: Owner,
    page: Page,
}

impl Operation for ListAccessKeys {
    const NAME: &'static str = "ListAccessKeys";

    fn decode(req: &QueryRequest, caller: &Caller) -> Result<Self, AwsError> {
        Ok(ListAccessKeys {
            owner: owner(req, caller)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        owner_resource(&self.owner, caller, state)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let user = existing_owner(&ctx.snapshot, ctx.account(), &self.owner)?;
        let mut keys: Vec<&AccessKey> =
            keys_of(&ctx.snapshot, ctx.account(), user.as_deref()).collect();
        keys.sort_by(|a, b| a.id.cmp(&b.id));
        let page = self.page.paginate(&keys, |k| k.id.clone());
        out.list("AccessKeyMetadata", page.items, |w, k| {
            if let Some(u) = &k.user_name {
                w.element("UserName", u);
            }
            w.element("AccessKeyId", &k.id)
                .element("Status", k.status.as_str())
                .timestamp("CreateDate", k.create_date);
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

pub struct UpdateAccessKey {
    owner: Owner,
    id: String,
    status: KeyStatus,
}

impl Operation for UpdateAccessKey {
    const NAME: &'static str = "UpdateAccessKey";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, caller: &Caller) -> Result<Self, AwsError> {
        let status = req.required("Status")?;
        valid(portcullis_model::validation::check_enum(
            status,
            "status",
            &["Active", "Inactive"],
        ))?;
        let status = if status == "Active" {
            KeyStatus::Active
        } else {
            KeyStatus::Inactive
        };
        Ok(UpdateAccessKey {
            owner: owner(req, caller)?,
            id: key_id(req)?,
            status,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        owner_resource(&self.owner, caller, state)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let user = existing_owner(tx.state(), &account, &self.owner)?;
                let mut key = keys_of(tx.state(), &account, user.as_deref())
                    .find(|k| k.id == self.id)
                    .cloned()
                    .ok_or_else(|| no_such_key(&self.id))?;
                key.status = self.status;
                tx.update_access_key(key)
            })
            .await
    }
}

pub struct DeleteAccessKey {
    owner: Owner,
    id: String,
}

impl Operation for DeleteAccessKey {
    const NAME: &'static str = "DeleteAccessKey";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, caller: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteAccessKey {
            owner: owner(req, caller)?,
            id: key_id(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        owner_resource(&self.owner, caller, state)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let user = existing_owner(tx.state(), &account, &self.owner)?;
                if !keys_of(tx.state(), &account, user.as_deref()).any(|k| k.id == self.id) {
                    return Err(no_such_key(&self.id));
                }
                tx.delete_access_key(&account, &self.id);
                Ok(())
            })
            .await
    }
}

pub struct GetAccessKeyLastUsed {
    id: String,
}

impl Operation for GetAccessKeyLastUsed {
    const NAME: &'static str = "GetAccessKeyLastUsed";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetAccessKeyLastUsed { id: key_id(req)? })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        // Authorized against the key's owner, as AWS does.
        match state.access_keys.get(&self.id).map(|e| &e.key) {
            Some(k) if k.account == caller.account => match &k.user_name {
                Some(u) => user_resource(state, &caller.account, u),
                None => portcullis_model::arn::root_arn(&caller.account),
            },
            _ => format!("arn:aws:iam::{}:user/", caller.account),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let key = ctx
            .snapshot
            .access_keys
            .get(&self.id)
            .map(|e| e.key.clone())
            .filter(|k| k.account == ctx.account())
            .ok_or_else(|| {
                AwsError::access_denied("Access key does not belong to this account.".to_string())
            })?;
        if let Some(u) = &key.user_name {
            out.element("UserName", u);
        }
        out.start("AccessKeyLastUsed");
        let last_used = ctx
            .svc
            .key_usage()
            .get(&key.id)
            .or_else(|| key.last_used.clone());
        match &last_used {
            Some(l) => {
                out.timestamp("LastUsedDate", l.date)
                    .element("ServiceName", &l.service)
                    .element("Region", &l.region);
            }
            None => {
                out.element("ServiceName", "N/A").element("Region", "N/A");
            }
        }
        out.end();
        Ok(())
    }
}

family!(
    CreateAccessKey,
    ListAccessKeys,
    UpdateAccessKey,
    DeleteAccessKey,
    GetAccessKeyLastUsed
);
