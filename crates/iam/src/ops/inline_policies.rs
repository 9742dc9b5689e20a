//! Inline policies of users and groups: Put/Get/List/Delete UserPolicy and GroupPolicy.

use crate::family;

family!();
