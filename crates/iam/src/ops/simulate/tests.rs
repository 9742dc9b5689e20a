//! Table-driven tests of the simulator, run on a hand-built state snapshot.

use std::collections::BTreeMap;
use std::sync::Arc;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use portcullis_policy::{Decision, PolicyKind, PolicyType};
use portcullis_protocol::{QueryRequest, ResponseWriter, IAM_NAMESPACE};
use portcullis_service::entity::{Account, Group, ManagedPolicy, PolicyDoc, PolicyVersion, User};
use portcullis_service::managed::Catalogue;
use portcullis_service::state::AccountState;
use portcullis_service::{Caller, CallerKind, RequestInfo, State};
use time::OffsetDateTime;

use super::engine::EvalResult;
use super::*;

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";

fn caller() -> Caller {
    Caller {
        account: ACCT.into(),
        kind: CallerKind::Root,
        arn: format!("arn:aws:iam::{ACCT}:root"),
        user_id: ACCT.into(),
        access_key_id: "AKIAROOTROOTROOTROOT".into(),
        request: RequestInfo {
            source_ip: None,
            user_agent: None,
            secure_transport: true,
            region: "us-east-1".into(),
            time: OffsetDateTime::UNIX_EPOCH,
        },
        session: None,
        session_policies: Default::default(),
    }
}

fn req(pairs: &[(&str, &str)]) -> QueryRequest {
    let qs: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect();
    QueryRequest::from_parts(&qs.join("&"), None, b"").unwrap()
}

fn doc(text: &str, id: &str) -> PolicyDoc {
    PolicyDoc::new(text, PolicyKind::Identity, id, PolicyType::Identity).unwrap()
}

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

fn deny(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"No","Effect":"Deny","Action":"{action}","Resource":"*"}}]}}"#
    )
}

/// Account 111122223333 with user alice (inline `P`, managed `mp`, boundary `bound`, in
/// group `devs` whose inline policy is also named `P`) and user bob (nothing).
fn state() -> State {
    let mut st = State::empty(Arc::new(Catalogue::default()));
    let mut acct = AccountState::new(Account {
        id: ACCT.into(),
        aliases: vec![],
        create_date: OffsetDateTime::UNIX_EPOCH,
    });
    let managed = |name: &str, text: &str| ManagedPolicy {
        name: name.into(),
        path: "/".into(),
        id: format!("ANPA{name}"),
        arn: format!("arn:aws:iam::{ACCT}:policy/{name}"),
        description: None,
        create_date: OffsetDateTime::UNIX_EPOCH,
        update_date: OffsetDateTime::UNIX_EPOCH,
        default_version_id: "v1".into(),
        versions: vec![PolicyVersion {
            version_id: "v1".into(),
            document: doc(text, &format!("arn:aws:iam::{ACCT}:policy/{name}")),
            create_date: OffsetDateTime::UNIX_EPOCH,
        }],
        next_version: 2,
        tags: vec![],
    };
    acct.policies
        .insert("mp".into(), Arc::new(managed("mp", &allow("sqs:*", "*"))));
    acct.policies.insert(
        "bound".into(),
        Arc::new(managed(
            "bound",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","sqs:*","dynamodb:*"],"Resource":"*"}]}"#,
        )),
    );
    let home = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#;
    let user = |name: &str| User {
        name: name.into(),
        path: "/".into(),
        id: format!("AIDA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{ACCT}:user/{name}"),
        create_date: OffsetDateTime::UNIX_EPOCH,
        tags: vec![],
        permissions_boundary: None,
        inline_policies: BTreeMap::new(),
        attached_policies: vec![],
        groups: vec![],
    };
    let mut alice = user("alice");
    alice.inline_policies.insert("P".into(), doc(home, "P"));
    alice
        .attached_policies
        .push(format!("arn:aws:iam::{ACCT}:policy/mp"));
    alice.permissions_boundary = Some(format!("arn:aws:iam::{ACCT}:policy/bound"));
    alice.groups.push("devs".into());
    acct.users.insert("alice".into(), Arc::new(alice));
    acct.users.insert("bob".into(), Arc::new(user("bob")));
    let mut devs = Group {
        name: "devs".into(),
        path: "/".into(),
        id: "AGPADEVS".into(),
        arn: format!("arn:aws:iam::{ACCT}:group/devs"),
        create_date: OffsetDateTime::UNIX_EPOCH,
        inline_policies: BTreeMap::new(),
        attached_policies: vec![],
    };
    let cond = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    devs.inline_policies.insert("P".into(), doc(cond, "P"));
    acct.groups.insert("devs".into(), Arc::new(devs));
    st.accounts.insert(ACCT.into(), acct);
    st
}

