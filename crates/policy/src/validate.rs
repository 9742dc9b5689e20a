//! From JSON to a validated [`Policy`]: the grammar (UG:reference_policies_grammar) and the
//! per-kind rules of POLICY-SPEC A1–A4 and A9, in IAM's order — structure first, then Version,
//! then Sid uniqueness, then each statement's elements — so the first error is the one AWS reports.

use crate::action::validate_action;
use crate::arn::validate_resource;
use crate::condition::operator::{Operator, ParsedOperator};
use crate::condition::{Condition, ConditionValue};
use crate::document::{ConditionBlock, Effect, Policy, PolicyKind, Statement, Targets, Version};
use crate::error::{PolicyError, PolicyErrorKind as K, Position};
use crate::json::{self, Json, JsonValue};
use crate::principal::{PrincipalBlock, PrincipalMatcher, PrincipalType};

/// Actions a role trust policy may name (UG:id_roles_update-role-trust-policy; POLICY-SPEC A9).
const TRUST_ACTIONS: &[&str] = &[
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
];

/// Parses and validates a policy document of the given kind.
pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let root = json::parse(text, kind.iam_charset())?;
    let JsonValue::Object(members) = &root.value else {
        return Err(PolicyError::syntax(
            "the policy must be a JSON object",
            root.start,
        ));
    };
    let (mut version, mut id, mut statement) = (None, None, None);
    for (k, v) in members {
        match k.as_str() {
            "Version" => version = Some(v),
            "Id" => id = Some(string(v, "Id")?),
            "Statement" => statement = Some(v),
            other => {
                return Err(PolicyError::syntax(
                    format!("unknown policy element \"{other}\""),
                    v.start,
                ))
            }
        }
    }
    let version = match version {
        None => None,
        Some(v) => match string(v, "Version")?.as_str() {
            "2012-10-17" => Some(Version::V2012_10_17),
            "2008-10-17" => Some(Version::V2008_10_17),
            other => {
                return Err(PolicyError::syntax(
                    format!("unsupported Version \"{other}\""),
                    v.start,
                ))
            }
        },
    };
    let Some(statement) = statement else {
        return Err(PolicyError::syntax("missing Statement", root.start));
    };
    let raw: Vec<&Json> = match &statement.value {
        JsonValue::Object(_) => vec![statement],
        JsonValue::Array(items) if !items.is_empty() => items.iter().collect(),
        JsonValue::Array(_) => {
            return Err(PolicyError::syntax(
                "Statement is an empty list",
                statement.start,
            ))
        }
        _ => {
            return Err(PolicyError::syntax(
                "Statement must be an object or a list of objects",
                statement.start,
            ))
        }
    };
    let shapes = raw
        .iter()
        .map(|s| shape(s))
        .collect::<Result<Vec<_>, _>>()?;

    let needs_2012 = matches!(
        kind,
        PolicyKind::Identity | PolicyKind::ServiceControl | PolicyKind::ResourceControl
    );
    if needs_2012 && version != Some(Version::V2012_10_17) {
        return Err(PolicyError::at(K::VersionTooOld, root.start));
    }
    for (i, s) in shapes.iter().enumerate() {
        if let Some(sid) = s.sid.as_deref().filter(|s| !s.is_empty()) {
            if shapes[..i].iter().any(|o| o.sid.as_deref() == Some(sid)) {
                return Err(PolicyError::at(K::DuplicateSid(sid.to_string()), s.start));
            }
        }
    }
    let variables = version == Some(Version::V2012_10_17);
    let statements = shapes
        .into_iter()
        .map(|s| finish(s, kind, variables))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Policy {
        kind,
        version,
        id,
        statements,
    })
}

/// A statement after the structural pass: every element has the right JSON type.
struct Shape {
    sid: Option<String>,
    effect: Effect,
    principal: Option<(bool, PrincipalBlock, Position)>,
    action: Option<(Targets, Position)>,
    resource: Option<(Targets, Position)>,
    condition: ConditionShape,
    start: Position,
    end: Position,
}

fn string(v: &Json, what: &str) -> Result<String, PolicyError> {
    match &v.value {
        JsonValue::String(s) => Ok(s.clone()),
        _ => Err(PolicyError::syntax(
            format!("{what} must be a string, not {}", v.type_name()),
            v.start,
        )),
    }
}

/// A string or a list of strings.
fn strings(v: &Json, what: &str) -> Result<Vec<String>, PolicyError> {
    match &v.value {
        JsonValue::String(s) => Ok(vec![s.clone()]),
        JsonValue::Array(items) => items.iter().map(|i| string(i, what)).collect(),
        _ => Err(PolicyError::syntax(
            format!(
                "{what} must be a string or a list of strings, not {}",
                v.type_name()
            ),
            v.start,
        )),
    }
}

