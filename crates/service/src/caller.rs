//! The caller of an API request: who signed it, resolved from the access key in the
//! signature, plus what the request itself tells (source address, user agent, region).
//! Everything here is derived server-side; nothing a client puts in the request parameters
//! can change it (SECURITY-BAR 2.1, Ceph CVE-2023-43040).

use std::net::IpAddr;

use portcullis_model::arn;
use portcullis_protocol::AwsError;
use time::OffsetDateTime;

use crate::state::State;

/// What kind of principal signed the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account's root user.
    Root,
    /// An IAM user.
    User { name: String },
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
                })
            }
        }
    }

    /// The name AWS uses for this kind of principal at the start of an AccessDenied message.
    pub fn principal_label(&self) -> &'static str {
        match self.kind {
            CallerKind::Root | CallerKind::User { .. } => "User",
        }
    }

    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::User { name } => Some(name),
            CallerKind::Root => None,
        }
    }
}
