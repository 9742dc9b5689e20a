//! A policy document as the service keeps it: the text the user sent (returned verbatim,
//! URL-encoded, by Get*Policy as AWS does), its parsed form, and its compiled form.
//!
//! Stored as the text plus the label and kind it was compiled with; loading parses and
//! compiles again through the same validation path, so what is in memory is always what the
//! engine would have accepted at write time. A stored document that no longer validates
//! stops start-up with an error rather than being skipped (fail closed).

use std::sync::Arc;

use portcullis_policy::{
    CompiledPolicy, Policy, PolicyError, PolicyKind, PolicySource, PolicyType,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validated, compiled policy document.
#[derive(Clone)]
pub struct PolicyDoc {
    text: Arc<str>,
    kind: PolicyKind,
    id: Arc<str>,
    policy_type: PolicyType,
    parsed: Arc<Policy>,
    compiled: Arc<CompiledPolicy>,
}

impl std::fmt::Debug for PolicyDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyDoc")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl PolicyDoc {
    /// Parses, validates and compiles `text`. `id` labels the policy in decision traces
    /// (a managed policy's ARN, or an inline policy's name).
    pub fn new(
        text: &str,
        kind: PolicyKind,
        id: &str,
        policy_type: PolicyType,
    ) -> Result<Self, PolicyError> {
        let parsed = portcullis_policy::parse(text, kind)?;
        let compiled = CompiledPolicy::new(
            &parsed,
            PolicySource {
                id: id.to_string(),
                policy_type,
            },
        );
        Ok(PolicyDoc {
            text: text.into(),
            kind,
            id: id.into(),
            policy_type,
            parsed: Arc::new(parsed),
            compiled: Arc::new(compiled),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn parsed(&self) -> &Policy {
        &self.parsed
    }
    pub fn compiled(&self) -> &CompiledPolicy {
        &self.compiled
    }
}

fn kind_name(k: PolicyKind) -> &'static str {
    match k {
        PolicyKind::Identity => "identity",
        PolicyKind::Resource => "resource",
        PolicyKind::RoleTrust => "role-trust",
        PolicyKind::ServiceControl => "scp",
        PolicyKind::ResourceControl => "rcp",
    }
}

fn kind_from(s: &str) -> Option<PolicyKind> {
    Some(match s {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "role-trust" => PolicyKind::RoleTrust,
        "scp" => PolicyKind::ServiceControl,
        "rcp" => PolicyKind::ResourceControl,
        _ => return None,
    })
}

fn type_name(t: PolicyType) -> &'static str {
    match t {
        PolicyType::Identity => "identity",
        PolicyType::PermissionsBoundary => "boundary",
        PolicyType::Session => "session",
        PolicyType::ResourceBased => "resource",
        PolicyType::ServiceControl => "scp",
        PolicyType::ResourceControl => "rcp",
    }
}

fn type_from(s: &str) -> Option<PolicyType> {
    Some(match s {
        "identity" => PolicyType::Identity,
        "boundary" => PolicyType::PermissionsBoundary,
        "session" => PolicyType::Session,
        "resource" => PolicyType::ResourceBased,
        "scp" => PolicyType::ServiceControl,
        "rcp" => PolicyType::ResourceControl,
        _ => return None,
    })
}

#[derive(Serialize, Deserialize)]
struct StoredDoc<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    kind: std::borrow::Cow<'a, str>,
    #[serde(rename = "type")]
    policy_type: std::borrow::Cow<'a, str>,
    text: std::borrow::Cow<'a, str>,
}

impl Serialize for PolicyDoc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StoredDoc {
            id: (&*self.id).into(),
            kind: kind_name(self.kind).into(),
            policy_type: type_name(self.policy_type).into(),
            text: (&*self.text).into(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PolicyDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let sd = StoredDoc::deserialize(d)?;
        let kind = kind_from(&sd.kind).ok_or_else(|| D::Error::custom("unknown policy kind"))?;
        let policy_type =
            type_from(&sd.policy_type).ok_or_else(|| D::Error::custom("unknown policy type"))?;
        PolicyDoc::new(&sd.text, kind, &sd.id, policy_type).map_err(|e| {
            D::Error::custom(format!("stored policy {} no longer validates: {e}", sd.id))
        })
    }
}
