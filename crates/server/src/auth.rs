//! Authentication: the single chokepoint every AWS API request passes through.
//!
//! Credentials anywhere in the request mean a signature is required (SECURITY-BAR 2.1); the
//! signing key is derived from the secret of the access key named in the request and the
//! request's own credential scope; the signature is compared in constant time by the sigv4
//! crate. The caller is derived from the verified key only.

use std::net::SocketAddr;

use http::request::Parts;
use portcullis_protocol::{AwsError, QueryRequest, IAM_VERSION, STS_VERSION};
use portcullis_service::entity::KeyStatus;
use portcullis_service::{Caller, CallerKind, RequestInfo, State};
use std::sync::Arc;

use portcullis_sigv4::{AuthError, SecretKey, VerifyOptions};

use crate::http::App;

/// The AWS service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsService {
    Iam,
    Sts,
}

impl AwsService {
    pub fn namespace(self) -> &'static str {
        match self {
            AwsService::Iam => portcullis_protocol::IAM_NAMESPACE,
            AwsService::Sts => portcullis_protocol::STS_NAMESPACE,
        }
    }

    fn signing_name(self) -> &'static str {
        match self {
            AwsService::Iam => "iam",
            AwsService::Sts => "sts",
        }
    }

    /// Which service the parameters address: by `Version` (each service has its own), else
    /// by the action name.
    pub fn from_request(query: Option<&QueryRequest>, scope_service: Option<&str>) -> AwsService {
        match query.and_then(|q| q.version()) {
            Some(v) if v == STS_VERSION => return AwsService::Sts,
            Some(v) if v == IAM_VERSION => return AwsService::Iam,
            _ => {}
        }
        match scope_service {
            Some("sts") => AwsService::Sts,
            Some("iam") => AwsService::Iam,
            _ => match query.and_then(|q| q.action()) {
                Some(a) if portcullis_sts::OPERATIONS.contains(&a) => AwsService::Sts,
                _ => AwsService::Iam,
            },
        }
    }
}

pub fn auth_error(e: AuthError) -> AwsError {
    AwsError::with_status(
        e.code(),
        e.message(),
        e.http_status(),
        portcullis_protocol::ErrorKind::Sender,
    )
}

/// Verifies the request's signature and resolves the caller.
pub fn authenticate(
    app: &App,
    state: &State,
    parts: &Parts,
    body: &[u8],
    peer: SocketAddr,
    service: AwsService,
) -> Result<Caller, AwsError> {
    let now = app.svc.clock().now();
    let user_agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let info = |region: &str| RequestInfo {
        source_ip: Some(peer.ip()),
        user_agent: user_agent.clone(),
        secure_transport: false,
        region: region.to_string(),
        time: now,
    };
    if app.test_mode.as_ref().is_some_and(|t| t.take_free_pass()) {
        return Ok(app.default_root(info("us-east-1")));
    }
    let signed = portcullis_sigv4::parse(&parts.method, &parts.uri, &parts.headers, body)
        .map_err(auth_error)?;
    signed
        .check_scope(signed.scope().region(), service.signing_name())
        .map_err(auth_error)?;
    if !signed.payload_signed() && !body.is_empty() {
        // The Query protocol carries every parameter in the body: an unsigned body would let
        // anyone on the path rewrite the request. UNSIGNED-PAYLOAD is fine only without one.
        return Err(AwsError::incomplete_signature(
            "UNSIGNED-PAYLOAD is not accepted for a request whose parameters are in its body.",
        ));
    }
    let region = signed.scope().region().to_string();
    let opts = VerifyOptions {
        max_skew: app.config.max_clock_skew,
        check_clock: app.test_mode.is_none(),
    };
    if let Some(token) = signed.security_token() {
        return authenticate_session(app, state, &signed, token, now, &opts, info(&region));
    }
    let Some(entry) = state.access_keys.get(signed.access_key_id()) else {
        if app.test_mode.is_some() {
            // moto-compatible: any unknown key is the default account's root.
            return Ok(app.default_root(info(&region)));
        }
        return Err(AwsError::invalid_client_token_id());
    };
    if entry.key.status != KeyStatus::Active || signed.security_token().is_some() {
        // A long-term key never carries a session token; an inactive key is not valid.
        return Err(AwsError::invalid_client_token_id());
    }
    let scope = signed.scope();
    let key = entry
        .secret
        .derive(scope.date(), scope.region(), scope.service());
    let opts = VerifyOptions {
        max_skew: app.config.max_clock_skew,
        check_clock: app.test_mode.is_none(),
    };
    signed.verify(&key, now, &opts).map_err(auth_error)?;
    app.svc
        .key_usage()
        .record(signed.access_key_id(), now, scope.service(), scope.region());
    Caller::from_access_key(state, signed.access_key_id(), info(&region))
}

impl App {
    /// The default account's root, for test mode's unauthenticated requests.
    pub fn default_root(&self, request: RequestInfo) -> Caller {
        let account = self.config.account_id.clone();
        Caller {
            arn: portcullis_model::arn::root_arn(&account),
            user_id: account.clone(),
            account,
            kind: CallerKind::Root,
            access_key_id: String::new(),
            request,
            session: None,
            session_policies: Default::default(),
        }
    }
}

/// Temporary credentials: the session token is opened with the token keys (no lookup), must
/// belong to the access key it came with, and carries the secret the request was signed with.
fn authenticate_session(
    app: &App,
    state: &State,
    signed: &portcullis_sigv4::SignedRequest,
    token: &str,
    now: time::OffsetDateTime,
    opts: &VerifyOptions,
    info: RequestInfo,
) -> Result<Caller, AwsError> {
    let claims = app
        .svc
        .tokens()
        .open(token, signed.access_key_id())
        .map_err(|_| AwsError::invalid_client_token_id())?;
    let scope = signed.scope();
    let key =
        SecretKey::new(claims.secret.clone()).derive(scope.date(), scope.region(), scope.service());
    signed.verify(&key, now, opts).map_err(auth_error)?;
    if now.unix_timestamp() >= claims.expires {
        return Err(AwsError::expired_token());
    }
    let policies = app.session_policies.get(state, &claims)?;
    Caller::from_session(state, Arc::new(claims), policies, info)
}
