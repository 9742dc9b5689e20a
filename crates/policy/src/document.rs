//! The validated policy document (the AST) and its canonical JSON form
//! (UG:reference_policies_grammar, POLICY-SPEC A1).

use crate::condition::operator::Operator;
use crate::condition::{Condition, ConditionValue};
use crate::error::Position;
use crate::principal::{PrincipalBlock, PrincipalMatcher};
use crate::variables::keys_in;

/// Which kind of policy a document is; it decides the validation rules (POLICY-SPEC A1, A9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Identity-based: inline/managed user, group and role policies, permissions boundaries
    /// and session policies. No `Principal`; Version 2012-10-17 required.
    Identity,
    /// A resource-based policy (bucket, queue, key, … policies): `Principal` required.
    Resource,
    /// An IAM role trust policy: `Principal` required, no `Resource`, sts:AssumeRole* actions.
    RoleTrust,
    /// An Organizations service control policy: no `Principal`; Version 2012-10-17.
    ServiceControl,
    /// An Organizations resource control policy: `Principal: "*"`, `Allow` only as RCPFullAWSAccess.
    ResourceControl,
}

impl PolicyKind {
    /// IAM's own documents are limited to U+0009, U+000A, U+000D, U+0020–U+00FF.
    pub(crate) fn iam_charset(self) -> bool {
        matches!(self, PolicyKind::Identity | PolicyKind::RoleTrust)
    }
}

