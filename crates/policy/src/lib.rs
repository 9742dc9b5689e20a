//! # portcullis-policy
//!
//! AWS IAM JSON policies, exactly as AWS documents them: a strict parser and validator, a
//! compiler, and an allocation-free evaluator, with no I/O, async, global state or `unsafe`.
//! The rules implemented are those of `shared/POLICY-SPEC.md`; module docs cite the AWS pages.
//!
//! ## API summary
//!
//! | Step | Call |
//! |---|---|
//! | size quota | [`check_size`]`(text, limits::MANAGED_POLICY, "PolicySize")` |
//! | parse + validate | [`parse`]`(text, PolicyKind::Identity) -> Result<Policy, PolicyError>` |
//! | error on the wire | [`PolicyError::code`] (`MalformedPolicyDocument`/`LimitExceeded`) + `to_string()` |
//! | context keys | [`Policy::context_keys`] |
//! | compile | [`Policy::compile`]`(PolicySource::new(arn, PolicyType::Identity))` → [`CompiledPolicy`] |
//! | decide | [`evaluate`]`(&PolicySet, &Request) -> Decision` (zero heap allocations) |
//! | explain | [`explain`]`(&PolicySet, &Request) -> Evaluation` (same decision + trace) |
//!
//! ## Example
//!
//! ```
//! use portcullis_policy::*;
//!
//! let text = r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OwnHome",
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::home/${aws:username}/*"
//!   }]
//! }"#;
//! check_size(text, limits::MANAGED_POLICY, "PolicySize")?;
//! let policy = parse(text, PolicyKind::Identity)?;
//! assert_eq!(policy.context_keys(), vec!["aws:username".to_string()]);
//! let compiled = policy.compile(PolicySource::new("arn:aws:iam::111122223333:policy/home", PolicyType::Identity));
//!
//! let identity = [&compiled];
//! let set = PolicySet { identity_policies: &identity, ..PolicySet::default() };
//! let context = Context::new().with("aws:username", "alice");
//! let req = Request {
//!     principal: Principal::user("arn:aws:iam::111122223333:user/alice", "111122223333"),
//!     action: "s3:GetObject",
//!     resource: "arn:aws:s3:::home/alice/notes.txt",
//!     resource_account: None,
//!     context: &context,
//! };
//! assert_eq!(evaluate(&set, &req), Decision::Allow);
//! let why = explain(&set, &req);
//! assert_eq!(why.decision, Decision::Allow);
//! assert_eq!(why.matched[0].sid.as_deref(), Some("OwnHome"));
//! # Ok::<(), PolicyError>(())
//! ```

mod action;
mod arn;
mod compile;
mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod explain;
mod glob;
mod hash;
mod index;
mod json;
mod keys;
pub mod limits;
mod principal;
mod request;
mod trace;
mod validate;
mod variables;

pub use compile::{CompiledPolicy, PolicySource, PolicyType};
pub use condition::ConditionValue;
pub use context::{Context, ContextValue};
pub use document::{Effect, Policy, PolicyKind, Statement, Targets, Version};
pub use error::{PolicyError, PolicyErrorCode, PolicyErrorKind, Position};
pub use evaluate::{evaluate, Decision, PolicySet};
pub use explain::{explain, Evaluation, MatchedStatement, TypeDecision};
pub use limits::check_size;
pub use principal::{PrincipalBlock, PrincipalType};
pub use request::{Principal, PrincipalKind, Request};
pub use validate::parse;

#[cfg(test)]
mod tests;
