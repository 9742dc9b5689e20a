//! Parser fuzzing: any input, read as a policy of every kind, must either be rejected with an
//! error or parse into a policy whose `to_json()` re-parses to the same number of statements,
//! and that compiles and evaluates (and explains) a fixed request without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_policy::*;

const KINDS: [(PolicyKind, PolicyType); 4] = [
    (PolicyKind::Identity, PolicyType::Identity),
    (PolicyKind::Resource, PolicyType::ResourceBased),
    (PolicyKind::ServiceControl, PolicyType::ServiceControl),
    (PolicyKind::ResourceControl, PolicyType::ResourceControl),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let context = Context::new()
        .with("aws:username", "alice")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:CurrentTime", "2025-01-01T00:00:00Z")
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:PrincipalTag/team", "blue")
        .with("aws:TagKeys", vec!["team", "cost"]);
    for (kind, ty) in KINDS {
        let Ok(policy) = parse(text, kind) else {
            continue;
        };
        let json = policy.to_json();
        let again = match parse(&json, kind) {
            Ok(p) => p,
            Err(e) => panic!("to_json output does not re-parse ({e}): {json}"),
        };
        assert_eq!(
            again.statements().len(),
            policy.statements().len(),
            "statement count changed: {json}"
        );
        let compiled = policy.compile(PolicySource::new("fuzz", ty));
        let one = [&compiled];
        let level: [&[&CompiledPolicy]; 1] = [&one];
        let set = match ty {
            PolicyType::ResourceBased => PolicySet {
                resource_policy: Some(&compiled),
                ..Default::default()
            },
            PolicyType::ServiceControl => PolicySet {
                scps: &level,
                ..Default::default()
            },
            PolicyType::ResourceControl => PolicySet {
                rcps: &level,
                ..Default::default()
            },
            _ => PolicySet {
                identity_policies: &one,
                ..Default::default()
            },
        };
        for (action, resource) in [
            ("s3:GetObject", "arn:aws:s3:::bucket/home/alice/a.txt"),
            ("IAM:CreateUser", "arn:aws:iam::111122223333:user/bob"),
            ("sts:AssumeRole", "arn:aws:iam::111122223333:role/r"),
        ] {
            let req = Request {
                principal: Principal::user("arn:aws:iam::111122223333:user/alice", "111122223333"),
                action,
                resource,
                resource_account: None,
                context: &context,
            };
            let fast = evaluate(&set, &req);
            assert_eq!(
                fast,
                explain(&set, &req).decision,
                "evaluate and explain disagree"
            );
        }
    }
});
