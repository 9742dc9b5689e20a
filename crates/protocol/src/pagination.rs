//! IAM-style pagination: `MaxItems` + opaque `Marker` in, `IsTruncated` + `Marker` out.
//!
//! The marker is the URL-safe base64 (no padding) of the sort key of the last item returned;
//! the next page starts at the first item whose key is strictly greater. Resuming by key rather
//! than by offset keeps pages consistent when items are created or deleted between calls, and
//! a marker carries nothing but a name the caller could already list.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{quoted, AwsError};
use crate::query::QueryParams;

/// `MaxItems` when the caller sends none (IAM's documented default).
pub const DEFAULT_MAX_ITEMS: i32 = 100;
/// Largest `MaxItems` (botocore `maxItemsType.max`).
pub const MAX_MAX_ITEMS: i32 = 1000;
/// Longest marker accepted. botocore's `markerType` says 320, but our markers encode a key of
/// up to 1536 bytes (a path plus a name), and botocore never enforces `max` client-side, so we
/// bound input generously instead of rejecting markers we issued.
pub const MAX_MARKER_LEN: usize = 2048;

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    max_items: usize,
    after: Option<String>,
}

/// One page of results.
#[derive(Debug, PartialEq, Eq)]
pub struct PageSlice<'a, T> {
    /// The items of this page.
    pub items: &'a [T],
    /// The marker to send back for the next page; `Some` exactly when `IsTruncated` is true.
    pub next_marker: Option<String>,
}

impl<T> PageSlice<'_, T> {
    /// `IsTruncated`.
    pub fn is_truncated(&self) -> bool {
        self.next_marker.is_some()
    }
}

fn violation(value: &str, member: &str, constraint: &str) -> AwsError {
    AwsError::validation_violations(&[format!(
        "Value {} at '{member}' failed to satisfy constraint: {constraint}",
        quoted(Some(value))
    )])
}

/// The error for a marker we did not issue: `ValidationError` `Invalid Marker.`
pub fn invalid_marker() -> AwsError {
    AwsError::validation("Invalid Marker.")
}

/// Encodes a sort key as a marker.
pub fn encode_marker(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Decodes a marker back to its sort key (`Invalid Marker.` if it is not one of ours).
pub fn decode_marker(marker: &str) -> Result<String, AwsError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(marker.as_bytes())
        .map_err(|_| invalid_marker())?;
    String::from_utf8(bytes).map_err(|_| invalid_marker())
}

impl Page {
    /// Validates `MaxItems` (1..=1000, default 100) and `Marker` as AWS does:
    /// `1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint:
    /// Member must have value greater than or equal to 1` (and `less than or equal to 1000`);
    /// an empty marker fails `markerType`'s length, a non-Latin-1 one its pattern, and one we
    /// did not issue is `Invalid Marker.`
    pub fn new(marker: Option<&str>, max_items: Option<i32>) -> Result<Page, AwsError> {
        let max = max_items.unwrap_or(DEFAULT_MAX_ITEMS);
        if max < 1 {
            return Err(violation(
                &max.to_string(),
                "maxItems",
                "Member must have value greater than or equal to 1",
            ));
        }
        if max > MAX_MAX_ITEMS {
            return Err(violation(
                &max.to_string(),
                "maxItems",
                "Member must have value less than or equal to 1000",
            ));
        }
        let after = match marker {
            None => None,
            Some("") => {
                return Err(violation(
                    "",
                    "marker",
                    "Member must have length greater than or equal to 1",
                ))
            }
            Some(m) if !m.chars().all(|c| ('\u{20}'..='\u{FF}').contains(&c)) => {
                return Err(violation(
                    m,
                    "marker",
                    "Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+",
                ))
            }
            Some(m) if m.len() > MAX_MARKER_LEN => return Err(invalid_marker()),
            Some(m) => Some(decode_marker(m)?),
        };
        // `max` is in 1..=1000 here, so the conversion cannot fail.
        let max_items = usize::try_from(max).unwrap_or(100);
        Ok(Page { max_items, after })
    }

    /// Reads `Marker` and `MaxItems` from a request.
    pub fn from_params(params: &QueryParams) -> Result<Page, AwsError> {
        Page::new(params.get("Marker"), params.opt_i32("MaxItems")?)
    }

    /// The page size.
    pub fn max_items(&self) -> usize {
        self.max_items
    }

    /// The decoded sort key the page resumes after, if any.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// Cuts one page out of `items`, which must be sorted ascending by `key_fn` (plain `str`
    /// ordering; use a key such as `lowercase + original` to sort case-insensitively).
    pub fn paginate<'a, T, K, F>(&self, items: &'a [T], key_fn: F) -> PageSlice<'a, T>
    where
        K: AsRef<str>,
        F: Fn(&T) -> K,
    {
        let start = match &self.after {
            Some(after) => items.partition_point(|it| key_fn(it).as_ref() <= after.as_str()),
            None => 0,
        };
        let rest = &items[start..];
        let len = rest.len().min(self.max_items);
        let page = &rest[..len];
        let next_marker = match page.last() {
            Some(last) if rest.len() > len => Some(encode_marker(key_fn(last).as_ref())),
            _ => None,
        };
        PageSlice {
            items: page,
            next_marker,
        }
    }
}

