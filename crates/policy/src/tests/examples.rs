//! AWS's worked examples (POLICY-SPEC B6), one test per example, named after its page.

use super::{compiled, decide, req, ALLOW_ALL};
use crate::*;

const A: &str = "111122223333";
const CARLOS: &str = "arn:aws:iam::111122223333:user/carlossalazar";

#[test]
fn allowgetlist_denyreports_reference_policies_evaluation_logic_explicit_vs_implicit() {
    let id = compiled(
        "p",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"AllowGetList","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},
            {"Sid":"DenyReports","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/reports/*"}]}"#,
    );
    let ids = [&id];
    let set = PolicySet {
        identity_policies: &ids,
        ..Default::default()
    };
    let ctx = Context::new();
    let user = Principal::user(CARLOS, A);
    let rows = [
        (
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/data/x",
            Decision::Allow,
        ),
        (
            "s3:ListBucket",
            "arn:aws:s3:::amzn-s3-demo-bucket",
            Decision::Allow,
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1",
            Decision::ExplicitDeny,
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/data/x",
            Decision::ImplicitDeny,
        ),
    ];
    for (action, resource, want) in rows {
        assert_eq!(
            decide(&set, &req(user, action, resource, &ctx)),
            want,
            "{action} {resource}"
        );
    }
    let why = explain(
        &set,
        &req(
            user,
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1",
            &ctx,
        ),
    );
    let sids: Vec<_> = why.matched.iter().map(|m| m.sid.as_deref()).collect();
    assert_eq!(sids, vec![Some("AllowGetList"), Some("DenyReports")]);
    assert_eq!(why.decisive, Some(PolicyType::Identity));
}

#[test]
fn carlos_same_account_reference_policies_evaluation_logic_policy_eval_basics() {
    // Identity policy and a bucket policy naming Carlos's user ARN: the union applies (same account).
    let id = compiled(
        "id",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket"}}"#,
    );
    let rbp = compiled(
        "bucket",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carlossalazar"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#,
    );
    let ids = [&id];
    let set = PolicySet {
        identity_policies: &ids,
        resource_policy: Some(&rbp),
        ..Default::default()
    };
    let ctx = Context::new();
    let carlos = Principal::user(CARLOS, A);
    assert_eq!(
        decide(
            &set,
            &req(
                carlos,
                "s3:ListBucket",
                "arn:aws:s3:::amzn-s3-demo-bucket",
                &ctx
            )
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &set,
            &req(
                carlos,
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &ctx
            )
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &set,
            &req(
                carlos,
                "s3:DeleteObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &ctx
            )
        ),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &req(
                carlos,
                "s3:PutObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &ctx
            )
        ),
        Decision::ImplicitDeny
    );
    let why = explain(
        &set,
        &req(
            carlos,
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/k",
            &ctx,
        ),
    );
    assert_eq!(why.decisive, Some(PolicyType::ResourceBased));
    assert_eq!(
        why.decision_for(PolicyType::Identity),
        Some(Decision::ImplicitDeny)
    );
    assert_eq!(
        why.decision_for(PolicyType::ResourceBased),
        Some(Decision::Allow)
    );
}

