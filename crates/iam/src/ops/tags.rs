//! Tags of users: TagUser, UntagUser, ListUserTags.
//!
//! Keys compare case-insensitively (a new tag replaces an existing one whose key differs only
//! in case) and an entity holds at most 50 tags, as in AWS; the rules live in
//! `portcullis_model::tags`.

use portcullis_protocol::{AwsError, Page, QueryRequest, ResponseWriter};
use portcullis_service::entity::Tag;
use portcullis_service::{Caller, State};

use crate::ops::groups::existing_user_name;
use crate::support::{
    decode_tags, from_model, no_such_user, tag_error, to_model, user_resource, Ctx,
};
use crate::{family, Operation};

/// Whether the request carries the list member `name` at all (an empty list is sent as
/// `Name=`); AWS reports an absent required list as null.
fn has_list(req: &QueryRequest, name: &str) -> bool {
    let dotted = format!("{name}.");
    req.param_names()
        .any(|p| p == name || p.starts_with(&dotted))
}

pub struct TagUser {
    user: String,
    tags: Vec<Tag>,
}

impl Operation for TagUser {
    const NAME: &'static str = "TagUser";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let user = existing_user_name(req, "UserName")?;
        if !has_list(req, "Tags") {
            return Err(AwsError::missing_required("tags"));
        }
        Ok(TagUser {
            user,
            tags: decode_tags(req)?,
        })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let mut user = acct
                    .user(&self.user)
                    .map(|u| (**u).clone())
                    .ok_or_else(|| no_such_user(&self.user))?;
                let mut tags = to_model(&user.tags);
                portcullis_model::tags::merge_tags(&mut tags, &to_model(&self.tags))
                    .map_err(tag_error)?;
                user.tags = from_model(tags);
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct UntagUser {
    user: String,
    keys: Vec<String>,
}

impl Operation for UntagUser {
    const NAME: &'static str = "UntagUser";
    const HAS_RESULT: bool = false;

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        let user = existing_user_name(req, "UserName")?;
        if !has_list(req, "TagKeys") {
            return Err(AwsError::missing_required("tagKeys"));
        }
        let keys: Vec<String> = req
            .list("TagKeys")
            .into_iter()
            .map(str::to_string)
            .collect();
        portcullis_model::tags::validate_tag_keys(&keys).map_err(tag_error)?;
        Ok(UntagUser { user, keys })
    }

    fn resource(&self, caller: &Caller, state: &State) -> String {
        user_resource(state, &caller.account, &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>, _: &mut ResponseWriter) -> Result<(), AwsError> {
        let account = ctx.account().to_string();
        ctx.svc
            .write(|tx| {
                let acct = tx.account(&account)?;
                let mut user = acct
                    .user(&self.user)
                    .map(|u| (**u).clone())
                    .ok_or_else(|| no_such_user(&self.user))?;
                let mut tags = to_model(&user.tags);
                portcullis_model::tags::remove_tags(&mut tags, &self.keys);
                if tags.len() == user.tags.len() {
                    // Removing absent keys is not an error, and changes nothing.
                    return Ok(());
                }
                user.tags = from_model(tags);
                tx.put_user(&account, user)
            })
            .await
    }
}

pub struct ListUserTags {
    user: String,
    page: Page,
}

impl Operation for ListUserTags {
    const NAME: &'static str = "ListUserTags";

    fn decode(req: &QueryRequest, _: &Caller) -> Result<Self, AwsError> {
        Ok(ListUserTags {
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
        // Keys are unique ignoring case, so the folded key orders and resumes pages.
        let mut tags: Vec<&Tag> = user.tags.iter().collect();
        tags.sort_by_key(|t| t.key.to_lowercase());
        let page = self.page.paginate(&tags, |t| t.key.to_lowercase());
        out.list("Tags", page.items, |w, t| {
            w.element("Key", &t.key).element("Value", &t.value);
        });
        out.pagination(page.next_marker.as_deref());
        Ok(())
    }
}

family!(TagUser, UntagUser, ListUserTags);

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&str, &str)]) -> QueryRequest {
        let qs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        QueryRequest::from_parts(&qs.join("&"), None, b"").unwrap()
    }

    #[test]
    fn an_empty_list_is_present_but_an_absent_one_is_null() {
        assert!(has_list(&req(&[("Tags", "")]), "Tags"));
        assert!(has_list(&req(&[("Tags.member.1.Key", "a")]), "Tags"));
        assert!(!has_list(
            &req(&[("TagsX", "a"), ("UserName", "u")]),
            "Tags"
        ));
    }
}
