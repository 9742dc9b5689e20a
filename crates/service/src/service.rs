//! The service kernel: the published snapshot, the write path and bootstrap.
//!
//! Write path: take the writer lock, copy the head state (O(1)), let the operation change
//! the copy through a [`Tx`], make the copy the new head and queue its changes with the
//! store (still under the lock, so batches reach the store in order), release the lock,
//! wait until the store says the batch is durable, then publish the copy as the snapshot
//! unless a later one is already published. Several writers can thus share one commit
//! (group commit) while each is answered only after its own write is durable.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use portcullis_model::{new_id, new_secret_access_key, IdKind};
use portcullis_protocol::AwsError;
use portcullis_store::{Sealer, Store};
use tokio::sync::Mutex as AsyncMutex;

use crate::clock::Clock;
use crate::entity::{AccessKey, Account, KeyStatus};
use crate::managed::Catalogue;
use crate::session::TokenKeyring;
use crate::state::State;
use crate::tx::Tx;
use crate::usage::KeyUsage;

/// Start-up settings of the service kernel.
#[derive(Clone)]
pub struct ServiceConfig {
    /// The account created on an empty store.
    pub default_account: String,
    /// Root keys to create on an empty store (`PORTCULLIS_ROOT_ACCESS_KEY_ID` / `…SECRET…`);
    /// random ones otherwise.
    pub root_keys: Option<(String, String)>,
    /// The STS session-token key version new tokens are sealed with; tokens of every
    /// version up to it are accepted (raise it to rotate).
    pub token_key_version: u32,
}

/// Root credentials created at bootstrap. The secret is shown once and never logged.
pub struct BootstrapKeys {
    pub account: String,
    pub access_key_id: String,
    pub secret_access_key: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for BootstrapKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapKeys")
            .field("account", &self.account)
            .field("access_key_id", &self.access_key_id)
            .finish()
    }
}

struct Head {
    state: State,
    seq: u64,
}

/// The running service state.
pub struct Service {
    snapshot: ArcSwap<State>,
    published_seq: Mutex<u64>,
    head: AsyncMutex<Head>,
    store: Arc<dyn Store>,
    sealer: Sealer,
    clock: Arc<dyn Clock>,
    catalogue: Arc<Catalogue>,
    tokens: TokenKeyring,
    usage: KeyUsage,
    config: ServiceConfig,
}

impl Service {
    /// Loads the state from `store`, bootstrapping the default account if it is missing.
    pub async fn open(
        store: Arc<dyn Store>,
        sealer: Sealer,
        clock: Arc<dyn Clock>,
        config: ServiceConfig,
    ) -> Result<(Service, Option<BootstrapKeys>), String> {
        let catalogue = Arc::new(Catalogue::shipped());
        let records = store.load().await.map_err(|e| e.to_string())?;
        let state = State::from_records(records, &sealer, catalogue.clone())?;
        let tokens = TokenKeyring::derive(&sealer, config.token_key_version);
        let svc = Service {
            snapshot: ArcSwap::from_pointee(state.clone()),
            published_seq: Mutex::new(0),
            head: AsyncMutex::new(Head { state, seq: 0 }),
            store,
            sealer,
            clock,
            catalogue,
            tokens,
            usage: KeyUsage::default(),
            config,
        };
        let keys = svc.bootstrap().await.map_err(|e| e.message.clone())?;
        Ok((svc, keys))
    }

