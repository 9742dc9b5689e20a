//! Policy versions: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
//! DeletePolicyVersion, SetDefaultPolicyVersion.
//!
//! A policy keeps at most five versions, exactly one of them the default (the one enforced);
//! version ids count up from `v1` and are never reused, so an id seen in a log always means
//! the same document.

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::{ManagedPolicy, PolicyVersion};
use portcullis_service::{Caller, State};

use super::{
    find_policy, managed_document, policy_arn_param, refuse_aws_managed, resource_tag_context,
    url_encode_document, VERSIONS_PER_POLICY,
};
use crate::support::{valid, Ctx};
use crate::Operation;

fn version_id(req: &QueryRequest) -> Result<String, AwsError> {
    let id = req.required("VersionId")?;
    valid(portcullis_model::validate_policy_version_id(
        id,
        "versionId",
    ))?;
    Ok(id.to_string())
}

fn no_such_version(policy_arn: &str, version: &str) -> AwsError {
    AwsError::no_such_entity(format!(
        "Policy {policy_arn} version {version} does not exist or is not attachable."
    ))
}

fn find_version<'p>(
    policy: &'p ManagedPolicy,
    version: &str,
) -> Result<&'p PolicyVersion, AwsError> {
    policy
        .versions
        .iter()
        .find(|v| v.version_id == version)
        .ok_or_else(|| no_such_version(&policy.arn, version))
}

/// The numeric part of `vN` (ids we issue are always `v` + a number).
fn version_number(id: &str) -> u32 {
    id.strip_prefix('v')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The `PolicyVersion` shape; `document` only for GetPolicyVersion.
fn write_version(out: &mut ResponseWriter, p: &ManagedPolicy, v: &PolicyVersion, document: bool) {
    if document {
        out.element("Document", &url_encode_document(v.document.text()));
    }
    out.element("VersionId", &v.version_id)
        .bool_element("IsDefaultVersion", v.version_id == p.default_version_id)
        .timestamp("CreateDate", v.create_date);
}

pub struct CreatePolicyVersion {
    arn: String,
    document: String,
    set_as_default: bool,
}

impl Operation for CreatePolicyVersion {
    const NAME: &'static str = "CreatePolicyVersion";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let arn = policy_arn_param(req, "PolicyArn")?;
        let document = req.required("PolicyDocument")?;
        valid(portcullis_model::validate_policy_document(
            document,
            "policyDocument",
        ))?;
        Ok(CreatePolicyVersion {
            arn,
            document: document.to_string(),
            set_as_default: req.opt_bool("SetAsDefault")?.unwrap_or(false),
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        // The policy must exist before its document is judged (AWS answers NoSuchEntity for
        // a missing policy whatever the document says).
        find_policy(&ctx.snapshot, &account, &self.arn)?;
        let document = managed_document(&self.document, &self.arn)?;
        let (policy, version) = ctx
            .svc
            .write(|tx| {
                let mut policy = (*find_policy(tx.state(), &account, &self.arn)?).clone();
                if policy.versions.len() >= VERSIONS_PER_POLICY {
                    return Err(AwsError::limit_exceeded(format!(
                        "A managed policy can have up to {VERSIONS_PER_POLICY} versions. Before \
                         you create a new version, you must delete an existing version."
                    )));
                }
                let now = tx.now();
                let version = PolicyVersion {
                    version_id: format!("v{}", policy.next_version),
                    document,
                    create_date: now,
                };
                policy.next_version += 1;
                policy.versions.push(version.clone());
                if self.set_as_default {
                    policy.default_version_id = version.version_id.clone();
                }
                // AWS: with several versions, UpdateDate is when the newest was created.
                policy.update_date = now;
                tx.put_policy(&account, policy.clone())?;
                Ok((policy, version))
            })
            .await?;
        out.start("PolicyVersion");
        write_version(out, &policy, &version, false);
        out.end();
        Ok(())
    }
}

pub struct GetPolicyVersion {
    arn: String,
    version: String,
}

impl Operation for GetPolicyVersion {
    const NAME: &'static str = "GetPolicyVersion";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(GetPolicyVersion {
            arn: policy_arn_param(req, "PolicyArn")?,
            version: version_id(req)?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, out: &mut ResponseWriter) -> Result<(), AwsError> {
        let policy = find_policy(&ctx.snapshot, ctx.account(), &self.arn)?;
        let version = find_version(&policy, &self.version)?;
        out.start("PolicyVersion");
        write_version(out, &policy, version, true);
        out.end();
        Ok(())
    }
}

pub struct ListPolicyVersions {
    arn: String,
    page: Page,
}

impl Operation for ListPolicyVersions {
    const NAME: &'static str = "ListPolicyVersions";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListPolicyVersions {
            arn: policy_arn_param(req, "PolicyArn")?,
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
        let policy = find_policy(&ctx.snapshot, ctx.account(), &self.arn)?;
        // Newest first, as AWS lists them; the key counts down so it still sorts ascending.
        let mut versions: Vec<(String, &PolicyVersion)> = policy
            .versions
            .iter()
            .map(|v| {
                (
                    format!("{:010}", u32::MAX - version_number(&v.version_id)),
                    v,
                )
            })
            .collect();
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        let page = self.page.paginate(&versions, |(k, _)| k.clone());
        out.list("Versions", page.items, |w, (_, v)| {
            write_version(w, &policy, v, false)
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

pub struct DeletePolicyVersion {
    arn: String,
    version: String,
}

impl Operation for DeletePolicyVersion {
    const NAME: &'static str = "DeletePolicyVersion";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(DeletePolicyVersion {
            arn: policy_arn_param(req, "PolicyArn")?,
            version: version_id(req)?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut policy = (*find_policy(tx.state(), &account, &self.arn)?).clone();
                find_version(&policy, &self.version)?;
                if policy.default_version_id == self.version {
                    return Err(AwsError::delete_conflict(
                        "Cannot delete the default version of a policy.",
                    ));
                }
                policy.versions.retain(|v| v.version_id != self.version);
                tx.put_policy(&account, policy)
            })
            .await
    }
}

pub struct SetDefaultPolicyVersion {
    arn: String,
    version: String,
}

impl Operation for SetDefaultPolicyVersion {
    const NAME: &'static str = "SetDefaultPolicyVersion";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(SetDefaultPolicyVersion {
            arn: policy_arn_param(req, "PolicyArn")?,
            version: version_id(req)?,
        })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        resource_tag_context(caller, state, &self.arn)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut policy = (*find_policy(tx.state(), &account, &self.arn)?).clone();
                find_version(&policy, &self.version)?;
                policy.default_version_id = self.version.clone();
                tx.put_policy(&account, policy)
            })
            .await
    }
}
