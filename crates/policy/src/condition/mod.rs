//! The `Condition` element (UG:reference_policies_elements_condition,
//! UG:reference_policies_elements_condition_operators,
//! UG:reference_policies_condition-single-vs-multi-valued-context-keys, POLICY-SPEC A5).
//!
//! Logic: operators AND, keys under one operator AND, values of one key OR — and NOR for
//! negated operators. A missing key makes a positive operator false and a negated one true,
//! except `…IfExists` (true) and `Null`. `ForAllValues` is true for an absent/empty key,
//! `ForAnyValue` false. A plain operator on a multi-valued key is false whether negated or not
//! (POLICY-SPEC A5, observed; decision). A request value that cannot be read as the operator's
//! type (e.g. `NumericEquals` on `"abc"`) makes the per-value test false, negated or not
//! (POLICY-SPEC A10.4, decision).

pub(crate) mod operator;
pub(crate) mod value;

use crate::arn::ArnPattern;
use crate::context::{Context, Value};
use crate::error::PolicyErrorKind;
use crate::glob::{Case, Pattern, Syntax};
use crate::keys::Key;
use crate::trace::Tracer;
use operator::{Compare, Family, Operator, SetQualifier};
use value::{base64_decode, parse_bool, parse_date, parse_number, Cidr, Nanos};

/// A condition value as written: JSON string, number or boolean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionValue {
    String(String),
    /// The number's source text.
    Number(String),
    Bool(bool),
}

impl ConditionValue {
    /// The value as text: condition values are strings to IAM, whatever their JSON type.
    pub fn as_text(&self) -> &str {
        match self {
            ConditionValue::String(s) | ConditionValue::Number(s) => s,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}

/// Compiled policy values of one condition.
#[derive(Clone, Debug, PartialEq)]
enum Values {
    Strings(Box<[Pattern]>),
    Arns(Box<[ArnPattern]>),
    Numbers(Box<[f64]>),
    Dates(Box<[Nanos]>),
    Bools(Box<[bool]>),
    Binary(Box<[Box<[u8]>]>),
    Ips(Box<[Cidr]>),
    Null(Box<[bool]>),
}

/// One `operator: { key: values }` test, compiled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Condition {
    op: Operator,
    /// Context key, lower-cased and hashed at compile time for lookup.
    key: Key,
    /// Key as written (reported as a missing context key).
    key_written: Box<str>,
    values: Values,
}

fn bad_value(op: &Operator, key: &str, v: &ConditionValue) -> PolicyErrorKind {
    PolicyErrorKind::LegacyParsing(format!(
        "value \"{}\" of {} for key {key} cannot be read as that operator's type",
        v.as_text(),
        op.name()
    ))
}

impl Condition {
    /// Compiles one key's values. `variables` is true for 2012-10-17 policies; variables are
    /// substituted only for String and ARN operators (UG:reference_policies_variables).
    pub fn compile(
        op: Operator,
        key: &str,
        raw: &[ConditionValue],
        variables: bool,
    ) -> Result<Condition, PolicyErrorKind> {
        let err = |v: &ConditionValue| bad_value(&op, key, v);
        let values = match op.family {
            Family::String => {
                let syntax = Syntax {
                    wildcards: op.compare == Compare::Like,
                    variables,
                };
                Values::Strings(
                    raw.iter()
                        .map(|v| Pattern::parse(v.as_text(), syntax))
                        .collect(),
                )
            }
            Family::Arn => Values::Arns(
                raw.iter()
                    .map(|v| ArnPattern::compile_condition(v.as_text(), variables))
                    .collect(),
            ),
            Family::Numeric => Values::Numbers(
                raw.iter()
                    .map(|v| parse_number(v.as_text()).ok_or_else(|| err(v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Date => Values::Dates(
                raw.iter()
                    .map(|v| parse_date(v.as_text()).ok_or_else(|| err(v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Bool => Values::Bools(
                raw.iter()
                    .map(|v| parse_bool(v.as_text()).ok_or_else(|| err(v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Null => Values::Null(
                raw.iter()
                    .map(|v| parse_bool(v.as_text()).ok_or_else(|| err(v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Binary => Values::Binary(
                raw.iter()
                    .map(|v| match v {
                        ConditionValue::String(s) => {
                            base64_decode(s).map(Into::into).ok_or_else(|| err(v))
                        }
                        _ => Err(err(v)),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Family::Ip => Values::Ips(
                raw.iter()
                    .map(|v| Cidr::parse(v.as_text()).ok_or_else(|| err(v)))
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(Condition {
            op,
            key: Key::new(key),
            key_written: key.into(),
            values,
        })
    }

    /// Evaluates the condition against the request context.
    pub fn evaluate<T: Tracer>(&self, ctx: &Context, trace: &mut T) -> bool {
        let entry = ctx.lookup(&self.key);
        if let Values::Null(wants) = &self.values {
            // `Null: true` ⇒ the key is absent; `false` ⇒ present. Several values OR.
            let absent = entry.is_none();
            return wants.contains(&absent);
        }
        let Some(entry) = entry else {
            trace.missing_key(&self.key_written);
            return match self.op.qualifier {
                _ if self.op.if_exists => true,
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => self.op.negated,
            };
        };
        match self.op.qualifier {
            None if entry.multi => false,
            None => self.per_value(&entry.values[0], ctx),
            Some(SetQualifier::ForAllValues) => entry.values.iter().all(|v| self.per_value(v, ctx)),
            Some(SetQualifier::ForAnyValue) => entry.values.iter().any(|v| self.per_value(v, ctx)),
        }
    }

    /// The test for one request value: "matches some policy value", or for negated operators
    /// "matches none of them".
    fn per_value(&self, v: &Value, ctx: &Context) -> bool {
        match self.matches_any(v, ctx) {
            Some(m) => m != self.op.negated,
            None => false,
        }
    }

    /// Whether `v` matches at least one policy value; `None` if `v` has no reading of the
    /// operator's type.
    fn matches_any(&self, v: &Value, ctx: &Context) -> Option<bool> {
        let cmp = self.op.compare;
        Some(match &self.values {
            Values::Strings(ps) => {
                let case = if cmp == Compare::EqualsIgnoreCase {
                    Case::Insensitive
                } else {
                    Case::Sensitive
                };
                ps.iter().any(|p| p.matches(&v.text, case, ctx))
            }
            Values::Arns(ps) => ps.iter().any(|p| p.matches(&v.text, ctx)),
            Values::Numbers(ns) => {
                let x = v.number?;
                ns.iter().any(|&n| ordered(cmp, x.partial_cmp(&n)))
            }
            Values::Dates(ds) => {
                let x = v.date?;
                ds.iter().any(|&d| ordered(cmp, Some(x.cmp(&d))))
            }
            Values::Bools(bs) => bs.contains(&v.boolean?),
            Values::Binary(bs) => {
                let x = v.bytes.as_deref()?;
                bs.iter().any(|b| **b == *x)
            }
            Values::Ips(cs) => {
                let x = v.ip?;
                cs.iter().any(|c| c.contains(x))
            }
            Values::Null(_) => false,
        })
    }
}

fn ordered(cmp: Compare, o: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (cmp, o),
        (Compare::Equals, Some(Equal))
            | (Compare::LessThan, Some(Less))
            | (Compare::LessThanEquals, Some(Less | Equal))
            | (Compare::GreaterThan, Some(Greater))
            | (Compare::GreaterThanEquals, Some(Greater | Equal))
    )
}

#[cfg(test)]
mod tests;
