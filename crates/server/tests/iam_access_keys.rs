#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Access keys through the Rust SDK: CreateAccessKey, ListAccessKeys, UpdateAccessKey,
//! DeleteAccessKey, GetAccessKeyLastUsed — happy paths, quotas and AWS errors.

#[macro_use]
mod common;

use aws_sdk_iam::types::StatusType;
use common::{expect_code, sts_identity, Creds, Opts, Server, ACCOUNT};

#[tokio::test]
async fn access_key_lifecycle() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user().user_name("alice").send().await.unwrap();

    let out = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let k = out.access_key().unwrap();
    assert_eq!(k.user_name(), "alice");
    assert!(
        k.access_key_id().starts_with("AKIA"),
        "{}",
        k.access_key_id()
    );
    assert_eq!(k.access_key_id().len(), 20);
    assert_eq!(k.secret_access_key().len(), 40);
    assert_eq!(k.status(), &StatusType::Active);
    let alice = Creds::new(k.access_key_id(), k.secret_access_key());

    // The new key works at once.
    assert_eq!(
        sts_identity(&s, &alice).await,
        format!("arn:aws:iam::{ACCOUNT}:user/alice")
    );

    let list = iam
        .list_access_keys()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(list.access_key_metadata().len(), 1);
    let m = &list.access_key_metadata()[0];
    assert_eq!(m.access_key_id(), Some(alice.id.as_str()));
    assert_eq!(m.status(), Some(&StatusType::Active));
    assert!(!list.is_truncated());

    // Used once, by the GetCallerIdentity above.
    let lu = iam
        .get_access_key_last_used()
        .access_key_id(&alice.id)
        .send()
        .await
        .unwrap();
    assert_eq!(lu.user_name(), Some("alice"));
    let used = lu.access_key_last_used().unwrap();
    assert_eq!(used.service_name(), "sts");
    assert_eq!(used.region(), "us-east-1");
    assert!(used.last_used_date().is_some());

    // Deactivate: the key stops working; reactivate: it works again.
    iam.update_access_key()
        .user_name("alice")
        .access_key_id(&alice.id)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let list = iam
        .list_access_keys()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.access_key_metadata()[0].status(),
        Some(&StatusType::Inactive)
    );
    expect_code(
        s.sts_client(&alice).get_caller_identity().send().await,
        "InvalidClientTokenId",
    );
    iam.update_access_key()
        .user_name("alice")
        .access_key_id(&alice.id)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    sts_identity(&s, &alice).await;

    // Delete: gone from the list, and it no longer authenticates.
    iam.delete_access_key()
        .user_name("alice")
        .access_key_id(&alice.id)
        .send()
        .await
        .unwrap();
    let list = iam
        .list_access_keys()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert!(list.access_key_metadata().is_empty());
    expect_code(
        s.sts_client(&alice).get_caller_identity().send().await,
        "InvalidClientTokenId",
    );
}

#[tokio::test]
async fn access_key_quota_and_conflicts() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user().user_name("bob").send().await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let k = iam
            .create_access_key()
            .user_name("bob")
            .send()
            .await
            .unwrap();
        ids.push(k.access_key().unwrap().access_key_id().to_string());
    }
    assert_ne!(ids[0], ids[1]);
    let msg = expect_code(
        iam.create_access_key().user_name("bob").send().await,
        "LimitExceeded",
    );
    assert_eq!(msg, "Cannot exceed quota for AccessKeysPerUser: 2");

    // A user with keys cannot be deleted.
    let msg = expect_code(
        iam.delete_user().user_name("bob").send().await,
        "DeleteConflict",
    );
    assert_eq!(msg, "Cannot delete entity, must delete access keys first.");
    for id in &ids {
        iam.delete_access_key()
            .user_name("bob")
            .access_key_id(id)
            .send()
            .await
            .unwrap();
    }
    iam.delete_user().user_name("bob").send().await.unwrap();
}

#[tokio::test]
async fn access_key_errors() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user().user_name("carol").send().await.unwrap();
    iam.create_user().user_name("dan").send().await.unwrap();
    let dan_key = iam
        .create_access_key()
        .user_name("dan")
        .send()
        .await
        .unwrap();
    let dan_key = dan_key.access_key().unwrap().access_key_id().to_string();

    expect_code(
        iam.create_access_key().user_name("nobody").send().await,
        "NoSuchEntity",
    );
    expect_code(
        iam.list_access_keys().user_name("nobody").send().await,
        "NoSuchEntity",
    );
    let missing = "AKIAAAAAAAAAAAAAAAAA";
    let msg = expect_code(
        iam.delete_access_key()
            .user_name("carol")
            .access_key_id(missing)
            .send()
            .await,
        "NoSuchEntity",
    );
    assert_eq!(
        msg,
        format!("The Access Key with id {missing} cannot be found.")
    );
    // Another user's key is not carol's to delete or update.
    expect_code(
        iam.delete_access_key()
            .user_name("carol")
            .access_key_id(&dan_key)
            .send()
            .await,
        "NoSuchEntity",
    );
    expect_code(
        iam.update_access_key()
            .user_name("carol")
            .access_key_id(&dan_key)
            .status(StatusType::Inactive)
            .send()
            .await,
        "NoSuchEntity",
    );
    // Shape validation.
    expect_code(
        iam.delete_access_key()
            .user_name("carol")
            .access_key_id("short")
            .send()
            .await,
        "ValidationError",
    );
    expect_code(
        iam.update_access_key()
            .user_name("carol")
            .access_key_id(&dan_key)
            .status(StatusType::from("Sleeping"))
            .send()
            .await,
        "ValidationError",
    );
}

#[tokio::test]
async fn root_keys_without_user_name() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    // Root lists its own keys when no UserName is given.
    let list = iam.list_access_keys().send().await.unwrap();
    let ids: Vec<_> = list
        .access_key_metadata()
        .iter()
        .filter_map(|m| m.access_key_id())
        .collect();
    assert_eq!(ids, vec![common::ROOT_KEY_ID]);
    assert!(list.access_key_metadata()[0].user_name().is_none());

    // A user without policies may not manage even its own keys (AWS needs a policy).
    let eve = common::user_with_key(&iam, "eve").await;
    expect_code(
        s.iam_client(&eve).list_access_keys().send().await,
        "AccessDenied",
    );
}

#[tokio::test]
async fn last_used_is_recorded() {
    let mut s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    let frank = common::user_with_key(&iam, "frank").await;
    // Any authenticated call counts as use, whatever its outcome.
    let _ = s.iam_client(&frank).list_users().send().await;
    sts_identity(&s, &frank).await;
    let lu = iam
        .get_access_key_last_used()
        .access_key_id(&frank.id)
        .send()
        .await
        .unwrap();
    let used = lu.access_key_last_used().unwrap();
    assert!(used.last_used_date().is_some(), "{used:?}");
    // The last call was STS GetCallerIdentity.
    assert_eq!(used.service_name(), "sts", "{used:?}");
    assert_eq!(used.region(), "us-east-1");
    // Flushed at shutdown: still there after a graceful restart.
    s.restart_graceful();
    let lu = s
        .iam_client(&Creds::root())
        .get_access_key_last_used()
        .access_key_id(&frank.id)
        .send()
        .await
        .unwrap();
    let after = lu.access_key_last_used().unwrap();
    assert_eq!(after.service_name(), "sts", "{after:?}");
}
