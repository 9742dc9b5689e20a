//! The AWS IAM API (`https://iam.amazonaws.com/doc/2010-05-08/`).
//!
//! Every operation implements [`Operation`]: decode and validate the request, name the
//! resource AWS authorizes it against, then execute. [`dispatch`] is the only way an
//! operation runs, and it always asks the policy engine first — authorization is structural,
//! not something each handler has to remember.
//!
//! Find an operation by its AWS name: `ops/users.rs` holds CreateUser, GetUser, …

mod ops;
mod support;

use std::future::Future;

use portcullis_policy::ContextValue;
use portcullis_protocol::{new_request_id, AwsError, QueryRequest, ResponseWriter, IAM_NAMESPACE};
use portcullis_service::{authorize, Caller, Service, State};
use std::sync::Arc;

pub use support::Ctx;

/// One IAM API operation.
pub trait Operation: Sized + Send {
    /// The AWS operation name; the IAM action is `iam:<NAME>`.
    const NAME: &'static str;
    /// Whether the response has a `<NAMEResult>` element (botocore: the operation has an
    /// output shape).
    const HAS_RESULT: bool = true;

    /// Reads and validates the parameters (AWS validates shapes before authorizing).
    fn decode(req: &QueryRequest, caller: &Caller) -> Result<Self, AwsError>;

    /// The ARN AWS authorizes this call against (the Service Authorization Reference's
    /// resource type for the action).
    fn resource(&self, caller: &Caller, state: &State) -> String;

    /// Performs the operation and writes its result.
    fn execute(
        self,
        ctx: &Ctx<'_>,
        out: &mut ResponseWriter,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;

    /// Request-specific condition keys the Service Authorization Reference lists for the
    /// action (e.g. `iam:PolicyARN` for AttachUserPolicy), added to the authorization
    /// request. Read from the same snapshot the call is authorized against.
    fn context(&self, _caller: &Caller, _state: &State) -> Vec<(String, ContextValue)> {
        Vec::new()
    }
}

pub(crate) async fn run<O: Operation>(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    let op = O::decode(req, caller)?;
    let snapshot: Arc<State> = svc.snapshot();
    let action = format!("iam:{}", O::NAME);
    let extra = op.context(caller, &snapshot);
    let extra: Vec<(&str, ContextValue)> =
        extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    authorize(
        &snapshot,
        caller,
        &action,
        &op.resource(caller, &snapshot),
        &extra,
    )?;
    let ctx = Ctx {
        svc,
        caller,
        snapshot,
    };
    let mut out = if O::HAS_RESULT {
        ResponseWriter::new(O::NAME, IAM_NAMESPACE)
    } else {
        ResponseWriter::without_result(O::NAME, IAM_NAMESPACE)
    };
    op.execute(&ctx, &mut out).await?;
    Ok(out.finish(&new_request_id()))
}

/// Declares a family module's operations: generates its `OPERATIONS` list and its
/// `dispatch`, which runs the operation named `action` if the family has it.
macro_rules! family {
    ($($op:ident),* $(,)?) => {
        /// The operations of this family, by AWS name.
        pub const OPERATIONS: &[&str] = &[$(<$op as $crate::Operation>::NAME),*];

        #[allow(unused_variables)]
        pub async fn dispatch(
            svc: &portcullis_service::Service,
            caller: &portcullis_service::Caller,
            req: &portcullis_protocol::QueryRequest,
            action: &str,
        ) -> Option<Result<String, portcullis_protocol::AwsError>> {
            $(
                if action == <$op as $crate::Operation>::NAME {
                    return Some($crate::run::<$op>(svc, caller, req).await);
                }
            )*
            None
        }
    };
}
pub(crate) use family;

/// Every IAM operation this server implements, by AWS name.
pub fn operations() -> Vec<&'static str> {
    ops::FAMILIES
        .iter()
        .flat_map(|f| f.iter().copied())
        .collect()
}

/// Runs the IAM operation named by the request's `Action`, or answers as AWS does for an
/// action it does not know. Returns the XML response body.
pub async fn dispatch(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    let action = req.required_action()?;
    if let Some(r) = ops::dispatch(svc, caller, req, action).await {
        return r;
    }
    Err(AwsError::invalid_action(
        action,
        portcullis_protocol::IAM_VERSION,
    ))
}
