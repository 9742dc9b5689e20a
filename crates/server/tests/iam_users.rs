#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! IAM users through the Rust SDK: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser —
//! happy paths, AWS errors, pagination.

#[macro_use]
mod common;

use common::{expect_code, Creds, Opts, RawRequest, Server, ACCOUNT};

#[tokio::test]
async fn create_get_update_delete_user() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());

    let out = iam
        .create_user()
        .user_name("alice")
        .path("/eng/")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("red")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let u = out.user().unwrap();
    assert_eq!(u.user_name(), "alice");
    assert_eq!(u.path(), "/eng/");
    assert_eq!(u.arn(), format!("arn:aws:iam::{ACCOUNT}:user/eng/alice"));
    assert!(u.user_id().starts_with("AIDA"), "user id {}", u.user_id());
    assert_eq!(u.user_id().len(), 21);

    let got = iam.get_user().user_name("alice").send().await.unwrap();
    let g = got.user().unwrap();
    assert_eq!(g.user_id(), u.user_id());
    assert_eq!(g.tags().len(), 1);
    assert_eq!(g.tags()[0].key(), "team");
    assert_eq!(g.tags()[0].value(), "red");

    // Names are unique case-insensitively but keep the case they were created with.
    let got = iam.get_user().user_name("ALICE").send().await.unwrap();
    assert_eq!(got.user().unwrap().user_name(), "alice");

    iam.update_user()
        .user_name("alice")
        .new_user_name("alice2")
        .new_path("/ops/")
        .send()
        .await
        .unwrap();
    expect_code(
        iam.get_user().user_name("alice").send().await,
        "NoSuchEntity",
    );
    let got = iam.get_user().user_name("alice2").send().await.unwrap();
    let g = got.user().unwrap();
    assert_eq!(g.arn(), format!("arn:aws:iam::{ACCOUNT}:user/ops/alice2"));
    assert_eq!(g.user_id(), u.user_id(), "rename keeps the id");

    iam.delete_user().user_name("alice2").send().await.unwrap();
    let msg = expect_code(
        iam.get_user().user_name("alice2").send().await,
        "NoSuchEntity",
    );
    assert_eq!(msg, "The user with name alice2 cannot be found.");
}

#[tokio::test]
async fn get_user_without_name_is_the_caller() {
    let s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let out = root.get_user().send().await.unwrap();
    let u = out.user().unwrap();
    assert_eq!(u.arn(), format!("arn:aws:iam::{ACCOUNT}:root"));
    assert_eq!(u.user_id(), ACCOUNT);

    // A user may always read itself? No: AWS requires iam:GetUser on itself too; a user
    // without policies is denied.
    let bob = common::user_with_key(&root, "bob").await;
    let bob_iam = s.iam_client(&bob);
    expect_code(bob_iam.get_user().send().await, "AccessDenied");
}

#[tokio::test]
async fn user_errors() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user().user_name("carol").send().await.unwrap();

    let msg = expect_code(
        iam.create_user().user_name("carol").send().await,
        "EntityAlreadyExists",
    );
    assert_eq!(msg, "User with name carol already exists.");
    expect_code(
        iam.create_user().user_name("CAROL").send().await,
        "EntityAlreadyExists",
    );

    let msg = expect_code(
        iam.create_user().user_name("bad name").send().await,
        "ValidationError",
    );
    assert_eq!(
        msg,
        "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    );
    let long = "u".repeat(65);
    let msg = expect_code(
        iam.create_user().user_name(&long).send().await,
        "ValidationError",
    );
    assert!(
        msg.contains("Member must have length less than or equal to 64"),
        "{msg}"
    );
    expect_code(
        iam.create_user()
            .user_name("pathy")
            .path("noslash")
            .send()
            .await,
        "ValidationError",
    );

    expect_code(
        iam.delete_user().user_name("nobody").send().await,
        "NoSuchEntity",
    );
    expect_code(
        iam.update_user()
            .user_name("nobody")
            .new_user_name("x")
            .send()
            .await,
        "NoSuchEntity",
    );
    iam.create_user().user_name("dave").send().await.unwrap();
    expect_code(
        iam.update_user()
            .user_name("dave")
            .new_user_name("Carol")
            .send()
            .await,
        "EntityAlreadyExists",
    );

    // Missing required member, sent raw (the SDK would refuse to build it).
    let r = s
        .raw(RawRequest::iam(&Creds::root(), "CreateUser", &[]))
        .await;
    r.assert_error("ValidationError");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.message(),
        Some("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
    );

    // An operation IAM does not have.
    let r = s
        .raw(RawRequest::iam(&Creds::root(), "ListFoos", &[]))
        .await;
    r.assert_error("InvalidAction");
}

#[tokio::test]
async fn list_users_paginates() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    let mut expected: Vec<String> = (0..25).map(|i| format!("user{i:02}")).collect();
    for n in &expected {
        let path = if n.ends_with('0') { "/even/tens/" } else { "/" };
        iam.create_user()
            .user_name(n)
            .path(path)
            .send()
            .await
            .unwrap();
    }
    expected.sort();

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = iam
            .list_users()
            .max_items(10)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(out.users().len() <= 10);
        seen.extend(out.users().iter().map(|u| u.user_name().to_string()));
        if out.is_truncated() {
            marker = Some(out.marker().expect("marker when truncated").to_string());
        } else {
            assert!(out.marker().is_none());
            break;
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, expected);

    // Default page (100) holds all.
    let out = iam.list_users().send().await.unwrap();
    assert_eq!(out.users().len(), 25);
    assert!(!out.is_truncated());

    // The SDK paginator agrees.
    let all: Vec<_> = iam
        .list_users()
        .max_items(7)
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(all.len(), 25);

    // PathPrefix filters.
    let out = iam.list_users().path_prefix("/even/").send().await.unwrap();
    let names: Vec<_> = out.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, vec!["user00", "user10", "user20"]);

    // Bad paging parameters.
    expect_code(
        iam.list_users().max_items(0).send().await,
        "ValidationError",
    );
    expect_code(
        iam.list_users().max_items(1001).send().await,
        "ValidationError",
    );
    let msg = expect_code(
        iam.list_users().marker("not-a-marker!!").send().await,
        "ValidationError",
    );
    assert!(msg.contains("Marker"), "{msg}");
}
