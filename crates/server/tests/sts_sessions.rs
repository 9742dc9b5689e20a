#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Temporary credentials end to end through the Rust SDK: AssumeRole (ExternalId, session
//! policies, session tags for ABAC, chaining limit), GetSessionToken, expiry (test mode's
//! movable clock, no sleeping), tampered tokens, and revocation by `aws:TokenIssueTime`.

#[macro_use]
mod common;

use aws_sdk_sts::error::ProvideErrorMetadata;
use common::{user_with_key, Creds, Opts, Server, ACCOUNT};

/// Temporary credentials as the SDK returns them.
struct Session {
    id: String,
    secret: String,
    token: String,
}

fn session(c: &aws_sdk_sts::types::Credentials) -> Session {
    Session {
        id: c.access_key_id().into(),
        secret: c.secret_access_key().into(),
        token: c.session_token().into(),
    }
}

fn iam_with(s: &Server, sess: &Session) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(s.url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            &sess.id,
            &sess.secret,
            Some(sess.token.clone()),
            None,
            "e2e",
        ))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

fn sts_with(s: &Server, sess: &Session) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(s.url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            &sess.id,
            &sess.secret,
            Some(sess.token.clone()),
            None,
            "e2e",
        ))
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

/// Root creates user `alice` (allowed to assume roles and tag sessions) and role `name`
/// with `trust` and an inline policy `perms`.
async fn setup(s: &Server, name: &str, trust: &str, perms: &str) -> Creds {
    let iam = s.iam_client(&Creds::root());
    let alice = match iam.get_user().user_name("alice").send().await {
        Ok(_) => None,
        Err(_) => Some(user_with_key(&iam, "alice").await),
    };
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("assume")
        .policy_document(doc(
            r#"{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}"#,
        ))
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name(name)
        .policy_name("perms")
        .policy_document(perms)
        .send()
        .await
        .unwrap();
    alice.unwrap_or_else(|| Creds::new("", ""))
}

fn trust_alice(extra: &str) -> String {
    doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/alice"}},"Action":["sts:AssumeRole","sts:TagSession"]{extra}}}"#
    ))
}

#[tokio::test]
async fn assume_role_with_external_id_and_use_the_credentials() {
    let s = Server::start(Opts::default());
    let trust = trust_alice(r#","Condition":{"StringEquals":{"sts:ExternalId":"customer-42"}}"#);
    let alice = setup(
        &s,
        "reader",
        &trust,
        &doc(r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#),
    )
    .await;
    let sts = s.sts_client(&alice);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/reader");
    // SECURITY-BAR 2.8: missing and wrong ExternalId are refused.
    for ext in [None, Some("customer-43")] {
        let e = sts
            .assume_role()
            .role_arn(&role)
            .role_session_name("s0")
            .set_external_id(ext.map(String::from))
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("AccessDenied"), "{e:?}");
        assert_eq!(
            e.message(),
            Some(format!("User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole on resource: {role}").as_str())
        );
    }
    let out = sts
        .assume_role()
        .role_arn(&role)
        .role_session_name("s1")
        .external_id("customer-42")
        .send()
        .await
        .unwrap();
    let user = out.assumed_role_user().unwrap();
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1")
    );
    assert!(user.assumed_role_id().starts_with("AROA") && user.assumed_role_id().ends_with(":s1"));
    let creds = out.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let sess = session(creds);
    let me = sts_with(&s, &sess)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(user.arn()));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));
    // The role's policy allows ListUsers, nothing else.
    iam_with(&s, &sess).list_users().send().await.unwrap();
    let e = iam_with(&s, &sess)
        .create_user()
        .user_name("mallory")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
}

