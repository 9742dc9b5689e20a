//! Inline policies of users, groups and roles: Put/Get/List/Delete UserPolicy, GroupPolicy
//! and RolePolicy.
//!
//! An inline policy lives inside its entity (`inline_policies`, keyed by the case-sensitive
//! policy name). Documents are validated by the policy engine when they are put, and kept
//! verbatim: Get*Policy returns exactly what was sent, URL-encoded as AWS does.

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use portcullis_policy::{limits, PolicyError, PolicyKind, PolicyType};
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::PolicyDoc;
use portcullis_service::{Caller, State};

use crate::ops::groups::{existing_user_name, group_name, group_resource, no_such_group};
use crate::ops::roles::{no_such_role, role_name, role_resource};
use crate::support::{no_such_user, user_resource, valid, Ctx};
use crate::{family, Operation};

/// RFC 3986's unreserved characters stay as they are; everything else is percent-encoded
/// (AWS returns policy documents this way; SDKs and the CLI decode them).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A policy document as IAM returns it on the wire.
pub(crate) fn encode_document(text: &str) -> String {
    utf8_percent_encode(text, RFC3986).to_string()
}

/// Maps a rejected document to AWS's error (`MalformedPolicyDocument` or `LimitExceeded`).
pub(crate) fn policy_error(e: PolicyError) -> AwsError {
    AwsError::new(e.code().as_str(), e.to_string())
}

/// Which kind of entity holds the inline policies.
#[derive(Clone, Copy)]
enum Holder {
    User,
    Group,
    Role,
}

impl Holder {
    fn label(self) -> &'static str {
        match self {
            Holder::User => "user",
            Holder::Group => "group",
            Holder::Role => "role",
        }
    }

    /// AWS's aggregate inline-policy quota for this kind of entity.
    fn quota(self) -> usize {
        match self {
            Holder::User => limits::USER_INLINE,
            Holder::Group => limits::GROUP_INLINE,
            Holder::Role => limits::ROLE_INLINE,
        }
    }

    fn decode_name(self, req: &QueryRequest) -> Result<String, AwsError> {
        match self {
            Holder::User => existing_user_name(req, "UserName"),
            Holder::Group => group_name(req, "GroupName"),
            Holder::Role => role_name(req),
        }
    }

    fn resource(self, state: &State, account: &str, name: &str) -> String {
        match self {
            Holder::User => user_resource(state, account, name),
            Holder::Group => group_resource(state, account, name),
            Holder::Role => role_resource(state, account, name),
        }
    }

    fn not_found(self, name: &str) -> AwsError {
        match self {
            Holder::User => no_such_user(name),
            Holder::Group => no_such_group(name),
            Holder::Role => no_such_role(name),
        }
    }

    /// The entity's canonical name and inline policies.
    fn policies<'s>(
        self,
        state: &'s State,
        account: &str,
        name: &str,
    ) -> Result<(&'s str, &'s BTreeMap<String, PolicyDoc>), AwsError> {
        let acct = state.account_or_err(account)?;
        match self {
            Holder::User => acct
                .user(name)
                .map(|u| (u.name.as_str(), &u.inline_policies)),
            Holder::Group => acct
                .group(name)
                .map(|g| (g.name.as_str(), &g.inline_policies)),
            Holder::Role => acct
                .role(name)
                .map(|r| (r.name.as_str(), &r.inline_policies)),
        }
        .ok_or_else(|| self.not_found(name))
    }
}

fn policy_name(req: &QueryRequest) -> Result<String, AwsError> {
    let name = req.required("PolicyName")?;
    valid(portcullis_model::validate_policy_name(name, "policyName"))?;
    Ok(name.to_string())
}

fn no_such_policy(holder: Holder, name: &str) -> AwsError {
    AwsError::no_such_entity(format!(
        "The {} policy with name {name} cannot be found.",
        holder.label()
    ))
}

/// Checks AWS's aggregate quota: the non-whitespace characters of all of the entity's inline
/// policies, with `replacing` (if present) taking the place of the policy of the same name.
fn check_aggregate(
    holder: Holder,
    entity: &str,
    existing: &BTreeMap<String, PolicyDoc>,
    name: &str,
    text: &str,
) -> Result<(), AwsError> {
    let all: String = existing
        .iter()
        .filter(|(n, _)| n.as_str() != name)
        .map(|(_, d)| d.text())
        .chain(std::iter::once(text))
        .collect();
    limits::check_size(&all, holder.quota(), "PolicySize").map_err(|_| {
        AwsError::limit_exceeded(format!(
            "Maximum policy size of {} bytes exceeded for {} {entity}",
            holder.quota(),
            holder.label()
        ))
    })
}

/// Put{User,Group}Policy.
struct Put {
    holder: Holder,
    entity: String,
    name: String,
    document: String,
}

