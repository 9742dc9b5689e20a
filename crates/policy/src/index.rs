//! The action index of a compiled policy (UG:reference_policies_elements_action): which
//! statements can possibly apply to a requested action, found with one hash probe instead of
//! matching every statement's `Action` list.
//!
//! A statement is filed under exactly one of:
//! * **exact** — for each action it names without wildcards (`s3:getobject`), when none of its
//!   patterns for that service has a wildcard. A hit needs no further action check.
//! * **wildcard** — under a service prefix (`s3`) for which it has a wildcard pattern
//!   (`s3:Get*`). Its patterns are still matched, against the already lower-cased action.
//! * **any** — `NotAction`, or a pattern whose service itself has a wildcard (`*`, `s3*:…`).
//!
//! so a request visits each candidate once. The table is keyed by service: one probe with the
//! request's service hash finds the service's wildcard bucket and its few exact actions, which
//! are told apart by the action's hash. Every bucket lists Deny statements first, so evaluation
//! can settle an explicit deny before looking at any Allow, and skip the Allows of a policy
//! entirely once another policy of the same kind has already allowed.

use crate::action::ActionPattern;
use crate::hash::fnv1a;
use crate::request::Prepared;

/// A run of statement numbers in [`ActionIndex::ids`]: `start..denies` are Deny statements,
/// `denies..end` Allow statements, each in source order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bucket {
    start: u32,
    denies: u32,
    end: u32,
}

impl Bucket {
    /// No statements.
    pub const EMPTY: Bucket = Bucket {
        start: 0,
        denies: 0,
        end: 0,
    };
}

/// One exact action of a service.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Exact {
    hash: u64,
    /// Lower-cased, checked on a hash hit: a hit skips the action check.
    action: Box<str>,
    bucket: Bucket,
}

/// Everything filed under one service prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Service {
    exact: Box<[Exact]>,
    wildcard: Bucket,
}

/// See the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ActionIndex {
    /// Open addressing, at most half full, so probes stay short and an empty slot ends a
    /// search: (service hash, service number + 1), 0 marking an empty slot. Length is a power
    /// of two, or zero. A service-hash collision is harmless: exact actions are confirmed by
    /// text and wildcard statements re-match their patterns.
    slots: Box<[(u64, u32)]>,
    services: Box<[Service]>,
    any: Bucket,
    /// The statement numbers every bucket ranges over.
    ids: Box<[u32]>,
}

/// What the index needs to know about one statement.
pub(crate) struct Indexed<'s> {
    pub deny: bool,
    pub not_action: bool,
    pub actions: &'s [ActionPattern],
}

/// Statement lists by key while building; a statement is appended once per key.
#[derive(Default)]
struct Lists(Vec<(String, Vec<u32>)>);

impl Lists {
    fn file(&mut self, key: &str, i: u32) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, ids)) if ids.last() == Some(&i) => {}
            Some((_, ids)) => ids.push(i),
            None => self.0.push((key.to_string(), vec![i])),
        }
    }

    fn take(&mut self, key: &str) -> Vec<u32> {
        match self.0.iter().position(|(k, _)| k == key) {
            Some(at) => self.0.swap_remove(at).1,
            None => Vec::new(),
        }
    }
}

impl ActionIndex {
    pub fn build<'s>(statements: impl ExactSizeIterator<Item = Indexed<'s>>) -> ActionIndex {
        let mut is_deny = Vec::with_capacity(statements.len());
        let (mut exact, mut wildcard, mut any) = (Lists::default(), Lists::default(), Vec::new());
        // Service prefix of each exact action, in first-seen order.
        let mut names: Vec<String> = Vec::new();
        for (i, s) in statements.enumerate() {
            let i = i as u32;
            is_deny.push(s.deny);
            if s.not_action || s.actions.iter().any(|a| a.service().is_none()) {
                any.push(i);
                continue;
            }
            for a in s.actions {
                let svc = a.service().unwrap_or_default();
                if !names.iter().any(|n| n == svc) {
                    names.push(svc.to_string());
                }
                let wild = s
                    .actions
                    .iter()
                    .any(|b| b.service() == Some(svc) && b.exact().is_none());
                match a.exact() {
                    Some(action) if !wild => exact.file(action, i),
                    _ => wildcard.file(svc, i),
                }
            }
        }
        let mut ids = Vec::new();
        let mut bucket = |list: &[u32]| {
            let start = ids.len() as u32;
            ids.extend(list.iter().filter(|&&i| is_deny[i as usize]));
            let denies = ids.len() as u32;
            ids.extend(list.iter().filter(|&&i| !is_deny[i as usize]));
            Bucket {
                start,
                denies,
                end: ids.len() as u32,
            }
        };
        let any = bucket(&any);
        let services: Vec<Service> = names
            .iter()
            .map(|svc| {
                let prefix = format!("{svc}:");
                let mut mine = Vec::new();
                exact.0.retain(|(action, list)| {
                    let ours = action.starts_with(&prefix);
                    if ours {
                        mine.push((action.clone(), list.clone()));
                    }
                    !ours
                });
                Service {
                    exact: mine
                        .iter()
                        .map(|(action, list)| Exact {
                            hash: fnv1a(action.as_bytes()),
                            action: action.as_str().into(),
                            bucket: bucket(list),
                        })
                        .collect(),
                    wildcard: bucket(&wildcard.take(svc)),
                }
            })
            .collect();
        let mask = (services.len() * 2).next_power_of_two() - 1;
        let mut slots = vec![(0u64, 0u32); if services.is_empty() { 0 } else { mask + 1 }];
        for (n, svc) in names.iter().enumerate() {
            let hash = fnv1a(svc.as_bytes());
            let mut i = hash as usize & mask;
            while slots[i].1 != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (hash, n as u32 + 1);
        }
        ActionIndex {
            slots: slots.into(),
            services: services.into(),
            any,
            ids: ids.into(),
        }
    }

    /// The service's entry, if the policy names it.
    #[inline(always)]
    fn service(&self, hash: u64) -> Option<&Service> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash as usize & mask;
        loop {
            let (h, n) = self.slots[i];
            if n == 0 {
                return None;
            }
            if h == hash {
                return self.services.get(n as usize - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// The candidate buckets for `prep`'s action: exact (no action check needed), wildcard
    /// and any (action still to be matched). `None` when the action could not be lower-cased
    /// up front (then every statement is a candidate).
    #[inline(always)]
    pub fn candidates(&self, prep: &Prepared<'_>) -> Option<[Bucket; 3]> {
        let action = prep.action()?;
        let Some(svc) = self.service(prep.service_hash) else {
            return Some([Bucket::EMPTY, Bucket::EMPTY, self.any]);
        };
        let exact = svc
            .exact
            .iter()
            .find(|e| e.hash == prep.action_hash && e.action.as_bytes() == action)
            .map_or(Bucket::EMPTY, |e| e.bucket);
        Some([exact, svc.wildcard, self.any])
    }

    /// The Deny statements of `b`.
    #[inline(always)]
    pub fn denies(&self, b: Bucket) -> &[u32] {
        &self.ids[b.start as usize..b.denies as usize]
    }

    /// The Allow statements of `b`.
    #[inline(always)]
    pub fn allows(&self, b: Bucket) -> &[u32] {
        &self.ids[b.denies as usize..b.end as usize]
    }
}
