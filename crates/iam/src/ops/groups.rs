//! Groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
//! AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.
//!
//! Membership is stored on the user only (`user.groups`, case-folded group names); a group's
//! members are derived by scanning the users, so the two sides can never disagree.

use std::sync::Arc;

use portcullis_model::{arn, new_id, IdKind};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{Group, User};
use portcullis_service::state::AccountState;
use portcullis_service::{Caller, State, Tx};

use crate::support::{
    decode_path, no_such_user, path_matches, user_resource, valid, write_user, Ctx,
};
use crate::{family, Operation};

/// AWS's default quota of groups per account (`GroupsQuota`).
pub const GROUPS_PER_ACCOUNT: usize = 300;
/// AWS's fixed quota of groups one user can belong to (`GroupsPerUserQuota`).
pub const GROUPS_PER_USER: usize = 10;

/// Reads and validates a `groupNameType` member.
pub(crate) fn group_name(req: &QueryRequest, member: &str) -> Result<String, AwsError> {
    let name = req.required(member)?;
    valid(portcullis_model::validate_group_name(
        name,
        &portcullis_protocol::lower_first(member),
    ))?;
    Ok(name.to_string())
}

/// Reads and validates an `existingUserNameType` member.
pub(crate) fn existing_user_name(req: &QueryRequest, member: &str) -> Result<String, AwsError> {
    let name = req.required(member)?;
    valid(portcullis_model::validate_existing_user_name(
        name,
        &portcullis_protocol::lower_first(member),
    ))?;
    Ok(name.to_string())
}

/// The ARN of group `name`, with its path if the group exists (authorization needs the real
/// ARN; a missing group is reported after authorization, as AWS does).
pub(crate) fn group_resource(state: &State, account: &str, name: &str) -> String {
    state
        .account(account)
        .and_then(|a| a.group(name))
        .map(|g| g.arn.clone())
        .unwrap_or_else(|| arn::group_arn(account, "/", name))
}

pub(crate) fn no_such_group(name: &str) -> AwsError {
    AwsError::no_such_entity(format!("The group with name {name} cannot be found."))
}

/// The `Group` shape.
pub(crate) fn write_group(out: &mut ResponseWriter, g: &Group) {
    out.element("Path", &g.path)
        .element("GroupName", &g.name)
        .element("GroupId", &g.id)
        .element("Arn", &g.arn)
        .timestamp("CreateDate", g.create_date);
}

/// The members of the group whose case-folded name is `key`, ordered by case-folded user
/// name (the users map's order).
pub(crate) fn members<'a>(
    acct: &'a AccountState,
    key: &'a str,
) -> impl Iterator<Item = &'a Arc<User>> + 'a {
    acct.users
        .values()
        .filter(move |u| u.groups.iter().any(|g| g == key))
}

/// The groups of `user` (case-folded names resolved against the account), by case-folded name.
pub(crate) fn groups_of<'a>(acct: &'a AccountState, user: &User) -> Vec<&'a Arc<Group>> {
    let mut keys: Vec<&String> = user.groups.iter().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| acct.groups.get(k))
        .collect()
}

/// Rewrites every membership of group key `old` to `new` (a rename), through `tx`.
fn move_memberships(tx: &mut Tx<'_>, account: &str, old: &str, new: &str) -> Result<(), AwsError> {
    let acct = tx.account(account)?;
    let moved: Vec<User> = members(acct, old)
        .map(|u| {
            let mut u = (**u).clone();
            for g in &mut u.groups {
                if g == old {
                    *g = new.to_string();
                }
            }
            u
        })
        .collect();
    for u in moved {
        tx.put_user(account, u)?;
    }
    Ok(())
}

pub struct CreateGroup {
    name: String,
    path: String,
}

impl Operation for CreateGroup {
    const NAME: &'static str = "CreateGroup";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(CreateGroup {
            name: group_name(req, "GroupName")?,
            path: decode_path(req, "Path")?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        arn::group_arn(&caller.account, &self.path, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let group = ctx
            .svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                if acct.group(&self.name).is_some() {
                    return Err(AwsError::entity_already_exists(format!(
                        "Group with name {} already exists.",
                        self.name
                    )));
                }
                if acct.groups.len() >= GROUPS_PER_ACCOUNT {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for GroupsPerAccount: {GROUPS_PER_ACCOUNT}"
                    )));
                }
                let group = Group {
                    arn: arn::group_arn(&account, &self.path, &self.name),
                    name: self.name,
                    path: self.path,
                    id: new_id(IdKind::Group, &mut rand::rng()),
                    create_date: tx.now(),
                    inline_policies: Default::default(),
                    attached_policies: Vec::new(),
                };
                tx.put_group(&account, group.clone())?;
                Ok(group)
            })
            .await?;
        out.start("Group");
        write_group(out, &group);
        out.end();
        Ok(())
    }
}

