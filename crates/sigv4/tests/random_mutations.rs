//! SECURITY-BAR row 2 at volume: 10,000 random single-field mutants of SDK-signed requests
//! (body bytes, signature characters, signing time, credential scope, the signed-headers
//! list, signed header values, method, path, query), none of which may be accepted or panic.
//! Mutations are chosen so that each really changes what was signed (canonicalisation
//! legitimately ignores, for example, header-name case and runs of spaces).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{check, sdk_sign, Req, Spec};
use http::{HeaderValue, Method, Uri};
use portcullis_sigv4::VerifyOptions;
use proptest::prelude::*;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2025-03-01 08:00:00 UTC);

fn base(token: bool, body: &str, query: &str) -> Req {
    sdk_sign(&Spec {
        method: "POST",
        uri: &format!("https://iam.amazonaws.com/{query}"),
        headers: vec![(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        )],
        body: body.as_bytes().to_vec(),
        service: "iam",
        region: "us-east-1",
        token: token.then_some("IQoJb3JpZ2luX2VjEXAMPLETOKEN"),
        presign: None,
        time: NOW,
    })
}

/// Replaces the character at `at` (mod len) of `s` with a different one from `alphabet`.
fn change_char(s: &str, at: usize, pick: usize, alphabet: &[u8]) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = at % b.len();
    let mut c = alphabet[pick % alphabet.len()];
    if c == b[i] {
        c = alphabet[(pick + 1) % alphabet.len()];
    }
    b[i] = c;
    String::from_utf8(b).unwrap()
}

fn authorization(r: &Req) -> String {
    r.headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn set_auth(r: &mut Req, v: &str) {
    r.headers
        .insert("authorization", HeaderValue::from_str(v).unwrap());
}

fn mutate(r: &Req, kind: u8, at: usize, pick: usize) -> Req {
    const HEX: &[u8] = b"0123456789abcdef";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut m = r.clone();
    match kind % 9 {
        0 => {
            // A body byte (the payload hash is signed).
            let i = at % m.body.len();
            m.body[i] = m.body[i].wrapping_add(1 + (pick % 200) as u8);
        }
        1 => {
            // A signature character.
            let a = authorization(r);
            let sig_at = a.find("Signature=").unwrap() + "Signature=".len();
            let sig = &a[sig_at..];
            let new = change_char(sig, at, pick, HEX);
            set_auth(&mut m, &format!("{}{new}", &a[..sig_at]));
        }
        2 => {
            // The signing time, by one second to a year.
            let t = NOW + time::Duration::seconds(1 + (pick % 31_536_000) as i64);
            m.headers.insert(
                "x-amz-date",
                HeaderValue::from_str(&portcullis_sigv4::format_amz_date(t)).unwrap(),
            );
        }
        3 => {
            // A credential-scope component: key id, date, region, service or terminator.
            let a = authorization(r);
            let start = a.find("Credential=").unwrap() + "Credential=".len();
            let end = start + a[start..].find(',').unwrap();
            let parts: Vec<&str> = a[start..end].split('/').collect();
            let which = at % parts.len();
            let mut owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            owned[which] = change_char(&owned[which], pick, pick / 7 + 1, ALNUM);
            set_auth(
                &mut m,
                &format!("{}{}{}", &a[..start], owned.join("/"), &a[end..]),
            );
        }
        4 => {
            // Drop one name from SignedHeaders.
            let a = authorization(r);
            let start = a.find("SignedHeaders=").unwrap() + "SignedHeaders=".len();
            let end = start + a[start..].find(',').unwrap();
            let names: Vec<&str> = a[start..end].split(';').collect();
            let keep: Vec<&str> = names
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at % names.len())
                .map(|(_, n)| *n)
                .collect();
            set_auth(
                &mut m,
                &format!("{}{}{}", &a[..start], keep.join(";"), &a[end..]),
            );
        }
        5 => {
            // A signed header's value (a non-space character changes).
            let names = ["content-type", "host", "x-amz-security-token"];
            let name = names[at % names.len()];
            let Some(v) = r.headers.get(name) else {
                return mutate(r, 0, at, pick);
            };
            let v = v.to_str().unwrap();
            let new = change_char(v, pick, pick / 3 + 1, ALNUM);
            m.headers.insert(name, HeaderValue::from_str(&new).unwrap());
        }
        6 => {
            m.method = if pick.is_multiple_of(2) {
                Method::PUT
            } else {
                Method::GET
            };
        }
        7 => {
            // The path (not "." or "//": AWS normalises those to "/" for non-S3 services).
            m.uri = format!(
                "https://iam.amazonaws.com/{}",
                ["x", "a/b", "%2F", "b/c/"][pick % 4]
            )
            .parse::<Uri>()
            .unwrap();
        }
        _ => {
            // An extra query parameter.
            m.uri = format!("https://iam.amazonaws.com/?q{}={}", at % 97, pick % 1000)
                .parse::<Uri>()
                .unwrap();
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn no_single_field_mutant_is_accepted(
        token in any::<bool>(),
        user in "[a-z]{1,12}",
        kind in any::<u8>(),
        at in any::<usize>(),
        pick in any::<usize>(),
    ) {
        let body = format!("Action=GetUser&UserName={user}&Version=2010-05-08");
        let r = base(token, &body, "");
        prop_assert!(check(&r, NOW, &VerifyOptions::default()).is_ok(), "the unmutated request verifies");
        let m = mutate(&r, kind, at, pick);
        match check(&m, NOW, &VerifyOptions::default()) {
            Ok(_) => prop_assert!(false, "mutant {} accepted: {m:?}", kind % 9),
            Err(e) => prop_assert!(e.http_status() == 400 || e.http_status() == 403),
        }
    }
}