#[tokio::test]
async fn session_policy_narrows_the_role() {
    let s = Server::start(Opts::default());
    let alice = setup(
        &s,
        "admin",
        &trust_alice(""),
        &doc(r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#),
    )
    .await;
    let out = s
        .sts_client(&alice)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/admin"))
        .role_session_name("narrow")
        .policy(doc(
            r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#,
        ))
        .send()
        .await
        .unwrap();
    #[allow(deprecated)]
    let packed = out.packed_policy_size().unwrap_or(0);
    assert!(packed > 0);
    let iam = iam_with(&s, &session(out.credentials().unwrap()));
    iam.list_users().send().await.unwrap();
    let e = iam.list_roles().send().await.unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
    assert!(
        e.message()
            .unwrap()
            .ends_with("because no session policy allows the iam:ListRoles action"),
        "{e:?}"
    );
}

#[tokio::test]
async fn session_tags_drive_an_abac_condition() {
    let s = Server::start(Opts::default());
    let perms = doc(
        r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}"#,
    );
    let alice = setup(&s, "tagged", &trust_alice(""), &perms).await;
    let sts = s.sts_client(&alice);
    for (team, allowed) in [("red", true), ("blue", false)] {
        let out = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/tagged"))
            .role_session_name(format!("t-{team}"))
            .tags(
                aws_sdk_sts::types::Tag::builder()
                    .key("team")
                    .value(team)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        let r = iam_with(&s, &session(out.credentials().unwrap()))
            .list_users()
            .send()
            .await;
        assert_eq!(r.is_ok(), allowed, "team={team}: {r:?}");
    }
}

#[tokio::test]
async fn role_chaining_is_capped_at_one_hour() {
    let s = Server::start(Opts::default());
    let perms = doc(r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#);
    let alice = setup(&s, "first", &trust_alice(""), &perms).await;
    let iam = s.iam_client(&Creds::root());
    let second_trust = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:role/first"}},"Action":"sts:AssumeRole"}}"#
    ));
    iam.create_role()
        .role_name("second")
        .assume_role_policy_document(second_trust)
        .max_session_duration(43_200)
        .send()
        .await
        .unwrap();
    let first = s
        .sts_client(&alice)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/first"))
        .role_session_name("a0")
        .send()
        .await
        .unwrap();
    let chained = sts_with(&s, &session(first.credentials().unwrap()));
    let second = format!("arn:aws:iam::{ACCOUNT}:role/second");
    let e = chained
        .assume_role()
        .role_arn(&second)
        .role_session_name("b0")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationError"));
    assert_eq!(e.message(), Some("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
    chained
        .assume_role()
        .role_arn(&second)
        .role_session_name("b0")
        .duration_seconds(3600)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn expired_and_tampered_sessions_are_refused() {
    let s = Server::start(Opts::test_mode());
    let alice = setup(
        &s,
        "short",
        &trust_alice(""),
        &doc(r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#),
    )
    .await;
    let out = s
        .sts_client(&alice)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/short"))
        .role_session_name("s0")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let sess = session(out.credentials().unwrap());
    iam_with(&s, &sess).list_users().send().await.unwrap();
    // A token with one character changed, and a token paired with another key id.
    let mut bad = sess.token.clone().into_bytes();
    let mid = bad.len() / 2;
    bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
    let tampered = Session {
        token: String::from_utf8(bad).unwrap(),
        ..session(out.credentials().unwrap())
    };
    let e = iam_with(&s, &tampered)
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidClientTokenId"));
    let swapped = Session {
        id: "ASIAAAAAAAAAAAAAAAAA".into(),
        ..session(out.credentials().unwrap())
    };
    let e = iam_with(&s, &swapped)
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidClientTokenId"));
    // Move the server clock past the expiry: no sleeping.
    reqwest::Client::new()
        .post(format!("{}/portcullis-test/clock", s.url()))
        .body("901")
        .send()
        .await
        .unwrap();
    let e = iam_with(&s, &sess).list_users().send().await.unwrap_err();
    assert_eq!(e.code(), Some("ExpiredToken"), "{e:?}");
}

#[tokio::test]
async fn revoking_older_sessions_by_token_issue_time() {
    let s = Server::start(Opts::test_mode());
    let alice = setup(
        &s,
        "ops",
        &trust_alice(""),
        &doc(r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#),
    )
    .await;
    let sts = s.sts_client(&alice);
    let assume = || {
        sts.assume_role()
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/ops"))
            .role_session_name("s0")
            .send()
    };
    let old = session(assume().await.unwrap().credentials().unwrap());
    iam_with(&s, &old).list_users().send().await.unwrap();
    // What the console's "revoke active sessions" writes: deny tokens issued before now.
    let cutoff = time::OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let cutoff = cutoff
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    s.iam_client(&Creds::root())
        .put_role_policy()
        .role_name("ops")
        .policy_name("AWSRevokeOlderSessions")
        .policy_document(doc(&format!(
            r#"{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"DateLessThan":{{"aws:TokenIssueTime":"{cutoff}"}}}}}}"#
        )))
        .send()
        .await
        .unwrap();
    let e = iam_with(&s, &old).list_users().send().await.unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
    assert!(
        e.message()
            .unwrap()
            .contains("with an explicit deny in an identity-based policy"),
        "{e:?}"
    );
    reqwest::Client::new()
        .post(format!("{}/portcullis-test/clock", s.url()))
        .body("10")
        .send()
        .await
        .unwrap();
    let fresh = session(assume().await.unwrap().credentials().unwrap());
    iam_with(&s, &fresh).list_users().send().await.unwrap();
}

#[tokio::test]
async fn get_session_token_keeps_the_users_permissions() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    let bob = user_with_key(&iam, "bob").await;
    iam.put_user_policy()
        .user_name("bob")
        .policy_name("list")
        .policy_document(doc(
            r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#,
        ))
        .send()
        .await
        .unwrap();
    let out = s
        .sts_client(&bob)
        .get_session_token()
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let sess = session(out.credentials().unwrap());
    let me = sts_with(&s, &sess)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/bob").as_str())
    );
    iam_with(&s, &sess).list_users().send().await.unwrap();
    assert_eq!(
        iam_with(&s, &sess)
            .list_roles()
            .send()
            .await
            .unwrap_err()
            .code(),
        Some("AccessDenied")
    );
    // Out of range, and not from session credentials.
    let e = s
        .sts_client(&bob)
        .get_session_token()
        .duration_seconds(899)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationError"));
    let e = sts_with(&s, &sess)
        .get_session_token()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
}

#[tokio::test]
async fn root_cannot_assume_roles() {
    let s = Server::start(Opts::default());
    setup(
        &s,
        "r",
        &trust_alice(""),
        &doc(r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#),
    )
    .await;
    let e = s
        .sts_client(&Creds::root())
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/r"))
        .role_session_name("x0")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
}
