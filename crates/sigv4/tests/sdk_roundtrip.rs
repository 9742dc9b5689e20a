//! Requests signed by the official `aws-sigv4` crate (what aws-sdk-rust sends) must be
//! accepted: header and presigned forms, with and without a session token, IAM/STS Query
//! protocol bodies and query strings with characters that need encoding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{check, sdk_sign, Spec};
use portcullis_sigv4::{Mode, VerifyOptions};
use proptest::prelude::*;
use time::macros::datetime;
use time::OffsetDateTime;

fn form_encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        ("[A-Za-z][A-Za-z0-9.]{0,12}", "[ -~\u{e9}\u{1234}]{0,20}"),
        0..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn sdk_signed_requests_verify(
        params in params(),
        post in any::<bool>(),
        presign in any::<bool>(),
        token in prop::option::of("[A-Za-z0-9+/=]{16,64}"),
        service in prop::sample::select(vec!["iam", "sts"]),
        path in prop::sample::select(vec!["/", "/a/b", "/a b/c", "/%7Euser/./x/../y", "//double//"]),
        offset in 0i64..86_400 * 365,
    ) {
        let time = datetime!(2024-01-01 00:00:00 UTC) + time::Duration::seconds(offset);
        let encoded = form_encode(&params);
        let path_on_wire = path.replace(' ', "%20");
        let (uri, body, headers) = if post {
            (
                format!("https://{service}.amazonaws.com{path_on_wire}"),
                encoded.into_bytes(),
                vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_owned())],
            )
        } else {
            let q = if encoded.is_empty() { String::new() } else { format!("?{encoded}") };
            (format!("https://{service}.amazonaws.com{path_on_wire}{q}"), Vec::new(), vec![])
        };
        let spec = Spec {
            method: if post { "POST" } else { "GET" },
            uri: &uri,
            headers,
            body,
            service,
            region: "us-east-1",
            token: token.as_deref(),
            presign: presign.then_some(Duration::from_secs(900)),
            time,
        };
        let req = sdk_sign(&spec);
        let signed = check(&req, time + time::Duration::seconds(30), &VerifyOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e} for {req:?}")))?;
        prop_assert_eq!(signed.mode(), if presign { Mode::Presigned } else { Mode::Header });
        prop_assert_eq!(signed.security_token(), token.as_deref());
        prop_assert_eq!(signed.scope().service(), service);
        prop_assert!(signed.payload_signed());
        prop_assert!(signed.check_scope("us-east-1", service).is_ok());
    }
}

#[test]
fn presigned_with_token_and_body() {
    let t: OffsetDateTime = datetime!(2025-06-01 10:00:00 UTC);
    let spec = Spec {
        method: "POST",
        uri: "https://sts.amazonaws.com/",
        headers: vec![(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        body: b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
        service: "sts",
        region: "us-east-1",
        token: Some("FQoGZXIvYXdzEJr//////////wEaDEXAMPLE"),
        presign: Some(Duration::from_secs(60)),
        time: t,
    };
    let req = sdk_sign(&spec);
    let signed = check(&req, t, &VerifyOptions::default()).unwrap();
    assert_eq!(signed.mode(), Mode::Presigned);
    assert_eq!(
        signed.security_token(),
        Some("FQoGZXIvYXdzEJr//////////wEaDEXAMPLE")
    );
}
