//! User tags: TagUser, UntagUser, ListUserTags.

use crate::family;

family!();
