//! AWS's member-constraint validation and its exact message forms.
//!
//! AWS (Coral) checks every input member against its shape's `min`/`max`/`pattern` and reports
//! all violations at once:
//!
//! ```text
//! 2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: Member
//! must have length greater than or equal to 1; Value '' at 'userName' failed to satisfy
//! constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+
//! ```
//!
//! Lengths are counted in Unicode scalar values (Smithy's definition of string length).

use std::fmt;

/// The error code every [`ValidationError`] is sent with.
pub const VALIDATION_ERROR_CODE: &str = "ValidationError";

/// One failed constraint of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The value as AWS quotes it: `'value'`, `null`, or nothing for sensitive members.
    pub value: Option<String>,
    /// AWS's member path, e.g. `userName` or `tags.1.member.key`.
    pub member: String,
    /// The constraint text after `failed to satisfy constraint: `.
    pub constraint: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(
                f,
                "Value {v} at '{}' failed to satisfy constraint: {}",
                self.member, self.constraint
            ),
            None => write!(
                f,
                "Value at '{}' failed to satisfy constraint: {}",
                self.member, self.constraint
            ),
        }
    }
}

/// One or more violations, rendered as AWS's `N validation error(s) detected: …` message. The
/// service sends it as code [`VALIDATION_ERROR_CODE`], HTTP 400.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationError {
    /// The violations, in the order they were found.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// An empty collector.
    pub fn new() -> ValidationError {
        ValidationError::default()
    }

    /// Adds one violation of `member` whose value is shown quoted.
    pub fn push(&mut self, value: &str, member: &str, constraint: impl Into<String>) {
        self.violations.push(Violation {
            value: Some(format!("'{value}'")),
            member: member.to_string(),
            constraint: constraint.into(),
        });
    }

    /// Adds `Value null at 'member' failed to satisfy constraint: Member must not be null`.
    pub fn push_null(&mut self, member: &str) {
        self.violations.push(Violation {
            value: Some("null".to_string()),
            member: member.to_string(),
            constraint: "Member must not be null".to_string(),
        });
    }

    /// Merges the violations of a result into this collector.
    pub fn absorb(&mut self, r: Result<(), ValidationError>) {
        if let Err(e) = r {
            self.violations.extend(e.violations);
        }
    }

    /// `Ok(())` when nothing was collected.
    pub fn into_result(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The AWS error code (`ValidationError`).
    pub fn code(&self) -> &'static str {
        VALIDATION_ERROR_CODE
    }

    /// The message text (same as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "{n} validation {} detected: ",
            if n == 1 { "error" } else { "errors" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// A string shape from the botocore model: length bounds and a pattern.
#[derive(Debug, Clone, Copy)]
pub struct StringShape {
    /// botocore `min` (0 when absent).
    pub min: usize,
    /// botocore `max`, if any.
    pub max: Option<usize>,
    /// The matcher implementing `pattern`, if any.
    pub matcher: Option<fn(&str) -> bool>,
    /// botocore `pattern`, verbatim, as quoted in the message.
    pub pattern: &'static str,
    /// Sensitive members (passwords) are reported without their value.
    pub sensitive: bool,
}

impl StringShape {
    /// Checks `value` as member `member`, collecting length violations first, then the pattern,
    /// the order AWS lists them in.
    pub fn check(&self, value: &str, member: &str) -> Result<(), ValidationError> {
        let mut err = ValidationError::new();
        let len = value.chars().count();
        let mut add = |constraint: String| {
            err.violations.push(Violation {
                value: if self.sensitive {
                    None
                } else {
                    Some(format!("'{value}'"))
                },
                member: member.to_string(),
                constraint,
            })
        };
        if len < self.min {
            add(format!(
                "Member must have length greater than or equal to {}",
                self.min
            ));
        }
        if let Some(max) = self.max {
            if len > max {
                add(format!(
                    "Member must have length less than or equal to {max}"
                ));
            }
        }
        if let Some(m) = self.matcher {
            if !m(value) {
                add(format!(
                    "Member must satisfy regular expression pattern: {}",
                    self.pattern
                ));
            }
        }
        err.into_result()
    }
}

/// Checks an integer member against botocore `min`/`max`:
/// `Member must have value greater than or equal to N` / `less than or equal to N`.
pub fn check_int_range(
    value: i64,
    member: &str,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ValidationError> {
    let mut err = ValidationError::new();
    if let Some(min) = min {
        if value < min {
            err.push(
                &value.to_string(),
                member,
                format!("Member must have value greater than or equal to {min}"),
            );
        }
    }
    if let Some(max) = max {
        if value > max {
            err.push(
                &value.to_string(),
                member,
                format!("Member must have value less than or equal to {max}"),
            );
        }
    }
    err.into_result()
}

/// Checks an enum member: `Member must satisfy enum value set: [Active, Inactive]`.
pub fn check_enum(value: &str, member: &str, allowed: &[&str]) -> Result<(), ValidationError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let mut err = ValidationError::new();
    err.push(
        value,
        member,
        format!(
            "Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ),
    );
    Err(err)
}

/// Checks a list member's length (e.g. `tagListType` max 50):
/// `Member must have length less than or equal to 50`. AWS quotes the list in Java's
/// `[a, b]` form.
pub fn check_list_len<S: AsRef<str>>(
    items: &[S],
    member: &str,
    min: usize,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    let shown = format!(
        "[{}]",
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut err = ValidationError::new();
    if items.len() < min {
        err.push(
            &shown,
            member,
            format!("Member must have length greater than or equal to {min}"),
        );
    }
    if let Some(max) = max {
        if items.len() > max {
            err.push(
                &shown,
                member,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }
    err.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_forms() {
        let mut e = ValidationError::new();
        e.push(
            "bad name",
            "userName",
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        );
        assert_eq!(
            e.to_string(),
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        );
        e.push_null("path");
        assert!(e.to_string().starts_with("2 validation errors detected: "));
        assert!(e.to_string().ends_with(
            "; Value null at 'path' failed to satisfy constraint: Member must not be null"
        ));
        assert_eq!(e.code(), "ValidationError");
    }

    #[test]
    fn ranges_enums_lists() {
        assert!(check_int_range(3600, "maxSessionDuration", Some(3600), Some(43200)).is_ok());
        assert_eq!(
            check_int_range(43201, "maxSessionDuration", Some(3600), Some(43200))
                .unwrap_err()
                .to_string(),
            "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy \
             constraint: Member must have value less than or equal to 43200"
        );
        assert!(check_int_range(899, "durationSeconds", Some(900), None)
            .unwrap_err()
            .to_string()
            .contains("greater than or equal to 900"));
        assert!(check_enum("Active", "status", &["Active", "Inactive"]).is_ok());
        assert_eq!(
            check_enum("On", "status", &["Active", "Inactive"])
                .unwrap_err()
                .to_string(),
            "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: \
             Member must satisfy enum value set: [Active, Inactive]"
        );
        assert!(check_list_len(&["a"; 50], "tagKeys", 0, Some(50)).is_ok());
        assert!(check_list_len(&["a"; 51], "tagKeys", 0, Some(50))
            .unwrap_err()
            .to_string()
            .contains("less than or equal to 50"));
        let mut all = ValidationError::new();
        all.absorb(Ok(()));
        all.absorb(check_enum("x", "a", &["y"]));
        assert_eq!(all.violations.len(), 1);
    }
}
