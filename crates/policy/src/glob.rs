//! Wildcard patterns: `*` (any run of characters, including none) and `?` (exactly one
//! character), optionally with policy variables — the only pattern language IAM has
//! (UG:reference_policies_elements_action, UG:reference_policies_elements_resource,
//! UG:reference_policies_elements_condition_operators "StringLike").
//!
//! Patterns are split into pieces once, at compile time; matching walks the pieces with the
//! classic single-backtrack-point algorithm, so it needs no regex and allocates nothing.

use crate::variables::{parse_body, Substitution, Variable, Vars};

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Literal text (never empty).
    Lit(Box<str>),
    /// `*`
    Star,
    /// `?`
    One,
    /// `${key}` — its value is matched literally.
    Var(Variable),
}

/// How a pattern's text is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Syntax {
    /// `*` and `?` are wildcards (StringLike, ArnLike, Action, Resource); else literal.
    pub wildcards: bool,
    /// `${…}` is substituted (policy version 2012-10-17 and a position that allows it).
    pub variables: bool,
}

/// Whether letters compare case-sensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Sensitive,
    Insensitive,
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern {
    pieces: Box<[Piece]>,
}

impl Pattern {
    /// Splits `text` into pieces according to `syntax`.
    pub fn parse(text: &str, syntax: Syntax) -> Pattern {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, pieces: &mut Vec<Piece>| {
            if !lit.is_empty() {
                pieces.push(Piece::Lit(std::mem::take(lit).into()));
            }
        };
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if syntax.variables && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    match parse_body(&rest[2..end]) {
                        Some(Substitution::Literal(ch)) => {
                            lit.push(ch);
                            rest = &rest[end + 1..];
                            continue;
                        }
                        Some(Substitution::Variable(v)) => {
                            flush(&mut lit, &mut pieces);
                            pieces.push(Piece::Var(v));
                            rest = &rest[end + 1..];
                            continue;
                        }
                        None => {}
                    }
                }
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut lit, &mut pieces);
                    // Consecutive stars are one star.
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(Piece::One);
                }
                c => lit.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut lit, &mut pieces);
        Pattern {
            pieces: pieces.into(),
        }
    }

    /// Whether the pattern ends with `*` (an ARN segment ending in `*` may run past colons).
    pub fn ends_with_star(&self) -> bool {
        matches!(self.pieces.last(), Some(Piece::Star))
    }

    /// The text the pattern stands for when it has no wildcard and no variable: such a pattern
    /// matches exactly that text (case-sensitively), so callers can compare strings instead.
    pub fn literal(&self) -> Option<&str> {
        match &*self.pieces {
            [] => Some(""),
            [Piece::Lit(l)] => Some(l),
            _ => None,
        }
    }

    /// Whether the pattern is a lone `*`, which matches every text.
    pub fn is_star(&self) -> bool {
        matches!(&*self.pieces, [Piece::Star])
    }

    /// Matches the whole of `text`. A variable without value makes the pattern match nothing.
    pub fn matches(&self, text: &str, case: Case, vars: &dyn Vars) -> bool {
        // The shapes most policies use, decided without entering the backtracking loop.
        match (&*self.pieces, case) {
            ([], _) => return text.is_empty(),
            ([Piece::Star], _) => return true,
            ([Piece::Lit(l)], Case::Sensitive) => return text == &**l,
            ([Piece::Lit(l), Piece::Star], Case::Sensitive) => return text.starts_with(&**l),
            // A leading literal that does not match settles it before the general walk.
            ([Piece::Lit(l), ..], Case::Sensitive) if !text.starts_with(&**l) => return false,
            _ => {}
        }
        // A variable without value needs no check up front: a match has to pass every piece,
        // and that piece then matches nothing.
        match case {
            Case::Sensitive => self.matches_bytes(text.as_bytes(), vars),
            Case::Insensitive => self.matches_insensitive(text, vars),
        }
    }

    /// Case-sensitive match over bytes. `text` is valid UTF-8, so `?` steps over one whole
    /// character (its length read from the leading byte) and every literal comparison starts on
    /// a character boundary. Also used for action names lower-cased into a byte buffer.
    pub fn matches_bytes(&self, text: &[u8], vars: &dyn Vars) -> bool {
        let pieces = &self.pieces;
        let n = pieces.len();
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        loop {
            let advanced = if p == n {
                if t == text.len() {
                    return true;
                }
                false
            } else {
                let rest = &text[t..];
                let step = match &pieces[p] {
                    Piece::Star => {
                        if p + 1 == n {
                            return true;
                        }
                        star = Some((p + 1, t));
                        p += 1;
                        continue;
                    }
                    Piece::One => rest.first().map(|&b| utf8_len(b)),
                    Piece::Lit(s) => rest.starts_with(s.as_bytes()).then_some(s.len()),
                    Piece::Var(v) => v
                        .resolve(vars)
                        .and_then(|s| rest.starts_with(s.as_bytes()).then_some(s.len())),
                };
                match step {
                    Some(len) => {
                        t += len;
                        p += 1;
                        true
                    }
                    None => false,
                }
            };
            if advanced {
                continue;
            }
            match star {
                Some((sp, st)) if st < text.len() => {
                    let st = st + utf8_len(text[st]);
                    star = Some((sp, st));
                    p = sp;
                    t = st;
                }
                _ => return false,
            }
        }
    }

    /// Case-insensitive match (action names that could not be lower-cased up front).
    fn matches_insensitive(&self, text: &str, vars: &dyn Vars) -> bool {
        let case = Case::Insensitive;
        let pieces = &self.pieces;
        let n = pieces.len();
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        loop {
            let advanced = if p == n {
                if t == text.len() {
                    return true;
                }
                false
            } else {
                match &pieces[p] {
                    Piece::Star => {
                        if p + 1 == n {
                            return true;
                        }
                        star = Some((p + 1, t));
                        p += 1;
                        continue;
                    }
                    Piece::One => match text[t..].chars().next() {
                        Some(c) => {
                            t += c.len_utf8();
                            p += 1;
                            true
                        }
                        None => false,
                    },
                    Piece::Lit(s) => match prefix_len(&text[t..], s, case) {
                        Some(len) => {
                            t += len;
                            p += 1;
                            true
                        }
                        None => false,
                    },
                    Piece::Var(v) => match v
                        .resolve(vars)
                        .and_then(|s| prefix_len(&text[t..], s, case))
                    {
                        Some(len) => {
                            t += len;
                            p += 1;
                            true
                        }
                        None => false,
                    },
                }
            };
            if advanced {
                continue;
            }
            match star {
                Some((sp, st)) => match text[st..].chars().next() {
                    Some(c) => {
                        let st = st + c.len_utf8();
                        star = Some((sp, st));
                        p = sp;
                        t = st;
                    }
                    None => return false,
                },
                None => return false,
            }
        }
    }
}