fn custom(pairs: &[(&str, &str)]) -> Result<Vec<EvalResult>, AwsError> {
    SimulateCustomPolicy::decode(&req(pairs), &caller())?.simulate(&state(), ACCT)
}

fn principal(pairs: &[(&str, &str)]) -> Result<Vec<EvalResult>, AwsError> {
    SimulatePrincipalPolicy::decode(&req(pairs), &caller())?.simulate(&state(), ACCT)
}

fn ids(r: &EvalResult) -> Vec<(String, &'static str)> {
    r.outcome
        .matched
        .iter()
        .map(|m| (m.source_id.clone(), m.source_type))
        .collect()
}

#[test]
fn custom_policy_decisions() {
    let a = allow("s3:GetObject", "arn:aws:s3:::b/*");
    let d = deny("s3:*");
    // (policies, action, decision, matched source ids)
    let cases: &[(&[&str], &str, Decision, &[&str])] = &[
        (
            &[&a],
            "s3:GetObject",
            Decision::Allow,
            &["PolicyInputList.1"],
        ),
        (&[&a], "s3:PutObject", Decision::ImplicitDeny, &[]),
        (
            &[&a, &d],
            "s3:GetObject",
            Decision::ExplicitDeny,
            &["PolicyInputList.2"],
        ),
        (&[&d, &a], "sqs:SendMessage", Decision::ImplicitDeny, &[]),
    ];
    for (policies, action, decision, matched) in cases {
        let mut pairs = vec![
            ("ActionNames.member.1", *action),
            ("ResourceArns.member.1", "arn:aws:s3:::b/k"),
        ];
        let names: Vec<String> = (1..=policies.len())
            .map(|i| format!("PolicyInputList.member.{i}"))
            .collect();
        for (n, p) in names.iter().zip(policies.iter()) {
            pairs.push((n, p));
        }
        let r = custom(&pairs).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].outcome.decision, *decision, "{action} {policies:?}");
        let got: Vec<String> = ids(&r[0]).into_iter().map(|(i, _)| i).collect();
        assert_eq!(got, *matched, "{action}");
        assert!(r[0].outcome.matched.iter().all(|m| m.source_type == "none"));
    }
}

#[test]
fn matched_statement_positions_are_the_statement_spans() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\"},\n    {\"Effect\": \"Allow\",\n     \"Action\": \"s3:*\",\n     \"Resource\": \"*\"}\n  ]\n}";
    let parsed = portcullis_policy::parse(text, PolicyKind::Identity).unwrap();
    let st = parsed.statements();
    for (action, idx) in [("s3:GetObject", 1), ("s3:PutObject", 0)] {
        let r = custom(&[
            ("PolicyInputList.member.1", text),
            ("ActionNames.member.1", action),
        ])
        .unwrap();
        let m = &r[0].outcome.matched;
        assert_eq!(m.len(), 1, "{action}");
        assert_eq!((m[0].start, m[0].end), (st[idx].start(), st[idx].end()));
    }
    assert_eq!(st[0].start().line, 4);
    assert_eq!((st[1].start().line, st[1].end().line), (5, 7));
}

