//! A small, strict JSON reader for policy documents.
//!
//! Policy documents are small (a few KiB), so we read them into a position-annotated tree rather
//! than using a general-purpose JSON library. Owning the reader lets us do what IAM does and what
//! serde_json does not: reject duplicate keys (UG:troubleshoot_policies "More than one …"),
//! report each statement's start/end position (simulator `StartPosition`/`EndPosition`), and
//! restrict IAM documents to U+0009, U+000A, U+000D, U+0020–U+00FF (UG:reference_iam-quotas).

use crate::error::{PolicyError, PolicyErrorKind, Position};

/// Deepest nesting we accept. Valid policies need 5 levels; the cap keeps recursion bounded.
const MAX_DEPTH: usize = 32;

/// A JSON value with the span it occupies in the source (both ends inclusive).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Json {
    pub value: JsonValue,
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsonValue {
    Null,
    Bool(bool),
    /// The number exactly as written; condition operators interpret it.
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in source order; keys are unique (duplicates are rejected while reading).
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A short name of the JSON type, for error details.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Number(_) => "number",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }
}

/// Whether a character may appear in an IAM policy document (UG:reference_iam-quotas).
pub(crate) fn iam_char_allowed(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{ff}')
}

/// Parses `text` as one JSON value. With `latin1_only`, both the raw text and every decoded
/// string must use only IAM's permitted characters (escapes cannot smuggle others in).
pub(crate) fn parse(text: &str, latin1_only: bool) -> Result<Json, PolicyError> {
    let mut r = Reader {
        chars: text.char_indices().peekable(),
        line: 1,
        column: 0,
        last: Position::default(),
        latin1_only,
    };
    if latin1_only {
        let mut line = 1;
        let mut column = 0;
        for c in text.chars() {
            column += 1;
            if !iam_char_allowed(c) {
                return Err(PolicyError::at(
                    PolicyErrorKind::ForbiddenCharacter(c),
                    Position { line, column },
                ));
            }
            if c == '\n' {
                line += 1;
                column = 0;
            }
        }
    }
    r.skip_ws();
    let v = r.value(0)?;
    r.skip_ws();
    if let Some(c) = r.peek() {
        return Err(PolicyError::syntax(
            format!("unexpected '{c}' after the document"),
            r.next_pos(),
        ));
    }
    Ok(v)
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: u32,
    column: u32,
    /// Position of the most recently consumed character.
    last: Position,
    latin1_only: bool,
}

