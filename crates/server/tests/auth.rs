#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Authentication and enforcement: AWS's error codes for every way a signature can be
//! wrong, AccessDenied's exact wording, and SECURITY-BAR row 3 (AUTH-MATRIX): every
//! operation × every way of arriving without a valid signature is rejected before the
//! operation runs.

#[macro_use]
mod common;

use std::time::{Duration, SystemTime};

use common::{expect_code, grant, user_with_key, Creds, Opts, RawRequest, Server, Sig, ACCOUNT};

#[tokio::test]
async fn user_without_policies_gets_access_denied_with_aws_wording() {
    let s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let alice = user_with_key(&root, "alice").await;
    let msg = expect_code(
        s.iam_client(&alice)
            .create_user()
            .user_name("bob")
            .send()
            .await,
        "AccessDenied",
    );
    assert_eq!(
        msg,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/bob because no identity-based policy allows the iam:CreateUser action"
        )
    );
    // Nothing was created.
    expect_code(
        root.get_user().user_name("bob").send().await,
        "NoSuchEntity",
    );
    // The raw response is a 403 Sender error in the IAM namespace.
    let r = s
        .raw(RawRequest::iam(
            &alice,
            "CreateUser",
            &[("UserName", "bob")],
        ))
        .await;
    r.assert_error("AccessDenied");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("<Type>Sender</Type>"), "{}", r.body);
}

#[tokio::test]
async fn a_granted_action_is_allowed_and_nothing_else() {
    let s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let alice = user_with_key(&root, "alice").await;
    assert!(
        grant(&root, "alice", &["iam:ListUsers"]).await,
        "granting a policy failed"
    );
    let a = s.iam_client(&alice);
    let out = a.list_users().send().await.unwrap();
    assert_eq!(out.users().len(), 1);
    expect_code(
        a.create_user().user_name("bob").send().await,
        "AccessDenied",
    );
}

#[tokio::test]
async fn unsigned_request_is_missing_authentication_token() {
    let s = Server::start(Opts::default());
    for req in [
        RawRequest::iam(&Creds::root(), "ListUsers", &[]).sig(Sig::None),
        RawRequest::iam(&Creds::root(), "ListUsers", &[])
            .sig(Sig::None)
            .into_get(),
        RawRequest::sts(&Creds::root(), "GetCallerIdentity", &[]).sig(Sig::None),
    ] {
        let r = s.raw(req).await;
        r.assert_error("MissingAuthenticationToken");
        assert_eq!(r.status, 403);
        assert_eq!(r.message(), Some("Request is missing Authentication Token"));
    }
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let s = Server::start(Opts::default());
    let bad = Creds::new(common::ROOT_KEY_ID, "x".repeat(40));
    let msg = expect_code(
        s.iam_client(&bad).list_users().send().await,
        "SignatureDoesNotMatch",
    );
    assert!(
        msg.starts_with("The request signature we calculated does not match"),
        "{msg}"
    );
    expect_code(
        s.sts_client(&bad).get_caller_identity().send().await,
        "SignatureDoesNotMatch",
    );
    // A body changed after signing.
    let req = RawRequest::iam(&Creds::root(), "CreateUser", &[("UserName", "mallory")]);
    let (path, headers) = req.signed_parts(&s.url());
    let tampered = common::form(&[
        ("Action", "CreateUser"),
        ("Version", "2010-05-08"),
        ("UserName", "mallorz"),
    ]);
    let r = common::send_raw(&s.url(), "POST", &path, &headers, tampered.into_bytes()).await;
    r.assert_error("SignatureDoesNotMatch");
    expect_code(
        s.iam_client(&Creds::root())
            .get_user()
            .user_name("mallorz")
            .send()
            .await,
        "NoSuchEntity",
    );
}

#[tokio::test]
async fn unknown_and_inactive_keys_are_invalid_client_token_id() {
    let s = Server::start(Opts::default());
    let unknown = Creds::new("AKIAUNKNOWNUNKNOWN00", "y".repeat(40));
    let msg = expect_code(
        s.iam_client(&unknown).list_users().send().await,
        "InvalidClientTokenId",
    );
    assert_eq!(
        msg,
        "The security token included in the request is invalid."
    );
    expect_code(
        s.sts_client(&unknown).get_caller_identity().send().await,
        "InvalidClientTokenId",
    );

    let root = s.iam_client(&Creds::root());
    let carol = user_with_key(&root, "carol").await;
    root.update_access_key()
        .user_name("carol")
        .access_key_id(&carol.id)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    expect_code(
        s.sts_client(&carol).get_caller_identity().send().await,
        "InvalidClientTokenId",
    );
    expect_code(
        s.iam_client(&carol).list_users().send().await,
        "InvalidClientTokenId",
    );
}

