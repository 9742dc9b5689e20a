//! The in-memory IAM state: everything authorization needs, indexed for lookups.
//!
//! Persistent (structure-sharing) maps make a copy O(1), so the write path can copy the
//! current state, change the copy, and publish it as a new immutable snapshot while readers
//! keep using the old one: authorization never waits for a writer or the database.

use std::sync::Arc;

use imbl::{HashMap, OrdMap};
use portcullis_protocol::AwsError;
use portcullis_sigv4::SecretKey;
use portcullis_store::{Record, Sealer};

use crate::entity::{AccessKey, Account, Group, ManagedPolicy, Role, User};
use crate::managed::Catalogue;

/// Kinds of store records, one per entity type.
pub mod kind {
    pub const ACCOUNT: &str = "account";
    pub const USER: &str = "user";
    pub const GROUP: &str = "group";
    pub const POLICY: &str = "policy";
    pub const ACCESS_KEY: &str = "access-key";
    pub const ROLE: &str = "role";
}

/// An access key with its secret opened, ready for signature verification.
pub struct KeyEntry {
    pub key: AccessKey,
    pub secret: Arc<SecretKey>,
}

/// Everything one account holds.
#[derive(Clone)]
pub struct AccountState {
    pub account: Arc<Account>,
    /// Users by case-folded name (IAM names are unique case-insensitively); ordered, so
    /// listings are stable and paginate by name.
    pub users: OrdMap<String, Arc<User>>,
    pub groups: OrdMap<String, Arc<Group>>,
    /// Customer-managed policies by case-folded name.
    pub policies: OrdMap<String, Arc<ManagedPolicy>>,
    /// Roles by case-folded name.
    pub roles: OrdMap<String, Arc<Role>>,
}

impl AccountState {
    pub fn new(account: Account) -> Self {
        AccountState {
            account: Arc::new(account),
            users: OrdMap::new(),
            groups: OrdMap::new(),
            policies: OrdMap::new(),
            roles: OrdMap::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.account.id
    }

    pub fn user(&self, name: &str) -> Option<&Arc<User>> {
        self.users.get(&name.to_lowercase())
    }

    pub fn group(&self, name: &str) -> Option<&Arc<Group>> {
        self.groups.get(&name.to_lowercase())
    }

    pub fn role(&self, name: &str) -> Option<&Arc<Role>> {
        self.roles.get(&name.to_lowercase())
    }
}

/// The whole state; cheap to clone.
#[derive(Clone)]
pub struct State {
    pub accounts: OrdMap<String, AccountState>,
    /// Every long-term access key of every account, by key id.
    pub access_keys: HashMap<String, Arc<KeyEntry>>,
    /// The AWS-managed policy catalogue (shared, immutable).
    pub aws_policies: Arc<Catalogue>,
}

impl State {
    pub fn empty(aws_policies: Arc<Catalogue>) -> Self {
        State {
            accounts: OrdMap::new(),
            access_keys: HashMap::new(),
            aws_policies,
        }
    }

    pub fn account(&self, id: &str) -> Option<&AccountState> {
        self.accounts.get(id)
    }

    /// The account, or AWS's error for an account this server does not host.
    pub fn account_or_err(&self, id: &str) -> Result<&AccountState, AwsError> {
        self.account(id)
            .ok_or_else(|| AwsError::no_such_entity(format!("The account {id} does not exist.")))
    }

    /// A managed policy by ARN: AWS-managed from the catalogue, customer-managed from
    /// `account` (policies of other accounts cannot be attached).
    pub fn managed_policy(&self, account: &str, arn: &str) -> Option<Arc<ManagedPolicy>> {
        if arn.starts_with("arn:aws:iam::aws:policy/") {
            return self.aws_policies.get(arn).cloned();
        }
        let prefix = format!("arn:aws:iam::{account}:policy/");
        let rest = arn.strip_prefix(&prefix)?;
        let name = rest.rsplit('/').next()?;
        let p = self.account(account)?.policies.get(&name.to_lowercase())?;
        (p.arn == arn).then(|| p.clone())
    }

    /// Rebuilds the state from every store record.
    pub fn from_records(
        records: Vec<Record>,
        sealer: &Sealer,
        aws_policies: Arc<Catalogue>,
    ) -> Result<State, String> {
        let mut st = State::empty(aws_policies);
        // Accounts first, so that entities can find theirs.
        let (accounts, rest): (Vec<Record>, Vec<Record>) = records
            .into_iter()
            .partition(|r| r.key.kind == kind::ACCOUNT);
        for r in accounts {
            let a: Account = decode(&r)?;
            st.accounts.insert(a.id.clone(), AccountState::new(a));
        }
        for r in rest {
            let acct = st.accounts.get_mut(&r.key.account).ok_or_else(|| {
                format!(
                    "record {}/{}/{} belongs to no account",
                    r.key.account, r.key.kind, r.key.key
                )
            })?;
            match r.key.kind.as_str() {
                kind::USER => {
                    let u: User = decode(&r)?;
                    acct.users.insert(r.key.key.clone(), Arc::new(u));
                }
                kind::GROUP => {
                    let g: Group = decode(&r)?;
                    acct.groups.insert(r.key.key.clone(), Arc::new(g));
                }
                kind::POLICY => {
                    let p: ManagedPolicy = decode(&r)?;
                    acct.policies.insert(r.key.key.clone(), Arc::new(p));
                }
                kind::ROLE => {
                    let r: Role = decode(&r)?;
                    acct.roles.insert(r.name.to_lowercase(), Arc::new(r));
                }
                kind::ACCESS_KEY => {
                    let k: AccessKey = decode(&r)?;
                    let secret =
                        open_secret(sealer, &k).map_err(|e| format!("access key {}: {e}", k.id))?;
                    st.access_keys
                        .insert(k.id.clone(), Arc::new(KeyEntry { key: k, secret }));
                }
                other => return Err(format!("unknown record kind {other}")),
            }
        }
        Ok(st)
    }
}

fn decode<T: serde::de::DeserializeOwned>(r: &Record) -> Result<T, String> {
    serde_json::from_str(&r.body)
        .map_err(|e| format!("record {}/{}/{}: {e}", r.key.account, r.key.kind, r.key.key))
}

/// The sealing context of an access key's secret: binds the ciphertext to this key.
pub fn access_key_seal_context(account: &str, key_id: &str) -> String {
    format!("access-key/{account}/{key_id}")
}

fn open_secret(sealer: &Sealer, k: &AccessKey) -> Result<Arc<SecretKey>, String> {
    let plain = sealer
        .open(
            &access_key_seal_context(&k.account, &k.id),
            &k.sealed_secret,
        )
        .map_err(|e| e.to_string())?;
    let s = String::from_utf8(plain.to_vec()).map_err(|_| "secret is not UTF-8".to_string())?;
    Ok(Arc::new(SecretKey::new(s)))
}
