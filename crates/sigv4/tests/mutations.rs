//! SECURITY-BAR row 2 (SIGV4-NEG): single-field mutants of valid, SDK-signed requests
//! are all rejected, with an error code from the allowed set for their class, and never
//! panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{check, sdk_sign, Req, Spec};
use http::{HeaderValue, Method, Uri};
use portcullis_sigv4::{parse, VerifyOptions};
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2025-03-01 08:00:00 UTC);
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

const SDM: &[&str] = &["SignatureDoesNotMatch"];
const INC: &[&str] = &["IncompleteSignature"];
const SDM_OR_INC: &[&str] = &["SignatureDoesNotMatch", "IncompleteSignature"];

fn header_request(token: Option<&str>) -> Req {
    sdk_sign(&Spec {
        method: "POST",
        uri: "https://sts.amazonaws.com/",
        headers: vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_owned())],
        body: b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s&Version=2011-06-15".to_vec(),
        service: "sts",
        region: "us-east-1",
        token,
        presign: None,
        time: NOW,
    })
}

fn presigned_request(token: Option<&str>) -> Req {
    sdk_sign(&Spec {
        method: "GET",
        uri: "https://iam.amazonaws.com/?Action=ListUsers&PathPrefix=%2Fdivision_abc%2F&Version=2010-05-08",
        headers: vec![],
        body: vec![],
        service: "iam",
        region: "us-east-1",
        token,
        presign: Some(Duration::from_secs(900)),
        time: NOW,
    })
}

fn expect_rejected(name: &str, req: &Req, allowed: &[&str]) {
    match check(req, NOW, &VerifyOptions::default()) {
        Ok(_) => panic!("mutant '{name}' was accepted: {req:?}"),
        Err(e) => {
            assert!(
                allowed.contains(&e.code()),
                "mutant '{name}': code {} ({}) not in {allowed:?}",
                e.code(),
                e.message()
            );
            assert!(e.http_status() == 400 || e.http_status() == 403, "{name}");
        }
    }
}

fn with_uri(req: &Req, uri: &str) -> Req {
    let mut r = req.clone();
    r.uri = uri.parse::<Uri>().unwrap();
    r
}

fn set_header(req: &Req, name: &'static str, value: &str) -> Req {
    let mut r = req.clone();
    r.headers
        .insert(name, HeaderValue::from_str(value).unwrap());
    r
}

