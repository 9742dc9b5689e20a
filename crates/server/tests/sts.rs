#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! STS through the Rust SDK: GetCallerIdentity for root and for IAM users.

#[macro_use]
mod common;

use common::{Creds, Opts, RawRequest, Server, ACCOUNT};

#[tokio::test]
async fn get_caller_identity_root() {
    let s = Server::start(Opts::default());
    let out = s
        .sts_client(&Creds::root())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(out.account(), Some(ACCOUNT));
    assert_eq!(
        out.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:root").as_str())
    );
    assert_eq!(out.user_id(), Some(ACCOUNT));
}

#[tokio::test]
async fn get_caller_identity_user_needs_no_policy() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user()
        .user_name("alice")
        .path("/team/")
        .send()
        .await
        .unwrap();
    let user_id = iam
        .get_user()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .user()
        .unwrap()
        .user_id()
        .to_string();
    let k = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let k = k.access_key().unwrap();
    let alice = Creds::new(k.access_key_id(), k.secret_access_key());
    // alice has no policy at all: GetCallerIdentity needs none.
    let out = s
        .sts_client(&alice)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(out.account(), Some(ACCOUNT));
    assert_eq!(
        out.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/team/alice").as_str())
    );
    assert_eq!(out.user_id(), Some(user_id.as_str()));
}

#[tokio::test]
async fn get_caller_identity_get_and_unknown_action() {
    let s = Server::start(Opts::default());
    // Query-string form (GET), as some tools send it.
    let r = s
        .raw(RawRequest::sts(&Creds::root(), "GetCallerIdentity", &[]).into_get())
        .await;
    r.assert_ok();
    assert_eq!(
        common::xml_text(&r.body, "Arn"),
        Some(format!("arn:aws:iam::{ACCOUNT}:root").as_str())
    );
    assert!(
        r.body.contains("https://sts.amazonaws.com/doc/2011-06-15/"),
        "{}",
        r.body
    );

    let r = s
        .raw(RawRequest::sts(&Creds::root(), "AssumeRoleFoo", &[]))
        .await;
    r.assert_error("InvalidAction");
}