#[test]
fn boundary_detail() {
    let boundary = allow("s3:GetObject", "*");
    // (action, decision, allowed by boundary)
    let cases = [
        ("s3:GetObject", Decision::Allow, true),
        ("s3:PutObject", Decision::ImplicitDeny, false),
    ];
    for (action, decision, by_boundary) in cases {
        let r = custom(&[
            ("PolicyInputList.member.1", &allow("s3:*", "*")),
            ("PermissionsBoundaryPolicyInputList.member.1", &boundary),
            ("ActionNames.member.1", action),
        ])
        .unwrap();
        assert_eq!(r[0].outcome.decision, decision);
        assert_eq!(r[0].outcome.boundary_allowed, Some(by_boundary));
    }
    let two = custom(&[
        ("PolicyInputList.member.1", &allow("s3:*", "*")),
        ("PermissionsBoundaryPolicyInputList.member.1", &boundary),
        ("PermissionsBoundaryPolicyInputList.member.2", &boundary),
        ("ActionNames.member.1", "s3:GetObject"),
    ]);
    assert_eq!(two.unwrap_err().code, "InvalidInput");
}

#[test]
fn missing_context_values_and_resource_specific_results() {
    let p = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
    let star = custom(&[
        ("PolicyInputList.member.1", p),
        ("ActionNames.member.1", "s3:GetObject"),
    ])
    .unwrap();
    assert_eq!(star[0].resource, "*");
    assert_eq!(star[0].outcome.missing, vec!["aws:SourceIp".to_string()]);
    let xml = page_xml(&star, &[]);
    assert!(
        xml.contains("<MissingContextValues><member>aws:SourceIp</member></MissingContextValues>")
    );
    assert!(!xml.contains("ResourceSpecificResults"));
    assert!(!xml.contains("EvalDecisionDetails"));

    let named = custom(&[
        ("PolicyInputList.member.1", p),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ActionNames.member.2", "s3:PutObject"),
        ("ResourceArns.member.1", "arn:aws:s3:::a/k"),
        ("ResourceArns.member.2", "arn:aws:s3:::b/k"),
    ])
    .unwrap();
    let pairs: Vec<(&str, &str)> = named
        .iter()
        .map(|r| (r.action.as_str(), r.resource.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("s3:GetObject", "arn:aws:s3:::a/k"),
            ("s3:GetObject", "arn:aws:s3:::b/k"),
            ("s3:PutObject", "arn:aws:s3:::a/k"),
            ("s3:PutObject", "arn:aws:s3:::b/k"),
        ]
    );
    let xml = page_xml(&named[..1], &[]);
    assert!(
        xml.contains("<MissingContextValues></MissingContextValues>"),
        "{xml}"
    );
    assert!(xml.contains("<ResourceSpecificResults><member><EvalResourceName>arn:aws:s3:::a/k</EvalResourceName><EvalResourceDecision>implicitDeny</EvalResourceDecision><MatchedStatements></MatchedStatements><MissingContextValues><member>aws:SourceIp</member></MissingContextValues></member></ResourceSpecificResults>"), "{xml}");
    assert!(
        xml.contains("<EvalDecisionDetails></EvalDecisionDetails>"),
        "{xml}"
    );

    // With the key supplied the condition decides and nothing is missing.
    let with_ip = custom(&[
        ("PolicyInputList.member.1", p),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ContextEntries.member.1.ContextKeyName", "aws:SourceIp"),
        (
            "ContextEntries.member.1.ContextKeyValues.member.1",
            "10.1.2.3",
        ),
        ("ContextEntries.member.1.ContextKeyType", "ip"),
    ])
    .unwrap();
    assert_eq!(with_ip[0].outcome.decision, Decision::Allow);
    assert!(with_ip[0].outcome.missing.is_empty());
}

/// Renders results as the response would, page-limited by `extra` (MaxItems/Marker).
fn page_xml(results: &[EvalResult], extra: &[(&str, &str)]) -> String {
    let page = Page::from_params(req(extra).params()).unwrap();
    let mut out = ResponseWriter::new("SimulateCustomPolicy", IAM_NAMESPACE);
    write_page(&mut out, results, &page);
    out.finish("rid")
}

