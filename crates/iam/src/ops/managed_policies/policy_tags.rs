//! Tags of customer-managed policies: TagPolicy, UntagPolicy, ListPolicyTags.

use portcullis_policy::ContextValue;
use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::Tag;
use portcullis_service::{Caller, State};

use super::{
    find_policy, policy_arn_param, refuse_aws_managed, request_tag_context, resource_tag_context,
};
use crate::support::{decode_tags, from_model, tag_error, to_model, Ctx};
use crate::Operation;

pub struct TagPolicy {
    arn: String,
    tags: Vec<Tag>,
}

impl Operation for TagPolicy {
    const NAME: &'static str = "TagPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let arn = policy_arn_param(req, "PolicyArn")?;
        let tags = decode_tags(req)?;
        if tags.is_empty() && req.get("Tags").is_none() {
            return Err(AwsError::missing_required("tags"));
        }
        Ok(TagPolicy { arn, tags })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = resource_tag_context(caller, state, &self.arn);
        ctx.extend(request_tag_context(&self.tags));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut policy = (*find_policy(tx.state(), &account, &self.arn)?).clone();
                let mut tags = to_model(&policy.tags);
                portcullis_model::tags::merge_tags(&mut tags, &to_model(&self.tags))
                    .map_err(tag_error)?;
                policy.tags = from_model(tags);
                tx.put_policy(&account, policy)
            })
            .await
    }
}

pub struct UntagPolicy {
    arn: String,
    keys: Vec<String>,
}

impl Operation for UntagPolicy {
    const NAME: &'static str = "UntagPolicy";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let arn = policy_arn_param(req, "PolicyArn")?;
        let keys: Vec<String> = req
            .list("TagKeys")
            .into_iter()
            .map(str::to_string)
            .collect();
        if keys.is_empty() && req.get("TagKeys").is_none() {
            return Err(AwsError::missing_required("tagKeys"));
        }
        portcullis_model::tags::validate_tag_keys(&keys).map_err(tag_error)?;
        Ok(UntagPolicy { arn, keys })
    }

    fn resource(&self, _: &Caller, _: &State) -> String {
        self.arn.clone()
    }

    fn context(&self, caller: &Caller, state: &State) -> Vec<(String, ContextValue)> {
        let mut ctx = resource_tag_context(caller, state, &self.arn);
        ctx.push((
            "aws:TagKeys".to_string(),
            ContextValue::from(self.keys.clone()),
        ));
        ctx
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        refuse_aws_managed(ctx, Self::NAME, &self.arn)?;
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let mut policy = (*find_policy(tx.state(), &account, &self.arn)?).clone();
                let mut tags = to_model(&policy.tags);
                portcullis_model::tags::remove_tags(&mut tags, &self.keys);
                policy.tags = from_model(tags);
                tx.put_policy(&account, policy)
            })
            .await
    }
}

pub struct ListPolicyTags {
    arn: String,
    page: Page,
}

impl Operation for ListPolicyTags {
    const NAME: &'static str = "ListPolicyTags";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListPolicyTags {
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
        // Paginated by case-folded key (keys are unique ignoring case), so a page boundary
        // survives tags being added or removed between calls.
        let mut tags: Vec<(String, &Tag)> = policy
            .tags
            .iter()
            .map(|t| (t.key.to_lowercase(), t))
            .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        let page = self.page.paginate(&tags, |(k, _)| k.clone());
        // `Tags` is required in the response, so it is written even when empty.
        out.list("Tags", page.items, |w, (_, t)| {
            w.element("Key", &t.key).element("Value", &t.value);
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}
