//! IAM's identifiers and names, as pure functions.
//!
//! * [`ids`]: unique ids (`AIDA…`, `AKIA…`) and secret access keys in AWS's formats, from a
//!   CSPRNG.
//! * [`names`]: every IAM/STS string shape Portcullis accepts (user, group, role, policy names,
//!   paths, descriptions, documents, STS session names…), with botocore's exact
//!   `min`/`max`/`pattern` and AWS's `ValidationError` message text.
//! * [`tags`]: tag lists with AWS's limits, case-insensitive keys and reserved `aws:` prefix.
//! * [`arn`]: parsing and building the ARNs of IAM and STS principals and resources.
//! * [`validation`]: the violation collector and message format shared by all of the above.
//!
//! Errors carry the AWS error code they must be sent with (`code()`) and render AWS's message
//! text via `Display`; the service layer wraps them into its wire error type.

pub mod arn;
pub mod ids;
pub mod names;
pub mod tags;
pub mod validation;

pub use arn::{
    assumed_role_arn, aws_managed_policy_arn, federated_user_arn, group_arn, instance_profile_arn,
    mfa_arn, oidc_provider_arn, policy_arn, role_arn, root_arn, saml_provider_arn,
    server_certificate_arn, user_arn, Arn, ArnError, PARTITION,
};
pub use ids::{new_id, new_secret_access_key, IdKind};
pub use names::*;
pub use tags::{validate_tags, Tag, TagError};
pub use validation::{ValidationError, Violation};
