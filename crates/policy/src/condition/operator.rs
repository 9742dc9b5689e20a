//! Condition operator names: `[ForAllValues:|ForAnyValue:]<Operator>[IfExists]`
//! (UG:reference_policies_elements_condition_operators, UG:reference_policies_multi-value-conditions).

/// The value family an operator compares in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// The comparison an operator performs (its positive form; negation is separate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compare {
    Equals,
    EqualsIgnoreCase,
    Like,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

/// Every base operator AWS documents. The name table below is the single source of truth.
const OPERATORS: &[(&str, Family, Compare, bool)] = &[
    ("StringEquals", Family::String, Compare::Equals, false),
    ("StringNotEquals", Family::String, Compare::Equals, true),
    (
        "StringEqualsIgnoreCase",
        Family::String,
        Compare::EqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Family::String,
        Compare::EqualsIgnoreCase,
        true,
    ),
    ("StringLike", Family::String, Compare::Like, false),
    ("StringNotLike", Family::String, Compare::Like, true),
    ("NumericEquals", Family::Numeric, Compare::Equals, false),
    ("NumericNotEquals", Family::Numeric, Compare::Equals, true),
    ("NumericLessThan", Family::Numeric, Compare::LessThan, false),
    (
        "NumericLessThanEquals",
        Family::Numeric,
        Compare::LessThanEquals,
        false,
    ),
    (
        "NumericGreaterThan",
        Family::Numeric,
        Compare::GreaterThan,
        false,
    ),
    (
        "NumericGreaterThanEquals",
        Family::Numeric,
        Compare::GreaterThanEquals,
        false,
    ),
    ("DateEquals", Family::Date, Compare::Equals, false),
    ("DateNotEquals", Family::Date, Compare::Equals, true),
    ("DateLessThan", Family::Date, Compare::LessThan, false),
    (
        "DateLessThanEquals",
        Family::Date,
        Compare::LessThanEquals,
        false,
    ),
    ("DateGreaterThan", Family::Date, Compare::GreaterThan, false),
    (
        "DateGreaterThanEquals",
        Family::Date,
        Compare::GreaterThanEquals,
        false,
    ),
    ("Bool", Family::Bool, Compare::Equals, false),
    ("BinaryEquals", Family::Binary, Compare::Equals, false),
    ("IpAddress", Family::Ip, Compare::Equals, false),
    ("NotIpAddress", Family::Ip, Compare::Equals, true),
    ("ArnEquals", Family::Arn, Compare::Like, false),
    ("ArnLike", Family::Arn, Compare::Like, false),
    ("ArnNotEquals", Family::Arn, Compare::Like, true),
    ("ArnNotLike", Family::Arn, Compare::Like, true),
    ("Null", Family::Null, Compare::Equals, false),
];

/// `ForAllValues:` / `ForAnyValue:` set qualifiers for multi-valued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A parsed operator name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Operator {
    /// Index into [`OPERATORS`], to re-emit the name.
    index: u8,
    pub family: Family,
    pub compare: Compare,
    /// Negated operators (`StringNotEquals`, `NotIpAddress`, …): true when the key is absent,
    /// and NOR over multiple policy values.
    pub negated: bool,
    pub qualifier: Option<SetQualifier>,
    pub if_exists: bool,
}

/// Outcome of reading an operator name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParsedOperator {
    Known(Operator),
    /// Not an operator AWS knows (an error unless its key map is empty, POLICY-SPEC A9).
    Unknown,
    /// A malformed qualifier such as `ForAnyValue::StringEquals`.
    Malformed,
}

impl Operator {
    /// Parses an operator name. Names are case-sensitive, as AWS writes them (decision).
    pub fn parse(name: &str) -> ParsedOperator {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        if rest.contains(':') {
            return ParsedOperator::Malformed;
        }
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let Some(index) = OPERATORS.iter().position(|(n, ..)| *n == base) else {
            return ParsedOperator::Unknown;
        };
        let (_, family, compare, negated) = OPERATORS[index];
        // `Null` takes neither IfExists (it is itself an existence test) nor a set qualifier.
        if family == Family::Null && (if_exists || qualifier.is_some()) {
            return ParsedOperator::Unknown;
        }
        ParsedOperator::Known(Operator {
            index: index as u8,
            family,
            compare,
            negated,
            qualifier,
            if_exists,
        })
    }

    /// The operator name as AWS writes it.
    pub fn name(&self) -> String {
        let q = match self.qualifier {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let e = if self.if_exists { "IfExists" } else { "" };
        format!("{q}{}{e}", OPERATORS[self.index as usize].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (n, ..) in OPERATORS {
            for name in [
                n.to_string(),
                format!("ForAllValues:{n}"),
                format!("ForAnyValue:{n}IfExists"),
                format!("{n}IfExists"),
            ] {
                match Operator::parse(&name) {
                    ParsedOperator::Known(op) => assert_eq!(op.name(), name),
                    other => assert!(n == &"Null" && name != "Null", "{name}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn unknown_and_malformed_policy_spec_a9() {
        assert_eq!(Operator::parse("StringEqualz"), ParsedOperator::Unknown);
        assert_eq!(Operator::parse("stringequals"), ParsedOperator::Unknown);
        assert_eq!(
            Operator::parse("ForAnyValue::StringEquals"),
            ParsedOperator::Malformed
        );
        assert_eq!(Operator::parse("NullIfExists"), ParsedOperator::Unknown);
        let ParsedOperator::Known(op) = Operator::parse("ForAllValues:StringNotLikeIfExists")
        else {
            panic!()
        };
        assert!(op.negated && op.if_exists && op.qualifier == Some(SetQualifier::ForAllValues));
        assert_eq!((op.family, op.compare), (Family::String, Compare::Like));
    }
}
