//! Criterion benchmarks: a typical decision, decision cost against store size (only the
//! applicable policies are handed to `evaluate`, so cost must stay flat as the store grows),
//! cost against the number of applicable policies, and parse+compile of a typical document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use portcullis_policy::*;

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

fn compile(text: &str, kind: PolicyKind, id: String, ty: PolicyType) -> CompiledPolicy {
    parse(text, kind)
        .unwrap()
        .compile(PolicySource::new(id, ty))
}

fn context() -> Context {
    Context::new()
        .with("aws:username", "alice")
        .with("aws:RequestedRegion", "eu-west-1")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:CurrentTime", "2025-01-01T00:00:00Z")
}

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";

fn bench_typical(c: &mut Criterion) {
    let identity: Vec<CompiledPolicy> = (0..10)
        .map(|i| {
            compile(
                &identity_policy(i),
                PolicyKind::Identity,
                format!("p{i}"),
                PolicyType::Identity,
            )
        })
        .collect();
    let ids: Vec<&CompiledPolicy> = identity.iter().collect();
    let boundary = compile(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","ec2:*","sqs:*"],"Resource":"*"}}"#,
        PolicyKind::Identity,
        "b".into(),
        PolicyType::PermissionsBoundary,
    );
    let scp = compile(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}"#,
        PolicyKind::ServiceControl,
        "scp".into(),
        PolicyType::ServiceControl,
    );
    let rbp = compile(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket3/*"}}"#,
        PolicyKind::Resource,
        "rbp".into(),
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
    let ctx = context();
    let req = Request {
        principal: Principal::user(ALICE, "111122223333"),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket3/home/alice/a.txt",
        resource_account: None,
        context: &ctx,
    };
    assert_eq!(evaluate(&set, &req), Decision::Allow);
    c.bench_function("typical_decision_10_policies_50_statements", |b| {
        b.iter(|| evaluate(black_box(&set), black_box(&req)))
    });
    let deny = Request {
        action: "s3:PutObject",
        ..req
    };
    c.bench_function("typical_implicit_deny", |b| {
        b.iter(|| evaluate(black_box(&set), black_box(&deny)))
    });
    c.bench_function("typical_explain", |b| {
        b.iter(|| explain(black_box(&set), black_box(&req)))
    });
}

fn bench_store_size(c: &mut Criterion) {
    // 100 distinct compiled templates, cloned up to the store size.
    let templates: Vec<CompiledPolicy> = (0..100)
        .map(|i| {
            compile(
                &identity_policy(i),
                PolicyKind::Identity,
                format!("t{i}"),
                PolicyType::Identity,
            )
        })
        .collect();
    let ctx = context();
    let req = Request {
        principal: Principal::user(ALICE, "111122223333"),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket3/home/alice/a.txt",
        resource_account: None,
        context: &ctx,
    };
    let mut group = c.benchmark_group("store_size_10_applicable");
    for size in [10usize, 1_000, 100_000] {
        let store: Vec<CompiledPolicy> = (0..size)
            .map(|i| templates[i % templates.len()].clone())
            .collect();
        // The server hands evaluate only the principal's policies, wherever they sit in the store.
        let applicable: Vec<&CompiledPolicy> =
            (0..10).map(|k| &store[(k * 7919 + 3) % size]).collect();
        let set = PolicySet {
            identity_policies: &applicable,
            ..Default::default()
        };
        group.bench_with_input(BenchmarkId::from_parameter(size), &set, |b, set| {
            b.iter(|| evaluate(black_box(set), black_box(&req)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("applicable_policies");
    let store: Vec<CompiledPolicy> = (0..120)
        .map(|i| templates[i % templates.len()].clone())
        .collect();
    for n in [1usize, 10, 60, 120] {
        let applicable: Vec<&CompiledPolicy> = store[..n].iter().collect();
        let set = PolicySet {
            identity_policies: &applicable,
            ..Default::default()
        };
        group.bench_with_input(BenchmarkId::from_parameter(n), &set, |b, set| {
            b.iter(|| evaluate(black_box(set), black_box(&req)))
        });
    }
    group.finish();
}

fn bench_parse(c: &mut Criterion) {
    let text = identity_policy(1);
    c.bench_function("parse_and_compile_5_statements", |b| {
        b.iter(|| {
            parse(black_box(&text), PolicyKind::Identity)
                .unwrap()
                .compile(PolicySource::new("p", PolicyType::Identity))
        })
    });
}

criterion_group!(benches, bench_typical, bench_store_size, bench_parse);
criterion_main!(benches);
