//! Finding and parsing SigV4 credentials in a request: the `Authorization` header form
//! and the presigned query-string form.
//!
//! One entry point, [`parse`], looks in *both* places, so there is no auth path that
//! skips verification (MinIO CVE-2026-41145 looked only at the header). Credentials in
//! both places are refused instead of one being preferred. Parsing is strict: anything
//! an AWS SDK would not produce (unsorted or duplicate `SignedHeaders`, a repeated
//! parameter, an unsigned `x-amz-*` header) is rejected, never repaired.

use http::header::{AUTHORIZATION, HOST};
use http::{HeaderMap, HeaderValue, Method, Uri};
use percent_encoding::percent_decode_str;

use crate::canonical::{self, sha256_hex, ALGORITHM};
use crate::clock;
use crate::error::AuthError;
use crate::keys::Signature;
use crate::signed_request::{Mode, Scope, SignedRequest};

/// Longest `X-Amz-Expires` AWS allows: seven days.
pub const MAX_EXPIRES_SECS: u32 = 604_800;

/// `x-amz-content-sha256` value that opts out of payload signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";

const Q_ALGORITHM: &str = "X-Amz-Algorithm";
const Q_CREDENTIAL: &str = "X-Amz-Credential";
const Q_DATE: &str = "X-Amz-Date";
const Q_EXPIRES: &str = "X-Amz-Expires";
const Q_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
const Q_SIGNATURE: &str = "X-Amz-Signature";
const Q_SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// The presigned parameters that, if present, make a request a presigned one.
const PRESIGN_MARKERS: [&str; 4] = [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNED_HEADERS, Q_SIGNATURE];

/// Every presigned parameter, for case-variant detection.
const PRESIGN_PARAMS: [&str; 7] = [
    Q_ALGORITHM,
    Q_CREDENTIAL,
    Q_DATE,
    Q_EXPIRES,
    Q_SIGNED_HEADERS,
    Q_SIGNATURE,
    Q_SECURITY_TOKEN,
];

/// Raw `key=value` pairs of the query, keys and values percent-decoded (`+` kept).
/// SigV4 parameters must decode to UTF-8; other parameters are only used to detect
/// SigV4 ones, so a lossy decoding of them is harmless.
fn decoded_query(query: Option<&str>) -> Result<Vec<(String, String)>, AuthError> {
    let mut out = Vec::new();
    for p in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        let key = percent_decode_str(k).decode_utf8_lossy().into_owned();
        let value = if key
            .as_bytes()
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"x-amz-"))
        {
            percent_decode_str(v)
                .decode_utf8()
                .map_err(|_| {
                    AuthError::incomplete(format!(
                        "Query-string parameter '{key}' is not valid UTF-8."
                    ))
                })?
                .into_owned()
        } else {
            percent_decode_str(v).decode_utf8_lossy().into_owned()
        };
        out.push((key, value));
    }
    Ok(out)
}

/// The single value of a presigned parameter; absent, repeated, or case-variant is an error.
fn single_param<'a>(
    pairs: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, AuthError> {
    let mut found = None;
    for (k, v) in pairs {
        if k.eq_ignore_ascii_case(name) {
            if k != name {
                return Err(AuthError::incomplete(format!(
                    "Query-string parameter '{k}' must be spelled '{name}'."
                )));
            }
            if found.is_some() {
                return Err(AuthError::incomplete(format!(
                    "Query-string parameter '{name}' appears more than once."
                )));
            }
            found = Some(v.as_str());
        }
    }
    Ok(found)
}

fn required_param<'a>(pairs: &'a [(String, String)], name: &str) -> Result<&'a str, AuthError> {
    single_param(pairs, name)?.ok_or_else(|| {
        AuthError::incomplete(format!(
            "AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."
        ))
    })
}

/// The single value of a header as text; repeated or non-UTF-8 is an error.
fn single_header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, AuthError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AuthError::incomplete(format!(
            "Header '{name}' appears more than once."
        )));
    }
    std::str::from_utf8(first.as_bytes())
        .map(Some)
        .map_err(|_| AuthError::incomplete(format!("Header '{name}' is not valid UTF-8.")))
}