#[test]
fn every_context_key_type() {
    let cond = |op: &str, value: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"{op}":{{"test:key":{value}}}}}}}]}}"#
        )
    };
    // (type, condition operator, policy value, context values, allowed?)
    let cases: &[(&str, &str, &str, &[&str], bool)] = &[
        ("string", "StringEquals", r#""abc""#, &["abc"], true),
        ("string", "StringEquals", r#""abc""#, &["abd"], false),
        (
            "stringList",
            "ForAnyValue:StringEquals",
            r#""b""#,
            &["a", "b"],
            true,
        ),
        (
            "stringList",
            "ForAllValues:StringEquals",
            r#""b""#,
            &["a", "b"],
            false,
        ),
        ("numeric", "NumericLessThan", r#""10""#, &["5"], true),
        ("numeric", "NumericLessThan", r#""10""#, &["10.5"], false),
        (
            "numericList",
            "ForAllValues:NumericLessThan",
            r#""10""#,
            &["1", "2"],
            true,
        ),
        (
            "numericList",
            "ForAllValues:NumericLessThan",
            r#""10""#,
            &["1", "20"],
            false,
        ),
        ("boolean", "Bool", r#""true""#, &["true"], true),
        ("boolean", "Bool", r#""true""#, &["false"], false),
        (
            "booleanList",
            "ForAnyValue:Bool",
            r#""true""#,
            &["false", "true"],
            true,
        ),
        (
            "booleanList",
            "ForAnyValue:Bool",
            r#""true""#,
            &["false"],
            false,
        ),
        ("ip", "IpAddress", r#""10.0.0.0/8""#, &["10.1.2.3"], true),
        (
            "ip",
            "IpAddress",
            r#""10.0.0.0/8""#,
            &["192.168.0.1"],
            false,
        ),
        (
            "ipList",
            "ForAnyValue:IpAddress",
            r#""10.0.0.0/8""#,
            &["192.168.0.1", "10.0.0.1"],
            true,
        ),
        (
            "ipList",
            "ForAnyValue:IpAddress",
            r#""10.0.0.0/8""#,
            &["192.168.0.1"],
            false,
        ),
        (
            "binary",
            "BinaryEquals",
            r#""aGVsbG8=""#,
            &["aGVsbG8="],
            true,
        ),
        (
            "binary",
            "BinaryEquals",
            r#""aGVsbG8=""#,
            &["aGVsbG9v"],
            false,
        ),
        (
            "binaryList",
            "ForAnyValue:BinaryEquals",
            r#""aGVsbG8=""#,
            &["eA==", "aGVsbG8="],
            true,
        ),
        (
            "binaryList",
            "ForAnyValue:BinaryEquals",
            r#""aGVsbG8=""#,
            &["eA=="],
            false,
        ),
        (
            "date",
            "DateGreaterThan",
            r#""2018-08-16T12:00:00Z""#,
            &["2019-04-25T11:00:00Z"],
            true,
        ),
        (
            "date",
            "DateGreaterThan",
            r#""2018-08-16T12:00:00Z""#,
            &["2017-04-25T11:00:00Z"],
            false,
        ),
        (
            "date",
            "DateGreaterThan",
            r#""2018-08-16T12:00:00Z""#,
            &["1600000000"],
            true,
        ),
        (
            "dateList",
            "ForAnyValue:DateGreaterThan",
            r#""2018-08-16T12:00:00Z""#,
            &["2017-01-01T00:00:00Z", "2019-01-01T00:00:00Z"],
            true,
        ),
        (
            "dateList",
            "ForAnyValue:DateGreaterThan",
            r#""2018-08-16T12:00:00Z""#,
            &["2017-01-01T00:00:00Z"],
            false,
        ),
    ];
    for (ty, op, value, values, allowed) in cases {
        let policy = cond(op, value);
        let mut pairs = vec![
            ("PolicyInputList.member.1", policy.as_str()),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ContextEntries.member.1.ContextKeyName", "test:key"),
            ("ContextEntries.member.1.ContextKeyType", ty),
        ];
        let names: Vec<String> = (1..=values.len())
            .map(|i| format!("ContextEntries.member.1.ContextKeyValues.member.{i}"))
            .collect();
        for (n, v) in names.iter().zip(values.iter()) {
            pairs.push((n, v));
        }
        let r = custom(&pairs).unwrap();
        let want = if *allowed {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(r[0].outcome.decision, want, "{ty} {op} {values:?}");
        assert!(r[0].outcome.missing.is_empty(), "{ty}");
    }
}

#[test]
fn bad_context_values_are_invalid_input() {
    let p = allow("s3:*", "*");
    // (type, values)
    let cases: &[(&str, &[&str])] = &[
        ("numeric", &["abc"]),
        ("numericList", &["1", "1e5"]),
        ("boolean", &["yes"]),
        ("ip", &["10.0.0.300"]),
        ("binary", &["!!"]),
        ("date", &["yesterday"]),
        ("string", &["a", "b"]),
        ("string", &[]),
    ];
    for (ty, values) in cases {
        let mut pairs = vec![
            ("PolicyInputList.member.1", p.as_str()),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ContextEntries.member.1.ContextKeyName", "test:key"),
            ("ContextEntries.member.1.ContextKeyType", ty),
        ];
        let names: Vec<String> = (1..=values.len())
            .map(|i| format!("ContextEntries.member.1.ContextKeyValues.member.{i}"))
            .collect();
        for (n, v) in names.iter().zip(values.iter()) {
            pairs.push((n, v));
        }
        assert_eq!(
            custom(&pairs).unwrap_err().code,
            "InvalidInput",
            "{ty} {values:?}"
        );
    }
    let bad_type = custom(&[
        ("PolicyInputList.member.1", p.as_str()),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ContextEntries.member.1.ContextKeyName", "test:key"),
        ("ContextEntries.member.1.ContextKeyType", "float"),
    ]);
    assert_eq!(bad_type.unwrap_err().code, "ValidationError");
}

#[test]
fn malformed_and_missing_inputs() {
    // (params, error code)
    let good = allow("s3:*", "*");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("PolicyInputList.member.1", "{not json"),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
            "InvalidInput",
        ),
        (
            vec![
                (
                    "PolicyInputList.member.1",
                    r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                ),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
            "InvalidInput",
        ),
        (vec![("PolicyInputList.member.1", &good)], "ValidationError"),
        (
            vec![("ActionNames.member.1", "s3:GetObject")],
            "ValidationError",
        ),
        (
            vec![
                ("PolicyInputList.member.1", &good),
                ("ActionNames.member.1", "s3"),
            ],
            "ValidationError",
        ),
        (
            vec![
                ("PolicyInputList.member.1", &good),
                ("ActionNames.member.1", "s3:GetObject"),
                ("ResourcePolicy", &good),
            ],
            "InvalidInput",
        ),
        (
            vec![
                ("PolicyInputList.member.1", &good),
                ("ActionNames.member.1", "s3:GetObject"),
                ("CallerArn", "arn:aws:iam::111122223333:role/r"),
            ],
            "InvalidInput",
        ),
        (
            vec![
                ("PolicyInputList.member.1", &good),
                ("ActionNames.member.1", "s3:GetObject"),
                ("ResourceOwner", "nobody"),
            ],
            "InvalidInput",
        ),
        (
            vec![
                ("PolicyInputList.member.1", &good),
                ("ActionNames.member.1", "ec2:RunInstances"),
                ("ResourceHandlingOption", "EC2-VPC-EBS"),
                (
                    "ResourceArns.member.1",
                    "arn:aws:ec2:us-east-1:111122223333:instance/*",
                ),
            ],
            "InvalidInput",
        ),
    ];
    for (pairs, code) in cases {
        assert_eq!(custom(&pairs).unwrap_err().code, code, "{pairs:?}");
    }
}

#[test]
fn resource_handling_option_with_required_resources() {
    let r = custom(&[
        ("PolicyInputList.member.1", &allow("ec2:RunInstances", "*")),
        ("ActionNames.member.1", "ec2:RunInstances"),
        ("ResourceHandlingOption", "EC2-VPC-InstanceStore"),
        (
            "ResourceArns.member.1",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
        ),
        (
            "ResourceArns.member.2",
            "arn:aws:ec2:us-east-1::image/ami-1",
        ),
        (
            "ResourceArns.member.3",
            "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
        ),
        (
            "ResourceArns.member.4",
            "arn:aws:ec2:us-east-1:111122223333:network-interface/*",
        ),
    ])
    .unwrap();
    assert_eq!(r.len(), 4);
    assert!(r.iter().all(|r| r.outcome.decision == Decision::Allow));
}

#[test]
fn principal_policies_are_labelled_by_source() {
    // (action, resource, decision, matched (id, type))
    type Case<'a> = (&'a str, &'a str, Decision, &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        // aws:username is filled in for the simulated user. The boundary's Allow is reported
        // too: it is one of the statements the decision rests on.
        (
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
            Decision::Allow,
            &[("bound", "user-managed"), ("P", "user")],
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:::home/bob/x",
            Decision::ImplicitDeny,
            &[],
        ),
        (
            "sqs:SendMessage",
            "*",
            Decision::Allow,
            &[("bound", "user-managed"), ("mp", "user-managed")],
        ),
        // Outside the boundary `bound`.
        ("iam:ListUsers", "*", Decision::ImplicitDeny, &[]),
    ];
    for (action, resource, decision, matched) in cases {
        let r = principal(&[
            ("PolicySourceArn", "arn:aws:iam::111122223333:user/alice"),
            ("ActionNames.member.1", action),
            ("ResourceArns.member.1", resource),
        ])
        .unwrap();
        assert_eq!(r[0].outcome.decision, *decision, "{action} {resource}");
        let got = ids(&r[0]);
        let want: Vec<(String, &str)> = matched.iter().map(|(i, t)| (i.to_string(), *t)).collect();
        assert_eq!(got, want, "{action}");
        assert!(r[0].outcome.boundary_allowed.is_some());
    }
    // The group's inline policy `P` needs MFA; it is reported as the group's.
    let mfa = principal(&[
        ("PolicySourceArn", "arn:aws:iam::111122223333:user/alice"),
        ("ActionNames.member.1", "dynamodb:GetItem"),
        (
            "ContextEntries.member.1.ContextKeyName",
            "aws:MultiFactorAuthPresent",
        ),
        ("ContextEntries.member.1.ContextKeyValues.member.1", "true"),
        ("ContextEntries.member.1.ContextKeyType", "boolean"),
    ])
    .unwrap();
    assert_eq!(mfa[0].outcome.decision, Decision::Allow);
    assert_eq!(
        ids(&mfa[0]),
        vec![
            ("bound".to_string(), "user-managed"),
            ("P".to_string(), "group")
        ]
    );
    let no_mfa = principal(&[
        ("PolicySourceArn", "arn:aws:iam::111122223333:user/alice"),
        ("ActionNames.member.1", "dynamodb:GetItem"),
    ])
    .unwrap();
    assert_eq!(
        no_mfa[0].outcome.missing,
        vec!["aws:MultiFactorAuthPresent".to_string()]
    );
    // A boundary input replaces the attached boundary.
    let widened = principal(&[
        ("PolicySourceArn", "arn:aws:iam::111122223333:user/alice"),
        ("ActionNames.member.1", "s3:PutObject"),
        ("PolicyInputList.member.1", &allow("s3:PutObject", "*")),
        (
            "PermissionsBoundaryPolicyInputList.member.1",
            &allow("*", "*"),
        ),
    ])
    .unwrap();
    assert_eq!(widened[0].outcome.decision, Decision::Allow);
    assert_eq!(
        ids(&widened[0]),
        vec![
            ("PermissionsBoundaryPolicyInputList.1".to_string(), "none"),
            ("PolicyInputList.1".to_string(), "none"),
        ]
    );
}

#[test]
fn group_source_and_missing_entities() {
    let r = principal(&[
        ("PolicySourceArn", "arn:aws:iam::111122223333:group/devs"),
        ("ActionNames.member.1", "dynamodb:GetItem"),
        ("ActionNames.member.2", "sqs:SendMessage"),
    ])
    .unwrap();
    assert_eq!(
        r[0].outcome.missing,
        vec!["aws:MultiFactorAuthPresent".to_string()]
    );
    assert_eq!(r[1].outcome.decision, Decision::ImplicitDeny);
    assert!(r[0].outcome.boundary_allowed.is_none());
    // (PolicySourceArn, code)
    let cases = [
        ("arn:aws:iam::111122223333:user/nobody", "NoSuchEntity"),
        ("arn:aws:iam::111122223333:group/nobody", "NoSuchEntity"),
        ("arn:aws:iam::111122223333:role/nobody", "NoSuchEntity"),
        ("arn:aws:iam::444455556666:user/alice", "NoSuchEntity"),
        ("arn:aws:iam::111122223333:policy/mp", "InvalidInput"),
        ("arn:aws", "ValidationError"),
    ];
    for (arn, code) in cases {
        let e = principal(&[
            ("PolicySourceArn", arn),
            ("ActionNames.member.1", "s3:GetObject"),
        ]);
        assert_eq!(e.unwrap_err().code, code, "{arn}");
    }
}

#[test]
fn resource_policy_and_cross_account_details() {
    let bucket = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]}}"#
        )
    };
    let bob = format!("arn:aws:iam::{ACCT}:user/bob");
    // Same account: the resource policy naming bob suffices.
    let r = principal(&[
        ("PolicySourceArn", &bob),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ResourceArns.member.1", "arn:aws:s3:::b/k"),
        ("ResourcePolicy", &bucket(&bob)),
    ])
    .unwrap();
    assert_eq!(r[0].outcome.decision, Decision::Allow);
    assert_eq!(ids(&r[0]), vec![("ResourcePolicy".to_string(), "resource")]);
    assert!(r[0].outcome.details.is_empty());
    // Another account owns the bucket: both sides must allow; details per policy type.
    let cross = |identity: &str| {
        custom(&[
            ("PolicyInputList.member.1", identity),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::b/k"),
            ("ResourcePolicy", &bucket(&bob)),
            ("CallerArn", &bob),
            ("ResourceOwner", &format!("arn:aws:iam::{OTHER}:root")),
        ])
        .unwrap()
    };
    let denied = cross(&allow("sqs:*", "*"));
    assert_eq!(denied[0].outcome.decision, Decision::ImplicitDeny);
    assert_eq!(
        denied[0].outcome.details,
        vec![
            ("Resource Policy", Decision::Allow),
            ("IAM Policy", Decision::ImplicitDeny)
        ]
    );
    let allowed = cross(&allow("s3:GetObject", "*"));
    assert_eq!(allowed[0].outcome.decision, Decision::Allow);
    let xml = page_xml(&allowed, &[]);
    assert!(xml.contains("<EvalDecisionDetails><entry><key>Resource Policy</key><value>allowed</value></entry><entry><key>IAM Policy</key><value>allowed</value></entry></EvalDecisionDetails>"), "{xml}");
    // A role cannot be simulated with a resource policy.
    let role = principal(&[
        ("PolicySourceArn", "arn:aws:iam::111122223333:role/r"),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ResourcePolicy", &bucket(&bob)),
    ]);
    assert_eq!(role.unwrap_err().code, "NoSuchEntity");
}

