//! Compiling a validated [`Policy`] into a form that evaluates without allocating:
//! action names lower-cased and split into wildcard pieces, resource ARNs split into
//! components, conditions typed with their context keys hashed, and statements indexed by
//! action ([`crate::index`]) so that a request for `s3:GetObject` only visits statements that
//! can name it, Deny statements first.

use crate::action::ActionPattern;
use crate::arn::ArnPattern;
use crate::condition::Condition;
use crate::document::{Effect, Policy};
use crate::error::Position;
use crate::index::{ActionIndex, Indexed};
use crate::principal::{Level, PrincipalMatcher};
use crate::request::Prepared;
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

/// A policy compiled for evaluation. Immutable, `Send + Sync`, cheap to share behind an `Arc`.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    source: PolicySource,
    statements: Box<[CompiledStatement]>,
    index: ActionIndex,
    /// No statement has a `Principal`/`NotPrincipal`, so every applicable Allow grants the same
    /// (no level): the first one found settles the policy's Allow.
    first_allow_settles: bool,
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
        let index = ActionIndex::build(statements.iter().map(|s| Indexed {
            deny: s.effect == Effect::Deny,
            not_action: s.actions_negated,
            actions: &s.actions,
        }));
        CompiledPolicy {
            source,
            first_allow_settles: statements.iter().all(|s| s.principal.is_none()),
            statements: statements.into(),
            index,
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

    /// Evaluates this policy against `prep`. `has_boundary` feeds the NotPrincipal rule:
    /// Deny + NotPrincipal always applies to a principal with a permissions boundary
    /// (UG:reference_policies_elements_notprincipal). With `need_allow` false the caller only
    /// wants to know about an explicit Deny (another policy has already allowed), so Allow
    /// statements are skipped; a tracing evaluation ignores it and visits every statement.
    pub(crate) fn evaluate<T: Tracer>(
        &self,
        prep: &Prepared<'_>,
        has_boundary: bool,
        need_allow: bool,
        trace: &mut T,
    ) -> Outcome {
        let mut out = Outcome::default();
        let indexed = if T::FULL {
            None
        } else {
            self.index.candidates(prep)
        };
        let Some(lists) = indexed else {
            // Every statement in source order: explain, or an action that is not ASCII.
            for s in self.statements.iter() {
                if let Some(level) = s.applies(prep, true, has_boundary, trace) {
                    trace.matched(self, s);
                    out.record(s.effect, level);
                    if out.deny && !T::FULL {
                        break;
                    }
                }
            }
            return out;
        };
        // The exact bucket's statements are known to name the action; the others are not.
        let [exact, wildcard, any] = lists;
        let lists = [(exact, false), (wildcard, true), (any, true)];
        for (bucket, check_action) in lists {
            for &i in self.index.denies(bucket) {
                let s = &self.statements[i as usize];
                if s.applies(prep, check_action, has_boundary, trace).is_some() {
                    out.deny = true;
                    return out;
                }
            }
        }
        if !need_allow {
            return out;
        }
        for (bucket, check_action) in lists {
            for &i in self.index.allows(bucket) {
                let s = &self.statements[i as usize];
                if let Some(level) = s.applies(prep, check_action, has_boundary, trace) {
                    out.record(Effect::Allow, level);
                    if self.first_allow_settles || out.grant == Some(Level::Itself) {
                        return out;
                    }
                }
            }
        }
        out
    }
}

impl Outcome {
    #[inline(always)]
    fn record(&mut self, effect: Effect, level: Option<Level>) {
        match effect {
            Effect::Deny => self.deny = true,
            Effect::Allow => {
                self.allow = true;
                self.grant = self.grant.max(level);
            }
        }
    }
}

impl CompiledStatement {
    /// Whether the statement applies to the request, and if so at which level its `Principal`
    /// named the caller. `check_action` is false when the action index already proved the
    /// action matches. Cheap tests first: action, resource, principal, then conditions.
    fn applies<T: Tracer>(
        &self,
        prep: &Prepared<'_>,
        check_action: bool,
        has_boundary: bool,
        trace: &mut T,
    ) -> Option<Option<Level>> {
        if check_action && !self.matches_action(prep) {
            return None;
        }
        if !self.matches_resource(prep) {
            return None;
        }
        let req = prep.req;
        let level = match &self.principal {
            None => None,
            Some((false, m)) => Some(m.level(&req.principal)?),
            Some((true, m)) => {
                if !has_boundary && m.exempts(&req.principal) {
                    return None;
                }
                None
            }
        };
        let conditions_hold = if T::FULL {
            // Evaluate every condition so the trace lists every missing key.
            let mut all = true;
            for c in self.conditions.iter() {
                all &= c.evaluate(req.context, trace);
            }
            all
        } else {
            self.conditions
                .iter()
                .all(|c| c.evaluate(req.context, trace))
        };
        conditions_hold.then_some(level)
    }

    #[inline(always)]
    fn matches_action(&self, prep: &Prepared<'_>) -> bool {
        let any = match prep.action() {
            Some(lowered) => self
                .actions
                .iter()
                .any(|a| a.matches_lowered(lowered, prep.service_hash)),
            None => self.actions.iter().any(|a| a.matches(prep.req.action)),
        };
        any != self.actions_negated
    }

    #[inline(always)]
    fn matches_resource(&self, prep: &Prepared<'_>) -> bool {
        match &self.resources {
            None => true,
            Some((negated, patterns)) => {
                patterns
                    .iter()
                    .any(|p| p.matches_parts(&prep.resource, prep.req.context))
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
    fn statements_are_indexed_by_action_deny_first() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["s3:GetObject","S3:PutObject","ec2:Describe*"],"Resource":"*"},
                {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","NotAction":"s3:*","Resource":"*"},
                {"Effect":"Allow","Action":"*","Resource":"*"},
                {"Effect":"Deny","Action":["s3:getobject","s3:Get*"],"Resource":"*"},
                {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let c = p.compile(PolicySource::new("p", PolicyType::Identity));
        let ctx = crate::Context::new();
        let lists = |action: &'static str| {
            let req = crate::Request {
                principal: crate::Principal::anonymous(),
                action,
                resource: "*",
                resource_account: None,
                context: &ctx,
            };
            let prep = Prepared::new(&req);
            let [exact, wildcard, any] = c.index.candidates(&prep).unwrap();
            [(exact, false), (wildcard, true), (any, true)].map(|(b, check)| {
                (
                    c.index.denies(b).to_vec(),
                    c.index.allows(b).to_vec(),
                    check,
                )
            })
        };
        let none = (vec![], vec![], true);
        let any = (vec![2], vec![3], true);
        assert_eq!(
            lists("S3:GetObject"),
            [
                (vec![5], vec![0], false),
                (vec![4], vec![], true),
                any.clone()
            ]
        );
        assert_eq!(
            lists("s3:putobject"),
            [
                (vec![], vec![0], false),
                (vec![4], vec![], true),
                any.clone()
            ]
        );
        assert_eq!(
            lists("ec2:DescribeInstances"),
            [
                (vec![], vec![], false),
                (vec![], vec![0], true),
                any.clone()
            ]
        );
        assert_eq!(
            lists("iam:GetUser"),
            [
                (vec![], vec![], false),
                (vec![], vec![1], true),
                any.clone()
            ]
        );
        assert_eq!(
            lists("sqs:SendMessage"),
            [(vec![], vec![], false), none, any]
        );
    }
}
