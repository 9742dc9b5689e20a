//! One case of `benches/cedar.rs` in a loop, for instruction counts of either engine:
//!
//! ```text
//! cargo build --release -p portcullis-policy --example vs_cedar
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/ours \
//!   --toggle-collect='portcullis_policy::evaluate::evaluate' \
//!   target/release/examples/vs_cedar portcullis 10 allow_role 1000
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cedar \
//!   --toggle-collect='cedar_policy::api::Authorizer::is_authorized' \
//!   target/release/examples/vs_cedar cedar 10 allow_role 1000
//! ```
//! Arguments: engine, policies in the account (10 or 1000), case name, iterations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/workload.rs"]
mod workload;

use portcullis_policy as iam;
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engine = args.first().map_or("portcullis", String::as_str);
    let policies: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let case = args.get(2).map_or("allow_role", String::as_str);
    let n: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let i = workload::CASES.iter().position(|c| c.name == case).unwrap();
    let want = workload::CASES[i].expect;
    let users = policies / workload::PER_USER;
    if engine == "cedar" {
        let cedar = workload::cedar_side(users);
        let authorizer = cedar_policy::Authorizer::new();
        assert_eq!(cedar.decide(&authorizer, i), want);
        for _ in 0..n {
            black_box(authorizer.is_authorized(
                black_box(&cedar.requests[i]),
                black_box(&cedar.policies),
                black_box(&cedar.entities[i]),
            ));
        }
    } else {
        let ours = workload::iam_side();
        let applicable: Vec<&iam::CompiledPolicy> = ours.policies.iter().collect();
        let set = iam::PolicySet {
            identity_policies: &applicable,
            ..Default::default()
        };
        let req = ours.request(i);
        assert_eq!(iam::evaluate(&set, &req), want);
        for _ in 0..n {
            black_box(iam::evaluate(black_box(&set), black_box(&req)));
        }
    }
    println!("{n} decisions by {engine} over {policies} policies ({case})");
}
