//! Who is asking for what: the request side of an authorization decision
//! (UG:reference_policies_evaluation-logic, UG:reference_policies_elements_principal).

use crate::arn::ArnParts;
use crate::context::Context;
use crate::hash::{fnv1a, fnv1a_step};

/// What kind of identity made the request. It decides which `Principal` entries can name it
/// and which limits apply to a resource-based-policy grant (POLICY-SPEC A7 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind<'a> {
    /// The account root user (`arn:aws:iam::A:root`).
    Root,
    /// An IAM user.
    User,
    /// A role session (AssumeRole, AssumeRoleWithSAML/WebIdentity: set `Principal::federated`).
    AssumedRole,
    /// A GetFederationToken session (`arn:aws:sts::A:federated-user/N`); set `user_arn`.
    FederatedUser,
    /// An AWS service principal such as `ec2.amazonaws.com`.
    Service(&'a str),
    /// An unauthenticated caller; only `Principal: "*"` can grant it anything.
    Anonymous,
}

/// The caller, as Principal elements and resource-policy rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal<'a> {
    pub kind: PrincipalKind<'a>,
    /// User ARN, root ARN, or the session ARN (`arn:aws:sts::A:assumed-role/R/S`,
    /// `arn:aws:sts::A:federated-user/N`). Empty for services and anonymous callers.
    pub arn: &'a str,
    /// The principal's account id. Empty for services and anonymous callers.
    pub account: &'a str,
    /// For role sessions: the role ARN, with path.
    pub role_arn: Option<&'a str>,
    /// For federated-user sessions: the IAM user whose credentials called GetFederationToken.
    pub user_arn: Option<&'a str>,
    /// For web-identity/SAML sessions and their AssumeRoleWith* calls: the identity provider
    /// as trust policies name it in `{"Federated": …}` (e.g. `accounts.google.com` or a provider ARN).
    pub federated: Option<&'a str>,
    /// The unique id of the user (AIDA…) or of the session's role (AROA…), matched against trust
    /// policies whose principals IAM rewrote to unique ids.
    pub unique_id: Option<&'a str>,
}

impl<'a> Principal<'a> {
    const EMPTY: Principal<'static> = Principal {
        kind: PrincipalKind::Anonymous,
        arn: "",
        account: "",
        role_arn: None,
        user_arn: None,
        federated: None,
        unique_id: None,
    };

    /// The account root user; `arn` is `arn:aws:iam::<account>:root`.
    pub fn root(arn: &'a str, account: &'a str) -> Self {
        Principal {
            kind: PrincipalKind::Root,
            arn,
            account,
            ..Principal::EMPTY
        }
    }

    /// An IAM user.
    pub fn user(arn: &'a str, account: &'a str) -> Self {
        Principal {
            kind: PrincipalKind::User,
            arn,
            account,
            ..Principal::EMPTY
        }
    }

    /// A role session: `session_arn` = `arn:aws:sts::A:assumed-role/R/S`, `role_arn` with path.
    pub fn assumed_role(session_arn: &'a str, role_arn: &'a str, account: &'a str) -> Self {
        Principal {
            kind: PrincipalKind::AssumedRole,
            arn: session_arn,
            account,
            role_arn: Some(role_arn),
            ..Principal::EMPTY
        }
    }

    /// A GetFederationToken session of the IAM user `user_arn`.
    pub fn federated_user(session_arn: &'a str, user_arn: &'a str, account: &'a str) -> Self {
        Principal {
            kind: PrincipalKind::FederatedUser,
            arn: session_arn,
            account,
            user_arn: Some(user_arn),
            ..Principal::EMPTY
        }
    }

    /// An AWS service principal.
    #[inline(always)]
    pub fn service(name: &'a str) -> Self {
        Principal {
            kind: PrincipalKind::Service(name),
            ..Principal::EMPTY
        }
    }

    /// An anonymous caller.
    pub fn anonymous() -> Self {
        Principal::EMPTY
    }

    /// Builder: the identity provider of a web-identity/SAML principal.
    pub fn with_federated(mut self, provider: &'a str) -> Self {
        self.federated = Some(provider);
        self
    }

    /// Builder: the unique id (AIDA…/AROA…).
    pub fn with_unique_id(mut self, id: &'a str) -> Self {
        self.unique_id = Some(id);
        self
    }
}

/// One authorization question: may `principal` perform `action` on `resource`?
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub principal: Principal<'a>,
    /// `service:Action`, any case.
    pub action: &'a str,
    /// The resource ARN (or `*` for actions without resource types).
    pub resource: &'a str,
    /// The account that owns the resource; `None` means the principal's own account.
    /// A different account makes the request cross-account (both sides must allow).
    pub resource_account: Option<&'a str>,
    pub context: &'a Context,
}

impl Request<'_> {
    /// Whether the resource is owned by another account than the principal's.
    pub(crate) fn is_cross_account(&self) -> bool {
        match self.resource_account {
            Some(acct) => acct != self.principal.account,
            None => false,
        }
    }
}

/// Action names up to this long are lower-cased on the stack; longer ones (IAM's longest are
/// well under 100 bytes) take the slower case-insensitive path.
const ACTION_BUF: usize = 128;

/// A request readied for evaluation, once per decision rather than once per statement: the
/// action lower-cased with the hashes the action index is keyed by, and the resource ARN split
/// into components. Lives on the stack: evaluation stays allocation-free.
pub(crate) struct Prepared<'a> {
    pub req: &'a Request<'a>,
    lowered: [u8; ACTION_BUF],
    /// Length of the lower-cased action in `lowered`; `None` when the action is not ASCII or
    /// too long (then nothing is indexed and every statement is checked the slow way).
    len: Option<usize>,
    pub action_hash: u64,
    pub service_hash: u64,
    pub resource: ArnParts<'a>,
}

impl<'a> Prepared<'a> {
    pub fn new(req: &'a Request<'a>) -> Prepared<'a> {
        let action = req.action.as_bytes();
        let mut lowered = [0u8; ACTION_BUF];
        let mut len = None;
        let (mut action_hash, mut service_hash) = (0, 0);
        if action.len() <= ACTION_BUF && action.is_ascii() {
            // One pass: lower-case, copy, and hash; the service hash is the hash so far when
            // the first colon is reached.
            let mut h = fnv1a(b"");
            let mut colon = None;
            for (&b, slot) in action.iter().zip(lowered.iter_mut()) {
                let b = b.to_ascii_lowercase();
                *slot = b;
                if b == b':' && colon.is_none() {
                    colon = Some(h);
                }
                h = fnv1a_step(h, b);
            }
            service_hash = colon.unwrap_or(h);
            action_hash = h;
            len = Some(action.len());
        }
        Prepared {
            req,
            lowered,
            len,
            action_hash,
            service_hash,
            resource: ArnParts::new(req.resource),
        }
    }

    /// The lower-cased action (`s3:getobject`), when it could be lower-cased up front.
    #[inline(always)]
    pub fn action(&self) -> Option<&[u8]> {
        self.len.map(|n| &self.lowered[..n])
    }
}