#[test]
fn carlos_cross_account_reference_policies_evaluation_logic_cross_account() {
    // Carlos (111122223333) reads bucket Production in 444455556666. Both sides must allow.
    let id = compiled(
        "id",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"AllowS3","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::Production/*"},
            {"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::Production/logs/*"}]}"#,
    );
    let rbp = compiled(
        "bucket",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carlossalazar"},"Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::Production/*"}}"#,
    );
    let ids = [&id];
    let with_rbp = PolicySet {
        identity_policies: &ids,
        resource_policy: Some(&rbp),
        ..Default::default()
    };
    let without = PolicySet {
        identity_policies: &ids,
        ..Default::default()
    };
    let ctx = Context::new();
    let r = |action, resource| Request {
        resource_account: Some("444455556666"),
        ..req(Principal::user(CARLOS, A), action, resource, &ctx)
    };
    assert_eq!(
        decide(
            &with_rbp,
            &r("s3:GetObject", "arn:aws:s3:::Production/data")
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &with_rbp,
            &r("s3:GetObject", "arn:aws:s3:::Production/logs/x")
        ),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(
            &with_rbp,
            &r("s3:PutObject", "arn:aws:s3:::Production/data")
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&without, &r("s3:GetObject", "arn:aws:s3:::Production/data")),
        Decision::ImplicitDeny
    );
    // The trusting account's grant alone is not enough either.
    let none: [&CompiledPolicy; 0] = [];
    let rbp_only = PolicySet {
        identity_policies: &none,
        resource_policy: Some(&rbp),
        ..Default::default()
    };
    assert_eq!(
        decide(
            &rbp_only,
            &r("s3:GetObject", "arn:aws:s3:::Production/data")
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn zhang_boundary_limits_identity_access_policies_boundaries() {
    // Boundary allows s3, cloudwatch, ec2; identity allows only iam:CreateUser ⇒ nothing.
    let boundary = compiled(
        "b",
        PolicyType::PermissionsBoundary,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","cloudwatch:*","ec2:*"],"Resource":"*"}}"#,
    );
    let id = compiled(
        "id",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}}"#,
    );
    let ids = [&id];
    let set = PolicySet {
        identity_policies: &ids,
        permissions_boundary: Some(&boundary),
        ..Default::default()
    };
    let ctx = Context::new();
    let zhang = Principal::user("arn:aws:iam::111122223333:user/Zhang", A);
    assert_eq!(
        decide(
            &set,
            &req(
                zhang,
                "iam:CreateUser",
                "arn:aws:iam::111122223333:user/x",
                &ctx
            )
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&set, &req(zhang, "s3:GetObject", "arn:aws:s3:::b/k", &ctx)),
        Decision::ImplicitDeny
    );
    let why = explain(
        &set,
        &req(
            zhang,
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/x",
            &ctx,
        ),
    );
    assert_eq!(why.decisive, Some(PolicyType::PermissionsBoundary));
    assert_eq!(
        why.decision_for(PolicyType::PermissionsBoundary),
        Some(Decision::ImplicitDeny)
    );
}

#[test]
fn nikhil_boundary_and_resource_policies_access_policies_boundaries() {
    let nikhil = "arn:aws:iam::111122223333:user/Nikhil";
    let boundary = compiled(
        "b",
        PolicyType::PermissionsBoundary,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]}"#,
    );
    let bucket = compiled(
        "logs",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Nikhil"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}}"#,
    );
    let secret = compiled(
        "secret",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Nikhil"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}"#,
    );
    let none: [&CompiledPolicy; 0] = [];
    let ctx = Context::new();
    let p = Principal::user(nikhil, A);
    // Explicit deny in the boundary beats the bucket policy's allow.
    let s1 = PolicySet {
        identity_policies: &none,
        resource_policy: Some(&bucket),
        permissions_boundary: Some(&boundary),
        ..Default::default()
    };
    assert_eq!(
        decide(&s1, &req(p, "s3:GetObject", "arn:aws:s3:::logs/x", &ctx)),
        Decision::ExplicitDeny
    );
    // The boundary's implicit deny does not limit a resource policy that names the user.
    let s2 = PolicySet {
        identity_policies: &none,
        resource_policy: Some(&secret),
        permissions_boundary: Some(&boundary),
        ..Default::default()
    };
    let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:s";
    assert_eq!(
        decide(&s2, &req(p, "secretsmanager:GetSecretValue", arn, &ctx)),
        Decision::Allow
    );
}

#[test]
fn scp_hierarchy_figures_orgs_manage_policies_scps_evaluation() {
    let full = compiled("FullAWSAccess", PolicyType::ServiceControl, ALLOW_ALL);
    let s3_ec2 = compiled(
        "s3ec2",
        PolicyType::ServiceControl,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}}"#,
    );
    let ec2 = compiled(
        "ec2",
        PolicyType::ServiceControl,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#,
    );
    let deny_s3 = compiled(
        "denys3",
        PolicyType::ServiceControl,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#,
    );
    let admin = compiled("admin", PolicyType::Identity, ALLOW_ALL);
    let ids = [&admin];
    let ctx = Context::new();
    let user = Principal::user("arn:aws:iam::111122223333:user/u", A);
    let check = |levels: &[&[&CompiledPolicy]], action: &str| {
        decide(
            &PolicySet {
                scps: levels,
                identity_policies: &ids,
                ..Default::default()
            },
            &req(user, action, "*", &ctx),
        )
    };
    // Figure: root FullAWSAccess, OU {s3, ec2}, account {ec2} ⇒ only ec2.
    let levels: [&[&CompiledPolicy]; 3] = [&[&full], &[&s3_ec2], &[&ec2]];
    assert_eq!(check(&levels, "ec2:RunInstances"), Decision::Allow);
    assert_eq!(check(&levels, "s3:GetObject"), Decision::ImplicitDeny);
    assert_eq!(check(&levels, "iam:GetUser"), Decision::ImplicitDeny);
    // A level with no allowing SCP denies everything.
    let empty_level: [&[&CompiledPolicy]; 2] = [&[&full], &[]];
    assert_eq!(
        check(&empty_level, "ec2:RunInstances"),
        Decision::ImplicitDeny
    );
    // A Deny at any level wins.
    let deny_levels: [&[&CompiledPolicy]; 2] = [&[&full, &deny_s3], &[&full]];
    assert_eq!(check(&deny_levels, "s3:GetObject"), Decision::ExplicitDeny);
    assert_eq!(check(&deny_levels, "ec2:RunInstances"), Decision::Allow);
    // SCPs grant nothing by themselves.
    let none: [&CompiledPolicy; 0] = [];
    let only_scp = PolicySet {
        scps: &levels,
        identity_policies: &none,
        ..Default::default()
    };
    assert_eq!(
        decide(&only_scp, &req(user, "ec2:RunInstances", "*", &ctx)),
        Decision::ImplicitDeny
    );
    // They also bind the member account's root user.
    let root = Principal::root("arn:aws:iam::111122223333:root", A);
    assert_eq!(
        decide(&only_scp, &req(root, "ec2:RunInstances", "*", &ctx)),
        Decision::Allow
    );
    assert_eq!(
        decide(&only_scp, &req(root, "s3:GetObject", "*", &ctx)),
        Decision::ImplicitDeny
    );
}

#[test]
fn rcp_evaluation_orgs_manage_policies_rcps_evaluation() {
    let full = compiled(
        "RCPFullAWSAccess",
        PolicyType::ResourceControl,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#,
    );
    let tls = compiled(
        "tls",
        PolicyType::ResourceControl,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}}"#,
    );
    let admin = compiled("admin", PolicyType::Identity, ALLOW_ALL);
    let ids = [&admin];
    let levels: [&[&CompiledPolicy]; 2] = [&[&full], &[&full, &tls]];
    let set = PolicySet {
        rcps: &levels,
        identity_policies: &ids,
        ..Default::default()
    };
    let user = Principal::user("arn:aws:iam::111122223333:user/u", A);
    let plain = Context::new().with("aws:SecureTransport", false);
    let tls_ctx = Context::new().with("aws:SecureTransport", true);
    assert_eq!(
        decide(&set, &req(user, "s3:GetObject", "arn:aws:s3:::b/k", &plain)),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &req(user, "s3:GetObject", "arn:aws:s3:::b/k", &tls_ctx)
        ),
        Decision::Allow
    );
    // BoolIfExists on a missing key is true, so the Deny still applies (POLICY-SPEC A5 IfExists).
    assert_eq!(
        decide(
            &set,
            &req(user, "s3:GetObject", "arn:aws:s3:::b/k", &Context::new())
        ),
        Decision::ExplicitDeny
    );
    // RCPs grant nothing by themselves.
    let none: [&CompiledPolicy; 0] = [];
    let only = PolicySet {
        rcps: &levels,
        identity_policies: &none,
        ..Default::default()
    };
    assert_eq!(
        decide(
            &only,
            &req(user, "s3:GetObject", "arn:aws:s3:::b/k", &tls_ctx)
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn variables_default_and_no_value_reference_policies_variables() {
    let id = compiled(
        "id",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*"},
            {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}"#,
    );
    let ids = [&id];
    let set = PolicySet {
        identity_policies: &ids,
        ..Default::default()
    };
    let user = Principal::user("arn:aws:iam::111122223333:user/alice", A);
    let tagged = Context::new()
        .with("aws:PrincipalTag/team", "red")
        .with("aws:username", "alice");
    let untagged = Context::new();
    let get = |ctx, key: &str| {
        decide(
            &set,
            &req(
                user,
                "s3:GetObject",
                &format!("arn:aws:s3:::amzn-s3-demo-bucket/{key}"),
                ctx,
            ),
        )
    };
    assert_eq!(get(&tagged, "red/x"), Decision::Allow);
    assert_eq!(get(&tagged, "company-wide/x"), Decision::ImplicitDeny);
    assert_eq!(get(&untagged, "company-wide/x"), Decision::Allow);
    // No value (a role session has no aws:username): the Resource entry matches nothing.
    let put = |ctx| {
        decide(
            &set,
            &req(
                user,
                "s3:PutObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/home//x",
                ctx,
            ),
        )
    };
    assert_eq!(put(&untagged), Decision::ImplicitDeny);
    let put_alice = decide(
        &set,
        &req(
            user,
            "s3:PutObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/x",
            &tagged,
        ),
    );
    assert_eq!(put_alice, Decision::Allow);
    let why = explain(
        &set,
        &req(
            user,
            "s3:PutObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/x",
            &tagged,
        ),
    );
    assert_eq!(why.matched.len(), 1);
}

#[test]
fn version_2008_keeps_variables_literal_reference_policies_variables() {
    let rbp = compiled(
        "rbp",
        PolicyType::ResourceBased,
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
    );
    let set = PolicySet {
        resource_policy: Some(&rbp),
        ..Default::default()
    };
    let ctx = Context::new().with("aws:username", "alice");
    let user = Principal::user("arn:aws:iam::111122223333:user/alice", A);
    assert_eq!(
        decide(
            &set,
            &req(user, "s3:GetObject", "arn:aws:s3:::b/alice/x", &ctx)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &req(
                user,
                "s3:GetObject",
                "arn:aws:s3:::b/${aws:username}/x",
                &ctx
            )
        ),
        Decision::Allow
    );
}

#[test]
fn explain_reports_missing_context_keys_and_positions() {
    let id = compiled(
        "id",
        PolicyType::Identity,
        "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Sid\":\"Mfa\",\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"},\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}}]}",
    );
    let ids = [&id];
    let set = PolicySet {
        identity_policies: &ids,
        ..Default::default()
    };
    let ctx = Context::new();
    let why = explain(
        &set,
        &req(
            Principal::user("arn:aws:iam::111122223333:user/u", A),
            "ec2:RunInstances",
            "*",
            &ctx,
        ),
    );
    assert_eq!(why.decision, Decision::ImplicitDeny);
    assert_eq!(
        why.missing_context_keys,
        vec!["aws:MultiFactorAuthPresent", "aws:RequestedRegion"]
    );
    let ctx = Context::new()
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:RequestedRegion", "eu-west-1");
    let why = explain(
        &set,
        &req(
            Principal::user("arn:aws:iam::111122223333:user/u", A),
            "ec2:RunInstances",
            "*",
            &ctx,
        ),
    );
    assert_eq!(why.decision, Decision::Allow);
    assert!(why.missing_context_keys.is_empty());
    let m = &why.matched[0];
    assert_eq!(
        (
            m.policy_id.as_str(),
            m.sid.as_deref(),
            m.start.line,
            m.start.column
        ),
        ("id", Some("Mfa"), 2, 1)
    );
}
