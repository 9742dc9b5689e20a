//! The reference model: data types, JSON rendering and the naive evaluator.

use portcullis_policy as engine;

pub const ACCT: &str = "111122223333";
pub const OTHER: &str = "444455556666";
pub const USER: &str = "arn:aws:iam::111122223333:user/alice";
pub const ROLE: &str = "arn:aws:iam::111122223333:role/R";
pub const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/R/s";
pub const FED: &str = "arn:aws:sts::111122223333:federated-user/f";
pub const ROOT: &str = "arn:aws:iam::111122223333:root";

#[derive(Clone, Debug, PartialEq)]
pub enum Prin {
    Star,
    Aws(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    pub op: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub allow: bool,
    /// (NotPrincipal?, entries) — resource policies only.
    pub principal: Option<(bool, Vec<Prin>)>,
    pub not_action: bool,
    pub actions: Vec<String>,
    pub not_resource: bool,
    pub resources: Vec<String>,
    pub conditions: Vec<Cond>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pol {
    pub stmts: Vec<Stmt>,
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn list(v: &[String]) -> String {
    format!("[{}]", v.iter().map(|s| q(s)).collect::<Vec<_>>().join(","))
}

impl Pol {
    pub fn json(&self) -> String {
        let stmts: Vec<String> = self
            .stmts
            .iter()
            .map(|s| {
                let mut parts = vec![format!(
                    "\"Effect\":{}",
                    q(if s.allow { "Allow" } else { "Deny" })
                )];
                if let Some((not, entries)) = &s.principal {
                    let name = if *not { "NotPrincipal" } else { "Principal" };
                    let v = if entries.contains(&Prin::Star) && !*not {
                        q("*")
                    } else {
                        let aws: Vec<String> = entries
                            .iter()
                            .map(|e| {
                                if let Prin::Aws(a) = e {
                                    a.clone()
                                } else {
                                    "*".into()
                                }
                            })
                            .collect();
                        format!("{{\"AWS\":{}}}", list(&aws))
                    };
                    parts.push(format!("\"{name}\":{v}"));
                }
                parts.push(format!(
                    "\"{}\":{}",
                    if s.not_action { "NotAction" } else { "Action" },
                    list(&s.actions)
                ));
                parts.push(format!(
                    "\"{}\":{}",
                    if s.not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    },
                    list(&s.resources)
                ));
                if !s.conditions.is_empty() {
                    // Group keys by operator (an operator may appear once per Condition).
                    let mut ops: Vec<(String, Vec<String>)> = Vec::new();
                    for c in &s.conditions {
                        let entry = format!("{}:{}", q(&c.key), list(&c.values));
                        match ops.iter_mut().find(|(o, keys)| {
                            *o == c.op
                                && !keys
                                    .iter()
                                    .any(|k| k.starts_with(&format!("{}:", q(&c.key))))
                        }) {
                            Some((_, keys)) => keys.push(entry),
                            None => ops.push((c.op.clone(), vec![entry])),
                        }
                    }
                    // The strategies never generate the same (operator, key) twice, so blocks never repeat.
                    let body: Vec<String> = ops
                        .iter()
                        .map(|(o, keys)| format!("{}:{{{}}}", q(o), keys.join(",")))
                        .collect();
                    parts.push(format!("\"Condition\":{{{}}}", body.join(",")));
                }
                format!("{{{}}}", parts.join(","))
            })
            .collect();
        format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
            stmts.join(",")
        )
    }
}

/// The request context of the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ctx {
    pub username: Option<String>,
    pub region: Option<String>,
    pub max_keys: Option<i64>,
    pub secure: Option<bool>,
    pub ip: Option<String>,
    pub tags: Option<Vec<String>>,
}

impl Ctx {
    pub fn to_engine(&self) -> engine::Context {
        let mut c = engine::Context::new();
        if let Some(v) = &self.username {
            c.insert("aws:username", v.as_str());
        }
        if let Some(v) = &self.region {
            c.insert("aws:RequestedRegion", v.as_str());
        }
        if let Some(v) = self.max_keys {
            c.insert("s3:max-keys", v);
        }
        if let Some(v) = self.secure {
            c.insert("aws:SecureTransport", v);
        }
        if let Some(v) = &self.ip {
            c.insert("aws:SourceIp", v.as_str());
        }
        if let Some(v) = &self.tags {
            c.insert("aws:TagKeys", v.clone());
        }
        c
    }

