//! The account: GetAccountSummary, CreateAccountAlias, DeleteAccountAlias, ListAccountAliases,
//! GetAccountAuthorizationDetails.

use std::sync::Arc;

use portcullis_model::ValidationError;
use portcullis_policy::limits;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{Group, ManagedPolicy, PolicyDoc, Role, User};
use portcullis_service::state::AccountState;
use portcullis_service::{Caller, State};

use crate::ops::access_keys::ACCESS_KEYS_PER_USER;
use crate::ops::groups::{groups_of, write_group, GROUPS_PER_ACCOUNT, GROUPS_PER_USER};
use crate::ops::inline_policies::encode_document;
use crate::ops::users::USERS_PER_ACCOUNT;
use crate::support::{valid, write_tags, Ctx};
use crate::{family, Operation};

/// AWS's default quotas reported by GetAccountSummary that no operation here enforces yet.
mod quota {
    pub const POLICIES: usize = 1500;
    pub const POLICY_VERSIONS_IN_USE: usize = 10000;
    pub const VERSIONS_PER_POLICY: usize = 5;
    pub const ATTACHED_POLICIES_PER_ENTITY: usize = 10;
    pub const SERVER_CERTIFICATES: usize = 20;
    pub const SIGNING_CERTIFICATES_PER_USER: usize = 2;
    pub const ROLES: usize = 1000;
    pub const INSTANCE_PROFILES: usize = 1000;
}

/// The account-wide actions have no resource type: AWS authorizes them against `*`.
fn any_resource(_: &Caller) -> String {
    "*".to_string()
}

/// Counts of one account's entities, as GetAccountSummary reports them.
pub(crate) fn summary(state: &State, acct: &AccountState) -> Vec<(&'static str, usize)> {
    let attachments: usize = acct
        .users
        .values()
        .map(|u| u.attached_policies.len())
        .chain(acct.groups.values().map(|g| g.attached_policies.len()))
        .chain(acct.roles.values().map(|r| r.attached_policies.len()))
        .sum();
    let root_keys = state
        .access_keys
        .values()
        .any(|k| k.key.account == acct.id() && k.key.user_name.is_none());
    vec![
        ("Users", acct.users.len()),
        ("UsersQuota", USERS_PER_ACCOUNT),
        ("Groups", acct.groups.len()),
        ("GroupsQuota", GROUPS_PER_ACCOUNT),
        ("ServerCertificates", 0),
        ("ServerCertificatesQuota", quota::SERVER_CERTIFICATES),
        ("UserPolicySizeQuota", limits::USER_INLINE),
        ("GroupPolicySizeQuota", limits::GROUP_INLINE),
        ("GroupsPerUserQuota", GROUPS_PER_USER),
        (
            "SigningCertificatesPerUserQuota",
            quota::SIGNING_CERTIFICATES_PER_USER,
        ),
        ("AccessKeysPerUserQuota", ACCESS_KEYS_PER_USER),
        ("MFADevices", 0),
        ("MFADevicesInUse", 0),
        ("AccountMFAEnabled", 0),
        ("AccountAccessKeysPresent", usize::from(root_keys)),
        ("AccountPasswordPresent", 0),
        ("AccountSigningCertificatesPresent", 0),
        (
            "AttachedPoliciesPerGroupQuota",
            quota::ATTACHED_POLICIES_PER_ENTITY,
        ),
        (
            "AttachedPoliciesPerRoleQuota",
            quota::ATTACHED_POLICIES_PER_ENTITY,
        ),
        (
            "AttachedPoliciesPerUserQuota",
            quota::ATTACHED_POLICIES_PER_ENTITY,
        ),
        ("Policies", acct.policies.len()),
        ("PoliciesQuota", quota::POLICIES),
        ("PolicySizeQuota", limits::MANAGED_POLICY),
        ("PolicyVersionsInUse", attachments),
        ("PolicyVersionsInUseQuota", quota::POLICY_VERSIONS_IN_USE),
        ("VersionsPerPolicyQuota", quota::VERSIONS_PER_POLICY),
        ("GlobalEndpointTokenVersion", 1),
        ("AssumeRolePolicySizeQuota", limits::ROLE_TRUST),
        ("InstanceProfiles", 0),
        ("InstanceProfilesQuota", quota::INSTANCE_PROFILES),
        ("Providers", 0),
        ("RolePolicySizeQuota", limits::ROLE_INLINE),
        ("Roles", acct.roles.len()),
        ("RolesQuota", quota::ROLES),
    ]
}

