#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `--test-mode`, the moto-compatible mode for CI pipelines: unknown keys act as root,
//! `/moto-api/reset` and `/moto-api/reset-auth`, no clock-skew check, loopback only.

#[macro_use]
mod common;

use std::process::Stdio;
use std::time::{Duration, SystemTime};

use common::{expect_code, Creds, Opts, RawRequest, Server, Sig, ACCOUNT};

async fn post(s: &Server, path: &str, body: &str) -> (u16, String) {
    let r = common::send_raw(&s.url(), "POST", path, &[], body.as_bytes().to_vec()).await;
    (r.status, r.body)
}

#[tokio::test]
async fn unknown_key_acts_as_root() {
    let s = Server::start(Opts::test_mode());
    let anyone = Creds::new("AKIAANYTHINGATALL000", "whatever");
    let out = s
        .sts_client(&anyone)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:root").as_str())
    );
    let iam = s.iam_client(&anyone);
    iam.create_user().user_name("ci-user").send().await.unwrap();
    let users = s
        .iam_client(&Creds::root())
        .list_users()
        .send()
        .await
        .unwrap();
    assert_eq!(users.users().len(), 1);

    // A known key still needs its own secret: only *unknown* keys are waved through.
    let bad = Creds::new(common::ROOT_KEY_ID, "n".repeat(40));
    expect_code(
        s.iam_client(&bad).list_users().send().await,
        "SignatureDoesNotMatch",
    );
    // And real users are still themselves, with their (lack of) permissions.
    let root = s.iam_client(&Creds::root());
    let u = common::user_with_key(&root, "limited").await;
    expect_code(
        s.iam_client(&u).create_user().user_name("x").send().await,
        "AccessDenied",
    );
}

#[tokio::test]
async fn reset_wipes_state_but_keeps_root_keys() {
    let s = Server::start(Opts::test_mode());
    let root = s.iam_client(&Creds::root());
    let alice = common::user_with_key(&root, "alice").await;
    root.create_user().user_name("bob").send().await.unwrap();

    let (status, body) = post(&s, "/moto-api/reset", "").await;
    assert_eq!(status, 200, "{body}");

    let users = root.list_users().send().await.unwrap();
    assert!(users.users().is_empty(), "{:?}", users.users());
    // alice's key is gone with her: in test mode an unknown key acts as root.
    assert_eq!(
        common::sts_identity(&s, &alice).await,
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
    // Root keys survive (they are the configured ones).
    let keys = root.list_access_keys().send().await.unwrap();
    assert_eq!(keys.access_key_metadata().len(), 1);
    assert_eq!(
        common::sts_identity(&s, &Creds::root()).await,
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
    // And the name is free again.
    root.create_user().user_name("alice").send().await.unwrap();

    // The reset is durable.
    let mut s = s;
    s.restart();
    let root = s.iam_client(&Creds::root());
    let users = root.list_users().send().await.unwrap();
    let names: Vec<_> = users.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, vec!["alice"]);
}

#[tokio::test]
async fn reset_auth_lets_exactly_n_unauthenticated_requests_through() {
    let s = Server::start(Opts::test_mode());
    let unsigned = || RawRequest::iam(&Creds::root(), "ListUsers", &[]).sig(Sig::None);
    s.raw(unsigned())
        .await
        .assert_error("MissingAuthenticationToken");

    let (status, body) = post(&s, "/moto-api/reset-auth", "3").await;
    assert_eq!(status, 200, "{body}");
    for i in 0..3 {
        let r = s.raw(unsigned()).await;
        assert_eq!(r.status, 200, "free pass {i}: {}", r.body);
    }
    for _ in 0..2 {
        s.raw(unsigned())
            .await
            .assert_error("MissingAuthenticationToken");
    }

    // moto's JSON form; and a bad body is refused.
    let (status, _) = post(&s, "/moto-api/reset-auth", r#"{"value": 1}"#).await;
    assert_eq!(status, 200);
    s.raw(unsigned()).await.assert_ok();
    s.raw(unsigned())
        .await
        .assert_error("MissingAuthenticationToken");
    let (status, _) = post(&s, "/moto-api/reset-auth", "lots").await;
    assert_eq!(status, 400);

    // /moto-api/reset clears outstanding passes.
    post(&s, "/moto-api/reset-auth", "5").await;
    post(&s, "/moto-api/reset", "").await;
    s.raw(unsigned())
        .await
        .assert_error("MissingAuthenticationToken");
}

#[tokio::test]
async fn stale_signatures_are_accepted_in_test_mode() {
    let s = Server::start(Opts::test_mode());
    let past = SystemTime::now() - Duration::from_secs(600);
    s.raw(RawRequest::sts(&Creds::root(), "GetCallerIdentity", &[]).at(past))
        .await
        .assert_ok();
    let long_ago = SystemTime::now() - Duration::from_secs(3 * 86400);
    s.raw(RawRequest::iam(&Creds::root(), "ListUsers", &[]).at(long_ago))
        .await
        .assert_ok();
}

#[tokio::test]
async fn moto_endpoints_do_not_exist_outside_test_mode() {
    let s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    root.create_user().user_name("keep").send().await.unwrap();
    let (status, _) = post(&s, "/moto-api/reset", "").await;
    assert_ne!(status, 200);
    let (status, _) = post(&s, "/moto-api/reset-auth", "5").await;
    assert_ne!(status, 200);
    root.get_user().user_name("keep").send().await.unwrap();
    s.raw(RawRequest::iam(&Creds::root(), "ListUsers", &[]).sig(Sig::None))
        .await
        .assert_error("MissingAuthenticationToken");
    // Unknown keys are not root here.
    expect_code(
        s.iam_client(&Creds::new("AKIAANYTHINGATALL000", "x"))
            .list_users()
            .send()
            .await,
        "InvalidClientTokenId",
    );
}

#[test]
fn test_mode_refuses_a_non_loopback_listen_address() {
    let dir = tempfile::tempdir().unwrap();
    for listen in [
        format!("0.0.0.0:{}", common::free_port()),
        format!("[::]:{}", common::free_port()),
    ] {
        let out = std::process::Command::new(common::binary())
            .args(["serve", "--test-mode", "--listen", &listen, "--data-dir"])
            .arg(dir.path())
            .env("PORTCULLIS_ROOT_ACCESS_KEY_ID", common::ROOT_KEY_ID)
            .env("PORTCULLIS_ROOT_SECRET_ACCESS_KEY", common::ROOT_SECRET)
            .env("PORTCULLIS_MASTER_KEY", common::MASTER_KEY)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "test mode started on {listen}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("loopback"), "stderr: {err}");
    }
}
