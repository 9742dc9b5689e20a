use thiserror::Error;

/// Why the store could not do what was asked. Never carries secret material.
#[derive(Debug, Error, Clone)]
pub enum StoreError {
    /// The database reported an error (I/O, corruption, constraint...).
    #[error("database error: {0}")]
    Database(String),
    /// Migrations could not be applied.
    #[error("migration error: {0}")]
    Migration(String),
    /// An earlier batch failed to commit; the caller must reload before writing again.
    #[error(
        "the store refused the write because an earlier write failed; state is being reloaded"
    )]
    Poisoned,
    /// The committer task is gone (shutdown).
    #[error("the store is shutting down")]
    Closed,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}