pub struct GetAccountSummary;

impl Operation for GetAccountSummary {
    const NAME: &'static str = "GetAccountSummary";

    fn decode(_: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetAccountSummary)
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        any_resource(caller)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let entries = summary(&ctx.snapshot, acct);
        out.map(
            "SummaryMap",
            entries.iter().map(|(k, v)| (*k, v.to_string())),
        );
        Ok(())
    }
}

fn alias(req: &QueryRequest) -> Result<String, AwsError> {
    let a = req.required("AccountAlias")?;
    valid(portcullis_model::validate_account_alias(a, "accountAlias"))?;
    Ok(a.to_string())
}

pub struct CreateAccountAlias {
    alias: String,
}

impl Operation for CreateAccountAlias {
    const NAME: &'static str = "CreateAccountAlias";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(CreateAccountAlias { alias: alias(req)? })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        any_resource(caller)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                // Aliases are unique across every account this server hosts (AWS: across the
                // partition), including the caller's own current alias.
                if tx
                    .state()
                    .accounts
                    .values()
                    .any(|a| a.account.aliases.contains(&self.alias))
                {
                    return Err(AwsError::entity_already_exists(format!(
                        "The account alias {} already exists.",
                        self.alias
                    )));
                }
                // An account has one alias: a new one replaces the old, as AWS does.
                let mut a = (*tx.account(&account)?.account).clone();
                a.aliases = vec![self.alias];
                tx.put_account(a)
            })
            .await
    }
}

pub struct DeleteAccountAlias {
    alias: String,
}

impl Operation for DeleteAccountAlias {
    const NAME: &'static str = "DeleteAccountAlias";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeleteAccountAlias { alias: alias(req)? })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        any_resource(caller)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut a = (*tx.account(&account)?.account).clone();
                if !a.aliases.contains(&self.alias) {
                    return Err(AwsError::no_such_entity(format!(
                        "The account alias {} cannot be found.",
                        self.alias
                    )));
                }
                a.aliases.retain(|x| *x != self.alias);
                tx.put_account(a)
            })
            .await
    }
}

pub struct ListAccountAliases {
    page: Page,
}

