//! Validation tables. Messages are AWS's (POLICY-SPEC A9, from getmoto/moto's AWS-derived
//! table and the cited issue threads) unless a row says otherwise.

use crate::*;

const V: &str = r#""Version":"2012-10-17""#;

fn err(text: &str, kind: PolicyKind) -> String {
    match parse(text, kind) {
        Ok(_) => "OK".to_string(),
        Err(e) => e.to_string(),
    }
}

fn stmt(body: &str) -> String {
    format!("{{{V},\"Statement\":{{{body}}}}}")
}

const SYNTAX: &str = "Syntax errors in policy.";

#[test]
fn identity_policy_table_policy_spec_a9() {
    let id = PolicyKind::Identity;
    let rows: Vec<(String, &str)> = vec![
        ("not json".into(), SYNTAX),
        ("[]".into(), SYNTAX),
        (format!("{{{V},\"Statement\":[],\"Extra\":1}}"), SYNTAX),
        (r#"{"Version":"2022-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(), SYNTAX),
        (r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(), "Policy document must be version 2012-10-17 or greater."),
        (r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(), "Policy document must be version 2012-10-17 or greater."),
        (format!("{{{V}}}"), SYNTAX),
        (format!("{{{V},\"Statement\":[]}}"), SYNTAX),
        (format!("{{{V},\"Statement\":[\"x\"]}}"), SYNTAX),
        (stmt(r#""Effect":"Allow","Action":"*","Resource":"*","Foo":1"#), SYNTAX),
        (stmt(r#""Action":"*","Resource":"*""#), SYNTAX),
        (stmt(r#""Effect":"allow","Action":"*","Resource":"*""#), "The policy failed legacy parsing"),
        (stmt(r#""Effect":"denY","Action":"*","Resource":"*""#), "The policy failed legacy parsing"),
        (stmt(r#""Effect":"Allow","Action":"*","NotAction":"*","Resource":"*""#), SYNTAX),
        (stmt(r#""Effect":"Allow","Action":"*","Resource":"*","NotResource":"*""#), SYNTAX),
        (stmt(r#""Effect":"Allow","Resource":"*""#), "Policy statement must contain actions."),
        (stmt(r#""Effect":"Allow","Action":[],"Resource":"*""#), "Policy statement must contain actions."),
        (stmt(r#""Effect":"Allow","Action":"*""#), "Policy statement must contain resources."),
        (stmt(r#""Effect":"Allow","Action":"*","Resource":[]"#), "Policy statement must contain resources."),
        (stmt(r#""Effect":"Allow","Action":{"a":1},"Resource":"*""#), SYNTAX),
        (stmt(r#""Effect":"Allow","Action":[["s3:GetObject"]],"Resource":"*""#), SYNTAX),
        (stmt(r#""Sid":1,"Effect":"Allow","Action":"*","Resource":"*""#), SYNTAX),
        (stmt(r#""Effect":"Allow","Principal":"*","Action":"*","Resource":"*""#), "Policy document should not specify a principal."),
        (stmt(r#""Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*""#), "Policy document should not specify a principal."),
        (stmt(r#""Effect":"Allow","Action":"s3","Resource":"*""#), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        (stmt(r#""Effect":"Allow","Action":"s3:a:b","Resource":"*""#), "Actions/Condition can contain only one colon."),
        (stmt(r#""Effect":"Allow","Action":"s:3:","Resource":"*""#), "Actions/Condition can contain only one colon."),
        (stmt(r#""Effect":"Allow","Action":"fsx:ListBucket","Resource":"*""#), "OK"),
        (stmt(r#""Effect":"Allow","Action":"iam: asdf safdsf af ","Resource":"*""#), "OK"),
        (stmt(r#""Effect":"Allow","Action":"*","Resource":"bucket""#), "Resource bucket must be in ARN format or \"*\"."),
        (stmt(r#""Sid":"a-b","Effect":"Allow","Action":"*","Resource":"*""#), "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"),
        (format!("{{{V},\"Statement\":[{{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}},{{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}"), "Statement IDs (SID) in a single policy must be unique."),
        (format!("{{{V},\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}},\"Statement\":[]}}"), SYNTAX),
        (format!("{{{V},\"Id\":\"x\",\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}}}"), "OK"),
        (format!("{{{V},\"Id\":7,\"Statement\":{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}}}"), SYNTAX),
    ];
    for (text, want) in rows {
        assert_eq!(err(&text, id), want, "{text}");
    }
}

#[test]
fn condition_block_table_policy_spec_a5_a9() {
    let c = |cond: &str| {
        stmt(&format!(
            r#""Effect":"Allow","Action":"*","Resource":"*","Condition":{cond}"#
        ))
    };
    let rows: Vec<(String, &str)> = vec![
        (c("{}"), "OK"),
        (c(r#"{"DateGreaterThan":{}}"#), "OK"),
        (c(r#"{"a":{}}"#), "OK"),
        (c(r#"{"x":{"a":"1"}}"#), SYNTAX),
        (c(r#"[]"#), SYNTAX),
        (c(r#"{"StringEquals":"x"}"#), SYNTAX),
        (c(r#"{"StringEquals":{"aws:username":null}}"#), SYNTAX),
        (c(r#"{"StringEquals":{"aws:username":{"a":"b"}}}"#), SYNTAX),
        (
            c(r#"{"ForAnyValue::StringEquals":{"aws:TagKeys":"a"}}"#),
            SYNTAX,
        ),
        (
            c(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}"#),
            "OK",
        ),
        (
            c(r#"{"DateGreaterThan":{"aws:CurrentTime":"not-a-date"}}"#),
            "The policy failed legacy parsing",
        ),
        (
            c(r#"{"DateGreaterThan":{"aws:CurrentTime":"2019-07-16T12:00:00Z"}}"#),
            "OK",
        ),
        (c(r#"{"NumericLessThan":{"s3:max-keys":10}}"#), "OK"),
        (
            c(r#"{"NumericLessThan":{"s3:max-keys":"ten"}}"#),
            "The policy failed legacy parsing",
        ),
        (c(r#"{"Bool":{"aws:SecureTransport":false}}"#), "OK"),
        (
            c(r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#),
            "OK",
        ),
        (
            c(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}"#),
            "The policy failed legacy parsing",
        ),
        (c(r#"{"BinaryEquals":{"k:bin":"QmluYXJ5"}}"#), "OK"),
        (
            c(r#"{"StringEquals":{"username":"a"}}"#),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            c(r#"{"StringEquals":{"aws:username":"a","aws:username":"b"}}"#),
            SYNTAX,
        ),
    ];
    for (text, want) in rows {
        assert_eq!(err(&text, PolicyKind::Identity), want, "{text}");
    }
}

#[test]
fn per_kind_rules_policy_spec_a9_and_org_syntax() {
    let rows: Vec<(PolicyKind, String, &str)> = vec![
        (PolicyKind::Resource, stmt(r#""Effect":"Allow","Action":"s3:GetObject","Resource":"*""#), "Missing required field Principal"),
        (PolicyKind::Resource, r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#.into(), "OK"),
        (PolicyKind::Resource, r#"{"Statement":{"Sid":"with space","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#.into(), "OK"),
        (PolicyKind::Resource, stmt(r#""Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*""#), "NotPrincipal is only supported with \"Effect\": \"Deny\"."),
        (PolicyKind::Resource, stmt(r#""Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*""#), "OK"),
        (PolicyKind::Resource, stmt(r#""Effect":"Allow","Principal":{"AWS":"bob"},"Action":"*","Resource":"*""#), "Invalid principal in policy: \"AWS\":\"bob\""),
        (PolicyKind::Resource, stmt(r#""Effect":"Allow","Principal":{"AWS":[]},"Action":"*","Resource":"*""#), "Invalid principal in policy: The passed in policy has a statement with no principals!"),
        (PolicyKind::Resource, stmt(r#""Effect":"Allow","Principal":{"Group":"x"},"Action":"*","Resource":"*""#), SYNTAX),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole""#), "OK"),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity","sts:SetContext"]"#), "OK"),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity""#), "OK"),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Action":"sts:AssumeRole""#), "Missing required field Principal"),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*""#), "Has prohibited field Resource."),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject""#), "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity"),
        (PolicyKind::RoleTrust, stmt(r#""Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole""#), "NotPrincipal is not supported in this type of policy."),
        (PolicyKind::ServiceControl, stmt(r#""Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}"#), "OK"),
        (PolicyKind::ServiceControl, stmt(r#""Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*""#), "Policy document should not specify a principal."),
        (PolicyKind::ServiceControl, r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#.into(), "Policy document must be version 2012-10-17 or greater."),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Allow","Principal":"*","Action":"*","Resource":"*""#), "OK"),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}"#), "OK"),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*""#), "The effect of Allow is only supported for the RCPFullAWSAccess policy (Allow * on * for Principal * without conditions)."),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*""#), "Resource control policies only support \"Principal\": \"*\"."),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Deny","Action":"s3:*","Resource":"*""#), "Missing required field Principal"),
        (PolicyKind::ResourceControl, stmt(r#""Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*""#), "Element NotAction is not supported in this type of policy."),
    ];
    for (kind, text, want) in rows {
        assert_eq!(err(&text, kind), want, "{kind:?} {text}");
    }
}

#[test]
fn iam_character_set_applies_to_iam_documents_reference_iam_quotas() {
    let text = stmt("\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/\u{4e2d}\"");
    let e = parse(&text, PolicyKind::Identity).unwrap_err();
    assert_eq!(e.code(), PolicyErrorCode::MalformedPolicyDocument);
    assert!(matches!(
        e.kind(),
        PolicyErrorKind::ForbiddenCharacter('\u{4e2d}')
    ));
    assert!(parse(
        &text.replace("\"Sid\":\"A\",", "\"Principal\":\"*\","),
        PolicyKind::Resource
    )
    .is_ok());
}

#[test]
fn statement_positions_like_simulator_statement_position() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"One\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n    {\n      \"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"\n    }\n  ]\n}";
    let p = parse(text, PolicyKind::Identity).unwrap();
    let s = p.statements();
    assert_eq!(
        (s[0].start(), s[0].end()),
        (
            Position { line: 4, column: 5 },
            Position {
                line: 4,
                column: 69
            }
        )
    );
    assert_eq!(
        (s[1].start(), s[1].end()),
        (
            Position { line: 5, column: 5 },
            Position { line: 7, column: 5 }
        )
    );
    assert_eq!(s[0].sid(), Some("One"));
    assert_eq!(s[1].effect(), Effect::Deny);
}

#[test]
fn context_keys_for_get_context_keys_for_policy() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
         "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1","AWS:USERNAME":"x"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
        {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"s3:prefix":"home/${aws:PrincipalTag/team}/*"}}}]}"#;
    let p = parse(text, PolicyKind::Identity).unwrap();
    assert_eq!(
        p.context_keys(),
        vec![
            "aws:username",
            "aws:RequestedRegion",
            "aws:SourceIp",
            "s3:prefix",
            "aws:PrincipalTag/team"
        ]
    );
}

#[test]
fn to_json_is_canonical_and_reparses() {
    let text = r#"{"Statement":{"Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/a"]},"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}},"Version":"2012-10-17","Id":"q\"x"}"#;
    let p = parse(text, PolicyKind::Resource).unwrap();
    let out = p.to_json();
    assert_eq!(
        out,
        r#"{"Version":"2012-10-17","Id":"q\"x","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/a"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}]}"#
    );
    assert_eq!(parse(&out, PolicyKind::Resource).unwrap().to_json(), out);
}
