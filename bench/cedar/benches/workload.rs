//! The shared workload of `benches/cedar.rs` and `examples/vs_cedar.rs`: one account whose
//! users each hold ten policies — seven role-like permits on buckets, a tag-matching permit
//! (principal tag = resource tag), a per-user home-directory permit and a forbid of deletes
//! without MFA — written once as IAM JSON and once as the equivalent Cedar policies.
//!
//! Portcullis is handed the policies that apply to the caller (the server resolves a
//! principal's attached policies by key, whatever the store size), Cedar the account's whole
//! policy set, as a Cedar application would load it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portcullis_policy as iam;
use std::str::FromStr;

/// Policies per user.
pub const PER_USER: usize = 10;

/// The IAM policies of user `u` (each one statement, as the Cedar ones are).
pub fn iam_policies(u: usize) -> Vec<String> {
    let mut out = Vec::new();
    for k in 0..7 {
        out.push(format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Sid":"Role{k}","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::u{u}-bucket{k}/*"}}}}"#
        ));
    }
    out.push(r#"{"Version":"2012-10-17","Statement":{"Sid":"Tag","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/project":"${aws:PrincipalTag/project}"}}}}"#.into());
    out.push(r#"{"Version":"2012-10-17","Statement":{"Sid":"Home","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}"#.into());
    out.push(r#"{"Version":"2012-10-17","Statement":{"Sid":"NoDeleteWithoutMfa","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}"#.into());
    out
}

/// The same policies of user `u` in Cedar.
pub fn cedar_policies(u: usize) -> String {
    let mut out = String::new();
    for k in 0..7 {
        out.push_str(&format!(
            r#"permit(principal in Role::"u{u}-role", action in [Action::"s3:GetObject", Action::"s3:ListBucket"], resource in Bucket::"u{u}-bucket{k}");
"#
        ));
    }
    out.push_str(&format!(
        r#"permit(principal == User::"u{u}", action == Action::"s3:GetObject", resource) when {{ principal has project && resource has project && resource.project == principal.project }};
permit(principal == User::"u{u}", action, resource in Bucket::"home") when {{ resource has owner && resource.owner == principal }};
forbid(principal == User::"u{u}", action == Action::"s3:DeleteObject", resource) unless {{ context.mfa }};
"#
    ));
    out
}

/// One request, in both engines' terms.
pub struct Case {
    pub name: &'static str,
    pub action: &'static str,
    /// Bucket and key (`bucket/key`).
    pub object: &'static str,
    pub resource_project: &'static str,
    pub expect: iam::Decision,
}

/// The cases, for user 0 (`u0`, member of `u0-role`, tagged project=atlas).
pub const CASES: &[Case] = &[
    Case {
        name: "allow_role",
        action: "s3:GetObject",
        object: "u0-bucket3/data/x.csv",
        resource_project: "other",
        expect: iam::Decision::Allow,
    },
    Case {
        name: "allow_tag",
        action: "s3:GetObject",
        object: "shared/reports/q3.pdf",
        resource_project: "atlas",
        expect: iam::Decision::Allow,
    },
    Case {
        name: "allow_own_home",
        action: "s3:PutObject",
        object: "home/u0/notes.txt",
        resource_project: "other",
        expect: iam::Decision::Allow,
    },
    Case {
        name: "forbid",
        action: "s3:DeleteObject",
        object: "home/u0/notes.txt",
        resource_project: "other",
        expect: iam::Decision::ExplicitDeny,
    },
    Case {
        name: "implicit_deny",
        action: "s3:PutObject",
        object: "u0-bucket3/data/x.csv",
        resource_project: "other",
        expect: iam::Decision::ImplicitDeny,
    },
];

/// The IAM side of a case: the caller's compiled policies and the request's context.
pub struct IamSide {
    pub policies: Vec<iam::CompiledPolicy>,
    pub contexts: Vec<iam::Context>,
    pub resources: Vec<String>,
}

pub fn iam_side() -> IamSide {
    let policies = iam_policies(0)
        .iter()
        .enumerate()
        .map(|(i, text)| {
            iam::parse(text, iam::PolicyKind::Identity)
                .unwrap()
                .compile(iam::PolicySource::new(
                    format!("u0-p{i}"),
                    iam::PolicyType::Identity,
                ))
        })
        .collect();
    let contexts = CASES
        .iter()
        .map(|c| {
            iam::Context::new()
                .with("aws:username", "u0")
                .with("aws:PrincipalTag/project", "atlas")
                .with("aws:ResourceTag/project", c.resource_project)
                .with("aws:MultiFactorAuthPresent", false)
        })
        .collect();
    let resources = CASES
        .iter()
        .map(|c| format!("arn:aws:s3:::{}", c.object))
        .collect();
    IamSide {
        policies,
        contexts,
        resources,
    }
}

pub const PRINCIPAL_ARN: &str = "arn:aws:iam::111122223333:user/u0";

impl IamSide {
    pub fn request<'a>(&'a self, i: usize) -> iam::Request<'a> {
        iam::Request {
            principal: iam::Principal::user(PRINCIPAL_ARN, "111122223333"),
            action: CASES[i].action,
            resource: &self.resources[i],
            resource_account: None,
            context: &self.contexts[i],
        }
    }
}

/// The Cedar side: the account's policy set for `users` users, entities and requests.
pub struct CedarSide {
    pub policies: cedar_policy::PolicySet,
    pub entities: Vec<cedar_policy::Entities>,
    pub requests: Vec<cedar_policy::Request>,
}

pub fn cedar_side(users: usize) -> CedarSide {
    let text: String = (0..users).map(cedar_policies).collect();
    let policies = cedar_policy::PolicySet::from_str(&text).unwrap();
    assert_eq!(policies.policies().count(), users * PER_USER);
    let uid = |s: &str| cedar_policy::EntityUid::from_str(s).unwrap();
    let mut entities = Vec::new();
    let mut requests = Vec::new();
    for c in CASES {
        let (bucket, _) = c.object.split_once('/').unwrap();
        let owner = c
            .object
            .strip_prefix("home/")
            .and_then(|r| r.split_once('/'))
            .map(|(user, _)| format!(r#","owner":{{"__entity":{{"type":"User","id":"{user}"}}}}"#))
            .unwrap_or_default();
        let json = format!(
            r#"[
            {{"uid":{{"type":"User","id":"u0"}},"attrs":{{"project":"atlas"}},"parents":[{{"type":"Role","id":"u0-role"}}]}},
            {{"uid":{{"type":"Role","id":"u0-role"}},"attrs":{{}},"parents":[]}},
            {{"uid":{{"type":"Bucket","id":"{bucket}"}},"attrs":{{}},"parents":[]}},
            {{"uid":{{"type":"Object","id":"{object}"}},"attrs":{{"project":"{project}"{owner}}},"parents":[{{"type":"Bucket","id":"{bucket}"}}]}}
            ]"#,
            object = c.object,
            project = c.resource_project,
        );
        entities.push(cedar_policy::Entities::from_json_str(&json, None).unwrap());
        let context = cedar_policy::Context::from_json_str(r#"{"mfa":false}"#, None).unwrap();
        requests.push(
            cedar_policy::Request::new(
                uid(r#"User::"u0""#),
                uid(&format!(r#"Action::"{}""#, c.action)),
                uid(&format!(r#"Object::"{}""#, c.object.replace('"', ""))),
                context,
                None,
            )
            .unwrap(),
        );
    }
    CedarSide {
        policies,
        entities,
        requests,
    }
}

impl CedarSide {
    pub fn decide(&self, authorizer: &cedar_policy::Authorizer, i: usize) -> iam::Decision {
        let r = authorizer.is_authorized(&self.requests[i], &self.policies, &self.entities[i]);
        match r.decision() {
            cedar_policy::Decision::Allow => iam::Decision::Allow,
            // Cedar does not tell an explicit forbid from no permit in the decision itself.
            cedar_policy::Decision::Deny if r.diagnostics().reason().count() > 0 => {
                iam::Decision::ExplicitDeny
            }
            cedar_policy::Decision::Deny => iam::Decision::ImplicitDeny,
        }
    }
}
