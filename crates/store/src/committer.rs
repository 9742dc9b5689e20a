//! Group commit: one task owns the database writer and commits queued batches together.
//!
//! A durable write costs an `fsync` (~240 µs here); committing every batch that queued up
//! while the previous transaction was syncing in one transaction amortises it, which is what
//! lets many clients write thousands of entities per second. Order is preserved: batches are
//! applied in the order they were submitted, and each caller is answered only after the
//! transaction containing its batch has committed.

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use crate::{BoxFuture, Change, StoreError};

/// Most batches folded into one transaction, so one commit cannot grow without bound.
const MAX_GROUP: usize = 512;

/// Resolves once the submitted batch is durable, with the store revision it produced.
pub struct CommitTicket(Result<oneshot::Receiver<Result<u64, StoreError>>, StoreError>);

impl CommitTicket {
    /// Waits for the commit.
    pub async fn wait(self) -> Result<u64, StoreError> {
        match self.0 {
            Ok(rx) => rx.await.unwrap_or(Err(StoreError::Closed)),
            Err(e) => Err(e),
        }
    }
}

/// What a backend does for one group: apply every batch in one transaction and return the
/// new revision.
pub(crate) trait GroupWriter: Send + 'static {
    fn write_group<'a>(
        &'a mut self,
        batches: &'a [Vec<Change>],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
}

struct Pending {
    epoch: u64,
    batch: Vec<Change>,
    reply: oneshot::Sender<Result<u64, StoreError>>,
}

#[derive(Default)]
struct Health {
    epoch: u64,
    poisoned: bool,
}

/// The submitting side of the committer task.
pub(crate) struct Committer {
    tx: mpsc::UnboundedSender<Pending>,
    health: Arc<Mutex<Health>>,
}

impl Committer {
    pub(crate) fn spawn(mut writer: impl GroupWriter) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Pending>();
        let health = Arc::new(Mutex::new(Health::default()));
        let h = health.clone();
        tokio::spawn(async move {
            let mut group: Vec<Pending> = Vec::new();
            while let Some(first) = rx.recv().await {
                group.push(first);
                while group.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(p) => group.push(p),
                        Err(_) => break,
                    }
                }
                // Drop batches computed before a failure (older epoch, or still poisoned).
                let (epoch, poisoned) = match h.lock() {
                    Ok(g) => (g.epoch, g.poisoned),
                    Err(_) => (u64::MAX, true),
                };
                let (live, stale): (Vec<Pending>, Vec<Pending>) =
                    group.drain(..).partition(|p| !poisoned && p.epoch == epoch);
                for p in stale {
                    let _ = p.reply.send(Err(StoreError::Poisoned));
                }
                if live.is_empty() {
                    continue;
                }
                let mut batches = Vec::with_capacity(live.len());
                let mut replies = Vec::with_capacity(live.len());
                for p in live {
                    batches.push(p.batch);
                    replies.push(p.reply);
                }
                let result = writer.write_group(&batches).await;
                if let Err(e) = &result {
                    tracing::error!(error = %e, batches = batches.len(), "commit failed; store poisoned until reload");
                    if let Ok(mut g) = h.lock() {
                        g.poisoned = true;
                    }
                }
                for r in replies {
                    let _ = r.send(result.clone());
                }
            }
        });
        Committer { tx, health }
    }

    pub(crate) fn submit(&self, batch: Vec<Change>) -> CommitTicket {
        let epoch = match self.health.lock() {
            Ok(g) if !g.poisoned => g.epoch,
            _ => return CommitTicket(Err(StoreError::Poisoned)),
        };
        let (reply, rx) = oneshot::channel();
        match self.tx.send(Pending {
            epoch,
            batch,
            reply,
        }) {
            Ok(()) => CommitTicket(Ok(rx)),
            Err(_) => CommitTicket(Err(StoreError::Closed)),
        }
    }

    pub(crate) fn clear_poison(&self) {
        if let Ok(mut g) = self.health.lock() {
            g.epoch += 1;
            g.poisoned = false;
        }
    }
}
