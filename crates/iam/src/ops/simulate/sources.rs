//! The policies a simulation evaluates, each labelled as the simulator reports it
//! (`SourcePolicyId` + `SourcePolicyType`).
//!
//! Stored policies are collected exactly as enforcement collects them
//! ([`PrincipalPolicies::for_user`] for users). The engine's trace names a policy only by
//! its compiled id, and stored inline policies are compiled under their bare name — so a user
//! inline policy and a group inline policy with the same name would be indistinguishable.
//! Each stored document is therefore compiled again, from the same parsed policy, under a
//! unique simulation label; the decision is unchanged, the provenance becomes exact.

use std::sync::Arc;

use portcullis_policy::{CompiledPolicy, PolicyKind, PolicySource, PolicyType};
use portcullis_protocol::AwsError;
use portcullis_service::entity::PolicyDoc;
use portcullis_service::{PrincipalPolicies, State};

/// `PolicySourceType` values.
pub mod source_type {
    pub const USER: &str = "user";
    pub const GROUP: &str = "group";
    pub const ROLE: &str = "role";
    pub const AWS_MANAGED: &str = "aws-managed";
    pub const USER_MANAGED: &str = "user-managed";
    pub const RESOURCE: &str = "resource";
    pub const NONE: &str = "none";
}

/// How the simulator reports a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The id the policy was compiled under for this simulation.
    pub compiled_id: String,
    pub source_id: String,
    pub source_type: &'static str,
}

/// Every policy of one simulation, compiled and labelled.
#[derive(Default)]
pub struct Policies {
    pub identity: Vec<CompiledPolicy>,
    pub boundary: Option<CompiledPolicy>,
    pub resource: Option<CompiledPolicy>,
    pub labels: Vec<Label>,
}

/// A deny-all stand-in for a boundary that names a missing policy: fail closed, as
/// enforcement does.
const MISSING_BOUNDARY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

/// Why an input policy was rejected: AWS answers `InvalidInput` for the simulator (its
/// operations declare no `MalformedPolicyDocument`), with the validator's AWS message.
pub fn input_error(member: &str, e: &portcullis_policy::PolicyError) -> AwsError {
    AwsError::invalid_input(format!("{e} ({member})"))
}

