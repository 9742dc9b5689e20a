//! `evaluate` must not touch the heap: a counting global allocator (from the `stats_alloc`
//! dev-dependency, so this crate stays free of `unsafe`) checks a typical decision.
//! One test per binary: the allocator counts every thread.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portcullis_policy::*;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn compile(text: &str, kind: PolicyKind, id: &str, ty: PolicyType) -> CompiledPolicy {
    parse(text, kind)
        .unwrap()
        .compile(PolicySource::new(id, ty))
}

#[test]
fn evaluate_allocates_nothing_on_typical_decisions() {
    let identity: Vec<CompiledPolicy> = (0..10)
        .map(|i| {
            compile(
                &format!(
                    r#"{{"Version":"2012-10-17","Statement":[
                    {{"Sid":"Read{i}","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket{i}","arn:aws:s3:::bucket{i}/home/${{aws:username}}/*"]}},
                    {{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":["eu-west-1","us-east-1"]}},"IpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}}},
                    {{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{{"BoolIfExists":{{"aws:MultiFactorAuthPresent":"false"}},"ForAnyValue:StringLike":{{"aws:TagKeys":"secret*"}}}}}},
                    {{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:111122223333:q{i}","Condition":{{"DateLessThan":{{"aws:CurrentTime":"2100-01-01T00:00:00Z"}},"NumericLessThanEquals":{{"aws:MultiFactorAuthAge":"3600"}}}}}},
                    {{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}}]}}"#
                ),
                PolicyKind::Identity,
                &format!("p{i}"),
                PolicyType::Identity,
            )
        })
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
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket3/*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}}]}"#,
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
        .with("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")
        .with("aws:RequestedRegion", "eu-west-1")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:MultiFactorAuthAge", 60i64)
        .with("aws:CurrentTime", "2025-01-01T00:00:00Z")
        .with("aws:TagKeys", vec!["team", "cost"]);
    let alice = Principal::user("arn:aws:iam::111122223333:user/alice", "111122223333");
    let requests = [
        (
            "s3:GetObject",
            "arn:aws:s3:::bucket3/home/alice/a.txt",
            Decision::Allow,
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:::bucket3/other",
            Decision::Allow,
        ),
        ("ec2:DescribeInstances", "*", Decision::Allow),
        (
            "sqs:SendMessage",
            "arn:aws:sqs:eu-west-1:111122223333:q4",
            Decision::Allow,
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::bucket3/x",
            Decision::ImplicitDeny,
        ),
        (
            "s3:DeleteBucket",
            "arn:aws:s3:::bucket3",
            Decision::ExplicitDeny,
        ),
        ("iam:CreateUser", "*", Decision::ImplicitDeny),
    ];
    // Warm up (lazy statics, if any) and check the expected decisions.
    for (action, resource, want) in requests {
        let r = Request {
            principal: alice,
            action,
            resource,
            resource_account: None,
            context: &ctx,
        };
        assert_eq!(evaluate(&set, &r), want, "{action} {resource}");
        assert_eq!(explain(&set, &r).decision, want);
    }
    let region = Region::new(GLOBAL);
    let mut allowed = 0;
    for _ in 0..100 {
        for (action, resource, _) in requests {
            let r = Request {
                principal: alice,
                action,
                resource,
                resource_account: None,
                context: &ctx,
            };
            allowed += usize::from(evaluate(&set, &r).is_allowed());
        }
    }
    let stats = region.change();
    assert_eq!(allowed, 400);
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "evaluate allocated: {stats:?}"
    );
}
