//! POLICY-DRT (SECURITY-BAR row 16): the optimised engine against the naive reference model
//! of tests/reference on generated (policies, boundary, session policies, SCPs, resource
//! policy, request context). 10,000 cases by default; `PROPTEST_CASES` raises it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod reference;

use portcullis_policy::*;
use proptest::prelude::*;
use reference::engine::run_engine;
use reference::model::{self, Set};
use reference::strategies::{policy_set, request};

proptest! {
    #![proptest_config(ProptestConfig {
        // 10,000 by default (SECURITY-BAR row 16, tier P); PROPTEST_CASES=1000000 for tier R.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000),
        max_shrink_iters: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn engine_agrees_with_reference(set in policy_set(), r in request()) {
        let (fast, slow) = run_engine(&set, &r);
        prop_assert_eq!(fast, slow, "evaluate vs explain");
        prop_assert_eq!(fast, model::decide(&set, &r), "engine vs reference");
    }
}

/// The generators must exercise every outcome, or agreement would prove little.
#[test]
fn generated_cases_cover_every_decision() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut counts = [0usize; 3];
    let mut resource_grants = 0;
    for _ in 0..2_000 {
        let set = policy_set().new_tree(&mut runner).unwrap().current();
        let r = request().new_tree(&mut runner).unwrap().current();
        let (d, _) = run_engine(&set, &r);
        counts[d as usize] += 1;
        let without_rbp = Set {
            resource: None,
            must_allow: false,
            ..set.clone()
        };
        if d == Decision::Allow && run_engine(&without_rbp, &r).0 != Decision::Allow {
            resource_grants += 1;
        }
    }
    eprintln!("Allow/ExplicitDeny/ImplicitDeny = {counts:?}; allowed only via resource policy: {resource_grants}");
    assert!(counts.iter().all(|&c| c >= 100), "{counts:?}");
    assert!(resource_grants >= 10, "{resource_grants}");
}
