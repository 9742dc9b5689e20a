//! Portcullis against the `cedar-policy` crate on the same workload (see `workload.rs`), at 10
//! and 1,000 policies in the account. Criterion groups are `vs_cedar/<N>_policies/<case>` with
//! two functions each, `portcullis` and `cedar`, so the ratio is read off adjacent lines; a
//! summary table with the ratios (median of timed batches) is printed at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "workload.rs"]
mod workload;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use portcullis_policy as iam;
use std::time::{Duration, Instant};
use workload::{cedar_side, iam_side, CASES, PER_USER};

const USERS: [usize; 2] = [1, 100];

fn bench(c: &mut Criterion) {
    let ours = iam_side();
    let applicable: Vec<&iam::CompiledPolicy> = ours.policies.iter().collect();
    let set = iam::PolicySet {
        identity_policies: &applicable,
        ..Default::default()
    };
    let authorizer = cedar_policy::Authorizer::new();
    for users in USERS {
        let cedar = cedar_side(users);
        for (i, case) in CASES.iter().enumerate() {
            let req = ours.request(i);
            assert_eq!(iam::evaluate(&set, &req), case.expect, "{}", case.name);
            assert_eq!(
                cedar.decide(&authorizer, i),
                case.expect,
                "cedar {}",
                case.name
            );
            let mut g = c.benchmark_group(format!(
                "vs_cedar/{}_policies/{}",
                users * PER_USER,
                case.name
            ));
            g.warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
            g.bench_function("portcullis", |b| {
                b.iter(|| iam::evaluate(black_box(&set), black_box(&req)))
            });
            g.bench_function("cedar", |b| {
                b.iter(|| {
                    authorizer.is_authorized(
                        black_box(&cedar.requests[i]),
                        black_box(&cedar.policies),
                        black_box(&cedar.entities[i]),
                    )
                })
            });
            g.finish();
        }
    }
    summary(&set, &ours, &authorizer);
}

/// Median nanoseconds per call of `f` over 21 batches sized to take ~2 ms each.
fn median_ns(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed().as_micros() < 2_000 {
        f();
        calls += 1;
    }
    let mut samples: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                f();
            }
            t.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn summary(
    set: &iam::PolicySet<'_>,
    ours: &workload::IamSide,
    authorizer: &cedar_policy::Authorizer,
) {
    println!("\nvs_cedar summary (median of 21 batches; ratio = cedar / portcullis)");
    println!(
        "{:<10} {:<16} {:>14} {:>14} {:>10}",
        "policies", "case", "portcullis ns", "cedar ns", "ratio"
    );
    for users in USERS {
        let cedar = cedar_side(users);
        for (i, case) in CASES.iter().enumerate() {
            let req = ours.request(i);
            let a = median_ns(|| {
                black_box(iam::evaluate(black_box(set), black_box(&req)));
            });
            let b = median_ns(|| {
                black_box(authorizer.is_authorized(
                    black_box(&cedar.requests[i]),
                    black_box(&cedar.policies),
                    black_box(&cedar.entities[i]),
                ));
            });
            println!(
                "{:<10} {:<16} {:>14.1} {:>14.1} {:>9.0}x",
                users * PER_USER,
                case.name,
                a,
                b,
                b / a
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
