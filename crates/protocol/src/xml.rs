//! The XML half of the Query protocol: escaping, timestamps and the response writer.
//!
//! Every byte of text that reaches a response goes through [`escape_text`] or [`escape_attr`].
//! Besides the five markup characters they neutralise what XML 1.0 cannot carry at all (C0
//! controls other than TAB/LF/CR, U+FFFE, U+FFFF → U+FFFD) and write CR (and, in attributes, TAB
//! and LF) as character references so a parser reads back exactly what was stored. No stored
//! value can therefore open, close or inject a node (SECURITY-BAR row 31).

use std::fmt::{self, Display, Write as _};

use time::OffsetDateTime;

/// XML namespace of IAM responses (botocore `metadata.xmlNamespace`).
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// XML namespace of STS responses (botocore `metadata.xmlNamespace`).
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// IAM's API version, used in `InvalidAction` messages.
pub const IAM_VERSION: &str = "2010-05-08";
/// STS's API version, used in `InvalidAction` messages.
pub const STS_VERSION: &str = "2011-06-15";

/// True for characters XML 1.0 allows in a document (`Char` production). Rust `char`s are never
/// surrogates, so only the C0 controls and the two non-characters need excluding.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            // A literal CR is normalised to LF by every parser; a reference survives.
            '\r' => out.push_str("&#13;"),
            // Attribute-value normalisation turns literal TAB/LF into spaces.
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// Escapes `s` for use as element text.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, false);
    out
}

/// Escapes `s` for use inside a double- or single-quoted attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, true);
    out
}

/// Formats a timestamp as IAM does (`2026-11-22T13:59:14Z`): UTC, whole seconds.
pub fn format_timestamp(t: impl Into<OffsetDateTime>) -> String {
    let t = t.into().to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Formats a timestamp with milliseconds (`2026-11-22T13:59:14.123Z`), as STS writes
/// `Credentials/Expiration`.
pub fn format_timestamp_millis(t: impl Into<OffsetDateTime>) -> String {
    let t = t.into().to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Element names come from code, not from requests; still, anything outside the XML name
/// characters we use is replaced so a bug can never produce markup.
fn safe_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// Builds one Query response document:
///
/// ```text
/// <{Action}Response xmlns="NS">
///   <{Action}Result> … </{Action}Result>        (absent for operations without output)
///   <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
/// </{Action}Response>
/// ```
///
/// Elements left open are closed by [`ResponseWriter::finish`], so the output is always
/// well-formed.
#[derive(Debug, Clone)]
pub struct ResponseWriter {
    buf: String,
    action: String,
    has_result: bool,
    open: Vec<String>,
}

impl ResponseWriter {
    /// A response with a `<{Action}Result>` element (botocore `output.resultWrapper`).
    pub fn new(action: &str, namespace: &str) -> ResponseWriter {
        let mut w = Self::without_result(action, namespace);
        w.has_result = true;
        let _ = write!(w.buf, "<{}Result>", w.action);
        w
    }

    /// A response for an operation botocore models without an output shape (e.g. `DeleteUser`):
    /// only `ResponseMetadata`.
    pub fn without_result(action: &str, namespace: &str) -> ResponseWriter {
        let action = safe_name(action);
        let buf = format!("<{action}Response xmlns=\"{}\">", escape_attr(namespace));
        ResponseWriter {
            buf,
            action,
            has_result: false,
            open: Vec::new(),
        }
    }

    /// `<name>text</name>`.
    pub fn element(&mut self, name: &str, text: &str) -> &mut Self {
        let name = safe_name(name);
        let _ = write!(self.buf, "<{name}>");
        escape_into(&mut self.buf, text, false);
        let _ = write!(self.buf, "</{name}>");
        self
    }

    /// `<name>text</name>` when `text` is `Some`; nothing otherwise (absent optional members).
    pub fn opt_element(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.element(name, t);
        }
        self
    }

    /// `<name>value</name>` for anything displayable (integers, enums).
    pub fn display_element(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.element(name, &value.to_string())
    }

    /// `<name>true</name>` / `<name>false</name>`.
    pub fn bool_element(&mut self, name: &str, value: bool) -> &mut Self {
        self.element(name, if value { "true" } else { "false" })
    }

    /// `<name>2026-11-22T13:59:14Z</name>`.
    pub fn timestamp(&mut self, name: &str, t: impl Into<OffsetDateTime>) -> &mut Self {
        self.element(name, &format_timestamp(t))
    }

    /// Like [`ResponseWriter::timestamp`] but only when present.
    pub fn opt_timestamp(&mut self, name: &str, t: Option<OffsetDateTime>) -> &mut Self {
        if let Some(t) = t {
            self.timestamp(name, t);
        }
        self
    }

    /// `<name>2026-11-22T13:59:14.123Z</name>` (STS `Expiration`).
    pub fn timestamp_millis(&mut self, name: &str, t: impl Into<OffsetDateTime>) -> &mut Self {
        self.element(name, &format_timestamp_millis(t))
    }

    /// Opens `<name>`; close it with [`ResponseWriter::end`].
    pub fn start(&mut self, name: &str) -> &mut Self {
        let name = safe_name(name);
        let _ = write!(self.buf, "<{name}>");
        self.open.push(name);
        self
    }

    /// Closes the innermost element opened with [`ResponseWriter::start`] (no-op if none).
    pub fn end(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            let _ = write!(self.buf, "</{name}>");
        }
        self
    }

    /// `<name><member>…</member>…</name>`: a non-flattened Query list, each member written by
    /// `f`.
    pub fn list<I, F>(&mut self, name: &str, items: I, mut f: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(&mut Self, I::Item),
    {
        self.start(name);
        for item in items {
            self.start("member");
            f(self, item);
            self.end();
        }
        self.end()
    }

    /// `<name><member>text</member>…</name>` for a list of strings.
    pub fn string_list<I, S>(&mut self, name: &str, items: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.list(name, items, |w, s| {
            escape_into(&mut w.buf, s.as_ref(), false);
        })
    }

    /// `<name><entry><key>k</key><value>v</value></entry>…</name>`: a non-flattened Query map
    /// (e.g. `GetAccountSummary`'s `SummaryMap`).
    pub fn map<I, K, V>(&mut self, name: &str, entries: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.start(name);
        for (k, v) in entries {
            self.start("entry");
            self.element("key", k.as_ref());
            self.element("value", v.as_ref());
            self.end();
        }
        self.end()
    }

    /// `<IsTruncated>…</IsTruncated>` and, when truncated, `<Marker>…</Marker>`.
    pub fn pagination(&mut self, next_marker: Option<&str>) -> &mut Self {
        self.bool_element("IsTruncated", next_marker.is_some());
        self.opt_element("Marker", next_marker)
    }

    /// Closes everything and appends `ResponseMetadata`.
    pub fn finish(mut self, request_id: &str) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        if self.has_result {
            let _ = write!(self.buf, "</{}Result>", self.action);
        }
        self.buf.push_str("<ResponseMetadata><RequestId>");
        escape_into(&mut self.buf, request_id, false);
        let _ = write!(
            self.buf,
            "</RequestId></ResponseMetadata></{}Response>",
            self.action
        );
        self.buf
    }
}

impl Display for ResponseWriter {
    /// The document so far (unfinished); for debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.buf)
    }
}