impl Operation for ListAccountAliases {
    const NAME: &'static str = "ListAccountAliases";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListAccountAliases {
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        any_resource(caller)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let mut aliases: Vec<&String> = acct.account.aliases.iter().collect();
        aliases.sort();
        let page = self.page.paginate(&aliases, |a| a.as_str());
        out.string_list("AccountAliases", page.items);
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

/// GetAccountAuthorizationDetails' `Filter` values (`EntityType`).
const ENTITY_TYPES: &[&str] = &[
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

/// Which entity kinds GetAccountAuthorizationDetails reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Filter {
    users: bool,
    groups: bool,
    roles: bool,
    local_policies: bool,
    aws_policies: bool,
}

impl Filter {
    /// No filter (or an empty one) means every kind.
    fn parse(values: &[&str]) -> Result<Filter, AwsError> {
        if values.iter().any(|v| !ENTITY_TYPES.contains(v)) {
            let mut e = ValidationError::new();
            e.push(
                &format!("[{}]", values.join(", ")),
                "filter",
                format!(
                    "Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                    ENTITY_TYPES.join(", ")
                ),
            );
            valid(Err(e))?;
        }
        let all = values.is_empty();
        let has = |t: &str| all || values.contains(&t);
        Ok(Filter {
            users: has("User"),
            groups: has("Group"),
            roles: has("Role"),
            local_policies: has("LocalManagedPolicy"),
            aws_policies: has("AWSManagedPolicy"),
        })
    }
}

/// One entity of the report; its sort key orders users, groups, then local and AWS-managed
/// policies, each by name, so that one marker resumes across all lists.
pub(crate) enum Entity {
    User(Arc<User>),
    Group(Arc<Group>),
    Role(Arc<Role>),
    Policy(Arc<ManagedPolicy>),
}

impl Entity {
    fn key(&self) -> String {
        match self {
            Entity::User(u) => format!("1{}", u.name.to_lowercase()),
            Entity::Group(g) => format!("2{}", g.name.to_lowercase()),
            Entity::Role(r) => format!("3{}", r.name.to_lowercase()),
            Entity::Policy(p) if p.arn.starts_with("arn:aws:iam::aws:") => format!("5{}", p.name),
            Entity::Policy(p) => format!("4{}", p.name.to_lowercase()),
        }
    }
}

/// How many users, groups and roles a managed policy is attached to, and how many users and
/// roles use it as their permissions boundary.
fn usage(acct: &AccountState, arn: &str) -> (usize, usize) {
    let has = |list: &[String]| list.iter().any(|a| a == arn);
    let attached = acct
        .users
        .values()
        .filter(|u| has(&u.attached_policies))
        .count()
        + acct
            .groups
            .values()
            .filter(|g| has(&g.attached_policies))
            .count()
        + acct
            .roles
            .values()
            .filter(|r| has(&r.attached_policies))
            .count();
    let is_boundary = |b: &Option<String>| b.as_deref() == Some(arn);
    let boundary = acct
        .users
        .values()
        .filter(|u| is_boundary(&u.permissions_boundary))
        .count()
        + acct
            .roles
            .values()
            .filter(|r| is_boundary(&r.permissions_boundary))
            .count();
    (attached, boundary)
}

/// Every entity the filter selects, in key order. AWS-managed policies appear only when
/// something in the account uses them, as in AWS.
pub(crate) fn entities(state: &State, acct: &AccountState, f: Filter) -> Vec<Entity> {
    let mut out = Vec::new();
    if f.users {
        out.extend(acct.users.values().cloned().map(Entity::User));
    }
    if f.groups {
        out.extend(acct.groups.values().cloned().map(Entity::Group));
    }
    if f.roles {
        out.extend(acct.roles.values().cloned().map(Entity::Role));
    }
    if f.local_policies {
        out.extend(acct.policies.values().cloned().map(Entity::Policy));
    }
    if f.aws_policies {
        out.extend(
            state
                .aws_policies
                .all()
                .iter()
                .filter(|p| usage(acct, &p.arn) != (0, 0))
                .cloned()
                .map(Entity::Policy),
        );
    }
    out
}

fn write_inline(
    out: &mut ResponseWriter,
    list: &str,
    policies: &std::collections::BTreeMap<String, PolicyDoc>,
) {
    out.list(list, policies, |w, (name, doc)| {
        w.element("PolicyName", name)
            .element("PolicyDocument", &encode_document(doc.text()));
    });
}

fn write_attached(out: &mut ResponseWriter, state: &State, account: &str, arns: &[String]) {
    out.list("AttachedManagedPolicies", arns, |w, arn| {
        let name = state
            .managed_policy(account, arn)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string());
        w.element("PolicyName", &name).element("PolicyArn", arn);
    });
}

fn write_user_detail(out: &mut ResponseWriter, state: &State, acct: &AccountState, u: &User) {
    out.element("Path", &u.path)
        .element("UserName", &u.name)
        .element("UserId", &u.id)
        .element("Arn", &u.arn)
        .timestamp("CreateDate", u.create_date);
    write_inline(out, "UserPolicyList", &u.inline_policies);
    out.string_list(
        "GroupList",
        groups_of(acct, u).iter().map(|g| g.name.as_str()),
    );
    write_attached(out, state, acct.id(), &u.attached_policies);
    write_boundary(out, u.permissions_boundary.as_deref());
    write_tags(out, &u.tags);
}

fn write_boundary(out: &mut ResponseWriter, arn: Option<&str>) {
    if let Some(b) = arn {
        out.start("PermissionsBoundary")
            .element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
            .element("PermissionsBoundaryArn", b)
            .end();
    }
}

