//! Criterion benchmarks: a typical decision, decision cost against store size (10 / 1,000 /
//! 100,000 policies) × applicable policies (1–120) — only the applicable policies are handed
//! to `evaluate`, so cost must stay flat as the store grows — and parse+compile of a typical
//! document. Instruction counts of the typical decision: `examples/typical.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/typical.rs"]
mod typical;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use portcullis_policy::*;
use std::time::Duration;
use typical::{compile, context, identity_policy, request, Typical};

fn bench_typical(c: &mut Criterion) {
    let typical = Typical::new();
    let ctx = context();
    let req = request(&ctx);
    typical.with_set(|set| {
        assert_eq!(evaluate(set, &req), Decision::Allow);
        c.bench_function("typical_decision_10_policies_50_statements", |b| {
            b.iter(|| evaluate(black_box(set), black_box(&req)))
        });
        let deny = Request {
            action: "s3:PutObject",
            ..req
        };
        assert_eq!(evaluate(set, &deny), Decision::ImplicitDeny);
        c.bench_function("typical_implicit_deny", |b| {
            b.iter(|| evaluate(black_box(set), black_box(&deny)))
        });
        let explicit = Request {
            action: "s3:DeleteBucket",
            ..req
        };
        assert_eq!(evaluate(set, &explicit), Decision::ExplicitDeny);
        c.bench_function("typical_explicit_deny", |b| {
            b.iter(|| evaluate(black_box(set), black_box(&explicit)))
        });
        c.bench_function("typical_explain", |b| {
            b.iter(|| explain(black_box(set), black_box(&req)))
        });
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
    let req = request(&ctx);
    // Store sizes × applicable policies. The server hands evaluate only the principal's
    // policies, wherever they sit in the store; they are picked spread across it (so they are
    // as cold in cache as in a real store). Cost must depend on the applicable count only.
    for size in [10usize, 1_000, 100_000] {
        let store: Vec<CompiledPolicy> = (0..size)
            .map(|i| templates[i % templates.len()].clone())
            .collect();
        let mut group = c.benchmark_group(format!("store_{size}"));
        group
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2));
        for n in [1usize, 10, 60, 120] {
            if n > size {
                continue;
            }
            let applicable: Vec<&CompiledPolicy> =
                (0..n).map(|k| &store[(k * 7919 + 3) % size]).collect();
            let set = PolicySet {
                identity_policies: &applicable,
                ..Default::default()
            };
            group.bench_with_input(BenchmarkId::new("applicable", n), &set, |b, set| {
                b.iter(|| evaluate(black_box(set), black_box(&req)))
            });
        }
        group.finish();
    }
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