/// `AKID/date/region/service/terminator`.
fn parse_credential(credential: &str) -> Result<(String, Scope), AuthError> {
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [akid, date, region, service, terminator] if !akid.is_empty() => Ok((
            (*akid).to_owned(),
            Scope {
                date: (*date).to_owned(),
                region: (*region).to_owned(),
                service: (*service).to_owned(),
                terminator: (*terminator).to_owned(),
            },
        )),
        _ => Err(AuthError::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{credential}'"
        ))),
    }
}

/// `SignedHeaders`: lowercase, strictly ascending (so sorted and without duplicates).
fn parse_signed_headers(list: &str) -> Result<Vec<String>, AuthError> {
    let names: Vec<String> = list.split(';').map(str::to_owned).collect();
    let well_formed = names.iter().all(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase() && b != b':')
    });
    if !well_formed || names.windows(2).any(|w| w[0] >= w[1]) {
        return Err(AuthError::incomplete(format!(
            "SignedHeaders must be a sorted, ';'-separated list of distinct lowercase header \
             names, got '{list}'."
        )));
    }
    Ok(names)
}

/// The three components of an `Authorization` header.
#[derive(Debug)]
struct HeaderAuth {
    algorithm: String,
    credential: String,
    signed_headers: String,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<HeaderAuth, AuthError> {
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'. Only '{ALGORITHM}' is accepted."
        )));
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest
        .split(',')
        .map(|p| p.trim_matches(' '))
        .filter(|p| !p.is_empty())
    {
        let Some((k, v)) = part.split_once('=') else {
            return Err(AuthError::incomplete(format!(
                "'{part}' not a valid key=value pair (missing equal-sign) in Authorization \
                 header: '{value}'."
            )));
        };
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(AuthError::incomplete(format!(
                    "Unexpected parameter '{k}' in Authorization header: '{value}'."
                )))
            }
        };
        if slot.replace(v.to_owned()).is_some() {
            return Err(AuthError::incomplete(format!(
                "Parameter '{k}' appears more than once in Authorization header: '{value}'."
            )));
        }
    }
    let mut missing = String::new();
    for (name, v) in [
        ("Credential", &credential),
        ("Signature", &signature),
        ("SignedHeaders", &signed_headers),
    ] {
        if v.is_none() {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) => Ok(HeaderAuth {
            algorithm: algorithm.to_owned(),
            credential,
            signed_headers,
            signature,
        }),
        _ => Err(AuthError::incomplete(format!(
            "{missing}Authorization={value}"
        ))),
    }
}

