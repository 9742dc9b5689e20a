//! Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags.

use portcullis_model::{arn, new_id, IdKind};
use portcullis_policy::{PolicyKind, PolicyType, PrincipalBlock, PrincipalType};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{PolicyDoc, Role, Tag};
use portcullis_service::{Caller, State};

use crate::support::{
    decode_path, decode_tags, from_model, path_matches, tag_error, to_model, valid, write_tags, Ctx,
};
use crate::{family, Operation};

/// AWS's default quota of roles per account.
pub const ROLES_PER_ACCOUNT: usize = 1000;
/// `MaxSessionDuration` bounds, in seconds.
pub const MIN_SESSION: i32 = 3600;
pub const MAX_SESSION: i32 = 43_200;

pub(crate) fn role_name(req: &QueryRequest) -> Result<String, AwsError> {
    let name = req.required("RoleName")?;
    valid(portcullis_model::validate_role_name(name, "roleName"))?;
    Ok(name.to_string())
}

pub(crate) fn role_resource(state: &State, account: &str, name: &str) -> String {
    state
        .account(account)
        .and_then(|a| a.role(name))
        .map(|r| r.arn.clone())
        .unwrap_or_else(|| arn::role_arn(account, "/", name))
}

pub(crate) fn no_such_role(name: &str) -> AwsError {
    AwsError::no_such_entity(format!("The role with name {name} cannot be found."))
}

fn max_session(req: &QueryRequest) -> Result<Option<u32>, AwsError> {
    match req.opt_i32("MaxSessionDuration")? {
        None => Ok(None),
        Some(v) => {
            valid(portcullis_model::validation::check_int_range(
                v.into(),
                "maxSessionDuration",
                Some(MIN_SESSION.into()),
                Some(MAX_SESSION.into()),
            ))?;
            Ok(u32::try_from(v).ok())
        }
    }
}

fn description(req: &QueryRequest) -> Result<Option<String>, AwsError> {
    match req.get("Description") {
        Some(d) => {
            valid(portcullis_model::validate_role_description(
                d,
                "description",
            ))?;
            Ok(Some(d.to_string()))
        }
        None => Ok(None),
    }
}

/// Validates a trust policy as IAM does: the role-trust grammar, the trust-policy size quota,
/// and every IAM user or role it names in an account hosted here must exist
/// (`Invalid principal in policy`).
fn trust_policy(state: &State, text: &str, role_arn: &str) -> Result<PolicyDoc, AwsError> {
    let policy_error =
        |e: portcullis_policy::PolicyError| AwsError::new(e.code().as_str(), e.to_string());
    portcullis_policy::check_size(
        text,
        portcullis_policy::limits::ROLE_TRUST,
        "ACLSizePerRole",
    )
    .map_err(policy_error)?;
    let doc = PolicyDoc::new(
        text,
        PolicyKind::RoleTrust,
        role_arn,
        PolicyType::ResourceBased,
    )
    .map_err(policy_error)?;
    for st in doc.parsed().statements() {
        let Some((_, PrincipalBlock::Map(entries))) = st.principal() else {
            continue;
        };
        for (ty, values) in entries {
            if *ty != PrincipalType::Aws {
                continue;
            }
            for v in values {
                if !principal_exists(state, v) {
                    return Err(AwsError::malformed_policy_document(format!(
                        "Invalid principal in policy: \"AWS\":\"{v}\""
                    )));
                }
            }
        }
    }
    Ok(doc)
}

/// Whether an `AWS` principal value names something that exists: only IAM users and roles
/// of accounts hosted on this server can be checked; anything else is taken as written.
fn principal_exists(state: &State, value: &str) -> bool {
    let Ok(a) = value.parse::<portcullis_model::Arn>() else {
        return true;
    };
    if a.service != "iam" {
        return true;
    }
    let Some(acct) = state.account(&a.account) else {
        return true;
    };
    let name = a.resource.rsplit('/').next().unwrap_or_default();
    if a.resource.starts_with("user/") {
        acct.user(name).is_some_and(|u| u.arn == value)
    } else if a.resource.starts_with("role/") {
        acct.role(name).is_some_and(|r| r.arn == value)
    } else {
        true
    }
}

fn write_role(out: &mut ResponseWriter, r: &Role, full: bool) {
    out.element("Path", &r.path)
        .element("RoleName", &r.name)
        .element("RoleId", &r.id)
        .element("Arn", &r.arn)
        .timestamp("CreateDate", r.create_date)
        .element(
            "AssumeRolePolicyDocument",
            &crate::ops::inline_policies::encode_document(r.assume_role_policy.text()),
        )
        .opt_element("Description", r.description.as_deref())
        .display_element("MaxSessionDuration", r.max_session_duration);
    if full {
        if let Some(b) = &r.permissions_boundary {
            out.start("PermissionsBoundary")
                .element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .element("PermissionsBoundaryArn", b)
                .end();
        }
        write_tags(out, &r.tags);
        out.start("RoleLastUsed");
        if let Some(l) = &r.last_used {
            out.timestamp("LastUsedDate", l.date)
                .element("Region", &l.region);
        }
        out.end();
    }
}