fn either<'j>(
    a: Option<&'j Json>,
    b: Option<&'j Json>,
    names: (&str, &str),
    at: Position,
) -> Result<Option<(bool, &'j Json)>, PolicyError> {
    match (a, b) {
        (Some(_), Some(_)) => Err(PolicyError::syntax(
            format!("a statement cannot have both {} and {}", names.0, names.1),
            at,
        )),
        (Some(v), None) => Ok(Some((false, v))),
        (None, Some(v)) => Ok(Some((true, v))),
        (None, None) => Ok(None),
    }
}

fn shape(s: &Json) -> Result<Shape, PolicyError> {
    let JsonValue::Object(members) = &s.value else {
        return Err(PolicyError::syntax(
            "each statement must be an object",
            s.start,
        ));
    };
    let mut f: [Option<&Json>; 9] = [None; 9];
    const NAMES: [&str; 9] = [
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    for (k, v) in members {
        match NAMES.iter().position(|n| n == k) {
            Some(i) => f[i] = Some(v),
            None => {
                return Err(PolicyError::syntax(
                    format!("unknown statement element \"{k}\""),
                    v.start,
                ))
            }
        }
    }
    let sid = f[0].map(|v| string(v, "Sid")).transpose()?;
    let effect = match f[1] {
        None => return Err(PolicyError::syntax("statement is missing Effect", s.start)),
        Some(v) => match string(v, "Effect")?.as_str() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other => {
                return Err(PolicyError::at(
                    K::LegacyParsing(format!(
                        "Effect must be \"Allow\" or \"Deny\", not \"{other}\""
                    )),
                    v.start,
                ))
            }
        },
    };
    let principal = match either(f[2], f[3], ("Principal", "NotPrincipal"), s.start)? {
        None => None,
        Some((neg, v)) => Some((neg, principal_block(v)?, v.start)),
    };
    let action = either(f[4], f[5], ("Action", "NotAction"), s.start)?
        .map(|(negated, v)| {
            Ok::<_, PolicyError>((
                Targets {
                    negated,
                    values: strings(v, "Action")?,
                },
                v.start,
            ))
        })
        .transpose()?;
    let resource = either(f[6], f[7], ("Resource", "NotResource"), s.start)?
        .map(|(negated, v)| {
            Ok::<_, PolicyError>((
                Targets {
                    negated,
                    values: strings(v, "Resource")?,
                },
                v.start,
            ))
        })
        .transpose()?;
    let condition = match f[8] {
        None => Vec::new(),
        Some(c) => condition_shape(c)?,
    };
    Ok(Shape {
        sid,
        effect,
        principal,
        action,
        resource,
        condition,
        start: s.start,
        end: s.end,
    })
}

fn principal_block(v: &Json) -> Result<PrincipalBlock, PolicyError> {
    match &v.value {
        JsonValue::String(s) if s == "*" => Ok(PrincipalBlock::Star),
        JsonValue::Object(members) => {
            let mut map = Vec::new();
            for (k, val) in members {
                let Some(ty) = PrincipalType::from_key(k) else {
                    return Err(PolicyError::syntax(
                        format!("unknown principal type \"{k}\""),
                        val.start,
                    ));
                };
                map.push((ty, strings(val, "a principal")?));
            }
            Ok(PrincipalBlock::Map(map))
        }
        _ => Err(PolicyError::syntax(
            "Principal must be \"*\" or an object",
            v.start,
        )),
    }
}

type ConditionShape = Vec<(
    String,
    Option<Operator>,
    Vec<(String, Vec<ConditionValue>)>,
    Position,
)>;

fn condition_shape(c: &Json) -> Result<ConditionShape, PolicyError> {
    let JsonValue::Object(ops) = &c.value else {
        return Err(PolicyError::syntax("Condition must be an object", c.start));
    };
    let mut out = Vec::new();
    for (name, body) in ops {
        let JsonValue::Object(keys) = &body.value else {
            return Err(PolicyError::syntax(
                format!("the value of condition operator {name} must be an object"),
                body.start,
            ));
        };
        let parsed = match Operator::parse(name) {
            ParsedOperator::Known(op) => Some(op),
            ParsedOperator::Unknown if keys.is_empty() => None,
            ParsedOperator::Unknown => {
                return Err(PolicyError::syntax(
                    format!("unknown condition operator \"{name}\""),
                    body.start,
                ))
            }
            ParsedOperator::Malformed => {
                return Err(PolicyError::syntax(
                    format!("malformed condition operator \"{name}\""),
                    body.start,
                ))
            }
        };
        let mut list = Vec::new();
        for (key, vals) in keys {
            let scalar = |j: &Json| match &j.value {
                JsonValue::String(s) => Ok(ConditionValue::String(s.clone())),
                JsonValue::Number(n) => Ok(ConditionValue::Number(n.clone())),
                JsonValue::Bool(b) => Ok(ConditionValue::Bool(*b)),
                _ => Err(PolicyError::syntax(
                    format!("condition value for {key} must be a string, number or boolean"),
                    j.start,
                )),
            };
            let values = match &vals.value {
                JsonValue::Array(items) => {
                    items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?
                }
                _ => vec![scalar(vals)?],
            };
            list.push((key.clone(), values));
        }
        out.push((name.clone(), parsed, list, body.start));
    }
    Ok(out)
}

