//! Resource-based policies and principals: the POLICY-SPEC A7 table
//! (UG:reference_policies_evaluation-logic, UG:access_policies "Session policies",
//! UG:access_policies_boundaries), NotPrincipal, root, services, anonymous callers, trust policies.

use super::{compiled, decide, req, ALLOW_ALL};
use crate::*;

const A: &str = "111122223333";
const USER: &str = "arn:aws:iam::111122223333:user/u";
const ROLE: &str = "arn:aws:iam::111122223333:role/team/R";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/R/s";
const FED: &str = "arn:aws:sts::111122223333:federated-user/f";
const RES: &str = "arn:aws:sqs:us-east-1:111122223333:q";

fn rbp(principal: &str) -> CompiledPolicy {
    compiled(
        "rbp",
        PolicyType::ResourceBased,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{principal},"Action":"sqs:SendMessage","Resource":"*"}}}}"#
        ),
    )
}

fn nothing() -> CompiledPolicy {
    compiled(
        "nothing",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"none:None","Resource":"*"}}"#,
    )
}

struct Case<'a> {
    principal: Principal<'a>,
    rbp: &'a str,
    identity_allows: bool,
    boundary: Option<bool>,
    session: Option<bool>,
    want: Decision,
    row: &'a str,
}

#[test]
fn resource_policy_table_policy_spec_a7() {
    let allow = compiled("allow", PolicyType::Identity, ALLOW_ALL);
    let none = nothing();
    let user = Principal::user(USER, A);
    let role_session = Principal::assumed_role(SESSION, ROLE, A);
    let fed_session = Principal::federated_user(FED, USER, A);
    let j = |s: &str| format!(r#"{{"AWS":"{s}"}}"#);
    let (user_p, role_p, session_p, fed_p, acct_p) = (j(USER), j(ROLE), j(SESSION), j(FED), j(A));
    use Decision::{Allow, ImplicitDeny as Deny};
    let cases = [
        Case {
            principal: user,
            rbp: &user_p,
            identity_allows: false,
            boundary: Some(false),
            session: None,
            want: Allow,
            row: "user ARN: not limited by identity or boundary",
        },
        Case {
            principal: fed_session,
            rbp: &user_p,
            identity_allows: false,
            boundary: None,
            session: Some(true),
            want: Allow,
            row: "user ARN via federated session: session allows",
        },
        Case {
            principal: fed_session,
            rbp: &user_p,
            identity_allows: true,
            boundary: None,
            session: Some(false),
            want: Deny,
            row: "user ARN via federated session: limited by session",
        },
        Case {
            principal: fed_session,
            rbp: &user_p,
            identity_allows: true,
            boundary: Some(false),
            session: Some(true),
            want: Deny,
            row: "user ARN via federated session: limited by boundary",
        },
        Case {
            principal: fed_session,
            rbp: &user_p,
            identity_allows: true,
            boundary: None,
            session: None,
            want: Deny,
            row: "federated session without session policy has no permissions",
        },
        Case {
            principal: role_session,
            rbp: &role_p,
            identity_allows: false,
            boundary: None,
            session: None,
            want: Allow,
            row: "role ARN: not limited by identity",
        },
        Case {
            principal: role_session,
            rbp: &role_p,
            identity_allows: false,
            boundary: Some(false),
            session: None,
            want: Deny,
            row: "role ARN: limited by boundary",
        },
        Case {
            principal: role_session,
            rbp: &role_p,
            identity_allows: false,
            boundary: None,
            session: Some(false),
            want: Deny,
            row: "role ARN: limited by session policy",
        },
        Case {
            principal: role_session,
            rbp: &session_p,
            identity_allows: false,
            boundary: Some(false),
            session: Some(false),
            want: Allow,
            row: "session ARN: not limited",
        },
        Case {
            principal: fed_session,
            rbp: &fed_p,
            identity_allows: false,
            boundary: None,
            session: None,
            want: Allow,
            row: "federated-user ARN: not limited",
        },
        Case {
            principal: user,
            rbp: &acct_p,
            identity_allows: false,
            boundary: None,
            session: None,
            want: Deny,
            row: "account: delegation only",
        },
        Case {
            principal: user,
            rbp: &acct_p,
            identity_allows: true,
            boundary: None,
            session: None,
            want: Allow,
            row: "account + identity allow",
        },
        Case {
            principal: user,
            rbp: &acct_p,
            identity_allows: true,
            boundary: Some(false),
            session: None,
            want: Deny,
            row: "account: limited by boundary",
        },
        Case {
            principal: role_session,
            rbp: "\"*\"",
            identity_allows: false,
            boundary: Some(false),
            session: Some(false),
            want: Allow,
            row: "\"*\": not limited in the same account",
        },
        Case {
            principal: role_session,
            rbp: &j("arn:aws:iam::111122223333:user/other"),
            identity_allows: true,
            boundary: None,
            session: None,
            want: Allow,
            row: "unrelated RBP: identity decides",
        },
    ];
    let ctx = Context::new();
    for c in cases {
        let r = rbp(c.rbp);
        let ids = [if c.identity_allows { &allow } else { &none }];
        let b = c.boundary.map(|a| if a { &allow } else { &none });
        let s_allow = [&allow];
        let s_none = [&none];
        let s = c
            .session
            .map(|a| if a { &s_allow[..] } else { &s_none[..] });
        let set = PolicySet {
            identity_policies: &ids,
            resource_policy: Some(&r),
            permissions_boundary: b,
            session_policies: s,
            ..Default::default()
        };
        assert_eq!(
            decide(&set, &req(c.principal, "sqs:SendMessage", RES, &ctx)),
            c.want,
            "{}",
            c.row
        );
    }
}

#[test]
fn principal_arn_condition_with_star_matches_role_arn_reference_policies_elements_principal() {
    // "Principal":"*" + ArnLike aws:PrincipalArn <role ARN>: matched against the role ARN.
    let r = compiled(
        "rbp",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/team/*"}}}}"#,
    );
    let none = nothing();
    let ids = [&none];
    let set = PolicySet {
        identity_policies: &ids,
        resource_policy: Some(&r),
        permissions_boundary: Some(&none),
        ..Default::default()
    };
    let ctx = Context::new().with("aws:PrincipalArn", ROLE);
    assert_eq!(
        decide(
            &set,
            &req(
                Principal::assumed_role(SESSION, ROLE, A),
                "sqs:SendMessage",
                RES,
                &ctx
            )
        ),
        Decision::Allow
    );
    let other = Context::new().with("aws:PrincipalArn", "arn:aws:iam::111122223333:role/R2");
    assert_eq!(
        decide(
            &set,
            &req(
                Principal::assumed_role(SESSION, ROLE, A),
                "sqs:SendMessage",
                RES,
                &other
            )
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn notprincipal_deny_reference_policies_elements_notprincipal() {
    let deny = |listed: &str| {
        compiled(
            "rbp",
            PolicyType::ResourceBased,
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}},
                {{"Effect":"Deny","NotPrincipal":{{"AWS":[{listed}]}},"Action":"sqs:*","Resource":"*"}}]}}"#
            ),
        )
    };
    let allow = compiled("allow", PolicyType::Identity, ALLOW_ALL);
    let ids = [&allow];
    let ctx = Context::new();
    let session = Principal::assumed_role(SESSION, ROLE, A);
    let all_levels = deny(&format!(r#""{SESSION}","{ROLE}","arn:aws:iam::{A}:root""#));
    let session_only = deny(&format!(r#""{SESSION}""#));
    let set = |r| PolicySet {
        identity_policies: &ids,
        resource_policy: Some(r),
        ..Default::default()
    };
    assert_eq!(
        decide(
            &set(&all_levels),
            &req(session, "sqs:SendMessage", RES, &ctx)
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &set(&session_only),
            &req(session, "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(
            &set(&all_levels),
            &req(Principal::user(USER, A), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ExplicitDeny
    );
    // Deny + NotPrincipal always denies a principal with a permissions boundary.
    let bounded = PolicySet {
        identity_policies: &ids,
        resource_policy: Some(&all_levels),
        permissions_boundary: Some(&allow),
        ..Default::default()
    };
    assert_eq!(
        decide(&bounded, &req(session, "sqs:SendMessage", RES, &ctx)),
        Decision::ExplicitDeny
    );
}

#[test]
fn root_user_implicit_allow_own_account_policy_spec_a7() {
    let ctx = Context::new();
    let root = Principal::root("arn:aws:iam::111122223333:root", A);
    let empty = PolicySet::default();
    assert_eq!(
        decide(&empty, &req(root, "iam:CreateUser", "*", &ctx)),
        Decision::Allow
    );
    assert_eq!(
        explain(&empty, &req(root, "iam:CreateUser", "*", &ctx)).decisive,
        None
    );
    // Explicit deny in a resource policy still applies.
    let r = compiled(
        "rbp",
        PolicyType::ResourceBased,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}}"#,
    );
    let set = PolicySet {
        resource_policy: Some(&r),
        ..Default::default()
    };
    assert_eq!(
        decide(&set, &req(root, "sqs:SendMessage", RES, &ctx)),
        Decision::ExplicitDeny
    );
    // Cross-account: the other account's resource policy must allow.
    let cross = Request {
        resource_account: Some("444455556666"),
        ..req(
            root,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:444455556666:q",
            &ctx,
        )
    };
    assert_eq!(decide(&empty, &cross), Decision::ImplicitDeny);
    let grant = rbp(&format!(r#"{{"AWS":"{A}"}}"#));
    assert_eq!(
        decide(
            &PolicySet {
                resource_policy: Some(&grant),
                ..Default::default()
            },
            &cross
        ),
        Decision::Allow
    );
    // POLICY-SPEC A10.6: a resource policy naming the account, same account, no identity policy, non-root ⇒ implicit deny.
    let none: [&CompiledPolicy; 0] = [];
    let user_set = PolicySet {
        resource_policy: Some(&grant),
        identity_policies: &none,
        ..Default::default()
    };
    assert_eq!(
        decide(
            &user_set,
            &req(Principal::user(USER, A), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn services_and_anonymous_callers_reference_policies_elements_principal() {
    let ctx = Context::new();
    let svc = rbp(r#"{"Service":"sns.amazonaws.com"}"#);
    let set = PolicySet {
        resource_policy: Some(&svc),
        ..Default::default()
    };
    assert_eq!(
        decide(
            &set,
            &req(
                Principal::service("sns.amazonaws.com"),
                "sqs:SendMessage",
                RES,
                &ctx
            )
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &set,
            &req(
                Principal::service("s3.amazonaws.com"),
                "sqs:SendMessage",
                RES,
                &ctx
            )
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &set,
            &req(Principal::anonymous(), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ImplicitDeny
    );
    let public = rbp("\"*\"");
    let set = PolicySet {
        resource_policy: Some(&public),
        ..Default::default()
    };
    assert_eq!(
        decide(
            &set,
            &req(Principal::anonymous(), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::Allow
    );
    let acct = rbp(&format!(r#"{{"AWS":"{A}"}}"#));
    let set = PolicySet {
        resource_policy: Some(&acct),
        ..Default::default()
    };
    assert_eq!(
        decide(
            &set,
            &req(Principal::anonymous(), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &PolicySet::default(),
            &req(Principal::anonymous(), "sqs:SendMessage", RES, &ctx)
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn role_trust_policy_must_allow_reference_policies_evaluation_logic_cross_account() {
    let trust = |p: &str| {
        parse(&format!(r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{p},"Action":"sts:AssumeRole"}}}}"#), PolicyKind::RoleTrust)
            .unwrap()
            .compile(PolicySource::new("arn:aws:iam::111122223333:role/Target", PolicyType::ResourceBased))
    };
    let allow = compiled("allow", PolicyType::Identity, ALLOW_ALL);
    let none = nothing();
    let ctx = Context::new();
    let target = "arn:aws:iam::111122223333:role/Target";
    let user = Principal::user(USER, A);
    let run = |t: &CompiledPolicy,
               id: &CompiledPolicy,
               b: Option<&CompiledPolicy>,
               p: Principal<'_>,
               acct: Option<&str>| {
        let ids = [id];
        let set = PolicySet {
            identity_policies: &ids,
            resource_policy: Some(t),
            resource_policy_must_allow: true,
            permissions_boundary: b,
            ..Default::default()
        };
        decide(
            &set,
            &Request {
                resource_account: acct,
                ..req(p, "sts:AssumeRole", target, &ctx)
            },
        )
    };
    let names_user = trust(&format!(r#"{{"AWS":"{USER}"}}"#));
    let names_account = trust(&format!(r#"{{"AWS":"{A}"}}"#));
    let names_other = trust(r#"{"AWS":"arn:aws:iam::111122223333:user/other"}"#);
    assert_eq!(run(&names_user, &none, None, user, None), Decision::Allow);
    // A user named in a trust policy still needs its boundary to allow sts:AssumeRole.
    assert_eq!(
        run(&names_user, &none, Some(&none), user, None),
        Decision::ImplicitDeny
    );
    assert_eq!(
        run(&names_account, &none, None, user, None),
        Decision::ImplicitDeny
    );
    assert_eq!(
        run(&names_account, &allow, None, user, None),
        Decision::Allow
    );
    // Identity allow alone is never enough for a trust policy.
    assert_eq!(
        run(&names_other, &allow, None, user, None),
        Decision::ImplicitDeny
    );
    // Cross-account assumption: both sides.
    let ext_user = Principal::user("arn:aws:iam::444455556666:user/x", "444455556666");
    let names_ext = trust(r#"{"AWS":"444455556666"}"#);
    assert_eq!(
        run(&names_ext, &allow, None, ext_user, Some(A)),
        Decision::Allow
    );
    assert_eq!(
        run(&names_ext, &none, None, ext_user, Some(A)),
        Decision::ImplicitDeny
    );
    // Web identity: the Federated provider.
    let web = trust(r#"{"Federated":"accounts.google.com"}"#);
    let caller = Principal {
        federated: Some("accounts.google.com"),
        ..Principal::anonymous()
    };
    let set = PolicySet {
        resource_policy: Some(&web),
        resource_policy_must_allow: true,
        ..Default::default()
    };
    assert_eq!(
        decide(
            &set,
            &req(caller, "sts:AssumeRoleWithWebIdentity", target, &ctx)
        ),
        Decision::ImplicitDeny,
        "action not in the trust policy"
    );
    assert_eq!(
        decide(
            &set,
            &req(
                Principal {
                    federated: Some("accounts.google.com"),
                    ..Principal::anonymous()
                },
                "sts:AssumeRole",
                target,
                &ctx
            )
        ),
        Decision::Allow
    );
}
