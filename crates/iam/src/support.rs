//! What the operations share: the execution context, parameter helpers and the XML shapes
//! of IAM entities.

use std::sync::Arc;

use portcullis_model::ValidationError;
use portcullis_protocol::{AwsError, QueryRequest, ResponseWriter};
use portcullis_service::entity::{Tag, User};
use portcullis_service::{authorize, Caller, Service, State};

/// Everything an operation may use while it runs.
pub struct Ctx<'a> {
    pub svc: &'a Service,
    pub caller: &'a Caller,
    /// The snapshot the call was authorized against.
    pub snapshot: Arc<State>,
}

impl Ctx<'_> {
    /// A further authorization some operations need (e.g. `iam:TagUser` when CreateUser
    /// carries tags).
    pub fn authorize(&self, action: &str, resource: &str) -> Result<(), AwsError> {
        authorize(&self.snapshot, self.caller, action, resource, &[])
    }

    pub fn account(&self) -> &str {
        &self.caller.account
    }
}

/// Turns a shape-validation failure into AWS's `ValidationError`.
pub fn valid(r: Result<(), ValidationError>) -> Result<(), AwsError> {
    r.map_err(|e| AwsError::new(e.code(), e.message()))
}

/// Our stored tags as the model crate's, for its tag rules (merge, remove, validate).
pub fn to_model(tags: &[Tag]) -> Vec<portcullis_model::Tag> {
    tags.iter()
        .map(|t| portcullis_model::Tag::new(t.key.clone(), t.value.clone()))
        .collect()
}

/// The model crate's tags back as stored tags.
pub fn from_model(tags: Vec<portcullis_model::Tag>) -> Vec<Tag> {
    tags.into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

/// A tag-rule violation as AWS's error (ValidationError, InvalidInput or LimitExceeded).
pub fn tag_error(e: portcullis_model::TagError) -> AwsError {
    AwsError::new(e.code(), e.to_string())
}

/// `Tags.member.N.Key` / `.Value`, validated as AWS does.
pub fn decode_tags(req: &QueryRequest) -> Result<Vec<Tag>, AwsError> {
    let tags: Vec<Tag> = req
        .structs("Tags")
        .iter()
        .map(|t| Tag {
            key: t.get("Key").unwrap_or_default().to_string(),
            value: t.get("Value").unwrap_or_default().to_string(),
        })
        .collect();
    portcullis_model::validate_tags(&to_model(&tags)).map_err(tag_error)?;
    Ok(tags)
}

/// The optional `Path` parameter (default `/`).
pub fn decode_path(req: &QueryRequest, name: &str) -> Result<String, AwsError> {
    match req.get(name) {
        Some(p) => {
            valid(portcullis_model::validate_path(
                p,
                &portcullis_protocol::lower_first(name),
            ))?;
            Ok(p.to_string())
        }
        None => Ok("/".to_string()),
    }
}

/// The ARN of user `name`, with its path if the user exists (authorization needs the real
/// ARN; a missing user is reported after authorization, as AWS does).
pub fn user_resource(state: &State, account: &str, name: &str) -> String {
    state
        .account(account)
        .and_then(|a| a.user(name))
        .map(|u| u.arn.clone())
        .unwrap_or_else(|| portcullis_model::arn::user_arn(account, "/", name))
}

pub fn no_such_user(name: &str) -> AwsError {
    AwsError::no_such_entity(format!("The user with name {name} cannot be found."))
}

/// Writes `<Tags>` if there are any.
pub fn write_tags(out: &mut ResponseWriter, tags: &[Tag]) {
    if !tags.is_empty() {
        out.list("Tags", tags, |w, t| {
            w.element("Key", &t.key).element("Value", &t.value);
        });
    }
}

/// The `User` shape. `full` adds what GetUser/CreateUser return beyond ListUsers.
pub fn write_user(out: &mut ResponseWriter, u: &User, full: bool) {
    out.element("Path", &u.path)
        .element("UserName", &u.name)
        .element("UserId", &u.id)
        .element("Arn", &u.arn)
        .timestamp("CreateDate", u.create_date);
    if full {
        if let Some(b) = &u.permissions_boundary {
            out.start("PermissionsBoundary")
                .element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .element("PermissionsBoundaryArn", b)
                .end();
        }
        write_tags(out, &u.tags);
    }
}

/// Filters by `PathPrefix` (default `/`), as the List* operations do.
pub fn path_matches(path: &str, prefix: Option<&str>) -> bool {
    path.starts_with(prefix.unwrap_or("/"))
}
