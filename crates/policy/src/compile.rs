//! Compiling a validated [`Policy`] into a form that evaluates without allocating:
//! action names lower-cased and split into wildcard pieces, resource ARNs split into
//! components, conditions typed, and statements indexed by service prefix so that a request
//! for `s3:GetObject` only visits statements that can name an `s3` action. Statements whose
//! actions have a wildcarded service (`*`, `s3*:…`) or use `NotAction` go in a catch-all bucket.

use crate::action::{service_of, ActionPattern};
use crate::arn::ArnPattern;
use crate::condition::Condition;
use crate::document::{Effect, Policy};
use crate::error::Position;
use crate::principal::{Level, PrincipalMatcher};
use crate::request::Request;
use crate::trace::Tracer;

/// Where a compiled policy came from, as reported in traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    /// Inline user/group/role policies and attached managed policies.
    Identity,
    PermissionsBoundary,
    /// Session policies passed to AssumeRole*/GetFederationToken.
    Session,
    /// Resource-based policies, including role trust policies and key policies.
    ResourceBased,
    ServiceControl,
    ResourceControl,
}

/// Label of a compiled policy: its ARN or inline name, and its role in evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicySource {
    /// Policy ARN, or the inline policy's name.
    pub id: String,
    pub policy_type: PolicyType,
}

impl PolicySource {
    pub fn new(id: impl Into<String>, policy_type: PolicyType) -> Self {
        PolicySource {
            id: id.into(),
            policy_type,
        }
    }
}

/// A statement ready for evaluation.
#[derive(Clone, Debug)]
pub(crate) struct CompiledStatement {
    pub sid: Option<Box<str>>,
    pub effect: Effect,
    pub start: Position,
    pub end: Position,
    /// `Some((negated, matcher))` for `Principal` (false) / `NotPrincipal` (true).
    principal: Option<(bool, PrincipalMatcher)>,
    actions_negated: bool,
    actions: Box<[ActionPattern]>,
    /// `None` in role trust policies (no Resource element).
    resources: Option<(bool, Box<[ArnPattern]>)>,
    conditions: Box<[Condition]>,
}

/// Statements (by index) whose actions name one service prefix (lower-case).
type ServiceBucket = (Box<str>, Box<[u32]>);

/// A policy compiled for evaluation. Immutable, `Send + Sync`, cheap to share behind an `Arc`.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    source: PolicySource,
    statements: Box<[CompiledStatement]>,
    /// (lower-case service prefix, statement indices), sorted by prefix.
    by_service: Box<[ServiceBucket]>,
    catch_all: Box<[u32]>,
}

/// What one policy says about one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub allow: bool,
    pub deny: bool,
    /// For resource-based policies: the strongest level at which an Allow named the caller.
    pub grant: Option<Level>,
}

impl CompiledPolicy {
    /// Compiles `policy` under the given label.
    pub fn new(policy: &Policy, source: PolicySource) -> CompiledPolicy {
        let vars = policy.substitutes_variables();
        let statements: Vec<CompiledStatement> = policy
            .statements()
            .iter()
            .map(|s| CompiledStatement {
                sid: s.sid.as_deref().map(Into::into),
                effect: s.effect,
                start: s.start,
                end: s.end,
                principal: s.principal.as_ref().map(|(neg, _, m)| (*neg, m.clone())),
                actions_negated: s.action.negated,
                actions: s
                    .action
                    .values
                    .iter()
                    .map(|a| ActionPattern::compile(a))
                    .collect(),
                resources: s.resource.as_ref().map(|r| {
                    (
                        r.negated,
                        r.values
                            .iter()
                            .map(|v| ArnPattern::compile(v, vars))
                            .collect(),
                    )
                }),
                conditions: s
                    .conditions
                    .iter()
                    .flat_map(|b| b.compiled.iter().cloned())
                    .collect(),
            })
            .collect();
        let mut buckets: Vec<(Box<str>, Vec<u32>)> = Vec::new();
        let mut catch_all = Vec::new();
        for (i, s) in statements.iter().enumerate() {
            let i = i as u32;
            if s.actions_negated || s.actions.iter().any(|a| a.service().is_none()) {
                catch_all.push(i);
                continue;
            }
            for a in s.actions.iter() {
                let svc = a.service().unwrap_or_default();
                match buckets.iter_mut().find(|(k, _)| &**k == svc) {
                    Some((_, v)) if v.last() == Some(&i) => {}
                    Some((_, v)) => v.push(i),
                    None => buckets.push((svc.into(), vec![i])),
                }
            }
        }
        buckets.sort_by(|a, b| a.0.cmp(&b.0));
        CompiledPolicy {
            source,
            statements: statements.into(),
            by_service: buckets.into_iter().map(|(k, v)| (k, v.into())).collect(),
            catch_all: catch_all.into(),
        }
    }