/// The semantic pass over one statement, with the per-kind rules.
fn finish(s: Shape, kind: PolicyKind, variables: bool) -> Result<Statement, PolicyError> {
    let at = |k: K, p: Position| PolicyError::at(k, p);
    // Actions and resources must exist.
    let (action, action_pos) = match s.action {
        Some((a, p)) if !a.values.is_empty() => (a, p),
        Some((_, p)) => return Err(at(K::MissingActions, p)),
        None => return Err(at(K::MissingActions, s.start)),
    };
    let resource = match (kind, s.resource) {
        (PolicyKind::RoleTrust, Some((_, p))) => return Err(at(K::ProhibitedResource, p)),
        (PolicyKind::RoleTrust, None) => None,
        (_, Some((r, _))) if !r.values.is_empty() => Some(r),
        (_, Some((_, p))) => return Err(at(K::MissingResources, p)),
        (_, None) => return Err(at(K::MissingResources, s.start)),
    };
    // Principal rules per kind.
    let principal = match (kind, s.principal) {
        (PolicyKind::Identity, Some((_, _, p))) => return Err(at(K::PrincipalNotAllowed, p)),
        (PolicyKind::ServiceControl, Some((false, _, p))) => {
            return Err(at(K::PrincipalNotAllowed, p))
        }
        (PolicyKind::Identity | PolicyKind::ServiceControl, None) => None,
        (
            PolicyKind::ServiceControl | PolicyKind::RoleTrust | PolicyKind::ResourceControl,
            Some((true, _, p)),
        ) => return Err(at(K::NotPrincipalNotSupported, p)),
        (_, None) => return Err(at(K::MissingPrincipal, s.start)),
        (PolicyKind::Resource, Some((true, _, p))) if s.effect == Effect::Allow => {
            return Err(at(K::NotPrincipalWithAllow, p))
        }
        (_, Some((neg, block, p))) => {
            let m = PrincipalMatcher::new(&block).map_err(|k| at(k, p))?;
            if kind == PolicyKind::ResourceControl && !m.is_any_only() {
                return Err(at(K::RcpPrincipal, p));
            }
            Some((neg, block, m))
        }
    };
    for a in &action.values {
        validate_action(a).map_err(|k| at(k, action_pos))?;
    }
    if kind == PolicyKind::RoleTrust {
        let allowed = |a: &str| {
            let pat = crate::action::ActionPattern::compile(a);
            pat.service() == Some("sts") && TRUST_ACTIONS.iter().any(|t| pat.matches(t))
        };
        if action.negated || !action.values.iter().all(|a| allowed(a)) {
            return Err(at(
                K::TrustPolicyAction(action.values.join(", ")),
                action_pos,
            ));
        }
    }
    if kind == PolicyKind::ResourceControl && action.negated {
        return Err(at(K::UnsupportedElement("NotAction"), action_pos));
    }
    if let Some(r) = &resource {
        for v in &r.values {
            validate_resource(v).map_err(|k| at(k, s.start))?;
        }
    }
    let mut conditions = Vec::new();
    for (name, parsed, keys, pos) in s.condition {
        let mut compiled = Vec::new();
        if let Some(op) = parsed {
            for (key, values) in &keys {
                if !key.contains(':') {
                    return Err(at(K::MissingVendor(key.clone()), pos));
                }
                compiled
                    .push(Condition::compile(op, key, values, variables).map_err(|k| at(k, pos))?);
            }
        }
        conditions.push(ConditionBlock {
            operator: name,
            parsed,
            keys,
            compiled,
        });
    }
    if kind == PolicyKind::ResourceControl && s.effect == Effect::Allow {
        let full = action.values == ["*"]
            && resource
                .as_ref()
                .is_some_and(|r| !r.negated && r.values == ["*"])
            && conditions.iter().all(|c| c.keys.is_empty());
        if !full {
            return Err(at(K::RcpAllow, s.start));
        }
    }
    if let Some(sid) = &s.sid {
        let alnum_only = kind != PolicyKind::Resource;
        if alnum_only && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(at(K::SidNotAlphanumeric(sid.clone()), s.start));
        }
    }
    Ok(Statement {
        sid: s.sid,
        effect: s.effect,
        principal,
        action,
        resource,
        conditions,
        start: s.start,
        end: s.end,
    })
}
