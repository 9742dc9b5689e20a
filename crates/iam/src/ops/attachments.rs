//! Attaching managed policies: Attach/Detach/ListAttached UserPolicies and GroupPolicies, ListEntitiesForPolicy, Put/DeleteUserPermissionsBoundary.

use crate::family;

family!();
