//! Drives the typical decision of `benches/evaluate.rs` in a loop, for instruction counting:
//! `valgrind --tool=callgrind --toggle-collect='portcullis_policy::evaluate::evaluate' \
//!  target/release/examples/typical 1000` then divide `Ir` by the loop count.
//! (Callgrind counts are stable on a busy machine where wall-clock timings are not.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portcullis_policy::*;
use std::hint::black_box;

fn identity_policy(i: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Sid":"Read{i}","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket{i}","arn:aws:s3:::bucket{i}/home/${{aws:username}}/*"]}},
        {{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":["eu-west-1","us-east-1"]}},"IpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}}},
        {{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{{"BoolIfExists":{{"aws:MultiFactorAuthPresent":"false"}}}}}},
        {{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:111122223333:q{i}","Condition":{{"DateLessThan":{{"aws:CurrentTime":"2100-01-01T00:00:00Z"}}}}}},
        {{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}}]}}"#
    )
}

fn compile(text: &str, kind: PolicyKind, id: &str, ty: PolicyType) -> CompiledPolicy {
    parse(text, kind).unwrap().compile(PolicySource::new(id, ty))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let identity: Vec<CompiledPolicy> = (0..10)
        .map(|i| compile(&identity_policy(i), PolicyKind::Identity, &format!("p{i}"), PolicyType::Identity))
        .collect();
    let ids: Vec<&CompiledPolicy> = identity.iter().collect();
    let boundary = compile(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","ec2:*","sqs:*"],"Resource":"*"}}"#,
        PolicyKind::Identity,
        "b",
        PolicyType::PermissionsBoundary,
    );
    let scp = compile(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}"#,
        PolicyKind::ServiceControl,
        "scp",
        PolicyType::ServiceControl,
    );
    let rbp = compile(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket3/*"}}"#,
        PolicyKind::Resource,
        "rbp",
        PolicyType::ResourceBased,
    );
    let level: [&CompiledPolicy; 1] = [&scp];
    let scps: [&[&CompiledPolicy]; 2] = [&level, &level];
    let set = PolicySet {
        scps: &scps,
        resource_policy: Some(&rbp),
        permissions_boundary: Some(&boundary),
        identity_policies: &ids,
        ..Default::default()
    };
    let ctx = Context::new()
        .with("aws:username", "alice")
        .with("aws:RequestedRegion", "eu-west-1")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:CurrentTime", "2025-01-01T00:00:00Z");
    let req = Request {
        principal: Principal::user("arn:aws:iam::111122223333:user/alice", "111122223333"),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket3/home/alice/a.txt",
        resource_account: None,
        context: &ctx,
    };
    assert_eq!(evaluate(&set, &req), Decision::Allow);
    let mut allowed = 0usize;
    for _ in 0..n {
        allowed += usize::from(evaluate(black_box(&set), black_box(&req)).is_allowed());
    }
    assert_eq!(allowed, n);
    println!("{n} decisions");
}