/// Length of the UTF-8 sequence a leading byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// If `text` starts with `lit` (under `case`), the byte length of that prefix of `text`.
fn prefix_len(text: &str, lit: &str, case: Case) -> Option<usize> {
    match case {
        Case::Sensitive => text.starts_with(lit).then_some(lit.len()),
        Case::Insensitive => {
            let mut tc = text.char_indices();
            for lc in lit.chars() {
                let (_, c) = tc.next()?;
                if !chars_eq_ignore_case(c, lc) {
                    return None;
                }
            }
            Some(tc.next().map_or(text.len(), |(i, _)| i))
        }
    }
}

/// Case-insensitive character equality without allocating.
pub(crate) fn chars_eq_ignore_case(a: char, b: char) -> bool {
    a == b
        || (a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(&b))
        || (!a.is_ascii() && a.to_lowercase().eq(b.to_lowercase()))
}

/// Case-insensitive string equality without allocating.
#[cfg(test)]
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    prefix_len(a, b, Case::Insensitive) == Some(a.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::NoVars;

    const WILD: Syntax = Syntax {
        wildcards: true,
        variables: false,
    };

    fn m(p: &str, t: &str) -> bool {
        Pattern::parse(p, WILD).matches(t, Case::Sensitive, &NoVars)
    }

    #[test]
    fn star_and_question_mark_table() {
        // (pattern, text, matches) — UG:reference_policies_elements_condition_operators StringLike.
        let table = [
            ("*", "", true),
            ("*", "anything/at:all", true),
            ("a*", "a", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "a\u{e9}c", true),
            ("*a*b*", "xxaxxbxx", true),
            ("*a*b*", "xxbxxaxx", false),
            ("ab", "ab", true),
            ("ab", "abc", false),
            ("", "", true),
            ("", "a", false),
            ("**?", "x", true),
            ("*ab", "aab", true),
            ("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
        ];
        for (p, t, want) in table {
            assert_eq!(m(p, t), want, "{p:?} vs {t:?}");
        }
    }

    #[test]
    fn case_insensitive_for_actions_reference_policies_elements_action() {
        let p = Pattern::parse("iam:list*", WILD);
        assert!(p.matches("IAM:ListAccessKeys", Case::Insensitive, &NoVars));
        assert!(!p.matches("IAM:ListAccessKeys", Case::Sensitive, &NoVars));
        assert!(eq_ignore_case("Stra\u{df}e", "stra\u{df}e"));
        assert!(eq_ignore_case("\u{c9}T\u{c9}", "\u{e9}t\u{e9}"));
        assert!(!eq_ignore_case("abc", "ab"));
    }

    #[test]
    fn literal_mode_keeps_wildcards_as_text() {
        let p = Pattern::parse(
            "a*b",
            Syntax {
                wildcards: false,
                variables: true,
            },
        );
        assert!(p.matches("a*b", Case::Sensitive, &NoVars));
        assert!(!p.matches("axb", Case::Sensitive, &NoVars));
    }

    #[test]
    fn special_variables_are_literal_reference_policies_variables() {
        let p = Pattern::parse(
            "a${*}b${?}",
            Syntax {
                wildcards: true,
                variables: true,
            },
        );
        assert!(p.matches("a*b?", Case::Sensitive, &NoVars));
        assert!(!p.matches("axbc", Case::Sensitive, &NoVars));
    }
}
