//! A write transaction over the in-memory state.
//!
//! Operations change the state only through [`Tx`], which records every change as a store
//! record. The write path (see [`crate::Service::write`]) commits those records in one store
//! transaction and publishes the changed state only after the commit is durable, so what
//! authorization sees is always what is on disk.

use std::sync::Arc;

use portcullis_protocol::AwsError;
use portcullis_sigv4::SecretKey;
use portcullis_store::{Change, Record, RecordKey, Sealer};
use serde::Serialize;
use time::OffsetDateTime;

use crate::entity::{AccessKey, Account, Group, ManagedPolicy, Role, User};
use crate::state::{access_key_seal_context, kind, AccountState, KeyEntry, State};

/// The changes one operation makes.
pub struct Tx<'a> {
    state: &'a mut State,
    changes: Vec<Change>,
    sealer: &'a Sealer,
    now: OffsetDateTime,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(state: &'a mut State, sealer: &'a Sealer, now: OffsetDateTime) -> Self {
        Tx {
            state,
            changes: Vec::new(),
            sealer,
            now,
        }
    }

    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.changes
    }

    /// The state as changed so far.
    pub fn state(&self) -> &State {
        self.state
    }

    /// The time of this write (one value for every entity it creates).
    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    pub fn account(&self, id: &str) -> Result<&AccountState, AwsError> {
        self.state.account_or_err(id)
    }

    fn account_mut(&mut self, id: &str) -> Result<&mut AccountState, AwsError> {
        self.state
            .accounts
            .get_mut(id)
            .ok_or_else(|| AwsError::no_such_entity(format!("The account {id} does not exist.")))
    }

    fn record<T: Serialize>(
        &mut self,
        account: &str,
        kind: &str,
        key: &str,
        value: &T,
    ) -> Result<(), AwsError> {
        let body = serde_json::to_string(value).map_err(|e| {
            tracing::error!(error = %e, kind, "could not serialize entity");
            AwsError::internal_failure()
        })?;
        self.changes.push(Change::Put(Record {
            key: RecordKey {
                account: account.to_string(),
                kind: kind.to_string(),
                key: key.to_string(),
            },
            body,
        }));
        Ok(())
    }

    fn delete_record(&mut self, account: &str, kind: &str, key: &str) {
        self.changes.push(Change::Delete(RecordKey {
            account: account.to_string(),
            kind: kind.to_string(),
            key: key.to_string(),
        }));
    }

    /// Creates an account (bootstrap and test-mode reset).
    pub fn put_account(&mut self, account: Account) -> Result<(), AwsError> {
        self.record(&account.id.clone(), kind::ACCOUNT, "", &account)?;
        match self.state.accounts.get_mut(&account.id) {
            Some(a) => a.account = Arc::new(account),
            None => {
                self.state
                    .accounts
                    .insert(account.id.clone(), AccountState::new(account));
            }
        }
        Ok(())
    }

    pub fn put_user(&mut self, account: &str, user: User) -> Result<(), AwsError> {
        let key = user.name.to_lowercase();
        self.record(account, kind::USER, &key, &user)?;
        self.account_mut(account)?.users.insert(key, Arc::new(user));
        Ok(())
    }

    pub fn delete_user(&mut self, account: &str, name: &str) -> Result<(), AwsError> {
        let key = name.to_lowercase();
        self.account_mut(account)?.users.remove(&key);
        self.delete_record(account, kind::USER, &key);
        Ok(())
    }

    pub fn put_group(&mut self, account: &str, group: Group) -> Result<(), AwsError> {
        let key = group.name.to_lowercase();
        self.record(account, kind::GROUP, &key, &group)?;
        self.account_mut(account)?
            .groups
            .insert(key, Arc::new(group));
        Ok(())
    }

    pub fn delete_group(&mut self, account: &str, name: &str) -> Result<(), AwsError> {
        let key = name.to_lowercase();
        self.account_mut(account)?.groups.remove(&key);
        self.delete_record(account, kind::GROUP, &key);
        Ok(())
    }

    pub fn put_policy(&mut self, account: &str, policy: ManagedPolicy) -> Result<(), AwsError> {
        let key = policy.name.to_lowercase();
        self.record(account, kind::POLICY, &key, &policy)?;
        self.account_mut(account)?
            .policies
            .insert(key, Arc::new(policy));
        Ok(())
    }

    pub fn delete_policy(&mut self, account: &str, name: &str) -> Result<(), AwsError> {
        let key = name.to_lowercase();
        self.account_mut(account)?.policies.remove(&key);
        self.delete_record(account, kind::POLICY, &key);
        Ok(())
    }

    pub fn put_role(&mut self, account: &str, role: Role) -> Result<(), AwsError> {
        let key = role.name.to_lowercase();
        self.record(account, kind::ROLE, &key, &role)?;
        self.account_mut(account)?.roles.insert(key, Arc::new(role));
        Ok(())
    }

    pub fn delete_role(&mut self, account: &str, name: &str) -> Result<(), AwsError> {
        let key = name.to_lowercase();
        self.account_mut(account)?.roles.remove(&key);
        self.delete_record(account, kind::ROLE, &key);
        Ok(())
    }

    /// Stores a new access key, sealing `secret` under the master key.
    pub fn create_access_key(&mut self, mut key: AccessKey, secret: &str) -> Result<(), AwsError> {
        key.sealed_secret = self
            .sealer
            .seal(
                &access_key_seal_context(&key.account, &key.id),
                secret.as_bytes(),
            )
            .map_err(|e| {
                tracing::error!(error = %e, "could not seal an access key secret");
                AwsError::internal_failure()
            })?;
        let entry = KeyEntry {
            secret: Arc::new(SecretKey::new(secret.to_string())),
            key,
        };
        self.record(
            &entry.key.account.clone(),
            kind::ACCESS_KEY,
            &entry.key.id.clone(),
            &entry.key,
        )?;
        self.state
            .access_keys
            .insert(entry.key.id.clone(), Arc::new(entry));
        Ok(())
    }

    /// Changes an existing key's status or last-used record (the secret stays as sealed).
    pub fn update_access_key(&mut self, key: AccessKey) -> Result<(), AwsError> {
        let Some(old) = self.state.access_keys.get(&key.id).cloned() else {
            return Err(AwsError::no_such_entity(format!(
                "The Access Key with id {} cannot be found.",
                key.id
            )));
        };
        self.record(
            &key.account.clone(),
            kind::ACCESS_KEY,
            &key.id.clone(),
            &key,
        )?;
        let secret = old.secret.clone();
        self.state
            .access_keys
            .insert(key.id.clone(), Arc::new(KeyEntry { key, secret }));
        Ok(())
    }

    /// Puts back a key exactly as it was (test mode's reset keeps the root keys).
    pub fn restore_access_key(&mut self, entry: Arc<KeyEntry>) -> Result<(), AwsError> {
        self.record(
            &entry.key.account.clone(),
            kind::ACCESS_KEY,
            &entry.key.id.clone(),
            &entry.key,
        )?;
        self.state.access_keys.insert(entry.key.id.clone(), entry);
        Ok(())
    }

    pub fn delete_access_key(&mut self, account: &str, id: &str) {
        self.state.access_keys.remove(id);
        self.delete_record(account, kind::ACCESS_KEY, id);
    }
}
