//! Context keys as conditions and policy variables refer to them
//! (UG:reference_policies_condition-keys). Key names are case-insensitive, so they are
//! lower-cased once, when a policy is compiled or a context value inserted, never per request.
//!
//! The AWS global condition keys get a fixed number from [`GLOBAL_KEYS`] — an id known at
//! compile time, shared by every policy and every context without any global state — so a
//! condition on `aws:SourceIp` finds its value with one array index. Other keys (tags, service
//! keys) are found by hash (see [`crate::Context`]).

use crate::hash::fnv1a;

/// AWS global condition keys, lower-cased and sorted (UG:reference_policies_condition-keys).
/// Appending or reordering only renumbers ids, which are never stored outside one process.
pub(crate) const GLOBAL_KEYS: [&str; 36] = [
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:currenttime",
    "aws:ec2instancesourceip",
    "aws:ec2instancesourceprivateipv4",
    "aws:epochtime",
    "aws:federatedprovider",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:principaltype",
    "aws:referer",
    "aws:requestedregion",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:securetransport",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:tagkeys",
    "aws:tokenissuetime",
    "aws:userid",
    "aws:username",
];

/// A context key as a condition or variable names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    /// Hash of `name`, for keys that are not global.
    pub hash: u64,
    /// Index into [`GLOBAL_KEYS`], for global keys.
    pub global: Option<u8>,
    /// Lower-cased.
    pub name: Box<str>,
}

impl Key {
    pub fn new(name: &str) -> Key {
        let name = name.to_ascii_lowercase();
        Key {
            hash: fnv1a(name.as_bytes()),
            global: GLOBAL_KEYS
                .binary_search(&name.as_str())
                .ok()
                .map(|i| i as u8),
            name: name.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_keys_are_sorted_lower_case_and_numbered() {
        assert!(GLOBAL_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(GLOBAL_KEYS.iter().all(|k| k.to_ascii_lowercase() == *k));
        assert!(GLOBAL_KEYS.len() <= usize::from(u8::MAX));
        assert_eq!(Key::new("AWS:UserName"), Key::new("aws:username"));
        assert_eq!(Key::new("aws:SourceIp").global, Some(27));
        assert_eq!(Key::new("aws:ResourceTag/team").global, None);
    }
}
