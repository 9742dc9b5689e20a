//! The catalogue of AWS-managed policies (`arn:aws:iam::aws:policy/…`), shipped with the
//! binary (see `data/README.md` for its source and licence) and shared by every account.

use std::collections::HashMap;
use std::sync::Arc;

use portcullis_policy::{PolicyKind, PolicyType};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::entity::{ManagedPolicy, PolicyDoc, PolicyVersion};

static CATALOGUE_JSON: &str = include_str!("../data/aws-managed-policies.json");

#[derive(Deserialize)]
struct Entry {
    path: String,
    default_version_id: String,
    create_date: String,
    update_date: String,
    document: String,
}

/// AWS-managed policies by ARN, plus a name-ordered list for ListPolicies.
#[derive(Default)]
pub struct Catalogue {
    by_arn: HashMap<String, Arc<ManagedPolicy>>,
    ordered: Vec<Arc<ManagedPolicy>>,
    /// Policies of the shipped data that our validator rejected (should be none; a test
    /// asserts it), with the reason.
    pub rejected: Vec<(String, String)>,
}

impl Catalogue {
    /// Loads the shipped catalogue.
    pub fn shipped() -> Catalogue {
        let entries: std::collections::BTreeMap<String, Entry> = match serde_json::from_str(
            CATALOGUE_JSON,
        ) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, "the shipped AWS-managed policy catalogue is unreadable");
                return Catalogue::default();
            }
        };
        let mut cat = Catalogue::default();
        for (name, e) in entries {
            let arn = format!("arn:aws:iam::aws:policy{}{}", e.path, name);
            let doc = match PolicyDoc::new(
                &e.document,
                PolicyKind::Identity,
                &arn,
                PolicyType::Identity,
            ) {
                Ok(d) => d,
                Err(err) => {
                    cat.rejected.push((name, err.to_string()));
                    continue;
                }
            };
            let created = OffsetDateTime::parse(&e.create_date, &Rfc3339)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let updated = OffsetDateTime::parse(&e.update_date, &Rfc3339).unwrap_or(created);
            let p = Arc::new(ManagedPolicy {
                id: stable_policy_id(&name),
                name,
                path: e.path,
                arn: arn.clone(),
                description: None,
                create_date: created,
                update_date: updated,
                default_version_id: e.default_version_id.clone(),
                versions: vec![PolicyVersion {
                    version_id: e.default_version_id,
                    document: doc,
                    create_date: updated,
                }],
                next_version: 0,
                tags: Vec::new(),
            });
            cat.by_arn.insert(arn, p.clone());
            cat.ordered.push(p);
        }
        if !cat.rejected.is_empty() {
            tracing::warn!(
                count = cat.rejected.len(),
                "some shipped AWS-managed policies failed validation and are not offered"
            );
        }
        cat
    }

    pub fn get(&self, arn: &str) -> Option<&Arc<ManagedPolicy>> {
        self.by_arn.get(arn)
    }

    /// Every policy, ordered by name.
    pub fn all(&self) -> &[Arc<ManagedPolicy>] {
        &self.ordered
    }
}

/// AWS's real policy ids are not in the public data; derive a stable one in AWS's format
/// (`ANPA` + 17 characters of `A-Z2-7`) from the name, so it never changes between runs.
fn stable_policy_id(name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(name.as_bytes());
    let mut id = String::from("ANPA");
    id.extend(
        digest
            .iter()
            .take(17)
            .map(|b| ALPHABET[usize::from(b % 32)] as char),
    );
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    /// POLICY-SPEC B3: every AWS-managed policy must parse and validate clean.
    #[test]
    fn every_shipped_policy_validates() {
        let c = Catalogue::shipped();
        assert!(
            c.rejected.is_empty(),
            "rejected: {:?}",
            &c.rejected[..c.rejected.len().min(5)]
        );
        assert!(c.all().len() > 1400);
        let admin = c
            .get("arn:aws:iam::aws:policy/AdministratorAccess")
            .unwrap();
        assert_eq!(admin.path, "/");
        assert!(admin.id.starts_with("ANPA") && admin.id.len() == 21);
    }
}
