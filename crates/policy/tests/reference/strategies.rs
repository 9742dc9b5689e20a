//! proptest generators for policies, policy sets and requests over a small, collision-rich
//! vocabulary (few services, actions, ARNs and keys) so that matches are frequent.

use super::model::*;
use proptest::prelude::*;

pub const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "iam:CreateUser",
];
pub const RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/alice/a.txt",
    "arn:aws:s3:::bucket/bob/b.txt",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:iam::111122223333:user/bob",
];

fn action_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just("s3:*".to_string()),
        Just("s3:Get*".to_string()),
        Just("S3:getobject".to_string()),
        Just("s3:?utObject".to_string()),
        Just("ec2:*Instances".to_string()),
        Just("iam:CreateUser".to_string()),
        prop::sample::select(ACTIONS).prop_map(str::to_string),
    ]
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just("arn:aws:s3:::bucket".to_string()),
        Just("arn:aws:s3:::bucket/*".to_string()),
        Just("arn:aws:s3:::bucket/${aws:username}/*".to_string()),
        Just("arn:aws:s3:::BUCKET/*".to_string()),
        Just("arn:aws:ec2:*:*:instance/*".to_string()),
        Just("arn:aws:ec2:eu-*:*:instance/*".to_string()),
        Just("arn:aws:iam::111122223333:user/*".to_string()),
        Just("arn:aws:ec2:*:111122223333:*".to_string()),
        prop::sample::select(RESOURCES).prop_map(str::to_string),
    ]
}

fn values(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(pool).prop_map(str::to_string), 1..3)
}

fn if_exists(op: &'static str) -> impl Strategy<Value = String> {
    any::<bool>().prop_map(move |e| {
        if e {
            format!("{op}IfExists")
        } else {
            op.to_string()
        }
    })
}

fn condition() -> impl Strategy<Value = Cond> {
    const REGIONS: &[&str] = &[
        "us-east-1",
        "eu-west-1",
        "us-*",
        "EU-WEST-1",
        "${aws:username}",
    ];
    const TAGS: &[&str] = &["a", "b", "c", "d*"];
    prop_oneof![
        (
            prop::sample::select(
                &[
                    "StringEquals",
                    "StringNotEquals",
                    "StringLike",
                    "StringNotLike",
                    "StringEqualsIgnoreCase",
                    "StringNotEqualsIgnoreCase"
                ][..]
            )
            .prop_flat_map(if_exists),
            values(REGIONS)
        )
            .prop_map(|(op, values)| Cond {
                op,
                key: "aws:RequestedRegion".into(),
                values
            }),
        (
            prop::sample::select(&["NumericLessThan", "NumericEquals", "NumericNotEquals"][..])
                .prop_flat_map(if_exists),
            values(&["5", "10", "20"])
        )
            .prop_map(|(op, values)| Cond {
                op,
                key: "s3:max-keys".into(),
                values
            }),
        (if_exists("Bool"), values(&["true", "false"])).prop_map(|(op, values)| Cond {
            op,
            key: "aws:SecureTransport".into(),
            values
        }),
        (
            prop::sample::select(&["IpAddress", "NotIpAddress"][..]).prop_flat_map(if_exists),
            values(&["10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0"])
        )
            .prop_map(|(op, values)| Cond {
                op,
                key: "aws:SourceIp".into(),
                values
            }),
        (
            prop::sample::select(
                &["aws:username", "aws:TagKeys", "aws:SourceIp", "s3:max-keys"][..]
            ),
            values(&["true", "false"])
        )
            .prop_map(|(key, values)| Cond {
                op: "Null".into(),
                key: key.into(),
                values
            }),
        (
            prop::sample::select(&["ForAllValues:", "ForAnyValue:", ""][..]),
            prop::sample::select(&["StringEquals", "StringNotEquals", "StringLike"][..])
                .prop_flat_map(if_exists),
            values(TAGS)
        )
            .prop_map(|(q, op, values)| Cond {
                op: format!("{q}{op}"),
                key: "aws:TagKeys".into(),
                values
            }),
        (
            prop::sample::select(&["StringEquals", "StringLike"][..]),
            values(&["alice", "ALICE", "a*"])
        )
            .prop_map(|(op, values)| Cond {
                op: op.into(),
                key: "aws:username".into(),
                values
            }),
    ]
}

