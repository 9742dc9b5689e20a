/// Where a record lives: the owning account, the kind of entity and its key within that kind.
///
/// Keys are chosen by the service so that uniqueness AWS requires is uniqueness of the key
/// (for example a user's key is its name folded to lower case: IAM names are unique
/// case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub account: String,
    pub kind: String,
    pub key: String,
}

/// One stored entity: its key and its body (JSON, secrets already sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub key: RecordKey,
    pub body: String,
}

/// One change in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Insert or replace.
    Put(Record),
    /// Remove, if present.
    Delete(RecordKey),
}
