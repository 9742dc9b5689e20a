//! Hooks that let one evaluation routine serve both [`crate::evaluate`] (no tracing, no
//! allocation, short-circuiting) and [`crate::explain`] (records everything).
//!
//! The tracer is a generic parameter, so the `evaluate` instance compiles the hooks away and
//! both entry points share the exact same decision logic — they cannot disagree.

use crate::compile::{CompiledPolicy, CompiledStatement};

pub(crate) trait Tracer {
    /// When true, evaluation visits every statement and condition instead of stopping at the
    /// first decisive one (the decision is the same; only the trace is fuller).
    const FULL: bool;

    /// A condition referred to a context key the request did not supply.
    fn missing_key(&mut self, _key: &str) {}

    /// A statement applied to the request (action, resource, principal and conditions matched).
    fn matched(&mut self, _policy: &CompiledPolicy, _statement: &CompiledStatement) {}
}

/// The tracer used by `evaluate`.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const FULL: bool = false;
}
