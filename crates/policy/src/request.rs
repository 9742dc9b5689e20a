//! Who is asking for what: the request side of an authorization decision
//! (UG:reference_policies_evaluation-logic, UG:reference_policies_elements_principal).

use crate::context::Context;

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