pub struct GetGroup {
    name: String,
    page: Page,
}

impl Operation for GetGroup {
    const NAME: &'static str = "GetGroup";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetGroup {
            name: group_name(req, "GroupName")?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let group = acct
            .group(&self.name)
            .ok_or_else(|| no_such_group(&self.name))?;
        let key = group.name.to_lowercase();
        let users: Vec<&Arc<User>> = members(acct, &key).collect();
        let page = self.page.paginate(&users, |u| u.name.to_lowercase());
        out.start("Group");
        write_group(out, group);
        out.end();
        out.list("Users", page.items, |w, u| write_user(w, u, false));
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

pub struct ListGroups {
    path_prefix: Option<String>,
    page: Page,
}

impl Operation for ListGroups {
    const NAME: &'static str = "ListGroups";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let path_prefix = req.get("PathPrefix").map(str::to_string);
        if let Some(p) = &path_prefix {
            valid(portcullis_model::validate_path_prefix(p, "pathPrefix"))?;
        }
        Ok(ListGroups {
            path_prefix,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        format!("arn:aws:iam::{}:group/", caller.account)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let groups: Vec<(&String, &Arc<Group>)> = acct
            .groups
            .iter()
            .filter(|(_, g)| path_matches(&g.path, self.path_prefix.as_deref()))
            .collect();
        let page = self.page.paginate(&groups, |(k, _)| k.as_str());
        out.list("Groups", page.items, |w, (_, g)| write_group(w, g));
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

pub struct UpdateGroup {
    name: String,
    new_name: Option<String>,
    new_path: Option<String>,
}

impl Operation for UpdateGroup {
    const NAME: &'static str = "UpdateGroup";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let new_name = match req.get("NewGroupName") {
            Some(_) => Some(group_name(req, "NewGroupName")?),
            None => None,
        };
        let new_path = match req.get("NewPath") {
            Some(_) => Some(decode_path(req, "NewPath")?),
            None => None,
        };
        Ok(UpdateGroup {
            name: group_name(req, "GroupName")?,
            new_name,
            new_path,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        // A rename needs permission on the new name too, as AWS documents for UpdateGroup.
        if let Some(n) = &self.new_name {
            let path = self.new_path.clone().unwrap_or_else(|| {
                ctx.snapshot
                    .account(&account)
                    .and_then(|a| a.group(&self.name))
                    .map(|g| g.path.clone())
                    .unwrap_or("/".into())
            });
            ctx.authorize("iam:UpdateGroup", &arn::group_arn(&account, &path, n))?;
        }
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let old = acct
                    .group(&self.name)
                    .ok_or_else(|| no_such_group(&self.name))?
                    .clone();
                let mut group = (*old).clone();
                if let Some(n) = &self.new_name {
                    if !n.eq_ignore_ascii_case(&old.name) && acct.group(n).is_some() {
                        return Err(AwsError::entity_already_exists(format!(
                            "Group with name {n} already exists."
                        )));
                    }
                    group.name = n.clone();
                }
                if let Some(p) = &self.new_path {
                    group.path = p.clone();
                }
                group.arn = arn::group_arn(&account, &group.path, &group.name);
                let (old_key, new_key) = (old.name.to_lowercase(), group.name.to_lowercase());
                if old_key != new_key {
                    tx.delete_group(&account, &old.name)?;
                    move_memberships(tx, &account, &old_key, &new_key)?;
                }
                tx.put_group(&account, group)
            })
            .await
    }
}

pub struct DeleteGroup {
    name: String,
}

impl Operation for DeleteGroup {
    const NAME: &'static str = "DeleteGroup";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteGroup {
            name: group_name(req, "GroupName")?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let group = acct
                    .group(&self.name)
                    .ok_or_else(|| no_such_group(&self.name))?
                    .clone();
                let conflict = |what: &str| {
                    AwsError::delete_conflict(format!("Cannot delete entity, must {what} first."))
                };
                if members(acct, &group.name.to_lowercase()).next().is_some() {
                    return Err(conflict("remove users from group"));
                }
                if !group.inline_policies.is_empty() {
                    return Err(conflict("delete policies"));
                }
                if !group.attached_policies.is_empty() {
                    return Err(conflict("detach all policies"));
                }
                tx.delete_group(&account, &group.name)
            })
            .await
    }
}