impl Put {
    fn decode(holder: Holder, req: &QueryRequest) -> Result<Self, AwsError> {
        let entity = holder.decode_name(req)?;
        let name = policy_name(req)?;
        let document = req.required("PolicyDocument")?;
        valid(portcullis_model::validate_policy_document(
            document,
            "policyDocument",
        ))?;
        Ok(Put {
            holder,
            entity,
            name,
            document: document.to_string(),
        })
    }

    async fn execute(self, ctx: &Ctx<'_>) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let doc = PolicyDoc::new(
            &self.document,
            PolicyKind::Identity,
            &self.name,
            PolicyType::Identity,
        )
        .map_err(policy_error)?;
        let holder = self.holder;
        ctx.svc
            .write(move |tx| {
                let (entity, existing) = holder.policies(tx.state(), &account, &self.entity)?;
                check_aggregate(holder, entity, existing, &self.name, &self.document)?;
                let acct = tx.account(&account)?;
                match holder {
                    Holder::User => {
                        let mut u = acct
                            .user(&self.entity)
                            .map(|u| (**u).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        u.inline_policies.insert(self.name, doc);
                        tx.put_user(&account, u)
                    }
                    Holder::Group => {
                        let mut g = acct
                            .group(&self.entity)
                            .map(|g| (**g).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        g.inline_policies.insert(self.name, doc);
                        tx.put_group(&account, g)
                    }
                    Holder::Role => {
                        let mut r = acct
                            .role(&self.entity)
                            .map(|r| (**r).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        r.inline_policies.insert(self.name, doc);
                        tx.put_role(&account, r)
                    }
                }
            })
            .await
    }
}

/// Get{User,Group}Policy, Delete{User,Group}Policy: an entity and a policy name.
struct Named {
    holder: Holder,
    entity: String,
    name: String,
}

impl Named {
    fn decode(holder: Holder, req: &QueryRequest) -> Result<Self, AwsError> {
        Ok(Named {
            holder,
            entity: holder.decode_name(req)?,
            name: policy_name(req)?,
        })
    }

    fn get(&self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let (entity, policies) =
            self.holder
                .policies(&ctx.snapshot, ctx.account(), &self.entity)?;
        let doc = policies
            .get(&self.name)
            .ok_or_else(|| no_such_policy(self.holder, &self.name))?;
        let entity_member = match self.holder {
            Holder::User => "UserName",
            Holder::Group => "GroupName",
            Holder::Role => "RoleName",
        };
        out.element(entity_member, entity)
            .element("PolicyName", &self.name)
            .element("PolicyDocument", &encode_document(doc.text()));
        Ok(())
    }

    async fn delete(self, ctx: &Ctx<'_>) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        let holder = self.holder;
        ctx.svc
            .write(move |tx| {
                let acct = tx.account(&account)?;
                match holder {
                    Holder::User => {
                        let mut u = acct
                            .user(&self.entity)
                            .map(|u| (**u).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        if u.inline_policies.remove(&self.name).is_none() {
                            return Err(no_such_policy(holder, &self.name));
                        }
                        tx.put_user(&account, u)
                    }
                    Holder::Group => {
                        let mut g = acct
                            .group(&self.entity)
                            .map(|g| (**g).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        if g.inline_policies.remove(&self.name).is_none() {
                            return Err(no_such_policy(holder, &self.name));
                        }
                        tx.put_group(&account, g)
                    }
                    Holder::Role => {
                        let mut r = acct
                            .role(&self.entity)
                            .map(|r| (**r).clone())
                            .ok_or_else(|| holder.not_found(&self.entity))?;
                        if r.inline_policies.remove(&self.name).is_none() {
                            return Err(no_such_policy(holder, &self.name));
                        }
                        tx.put_role(&account, r)
                    }
                }
            })
            .await
    }
}

/// List{User,Group}Policies.
struct List {
    holder: Holder,
    entity: String,
    page: Page,
}

impl List {
    fn decode(holder: Holder, req: &QueryRequest) -> Result<Self, AwsError> {
        Ok(List {
            holder,
            entity: holder.decode_name(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn execute(&self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let (_, policies) = self
            .holder
            .policies(&ctx.snapshot, ctx.account(), &self.entity)?;
        let names: Vec<&String> = policies.keys().collect();
        let page = self.page.paginate(&names, |n| n.as_str());
        out.string_list("PolicyNames", page.items);
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

/// Declares one operation of this family as a thin wrapper over a shared request type.
macro_rules! inline_op {
    ($op:ident, $inner:ident, $holder:expr, $has_result:expr, |$s:ident, $ctx:ident, $out:ident| $body:expr) => {
        pub struct $op($inner);

        impl Operation for $op {
            const NAME: &'static str = stringify!($op);
            const HAS_RESULT: bool = $has_result;

            fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
                $inner::decode($holder, req).map($op)
            }

            fn resource(&self, caller: &Caller, state: &State) -> String {
                self.0
                    .holder
                    .resource(state, &caller.account, &self.0.entity)
            }

            #[allow(unused_variables)]
            async fn execute(
                self,
                $ctx: &Ctx<'_>,
                $out: &mut ResponseWriter,
            ) -> Result<(), AwsError> {
                let $s = self.0;
                $body
            }
        }
    };
}

inline_op!(PutUserPolicy, Put, Holder::User, false, |s, ctx, out| s
    .execute(ctx)
    .await);
inline_op!(GetUserPolicy, Named, Holder::User, true, |s, ctx, out| s
    .get(ctx, out));
inline_op!(ListUserPolicies, List, Holder::User, true, |s, ctx, out| s
    .execute(ctx, out));
inline_op!(
    DeleteUserPolicy,
    Named,
    Holder::User,
    false,
    |s, ctx, out| s.delete(ctx).await
);
inline_op!(PutGroupPolicy, Put, Holder::Group, false, |s, ctx, out| s
    .execute(ctx)
    .await);
inline_op!(GetGroupPolicy, Named, Holder::Group, true, |s, ctx, out| s
    .get(ctx, out));
inline_op!(
    ListGroupPolicies,
    List,
    Holder::Group,
    true,
    |s, ctx, out| s.execute(ctx, out)
);
inline_op!(
    DeleteGroupPolicy,
    Named,
    Holder::Group,
    false,
    |s, ctx, out| s.delete(ctx).await
);

inline_op!(PutRolePolicy, Put, Holder::Role, false, |s, ctx, out| s
    .execute(ctx)
    .await);
inline_op!(GetRolePolicy, Named, Holder::Role, true, |s, ctx, out| s
    .get(ctx, out));
inline_op!(ListRolePolicies, List, Holder::Role, true, |s, ctx, out| s
    .execute(ctx, out));
inline_op!(
    DeleteRolePolicy,
    Named,
    Holder::Role,
    false,
    |s, ctx, out| s.delete(ctx).await
);

family!(
    PutRolePolicy,
    GetRolePolicy,
    ListRolePolicies,
    DeleteRolePolicy,
    PutUserPolicy,
    GetUserPolicy,
    ListUserPolicies,
    DeleteUserPolicy,
    PutGroupPolicy,
    GetGroupPolicy,
    ListGroupPolicies,
    DeleteGroupPolicy
);

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> PolicyDoc {
        PolicyDoc::new(text, PolicyKind::Identity, "p", PolicyType::Identity).unwrap()
    }

    const SMALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

    #[test]
    fn documents_are_encoded_as_rfc3986() {
        assert_eq!(
            encode_document("{\"A\": \"a b+c/~_.-\"}\n"),
            "%7B%22A%22%3A%20%22a%20b%2Bc%2F~_.-%22%7D%0A"
        );
        // Latin-1 characters are encoded as their UTF-8 bytes.
        assert_eq!(encode_document("é"), "%C3%A9");
    }

    #[test]
    fn aggregate_quota_counts_non_whitespace_over_all_policies() {
        let mut existing = BTreeMap::new();
        existing.insert("a".to_string(), doc(SMALL));
        let n = SMALL.len();
        // A Sid padded so that the user's total lands exactly on the quota.
        let pad = |extra: usize| {
            SMALL.replace(
                "\"Effect\"",
                &format!("\"Sid\":\"{}\",\"Effect\"", "x".repeat(extra)),
            )
        };
        let base = n + "\"Sid\":\"\",".len();
        let exact = pad(limits::USER_INLINE - n - base);
        assert!(check_aggregate(Holder::User, "alice", &existing, "b", &exact).is_ok());
        // Whitespace does not count.
        let spaced = format!("  {exact}\n\t ");
        assert!(check_aggregate(Holder::User, "alice", &existing, "b", &spaced).is_ok());
        let over = pad(limits::USER_INLINE - n - base + 1);
        let e = check_aggregate(Holder::User, "alice", &existing, "b", &over).unwrap_err();
        assert_eq!(e.code, "LimitExceeded");
        assert_eq!(
            e.message,
            "Maximum policy size of 2048 bytes exceeded for user alice"
        );
        // Replacing policy "a" itself does not count the old "a".
        assert!(check_aggregate(Holder::User, "alice", &existing, "a", &over).is_ok());
        // Groups have the larger quota.
        assert!(check_aggregate(Holder::Group, "devs", &existing, "b", &over).is_ok());
    }

    #[test]
    fn policy_errors_keep_aws_code_and_message() {
        let e = PolicyDoc::new("{", PolicyKind::Identity, "p", PolicyType::Identity).unwrap_err();
        let a = policy_error(e);
        assert_eq!(a.code, "MalformedPolicyDocument");
        assert_eq!(a.message, "Syntax errors in policy.");
    }
}
