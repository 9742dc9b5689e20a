//! `ContextEntries`: the condition-key values a simulation runs with.
//!
//! The simulator adds no global keys of its own (no `aws:CurrentTime`, no `aws:SourceIp`):
//! a policy that tests a key the caller did not supply reports it in `MissingContextValues`.
//! Each `ContextKeyType` maps onto the engine's [`ContextValue`]: scalar types become the typed
//! value (so a `numeric` key compares as a number, not as text); list types become
//! [`ContextValue::Strings`] after every member was checked against the type, and the engine
//! reads each member in every typed form it admits.

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use portcullis_policy::{Context, ContextValue};
use portcullis_protocol::{AwsError, QueryRequest};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::OffsetDateTime;

use crate::support::valid;

/// `ContextKeyTypeEnum`, as botocore lists it.
pub const CONTEXT_KEY_TYPES: &[&str] = &[
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
    "date",
    "dateList",
];

/// `ContextKeyNameType`: 5..256 characters.
const KEY_NAME: portcullis_model::validation::StringShape =
    portcullis_model::validation::StringShape {
        min: 5,
        max: Some(256),
        matcher: None,
        pattern: "",
        sensitive: false,
    };

/// One `ContextEntries.member.N`, shape-checked but not yet typed. Every member of the
/// shape is optional in botocore; a missing name or type is reported after authorization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEntry {
    /// The `N` of `ContextEntries.member.N`.
    pub index: usize,
    pub name: Option<String>,
    pub values: Vec<String>,
    pub key_type: Option<String>,
}

/// A complete entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextEntry {
    pub name: String,
    pub values: Vec<String>,
    pub key_type: String,
}

/// Why an entry's values cannot be read as its declared type (AWS: `InvalidInput`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextError {
    MissingName(usize),
    MissingType(String),
    /// A scalar type (`string`, `numeric`, …) needs exactly one value.
    NotOneValue {
        key: String,
        key_type: String,
        count: usize,
    },
    BadValue {
        key: String,
        key_type: String,
        value: String,
    },
}

impl std::fmt::Display for ContextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContextError::MissingName(n) => {
                write!(f, "ContextEntries.member.{n}.ContextKeyName is required.")
            }
            ContextError::MissingType(k) => {
                write!(f, "ContextKeyType is required for context key {k}.")
            }
            ContextError::NotOneValue {
                key,
                key_type,
                count,
            } => write!(
                f,
                "Context key {key} of type {key_type} takes exactly one value, got {count}."
            ),
            ContextError::BadValue {
                key,
                key_type,
                value,
            } => write!(
                f,
                "Invalid value {value} for context key {key} of type {key_type}."
            ),
        }
    }
}

impl From<ContextError> for AwsError {
    fn from(e: ContextError) -> AwsError {
        AwsError::invalid_input(e.to_string())
    }
}

/// Reads `ContextEntries.member.N.{ContextKeyName,ContextKeyValues.member.M,ContextKeyType}`,
/// validating the shapes as AWS does before authorization.
pub fn decode_entries(req: &QueryRequest) -> Result<Vec<RawEntry>, AwsError> {
    let mut out = Vec::new();
    for (i, e) in req.structs("ContextEntries").iter().enumerate() {
        let name = e.get("ContextKeyName").map(str::to_string);
        if let Some(k) = &name {
            valid(KEY_NAME.check(k, &e.member_path("ContextKeyName")))?;
        }
        let key_type = e.get("ContextKeyType").map(str::to_string);
        if let Some(t) = &key_type {
            valid(portcullis_model::validation::check_enum(
                t,
                &e.member_path("ContextKeyType"),
                CONTEXT_KEY_TYPES,
            ))?;
        }
        out.push(RawEntry {
            index: i + 1,
            name,
            values: e
                .list("ContextKeyValues")
                .into_iter()
                .map(str::to_string)
                .collect(),
            key_type,
        });
    }
    Ok(out)
}

/// Adds the entries to `ctx`; a later entry for the same key (any case) replaces an earlier
/// one, as context keys are case-insensitive.
pub fn build_context(entries: &[RawEntry], ctx: &mut Context) -> Result<(), ContextError> {
    for e in entries {
        let name = e.name.clone().ok_or(ContextError::MissingName(e.index))?;
        let key_type = e
            .key_type
            .clone()
            .ok_or_else(|| ContextError::MissingType(name.clone()))?;
        let entry = ContextEntry {
            name,
            values: e.values.clone(),
            key_type,
        };
        ctx.insert(&entry.name, typed_value(&entry)?);
    }
    Ok(())
}

/// One entry as the engine's value.
pub fn typed_value(e: &ContextEntry) -> Result<ContextValue, ContextError> {
    let bad = |v: &str| ContextError::BadValue {
        key: e.name.clone(),
        key_type: e.key_type.clone(),
        value: v.to_string(),
    };
    let (base, list) = match e.key_type.strip_suffix("List") {
        Some(b) => (b, true),
        None => (e.key_type.as_str(), false),
    };
    if list {
        for v in &e.values {
            check_scalar(base, v).ok_or_else(|| bad(v))?;
        }
        return Ok(ContextValue::Strings(e.values.clone()));
    }
    let [v] = e.values.as_slice() else {
        return Err(ContextError::NotOneValue {
            key: e.name.clone(),
            key_type: e.key_type.clone(),
            count: e.values.len(),
        });
    };
    check_scalar(base, v).ok_or_else(|| bad(v))
}

/// Reads `v` as a value of scalar type `base`.
fn check_scalar(base: &str, v: &str) -> Option<ContextValue> {
    Some(match base {
        "string" => ContextValue::String(v.to_string()),
        "numeric" => ContextValue::Number(parse_number(v)?),
        "boolean" => ContextValue::Bool(parse_bool(v)?),
        "ip" => ContextValue::Ip(v.trim().parse::<IpAddr>().ok()?),
        "binary" => ContextValue::Binary(base64_decode(v)?),
        "date" => ContextValue::Date(parse_date(v)?),
        _ => return None,
    })
}

/// IAM numbers: an optionally signed integer or decimal (no exponent, no `NaN`).
fn parse_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !digits.ends_with('.');
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// ISO 8601 / RFC 3339 date-times, or epoch seconds (as IAM's date conditions accept).
fn parse_date(s: &str) -> Option<SystemTime> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() != 4 {
        let secs: u64 = s.parse().ok()?;
        return SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs));
    }
    let t = OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(s, &Iso8601::DEFAULT))
        .ok()?;
    Some(SystemTime::from(t))
}

/// Standard base64 (padding optional), as `BinaryEquals` values are written.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover symbol cannot encode a byte.
    if s.len() % 4 == 1 {
        return None;
    }
    Some(out)
}