impl Policies {
    /// The label of a compiled policy id from the engine's trace.
    pub fn label(&self, compiled_id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.compiled_id == compiled_id)
    }

    fn add_stored(
        &mut self,
        doc: &PolicyDoc,
        source_id: String,
        source_type: &'static str,
        ty: PolicyType,
    ) {
        let compiled_id = format!("#stored.{}", self.labels.len());
        let compiled = doc
            .parsed()
            .compile(PolicySource::new(compiled_id.clone(), ty));
        self.labels.push(Label {
            compiled_id,
            source_id,
            source_type,
        });
        match ty {
            PolicyType::PermissionsBoundary => self.boundary = Some(compiled),
            _ => self.identity.push(compiled),
        }
    }

    /// Parses and adds `PolicyInputList.N` (identity) documents.
    pub fn add_inputs(&mut self, texts: &[String]) -> Result<(), AwsError> {
        for (i, text) in texts.iter().enumerate() {
            let id = format!("PolicyInputList.{}", i + 1);
            let p = portcullis_policy::parse(text, PolicyKind::Identity)
                .map_err(|e| input_error(&id, &e))?;
            self.identity
                .push(p.compile(PolicySource::new(id.clone(), PolicyType::Identity)));
            self.labels.push(Label {
                compiled_id: id.clone(),
                source_id: id,
                source_type: source_type::NONE,
            });
        }
        Ok(())
    }

    /// Parses `PermissionsBoundaryPolicyInputList.1`; it replaces any attached boundary, as
    /// AWS documents. AWS takes only one boundary.
    pub fn add_boundary_inputs(&mut self, texts: &[String]) -> Result<(), AwsError> {
        if texts.len() > 1 {
            return Err(AwsError::invalid_input(
                "You can input only one permissions boundary policy in PermissionsBoundaryPolicyInputList.",
            ));
        }
        if let Some(text) = texts.first() {
            let id = "PermissionsBoundaryPolicyInputList.1".to_string();
            let p = portcullis_policy::parse(text, PolicyKind::Identity)
                .map_err(|e| input_error(&id, &e))?;
            self.labels
                .retain(|l| Some(l.compiled_id.as_str()) != self.boundary.as_ref().map(|b| b.id()));
            self.boundary = Some(p.compile(PolicySource::new(
                id.clone(),
                PolicyType::PermissionsBoundary,
            )));
            self.labels.push(Label {
                compiled_id: id.clone(),
                source_id: id,
                source_type: source_type::NONE,
            });
        }
        Ok(())
    }

    /// Parses `ResourcePolicy` as a resource-based policy.
    pub fn add_resource_policy(&mut self, text: &str) -> Result<(), AwsError> {
        let id = "ResourcePolicy".to_string();
        let p = portcullis_policy::parse(text, PolicyKind::Resource)
            .map_err(|e| input_error(&id, &e))?;
        self.resource = Some(p.compile(PolicySource::new(id.clone(), PolicyType::ResourceBased)));
        self.labels.push(Label {
            compiled_id: id.clone(),
            source_id: id,
            source_type: source_type::RESOURCE,
        });
        Ok(())
    }

    /// The policies of IAM user `name`, collected as enforcement collects them.
    pub fn of_user(state: &State, account: &str, name: &str) -> Policies {
        let mut out = Policies::default();
        let collected = PrincipalPolicies::for_user(state, account, name);
        let Some(acct) = state.account(account) else {
            return out;
        };
        let Some(user) = acct.user(name) else {
            return out;
        };
        let groups: Vec<_> = user
            .groups
            .iter()
            .filter_map(|g| acct.groups.get(g))
            .collect();
        let mut attached: Vec<&str> = user.attached_policies.iter().map(String::as_str).collect();
        attached.extend(
            groups
                .iter()
                .flat_map(|g| g.attached_policies.iter().map(String::as_str)),
        );
        for doc in &collected.identity {
            let same = |d: &PolicyDoc| std::ptr::eq(d.compiled(), doc.compiled());
            let (id, ty) = if let Some((n, _)) = user.inline_policies.iter().find(|(_, d)| same(d))
            {
                (n.clone(), source_type::USER)
            } else if let Some((n, _)) = groups
                .iter()
                .flat_map(|g| g.inline_policies.iter())
                .find(|(_, d)| same(d))
            {
                (n.clone(), source_type::GROUP)
            } else if let Some(arn) = attached.iter().find(|arn| {
                state
                    .managed_policy(account, arn)
                    .is_some_and(|p| p.default_document().is_some_and(same))
            }) {
                managed_label(arn)
            } else {
                (doc.id().to_string(), source_type::NONE)
            };
            out.add_stored(doc, id, ty, PolicyType::Identity);
        }
        if let (Some(doc), Some(arn)) = (&collected.boundary, &user.permissions_boundary) {
            let (id, ty) = managed_label(arn);
            out.add_stored(doc, id, ty, PolicyType::PermissionsBoundary);
        }
        out
    }

    /// The policies of group `name`: its inline and attached managed policies (groups have
    /// no boundary).
    pub fn of_group(state: &State, account: &str, name: &str) -> Policies {
        let mut out = Policies::default();
        let Some(group) = state.account(account).and_then(|a| a.group(name)) else {
            return out;
        };
        for (n, doc) in &group.inline_policies {
            out.add_stored(doc, n.clone(), source_type::GROUP, PolicyType::Identity);
        }
        out.add_managed(state, account, &group.attached_policies);
        out
    }

    /// The policies of role `name`: inline, attached managed and its boundary.
    pub fn of_role(state: &State, account: &str, name: &str) -> Policies {
        let mut out = Policies::default();
        let Some(role) = state.account(account).and_then(|a| a.role(name)) else {
            return out;
        };
        for (n, doc) in &role.inline_policies {
            out.add_stored(doc, n.clone(), source_type::ROLE, PolicyType::Identity);
        }
        out.add_managed(state, account, &role.attached_policies);
        if let Some(arn) = &role.permissions_boundary {
            let doc = state
                .managed_policy(account, arn)
                .and_then(|p| p.default_document().cloned())
                .or_else(|| {
                    PolicyDoc::new(
                        MISSING_BOUNDARY,
                        PolicyKind::Identity,
                        arn,
                        PolicyType::PermissionsBoundary,
                    )
                    .ok()
                });
            if let Some(doc) = doc {
                let (id, ty) = managed_label(arn);
                out.add_stored(&doc, id, ty, PolicyType::PermissionsBoundary);
            }
        }
        out
    }

    fn add_managed(&mut self, state: &State, account: &str, arns: &[String]) {
        for arn in arns {
            let doc: Option<Arc<_>> = state.managed_policy(account, arn);
            if let Some(doc) = doc.as_ref().and_then(|p| p.default_document()) {
                let (id, ty) = managed_label(arn);
                self.add_stored(doc, id, ty, PolicyType::Identity);
            }
        }
    }

    /// Every document's distinct context keys, in order of first appearance
    /// (case-insensitive), for GetContextKeysFor*Policy.
    pub fn context_keys<'a>(
        policies: impl IntoIterator<Item = &'a portcullis_policy::Policy>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in policies {
            for k in p.context_keys() {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(&k)) {
                    out.push(k);
                }
            }
        }
        out
    }
}

/// A managed policy is reported by its name; AWS-managed ones live in account `aws`.
fn managed_label(arn: &str) -> (String, &'static str) {
    let name = arn.rsplit('/').next().unwrap_or(arn).to_string();
    let ty = if arn.starts_with("arn:aws:iam::aws:policy/") {
        source_type::AWS_MANAGED
    } else {
        source_type::USER_MANAGED
    };
    (name, ty)
}

/// The parsed documents of a principal's stored policies (identity and boundary), for
/// GetContextKeysForPrincipalPolicy.
pub fn stored_documents(state: &State, account: &str, entity: &super::Entity) -> Vec<PolicyDoc> {
    use super::Entity;
    let mut docs = Vec::new();
    let managed = |docs: &mut Vec<PolicyDoc>, arns: &[String]| {
        for arn in arns {
            if let Some(d) = state
                .managed_policy(account, arn)
                .and_then(|p| p.default_document().cloned())
            {
                docs.push(d);
            }
        }
    };
    let acct = state.account(account);
    match entity {
        Entity::User(name) => {
            let p = PrincipalPolicies::for_user(state, account, name);
            docs.extend(p.identity);
            docs.extend(p.boundary);
        }
        Entity::Group(name) => {
            if let Some(g) = acct.and_then(|a| a.group(name)) {
                docs.extend(g.inline_policies.values().cloned());
                managed(&mut docs, &g.attached_policies);
            }
        }
        Entity::Role(name) => {
            if let Some(r) = acct.and_then(|a| a.role(name)) {
                docs.extend(r.inline_policies.values().cloned());
                managed(&mut docs, &r.attached_policies);
                if let Some(b) = &r.permissions_boundary {
                    managed(&mut docs, std::slice::from_ref(b));
                }
            }
        }
    }
    docs
}
