//! Condition truth tables, each row citing the AWS page or POLICY-SPEC rule it encodes.

use super::operator::{Operator, ParsedOperator};
use super::*;
use crate::context::ContextValue;
use crate::trace::NoTrace;
use std::net::IpAddr;

fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    let ParsedOperator::Known(op) = Operator::parse(op) else {
        panic!("{op}")
    };
    let raw: Vec<ConditionValue> = values
        .iter()
        .map(|v| ConditionValue::String(v.to_string()))
        .collect();
    Condition::compile(op, key, &raw, true).unwrap()
}

fn eval(op: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
    cond(op, key, values).evaluate(ctx, &mut NoTrace)
}

fn multi(key: &str, values: &[&str]) -> Context {
    Context::new().with(key, values.to_vec())
}

#[test]
fn dynamodb_thread_forallvalues_reference_policies_multi_value_conditions() {
    // Policy: ForAllValues:StringLike dynamodb:requestedAttributes [PostDateTime, Message, Tags]
    let p = ["PostDateTime", "Message", "Tags"];
    let rows: &[(Option<&[&str]>, bool)] = &[
        (Some(&["PostDateTime", "Message"]), true),
        (Some(&["PostDateTime", "Message", "Tags"]), true),
        (Some(&["PostDateTime", "Message", "Tags", "Title"]), false),
        (Some(&["UserName"]), false),
        (None, true), // absent key ⇒ ForAllValues is true
        (Some(&[]), true),
    ];
    for (req, want) in rows {
        let ctx = req.map_or_else(Context::new, |r| multi("dynamodb:requestedAttributes", r));
        assert_eq!(
            eval(
                "ForAllValues:StringLike",
                "dynamodb:requestedAttributes",
                &p,
                &ctx
            ),
            *want,
            "{req:?}"
        );
    }
}

#[test]
fn dynamodb_thread_foranyvalue_reference_policies_multi_value_conditions() {
    // Policy: ForAnyValue:StringEquals dynamodb:Attributes [ID, PostDateTime]
    let p = ["ID", "PostDateTime"];
    let rows: &[(Option<&[&str]>, bool)] = &[
        (Some(&["ID", "PostDateTime"]), true),
        (Some(&["PostDateTime", "UserName"]), true),
        (Some(&["UserName", "Title"]), false),
        (None, false), // absent key ⇒ ForAnyValue is false
        (Some(&[]), false),
    ];
    for (req, want) in rows {
        let ctx = req.map_or_else(Context::new, |r| multi("dynamodb:Attributes", r));
        assert_eq!(
            eval("ForAnyValue:StringEquals", "dynamodb:Attributes", &p, &ctx),
            *want,
            "{req:?}"
        );
    }
}

#[test]
fn negated_set_operators_policy_spec_a5_cloudcopilot_table() {
    // request [DataClass, Dept], policy [DataClass, Owner]
    let ctx = multi("aws:TagKeys", &["DataClass", "Dept"]);
    let p = ["DataClass", "Owner"];
    assert!(!eval(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &p,
        &ctx
    ));
    assert!(eval("ForAnyValue:StringNotEquals", "aws:TagKeys", &p, &ctx));
    // Absent: ForAllValues:StringNotEquals true, ForAnyValue:StringNotEquals false.
    assert!(eval(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &p,
        &Context::new()
    ));
    assert!(!eval(
        "ForAnyValue:StringNotEquals",
        "aws:TagKeys",
        &p,
        &Context::new()
    ));
    // Not the complement of ForAllValues:StringEquals.
    let none_in = multi("aws:TagKeys", &["X", "Y"]);
    assert!(eval(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &p,
        &none_in
    ));
    assert!(!eval(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &p,
        &none_in
    ));
}

#[test]
fn missing_key_rule_reference_policies_elements_condition() {
    let empty = Context::new();
    let rows = [
        ("StringEquals", false),
        ("StringNotEquals", true),
        ("StringLike", false),
        ("StringNotLike", true),
        ("StringEqualsIfExists", true),
        ("StringNotEqualsIfExists", true),
        ("ArnLike", false),
        ("ArnNotLike", true),
        ("ForAnyValue:StringEqualsIfExists", true),
    ];
    for (op, want) in rows {
        assert_eq!(
            eval(op, "aws:PrincipalTag/dept", &["x"], &empty),
            want,
            "{op}"
        );
    }
    let ctx = Context::new().with("aws:SourceIp", "203.0.113.9".parse::<IpAddr>().unwrap());
    assert!(eval(
        "NotIpAddress",
        "aws:VpcSourceIp",
        &["10.0.0.0/8"],
        &ctx
    ));
    assert!(!eval("IpAddress", "aws:VpcSourceIp", &["10.0.0.0/8"], &ctx));
    assert!(eval("NumericNotEquals", "s3:max-keys", &["10"], &ctx));
    assert!(eval(
        "DateNotEquals",
        "aws:CurrentTime",
        &["2020-01-01"],
        &ctx
    ));
}