fn principal_entry() -> impl Strategy<Value = Prin> {
    prop_oneof![
        1 => Just(Prin::Star),
        4 => prop::sample::select(&[ACCT, ROOT, USER, ROLE, SESSION, FED, "arn:aws:iam::111122223333:user/bob", OTHER][..]).prop_map(|s| Prin::Aws(s.into())),
    ]
}

/// A statement; `resource_policy` adds Principal/NotPrincipal.
pub fn statement(resource_policy: bool) -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.15),
        prop::collection::vec(action_pattern(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(resource_pattern(), 1..3),
        prop::collection::vec(condition(), 0..3).prop_map(|mut c| {
            c.truncate(if c.len() == 2 { 1 } else { c.len() });
            c
        }),
        prop::bool::weighted(if resource_policy { 0.2 } else { 0.0 }),
        prop::collection::vec(principal_entry(), 1..4),
    )
        .prop_map(
            move |(
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                mut conditions,
                not_principal,
                entries,
            )| {
                let mut seen = Vec::new();
                conditions.retain(|c| {
                    let k = (c.op.clone(), c.key.clone());
                    let fresh = !seen.contains(&k);
                    seen.push(k);
                    fresh
                });
                // NotPrincipal is Deny-only.
                let principal = resource_policy.then_some((not_principal && !allow, entries));
                Stmt {
                    allow,
                    principal,
                    not_action,
                    actions,
                    not_resource,
                    resources,
                    conditions,
                }
            },
        )
}

pub fn policy(resource_policy: bool) -> impl Strategy<Value = Pol> {
    prop::collection::vec(statement(resource_policy), 1..4).prop_map(|stmts| Pol { stmts })
}

/// An SCP: like an identity policy, usually with a broad allow so levels are not all-deny.
fn scp() -> impl Strategy<Value = Pol> {
    (policy(false), any::<bool>()).prop_map(|(mut p, full)| {
        if full {
            p.stmts.push(Stmt {
                allow: true,
                principal: None,
                not_action: false,
                actions: vec!["*".into()],
                not_resource: false,
                resources: vec!["*".into()],
                conditions: vec![],
            });
        }
        p
    })
}

pub fn policy_set() -> impl Strategy<Value = Set> {
    (
        prop::collection::vec(prop::collection::vec(scp(), 1..3), 0..3),
        prop::option::weighted(0.7, policy(true)),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.3, policy(false)),
        prop::option::weighted(0.3, prop::collection::vec(policy(false), 0..3)),
        prop::collection::vec(policy(false), 0..4),
    )
        .prop_map(
            |(scps, resource, must_allow, boundary, sessions, identity)| Set {
                scps,
                must_allow: must_allow && resource.is_some(),
                resource,
                boundary,
                sessions,
                identity,
            },
        )
}

pub fn context() -> impl Strategy<Value = Ctx> {
    (
        prop::option::of(
            prop::sample::select(&["alice", "bob", "ALICE"][..]).prop_map(str::to_string),
        ),
        prop::option::of(
            prop::sample::select(&["us-east-1", "eu-west-1", "alice"][..]).prop_map(str::to_string),
        ),
        prop::option::of(prop::sample::select(&[5i64, 10, 15, 20][..])),
        prop::option::of(any::<bool>()),
        prop::option::of(
            prop::sample::select(&["10.1.2.3", "203.0.113.9", "192.0.2.1"][..])
                .prop_map(str::to_string),
        ),
        prop::option::of(prop::collection::vec(
            prop::sample::select(&["a", "b", "c", "dx"][..]).prop_map(str::to_string),
            0..3,
        )),
    )
        .prop_map(|(username, region, max_keys, secure, ip, tags)| Ctx {
            username,
            region,
            max_keys,
            secure,
            ip,
            tags,
        })
}

pub fn request() -> impl Strategy<Value = Req> {
    (
        prop::sample::select(&[Who::User, Who::RoleSession, Who::FedUser, Who::Root][..]),
        prop::sample::select(ACTIONS),
        prop::sample::select(RESOURCES),
        prop::bool::weighted(0.2),
        context(),
    )
        .prop_map(|(who, action, resource, cross_account, ctx)| Req {
            who,
            action: action.into(),
            resource: resource.into(),
            cross_account,
            ctx,
        })
}
