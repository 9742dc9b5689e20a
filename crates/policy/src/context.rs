//! The request context: the condition keys and values a request carries
//! (UG:reference_policies_condition-keys, POLICY-SPEC A5/A6).
//!
//! Key names are case-insensitive, including tag-key parts such as `aws:ResourceTag/TagKey1`,
//! so keys are lower-cased once at insert. Each value is also parsed once into every typed form
//! it admits (number, date, IP, boolean, bytes), so condition evaluation compares without
//! parsing or allocating. Single- vs multi-valued is a property of the key's *context* value
//! ([`ContextValue::Strings`] is multi-valued), not of the policy.

use std::net::IpAddr;
use std::time::SystemTime;

use crate::condition::value::{
    base64_decode, base64_encode, format_date, parse_bool, parse_date, parse_number, Nanos,
};
use crate::keys::{Key, GLOBAL_KEYS};
use crate::variables::Vars;

/// A value of a context key, as the caller supplies it.
#[derive(Clone, Debug, PartialEq)]
pub enum ContextValue {
    /// A single string value (e.g. `aws:username`).
    String(String),
    /// A multi-valued key (e.g. `aws:TagKeys`, `aws:CalledVia`); an empty list is the same as absent.
    Strings(Vec<String>),
    /// A boolean (e.g. `aws:SecureTransport`).
    Bool(bool),
    /// A number (e.g. `aws:MultiFactorAuthAge`).
    Number(f64),
    /// A point in time (e.g. `aws:CurrentTime`, `aws:TokenIssueTime`).
    Date(SystemTime),
    /// An IP address (e.g. `aws:SourceIp`).
    Ip(IpAddr),
    /// Raw bytes (matched by `BinaryEquals`).
    Binary(Vec<u8>),
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::String(s.to_string())
    }
}
impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::String(s)
    }
}
impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        ContextValue::Bool(b)
    }
}
impl From<f64> for ContextValue {
    fn from(n: f64) -> Self {
        ContextValue::Number(n)
    }
}
impl From<i64> for ContextValue {
    fn from(n: i64) -> Self {
        ContextValue::Number(n as f64)
    }
}
impl From<IpAddr> for ContextValue {
    fn from(ip: IpAddr) -> Self {
        ContextValue::Ip(ip)
    }
}
impl From<SystemTime> for ContextValue {
    fn from(t: SystemTime) -> Self {
        ContextValue::Date(t)
    }
}
impl From<Vec<String>> for ContextValue {
    fn from(v: Vec<String>) -> Self {
        ContextValue::Strings(v)
    }
}
impl From<Vec<&str>> for ContextValue {
    fn from(v: Vec<&str>) -> Self {
        ContextValue::Strings(v.into_iter().map(str::to_string).collect())
    }
}

/// One value with all its typed readings, computed at insert.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Value {
    pub text: Box<str>,
    pub number: Option<f64>,
    pub date: Option<Nanos>,
    pub ip: Option<IpAddr>,
    pub boolean: Option<bool>,
    pub bytes: Option<Box<[u8]>>,
}

impl Value {
    fn from_text(text: String) -> Value {
        Value {
            number: parse_number(&text),
            date: parse_date(&text),
            ip: text.parse().ok(),
            boolean: parse_bool(&text),
            bytes: base64_decode(&text).map(Into::into),
            text: text.into(),
        }
    }

    fn bare(text: String) -> Value {
        Value {
            text: text.into(),
            number: None,
            date: None,
            ip: None,
            boolean: None,
            bytes: None,
        }
    }
}

/// All values of one key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    /// Supplied as [`ContextValue::Strings`]: plain (non-set) operators do not apply to it.
    pub multi: bool,
    pub values: Vec<Value>,
}

/// One key of the context, with the hash of its lower-cased name.
#[derive(Clone, Debug, PartialEq)]
struct Slot {
    hash: u64,
    global: Option<u8>,
    key: Box<str>,
    entry: Entry,
}

/// The request context. Build with [`Context::new`] + [`Context::with`] / [`Context::insert`].
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    /// Sorted by (hash, key). Conditions carry their key's hash from compile time, so a lookup
    /// is a binary search over integers plus one string comparison to confirm the hit — no
    /// hashing and no lower-casing per request.
    entries: Vec<Slot>,
    /// For each global condition key ([`crate::keys::GLOBAL_KEYS`]): 1 + its index in
    /// `entries`, or 0 when absent. A condition on a global key finds it with one index.
    globals: [u8; GLOBAL_KEYS.len()],
}