/// The `GroupName` + `UserName` pair of AddUserToGroup and RemoveUserFromGroup.
struct Membership {
    group: String,
    user: String,
}

impl Membership {
    fn decode(req: &QueryRequest) -> Result<Self, AwsError> {
        Ok(Membership {
            group: group_name(req, "GroupName")?,
            user: existing_user_name(req, "UserName")?,
        })
    }

    /// The existing user (cloned for change) and the group's case-folded name.
    fn resolve(&self, tx: &Tx<'_>, account: &str) -> Result<(User, String), AwsError> {
        let acct = tx.account(account)?;
        let group = acct
            .group(&self.group)
            .ok_or_else(|| no_such_group(&self.group))?;
        let user = acct
            .user(&self.user)
            .ok_or_else(|| no_such_user(&self.user))?;
        Ok(((**user).clone(), group.name.to_lowercase()))
    }
}

pub struct AddUserToGroup(Membership);

impl Operation for AddUserToGroup {
    const NAME: &'static str = "AddUserToGroup";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Membership::decode(req).map(AddUserToGroup)
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.0.group)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let (mut user, key) = self.0.resolve(tx, &account)?;
                // Adding a member again is a no-op, as in AWS.
                if user.groups.contains(&key) {
                    return Ok(());
                }
                if user.groups.len() >= GROUPS_PER_USER {
                    return Err(AwsError::limit_exceeded(format!(
                        "Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}"
                    )));
                }
                user.groups.push(key);
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct RemoveUserFromGroup(Membership);

impl Operation for RemoveUserFromGroup {
    const NAME: &'static str = "RemoveUserFromGroup";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Membership::decode(req).map(RemoveUserFromGroup)
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        group_resource(state, &caller.account, &self.0.group)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let (mut user, key) = self.0.resolve(tx, &account)?;
                if !user.groups.contains(&key) {
                    // Not a member: the user cannot be found in the group.
                    return Err(no_such_user(&self.0.user));
                }
                user.groups.retain(|g| *g != key);
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct ListGroupsForUser {
    user: String,
    page: Page,
}

impl Operation for ListGroupsForUser {
    const NAME: &'static str = "ListGroupsForUser";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListGroupsForUser {
            user: existing_user_name(req, "UserName")?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let user = acct
            .user(&self.user)
            .ok_or_else(|| no_such_user(&self.user))?;
        let groups = groups_of(acct, user);
        let page = self.page.paginate(&groups, |g| g.name.to_lowercase());
        out.list("Groups", page.items, |w, g| write_group(w, g));
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

family!(
    CreateGroup,
    GetGroup,
    ListGroups,
    UpdateGroup,
    DeleteGroup,
    AddUserToGroup,
    RemoveUserFromGroup,
    ListGroupsForUser
);

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_service::entity::Account;
    use time::OffsetDateTime;

    fn user(name: &str, groups: &[&str]) -> Arc<User> {
        Arc::new(User {
            name: name.into(),
            path: "/".into(),
            id: format!("AIDA{name}"),
            arn: arn::user_arn("123456789012", "/", name),
            create_date: OffsetDateTime::UNIX_EPOCH,
            tags: Vec::new(),
            permissions_boundary: None,
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn members_are_derived_from_the_users_case_folded_group_names() {
        let mut acct = AccountState::new(Account {
            id: "123456789012".into(),
            aliases: Vec::new(),
            create_date: OffsetDateTime::UNIX_EPOCH,
        });
        for u in [
            user("Zed", &["admins"]),
            user("amy", &["admins", "ops"]),
            user("bo", &[]),
        ] {
            acct.users.insert(u.name.to_lowercase(), u);
        }
        let names: Vec<&str> = members(&acct, "admins").map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["amy", "Zed"], "ordered by case-folded user name");
        assert_eq!(members(&acct, "ops").count(), 1);
        assert_eq!(members(&acct, "nobody").count(), 0);
    }

    #[test]
    fn missing_groups_get_a_path_less_arn_for_authorization() {
        let state = State::empty(Arc::new(Default::default()));
        assert_eq!(
            group_resource(&state, "123456789012", "Devs"),
            "arn:aws:iam::123456789012:group/Devs"
        );
    }
}