#[tokio::test]
async fn stale_and_future_signatures_are_rejected() {
    let s = Server::start(Opts::default());
    let past = SystemTime::now() - Duration::from_secs(600);
    let r = s
        .raw(RawRequest::sts(&Creds::root(), "GetCallerIdentity", &[]).at(past))
        .await;
    r.assert_error("SignatureDoesNotMatch");
    assert_eq!(r.status, 403);
    let msg = r.message().unwrap();
    assert!(msg.starts_with("Signature expired: "), "{msg}");
    assert!(msg.contains("is now earlier than"), "{msg}");

    let future = SystemTime::now() + Duration::from_secs(600);
    let r = s
        .raw(RawRequest::iam(&Creds::root(), "ListUsers", &[]).at(future))
        .await;
    r.assert_error("SignatureDoesNotMatch");
    assert!(
        r.message()
            .unwrap()
            .starts_with("Signature not yet current: "),
        "{}",
        r.body
    );

    // Inside the window (4 minutes) is fine.
    let recent = SystemTime::now() - Duration::from_secs(240);
    s.raw(RawRequest::iam(&Creds::root(), "ListUsers", &[]).at(recent))
        .await
        .assert_ok();
}

#[tokio::test]
async fn scope_for_the_wrong_service_is_rejected() {
    let s = Server::start(Opts::default());
    // An IAM request signed for STS.
    let mut req = RawRequest::iam(&Creds::root(), "ListUsers", &[]);
    req.service = "sts";
    let r = s.raw(req).await;
    assert!(r.status == 400 || r.status == 403, "{}", r.body);
    assert!(
        matches!(
            r.code(),
            Some("SignatureDoesNotMatch" | "IncompleteSignature")
        ),
        "{}",
        r.body
    );
}

/// The parameters every operation in the matrix receives: enough that, if it ran as root,
/// it would change something we can observe.
fn matrix_params(victim_key: &str) -> Vec<(&'static str, String)> {
    let doc =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    vec![
        ("UserName", "victim".into()),
        ("NewUserName", "renamed".into()),
        ("AccessKeyId", victim_key.into()),
        ("Status", "Inactive".into()),
        ("GroupName", "matrix-group".into()),
        ("PolicyName", "matrix-policy".into()),
        ("PolicyDocument", doc.into()),
        (
            "PolicyArn",
            format!("arn:aws:iam::{ACCOUNT}:policy/matrix-policy"),
        ),
        (
            "PolicySourceArn",
            format!("arn:aws:iam::{ACCOUNT}:user/victim"),
        ),
        ("ActionNames.member.1", "iam:CreateUser".into()),
        ("PolicyInputList.member.1", doc.into()),
        ("Tags.member.1.Key", "k".into()),
        ("Tags.member.1.Value", "v".into()),
        ("TagKeys.member.1", "k".into()),
        ("AccountAlias", "matrix-alias".into()),
        ("VersionId", "v1".into()),
    ]
}

/// Operations AWS answers without a SigV4 signature (the token in the request is the
/// credential). For them the unsigned cases only need a 4xx (with the matrix's junk
/// parameters, never success); every other case is checked as for any operation.
const UNSIGNED_ALLOWED: &[&str] = &["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"];

