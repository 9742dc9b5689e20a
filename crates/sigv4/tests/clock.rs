//! SECURITY-BAR row 4 (SIGV4-CLOCK): skew window edges in both directions, the scope
//! date across midnight, X-Amz-Expires caps, and presigned URLs at expiry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{check, sdk_sign, Req, Spec};
use http::Uri;
use portcullis_sigv4::VerifyOptions;
use time::macros::datetime;
use time::OffsetDateTime;

const T: OffsetDateTime = datetime!(2025-03-01 08:00:00 UTC);
const W: i64 = 300;

fn s(secs: i64) -> time::Duration {
    time::Duration::seconds(secs)
}

fn header_at(t: OffsetDateTime) -> Req {
    sdk_sign(&Spec {
        method: "POST",
        uri: "https://iam.amazonaws.com/",
        headers: vec![(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        )],
        body: b"Action=ListUsers&Version=2010-05-08".to_vec(),
        service: "iam",
        region: "us-east-1",
        token: None,
        presign: None,
        time: t,
    })
}

fn presigned_at(t: OffsetDateTime, expires: u64) -> Req {
    sdk_sign(&Spec {
        method: "GET",
        uri: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        headers: vec![],
        body: vec![],
        service: "sts",
        region: "us-east-1",
        token: Some("session-token"),
        presign: Some(Duration::from_secs(expires)),
        time: t,
    })
}

fn code(req: &Req, now: OffsetDateTime) -> Result<(), (String, String)> {
    check(req, now, &VerifyOptions::default())
        .map(|_| ())
        .map_err(|e| (e.code().to_owned(), e.message()))
}

#[test]
fn skew_window_edges_both_directions() {
    let req = header_at(T);
    // Server clock ahead of the client: the request looks old.
    assert!(code(&req, T + s(W - 1)).is_ok());
    assert!(code(&req, T + s(W)).is_ok());
    let (c, m) = code(&req, T + s(W + 1)).unwrap_err();
    assert_eq!(c, "SignatureDoesNotMatch");
    assert_eq!(m, "Signature expired: 20250301T080000Z is now earlier than 20250301T080001Z (20250301T080501Z - 5 min.)");
    // Server clock behind the client: the request is from the future.
    assert!(code(&req, T - s(W - 1)).is_ok());
    assert!(code(&req, T - s(W)).is_ok());
    let (c, m) = code(&req, T - s(W + 1)).unwrap_err();
    assert_eq!(c, "SignatureDoesNotMatch");
    assert_eq!(m, "Signature not yet current: 20250301T080000Z is still later than 20250301T075959Z (20250301T075459Z + 5 min.)");
}

#[test]
fn configurable_window_and_test_mode() {
    let req = header_at(T);
    let wide = VerifyOptions {
        max_skew: Duration::from_secs(900),
        check_clock: true,
    };
    assert!(check(&req, T + s(899), &wide).is_ok());
    let e = check(&req, T + s(901), &wide).unwrap_err();
    assert!(e.message().ends_with("- 15 min.)"), "{}", e.message());
    let off = VerifyOptions {
        max_skew: Duration::from_secs(300),
        check_clock: false,
    };
    assert!(check(&req, T + s(86_400 * 365), &off).is_ok());
    assert!(check(&req, T - s(86_400 * 365), &off).is_ok());
}

#[test]
fn scope_date_one_day_off_at_midnight() {
    // Signed at 23:59:59; the server, 2 s later, is already on the next day. Fine: the
    // scope date must match X-Amz-Date, not the server's day.
    let t = datetime!(2025-03-01 23:59:59 UTC);
    let req = header_at(t);
    assert!(code(&req, t + s(2)).is_ok());
    // A scope date of the next day with the same X-Amz-Date is refused.
    let mut m = req.clone();
    let a = m
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .replace("/20250301/", "/20250302/");
    m.headers.insert("authorization", a.parse().unwrap());
    let (c, msg) = code(&m, t + s(2)).unwrap_err();
    assert_eq!(c, "SignatureDoesNotMatch");
    assert_eq!(msg, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250302' != '20250301', from '20250301T235959Z'.");
}

fn with_expires(req: &Req, expires: &str) -> Req {
    let mut r = req.clone();
    let q = r.uri.query().unwrap().to_owned();
    let q: Vec<String> = q
        .split('&')
        .map(|p| {
            if p.starts_with("X-Amz-Expires=") {
                format!("X-Amz-Expires={expires}")
            } else {
                p.to_owned()
            }
        })
        .collect();
    r.uri = format!("https://sts.amazonaws.com/?{}", q.join("&"))
        .parse::<Uri>()
        .unwrap();
    r
}

#[test]
fn expires_caps() {
    // 1 and 604800 are accepted when signed so.
    for expires in [1u64, 604_800] {
        let req = presigned_at(T, expires);
        assert!(code(&req, T).is_ok(), "{expires}");
        assert!(
            code(&req, T + s(i64::try_from(expires).unwrap())).is_ok(),
            "{expires} at expiry"
        );
        let (c, m) = code(&req, T + s(i64::try_from(expires).unwrap() + 1)).unwrap_err();
        assert_eq!(
            (c.as_str(), m.as_str()),
            ("SignatureDoesNotMatch", "Request has expired"),
            "{expires} at expiry+1s"
        );
    }
    // 0 and 604801 are refused before the signature is even checked.
    let req = presigned_at(T, 900);
    for bad in ["0", "604801", "-1", "", "1e3", "999999999999"] {
        let (c, _) = code(&with_expires(&req, bad), T).unwrap_err();
        assert_eq!(c, "IncompleteSignature", "X-Amz-Expires={bad}");
    }
}

#[test]
fn presigned_edges() {
    let req = presigned_at(T, 900);
    assert!(code(&req, T + s(900)).is_ok());
    assert!(code(&req, T + s(901)).is_err());
    // Long past the skew window but inside X-Amz-Expires: still valid (the URL's own
    // lifetime bounds it). Presigned from the future beyond the skew: refused.
    let week = presigned_at(T, 604_800);
    assert!(code(&week, T + s(6 * 86_400)).is_ok());
    let (c, m) = code(&req, T - s(W + 1)).unwrap_err();
    assert_eq!(c, "SignatureDoesNotMatch");
    assert!(m.starts_with("Signature not yet current"));
    assert!(code(&req, T - s(W)).is_ok());
}
