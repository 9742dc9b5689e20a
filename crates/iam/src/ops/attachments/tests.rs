use super::entities::{entities_using, EntityFilter, Kind};
use super::*;
use crate::ops::managed_policies::UsageFilter;

const P: &str = "arn:aws:iam::123456789012:policy/team/Readers";

fn arns(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("arn:aws:iam::123456789012:policy/p{i}"))
        .collect()
}

#[test]
fn attaching_is_idempotent_and_limited_to_the_quota() {
    let mut attached = arns(9);
    assert!(attach(&mut attached, P, POLICIES_PER_USER, "PoliciesPerUser").unwrap());
    assert_eq!(attached.len(), 10);
    // Attaching again is a no-op, even at the quota.
    assert!(!attach(&mut attached, P, POLICIES_PER_USER, "PoliciesPerUser").unwrap());
    let e = attach(
        &mut attached,
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        POLICIES_PER_USER,
        "PoliciesPerUser",
    )
    .unwrap_err();
    assert_eq!(e.code, "LimitExceeded");
    assert_eq!(e.message, "Cannot exceed quota for PoliciesPerUser: 10");
    assert_eq!(attached.len(), 10);
}

#[test]
fn detaching_what_is_not_attached_is_no_such_entity() {
    let mut attached = vec![P.to_string()];
    detach(&mut attached, P).unwrap();
    assert!(attached.is_empty());
    let e = detach(&mut attached, P).unwrap_err();
    assert_eq!(e.code, "NoSuchEntity");
    assert_eq!(e.message, format!("Policy {P} was not found."));
}

fn names(entries: &[(String, Kind, String, String)]) -> Vec<(Kind, &str)> {
    entries.iter().map(|e| (e.1, e.2.as_str())).collect()
}

#[test]
fn entities_are_derived_and_filtered() {
    let acct = crate::ops::managed_policies::tests::account();
    let all = entities_using(&acct, P, false, None, None, None);
    assert_eq!(
        names(&all),
        [
            (Kind::Group, "devs"),
            (Kind::User, "alice"),
            (Kind::User, "bob"),
            (Kind::User, "carol"),
            (Kind::Role, "svc"),
        ]
    );
    let policy_only = entities_using(
        &acct,
        P,
        false,
        None,
        Some(UsageFilter::PermissionsPolicy),
        None,
    );
    assert_eq!(
        names(&policy_only),
        [
            (Kind::Group, "devs"),
            (Kind::User, "alice"),
            (Kind::Role, "svc")
        ]
    );
    let boundary_only = entities_using(
        &acct,
        P,
        false,
        Some(EntityFilter::User),
        Some(UsageFilter::PermissionsBoundary),
        None,
    );
    assert_eq!(
        names(&boundary_only),
        [(Kind::User, "bob"), (Kind::User, "carol")]
    );
    let groups = entities_using(&acct, P, false, Some(EntityFilter::Group), None, None);
    assert_eq!(names(&groups), [(Kind::Group, "devs")]);
    let roles = entities_using(&acct, P, false, Some(EntityFilter::Role), None, None);
    assert_eq!(names(&roles), [(Kind::Role, "svc")]);
    // A customer policy is local: the AWSManagedPolicy filter leaves nothing.
    assert!(entities_using(
        &acct,
        P,
        false,
        Some(EntityFilter::AwsManagedPolicy),
        None,
        None
    )
    .is_empty());
    assert_eq!(
        entities_using(
            &acct,
            P,
            false,
            Some(EntityFilter::LocalManagedPolicy),
            None,
            None
        )
        .len(),
        5
    );
    assert!(entities_using(&acct, P, false, None, None, Some("/eng/")).is_empty());
}
