//! When each access key was last used (GetAccessKeyLastUsed).
//!
//! Recorded in memory by the authentication path — a database write per request would cost
//! more than the request — and made durable by [`crate::Service::flush_key_usage`], which the
//! server runs periodically and at shutdown. AWS itself reports last use with a delay, so a
//! flush interval of a minute is faithful; `GetAccessKeyLastUsed` reads the newest value
//! either way.

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

use crate::entity::KeyLastUsed;

/// Unflushed last-use records by access key id.
#[derive(Default)]
pub struct KeyUsage {
    pending: Mutex<HashMap<String, KeyLastUsed>>,
}

impl KeyUsage {
    /// Notes that `key_id` signed a request for `service` in `region` at `date`.
    pub fn record(&self, key_id: &str, date: OffsetDateTime, service: &str, region: &str) {
        if let Ok(mut m) = self.pending.lock() {
            match m.get_mut(key_id) {
                Some(u) if u.service == service && u.region == region => u.date = date,
                _ => {
                    m.insert(
                        key_id.to_string(),
                        KeyLastUsed {
                            date,
                            service: service.to_string(),
                            region: region.to_string(),
                        },
                    );
                }
            }
        }
    }

    /// The newest unflushed record of `key_id`.
    pub fn get(&self, key_id: &str) -> Option<KeyLastUsed> {
        self.pending
            .lock()
            .ok()
            .and_then(|m| m.get(key_id).cloned())
    }

    /// Takes every unflushed record.
    pub(crate) fn take(&self) -> HashMap<String, KeyLastUsed> {
        self.pending
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
    }
}
