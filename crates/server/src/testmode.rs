//! Test mode: what CI pipelines that used moto's server rely on. Everything not listed
//! here behaves exactly as in normal mode.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use portcullis_service::OffsetClock;

/// Test mode's mutable state.
#[derive(Debug, Default)]
pub struct TestMode {
    /// Requests still allowed through without authentication (`/moto-api/reset-auth`).
    free_passes: AtomicU64,
    /// The service clock, which `/portcullis-test/clock` moves forward.
    pub clock: Arc<OffsetClock>,
}

impl TestMode {
    pub fn new(clock: Arc<OffsetClock>) -> Self {
        TestMode {
            free_passes: AtomicU64::new(0),
            clock,
        }
    }

    /// Uses up one free pass if any is left.
    pub fn take_free_pass(&self) -> bool {
        self.free_passes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    pub fn set_free_passes(&self, n: u64) {
        self.free_passes.store(n, Ordering::Release);
    }
}

/// Reads N from `/moto-api/reset-auth`'s body: a bare number or moto's `{"value": N}`.
pub fn parse_reset_auth(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("value").and_then(|n| {
        n.as_u64()
            .or_else(|| n.as_str().and_then(|s| s.parse().ok()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_passes_run_out() {
        let t = TestMode::default();
        assert!(!t.take_free_pass());
        t.set_free_passes(2);
        assert!(t.take_free_pass());
        assert!(t.take_free_pass());
        assert!(!t.take_free_pass());
    }

    #[test]
    fn reset_auth_body_forms() {
        assert_eq!(parse_reset_auth(b"4"), Some(4));
        assert_eq!(parse_reset_auth(br#"{"value": 3}"#), Some(3));
        assert_eq!(parse_reset_auth(br#"{"value": "5"}"#), Some(5));
        assert_eq!(parse_reset_auth(b"x"), None);
    }
}