fn write_role_detail(out: &mut ResponseWriter, state: &State, acct: &AccountState, r: &Role) {
    out.element("Path", &r.path)
        .element("RoleName", &r.name)
        .element("RoleId", &r.id)
        .element("Arn", &r.arn)
        .timestamp("CreateDate", r.create_date)
        .element(
            "AssumeRolePolicyDocument",
            &encode_document(r.assume_role_policy.text()),
        );
    // Instance profiles do not exist yet.
    out.list("InstanceProfileList", std::iter::empty::<()>(), |_, _| {});
    write_inline(out, "RolePolicyList", &r.inline_policies);
    write_attached(out, state, acct.id(), &r.attached_policies);
    write_boundary(out, r.permissions_boundary.as_deref());
    write_tags(out, &r.tags);
    out.start("RoleLastUsed");
    if let Some(l) = &r.last_used {
        out.timestamp("LastUsedDate", l.date)
            .element("Region", &l.region);
    }
    out.end();
}

fn write_group_detail(out: &mut ResponseWriter, state: &State, acct: &AccountState, g: &Group) {
    write_group(out, g);
    write_inline(out, "GroupPolicyList", &g.inline_policies);
    write_attached(out, state, acct.id(), &g.attached_policies);
}

fn write_policy_detail(out: &mut ResponseWriter, acct: &AccountState, p: &ManagedPolicy) {
    let (attached, boundary) = usage(acct, &p.arn);
    out.element("PolicyName", &p.name)
        .element("PolicyId", &p.id)
        .element("Arn", &p.arn)
        .element("Path", &p.path)
        .element("DefaultVersionId", &p.default_version_id)
        .display_element("AttachmentCount", attached)
        .display_element("PermissionsBoundaryUsageCount", boundary)
        .bool_element("IsAttachable", true)
        .opt_element("Description", p.description.as_deref())
        .timestamp("CreateDate", p.create_date)
        .timestamp("UpdateDate", p.update_date);
    out.list("PolicyVersionList", &p.versions, |w, v| {
        w.element("Document", &encode_document(v.document.text()))
            .element("VersionId", &v.version_id)
            .bool_element("IsDefaultVersion", v.version_id == p.default_version_id)
            .timestamp("CreateDate", v.create_date);
    });
}

pub struct GetAccountAuthorizationDetails {
    filter: Filter,
    page: Page,
}

impl Operation for GetAccountAuthorizationDetails {
    const NAME: &'static str = "GetAccountAuthorizationDetails";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetAccountAuthorizationDetails {
            filter: Filter::parse(&req.list("Filter"))?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        any_resource(caller)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let state = &ctx.snapshot;
        let acct = state.account_or_err(ctx.account())?;
        let all = entities(state, acct, self.filter);
        let page = self.page.paginate(&all, Entity::key);
        out.list(
            "UserDetailList",
            page.items.iter().filter_map(|e| match e {
                Entity::User(u) => Some(u),
                _ => None,
            }),
            |w, u| write_user_detail(w, state, acct, u),
        );
        out.list(
            "GroupDetailList",
            page.items.iter().filter_map(|e| match e {
                Entity::Group(g) => Some(g),
                _ => None,
            }),
            |w, g| write_group_detail(w, state, acct, g),
        );
        out.list(
            "RoleDetailList",
            page.items.iter().filter_map(|e| match e {
                Entity::Role(r) => Some(r),
                _ => None,
            }),
            |w, r| write_role_detail(w, state, acct, r),
        );
        out.list(
            "Policies",
            page.items.iter().filter_map(|e| match e {
                Entity::Policy(p) => Some(p),
                _ => None,
            }),
            |w, p| write_policy_detail(w, acct, p),
        );
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

family!(
    GetAccountSummary,
    CreateAccountAlias,
    DeleteAccountAlias,
    ListAccountAliases,
    GetAccountAuthorizationDetails
);

#[cfg(test)]
mod tests {
    use super::*;
    use portcullis_service::entity::Account;
    use portcullis_service::managed::Catalogue;
    use time::OffsetDateTime;