pub struct CreateRole {
    name: String,
    path: String,
    trust: String,
    description: Option<String>,
    max_session: Option<u32>,
    boundary: Option<String>,
    tags: Vec<Tag>,
}

impl Operation for CreateRole {
    const NAME: &'static str = "CreateRole";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let trust = req.required("AssumeRolePolicyDocument")?;
        valid(portcullis_model::validate_policy_document(
            trust,
            "assumeRolePolicyDocument",
        ))?;
        let boundary = req.get("PermissionsBoundary").map(str::to_string);
        if let Some(b) = &boundary {
            valid(portcullis_model::validate_arn(b, "permissionsBoundary"))?;
        }
        Ok(CreateRole {
            name: role_name(req)?,
            path: decode_path(req, "Path")?,
            trust: trust.to_string(),
            description: description(req)?,
            max_session: max_session(req)?,
            boundary,
            tags: decode_tags(req)?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        arn::role_arn(&caller.account, &self.path, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let role_arn = arn::role_arn(&account, &self.path, &self.name);
        if !self.tags.is_empty() {
            ctx.authorize("iam:TagRole", &role_arn)?;
        }
        if self.boundary.is_some() {
            ctx.authorize("iam:PutRolePermissionsBoundary", &role_arn)?;
        }
        let id = new_id(IdKind::Role, &mut rand::rng());
        let role = ctx
            .svc
            .write(|tx| {
                let state = tx.state();
                let acct = tx.account(&account)?;
                if acct.role(&self.name).is_some() {
                    return Err(AwsError::entity_already_exists(format!(
                        "Role with name {} already exists.",
                        self.name
                    )));
                }
                if acct.roles.len() >= ROLES_PER_ACCOUNT {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for RolesPerAccount: {ROLES_PER_ACCOUNT}"
                    )));
                }
                if let Some(b) = &self.boundary {
                    if state.managed_policy(&account, b).is_none() {
                        return Err(AwsError::no_such_entity(format!(
                            "Scope ARN: {b} does not exist or is not attachable."
                        )));
                    }
                }
                let role = Role {
                    assume_role_policy: trust_policy(state, &self.trust, &role_arn)?,
                    name: self.name,
                    path: self.path,
                    id,
                    arn: role_arn,
                    create_date: tx.now(),
                    description: self.description,
                    max_session_duration: self.max_session.unwrap_or(3600),
                    permissions_boundary: self.boundary,
                    tags: self.tags,
                    inline_policies: Default::default(),
                    attached_policies: Vec::new(),
                    last_used: None,
                };
                tx.put_role(&account, role.clone())?;
                Ok(role)
            })
            .await?;
        out.start("Role");
        write_role(out, &role, false);
        write_tags(out, &role.tags);
        out.end();
        Ok(())
    }
}

pub struct GetRole {
    name: String,
}

impl Operation for GetRole {
    const NAME: &'static str = "GetRole";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetRole {
            name: role_name(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let role = acct
            .role(&self.name)
            .ok_or_else(|| no_such_role(&self.name))?;
        out.start("Role");
        write_role(out, role, true);
        out.end();
        Ok(())
    }
}