    pub fn source(&self) -> &PolicySource {
        &self.source
    }

    pub fn id(&self) -> &str {
        &self.source.id
    }

    pub fn policy_type(&self) -> PolicyType {
        self.source.policy_type
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Statements that might apply to `action`, found without allocating.
    fn bucket(&self, action: &str) -> &[u32] {
        let svc = service_of(action);
        let found = self
            .by_service
            .binary_search_by(|(k, _)| k.bytes().cmp(svc.bytes().map(|b| b.to_ascii_lowercase())));
        match found {
            Ok(i) => &self.by_service[i].1,
            Err(_) => &[],
        }
    }

    /// Evaluates this policy against `req`. `has_boundary` feeds the NotPrincipal rule:
    /// Deny + NotPrincipal always applies to a principal with a permissions boundary
    /// (UG:reference_policies_elements_notprincipal).
    pub(crate) fn evaluate<T: Tracer>(
        &self,
        req: &Request<'_>,
        has_boundary: bool,
        trace: &mut T,
    ) -> Outcome {
        let mut out = Outcome::default();
        for &i in self.bucket(req.action).iter().chain(self.catch_all.iter()) {
            let s = &self.statements[i as usize];
            if out.deny && !T::FULL {
                break;
            }
            if !s.matches_action(req.action) || !s.matches_resource(req) {
                continue;
            }
            let level = match &s.principal {
                None => None,
                Some((false, m)) => match m.level(&req.principal) {
                    Some(l) => Some(l),
                    None => continue,
                },
                Some((true, m)) => {
                    if !has_boundary && m.exempts(&req.principal) {
                        continue;
                    }
                    None
                }
            };
            let conditions_hold = if T::FULL {
                // Evaluate every condition so the trace lists every missing key.
                let mut all = true;
                for c in s.conditions.iter() {
                    all &= c.evaluate(req.context, trace);
                }
                all
            } else {
                s.conditions.iter().all(|c| c.evaluate(req.context, trace))
            };
            if !conditions_hold {
                continue;
            }
            trace.matched(self, s);
            match s.effect {
                Effect::Deny => out.deny = true,
                Effect::Allow => {
                    out.allow = true;
                    out.grant = out.grant.max(level);
                }
            }
        }
        out
    }
}

impl CompiledStatement {
    fn matches_action(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.matches(action)) != self.actions_negated
    }

    fn matches_resource(&self, req: &Request<'_>) -> bool {
        match &self.resources {
            None => true,
            Some((negated, patterns)) => {
                patterns
                    .iter()
                    .any(|p| p.matches(req.resource, req.context))
                    != *negated
            }
        }
    }
}

impl Policy {
    /// Compiles this policy; see [`CompiledPolicy::new`].
    pub fn compile(&self, source: PolicySource) -> CompiledPolicy {
        CompiledPolicy::new(self, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, PolicyKind};

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn compiled_policy_is_send_sync() {
        assert_send_sync::<CompiledPolicy>();
    }

    #[test]
    fn statements_are_indexed_by_service() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["s3:GetObject","S3:PutObject","ec2:Describe*"],"Resource":"*"},
                {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","NotAction":"s3:*","Resource":"*"},
                {"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let c = p.compile(PolicySource::new("p", PolicyType::Identity));
        assert_eq!(c.bucket("S3:GetObject"), &[0]);
        assert_eq!(c.bucket("ec2:DescribeInstances"), &[0]);
        assert_eq!(c.bucket("iam:GetUser"), &[1]);
        assert!(c.bucket("sqs:SendMessage").is_empty());
        assert_eq!(&*c.catch_all, &[2, 3]);
    }
}
