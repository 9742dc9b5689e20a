//! The typical decision of `benches/evaluate.rs` in a loop, for instruction counts, which stay
//! stable on a busy machine where wall-clock timings do not:
//!
//! ```text
//! cargo build --release -p portcullis-policy --example typical
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!   --toggle-collect='portcullis_policy::evaluate::evaluate' target/release/examples/typical 1000
//! ```
//! then divide the collected `Ir` by the loop count (1000). `typical N deny` runs the implicit
//! deny (`s3:PutObject`) instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/typical.rs"]
mod typical;

use portcullis_policy::*;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let deny = args.next().as_deref() == Some("deny");
    let typical = typical::Typical::new();
    let ctx = typical::context();
    let mut req = typical::request(&ctx);
    let mut want = Decision::Allow;
    if deny {
        req.action = "s3:PutObject";
        want = Decision::ImplicitDeny;
    }
    typical.with_set(|set| {
        assert_eq!(evaluate(set, &req), want);
        let mut hits = 0usize;
        for _ in 0..n {
            hits += usize::from(evaluate(black_box(set), black_box(&req)) == want);
        }
        assert_eq!(hits, n);
    });
    println!("{n} decisions");
}