    fn user(name: &str, groups: &[&str], attached: &[&str]) -> Arc<User> {
        Arc::new(User {
            name: name.into(),
            path: "/".into(),
            id: format!("AIDA{name}"),
            arn: format!("arn:aws:iam::123456789012:user/{name}"),
            create_date: OffsetDateTime::UNIX_EPOCH,
            tags: Vec::new(),
            permissions_boundary: None,
            inline_policies: Default::default(),
            attached_policies: attached.iter().map(|s| s.to_string()).collect(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn group(name: &str) -> Arc<Group> {
        Arc::new(Group {
            name: name.into(),
            path: "/".into(),
            id: format!("AGPA{name}"),
            arn: format!("arn:aws:iam::123456789012:group/{name}"),
            create_date: OffsetDateTime::UNIX_EPOCH,
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
        })
    }

    fn fixture() -> (State, AccountState) {
        let state = State::empty(Arc::new(Catalogue::default()));
        let mut acct = AccountState::new(Account {
            id: "123456789012".into(),
            aliases: Vec::new(),
            create_date: OffsetDateTime::UNIX_EPOCH,
        });
        let p = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        for u in [
            user("Bob", &["devs"], &[p]),
            user("alice", &["devs", "ops"], &[]),
        ] {
            acct.users.insert(u.name.to_lowercase(), u);
        }
        for g in [group("Devs"), group("ops")] {
            acct.groups.insert(g.name.to_lowercase(), g);
        }
        (state, acct)
    }

    fn value(s: &[(&str, usize)], key: &str) -> usize {
        s.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).unwrap()
    }

    #[test]
    fn summary_counts_the_account() {
        let (state, acct) = fixture();
        let s = summary(&state, &acct);
        assert_eq!(value(&s, "Users"), 2);
        assert_eq!(value(&s, "Groups"), 2);
        assert_eq!(value(&s, "Policies"), 0);
        assert_eq!(value(&s, "PolicyVersionsInUse"), 1);
        assert_eq!(value(&s, "AccountAccessKeysPresent"), 0);
        assert_eq!(value(&s, "GroupsPerUserQuota"), 10);
        assert_eq!(value(&s, "UserPolicySizeQuota"), 2048);
        assert_eq!(value(&s, "GroupPolicySizeQuota"), 5120);
        assert_eq!(value(&s, "PolicySizeQuota"), 6144);
        // Every key is one botocore's summaryKeyType knows, and none repeats.
        let mut keys: Vec<_> = s.iter().map(|(k, _)| *k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), s.len());
    }

    #[test]
    fn filter_defaults_to_everything_and_rejects_unknown_types() {
        let all = Filter::parse(&[]).unwrap();
        assert!(all.users && all.groups && all.roles && all.local_policies && all.aws_policies);
        let only = Filter::parse(&["Group"]).unwrap();
        assert!(only.groups && !only.users && !only.roles);
        assert!(!only.local_policies && !only.aws_policies);
        let e = Filter::parse(&["User", "Bogus"]).unwrap_err();
        assert_eq!(e.code, "ValidationError");
        assert!(
            e.message.contains("Value '[User, Bogus]' at 'filter'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn one_marker_resumes_across_the_lists() {
        let (state, acct) = fixture();
        let all = entities(&state, &acct, Filter::parse(&[]).unwrap());
        let keys: Vec<String> = all.iter().map(Entity::key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "entities must come in key order");
        let first = Page::new(None, Some(3)).unwrap();
        let p1 = first.paginate(&all, Entity::key);
        assert_eq!(p1.items.len(), 3);
        let marker = p1.next_marker.clone().unwrap();
        let p2 = Page::new(Some(&marker), Some(3))
            .unwrap()
            .paginate(&all, Entity::key);
        assert_eq!(p2.items.len(), 1);
        assert!(matches!(&p2.items[0], Entity::Group(g) if g.name == "ops"));
        assert!(p2.next_marker.is_none());
    }

    #[test]
    fn group_list_uses_group_names_as_created() {
        let (_, acct) = fixture();
        let alice = acct.user("alice").unwrap();
        let names: Vec<&str> = groups_of(&acct, alice)
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(names, ["Devs", "ops"]);
        // AWS-managed policies in use are counted; unused ones are not reported (none loaded).
        assert_eq!(
            usage(&acct, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            (1, 0)
        );
    }
}