/// Finds the SigV4 credentials in a request and parses them.
///
/// Looks at the `Authorization` header *and* the query string: credentials in neither
/// give [`AuthError::MissingAuthenticationToken`], in both an
/// [`AuthError::IncompleteSignature`]. `body` is the full request body; its SHA-256 is
/// the payload hash (the IAM/STS Query protocol sends its parameters form-encoded there).
/// Nothing is verified yet: call [`SignedRequest::verify`] with the key for
/// [`SignedRequest::access_key_id`].
pub fn parse(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<SignedRequest, AuthError> {
    let pairs = decoded_query(uri.query())?;
    let auth_count = headers.get_all(AUTHORIZATION).iter().count();
    let presign_marked = pairs
        .iter()
        .any(|(k, _)| PRESIGN_MARKERS.iter().any(|m| k.eq_ignore_ascii_case(m)));

    if auth_count > 1 {
        return Err(AuthError::incomplete(
            "Only one Authorization header is allowed.",
        ));
    }
    if auth_count == 1 && presign_marked {
        return Err(AuthError::incomplete(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or \
             the Authorization header should be specified",
        ));
    }
    if auth_count == 0 && !presign_marked {
        return Err(AuthError::MissingAuthenticationToken);
    }
    // Any case variant of a presigned parameter name is refused, in either mode, so two
    // spellings can never disagree about what was signed.
    for name in PRESIGN_PARAMS {
        single_param(&pairs, name)?;
    }

    let (mode, algorithm, credential, signed_list, signature_hex, amz_date, expires_secs) =
        if auth_count == 1 {
            let value = single_header(headers, AUTHORIZATION.as_str())?.unwrap_or("");
            let auth = parse_authorization(value)?;
            let amz_date = single_header(headers, X_AMZ_DATE)?.ok_or_else(|| {
                AuthError::incomplete(format!(
                    "Authorization header requires existence of either a 'X-Amz-Date' or a \
                     'Date' header. Authorization={value}"
                ))
            })?;
            (
                Mode::Header,
                auth.algorithm,
                auth.credential,
                auth.signed_headers,
                auth.signature,
                amz_date.to_owned(),
                None,
            )
        } else {
            let algorithm = required_param(&pairs, Q_ALGORITHM)?;
            if algorithm != ALGORITHM {
                return Err(AuthError::incomplete(format!(
                    "X-Amz-Algorithm only supports '{ALGORITHM}', got '{algorithm}'."
                )));
            }
            let credential = required_param(&pairs, Q_CREDENTIAL)?;
            let amz_date = required_param(&pairs, Q_DATE)?;
            let expires = required_param(&pairs, Q_EXPIRES)?;
            let signed = required_param(&pairs, Q_SIGNED_HEADERS)?;
            let signature = required_param(&pairs, Q_SIGNATURE)?;
            (
                Mode::Presigned,
                algorithm.to_owned(),
                credential.to_owned(),
                signed.to_owned(),
                signature.to_owned(),
                amz_date.to_owned(),
                Some(parse_expires(expires)?),
            )
        };

    let (access_key_id, scope) = parse_credential(&credential)?;
    let signed_headers = parse_signed_headers(&signed_list)?;
    let timestamp = clock::parse_amz_date(&amz_date)?;
    check_signed_headers(mode, headers, &signed_headers)?;

    let security_token = session_token(headers, &pairs)?;
    let (payload_hash, payload_signed) = payload_hash(headers, body)?;

    // HTTP/2 carries the host in `:authority`, which `http` keeps in the URI.
    let with_host;
    let headers = if headers.contains_key(HOST) {
        headers
    } else {
        let mut h = headers.clone();
        if let Some(authority) = uri.authority() {
            if let Ok(v) = HeaderValue::from_str(authority.as_str()) {
                h.insert(HOST, v);
            }
        }
        with_host = h;
        &with_host
    };
    let names: Vec<&str> = signed_headers.iter().map(String::as_str).collect();
    let canonical_request = canonical::canonical_request(
        method,
        uri.path(),
        uri.query(),
        headers,
        &names,
        &payload_hash,
    )?;

    Ok(SignedRequest {
        mode,
        algorithm,
        access_key_id,
        scope,
        amz_date,
        timestamp,
        expires_secs,
        signed_headers,
        signature: Signature::from_hex(&signature_hex),
        security_token,
        payload_signed,
        canonical_request,
    })
}

fn parse_expires(value: &str) -> Result<u32, AuthError> {
    let secs: Option<u32> =
        if !value.is_empty() && value.len() <= 7 && value.bytes().all(|b| b.is_ascii_digit()) {
            value.parse().ok()
        } else {
            None
        };
    match secs {
        Some(0) => Err(AuthError::incomplete(
            "X-Amz-Expires must be greater than 0",
        )),
        Some(s) if s <= MAX_EXPIRES_SECS => Ok(s),
        Some(_) => Err(AuthError::incomplete(
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        )),
        None => Err(AuthError::incomplete(format!(
            "X-Amz-Expires should be a number, got '{value}'"
        ))),
    }
}

/// `host` must be signed; so must `x-amz-date` when it carries the date, and every other
/// `x-amz-*` header present (security token, content hash, anything else).
fn check_signed_headers(
    mode: Mode,
    headers: &HeaderMap,
    signed: &[String],
) -> Result<(), AuthError> {
    let is_signed = |name: &str| signed.iter().any(|s| s == name);
    if !is_signed(HOST.as_str()) {
        return Err(AuthError::incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if mode == Mode::Header && !is_signed(X_AMZ_DATE) {
        return Err(AuthError::incomplete(
            "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    for name in headers.keys() {
        let name = name.as_str();
        // In a presigned URL the date is the (signed) query parameter; a stray
        // x-amz-date header is not used for anything.
        if mode == Mode::Presigned && name == X_AMZ_DATE {
            continue;
        }
        if name.starts_with("x-amz-") && !is_signed(name) {
            return Err(AuthError::incomplete(format!(
                "There were headers present in the request which were not signed: '{name}'."
            )));
        }
    }
    Ok(())
}

/// The session token, from the header or the query; both present and different is refused.
fn session_token(
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<Option<String>, AuthError> {
    let from_header = single_header(headers, X_AMZ_SECURITY_TOKEN)?;
    let from_query = single_param(pairs, Q_SECURITY_TOKEN)?;
    match (from_header, from_query) {
        (Some(h), Some(q)) if h != q => Err(AuthError::incomplete(
            "The security token in the X-Amz-Security-Token header and query parameter differ.",
        )),
        (Some(t), _) | (None, Some(t)) => Ok(Some(t.to_owned())),
        (None, None) => Ok(None),
    }
}

/// The payload hash to sign: SHA-256 of the body, or `UNSIGNED-PAYLOAD` if the client
/// said so. A declared hash that differs from the body is refused.
fn payload_hash(headers: &HeaderMap, body: &[u8]) -> Result<(String, bool), AuthError> {
    let computed = sha256_hex(body);
    match single_header(headers, X_AMZ_CONTENT_SHA256)? {
        None => Ok((computed, true)),
        Some(UNSIGNED_PAYLOAD) => Ok((UNSIGNED_PAYLOAD.to_owned(), false)),
        Some(declared) if declared == computed => Ok((computed, true)),
        Some(_) => Err(AuthError::SignatureDoesNotMatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_needs_five_parts() {
        assert!(parse_credential("AKID/20150830/us-east-1/iam/aws4_request").is_ok());
        for bad in [
            "",
            "AKID",
            "AKID/20150830/us-east-1/iam",
            "/20150830/us-east-1/iam/aws4_request",
            "A/B/C/D/E/F",
        ] {
            let e = parse_credential(bad).unwrap_err();
            assert_eq!(e.code(), "IncompleteSignature", "{bad}");
        }
    }

    #[test]
    fn signed_headers_strict() {
        assert_eq!(
            parse_signed_headers("host;x-amz-date").unwrap(),
            vec!["host", "x-amz-date"]
        );
        for bad in [
            "",
            "host;;x-amz-date",
            "x-amz-date;host",
            "host;host",
            "Host",
            "ho st",
            "host;",
        ] {
            assert!(parse_signed_headers(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expires_bounds() {
        assert!(parse_expires("0").is_err());
        assert_eq!(parse_expires("1").unwrap(), 1);
        assert_eq!(parse_expires("604800").unwrap(), 604_800);
        assert!(parse_expires("604801").is_err());
        assert!(parse_expires("-1").is_err());
        assert!(parse_expires("").is_err());
        assert!(parse_expires("99999999999999999999").is_err());
        assert!(parse_expires("+5").is_err());
    }

    #[test]
    fn authorization_components() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab",
        )
        .unwrap();
        assert_eq!(a.credential, "A/20150830/us-east-1/iam/aws4_request");
        assert_eq!(a.signed_headers, "host;x-amz-date");
        assert_eq!(a.signature, "ab");
        let e = parse_authorization(
            "AWS4-HMAC-SHA256 Credential= A/x, SignedHeaders=host, Signature=ab, Signature=cd",
        );
        assert!(e.is_err());
        let e = parse_authorization("AWS4-HMAC-SHA256 Credential=x").unwrap_err();
        assert!(e.message().contains("requires 'Signature' parameter"));
        assert!(parse_authorization("AWS4-HMAC-SHA512 Credential=x").is_err());
        assert!(parse_authorization("AWS AKID:sig").is_err());
        let e = parse_authorization("AWS4-HMAC-SHA256 Credential A/x").unwrap_err();
        assert!(e.message().contains("missing equal-sign"));
    }

    #[test]
    fn multibyte_query_key_does_not_panic() {
        // Found by the parse_never_panics proptest: a key whose 6th byte falls inside a
        // multi-byte character used to be sliced as a str.
        let pairs = decoded_query(Some("%C3%A9%C3%A9%C3%A9x=1&x-amZ-a=%C3%A9")).unwrap();
        assert_eq!(pairs.len(), 2);
        assert!(decoded_query(Some("X-Amz-Date=%FF")).is_err());
    }
}
