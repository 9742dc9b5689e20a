//! The "typical decision" of the performance goals, shared by `benches/evaluate.rs` and
//! `examples/typical.rs` (instruction counts): 10 identity policies of 5 statements (role-like
//! S3 reads with a per-user home, region/IP conditions, a NotAction deny without MFA, a dated
//! SQS grant, a deny), a permissions boundary, two SCP levels and a bucket policy naming the
//! caller; `s3:GetObject` on the caller's home in bucket3, allowed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portcullis_policy::*;

pub fn identity_policy(i: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Sid":"Read{i}","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket{i}","arn:aws:s3:::bucket{i}/home/${{aws:username}}/*"]}},
        {{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":["eu-west-1","us-east-1"]}},"IpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}}},
        {{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{{"BoolIfExists":{{"aws:MultiFactorAuthPresent":"false"}}}}}},
        {{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:111122223333:q{i}","Condition":{{"DateLessThan":{{"aws:CurrentTime":"2100-01-01T00:00:00Z"}}}}}},
        {{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}}]}}"#
    )
}

pub fn compile(text: &str, kind: PolicyKind, id: String, ty: PolicyType) -> CompiledPolicy {
    parse(text, kind)
        .unwrap()
        .compile(PolicySource::new(id, ty))
}

pub fn context() -> Context {
    Context::new()
        .with("aws:username", "alice")
        .with("aws:RequestedRegion", "eu-west-1")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:MultiFactorAuthPresent", true)
        .with("aws:CurrentTime", "2025-01-01T00:00:00Z")
}

pub const ALICE: &str = "arn:aws:iam::111122223333:user/alice";

pub fn request(ctx: &Context) -> Request<'_> {
    Request {
        principal: Principal::user(ALICE, "111122223333"),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket3/home/alice/a.txt",
        resource_account: None,
        context: ctx,
    }
}

/// The compiled policies of the typical decision.
pub struct Typical {
    identity: Vec<CompiledPolicy>,
    boundary: CompiledPolicy,
    scp: CompiledPolicy,
    rbp: CompiledPolicy,
}

impl Typical {
    pub fn new() -> Typical {
        Typical {
            identity: (0..10)
                .map(|i| {
                    compile(
                        &identity_policy(i),
                        PolicyKind::Identity,
                        format!("p{i}"),
                        PolicyType::Identity,
                    )
                })
                .collect(),
            boundary: compile(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","ec2:*","sqs:*"],"Resource":"*"}}"#,
                PolicyKind::Identity,
                "b".into(),
                PolicyType::PermissionsBoundary,
            ),
            scp: compile(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}"#,
                PolicyKind::ServiceControl,
                "scp".into(),
                PolicyType::ServiceControl,
            ),
            rbp: compile(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket3/*"}}"#,
                PolicyKind::Resource,
                "rbp".into(),
                PolicyType::ResourceBased,
            ),
        }
    }

    /// Runs `f` with the policy set (its slices live on this stack frame).
    pub fn with_set<R>(&self, f: impl FnOnce(&PolicySet<'_>) -> R) -> R {
        let ids: Vec<&CompiledPolicy> = self.identity.iter().collect();
        let level: [&CompiledPolicy; 1] = [&self.scp];
        let scps: [&[&CompiledPolicy]; 2] = [&level, &level];
        f(&PolicySet {
            scps: &scps,
            resource_policy: Some(&self.rbp),
            permissions_boundary: Some(&self.boundary),
            identity_policies: &ids,
            ..Default::default()
        })
    }
}
