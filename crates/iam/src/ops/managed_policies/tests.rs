use std::sync::Arc;

use portcullis_service::entity::{Account, Group, Role, User};
use portcullis_service::state::AccountState;
use time::OffsetDateTime;

use super::listing::is_used;
use super::*;

const ACCOUNT: &str = "123456789012";
const P: &str = "arn:aws:iam::123456789012:policy/team/Readers";
const AWS: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn user(name: &str, attached: &[&str], boundary: Option<&str>) -> Arc<User> {
    Arc::new(User {
        name: name.into(),
        path: "/".into(),
        id: format!("AIDA{name}"),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        create_date: OffsetDateTime::UNIX_EPOCH,
        tags: Vec::new(),
        permissions_boundary: boundary.map(str::to_string),
        inline_policies: Default::default(),
        attached_policies: attached.iter().map(|s| s.to_string()).collect(),
        groups: Vec::new(),
    })
}

fn group(name: &str, attached: &[&str]) -> Arc<Group> {
    Arc::new(Group {
        name: name.into(),
        path: "/".into(),
        id: format!("AGPA{name}"),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
        create_date: OffsetDateTime::UNIX_EPOCH,
        inline_policies: Default::default(),
        attached_policies: attached.iter().map(|s| s.to_string()).collect(),
    })
}

fn role(name: &str, attached: &[&str]) -> Arc<Role> {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    Arc::new(Role {
        name: name.into(),
        path: "/".into(),
        id: format!("AROA{name}"),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        create_date: OffsetDateTime::UNIX_EPOCH,
        assume_role_policy: PolicyDoc::new(
            trust,
            PolicyKind::RoleTrust,
            "trust",
            PolicyType::ResourceBased,
        )
        .unwrap(),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Vec::new(),
        inline_policies: Default::default(),
        attached_policies: attached.iter().map(|s| s.to_string()).collect(),
        last_used: None,
    })
}

pub(crate) fn account() -> AccountState {
    let mut acct = AccountState::new(Account {
        id: ACCOUNT.into(),
        aliases: Vec::new(),
        create_date: OffsetDateTime::UNIX_EPOCH,
    });
    for u in [
        user("alice", &[P, AWS], None),
        user("bob", &[], Some(P)),
        user("carol", &[AWS], Some(P)),
    ] {
        acct.users.insert(u.name.to_lowercase(), u);
    }
    for g in [group("devs", &[P]), group("ops", &[])] {
        acct.groups.insert(g.name.to_lowercase(), g);
    }
    let r = role("svc", &[P]);
    acct.roles.insert(r.name.to_lowercase(), r);
    acct
}

#[test]
fn policy_arns_are_recognised_as_iam_validates_them() {
    for ok in [
        P,
        AWS,
        "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
        "arn:aws:iam::123456789012:policy/a+b=c,d.e@f_g-h",
    ] {
        assert!(is_policy_arn(ok), "{ok}");
    }
    for bad in [
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:s3:::bucket/policy/x",
        "arn:aws:iam:us-east-1:123456789012:policy/x",
        "arn:aws-cn:iam::123456789012:policy/x",
        "arn:aws:iam::12345:policy/x",
        "arn:aws:iam::123456789012:policy/",
        "arn:aws:iam::123456789012:policy/a//b",
        "arn:aws:iam::123456789012:policy/x y",
        "not an arn at all, really",
    ] {
        assert!(!is_policy_arn(bad), "{bad}");
    }
    let e = invalid_arn("arn:aws:iam::123456789012:user/alice");
    assert_eq!(e.code, "InvalidInput");
    assert_eq!(
        e.message,
        "ARN arn:aws:iam::123456789012:user/alice is not valid."
    );
}

#[test]
fn usage_is_derived_from_users_and_groups() {
    let acct = account();
    assert_eq!(
        usage_of(&acct, P),
        Usage {
            attachments: 3,
            boundaries: 2
        }
    );
    assert_eq!(
        usage_of(&acct, AWS),
        Usage {
            attachments: 2,
            boundaries: 0
        }
    );
    assert_eq!(
        usage_of(&acct, "arn:aws:iam::aws:policy/Other"),
        Usage::default()
    );
    let map = usage_by_arn(&acct);
    assert_eq!(map.get(P).copied(), Some(usage_of(&acct, P)));
    assert_eq!(map.get(AWS).copied(), Some(usage_of(&acct, AWS)));
    assert_eq!(map.len(), 2);
}

#[test]
fn only_attached_honours_the_usage_filter() {
    let boundary_only = Usage {
        attachments: 0,
        boundaries: 1,
    };
    let attached_only = Usage {
        attachments: 3,
        boundaries: 0,
    };
    assert!(is_used(boundary_only, None));
    assert!(is_used(attached_only, None));
    assert!(!is_used(Usage::default(), None));
    assert!(!is_used(
        boundary_only,
        Some(UsageFilter::PermissionsPolicy)
    ));
    assert!(is_used(
        boundary_only,
        Some(UsageFilter::PermissionsBoundary)
    ));
    assert!(is_used(attached_only, Some(UsageFilter::PermissionsPolicy)));
    assert!(!is_used(
        attached_only,
        Some(UsageFilter::PermissionsBoundary)
    ));
}

#[test]
fn documents_are_url_encoded_as_iam_returns_them() {
    assert_eq!(
        url_encode_document("{\"a b\": \"c+d/e~f_g.h-i\"}\n"),
        "%7B%22a%20b%22%3A%20%22c%2Bd%2Fe~f_g.h-i%22%7D%0A"
    );
}

#[test]
fn managed_documents_are_limited_to_6144_non_whitespace_characters() {
    let stmt = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::RES"}"#;
    let build = |res_len: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            stmt.replace("RES", &"a".repeat(res_len))
        )
    };
    let base = build(0).len();
    let exact = build(6144 - base);
    assert_eq!(exact.len(), 6144);
    // Whitespace does not count.
    let spaced = exact.replace(",", ",   \n  ");
    assert!(managed_document(&spaced, P).is_ok());
    let e = managed_document(&build(6145 - base), P).unwrap_err();
    assert_eq!(e.code, "LimitExceeded");
    assert_eq!(e.message, "Cannot exceed quota for PolicySize: 6144");

    let e = managed_document(r#"{"Version":"2012-10-17","Statement":[]}"#, P).unwrap_err();
    assert_eq!(e.code, "MalformedPolicyDocument");
    let e = managed_document(
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        P,
    )
    .unwrap_err();
    assert_eq!(e.code, "MalformedPolicyDocument");
    assert_eq!(
        e.message,
        "Policy document must be version 2012-10-17 or greater."
    );
}

#[test]
fn request_tags_become_condition_keys() {
    assert!(request_tag_context(&[]).is_empty());
    let ctx = request_tag_context(&[
        Tag {
            key: "team".into(),
            value: "red".into(),
        },
        Tag {
            key: "env".into(),
            value: "prod".into(),
        },
    ]);
    let keys: Vec<&str> = ctx.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["aws:RequestTag/team", "aws:RequestTag/env", "aws:TagKeys"]
    );
}
