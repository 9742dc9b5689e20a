//! The canonical request and string-to-sign, exactly as AWS computes them for services
//! other than S3.
//!
//! Canonicalization is where verifiers most often diverge from AWS (SECURITY-BAR 2.1:
//! trimall, double URI-encoding, `+` versus `%20`, query ordering). Every rule below is
//! pinned by the aws-c-auth signing test suite in `tests/`:
//!
//! * **Path**: dot segments and empty segments are removed (RFC 3986 section 5.2.4, as
//!   the SDKs' "normalize" mode does), then every byte outside RFC 3986 "unreserved" and
//!   `/` is percent-encoded. The path arrives already encoded once on the wire, so a `%`
//!   becomes `%25`: this is AWS's "double encoding" for non-S3 services.
//! * **Query**: each `key=value` pair is percent-decoded (`+` stays a literal plus, it is
//!   *not* a space) and re-encoded with the strict unreserved set (space becomes `%20`,
//!   `+` becomes `%2B`), then pairs are sorted by encoded key, then encoded value.
//!   `X-Amz-Signature` is never part of the canonical query.
//! * **Headers**: names lowercase (the `http` crate already stores them so), each value
//!   trimmed and runs of spaces collapsed to one, repeated headers joined with `,` in
//!   arrival order.

use http::{HeaderMap, Method};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::error::AuthError;
use crate::signed_request::Scope;

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// As [`STRICT`], but `/` separates path segments and is kept.
const PATH: &AsciiSet = &STRICT.remove(b'/');

/// The only algorithm this verifier accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Removes `.`/`..` and empty segments; keeps a trailing slash.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&segments.join("/"));
    let trailing = ["/", "/.", "/.."].iter().any(|s| path.ends_with(s));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical URI of a non-S3 request: normalized, then encoded once more.
pub fn canonical_uri(path: &str) -> String {
    utf8_percent_encode(&normalize_path(path), PATH).to_string()
}

fn encode_component(raw: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(raw).collect();
    percent_encoding::percent_encode(&decoded, STRICT).to_string()
}

/// The canonical query string, `X-Amz-Signature` left out.
pub fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (encode_component(k), encode_component(v)),
            None => (encode_component(p), String::new()),
        })
        .filter(|(k, _)| k != "X-Amz-Signature")
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Trims leading/trailing spaces and collapses inner runs of spaces to one (AWS "trimall").
fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending_space = false;
    for c in value.trim_matches(' ').chars() {
        if c == ' ' {
            pending_space = true;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// `name:value` for one signed header, all its values joined with `,`.
fn canonical_header_value(headers: &HeaderMap, name: &str) -> Result<String, AuthError> {
    let mut values = headers.get_all(name).iter().peekable();
    if values.peek().is_none() {
        return Err(AuthError::incomplete(format!(
            "Signed header '{name}' is not present in the request."
        )));
    }
    let mut joined = String::new();
    for (i, v) in values.enumerate() {
        let text = std::str::from_utf8(v.as_bytes())
            .map_err(|_| AuthError::incomplete(format!("Header '{name}' is not valid UTF-8.")))?;
        if i > 0 {
            joined.push(',');
        }
        joined.push_str(&trim_all(text));
    }
    Ok(joined)
}

/// Builds the canonical request.
///
/// `path` and `query` are the request target as received (already percent-encoded once
/// by the client), `signed_headers` the lowercase, sorted names from `SignedHeaders`, and
/// `payload_hash` the hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`). Every signed
/// header must be present in `headers`.
pub fn canonical_request(
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    signed_headers: &[&str],
    payload_hash: &str,
) -> Result<String, AuthError> {
    let mut out = String::with_capacity(256);
    out.push_str(method.as_str());
    out.push('\n');
    out.push_str(&canonical_uri(path));
    out.push('\n');
    out.push_str(&canonical_query(query));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        out.push_str(&canonical_header_value(headers, name)?);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

/// Builds the string-to-sign: algorithm, `X-Amz-Date`, credential scope, and the hex
/// SHA-256 of the canonical request, separated by newlines.
pub fn string_to_sign(amz_date: &str, scope: &Scope, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        scope.to_scope_string(),
        sha256_hex(canonical_request.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_normalization() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("//example//"), "/example/");
        assert_eq!(canonical_uri("/./"), "/");
        assert_eq!(canonical_uri("/./foo"), "/foo");
        assert_eq!(canonical_uri("/example/.."), "/");
        assert_eq!(canonical_uri("/example1/example2/../.."), "/");
        assert_eq!(canonical_uri("/example/../foo/"), "/foo/");
        assert_eq!(canonical_uri("/../../x"), "/x");
        assert_eq!(canonical_uri("/example space/"), "/example%20space/");
        assert_eq!(canonical_uri("/ሴ"), "/%E1%88%B4");
        // Double encoding: the wire form of a space is encoded again.
        assert_eq!(canonical_uri("/example%20space/"), "/example%2520space/");
        assert_eq!(
            canonical_uri("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        );
    }

    #[test]
    fn query_canonicalization() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("")), "");
        assert_eq!(
            canonical_query(Some("Param2=value2&Param1=value1")),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canonical_query(Some("c+d")), "c%2Bd=");
        assert_eq!(canonical_query(Some("a=b%20c")), "a=b%20c");
        assert_eq!(canonical_query(Some("a=%7e")), "a=~");
        assert_eq!(canonical_query(Some("ሴ=bar")), "%E1%88%B4=bar");
        assert_eq!(
            canonical_query(Some("Param-3=Value3&Param=Value2&%E1%88%B4=Value1")),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
        assert_eq!(canonical_query(Some("b=2&a=2&a=1")), "a=1&a=2&b=2");
        assert_eq!(canonical_query(Some("X-Amz-Signature=abc&a=1")), "a=1");
        assert_eq!(canonical_query(Some("a=1&&b")), "a=1&b=");
    }

    #[test]
    fn trimall() {
        assert_eq!(trim_all("  a   b  c "), "a b c");
        assert_eq!(trim_all("\"a   b   c\""), "\"a b c\"");
        assert_eq!(trim_all(""), "");
        assert_eq!(trim_all("   "), "");
    }

    #[test]
    fn headers_joined_in_order() {
        let mut h = HeaderMap::new();
        h.append("my-header1", "value2".parse().unwrap());
        h.append("my-header1", "value2".parse().unwrap());
        h.append("my-header1", " value1 ".parse().unwrap());
        assert_eq!(
            canonical_header_value(&h, "my-header1").unwrap(),
            "value2,value2,value1"
        );
        assert!(canonical_header_value(&h, "absent").is_err());
    }
}
