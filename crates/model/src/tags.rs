//! IAM/STS resource tags (`Tag`, `tagListType`, `tagKeyListType`).
//!
//! Constraints (botocore): at most 50 tags per request; keys `tagKeyType` 1..128
//! `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`; values `tagValueType` 0..256 `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`.
//! IAM treats keys case-insensitively (duplicates differing only in case are rejected, and a
//! new tag replaces an existing one with the same key in any case), and keys starting with
//! `aws:` in any case are reserved. The Unicode classes make the patterns exclude every control
//! character, so no tag can carry CR, LF or NUL.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::validation::{check_list_len, StringShape, ValidationError};

/// Most tags on one request and on one entity.
pub const MAX_TAGS: usize = 50;

/// A key/value tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// Tag key (case-preserving, compared case-insensitively).
    pub key: String,
    /// Tag value (may be empty).
    pub value: String,
}

impl Tag {
    /// A tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Why a tag set was refused; each maps to one AWS error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// Shape constraints (`ValidationError`, 400).
    Validation(ValidationError),
    /// Two keys equal ignoring case (`InvalidInput`, 400).
    DuplicateKeys,
    /// A key starts with `aws:` (`InvalidInput`, 400).
    ReservedPrefix(String),
    /// The entity would end up with more than 50 tags (`LimitExceeded`, 409).
    TooManyTags,
}

impl TagError {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            TagError::Validation(_) => "ValidationError",
            TagError::DuplicateKeys | TagError::ReservedPrefix(_) => "InvalidInput",
            TagError::TooManyTags => "LimitExceeded",
        }
    }
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagError::Validation(e) => write!(f, "{e}"),
            TagError::DuplicateKeys => f.write_str(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ),
            TagError::ReservedPrefix(key) => write!(
                f,
                "The tag key '{key}' uses the reserved prefix 'aws:', which is reserved for AWS use."
            ),
            TagError::TooManyTags => f.write_str(
                "The number of tags has reached the maximum limit of 50 tags per resource.",
            ),
        }
    }
}

impl std::error::Error for TagError {}

impl From<ValidationError> for TagError {
    fn from(e: ValidationError) -> TagError {
        TagError::Validation(e)
    }
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]*` anchored; `None` only if the regex engine rejects it, in which
/// case every tag fails validation (fail closed).
static TAG_CHARS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").ok());

fn tag_chars(s: &str) -> bool {
    TAG_CHARS.as_ref().is_some_and(|re| re.is_match(s))
}

fn tag_key_chars(s: &str) -> bool {
    !s.is_empty() && tag_chars(s)
}

/// `tagKeyType`: 1..128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`.
pub const TAG_KEY: StringShape = StringShape {
    min: 1,
    max: Some(128),
    matcher: Some(tag_key_chars),
    pattern: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    sensitive: false,
};

/// `tagValueType`: 0..256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`.
pub const TAG_VALUE: StringShape = StringShape {
    min: 0,
    max: Some(256),
    matcher: Some(tag_chars),
    pattern: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
    sensitive: false,
};

/// Validates one key as member `member` (e.g. `tags.1.member.key`).
pub fn validate_tag_key(key: &str, member: &str) -> Result<(), ValidationError> {
    TAG_KEY.check(key, member)
}

/// Validates one value as member `member` (e.g. `tags.1.member.value`).
pub fn validate_tag_value(value: &str, member: &str) -> Result<(), ValidationError> {
    TAG_VALUE.check(value, member)
}

fn is_reserved(key: &str) -> bool {
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

fn has_duplicates<'a>(keys: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = std::collections::HashSet::new();
    keys.map(str::to_lowercase).any(|k| !seen.insert(k))
}

/// Validates the `Tags` of one request (member `tags`): the list length and every key/value
/// (all violations reported together as one `ValidationError`), then case-insensitive
/// duplicates and the reserved `aws:` prefix (`InvalidInput`).
pub fn validate_tags(tags: &[Tag]) -> Result<(), TagError> {
    let mut err = ValidationError::new();
    let shown: Vec<String> = tags
        .iter()
        .map(|t| format!("{}={}", t.key, t.value))
        .collect();
    err.absorb(check_list_len(&shown, "tags", 0, Some(MAX_TAGS)));
    for (i, t) in tags.iter().enumerate() {
        err.absorb(validate_tag_key(
            &t.key,
            &format!("tags.{}.member.key", i + 1),
        ));
        err.absorb(validate_tag_value(
            &t.value,
            &format!("tags.{}.member.value", i + 1),
        ));
    }
    err.into_result()?;
    if has_duplicates(tags.iter().map(|t| t.key.as_str())) {
        return Err(TagError::DuplicateKeys);
    }
    if let Some(t) = tags.iter().find(|t| is_reserved(&t.key)) {
        return Err(TagError::ReservedPrefix(t.key.clone()));
    }
    Ok(())
}

/// Validates the `TagKeys` of an `Untag*` request (member `tagKeys`, `tagKeyListType`).
pub fn validate_tag_keys<S: AsRef<str>>(keys: &[S]) -> Result<(), TagError> {
    let mut err = ValidationError::new();
    err.absorb(check_list_len(keys, "tagKeys", 0, Some(MAX_TAGS)));
    for (i, k) in keys.iter().enumerate() {
        err.absorb(validate_tag_key(
            k.as_ref(),
            &format!("tagKeys.{}.member", i + 1),
        ));
    }
    err.into_result()?;
    Ok(())
}

/// Applies `new` (already validated) to `existing` as `Tag*` does: a key equal ignoring case
/// replaces the old tag, others are appended; more than 50 in total is `LimitExceeded` and
/// leaves `existing` untouched.
pub fn merge_tags(existing: &mut Vec<Tag>, new: &[Tag]) -> Result<(), TagError> {
    let mut merged = existing.clone();
    for t in new {
        let lower = t.key.to_lowercase();
        match merged.iter_mut().find(|e| e.key.to_lowercase() == lower) {
            Some(e) => *e = t.clone(),
            None => merged.push(t.clone()),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(TagError::TooManyTags);
    }
    *existing = merged;
    Ok(())
}

/// Removes the tags whose keys equal any of `keys` ignoring case (`Untag*`; absent keys are
/// not an error).
pub fn remove_tags<S: AsRef<str>>(existing: &mut Vec<Tag>, keys: &[S]) {
    let keys: Vec<String> = keys.iter().map(|k| k.as_ref().to_lowercase()).collect();
    existing.retain(|t| !keys.contains(&t.key.to_lowercase()));
}

#[cfg(test)]
#[path = "tags_tests.rs"]
mod tests;