/// The policy language version (UG:reference_policies_elements_version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2008-10-17` (also the meaning of an absent Version): policy variables are literal text.
    V2008_10_17,
    /// `2012-10-17`: the current language.
    V2012_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008_10_17 => "2008-10-17",
            Version::V2012_10_17 => "2012-10-17",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A list element that may be negated: `Action`/`NotAction`, `Resource`/`NotResource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// True for the `Not…` form.
    pub negated: bool,
    /// The entries as written (a bare string is a one-element list).
    pub values: Vec<String>,
}

/// One condition operator block: `operator: { key: [values] }`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConditionBlock {
    /// Operator name as written.
    pub operator: String,
    /// The parsed operator; `None` for an unknown operator with an empty map (ignored, A9).
    pub parsed: Option<Operator>,
    pub keys: Vec<(String, Vec<ConditionValue>)>,
    pub compiled: Vec<Condition>,
}

/// A validated statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<(bool, PrincipalBlock, PrincipalMatcher)>,
    pub(crate) action: Targets,
    pub(crate) resource: Option<Targets>,
    pub(crate) conditions: Vec<ConditionBlock>,
    pub(crate) start: Position,
    pub(crate) end: Position,
}

impl Statement {
    /// The statement id, if any.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// Position of the statement's opening `{` (simulator `StartPosition`).
    pub fn start(&self) -> Position {
        self.start
    }
    /// Position of the statement's closing `}` (simulator `EndPosition`).
    pub fn end(&self) -> Position {
        self.end
    }
    /// `Action` or `NotAction`.
    pub fn actions(&self) -> &Targets {
        &self.action
    }
    /// `Resource` or `NotResource` (absent in role trust policies).
    pub fn resources(&self) -> Option<&Targets> {
        self.resource.as_ref()
    }
    /// `Principal` (`false`) or `NotPrincipal` (`true`), as written.
    pub fn principal(&self) -> Option<(bool, &PrincipalBlock)> {
        self.principal.as_ref().map(|(neg, block, _)| (*neg, block))
    }
    /// Condition keys used by this statement, as written.
    pub fn condition_keys(&self) -> impl Iterator<Item = &str> {
        self.conditions
            .iter()
            .flat_map(|b| b.keys.iter().map(|(k, _)| k.as_str()))
    }
}

/// A parsed and validated policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub(crate) kind: PolicyKind,
    pub(crate) version: Option<Version>,
    pub(crate) id: Option<String>,
    pub(crate) statements: Vec<Statement>,
}

impl Policy {
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }
    /// The `Version` element; `None` when absent (which means 2008-10-17).
    pub fn version(&self) -> Option<Version> {
        self.version
    }
    /// Whether policy variables are substituted (only under 2012-10-17).
    pub fn substitutes_variables(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Distinct context keys the policy uses — condition keys and, under 2012-10-17, keys named
    /// by policy variables — in order of first appearance, compared case-insensitively
    /// (for GetContextKeysFor{Custom,Principal}Policy).
    pub fn context_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |k: &str| {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
                out.push(k.to_string());
            }
        };
        let vars = self.substitutes_variables();
        for s in &self.statements {
            if vars {
                for r in s.resource.iter().flat_map(|t| t.values.iter()) {
                    keys_in(r).iter().for_each(|k| add(k));
                }
            }
            for b in &s.conditions {
                for (key, values) in &b.keys {
                    add(key);
                    if vars {
                        for v in values {
                            if let ConditionValue::String(text) = v {
                                keys_in(text).iter().for_each(|k| add(k));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Re-emits the policy as canonical, compact JSON: `Version`, `Id`, `Statement` (always an
    /// array), statement elements in grammar order, one-element lists as bare strings.
    /// Parsing the output yields an equivalent policy.
    pub fn to_json(&self) -> String {
        let mut o = String::from("{");
        let mut first = true;
        let mut key = |o: &mut String, k: &str| {
            if !first {
                o.push(',');
            }
            first = false;
            push_str(o, k);
            o.push(':');
        };
        if let Some(v) = self.version {
            key(&mut o, "Version");
            push_str(&mut o, v.as_str());
        }
        if let Some(id) = &self.id {
            key(&mut o, "Id");
            push_str(&mut o, id);
        }
        key(&mut o, "Statement");
        o.push('[');
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            statement_json(&mut o, s);
        }
        o.push_str("]}");
        o
    }
}

fn statement_json(o: &mut String, s: &Statement) {
    o.push('{');
    if let Some(sid) = &s.sid {
        push_str(o, "Sid");
        o.push(':');
        push_str(o, sid);
        o.push(',');
    }
    push_str(o, "Effect");
    o.push(':');
    push_str(o, s.effect.as_str());
    if let Some((neg, block, _)) = &s.principal {
        o.push(',');
        push_str(o, if *neg { "NotPrincipal" } else { "Principal" });
        o.push(':');
        match block {
            PrincipalBlock::Star => push_str(o, "*"),
            PrincipalBlock::Map(m) => {
                o.push('{');
                for (i, (ty, values)) in m.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    push_str(o, ty.as_str());
                    o.push(':');
                    push_list(o, values);
                }
                o.push('}');
            }
        }
    }
    o.push(',');
    push_str(
        o,
        if s.action.negated {
            "NotAction"
        } else {
            "Action"
        },
    );
    o.push(':');
    push_list(o, &s.action.values);
    if let Some(r) = &s.resource {
        o.push(',');
        push_str(o, if r.negated { "NotResource" } else { "Resource" });
        o.push(':');
        push_list(o, &r.values);
    }
    if !s.conditions.is_empty() {
        o.push(',');
        push_str(o, "Condition");
        o.push_str(":{");
        for (i, b) in s.conditions.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            push_str(o, &b.operator);
            o.push_str(":{");
            for (j, (k, values)) in b.keys.iter().enumerate() {
                if j > 0 {
                    o.push(',');
                }
                push_str(o, k);
                o.push(':');
                let one = |o: &mut String, v: &ConditionValue| match v {
                    ConditionValue::String(t) => push_str(o, t),
                    ConditionValue::Number(n) => o.push_str(n),
                    ConditionValue::Bool(b) => o.push_str(if *b { "true" } else { "false" }),
                };
                if values.len() == 1 {
                    one(o, &values[0]);
                } else {
                    o.push('[');
                    for (n, v) in values.iter().enumerate() {
                        if n > 0 {
                            o.push(',');
                        }
                        one(o, v);
                    }
                    o.push(']');
                }
            }
            o.push('}');
        }
        o.push('}');
    }
    o.push('}');
}

fn push_list(o: &mut String, values: &[String]) {
    if values.len() == 1 {
        push_str(o, &values[0]);
    } else {
        o.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            push_str(o, v);
        }
        o.push(']');
    }
}

/// Writes a JSON string literal.
fn push_str(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
}