impl Reader<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// Position the next character will have once consumed.
    fn next_pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.column + 1,
        }
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        self.column += 1;
        self.last = Position {
            line: self.line,
            column: self.column,
        };
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, want: char) -> Result<(), PolicyError> {
        let pos = self.next_pos();
        match self.bump() {
            Some(c) if c == want => Ok(()),
            Some(c) => Err(PolicyError::syntax(
                format!("expected '{want}', found '{c}'"),
                pos,
            )),
            None => Err(PolicyError::syntax(
                format!("expected '{want}', found end of document"),
                pos,
            )),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, PolicyError> {
        if depth > MAX_DEPTH {
            return Err(PolicyError::syntax(
                "document nested too deeply",
                self.next_pos(),
            ));
        }
        let start = self.next_pos();
        let value = match self.peek() {
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => JsonValue::String(self.string()?),
            Some('t') => self.literal("true", JsonValue::Bool(true))?,
            Some('f') => self.literal("false", JsonValue::Bool(false))?,
            Some('n') => self.literal("null", JsonValue::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => JsonValue::Number(self.number()?),
            Some(c) => return Err(PolicyError::syntax(format!("unexpected '{c}'"), start)),
            None => return Err(PolicyError::syntax("unexpected end of document", start)),
        };
        Ok(Json {
            value,
            start,
            end: self.last,
        })
    }

    fn literal(&mut self, word: &str, v: JsonValue) -> Result<JsonValue, PolicyError> {
        for want in word.chars() {
            self.expect(want)?;
        }
        Ok(v)
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, PolicyError> {
        self.expect('{')?;
        let mut members: Vec<(String, Json)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            let key_pos = self.next_pos();
            if self.peek() != Some('"') {
                return Err(PolicyError::syntax("expected a quoted object key", key_pos));
            }
            let key = self.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                return Err(PolicyError::syntax(
                    format!("duplicate key \"{key}\""),
                    key_pos,
                ));
            }
            self.skip_ws();
            self.expect(':')?;
            self.skip_ws();
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.skip_ws();
            let pos = self.next_pos();
            match self.bump() {
                Some(',') => continue,
                Some('}') => return Ok(JsonValue::Object(members)),
                _ => return Err(PolicyError::syntax("expected ',' or '}' in object", pos)),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, PolicyError> {
        self.expect('[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            let pos = self.next_pos();
            match self.bump() {
                Some(',') => continue,
                Some(']') => return Ok(JsonValue::Array(items)),
                _ => return Err(PolicyError::syntax("expected ',' or ']' in array", pos)),
            }
        }
    }

    fn string(&mut self) -> Result<String, PolicyError> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let pos = self.next_pos();
            let c = match self.bump() {
                Some(c) => c,
                None => return Err(PolicyError::syntax("unterminated string", pos)),
            };
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let e = self.bump();
                    let decoded = match e {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape(pos)?,
                        _ => return Err(PolicyError::syntax("invalid escape sequence", pos)),
                    };
                    if self.latin1_only && !iam_char_allowed(decoded) {
                        return Err(PolicyError::at(
                            PolicyErrorKind::ForbiddenCharacter(decoded),
                            pos,
                        ));
                    }
                    out.push(decoded);
                }
                c if (c as u32) < 0x20 => {
                    return Err(PolicyError::syntax("control character in string", pos));
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self, pos: Position) -> Result<u32, PolicyError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.bump().and_then(|c| c.to_digit(16));
            match d {
                Some(d) => v = v * 16 + d,
                None => return Err(PolicyError::syntax("invalid \\u escape", pos)),
            }
        }
        Ok(v)
    }

    fn unicode_escape(&mut self, pos: Position) -> Result<char, PolicyError> {
        let hi = self.hex4(pos)?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err(PolicyError::syntax("unpaired surrogate in \\u escape", pos));
            }
            let lo = self.hex4(pos)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(PolicyError::syntax("unpaired surrogate in \\u escape", pos));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code)
            .ok_or_else(|| PolicyError::syntax("unpaired surrogate in \\u escape", pos))
    }

    fn number(&mut self) -> Result<String, PolicyError> {
        let pos = self.next_pos();
        let mut s = String::new();
        let bad = || PolicyError::syntax("invalid number", pos);
        if self.peek() == Some('-') {
            s.push('-');
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                s.push('0');
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => self.digits(&mut s),
            _ => return Err(bad()),
        }
        if self.peek() == Some('.') {
            s.push('.');
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            self.digits(&mut s);
        }
        if let Some(e @ ('e' | 'E')) = self.peek() {
            s.push(e);
            self.bump();
            if let Some(sign @ ('+' | '-')) = self.peek() {
                s.push(sign);
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            self.digits(&mut s);
        }
        Ok(s)
    }

    fn digits(&mut self, s: &mut String) {
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            s.push(c);
            self.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn spans_are_one_based_and_inclusive() {
        let j = parse("{\n  \"a\": [1, {\"b\": true}]\n}", true).unwrap();
        assert_eq!((j.start, j.end), (pos(1, 1), pos(3, 1)));
        let JsonValue::Object(m) = &j.value else {
            panic!()
        };
        let arr = &m[0].1;
        assert_eq!((arr.start, arr.end), (pos(2, 8), pos(2, 23)));
    }

    #[test]
    fn rejects_duplicate_keys_ug_troubleshoot_policies_more_than_one_element() {
        let e = parse(r#"{"Effect":"Allow","Effect":"Deny"}"#, true).unwrap_err();
        assert_eq!(e.to_string(), "Syntax errors in policy.");
        assert!(e.detail().contains("duplicate key"));
    }

    #[test]
    fn iam_character_set_reference_iam_quotas() {
        for (text, ok) in [
            ("{\"a\":\"caf\u{e9}\"}", true),
            ("{\"a\":\"\u{4e2d}\"}", false),
            ("{\"a\":\"\\u4e2d\"}", false),
            ("{\"a\":\"\\u00e9\"}", true),
            ("{\"a\":\"\\u0000\"}", false),
            ("{\"a\":\t\"x\"}\r\n", true),
        ] {
            assert_eq!(parse(text, true).is_ok(), ok, "{text}");
        }
        assert!(parse("{\"a\":\"\u{4e2d}\"}", false).is_ok());
    }

    #[test]
    fn malformed_json_is_a_syntax_error() {
        for text in [
            "",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "{\"a\":01}",
            "{\"a\":\"x}",
            "{} x",
            "{\"a\":tru}",
            "{'a':1}",
            "{\"a\":1,}",
        ] {
            let e = parse(text, true).unwrap_err();
            assert!(matches!(e.kind(), PolicyErrorKind::Syntax(_)), "{text}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep, true).is_err());
    }

    #[test]
    fn escapes_and_numbers() {
        let j = parse(r#"["a\"\\\/\n\u00e9\ud83d\ude00", -1.5e3, 0]"#, false).unwrap();
        let JsonValue::Array(items) = j.value else {
            panic!()
        };
        assert_eq!(
            items[0].value,
            JsonValue::String("a\"\\/\n\u{e9}\u{1f600}".into())
        );
        assert_eq!(items[1].value, JsonValue::Number("-1.5e3".into()));
    }
}