#[test]
fn pagination() {
    let r = custom(&[
        ("PolicyInputList.member.1", &allow("s3:*", "*")),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ActionNames.member.2", "s3:PutObject"),
        ("ActionNames.member.3", "s3:DeleteObject"),
    ])
    .unwrap();
    let first = page_xml(&r, &[("MaxItems", "2")]);
    assert!(first.contains("<IsTruncated>true</IsTruncated>"));
    assert_eq!(first.matches("<EvalActionName>").count(), 2);
    let marker = first
        .split("<Marker>")
        .nth(1)
        .and_then(|s| s.split("</Marker>").next())
        .unwrap()
        .to_string();
    let second = page_xml(&r, &[("MaxItems", "2"), ("Marker", &marker)]);
    assert!(second.contains("<IsTruncated>false</IsTruncated>"));
    assert!(second.contains("<EvalActionName>s3:DeleteObject</EvalActionName>"));
    assert_eq!(second.matches("<EvalActionName>").count(), 1);
}

#[test]
fn context_keys() {
    let p1 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
    let p2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"AWS:SOURCEIP":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}"#;
    let custom = GetContextKeysForCustomPolicy::decode(
        &req(&[
            ("PolicyInputList.member.1", p1),
            ("PolicyInputList.member.2", p2),
        ]),
        &caller(),
    )
    .unwrap()
    .keys()
    .unwrap();
    assert_eq!(custom, ["aws:username", "aws:SourceIp", "aws:CurrentTime"]);
    let bad = GetContextKeysForCustomPolicy::decode(
        &req(&[("PolicyInputList.member.1", "{")]),
        &caller(),
    )
    .unwrap()
    .keys();
    assert_eq!(bad.unwrap_err().code, "InvalidInput");

    // (source, extra input, keys)
    let cases: &[(&str, Option<&str>, &[&str])] = &[
        (
            "arn:aws:iam::111122223333:user/alice",
            None,
            &["aws:username", "aws:MultiFactorAuthPresent"],
        ),
        (
            "arn:aws:iam::111122223333:user/alice",
            Some(p2),
            &[
                "aws:username",
                "aws:MultiFactorAuthPresent",
                "AWS:SOURCEIP",
                "aws:CurrentTime",
            ],
        ),
        (
            "arn:aws:iam::111122223333:group/devs",
            None,
            &["aws:MultiFactorAuthPresent"],
        ),
        ("arn:aws:iam::111122223333:user/bob", None, &[]),
    ];
    for (source, extra, keys) in cases {
        let mut pairs = vec![("PolicySourceArn", *source)];
        if let Some(p) = extra {
            pairs.push(("PolicyInputList.member.1", p));
        }
        let got = GetContextKeysForPrincipalPolicy::decode(&req(&pairs), &caller())
            .unwrap()
            .keys(&state(), ACCT)
            .unwrap();
        assert_eq!(got, *keys, "{source}");
    }
}

