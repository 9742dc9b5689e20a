//! Session policies of temporary credentials, compiled once per session rather than once per
//! request (parsing a policy costs tens of microseconds; a decision about one).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use portcullis_policy::{PolicyKind, PolicyType};
use portcullis_protocol::AwsError;
use portcullis_service::entity::PolicyDoc;
use portcullis_service::session::SessionClaims;
use portcullis_service::State;

/// Most sessions kept; beyond it the cache starts over (bounded memory).
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct SessionPolicyCache {
    inline: Mutex<HashMap<String, Arc<PolicyDoc>>>,
}

impl SessionPolicyCache {
    /// The session's policies: its inline policy (cached by access key id) and the current
    /// default versions of its managed session policies.
    pub fn get(
        &self,
        state: &State,
        claims: &SessionClaims,
    ) -> Result<Arc<Vec<PolicyDoc>>, AwsError> {
        if !claims.has_session_policies() {
            return Ok(Arc::default());
        }
        let mut docs = Vec::with_capacity(1 + claims.policy_arns.len());
        if let Some(text) = &claims.policy {
            docs.push((*self.inline_policy(&claims.access_key_id, text)?).clone());
        }
        for arn in &claims.policy_arns {
            // A managed session policy that no longer exists allows nothing (fail closed):
            // the session policies are still present, so nothing it granted is allowed.
            if let Some(d) = state
                .managed_policy(&claims.account, arn)
                .and_then(|p| p.default_document().cloned())
            {
                docs.push(d);
            }
        }
        Ok(Arc::new(docs))
    }

    fn inline_policy(&self, key: &str, text: &str) -> Result<Arc<PolicyDoc>, AwsError> {
        if let Some(d) = self.inline.lock().ok().and_then(|m| m.get(key).cloned()) {
            return Ok(d);
        }
        let doc = Arc::new(
            PolicyDoc::new(
                text,
                PolicyKind::Identity,
                "SessionPolicy",
                PolicyType::Session,
            )
            .map_err(|_| AwsError::invalid_client_token_id())?,
        );
        if let Ok(mut m) = self.inline.lock() {
            if m.len() >= CAPACITY {
                m.clear();
            }
            m.insert(key.to_string(), doc.clone());
        }
        Ok(doc)
    }
}