/// SECURITY-BAR row 3 (AUTH-MATRIX): for every IAM and STS operation, each way of arriving
/// without a valid signature is refused by the authentication chokepoint — the error is an
/// authentication error (never the operation's own validation or authorization error, never
/// success, never 5xx), and the state is untouched afterwards.
#[tokio::test]
async fn auth_matrix_every_operation_rejects_unauthenticated_requests() {
    let s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let victim = user_with_key(&root, "victim").await;
    let params = matrix_params(&victim.id);
    let bad_secret = Creds::new(common::ROOT_KEY_ID, "z".repeat(40));
    let unknown = Creds::new("AKIAUNKNOWNUNKNOWN00", "z".repeat(40));

    let mut ops: Vec<(&str, &'static str, &'static str)> = portcullis_iam::operations()
        .into_iter()
        .map(|op| (op, "iam", "2010-05-08"))
        .collect();
    assert!(ops.len() >= 10, "operations() lists {ops:?}");
    ops.extend(
        portcullis_sts::OPERATIONS
            .iter()
            .map(|op| (*op, "sts", "2011-06-15")),
    );

    let client = common::http_client();
    let mut checked = 0;
    for (op, service, version) in &ops {
        let mut all: Vec<(&str, &str)> = vec![("Action", op), ("Version", version)];
        all.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
        let body = common::form(&all);
        let base = RawRequest::post_form(service, &Creds::root(), &body);
        // (request, expected codes)
        let cases: Vec<(&str, RawRequest, &[&str])> = vec![
            (
                "unsigned POST",
                base.clone().sig(Sig::None),
                &["MissingAuthenticationToken"],
            ),
            (
                "unsigned GET",
                base.clone().sig(Sig::None).into_get(),
                &["MissingAuthenticationToken"],
            ),
            (
                "unsigned POST, other path",
                {
                    let mut r = base.clone().sig(Sig::None);
                    r.path_and_query = "/some/path".into();
                    r
                },
                &["MissingAuthenticationToken"],
            ),
            (
                "header, wrong secret",
                base.clone().creds(&bad_secret),
                &["SignatureDoesNotMatch"],
            ),
            (
                "header, wrong secret, GET",
                base.clone().creds(&bad_secret).into_get(),
                &["SignatureDoesNotMatch"],
            ),
            (
                "presigned query, wrong secret",
                base.clone().creds(&bad_secret).into_get().sig(Sig::Query),
                &["SignatureDoesNotMatch"],
            ),
            (
                "header, unknown key",
                base.clone().creds(&unknown),
                &["InvalidClientTokenId"],
            ),
            (
                "unsigned payload with a body",
                base.clone().sig(Sig::UnsignedPayload),
                &["IncompleteSignature"],
            ),
            (
                "header signed 10 minutes ago",
                base.clone()
                    .at(SystemTime::now() - Duration::from_secs(600)),
                &["SignatureDoesNotMatch"],
            ),
        ];
        for (mode, req, codes) in cases {
            let r = req.send_with(&client, &s.url()).await;
            assert!(
                r.status >= 400 && r.status < 500,
                "{service}:{op} via {mode}: HTTP {} {}",
                r.status,
                r.body
            );
            let code = r.code().unwrap_or("<none>");
            if UNSIGNED_ALLOWED.contains(op) && mode.starts_with("unsigned") {
                continue;
            }
            assert!(
                codes.contains(&code),
                "{service}:{op} via {mode}: expected one of {codes:?}, got {code}: {}",
                r.body
            );
            checked += 1;
        }
    }
    eprintln!("auth matrix: {} operations, {checked} requests", ops.len());

    // Nothing ran: victim is intact, its key active, no rename, root still works.
    let u = root.get_user().user_name("victim").send().await.unwrap();
    assert_eq!(u.user().unwrap().user_name(), "victim");
    expect_code(
        root.get_user().user_name("renamed").send().await,
        "NoSuchEntity",
    );
    let keys = root
        .list_access_keys()
        .user_name("victim")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata().len(), 1);
    assert_eq!(
        keys.access_key_metadata()[0].status(),
        Some(&aws_sdk_iam::types::StatusType::Active)
    );
    let users = root.list_users().send().await.unwrap();
    assert_eq!(users.users().len(), 1, "{:?}", users.users());
    assert_eq!(
        common::sts_identity(&s, &victim).await,
        format!("arn:aws:iam::{ACCOUNT}:user/victim")
    );

    // Control: the same requests, correctly signed, reach the operations (read-only ones
    // only, so the state stays as checked above).
    for (op, service, version) in &ops {
        if !(op.starts_with("List") || op.starts_with("Get")) {
            continue;
        }
        let all: Vec<(&str, &str)> = vec![("Action", op), ("Version", version)];
        let r = RawRequest::post_form(service, &Creds::root(), &common::form(&all))
            .send_with(&client, &s.url())
            .await;
        let code = r.code().unwrap_or("");
        assert!(
            ![
                "MissingAuthenticationToken",
                "SignatureDoesNotMatch",
                "InvalidClientTokenId",
                "IncompleteSignature",
                "AccessDenied",
            ]
            .contains(&code),
            "{service}:{op} correctly signed by root: {}",
            r.body
        );
        assert!(r.status < 500, "{service}:{op}: {}", r.body);
    }
}
