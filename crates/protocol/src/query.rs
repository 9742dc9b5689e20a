//! Decoding AWS Query requests: `Action=CreateUser&Version=2010-05-08&UserName=alice&…`, sent as
//! an `application/x-www-form-urlencoded` POST body and/or the URL query string.
//!
//! The decoder is strict where leniency could make two different byte strings mean the same
//! name: a malformed `%` escape, invalid UTF-8, an empty parameter name or a repeated parameter
//! is rejected instead of being guessed at. Nested members follow the Query serialisation
//! botocore uses: lists are `Name.member.N` (N from 1), structures inside lists are
//! `Name.member.N.Field`, nested structures are `Name.Field`.

use std::collections::BTreeMap;

use crate::error::{quoted, AwsError};

/// Upper bound on parameters in one request. IAM's largest inputs (policy simulation with
/// context entries) stay far below it; it bounds memory for hostile requests.
pub const MAX_PARAMETERS: usize = 10_000;

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A set of decoded parameters: the whole request, or one nested structure of it.
///
/// `path` is the AWS member path of this structure in validation messages (lowerCamel
/// segments, lists written `name.N.member`), e.g. `tags.1.member.` for the first tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    params: BTreeMap<String, String>,
    path: String,
}

/// A decoded Query request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRequest {
    params: QueryParams,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form component: `+` is a space, `%XX` a byte; the result must be UTF-8.
fn form_decode(raw: &[u8]) -> Result<String, AwsError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex);
                let lo = raw.get(i + 2).copied().and_then(hex);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => {
                        return Err(AwsError::invalid_query_parameter(
                            "malformed percent-encoding",
                        ))
                    }
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| AwsError::invalid_query_parameter("parameter is not UTF-8"))
}

fn decode_into(raw: &[u8], params: &mut BTreeMap<String, String>) -> Result<(), AwsError> {
    for pair in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let name = form_decode(name)?;
        if name.is_empty() {
            return Err(AwsError::invalid_query_parameter("empty parameter name"));
        }
        let value = form_decode(value)?;
        if params.contains_key(&name) {
            return Err(AwsError::invalid_query_parameter(format!(
                "duplicate parameter {name}"
            )));
        }
        if params.len() >= MAX_PARAMETERS {
            return Err(AwsError::invalid_query_parameter("too many parameters"));
        }
        params.insert(name, value);
    }
    Ok(())
}

/// `UserName` → `userName`: AWS names members in validation messages by lowering the first
/// letter of the wire name.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `N` in `Name.member.N`: a canonical decimal from 1 (no sign, no leading zero).
fn list_index(s: &str) -> Option<u32> {
    if s.is_empty() || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl QueryRequest {
    /// Decodes a request from its URL query string (without `?`) and body.
    ///
    /// A non-empty body must be declared `application/x-www-form-urlencoded` (parameters such
    /// as `; charset=utf-8` are allowed). Parameters from the query string and the body are
    /// merged; a name present twice anywhere is an error. SigV4 query-authentication
    /// parameters (`X-Amz-*`) are kept like any other parameter.
    pub fn from_parts(
        query_string: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<QueryRequest, AwsError> {
        let mut params = BTreeMap::new();
        let qs = query_string.strip_prefix('?').unwrap_or(query_string);
        decode_into(qs.as_bytes(), &mut params)?;
        if !body.is_empty() {
            let media = content_type
                .and_then(|ct| ct.split(';').next())
                .map(str::trim);
            if !media.is_some_and(|m| m.eq_ignore_ascii_case(FORM_CONTENT_TYPE)) {
                return Err(AwsError::invalid_query_parameter(
                    "the request body must be application/x-www-form-urlencoded",
                ));
            }
            decode_into(body, &mut params)?;
        }
        Ok(QueryRequest {
            params: QueryParams {
                params,
                path: String::new(),
            },
        })
    }

    /// `Action`, if sent. A missing action is [`AwsError::missing_action`].
    pub fn action(&self) -> Option<&str> {
        self.params.get("Action")
    }

    /// `Action`, or `MissingAction` when absent or empty.
    pub fn required_action(&self) -> Result<&str, AwsError> {
        self.action()
            .filter(|a| !a.is_empty())
            .ok_or_else(AwsError::missing_action)
    }

    /// `Version`, if sent.
    pub fn version(&self) -> Option<&str> {
        self.params.get("Version")
    }

    /// All parameters (top level).
    pub fn params(&self) -> &QueryParams {
        &self.params
    }

    /// See [`QueryParams::get`].
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name)
    }
    /// See [`QueryParams::required`].
    pub fn required(&self, name: &str) -> Result<&str, AwsError> {
        self.params.required(name)
    }
    /// See [`QueryParams::opt_i32`].
    pub fn opt_i32(&self, name: &str) -> Result<Option<i32>, AwsError> {
        self.params.opt_i32(name)
    }
    /// See [`QueryParams::opt_bool`].
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, AwsError> {
        self.params.opt_bool(name)
    }
    /// See [`QueryParams::list`].
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.params.list(name)
    }
    /// See [`QueryParams::structs`].
    pub fn structs(&self, name: &str) -> Vec<QueryParams> {
        self.params.structs(name)
    }
    /// See [`QueryParams::sub`].
    pub fn sub(&self, name: &str) -> QueryParams {
        self.params.sub(name)
    }
    /// See [`QueryParams::param_names`].
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.params.param_names()
    }
}