#[test]
fn ifexists_ec2_instance_type_reference_policies_elements_condition_operators() {
    // "StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}
    let p = ["t1.*", "t2.*", "m3.*"];
    let op = "StringLikeIfExists";
    assert!(eval(
        op,
        "ec2:InstanceType",
        &p,
        &Context::new().with("ec2:InstanceType", "t2.micro")
    ));
    assert!(!eval(
        op,
        "ec2:InstanceType",
        &p,
        &Context::new().with("ec2:InstanceType", "c5.large")
    ));
    assert!(eval(op, "ec2:InstanceType", &p, &Context::new()));
}

#[test]
fn null_on_token_issue_time_reference_policies_elements_condition_operators() {
    // "Null": {"aws:TokenIssueTime": "true"} ⇒ long-term credentials (key absent).
    let temp = Context::new().with("aws:TokenIssueTime", "2024-01-01T00:00:00Z");
    assert!(eval(
        "Null",
        "aws:TokenIssueTime",
        &["true"],
        &Context::new()
    ));
    assert!(!eval("Null", "aws:TokenIssueTime", &["true"], &temp));
    assert!(eval("Null", "aws:TokenIssueTime", &["false"], &temp));
    assert!(!eval(
        "Null",
        "aws:TokenIssueTime",
        &["false"],
        &Context::new()
    ));
}

#[test]
fn negated_multiple_values_are_nor_reference_policies_elements_condition() {
    let ctx = Context::new().with("aws:RequestedRegion", "us-east-1");
    assert!(!eval(
        "StringNotEquals",
        "aws:RequestedRegion",
        &["us-east-1", "eu-west-1"],
        &ctx
    ));
    assert!(eval(
        "StringNotEquals",
        "aws:RequestedRegion",
        &["ap-south-1", "eu-west-1"],
        &ctx
    ));
    assert!(eval(
        "StringEquals",
        "aws:RequestedRegion",
        &["ap-south-1", "us-east-1"],
        &ctx
    ));
}

#[test]
fn string_operators_case_rules() {
    let ctx = Context::new().with("aws:username", "Alice");
    assert!(eval("StringEquals", "aws:username", &["Alice"], &ctx));
    assert!(!eval("StringEquals", "aws:username", &["alice"], &ctx));
    assert!(eval(
        "StringEqualsIgnoreCase",
        "aws:username",
        &["alice"],
        &ctx
    ));
    assert!(!eval(
        "StringNotEqualsIgnoreCase",
        "aws:username",
        &["ALICE"],
        &ctx
    ));
    assert!(eval("StringLike", "aws:username", &["A*"], &ctx));
    assert!(!eval("StringLike", "aws:username", &["a*"], &ctx));
    assert!(
        !eval("StringEquals", "aws:username", &["A*"], &ctx),
        "StringEquals has no wildcards"
    );
    // Key names are case-insensitive.
    assert!(eval("StringEquals", "AWS:UserName", &["Alice"], &ctx));
}

#[test]
fn arnlike_vs_stringlike_reference_policies_elements_condition_operators() {
    let pattern = ["arn:aws:someservice:*:111122223333:finance/*"];
    let ctx = Context::new().with(
        "aws:SourceArn",
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
    );
    assert!(eval("StringLike", "aws:SourceArn", &pattern, &ctx));
    assert!(!eval("ArnLike", "aws:SourceArn", &pattern, &ctx));
    assert!(eval("ArnNotLike", "aws:SourceArn", &pattern, &ctx));
    let ok = Context::new().with(
        "aws:SourceArn",
        "arn:aws:someservice:us-east-2:111122223333:finance/document.txt",
    );
    assert!(eval("ArnLike", "aws:SourceArn", &pattern, &ok));
    assert!(
        eval("ArnEquals", "aws:SourceArn", &pattern, &ok),
        "ArnEquals ≡ ArnLike"
    );
}