pub struct ListRoles {
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListRoles {
    const NAME: &'static str = "ListRoles";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let path_prefix = req.get("PathPrefix").map(str::to_string);
        if let Some(p) = &path_prefix {
            valid(portcullis_model::validate_path_prefix(p, "pathPrefix"))?;
        }
        Ok(ListRoles {
            path_prefix,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        format!("arn:aws:iam::{}:role/", caller.account)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let roles: Vec<_> = acct
            .roles
            .iter()
            .filter(|(_, r)| path_matches(&r.path, self.path_prefix.as_deref()))
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect();
        let page = self.page.paginate(&roles, |(k, _)| k.clone());
        out.list("Roles", page.items, |w, (_, r)| write_role(w, r, false));
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

/// Applies `change` to an existing role inside one write.
async fn update_role(
    ctx: &Ctx<'_>,
    name: &str,
    change: impl FnOnce(&State, &mut Role) -> Result<(), AwsError>,
) -> Result<Role, AwsError> {
    let account = ctx.account().to_string();
    ctx.svc
        .write(|tx| {
            let acct = tx.account(&account)?;
            let mut role = (**acct.role(name).ok_or_else(|| no_such_role(name))?).clone();
            change(tx.state(), &mut role)?;
            tx.put_role(&account, role.clone())?;
            Ok(role)
        })
        .await
}

pub struct UpdateRole {
    name: String,
    description: Option<String>,
    max_session: Option<u32>,
}

impl Operation for UpdateRole {
    const NAME: &'static str = "UpdateRole";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(UpdateRole {
            name: role_name(req)?,
            description: description(req)?,
            max_session: max_session(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        update_role(ctx, &self.name, |_, r| {
            if let Some(d) = self.description {
                r.description = Some(d);
            }
            if let Some(m) = self.max_session {
                r.max_session_duration = m;
            }
            Ok(())
        })
        .await
        .map(|_| ())
    }
}

pub struct UpdateRoleDescription {
    name: String,
    description: String,
}

impl Operation for UpdateRoleDescription {
    const NAME: &'static str = "UpdateRoleDescription";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let d = req.required("Description")?;
        valid(portcullis_model::validate_role_description(
            d,
            "description",
        ))?;
        Ok(UpdateRoleDescription {
            name: role_name(req)?,
            description: d.to_string(),
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let role = update_role(ctx, &self.name, |_, r| {
            r.description = Some(self.description);
            Ok(())
        })
        .await?;
        out.start("Role");
        write_role(out, &role, true);
        out.end();
        Ok(())
    }
}

pub struct UpdateAssumeRolePolicy {
    name: String,
    document: String,
}

impl Operation for UpdateAssumeRolePolicy {
    const NAME: &'static str = "UpdateAssumeRolePolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let d = req.required("PolicyDocument")?;
        valid(portcullis_model::validate_policy_document(
            d,
            "policyDocument",
        ))?;
        Ok(UpdateAssumeRolePolicy {
            name: role_name(req)?,
            document: d.to_string(),
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        update_role(ctx, &self.name, |state, r| {
            r.assume_role_policy = trust_policy(state, &self.document, &r.arn)?;
            Ok(())
        })
        .await
        .map(|_| ())
    }
}

pub struct DeleteRole {
    name: String,
}

impl Operation for DeleteRole {
    const NAME: &'static str = "DeleteRole";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteRole {
            name: role_name(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let role = acct
                    .role(&self.name)
                    .ok_or_else(|| no_such_role(&self.name))?
                    .clone();
                if !role.inline_policies.is_empty() || !role.attached_policies.is_empty() {
                    return Err(AwsError::delete_conflict(
                        "Cannot delete entity, must delete policies first.",
                    ));
                }
                tx.delete_role(&account, &role.name)
            })
            .await
    }
}

pub struct TagRole {
    name: String,
    tags: Vec<Tag>,
}

impl Operation for TagRole {
    const NAME: &'static str = "TagRole";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(TagRole {
            name: role_name(req)?,
            tags: decode_tags(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        update_role(ctx, &self.name, |_, r| {
            let mut tags = to_model(&r.tags);
            portcullis_model::tags::merge_tags(&mut tags, &to_model(&self.tags))
                .map_err(tag_error)?;
            r.tags = from_model(tags);
            Ok(())
        })
        .await
        .map(|_| ())
    }
}

pub struct UntagRole {
    name: String,
    keys: Vec<String>,
}

impl Operation for UntagRole {
    const NAME: &'static str = "UntagRole";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let keys: Vec<String> = req
            .list("TagKeys")
            .into_iter()
            .map(str::to_string)
            .collect();
        portcullis_model::tags::validate_tag_keys(&keys).map_err(tag_error)?;
        Ok(UntagRole {
            name: role_name(req)?,
            keys,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        update_role(ctx, &self.name, |_, r| {
            r.tags
                .retain(|t| !self.keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
            Ok(())
        })
        .await
        .map(|_| ())
    }
}

pub struct ListRoleTags {
    name: String,
    page: Page,
}

impl Operation for ListRoleTags {
    const NAME: &'static str = "ListRoleTags";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListRoleTags {
            name: role_name(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        role_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let role = acct
            .role(&self.name)
            .ok_or_else(|| no_such_role(&self.name))?;
        let page = self.page.paginate(&role.tags, |t| t.key.clone());
        out.list("Tags", page.items, |w, t| {
            w.element("Key", &t.key).element("Value", &t.value);
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

family!(
    CreateRole,
    GetRole,
    ListRoles,
    UpdateRole,
    UpdateRoleDescription,
    UpdateAssumeRolePolicy,
    DeleteRole,
    TagRole,
    UntagRole,
    ListRoleTags
);
