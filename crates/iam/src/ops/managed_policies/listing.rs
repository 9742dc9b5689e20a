//! ListPolicies: the AWS-managed catalogue and the account's own policies, filtered by
//! scope, path and (derived) usage.

use std::sync::Arc;

use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::ManagedPolicy;
use portcullis_service::{Caller, State};

use super::{usage_by_arn, write_policy, Usage};
use crate::support::{path_matches, valid, Ctx};
use crate::Operation;

/// `Scope` of ListPolicies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Aws,
    Local,
}

/// `PolicyUsageFilter` of ListPolicies and ListEntitiesForPolicy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UsageFilter {
    PermissionsPolicy,
    PermissionsBoundary,
}

pub(crate) fn decode_usage_filter(req: &QueryRequest) -> Result<Option<UsageFilter>, AwsError> {
    match req.get("PolicyUsageFilter") {
        None => Ok(None),
        Some(v) => {
            valid(portcullis_model::validation::check_enum(
                v,
                "policyUsageFilter",
                &["PermissionsPolicy", "PermissionsBoundary"],
            ))?;
            Ok(Some(if v == "PermissionsPolicy" {
                UsageFilter::PermissionsPolicy
            } else {
                UsageFilter::PermissionsBoundary
            }))
        }
    }
}

/// Whether a policy with `usage` counts as attached for `OnlyAttached`: used at all, or used
/// the way `filter` names.
pub(crate) fn is_used(usage: Usage, filter: Option<UsageFilter>) -> bool {
    match filter {
        None => usage.attachments > 0 || usage.boundaries > 0,
        Some(UsageFilter::PermissionsPolicy) => usage.attachments > 0,
        Some(UsageFilter::PermissionsBoundary) => usage.boundaries > 0,
    }
}

pub struct ListPolicies {
    scope: Scope,
    only_attached: bool,
    path_prefix: Option<String>,
    usage_filter: Option<UsageFilter>,
    page: Page,
}

impl Operation for ListPolicies {
    const NAME: &'static str = "ListPolicies";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let scope = match req.get("Scope") {
            None => Scope::All,
            Some(s) => {
                valid(portcullis_model::validation::check_enum(
                    s,
                    "scope",
                    &["All", "AWS", "Local"],
                ))?;
                match s {
                    "AWS" => Scope::Aws,
                    "Local" => Scope::Local,
                    _ => Scope::All,
                }
            }
        };
        let path_prefix = req.get("PathPrefix").map(str::to_string);
        if let Some(p) = &path_prefix {
            valid(portcullis_model::validate_policy_path(p, "pathPrefix"))?;
        }
        Ok(ListPolicies {
            scope,
            only_attached: req.opt_bool("OnlyAttached")?.unwrap_or(false),
            path_prefix,
            usage_filter: decode_usage_filter(req)?,
            page: Page::from_params(req.params())?,
        })
    }

    fn resource(&self, caller: &Caller, _: &State) -> String {
        format!("arn:aws:iam::{}:policy/", caller.account)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let acct = ctx.snapshot.account_or_err(ctx.account())?;
        let usage = usage_by_arn(acct);
        let mut candidates: Vec<&Arc<ManagedPolicy>> = Vec::new();
        if self.scope != Scope::Local {
            candidates.extend(ctx.snapshot.aws_policies.all());
        }
        if self.scope != Scope::Aws {
            candidates.extend(acct.policies.values());
        }
        let mut listed: Vec<(String, &Arc<ManagedPolicy>, Usage)> = candidates
            .into_iter()
            .map(|p| (p, usage.get(&p.arn).copied().unwrap_or_default()))
            .filter(|(p, u)| {
                path_matches(&p.path, self.path_prefix.as_deref())
                    && (!self.only_attached || is_used(*u, self.usage_filter))
            })
            .map(|(p, u)| (format!("{}\u{0}{}", p.name.to_lowercase(), p.arn), p, u))
            .collect();
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        let page = self.page.paginate(&listed, |(k, _, _)| k.clone());
        out.list("Policies", page.items, |w, (_, p, u)| {
            write_policy(w, p, *u, false)
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}