#[test]
fn numeric_date_bool_binary_ip() {
    let ctx = Context::new()
        .with("s3:max-keys", 10i64)
        .with("aws:CurrentTime", "2019-07-16T12:00:00Z")
        .with("aws:SecureTransport", true)
        .with("aws:SourceIp", "203.0.113.9")
        .with("k:bin", ContextValue::Binary(b"foo".to_vec()))
        .with("k:text", "abc");
    assert!(eval("NumericLessThanEquals", "s3:max-keys", &["10"], &ctx));
    assert!(!eval("NumericLessThan", "s3:max-keys", &["10"], &ctx));
    assert!(eval("NumericGreaterThan", "s3:max-keys", &["9.5"], &ctx));
    assert!(eval(
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2019-07-16T11:59:59Z"],
        &ctx
    ));
    assert!(eval(
        "DateLessThan",
        "aws:CurrentTime",
        &["1563278401"],
        &ctx
    ));
    assert!(eval(
        "DateEquals",
        "aws:CurrentTime",
        &["2019-07-16T14:00:00+02:00"],
        &ctx
    ));
    assert!(eval("Bool", "aws:SecureTransport", &["true"], &ctx));
    assert!(!eval("Bool", "aws:SecureTransport", &["false"], &ctx));
    assert!(eval("BinaryEquals", "k:bin", &["Zm9v"], &ctx));
    assert!(eval("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ctx));
    assert!(!eval(
        "NotIpAddress",
        "aws:SourceIp",
        &["203.0.113.0/24", "10.0.0.0/8"],
        &ctx
    ));
    // POLICY-SPEC A10.4 (decision): unreadable request value ⇒ false, negated or not.
    assert!(!eval("NumericEquals", "k:text", &["1"], &ctx));
    assert!(!eval("NumericNotEquals", "k:text", &["1"], &ctx));
}

#[test]
fn plain_operator_on_multivalued_key_is_false_policy_spec_a5() {
    let ctx = multi("aws:TagKeys", &["a"]);
    assert!(!eval("StringEquals", "aws:TagKeys", &["a"], &ctx));
    assert!(!eval("StringNotEquals", "aws:TagKeys", &["b"], &ctx));
    // Set operator on a single-valued key: a one-element set.
    let single = Context::new().with("aws:RequestedRegion", "us-east-1");
    assert!(eval(
        "ForAnyValue:StringEquals",
        "aws:RequestedRegion",
        &["us-east-1"],
        &single
    ));
}

#[test]
fn variables_in_condition_values_reference_policies_variables() {
    let ctx = Context::new()
        .with("aws:username", "alice")
        .with("s3:prefix", "home/alice/x");
    assert!(eval(
        "StringLike",
        "s3:prefix",
        &["home/${aws:username}/*"],
        &ctx
    ));
    // No value ⇒ StringLike does not match, StringNotLike does.
    assert!(!eval(
        "StringLike",
        "s3:prefix",
        &["home/${aws:userid}/*"],
        &ctx
    ));
    assert!(eval(
        "StringNotLike",
        "s3:prefix",
        &["home/${aws:userid}/*"],
        &ctx
    ));
    // Default value.
    assert!(eval(
        "StringLike",
        "s3:prefix",
        &["home/${aws:PrincipalTag/x, 'alice'}/*"],
        &ctx
    ));
    // Variable with a colon inside an ARN condition.
    let arn = Context::new()
        .with("aws:PrincipalAccount", "123456789012")
        .with("aws:SourceArn", "arn:aws:iam::123456789012:role/r");
    assert!(eval(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:iam::${aws:PrincipalAccount}:role/*"],
        &arn
    ));
}

#[test]
fn unparsable_policy_values_are_rejected_policy_spec_a5() {
    for (op, v) in [
        ("DateGreaterThan", "yesterday"),
        ("NumericEquals", "ten"),
        ("IpAddress", "1.2.3.999"),
        ("Bool", "yes"),
        ("BinaryEquals", "!!"),
        ("Null", "maybe"),
    ] {
        let ParsedOperator::Known(o) = Operator::parse(op) else {
            panic!()
        };
        let e =
            Condition::compile(o, "k:k", &[ConditionValue::String(v.into())], true).unwrap_err();
        assert!(matches!(e, PolicyErrorKind::LegacyParsing(_)), "{op}");
    }
}
