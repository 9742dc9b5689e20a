//! ListEntitiesForPolicy: who a managed policy is attached to (or is the boundary of),
//! derived from the users and groups of the caller's account.

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::state::AccountState;
use portcullis_service::{Caller, State};

use crate::ops::managed_policies::{
    decode_usage_filter, find_policy, is_aws_managed, policy_arn_param, resource_tag_context,
    UsageFilter,
};
use crate::support::{path_matches, valid, Ctx};
use crate::Operation;

/// `EntityFilter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityFilter {
    User,
    Role,
    Group,
    LocalManagedPolicy,
    AwsManagedPolicy,
}

impl EntityFilter {
    const NAMES: [&'static str; 5] = [
        "User",
        "Role",
        "Group",
        "LocalManagedPolicy",
        "AWSManagedPolicy",
    ];

    fn parse(s: &str) -> Option<EntityFilter> {
        Some(match s {
            "User" => EntityFilter::User,
            "Role" => EntityFilter::Role,
            "Group" => EntityFilter::Group,
            "LocalManagedPolicy" => EntityFilter::LocalManagedPolicy,
            "AWSManagedPolicy" => EntityFilter::AwsManagedPolicy,
            _ => return None,
        })
    }
}

/// Which kind of entity one listed name is; the order is the order of the response lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Group,
    User,
    Role,
}

/// One entity that uses the policy: `(sort key, kind, name, id)`.
pub(crate) type Entry = (String, Kind, String, String);

/// The entities of `acct` that use `policy_arn` as the filters say, sorted groups first,
/// then users, then roles, each by case-folded name.
pub(crate) fn entities_using(
    acct: &AccountState,
    policy_arn: &str,
    policy_is_aws: bool,
    entity: Option<EntityFilter>,
    usage: Option<UsageFilter>,
    path_prefix: Option<&str>,
) -> Vec<Entry> {
    let (want_users, want_groups, want_roles) = match entity {
        None => (true, true, true),
        Some(EntityFilter::User) => (true, false, false),
        Some(EntityFilter::Group) => (false, true, false),
        Some(EntityFilter::Role) => (false, false, true),
        // These filter on the kind of policy: everything or nothing.
        Some(EntityFilter::LocalManagedPolicy) => (!policy_is_aws, !policy_is_aws, !policy_is_aws),
        Some(EntityFilter::AwsManagedPolicy) => (policy_is_aws, policy_is_aws, policy_is_aws),
    };
    let as_policy = usage != Some(UsageFilter::PermissionsBoundary);
    let as_boundary = usage != Some(UsageFilter::PermissionsPolicy);
    let mut out: Vec<Entry> = Vec::new();
    if want_groups && as_policy {
        out.extend(
            acct.groups
                .iter()
                .filter(|(_, g)| path_matches(&g.path, path_prefix))
                .filter(|(_, g)| g.attached_policies.iter().any(|a| a == policy_arn))
                .map(|(k, g)| (format!("0{k}"), Kind::Group, g.name.clone(), g.id.clone())),
        );
    }
    if want_users {
        out.extend(
            acct.users
                .iter()
                .filter(|(_, u)| path_matches(&u.path, path_prefix))
                .filter(|(_, u)| {
                    (as_policy && u.attached_policies.iter().any(|a| a == policy_arn))
                        || (as_boundary && u.permissions_boundary.as_deref() == Some(policy_arn))
                })
                .map(|(k, u)| (format!("1{k}"), Kind::User, u.name.clone(), u.id.clone())),
        );
    }
    if want_roles {
        out.extend(
            acct.roles
                .iter()
                .filter(|(_, r)| path_matches(&r.path, path_prefix))
                .filter(|(_, r)| {
                    (as_policy && r.attached_policies.iter().any(|a| a == policy_arn))
                        || (as_boundary && r.permissions_boundary.as_deref() == Some(policy_arn))
                })
                .map(|(k, r)| (format!("2{k}"), Kind::Role, r.name.clone(), r.id.clone())),
        );
    }
    out.sort();
    out
}

pub struct ListEntitiesForPolicy {
    arn: String,
    entity: Option<EntityFilter>,
    path_prefix: Option<String>,
    usage: Option<UsageFilter>,
    page: Page,
}

impl Operation for ListEntitiesForPolicy {
    const NAME: &'static str = "ListEntitiesForPolicy";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let arn = policy_arn_param(req, "PolicyArn")?;
        let entity = match req.get("EntityFilter") {
            None => None,
            Some(v) => {
                valid(portcullis_model::validation::check_enum(
                    v,
                    "entityFilter",
                    &EntityFilter::NAMES,
                ))?;
                EntityFilter::parse(v)
            }
        };
        let path_prefix = req.get("PathPrefix").map(str::to_string);
        if let Some(p) = &path_prefix {
            valid(portcullis_model::validate_path(p, "pathPrefix"))?;
        }
        Ok(ListEntitiesForPolicy {
            arn,
            entity,
            path_prefix,
            usage: decode_usage_filter(req)?,
            page: Page::from_params(req.params())?,
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
        let entries = entities_using(
            acct,
            &policy.arn,
            is_aws_managed(&policy.arn),
            self.entity,
            self.usage,
            self.path_prefix.as_deref(),
        );
        let page = self.page.paginate(&entries, |(k, _, _, _)| k.clone());
        let of = |kind: Kind| page.items.iter().filter(move |e| e.1 == kind);
        out.list("PolicyGroups", of(Kind::Group), |w, (_, _, name, id)| {
            w.element("GroupName", name).element("GroupId", id);
        });
        out.list("PolicyUsers", of(Kind::User), |w, (_, _, name, id)| {
            w.element("UserName", name).element("UserId", id);
        });
        out.list("PolicyRoles", of(Kind::Role), |w, (_, _, name, id)| {
            w.element("RoleName", name).element("RoleId", id);
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}