    /// The current snapshot: immutable, consistent, durable.
    pub fn snapshot(&self) -> Arc<State> {
        self.snapshot.load_full()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Access-key last use, recorded in memory by authentication.
    pub fn key_usage(&self) -> &KeyUsage {
        &self.usage
    }

    /// Makes the recorded access-key last use durable (one write for all keys).
    pub async fn flush_key_usage(&self) -> Result<(), AwsError> {
        let pending = self.usage.take();
        if pending.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            for (id, used) in pending {
                // A key deleted meanwhile has nothing to update.
                if let Some(entry) = tx.state().access_keys.get(&id) {
                    let mut key = entry.key.clone();
                    key.last_used = Some(used);
                    tx.update_access_key(key)?;
                }
            }
            Ok(())
        })
        .await
    }

    /// The STS session-token keys.
    pub fn tokens(&self) -> &TokenKeyring {
        &self.tokens
    }

    pub fn default_account(&self) -> &str {
        &self.config.default_account
    }

    /// Runs `op` as one durable write. See the module documentation.
    pub async fn write<T>(
        &self,
        op: impl FnOnce(&mut Tx<'_>) -> Result<T, AwsError>,
    ) -> Result<T, AwsError> {
        let (out, ticket, state, seq) = {
            let mut head = self.head.lock().await;
            let mut state = head.state.clone();
            let mut tx = Tx::new(&mut state, &self.sealer, self.clock.now());
            let out = op(&mut tx)?;
            let changes = tx.into_changes();
            if changes.is_empty() {
                return Ok(out);
            }
            head.seq += 1;
            head.state = state.clone();
            (out, self.store.submit(changes), state, head.seq)
        };
        match ticket.wait().await {
            Ok(_) => {
                self.publish(seq, state);
                Ok(out)
            }
            Err(e) => {
                tracing::error!(error = %e, "write failed; reloading state from the store");
                self.reload().await;
                Err(AwsError::service_failure(
                    "The write could not be committed; nothing was changed.",
                ))
            }
        }
    }

    fn publish(&self, seq: u64, state: State) {
        if let Ok(mut published) = self.published_seq.lock() {
            if seq > *published {
                *published = seq;
                self.snapshot.store(Arc::new(state));
            }
        }
    }

    /// Rebuilds the head and the snapshot from the store after a failed commit.
    async fn reload(&self) {
        let mut head = self.head.lock().await;
        match self
            .store
            .load()
            .await
            .map_err(|e| e.to_string())
            .and_then(|records| State::from_records(records, &self.sealer, self.catalogue.clone()))
        {
            Ok(state) => {
                head.seq += 1;
                head.state = state.clone();
                self.publish(head.seq, state);
                self.store.clear_poison();
            }
            Err(e) => tracing::error!(error = %e, "reload failed; writes stay refused"),
        }
    }

    /// Creates the default account and its root keys if the store has no such account.
    async fn bootstrap(&self) -> Result<Option<BootstrapKeys>, AwsError> {
        let account = self.config.default_account.clone();
        if self.snapshot().account(&account).is_some() {
            return Ok(None);
        }
        let (key_id, secret) = match &self.config.root_keys {
            Some((id, secret)) => (id.clone(), secret.clone()),
            None => {
                let mut rng = rand::rng();
                (
                    new_id(IdKind::AccessKey, &mut rng),
                    new_secret_access_key(&mut rng),
                )
            }
        };
        self.create_account_with_root(&account, &key_id, &secret)
            .await?;
        Ok(Some(BootstrapKeys {
            account,
            access_key_id: key_id,
            secret_access_key: zeroize::Zeroizing::new(secret),
        }))
    }

    /// Test mode's reset: wipes the store and creates the default account again, keeping its
    /// root access keys (so clients configured with them keep working).
    pub async fn reset(&self) -> Result<(), AwsError> {
        let account = self.config.default_account.clone();
        let mut head = self.head.lock().await;
        let root_keys: Vec<_> = head
            .state
            .access_keys
            .values()
            .filter(|e| e.key.account == account && e.key.user_name.is_none())
            .cloned()
            .collect();
        self.store
            .wipe()
            .await
            .map_err(|e| AwsError::service_failure(e.to_string()))?;
        let mut state = State::empty(self.catalogue.clone());
        let mut tx = Tx::new(&mut state, &self.sealer, self.clock.now());
        let now = tx.now();
        tx.put_account(Account {
            id: account,
            aliases: Vec::new(),
            create_date: now,
        })?;
        for k in root_keys {
            tx.restore_access_key(k)?;
        }
        let changes = tx.into_changes();
        self.store
            .submit(changes)
            .wait()
            .await
            .map_err(|e| AwsError::service_failure(e.to_string()))?;
        head.seq += 1;
        head.state = state.clone();
        self.publish(head.seq, state);
        Ok(())
    }

    /// Creates an account with one active root access key.
    async fn create_account_with_root(
        &self,
        account: &str,
        key_id: &str,
        secret: &str,
    ) -> Result<(), AwsError> {
        self.write(|tx| {
            let now = tx.now();
            tx.put_account(Account {
                id: account.to_string(),
                aliases: Vec::new(),
                create_date: now,
            })?;
            tx.create_access_key(
                AccessKey {
                    id: key_id.to_string(),
                    account: account.to_string(),
                    user_name: None,
                    status: KeyStatus::Active,
                    create_date: now,
                    sealed_secret: String::new(),
                    last_used: None,
                },
                secret,
            )
        })
        .await
    }
}
