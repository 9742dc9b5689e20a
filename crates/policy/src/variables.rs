//! Policy variables: `${key}`, `${key, 'default'}` and the literals `${*}`, `${?}`, `${$}`
//! (UG:reference_policies_variables, POLICY-SPEC A6).
//!
//! Variables are resolved at evaluation time against the request context. A variable whose key
//! has no (single) value and no default makes the whole pattern match nothing — that is how AWS
//! makes an unresolvable `Resource` entry inert and an unresolvable `StringEquals` value false.

use crate::keys::Key;

/// A reference to a context key inside a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Variable {
    /// Context key, lower-cased (key names are case-insensitive) and hashed for lookup.
    pub key: Key,
    /// Text as written, for re-emitting the policy.
    pub written: Box<str>,
    /// `${key, 'default'}` value, used when the key is absent.
    pub default: Option<Box<str>>,
}

/// Something that can supply the single value of a context key for variable substitution.
pub(crate) trait Vars {
    /// The value of `key` if the key is present and single-valued.
    fn var(&self, key: &Key) -> Option<&str>;
}

/// Resolves nothing: used where no request context exists.
pub(crate) struct NoVars;

impl Vars for NoVars {
    fn var(&self, _key: &Key) -> Option<&str> {
        None
    }
}

impl Variable {
    /// The substituted text, or `None` if the variable has no value (and no default).
    pub fn resolve<'v>(&'v self, vars: &'v dyn Vars) -> Option<&'v str> {
        vars.var(&self.key).or(self.default.as_deref())
    }
}

/// What a `${…}` occurrence means.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Substitution {
    /// `${*}`, `${?}`, `${$}`: a literal character, never a wildcard.
    Literal(char),
    Variable(Variable),
}

/// Parses the body of `${…}` (without the braces). Returns `None` when it is not a valid variable,
/// in which case the text stays literal.
pub(crate) fn parse_body(body: &str) -> Option<Substitution> {
    match body {
        "*" => return Some(Substitution::Literal('*')),
        "?" => return Some(Substitution::Literal('?')),
        "$" => return Some(Substitution::Literal('$')),
        _ => {}
    }
    let (key, default) = match body.split_once(',') {
        Some((k, rest)) => {
            let rest = rest.trim_start();
            let d = rest.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim_end(), Some(d))
        }
        None => (body, None),
    };
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| !c.is_whitespace() && c != '$' && c != '{' && c != '}');
    if !valid {
        return None;
    }
    Some(Substitution::Variable(Variable {
        key: Key::new(key),
        written: format!("${{{body}}}").into(),
        default: default.map(Into::into),
    }))
}

/// Every variable key referenced in `text` (as written), for `context_keys()`.
pub(crate) fn keys_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else { break };
        let body = &after[..j];
        if let Some(Substitution::Variable(_)) = parse_body(body) {
            let key = body.split_once(',').map_or(body, |(k, _)| k.trim_end());
            out.push(key.to_string());
        }
        rest = &after[j + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_literals_reference_policies_variables() {
        assert_eq!(parse_body("*"), Some(Substitution::Literal('*')));
        assert_eq!(parse_body("?"), Some(Substitution::Literal('?')));
        assert_eq!(parse_body("$"), Some(Substitution::Literal('$')));
    }

    #[test]
    fn default_value_syntax_reference_policies_variables() {
        let Some(Substitution::Variable(v)) = parse_body("aws:PrincipalTag/team, 'company-wide'")
        else {
            panic!()
        };
        assert_eq!(&*v.key.name, "aws:principaltag/team");
        assert_eq!(v.default.as_deref(), Some("company-wide"));
        assert!(parse_body("aws:username, nodefaultquotes").is_none());
        assert!(parse_body("").is_none());
        assert!(parse_body("a b").is_none());
    }

    #[test]
    fn keys_in_text() {
        assert_eq!(
            keys_in("arn:aws:s3:::b/${aws:username}/${*}/${aws:PrincipalTag/x, 'd'}"),
            vec!["aws:username", "aws:PrincipalTag/x"]
        );
    }
}