impl QueryParams {
    /// The raw value of `name` (an empty value is `Some("")`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The value of a required member. Absent → `ValidationError`
    /// `1 validation error detected: Value null at 'userName' failed to satisfy constraint:
    /// Member must not be null`. Present but empty is returned as `""`: AWS then reports the
    /// member's length constraint, which the caller's shape validation does.
    pub fn required(&self, name: &str) -> Result<&str, AwsError> {
        self.get(name)
            .ok_or_else(|| AwsError::missing_required(&self.member_path(name)))
    }

    /// An optional integer member. Not an `i32` → `ValidationError` naming the member.
    pub fn opt_i32(&self, name: &str) -> Result<Option<i32>, AwsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<i32>()
                .map(Some)
                .map_err(|_| self.type_error(name, v, "Member must be a valid integer")),
        }
    }

    /// An optional boolean member: `true` or `false` (any letter case, as botocore and the CLI
    /// send lowercase). Anything else → `ValidationError` naming the member.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, AwsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(self.type_error(name, v, "Member must be a valid boolean")),
        }
    }

    fn type_error(&self, name: &str, value: &str, constraint: &str) -> AwsError {
        AwsError::validation_violations(&[format!(
            "Value {} at '{}' failed to satisfy constraint: {constraint}",
            quoted(Some(value)),
            self.member_path(name)
        )])
    }

    /// The scalar list `Name.member.1`, `Name.member.2`, … in index order. Gaps are skipped;
    /// keys whose index is not a canonical positive integer are not list members.
    pub fn list(&self, name: &str) -> Vec<&str> {
        let prefix = format!("{name}.member.");
        let mut items: Vec<(u32, &str)> = self
            .params
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, v)| list_index(&k[prefix.len()..]).map(|n| (n, v.as_str())))
            .collect();
        items.sort_by_key(|(n, _)| *n);
        items.into_iter().map(|(_, v)| v).collect()
    }

    /// The structures `Name.member.N.Field…`, one [`QueryParams`] per index in index order,
    /// each holding its fields with the `Name.member.N.` prefix removed (so nested lists such as
    /// `ContextEntries.member.1.ContextKeyValues.member.2` are read with
    /// `entry.list("ContextKeyValues")`).
    pub fn structs(&self, name: &str) -> Vec<QueryParams> {
        let prefix = format!("{name}.member.");
        let mut groups: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
        for (k, v) in self
            .params
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
        {
            let rest = &k[prefix.len()..];
            let Some((idx, field)) = rest.split_once('.') else {
                continue;
            };
            let Some(n) = list_index(idx) else { continue };
            if field.is_empty() {
                continue;
            }
            groups
                .entry(n)
                .or_default()
                .insert(field.to_string(), v.clone());
        }
        let base = self.member_path(name);
        groups
            .into_iter()
            .map(|(n, params)| QueryParams {
                params,
                path: format!("{base}.{n}.member."),
            })
            .collect()
    }

    /// The nested structure `Name.Field…` (e.g. `Permissions.PolicyTemplateArn`), possibly
    /// empty.
    pub fn sub(&self, name: &str) -> QueryParams {
        let prefix = format!("{name}.");
        let params = self
            .params
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len())
            .map(|(k, v)| (k[prefix.len()..].to_string(), v.clone()))
            .collect();
        QueryParams {
            params,
            path: format!("{}.", self.member_path(name)),
        }
    }

    /// Every parameter name at this level, sorted (for unknown-parameter checks).
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.params.keys().map(String::as_str)
    }

    /// Number of parameters at this level.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// True when no parameter is present (an absent nested structure).
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// How AWS names member `name` of this structure in a validation message:
    /// `UserName` → `userName`; inside the first tag, `Key` → `tags.1.member.key`.
    pub fn member_path(&self, name: &str) -> String {
        format!("{}{}", self.path, lower_first(name))
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
