//! Durable storage for Portcullis.
//!
//! The service keeps all IAM state in memory (an immutable snapshot that authorization reads
//! without touching the database) and uses the store only to make writes durable and to load
//! the state at start-up. That split keeps the [`Store`] contract small enough for SQLite
//! (embedded default) and PostgreSQL (multi-node, later) to implement the same way:
//!
//! * [`Store::load`] returns every [`Record`];
//! * [`Store::submit`] queues a batch of [`Change`]s; batches commit in submission order, each
//!   atomically, and several queued batches may share one transaction and one `fsync`
//!   (group commit). The returned [`CommitTicket`] resolves once the batch is durable.
//!
//! Secrets never reach the store in clear: the service seals them with a [`Sealer`]
//! (AES-256-GCM under the master key, bound to the record they belong to) before building
//! the record body.

mod committer;
mod error;
mod record;
mod seal;
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;

pub use committer::CommitTicket;
pub use error::StoreError;
pub use record::{Change, Record, RecordKey};
pub use seal::{MasterKey, SealError, Sealer};

/// A boxed future, so that [`Store`] stays object-safe (`Arc<dyn Store>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Durable storage of IAM records. See the crate documentation for the contract.
pub trait Store: Send + Sync + 'static {
    /// Every record in the store, for building the in-memory state.
    fn load(&self) -> BoxFuture<'_, Result<Vec<Record>, StoreError>>;

    /// Queues a batch of changes. Batches commit in the order they were submitted, each one
    /// atomically. After a failed commit the store refuses further batches
    /// ([`StoreError::Poisoned`]) until [`Store::clear_poison`] is called: later batches were
    /// computed on state that included the failed one, so the caller must reload first.
    fn submit(&self, batch: Vec<Change>) -> CommitTicket;

    /// Accepts batches again after the caller has reloaded its state from [`Store::load`].
    fn clear_poison(&self);

    /// Deletes every record (test mode's reset).
    fn wipe(&self) -> BoxFuture<'_, Result<(), StoreError>>;
}