/// One-call form of [`Page::new`] + [`Page::paginate`]: returns the page and the next marker.
pub fn paginate<'a, T, K, F>(
    sorted_items: &'a [T],
    key_fn: F,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(&'a [T], Option<String>), AwsError>
where
    K: AsRef<str>,
    F: Fn(&T) -> K,
{
    let page = Page::new(marker, max_items)?.paginate(sorted_items, key_fn);
    Ok((page.items, page.next_marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("user{i:03}")).collect()
    }

    #[test]
    fn walks_all_pages_without_loss_or_repeat() {
        let items = names(25);
        for size in [1, 2, 7, 10, 24, 25, 26, 1000] {
            let mut seen = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                let (page, next) =
                    paginate(&items, |s| s.clone(), marker.as_deref(), Some(size)).unwrap();
                seen.extend(page.iter().cloned());
                match next {
                    Some(m) => marker = Some(m),
                    None => break,
                }
            }
            assert_eq!(seen, items, "page size {size}");
        }
    }

    #[test]
    fn default_is_100_and_truncation_flags() {
        let items = names(150);
        let p = Page::new(None, None)
            .unwrap()
            .paginate(&items, |s| s.as_str().to_owned());
        assert_eq!(p.items.len(), 100);
        assert!(p.is_truncated());
        let exact = names(100);
        let p = Page::new(None, None)
            .unwrap()
            .paginate(&exact, |s| s.clone());
        assert!(!p.is_truncated());
        let empty: Vec<String> = Vec::new();
        let p = Page::new(None, Some(5))
            .unwrap()
            .paginate(&empty, |s| s.clone());
        assert!(p.items.is_empty() && !p.is_truncated());
    }

    #[test]
    fn resumes_after_deleted_item() {
        let items = names(10);
        let (_, m) = paginate(&items, |s| s.clone(), None, Some(3)).unwrap();
        let m = m.unwrap();
        // user002 (the marker key) is deleted before the next call.
        let rest: Vec<String> = items.iter().filter(|s| *s != "user002").cloned().collect();
        let (page, _) = paginate(&rest, |s| s.clone(), Some(&m), Some(3)).unwrap();
        assert_eq!(page, &["user003", "user004", "user005"]);
    }

    #[test]
    fn max_items_bounds_messages() {
        let cases = [
            (0, "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            (-5, "Value '-5' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            (1001, "Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        ];
        for (n, msg) in cases {
            let e = Page::new(None, Some(n)).unwrap_err();
            assert_eq!(e.code, "ValidationError");
            assert_eq!(e.message, format!("1 validation error detected: {msg}"));
        }
        assert_eq!(Page::new(None, Some(1)).unwrap().max_items(), 1);
        assert_eq!(Page::new(None, Some(1000)).unwrap().max_items(), 1000);
    }

    #[test]
    fn bad_markers() {
        for m in ["!!!", "%%", "\u{7f}x", "gA"] {
            let e = Page::new(Some(m), None).unwrap_err();
            assert_eq!(e.code, "ValidationError", "{m}");
        }
        assert_eq!(
            Page::new(Some("!!!"), None).unwrap_err().message,
            "Invalid Marker."
        );
        assert!(Page::new(Some(""), None)
            .unwrap_err()
            .message
            .contains("greater than or equal to 1"));
        assert!(Page::new(Some("Ā"), None)
            .unwrap_err()
            .message
            .contains("regular expression"));
        assert_eq!(
            Page::new(Some(&"A".repeat(MAX_MARKER_LEN + 1)), None)
                .unwrap_err()
                .message,
            "Invalid Marker."
        );
        let ok = encode_marker("alice");
        assert_eq!(Page::new(Some(&ok), None).unwrap().after(), Some("alice"));
    }

    #[test]
    fn from_params_reads_both() {
        let req = crate::QueryRequest::from_parts(
            &format!("MaxItems=2&Marker={}", encode_marker("b")),
            None,
            b"",
        )
        .unwrap();
        let page = Page::from_params(req.params()).unwrap();
        let items = ["a", "b", "c", "d", "e"];
        let p = page.paginate(&items, |s| *s);
        assert_eq!(p.items, &["c", "d"]);
        assert_eq!(
            p.next_marker
                .as_deref()
                .map(decode_marker)
                .unwrap()
                .unwrap(),
            "d"
        );
        let bad = crate::QueryRequest::from_parts("MaxItems=ten", None, b"").unwrap();
        assert_eq!(
            Page::from_params(bad.params()).unwrap_err().code,
            "ValidationError"
        );
    }
}