impl Default for Context {
    fn default() -> Context {
        Context {
            entries: Vec::new(),
            globals: [0; GLOBAL_KEYS.len()],
        }
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Builder form of [`Context::insert`].
    pub fn with(mut self, key: &str, value: impl Into<ContextValue>) -> Context {
        self.insert(key, value);
        self
    }

    /// Sets `key` (case-insensitive) to `value`, replacing any previous value.
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        let entry = match value.into() {
            ContextValue::String(s) => Entry {
                multi: false,
                values: vec![Value::from_text(s)],
            },
            ContextValue::Strings(v) => Entry {
                multi: true,
                values: v.into_iter().map(Value::from_text).collect(),
            },
            ContextValue::Bool(b) => {
                let mut v = Value::bare(b.to_string());
                v.boolean = Some(b);
                Entry {
                    multi: false,
                    values: vec![v],
                }
            }
            ContextValue::Number(n) => {
                let text = if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                };
                let mut v = Value::bare(text);
                v.number = Some(n);
                Entry {
                    multi: false,
                    values: vec![v],
                }
            }
            ContextValue::Date(t) => {
                let nanos = match t.duration_since(SystemTime::UNIX_EPOCH) {
                    Ok(d) => d.as_nanos() as Nanos,
                    Err(e) => -(e.duration().as_nanos() as Nanos),
                };
                let mut v = Value::bare(format_date(nanos));
                v.date = Some(nanos);
                Entry {
                    multi: false,
                    values: vec![v],
                }
            }
            ContextValue::Ip(ip) => {
                let mut v = Value::bare(ip.to_string());
                v.ip = Some(ip);
                Entry {
                    multi: false,
                    values: vec![v],
                }
            }
            ContextValue::Binary(bytes) => {
                let mut v = Value::bare(base64_encode(&bytes));
                v.bytes = Some(bytes.into());
                Entry {
                    multi: false,
                    values: vec![v],
                }
            }
        };
        let key = Key::new(key);
        match self.position(&key) {
            Ok(i) => self.entries[i].entry = entry,
            Err(i) => {
                self.entries.insert(
                    i,
                    Slot {
                        hash: key.hash,
                        global: key.global,
                        key: key.name,
                        entry,
                    },
                );
                self.renumber_globals();
            }
        }
    }

    /// Removes `key` (case-insensitive).
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.position(&Key::new(key)) {
            self.entries.remove(i);
            self.renumber_globals();
        }
    }

    /// Rebuilds `globals` after entries moved. A context past 255 keys leaves the rest of
    /// its global keys to the hash lookup (0 there means "look by hash", see [`Self::lookup`]).
    fn renumber_globals(&mut self) {
        self.globals = [0; GLOBAL_KEYS.len()];
        for (i, s) in self.entries.iter().enumerate() {
            if let (Some(g), Ok(n)) = (s.global, u8::try_from(i + 1)) {
                self.globals[usize::from(g)] = n;
            }
        }
    }

    /// Whether `key` (case-insensitive) has at least one value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.lookup(&Key::new(key)).is_some()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` is (`Ok`) or would be inserted (`Err`) in the sorted entries.
    fn position(&self, key: &Key) -> Result<usize, usize> {
        let start = self.entries.partition_point(|s| s.hash < key.hash);
        let same = self.entries[start..].partition_point(|s| s.hash == key.hash);
        self.entries[start..start + same]
            .binary_search_by(|s| (*s.key).cmp(&*key.name))
            .map(|i| start + i)
            .map_err(|i| start + i)
    }

    /// The entry for `key`; an empty multi-valued key counts as absent.
    #[inline(always)]
    pub(crate) fn lookup(&self, key: &Key) -> Option<&Entry> {
        if let Some(g) = key.global {
            match self.globals[usize::from(g)] {
                0 if self.entries.len() < usize::from(u8::MAX) => return None,
                0 => {}
                n => {
                    return Some(&self.entries[usize::from(n) - 1].entry)
                        .filter(|e| !e.values.is_empty())
                }
            }
        }
        let start = self.entries.partition_point(|s| s.hash < key.hash);
        self.entries[start..]
            .iter()
            .take_while(|s| s.hash == key.hash)
            .find(|s| s.key.as_bytes() == key.name.as_bytes())
            .map(|s| &s.entry)
            .filter(|e| !e.values.is_empty())
    }

    /// The entry for an already lower-cased key (tests and cold paths: hashes `lower_key`).
    #[cfg(test)]
    pub(crate) fn get(&self, lower_key: &str) -> Option<&Entry> {
        self.lookup(&Key::new(lower_key))
    }
}

impl Vars for Context {
    /// Multi-valued keys cannot be policy variables (UG:reference_policies_variables).
    fn var(&self, key: &Key) -> Option<&str> {
        match self.lookup(key) {
            Some(e) if !e.multi && e.values.len() == 1 => Some(&e.values[0].text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_including_tag_keys_reference_policies_elements_condition() {
        let c = Context::new()
            .with("aws:ResourceTag/TagKey1", "v")
            .with("AWS:SourceIp", "203.0.113.1".parse::<IpAddr>().unwrap());
        assert!(c.contains_key("aws:resourcetag/tagkey1"));
        assert!(c.contains_key("aws:sourceip"));
        assert_eq!(c.var(&Key::new("aws:resourcetag/tagkey1")), Some("v"));
        assert!(c.get("aws:sourceip").unwrap().values[0].ip.is_some());
    }

    #[test]
    fn typed_readings_and_text_forms() {
        let c = Context::new()
            .with("n", 3i64)
            .with("b", true)
            .with("s", "2019-07-16T12:00:00Z")
            .with("t", SystemTime::UNIX_EPOCH)
            .with("m", vec!["a", "b"])
            .with("e", Vec::<String>::new());
        assert_eq!(c.var(&Key::new("n")), Some("3"));
        assert_eq!(c.var(&Key::new("b")), Some("true"));
        assert!(c.get("s").unwrap().values[0].date.is_some());
        assert_eq!(c.var(&Key::new("t")), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            c.var(&Key::new("m")),
            None,
            "multi-valued keys are not variables"
        );
        assert!(c.get("e").is_none(), "empty multi-valued key is absent");
    }
}
