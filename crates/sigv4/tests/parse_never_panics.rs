//! `parse` (and `verify`) never panic on arbitrary header and query strings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http::{HeaderMap, HeaderValue, Method, Uri};
use portcullis_sigv4::{parse, SecretKey, VerifyOptions};
use proptest::prelude::*;
use time::macros::datetime;

fn fragments() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AWS4-HMAC-SHA256".to_owned()),
        Just("Credential=".to_owned()),
        Just("SignedHeaders=".to_owned()),
        Just("Signature=".to_owned()),
        Just("X-Amz-".to_owned()),
        Just("/".to_owned()),
        Just(",".to_owned()),
        Just(";".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just("%".to_owned()),
        Just("aws4_request".to_owned()),
        Just("20150830T123600Z".to_owned()),
        Just("host".to_owned()),
        "[ -~]{0,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragments(), 0..12).prop_map(|v| v.concat())
}

fn presign_query() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "x-amz-signature",
        "Action",
    ]);
    prop::collection::vec((keys, text()), 0..9).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(
        auth in prop::option::of(text()),
        date in prop::option::of(prop_oneof![text(), Just("20150830T123600Z".to_owned())]),
        token in prop::option::of(text()),
        sha in prop::option::of(text()),
        query in presign_query(),
        path in "(/[a-z.%]{0,4}){0,4}",
        body in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("iam.amazonaws.com"));
        for (name, value) in [("authorization", auth), ("x-amz-date", date), ("x-amz-security-token", token), ("x-amz-content-sha256", sha)] {
            if let Some(v) = value {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    headers.insert(name, v);
                }
            }
        }
        let target = if query.is_empty() { if path.is_empty() { "/".to_owned() } else { path.clone() } } else { format!("{}?{query}", if path.is_empty() { "/" } else { &path }) };
        let Ok(uri) = target.parse::<Uri>() else { return Ok(()) };
        if let Ok(signed) = parse(&Method::POST, &uri, &headers, &body) {
            let s = signed.scope();
            let key = SecretKey::new("k".to_owned()).derive(s.date(), s.region(), s.service());
            // A random string is never a valid signature for this key.
            prop_assert!(signed.verify(&key, datetime!(2015-08-30 12:36:00 UTC), &VerifyOptions::default()).is_err());
        }
    }

    #[test]
    fn arbitrary_bytes_in_headers_never_panic(auth in prop::collection::vec(any::<u8>(), 0..200), query in "[ -~]{0,200}") {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&auth) {
            headers.insert("authorization", v);
        }
        if let Ok(v) = HeaderValue::from_bytes(&auth) {
            headers.insert("x-amz-date", v);
        }
        let q = percent_encoding::utf8_percent_encode(&query, percent_encoding::CONTROLS).to_string().replace(' ', "%20").replace('#', "%23");
        if let Ok(uri) = format!("/?{q}").parse::<Uri>() {
            let _ = parse(&Method::GET, &uri, &headers, b"");
        }
    }
}
