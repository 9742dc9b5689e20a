//! Shared helpers: signing requests with the official `aws-sigv4` crate, and parsing the
//! aws-c-auth `*-signed-request.txt` format.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderMap, Method, Uri};
use portcullis_sigv4::{parse, AuthError, SecretKey, SignedRequest, VerifyOptions};
use time::OffsetDateTime;

pub const AKID: &str = "AKIDEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A request as it reaches the server.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// What to sign.
pub struct Spec<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Vec<u8>,
    pub service: &'a str,
    pub region: &'a str,
    pub token: Option<&'a str>,
    pub presign: Option<Duration>,
    pub time: OffsetDateTime,
}

pub fn system_time(t: OffsetDateTime) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix_timestamp()).unwrap())
}

/// Signs with aws-sigv4 and returns the request as the server would see it.
pub fn sdk_sign(spec: &Spec<'_>) -> Req {
    let creds = Credentials::new(AKID, SECRET, spec.token.map(str::to_owned), None, "test");
    let identity: Identity = creds.into();
    let mut settings = SigningSettings::default();
    if let Some(exp) = spec.presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(exp);
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(spec.region)
        .name(spec.service)
        .time(system_time(spec.time))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers: Vec<(&str, &str)> = spec.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let signable = SignableRequest::new(
        spec.method,
        spec.uri,
        headers.iter().copied(),
        SignableBody::Bytes(&spec.body),
    )
    .unwrap();
    let (instructions, _sig) = sign(signable, &params).unwrap().into_parts();
    let mut builder = http::Request::builder().method(spec.method).uri(spec.uri);
    for (k, v) in &spec.headers {
        builder = builder.header(*k, v.as_str());
    }
    let mut req = builder.body(spec.body.clone()).unwrap();
    instructions.apply_to_request_http1x(&mut req);
    if !req.headers().contains_key("host") {
        let authority = req.uri().authority().unwrap().as_str().to_owned();
        req.headers_mut().insert("host", authority.parse().unwrap());
    }
    let (parts, body) = req.into_parts();
    Req {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body,
    }
}

/// parse + key lookup (only AKIDEXAMPLE is known, as in a server's store) + verify.
pub fn check(
    req: &Req,
    now: OffsetDateTime,
    opts: &VerifyOptions,
) -> Result<SignedRequest, AuthError> {
    let signed = parse(&req.method, &req.uri, &req.headers, &req.body)?;
    if signed.access_key_id() != AKID {
        return Err(AuthError::InvalidClientTokenId);
    }
    let scope = signed.scope();
    let key =
        SecretKey::new(SECRET.to_owned()).derive(scope.date(), scope.region(), scope.service());
    signed.verify(&key, now, opts)?;
    Ok(signed)
}

/// A parsed aws-c-auth `*-signed-request.txt`.
pub struct Raw {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(p, _)| p)
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    pub fn header_map(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in &self.headers {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }
}

/// Parses `METHOD TARGET HTTP/1.1`, `Name:value` lines, a blank line, then the body.
/// A continuation line (leading whitespace) is another value of the previous header:
/// that is how the suite's `get-header-value-multiline` expects it to be signed
/// (`value1,value2,value3`); `http` has no obs-fold, so a server never sees one.
pub fn parse_raw(text: &str) -> Raw {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let request_line = request_line.strip_suffix(" HTTP/1.1").unwrap();
    let (method, target) = request_line.split_once(' ').unwrap();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            let name = headers.last().unwrap().0.clone();
            headers.push((name, line.to_owned()));
        } else {
            let (k, v) = line.split_once(':').unwrap();
            headers.push((k.to_owned(), v.to_owned()));
        }
    }
    Raw {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}
