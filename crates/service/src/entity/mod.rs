//! The IAM entities the service stores, named after their AWS concepts.
//!
//! Each entity is one store record (see [`crate::records`]); relations that AWS reports in
//! both directions (a user's groups / a group's users; a policy's attachments) are stored on
//! one side only and derived for the other, so they can never disagree.

mod policy_doc;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use policy_doc::PolicyDoc;

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// An AWS account hosted by this server, with its root user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
}

/// An IAM user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub path: String,
    /// The unique id (`AIDA…`).
    pub id: String,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// ARN of the managed policy used as permissions boundary.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Inline policies by name (names are case-sensitive keys in AWS).
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    /// ARNs of attached managed policies, in attachment order.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Case-folded names of the groups this user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// An IAM group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub path: String,
    pub id: String,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
}

/// One version of a managed policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// `v1`, `v2`, …
    pub version_id: String,
    pub document: PolicyDoc,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
}

/// A managed policy: customer-managed (stored per account) or AWS-managed (the shipped
/// catalogue, account `aws`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub update_date: OffsetDateTime,
    pub default_version_id: String,
    /// Versions, oldest first (at most 5 for customer-managed policies).
    pub versions: Vec<PolicyVersion>,
    /// The number the next version gets (`v{n}`); AWS never reuses version ids.
    pub next_version: u32,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    /// The default version's document: the one that is enforced.
    pub fn default_document(&self) -> Option<&PolicyDoc> {
        self.versions
            .iter()
            .find(|v| v.version_id == self.default_version_id)
            .map(|v| &v.document)
    }
}

/// Active or Inactive, as AWS spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// A long-term access key of an IAM user or of an account's root user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessKey {
    /// `AKIA…`
    pub id: String,
    pub account: String,
    /// The owning user's name; `None` for the root user.
    pub user_name: Option<String>,
    pub status: KeyStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
    /// The secret, sealed with the master key and bound to this key's id.
    pub sealed_secret: String,
    #[serde(default)]
    pub last_used: Option<KeyLastUsed>,
}

/// What GetAccessKeyLastUsed reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyLastUsed {
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub service: String,
    pub region: String,
}

/// An IAM role: a trust policy saying who may assume it, and permissions like a user's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub path: String,
    /// The unique id (`AROA…`).
    pub id: String,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub create_date: OffsetDateTime,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub assume_role_policy: PolicyDoc,
    #[serde(default)]
    pub description: Option<String>,
    /// Seconds, 3,600–43,200.
    pub max_session_duration: u32,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
    #[serde(default)]
    pub last_used: Option<RoleLastUsed>,
}

/// What GetRole reports as `RoleLastUsed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleLastUsed {
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub region: String,
}