    /// (values, multi-valued) of a key, or None if absent/empty.
    fn get(&self, key: &str) -> Option<(Vec<String>, bool)> {
        let one = |v: Option<String>| v.map(|s| (vec![s], false));
        match key.to_ascii_lowercase().as_str() {
            "aws:username" => one(self.username.clone()),
            "aws:requestedregion" => one(self.region.clone()),
            "s3:max-keys" => one(self.max_keys.map(|n| n.to_string())),
            "aws:securetransport" => one(self.secure.map(|b| b.to_string())),
            "aws:sourceip" => one(self.ip.clone()),
            "aws:tagkeys" => self
                .tags
                .clone()
                .filter(|t| !t.is_empty())
                .map(|t| (t, true)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    User,
    RoleSession,
    FedUser,
    Root,
}

#[derive(Clone, Debug)]
pub struct Req {
    pub who: Who,
    pub action: String,
    pub resource: String,
    pub cross_account: bool,
    pub ctx: Ctx,
}

impl Req {
    pub fn principal(&self) -> engine::Principal<'static> {
        match self.who {
            Who::User => engine::Principal::user(USER, ACCT),
            Who::RoleSession => engine::Principal::assumed_role(SESSION, ROLE, ACCT),
            Who::FedUser => engine::Principal::federated_user(FED, USER, ACCT),
            Who::Root => engine::Principal::root(ROOT, ACCT),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Set {
    pub scps: Vec<Vec<Pol>>,
    pub resource: Option<Pol>,
    pub must_allow: bool,
    pub boundary: Option<Pol>,
    pub sessions: Option<Vec<Pol>>,
    pub identity: Vec<Pol>,
}

/// Naive wildcard match: `*` any run, `?` one character.
pub fn glob(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => (0..=t.len()).any(|i| glob(&p[1..], &t[i..])),
        Some('?') => !t.is_empty() && glob(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && glob(&p[1..], &t[1..]),
    }
}

fn g(p: &str, t: &str) -> bool {
    glob(
        &p.chars().collect::<Vec<_>>(),
        &t.chars().collect::<Vec<_>>(),
    )
}

/// Substitutes `${aws:username}`; None if it has no value.
fn subst(s: &str, ctx: &Ctx) -> Option<String> {
    if s.contains("${aws:username}") {
        Some(s.replace("${aws:username}", ctx.username.as_deref()?))
    } else {
        Some(s.to_string())
    }
}

fn arn_match(pattern: &str, arn: &str, ctx: &Ctx) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some(pattern) = subst(pattern, ctx) else {
        return false;
    };
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| g(p, a))
}

fn cond(c: &Cond, ctx: &Ctx) -> bool {
    let (qual, rest) = match c.op.split_once(':') {
        Some((q, r)) => (Some(q), r),
        None => (None, c.op.as_str()),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let got = ctx.get(&c.key);
    if base == "Null" {
        return c.values.iter().any(|v| (v == "true") == got.is_none());
    }
    let negated = base.contains("Not");
    let Some((vals, multi)) = got else {
        return if if_exists {
            true
        } else {
            match qual {
                Some("ForAllValues") => true,
                Some(_) => false,
                None => negated,
            }
        };
    };
    // One request value against the policy values: Some(matches any) or None (wrong type).
    let one = |v: &str| -> Option<bool> {
        let pv = |p: &String| subst(p, ctx);
        Some(match base {
            "StringEquals" | "StringNotEquals" => c.values.iter().filter_map(pv).any(|p| p == v),
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => c
                .values
                .iter()
                .filter_map(pv)
                .any(|p| p.to_lowercase() == v.to_lowercase()),
            "StringLike" | "StringNotLike" => c.values.iter().filter_map(pv).any(|p| g(&p, v)),
            "NumericLessThan" => {
                let x: f64 = v.parse().ok()?;
                c.values.iter().any(|p| x < p.parse::<f64>().unwrap())
            }
            "NumericEquals" | "NumericNotEquals" => {
                let x: f64 = v.parse().ok()?;
                c.values.iter().any(|p| x == p.parse::<f64>().unwrap())
            }
            "Bool" => {
                let x = match v {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                c.values.iter().any(|p| (p == "true") == x)
            }
            "IpAddress" | "NotIpAddress" => {
                let x: std::net::Ipv4Addr = v.parse().ok()?;
                c.values.iter().any(|p| {
                    let (net, bits) = p.split_once('/').unwrap();
                    let net: std::net::Ipv4Addr = net.parse().unwrap();
                    let bits: u32 = bits.parse().unwrap();
                    let mask = if bits == 0 {
                        0
                    } else {
                        u32::MAX << (32 - bits)
                    };
                    (u32::from(x) & mask) == (u32::from(net) & mask)
                })
            }
            other => panic!("reference model does not know {other}"),
        })
    };
    let per = |v: &String| match one(v) {
        Some(m) => m != negated,
        None => false,
    };
    match qual {
        None if multi => false,
        None => per(&vals[0]),
        Some("ForAllValues") => vals.iter().all(per),
        _ => vals.iter().any(per),
    }
}

/// 0 = account, 1 = parent (role / user of a federated session), 2 = the caller itself or "*".
fn level(entries: &[Prin], who: Who) -> Option<u8> {
    let mut best = None;
    for e in entries {
        let l = match e {
            Prin::Star => Some(2),
            Prin::Aws(a) if a == ACCT || a == ROOT => Some(0),
            Prin::Aws(a) => match who {
                Who::User if a == USER => Some(2),
                Who::RoleSession if a == SESSION => Some(2),
                Who::RoleSession if a == ROLE => Some(1),
                Who::FedUser if a == FED => Some(2),
                Who::FedUser if a == USER => Some(1),
                _ => None,
            },
        };
        best = best.max(l);
    }
    best
}

/// NotPrincipal exempts the caller only if every level of its identity is listed.
fn exempt(entries: &[Prin], who: Who) -> bool {
    let has = |a: &str| {
        entries
            .iter()
            .any(|e| *e == Prin::Star || *e == Prin::Aws(a.to_string()))
    };
    let account = has(ACCT) || has(ROOT);
    match who {
        Who::Root => account,
        Who::User => account && has(USER),
        Who::FedUser => account && has(FED),
        Who::RoleSession => account && has(ROLE) && has(SESSION),
    }
}

/// (allows, denies, strongest grant level) of one policy.
fn pol(p: &Pol, r: &Req, has_boundary: bool) -> (bool, bool, Option<u8>) {
    let (mut allow, mut deny, mut grant) = (false, false, None);
    for s in &p.stmts {
        let am = s
            .actions
            .iter()
            .any(|a| a == "*" || g(&a.to_lowercase(), &r.action.to_lowercase()));
        let rm = s
            .resources
            .iter()
            .any(|x| arn_match(x, &r.resource, &r.ctx));
        if am == s.not_action || rm == s.not_resource {
            continue;
        }
        let lvl = match &s.principal {
            None => None,
            Some((false, e)) => match level(e, r.who) {
                Some(l) => Some(l),
                None => continue,
            },
            Some((true, e)) => {
                if !has_boundary && exempt(e, r.who) {
                    continue;
                }
                None
            }
        };
        if !s.conditions.iter().all(|c| cond(c, &r.ctx)) {
            continue;
        }
        if s.allow {
            allow = true;
            grant = grant.max(lvl);
        } else {
            deny = true;
        }
    }
    (allow, deny, grant)
}

/// The reference decision, straight from POLICY-SPEC A7.
pub fn decide(set: &Set, r: &Req) -> engine::Decision {
    use engine::Decision::*;
    let hb = set.boundary.is_some();
    let mut all: Vec<&Pol> = set.scps.iter().flatten().collect();
    all.extend(set.resource.iter());
    all.extend(set.boundary.iter());
    all.extend(set.sessions.iter().flatten());
    all.extend(set.identity.iter());
    if all.iter().any(|p| pol(p, r, hb).1) {
        return ExplicitDeny;
    }
    if !set
        .scps
        .iter()
        .all(|level| level.iter().any(|p| pol(p, r, hb).0))
    {
        return ImplicitDeny;
    }
    let root = r.who == Who::Root;
    let grant = set.resource.as_ref().and_then(|p| pol(p, r, hb).2);
    let identity = root || set.identity.iter().any(|p| pol(p, r, hb).0);
    let boundary = root || set.boundary.as_ref().is_none_or(|p| pol(p, r, hb).0);
    let session = root
        || match set.sessions.as_ref().filter(|s| !s.is_empty()) {
            Some(s) => s.iter().any(|p| pol(p, r, hb).0),
            None => r.who != Who::FedUser,
        };
    let ok = if r.cross_account {
        identity && boundary && session && grant.is_some()
    } else {
        match grant {
            Some(2) if !(set.must_allow && r.who == Who::User) => true,
            Some(1 | 2) => boundary && session,
            Some(_) => identity && boundary && session,
            None => !set.must_allow && identity && boundary && session,
        }
    };
    if ok {
        Allow
    } else {
        ImplicitDeny
    }
}
