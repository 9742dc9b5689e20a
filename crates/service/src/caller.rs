//! The caller of an API request: who signed it, resolved from the access key in the
//! signature, plus what the request itself tells (source address, user agent, region).
//! Everything here is derived server-side; nothing a client puts in the request parameters
//! can change it (SECURITY-BAR 2.1, Ceph CVE-2023-43040).

use std::net::IpAddr;

use portcullis_model::arn;
use portcullis_protocol::AwsError;
use time::OffsetDateTime;

use crate::session::{SessionClaims, SessionPrincipal};
use crate::state::State;

/// What kind of principal signed the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account's root user.
    Root,
    /// An IAM user (long-term keys, or a GetSessionToken session of the user).
    User { name: String },
    /// A role session (AssumeRole).
    AssumedRole {
        role_name: String,
        role_arn: String,
        role_id: String,
        session_name: String,
    },
}

/// Facts about the request that feed global condition keys (`aws:SourceIp`, …).
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub source_ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub secure_transport: bool,
    pub region: String,
    pub time: OffsetDateTime,
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: String,
    pub kind: CallerKind,
    /// `arn:aws:iam::A:root` or the user's ARN.
    pub arn: String,
    /// `aws:userid`: the account id for root, the unique id (`AIDA…`) for a user.
    pub user_id: String,
    pub access_key_id: String,
    pub request: RequestInfo,
    /// Set when the request was signed with temporary credentials.
    pub session: Option<std::sync::Arc<SessionClaims>>,
    /// The session policies of that session, compiled (empty when it has none).
    pub session_policies: std::sync::Arc<Vec<crate::entity::PolicyDoc>>,
}

impl Caller {
    /// Resolves the owner of a (verified) long-term access key.
    pub fn from_access_key(
        state: &State,
        key_id: &str,
        request: RequestInfo,
    ) -> Result<Caller, AwsError> {
        let entry = state
            .access_keys
            .get(key_id)
            .ok_or_else(AwsError::invalid_client_token_id)?;
        let k = &entry.key;
        match &k.user_name {
            None => Ok(Caller {
                account: k.account.clone(),
                kind: CallerKind::Root,
                arn: arn::root_arn(&k.account),
                user_id: k.account.clone(),
                access_key_id: k.id.clone(),
                request,
                session: None,
                session_policies: Default::default(),
            }),
            Some(name) => {
                let user = state
                    .account(&k.account)
                    .and_then(|a| a.user(name))
                    .ok_or_else(AwsError::invalid_client_token_id)?;
                Ok(Caller {
                    account: k.account.clone(),
                    kind: CallerKind::User {
                        name: user.name.clone(),
                    },
                    arn: user.arn.clone(),
                    user_id: user.id.clone(),
                    access_key_id: k.id.clone(),
                    request,
                    session: None,
                    session_policies: Default::default(),
                })
            }
        }
    }

    /// The caller of a request signed with temporary credentials whose token was opened and
    /// verified. The session's principal must still exist (a deleted user or role ends its
    /// sessions).
    pub fn from_session(
        state: &State,
        claims: std::sync::Arc<SessionClaims>,
        session_policies: std::sync::Arc<Vec<crate::entity::PolicyDoc>>,
        request: RequestInfo,
    ) -> Result<Caller, AwsError> {
        let account = claims.account.clone();
        let acct = state
            .account(&account)
            .ok_or_else(AwsError::invalid_client_token_id)?;
        let (kind, arn, user_id) = match &claims.principal {
            SessionPrincipal::Root => (CallerKind::Root, arn::root_arn(&account), account.clone()),
            SessionPrincipal::User { name } => {
                let u = acct
                    .user(name)
                    .ok_or_else(AwsError::invalid_client_token_id)?;
                (
                    CallerKind::User {
                        name: u.name.clone(),
                    },
                    u.arn.clone(),
                    u.id.clone(),
                )
            }
            SessionPrincipal::AssumedRole {
                role_name,
                session_name,
                ..
            } => {
                let r = acct
                    .role(role_name)
                    .ok_or_else(AwsError::invalid_client_token_id)?;
                (
                    CallerKind::AssumedRole {
                        role_name: r.name.clone(),
                        role_arn: r.arn.clone(),
                        role_id: r.id.clone(),
                        session_name: session_name.clone(),
                    },
                    arn::assumed_role_arn(&account, &r.name, session_name),
                    format!("{}:{session_name}", r.id),
                )
            }
        };
        Ok(Caller {
            account,
            kind,
            arn,
            user_id,
            access_key_id: claims.access_key_id.clone(),
            request,
            session: Some(claims),
            session_policies,
        })
    }

    /// The name AWS uses for this kind of principal at the start of an AccessDenied message.
    pub fn principal_label(&self) -> &'static str {
        match self.kind {
            CallerKind::Root | CallerKind::User { .. } | CallerKind::AssumedRole { .. } => "User",
        }
    }

    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::User { name } => Some(name),
            CallerKind::Root | CallerKind::AssumedRole { .. } => None,
        }
    }
}