fn auth(req: &Req) -> String {
    req.headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// Replaces one `key=value` of the query (raw) with `new`.
fn replace_param(uri: &Uri, key: &str, new: &str) -> String {
    let q = uri.query().unwrap();
    let replaced: Vec<String> = q
        .split('&')
        .map(|p| {
            if p.split('=').next() == Some(key) {
                new.to_owned()
            } else {
                p.to_owned()
            }
        })
        .collect();
    format!("{}?{}", uri.path(), replaced.join("&"))
}

fn absolute(req: &Req, path_and_query: &str) -> String {
    format!("https://{}{}", req.uri.authority().unwrap(), path_and_query)
}

#[test]
fn originals_verify() {
    for r in [
        header_request(None),
        header_request(Some(TOKEN)),
        presigned_request(None),
        presigned_request(Some(TOKEN)),
    ] {
        check(&r, NOW, &VerifyOptions::default()).unwrap();
    }
}

#[test]
fn header_form_mutants() {
    for token in [None, Some(TOKEN)] {
        let base = header_request(token);
        let a = auth(&base);
        // Method and path.
        let mut m = base.clone();
        m.method = Method::PUT;
        expect_rejected("method", &m, SDM);
        expect_rejected("path", &with_uri(&base, "https://sts.amazonaws.com/x"), SDM);
        expect_rejected(
            "query added",
            &with_uri(&base, "https://sts.amazonaws.com/?a=b"),
            SDM,
        );
        // Body (the Query protocol's parameters).
        let mut b = base.clone();
        b.body = b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin&RoleSessionName=s&Version=2011-06-15".to_vec();
        expect_rejected("body", &b, SDM);
        let mut b = base.clone();
        b.body.push(b'&');
        expect_rejected("body suffix", &b, SDM);
        // Each signed header value.
        expect_rejected(
            "content-type",
            &set_header(&base, "content-type", "application/json"),
            SDM,
        );
        expect_rejected("host", &set_header(&base, "host", "evil.example.com"), SDM);
        expect_rejected(
            "x-amz-date +1s",
            &set_header(&base, "x-amz-date", "20250301T080001Z"),
            SDM,
        );
        expect_rejected(
            "x-amz-date other day",
            &set_header(&base, "x-amz-date", "20250302T080000Z"),
            SDM,
        );
        expect_rejected(
            "x-amz-date garbage",
            &set_header(&base, "x-amz-date", "2025-03-01T08:00:00Z"),
            INC,
        );
        // Session token: wrong, added, removed.
        match token {
            Some(_) => {
                expect_rejected(
                    "wrong token",
                    &set_header(
                        &base,
                        "x-amz-security-token",
                        "IQoJb3JpZ2luX2VjEXAMPLETOKEM",
                    ),
                    SDM,
                );
                let mut r = base.clone();
                r.headers.remove("x-amz-security-token");
                expect_rejected("token removed", &r, SDM_OR_INC);
            }
            None => expect_rejected(
                "unsigned token added",
                &set_header(&base, "x-amz-security-token", TOKEN),
                INC,
            ),
        }
        // Unsigned extra x-amz-* header.
        expect_rejected(
            "unsigned x-amz-meta",
            &set_header(&base, "x-amz-target", "x"),
            INC,
        );
        expect_rejected(
            "unsigned content-sha256",
            &set_header(&base, "x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            INC,
        );
        // Header dropped from SignedHeaders.
        for dropped in ["content-type;", "host;", ";x-amz-date"] {
            let m = set_header(&base, "authorization", &a.replacen(dropped, "", 1));
            expect_rejected(&format!("SignedHeaders without {dropped}"), &m, SDM_OR_INC);
        }
        if token.is_some() {
            let m = set_header(
                &base,
                "authorization",
                &a.replace(";x-amz-security-token", ""),
            );
            expect_rejected("SignedHeaders without token", &m, INC);
        }
        let m = set_header(
            &base,
            "authorization",
            &a.replace("SignedHeaders=", "SignedHeaders=host;"),
        );
        expect_rejected("duplicate host in SignedHeaders", &m, INC);
        // Scope.
        let scope_mutants = [
            ("scope date", "/20250301/", "/20250302/"),
            ("scope region", "/us-east-1/", "/us-west-2/"),
            ("scope service", "/sts/", "/iam/"),
            ("scope terminator", "/aws4_request", "/aws4_requesu"),
        ];
        for (name, from, to) in scope_mutants {
            expect_rejected(
                name,
                &set_header(&base, "authorization", &a.replace(from, to)),
                SDM,
            );
        }
        // The access key id is not in the string-to-sign: another id means another key,
        // which the server's lookup answers.
        let m = set_header(
            &base,
            "authorization",
            &a.replace("Credential=AKIDEXAMPLE", "Credential=AKIDEXAMPLF"),
        );
        expect_rejected("akid", &m, &["InvalidClientTokenId"]);
        expect_rejected(
            "4 scope parts",
            &set_header(&base, "authorization", &a.replace("/aws4_request", "")),
            INC,
        );
        // Algorithm.
        expect_rejected(
            "algorithm",
            &set_header(
                &base,
                "authorization",
                &a.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
            ),
            INC,
        );
        // Signature case, length, content.
        let sig = a.rsplit("Signature=").next().unwrap().to_owned();
        let flipped = {
            let mut s = sig.clone().into_bytes();
            s[10] = if s[10] == b'0' { b'1' } else { b'0' };
            String::from_utf8(s).unwrap()
        };
        for (name, new) in [
            ("signature upper", sig.to_uppercase()),
            ("signature short", sig[..63].to_owned()),
            ("signature long", format!("{sig}0")),
            ("signature flipped", flipped),
            ("signature empty", String::new()),
        ] {
            if new == sig {
                continue;
            }
            expect_rejected(
                name,
                &set_header(&base, "authorization", &a.replace(&sig, &new)),
                SDM,
            );
        }
        // Duplicate credentials, header + query.
        let dup = with_uri(&base, "https://sts.amazonaws.com/?X-Amz-Credential=AKIDEXAMPLE%2F20250301%2Fus-east-1%2Fsts%2Faws4_request");
        expect_rejected("credential also in query", &dup, INC);
        let dup = with_uri(&base, "https://sts.amazonaws.com/?X-Amz-Signature=00");
        expect_rejected("signature also in query", &dup, INC);
        let mut two = base.clone();
        two.headers
            .append("authorization", HeaderValue::from_str(&a).unwrap());
        expect_rejected("two Authorization headers", &two, INC);
        // No credentials at all.
        let mut none = base.clone();
        none.headers.remove("authorization");
        expect_rejected("anonymous", &none, &["MissingAuthenticationToken"]);
    }
}

#[test]
fn presigned_form_mutants() {
    for token in [None, Some(TOKEN)] {
        let base = presigned_request(token);
        let uri = base.uri.clone();
        let q = uri.query().unwrap().to_owned();
        // Every query parameter, one at a time.
        for pair in q.split('&') {
            let key = pair.split('=').next().unwrap();
            let value = pair.split_once('=').map_or("", |(_, v)| v);
            let changed = match key {
                "X-Amz-Date" => "20250301T080001Z".to_owned(),
                "X-Amz-Expires" => "901".to_owned(),
                "X-Amz-SignedHeaders" => "host%3Bx-amz-date".to_owned(),
                "X-Amz-Algorithm" => "AWS4-HMAC-SHA512".to_owned(),
                "X-Amz-Credential" => value.replace("AKIDEXAMPLE", "AKIDEXAMPLF"),
                "X-Amz-Signature" => value.replacen(
                    &value[..2],
                    if &value[..2] == "00" { "01" } else { "00" },
                    1,
                ),
                _ => format!("{value}x"),
            };
            let mutant = absolute(
                &base,
                &replace_param(&uri, key, &format!("{key}={changed}")),
            );
            let allowed: &[&str] = if key == "X-Amz-Credential" {
                &["InvalidClientTokenId"]
            } else {
                SDM_OR_INC
            };
            expect_rejected(&format!("param {key}"), &with_uri(&base, &mutant), allowed);
            // Removed entirely.
            let removed = replace_param(&uri, key, "");
            let removed = removed.replace("&&", "&").replace("?&", "?");
            let allowed: &[&str] = if [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Signature",
                "X-Amz-SignedHeaders",
            ]
            .contains(&key)
            {
                &["IncompleteSignature", "MissingAuthenticationToken"]
            } else {
                SDM_OR_INC
            };
            expect_rejected(
                &format!("param {key} removed"),
                &with_uri(&base, &absolute(&base, &removed)),
                allowed,
            );
        }
        // Scope fields inside X-Amz-Credential.
        for (name, from, to) in [
            ("scope date", "%2F20250301%2F", "%2F20250228%2F"),
            ("scope region", "us-east-1", "eu-west-1"),
            ("scope service", "%2Fiam%2F", "%2Fsts%2F"),
            ("scope terminator", "aws4_request", "aws4_reques"),
        ] {
            let m = absolute(&base, &format!("{}?{}", uri.path(), q.replace(from, to)));
            expect_rejected(name, &with_uri(&base, &m), SDM);
        }
        // Signature case and length.
        let sig = q
            .rsplit("X-Amz-Signature=")
            .next()
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        for (name, new) in [
            ("upper", sig.to_uppercase()),
            ("short", sig[..63].to_owned()),
            ("long", format!("{sig}a")),
        ] {
            let m = absolute(&base, &format!("{}?{}", uri.path(), q.replace(&sig, &new)));
            expect_rejected(&format!("signature {name}"), &with_uri(&base, &m), SDM);
        }
        // Duplicate parameter.
        let m = absolute(
            &base,
            &format!("{}?{}&X-Amz-Signature={sig}", uri.path(), q),
        );
        expect_rejected("duplicate X-Amz-Signature", &with_uri(&base, &m), INC);
        let m = absolute(
            &base,
            &format!("{}?{}&x-amz-credential=AKIDEXAMPLE", uri.path(), q),
        );
        expect_rejected("case-variant X-Amz-Credential", &with_uri(&base, &m), INC);
        // Presigned plus an Authorization header (mixed mechanisms).
        let mixed = set_header(&base, "authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250301/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00");
        expect_rejected("presign + header", &mixed, INC);
        // Method, path, host.
        let mut m = base.clone();
        m.method = Method::POST;
        expect_rejected("method", &m, SDM);
        expect_rejected(
            "path",
            &with_uri(&base, &absolute(&base, &format!("/x?{q}"))),
            SDM,
        );
        expect_rejected("host", &set_header(&base, "host", "iam.evil.example"), SDM);
        // Unsigned x-amz-* header, session token in a header that differs from the query.
        expect_rejected(
            "unsigned x-amz-target",
            &set_header(&base, "x-amz-target", "x"),
            INC,
        );
        expect_rejected(
            "token header",
            &set_header(&base, "x-amz-security-token", "other"),
            INC,
        );
        // Wrong session token in the query.
        if token.is_some() {
            let m = absolute(
                &base,
                &format!(
                    "{}?{}",
                    uri.path(),
                    q.replace(TOKEN, "IQoJb3JpZ2luX2VjEXAMPLETOKEM")
                ),
            );
            expect_rejected("wrong token", &with_uri(&base, &m), SDM);
        }
        // A body the signature does not cover.
        let mut b = base.clone();
        b.body = b"Action=CreateUser&UserName=mallory".to_vec();
        expect_rejected("body added", &b, SDM);
    }
}

#[test]
fn wrong_secret_rejected() {
    let req = header_request(Some(TOKEN));
    let signed = parse(&req.method, &req.uri, &req.headers, &req.body).unwrap();
    let s = signed.scope();
    let key = portcullis_sigv4::SecretKey::new("not-the-secret".to_owned()).derive(
        s.date(),
        s.region(),
        s.service(),
    );
    let e = signed
        .verify(&key, NOW, &VerifyOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "SignatureDoesNotMatch");
    // A key derived for another region/service does not verify either.
    let key = portcullis_sigv4::SecretKey::new(common::SECRET.to_owned()).derive(
        s.date(),
        "us-west-2",
        s.service(),
    );
    assert!(signed.verify(&key, NOW, &VerifyOptions::default()).is_err());
    let e = signed.check_scope("us-west-2", "sts").unwrap_err();
    assert_eq!(e.code(), "SignatureDoesNotMatch");
    assert!(e
        .message()
        .starts_with("Credential should be scoped to a valid region, not 'us-east-1'."));
    let e = signed.check_scope("us-east-1", "iam").unwrap_err();
    assert!(e
        .message()
        .starts_with("Credential should be scoped to correct service: 'iam'."));
}

#[test]
fn unsigned_payload_is_flagged() {
    let mut req = header_request(None);
    // Re-sign by hand is not possible here; just check the flag path via parse of a
    // request that declares UNSIGNED-PAYLOAD and signs the header.
    let a = auth(&req).replace("host;x-amz-date", "host;x-amz-content-sha256;x-amz-date");
    req.headers
        .insert("authorization", HeaderValue::from_str(&a).unwrap());
    req.headers.insert(
        "x-amz-content-sha256",
        HeaderValue::from_static("UNSIGNED-PAYLOAD"),
    );
    let signed = parse(&req.method, &req.uri, &req.headers, &req.body).unwrap();
    assert!(!signed.payload_signed());
    assert!(signed.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
    // A declared hash that is not the body's is refused before any key lookup.
    req.headers.insert(
        "x-amz-content-sha256",
        HeaderValue::from_static(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
    );
    assert_eq!(
        parse(&req.method, &req.uri, &req.headers, &req.body)
            .unwrap_err()
            .code(),
        "SignatureDoesNotMatch"
    );
}
