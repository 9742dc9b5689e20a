//! POLICY-PROPS (SECURITY-BAR row 17): algebraic properties of the decision, on generated
//! policy sets and requests (UG:reference_policies_evaluation-logic).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod reference;

use portcullis_policy::*;
use proptest::prelude::*;
use reference::engine::run_engine;
use reference::model::{Pol, Stmt, Who};
use reference::strategies::{policy, policy_set, request, statement};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn decision(set: &reference::model::Set, r: &reference::model::Req) -> Decision {
    run_engine(set, r).0
}

proptest! {
    #![proptest_config(config())]

    /// `to_json` re-emits a policy that parses back to the same canonical text and decides alike.
    #[test]
    fn to_json_round_trips(p in policy(true), resource_side in any::<bool>()) {
        let kind = if resource_side { PolicyKind::Resource } else { PolicyKind::Identity };
        let p = if resource_side { p } else { Pol { stmts: p.stmts.into_iter().map(|s| Stmt { principal: None, ..s }).collect() } };
        let parsed = parse(&p.json(), kind).unwrap();
        let once = parsed.to_json();
        let twice = parse(&once, kind).unwrap().to_json();
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(parsed.context_keys(), parse(&once, kind).unwrap().context_keys());
    }

    /// Adding a Deny (anywhere an identity policy can go) never turns a denial into an Allow,
    /// and an explicit deny stays explicit.
    #[test]
    fn adding_deny_never_adds_access(set in policy_set(), r in request(), mut extra in statement(false)) {
        extra.allow = false;
        let before = decision(&set, &r);
        let mut more = set.clone();
        more.identity.push(Pol { stmts: vec![extra] });
        let after = decision(&more, &r);
        if after == Decision::Allow { prop_assert_eq!(before, Decision::Allow); }
        if before == Decision::ExplicitDeny { prop_assert_eq!(after, Decision::ExplicitDeny); }
    }

    /// Adding an Allow never turns an Allow into a denial.
    #[test]
    fn adding_allow_never_removes_access(set in policy_set(), r in request(), mut extra in statement(false)) {
        extra.allow = true;
        let before = decision(&set, &r);
        let mut more = set.clone();
        more.identity.push(Pol { stmts: vec![extra] });
        if before == Decision::Allow { prop_assert_eq!(decision(&more, &r), Decision::Allow); }
    }

    /// Permissions boundaries and session policies only narrow (UG:access_policies_boundaries).
    /// (A federated-user session without session policies has no permissions, so removing its
    /// session policies is not a widening: that case is excluded.)
    #[test]
    fn boundaries_and_session_policies_only_narrow(set in policy_set(), r in request()) {
        if decision(&set, &r) == Decision::Allow {
            let no_boundary = reference::model::Set { boundary: None, ..set.clone() };
            prop_assert_eq!(decision(&no_boundary, &r), Decision::Allow);
            if r.who != Who::FedUser {
                let no_session = reference::model::Set { sessions: None, ..set.clone() };
                prop_assert_eq!(decision(&no_session, &r), Decision::Allow);
            }
        }
    }

    /// Statement order and duplicated statements do not matter; policy order neither.
    #[test]
    fn order_and_duplicates_do_not_matter(set in policy_set(), r in request()) {
        let shuffle = |p: &Pol| {
            let mut stmts: Vec<Stmt> = p.stmts.iter().rev().cloned().collect();
            stmts.push(p.stmts[0].clone());
            Pol { stmts }
        };
        let mut other = set.clone();
        other.identity = set.identity.iter().rev().map(shuffle).collect();
        other.resource = set.resource.as_ref().map(shuffle);
        other.boundary = set.boundary.as_ref().map(shuffle);
        other.sessions = set.sessions.as_ref().map(|s| s.iter().rev().map(shuffle).collect());
        other.scps = set.scps.iter().map(|l| l.iter().rev().map(shuffle).collect()).collect();
        prop_assert_eq!(decision(&set, &r), decision(&other, &r));
    }

    /// Action names are case-insensitive in requests too (UG:reference_policies_elements_action).
    #[test]
    fn action_case_does_not_matter(set in policy_set(), r in request()) {
        let mut upper = r.clone();
        upper.action = r.action.to_uppercase();
        prop_assert_eq!(decision(&set, &r), decision(&set, &upper));
    }

    /// `NotAction`/`NotResource` are exact complements of `Action`/`Resource`
    /// (UG:reference_policies_elements_notaction, UG:reference_policies_elements_notresource).
    #[test]
    fn not_elements_are_complements(s in statement(false), r in request(), not_resource in any::<bool>()) {
        // Flip one dimension and make the other match everything.
        let base = Stmt { allow: true, principal: None, not_action: false, not_resource: false, conditions: vec![], ..s };
        let (base, flipped) = if not_resource {
            let b = Stmt { actions: vec!["*".into()], ..base };
            (b.clone(), Stmt { not_resource: true, ..b })
        } else {
            let b = Stmt { resources: vec!["*".into()], ..base };
            (b.clone(), Stmt { not_action: true, ..b })
        };
        let mut r = r;
        r.who = Who::User;
        r.cross_account = false;
        let one = |st: Stmt| decision(&reference::model::Set { identity: vec![Pol { stmts: vec![st] }], ..Default::default() }, &r);
        prop_assert_ne!(one(base) == Decision::Allow, one(flipped) == Decision::Allow);
    }

    /// An explicit Deny of everything in any identity policy dominates every Allow.
    #[test]
    fn explicit_deny_dominates(set in policy_set(), r in request()) {
        let mut more = set.clone();
        more.identity.push(Pol { stmts: vec![Stmt { allow: false, principal: None, not_action: false, actions: vec!["*".into()], not_resource: false, resources: vec!["*".into()], conditions: vec![] }] });
        prop_assert_eq!(decision(&more, &r), Decision::ExplicitDeny);
    }
}
