//! HTTP wiring and the request path:
//!
//! HTTP → body (bounded) → Query decode → SigV4 authentication → caller → operation
//! (decode → authorization → execute → store → snapshot) → XML response.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, State as AxState};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use portcullis_protocol::{new_request_id, AwsError, QueryRequest};
use portcullis_service::Service;

use crate::auth::{authenticate, AwsService};
use crate::config::Config;
use crate::testmode::{parse_reset_auth, TestMode};

/// Largest request body accepted (IAM's largest inputs — policies, simulator contexts — are
/// far smaller); bigger bodies get 413 before anything is parsed (SECURITY-BAR row 31).
pub const MAX_BODY: usize = 1 << 20;

/// Largest total size of a request's headers (names plus values) accepted. A SigV4 request
/// needs well under 2 KiB; hyper's own cap (about 400 KiB) would let every request make the
/// verifier canonicalize that much, so bigger header sets get 431 before anything is parsed
/// (SECURITY-BAR row 31).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Shared by every request.
pub struct App {
    pub svc: Service,
    pub config: Config,
    pub test_mode: Option<TestMode>,
    pub session_policies: crate::session_cache::SessionPolicyCache,
}

pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new().route("/health", get(health));
    if app.test_mode.is_some() {
        r = r
            .route("/moto-api/reset", post(reset))
            .route("/moto-api/reset-auth", post(reset_auth))
            .route("/portcullis-test/clock", post(advance_clock));
    }
    r.fallback(aws).with_state(app)
}

async fn health() -> &'static str {
    "ok"
}

async fn reset(AxState(app): AxState<Arc<App>>) -> Response {
    match app.svc.reset().await {
        Ok(()) => {
            if let Some(t) = &app.test_mode {
                t.set_free_passes(0);
            }
            (StatusCode::OK, "{\"status\": \"ok\"}").into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.message).into_response(),
    }
}

async fn reset_auth(AxState(app): AxState<Arc<App>>, body: axum::body::Bytes) -> Response {
    match (parse_reset_auth(&body), &app.test_mode) {
        (Some(n), Some(t)) => {
            t.set_free_passes(n);
            (StatusCode::OK, format!("{{\"PASSES\": {n}}}")).into_response()
        }
        _ => (StatusCode::BAD_REQUEST, "expected a number of requests").into_response(),
    }
}

/// Test mode: moves the service clock forward by the number of seconds in the body.
async fn advance_clock(AxState(app): AxState<Arc<App>>, body: axum::body::Bytes) -> Response {
    let secs = std::str::from_utf8(&body)
        .ok()
        .and_then(|t| t.trim().parse::<i64>().ok());
    match (secs, &app.test_mode) {
        (Some(n), Some(t)) if n >= 0 => {
            t.clock.advance(n);
            (StatusCode::OK, format!("{{\"advanced\": {n}}}")).into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            "expected a non-negative number of seconds",
        )
            .into_response(),
    }
}

fn xml_response(status: StatusCode, body: String, request_id: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/xml"),
            (
                header::HeaderName::from_static("x-amzn-requestid"),
                request_id,
            ),
        ],
        body,
    )
        .into_response()
}

fn error_response(e: &AwsError, service: AwsService, request_id: &str) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    xml_response(
        status,
        e.to_xml(request_id, service.namespace()),
        request_id,
    )
}

/// Every AWS API request.
async fn aws(
    AxState(app): AxState<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request<Body>,
) -> Response {
    let (parts, body) = req.into_parts();
    let request_id = new_request_id();
    let header_bytes: usize = parts
        .headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large",
        )
            .into_response();
    }
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let query = QueryRequest::from_parts(parts.uri.query().unwrap_or(""), content_type, &body);
    let service = AwsService::from_request(query.as_ref().ok(), None);
    let snapshot = app.svc.snapshot();
    let caller = match authenticate(&app, &snapshot, &parts, &body, peer, service) {
        Ok(c) => c,
        Err(e) => return error_response(&e, service, &request_id),
    };
    let query = match query {
        Ok(q) => q,
        Err(e) => return error_response(&e, service, &request_id),
    };
    let result = match service {
        AwsService::Iam => portcullis_iam::dispatch(&app.svc, &caller, &query).await,
        AwsService::Sts => portcullis_sts::dispatch(&app.svc, &caller, &query).await,
    };
    let action = query.action().unwrap_or("-");
    match result {
        Ok(body) => {
            tracing::debug!(request_id, action, caller = %caller.arn, "ok");
            xml_response(StatusCode::OK, body, &request_id)
        }
        Err(e) => {
            tracing::debug!(request_id, action, caller = %caller.arn, code = %e.code, "error");
            error_response(&e, service, &request_id)
        }
    }
}
