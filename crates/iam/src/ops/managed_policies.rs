//! Managed policies and their versions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion, SetDefaultPolicyVersion, TagPolicy, UntagPolicy, ListPolicyTags.

use crate::family;

family!();