#[test]
fn authorization_resources() {
    let st = state();
    let c = caller();
    let spp = SimulatePrincipalPolicy::decode(
        &req(&[
            ("PolicySourceArn", "arn:aws:iam::111122223333:user/alice"),
            ("ActionNames.member.1", "s3:GetObject"),
        ]),
        &c,
    )
    .unwrap();
    assert_eq!(
        spp.resource(&c, &st),
        "arn:aws:iam::111122223333:user/alice"
    );
    let scp = SimulateCustomPolicy::decode(
        &req(&[
            ("PolicyInputList.member.1", "{}"),
            ("ActionNames.member.1", "s3:GetObject"),
        ]),
        &c,
    )
    .unwrap();
    assert_eq!(scp.resource(&c, &st), "*");
    let gk = GetContextKeysForPrincipalPolicy::decode(
        &req(&[("PolicySourceArn", "arn:aws:iam::111122223333:group/devs")]),
        &c,
    )
    .unwrap();
    assert_eq!(gk.resource(&c, &st), "arn:aws:iam::111122223333:group/devs");
    let gc = GetContextKeysForCustomPolicy::decode(&req(&[("PolicyInputList.member.1", "{}")]), &c)
        .unwrap();
    assert_eq!(gc.resource(&c, &st), "*");
}
