//! The embedded default: SQLite in the data directory.
//!
//! WAL journal with `synchronous=FULL`, so a commit is on disk (the WAL is synced) before the
//! caller is answered: an acknowledged write survives `kill -9` and power loss on storage that
//! honours fsync. One connection writes (through the group committer); reads at start-up
//! use another.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use tokio::sync::Mutex;

use crate::committer::{Committer, GroupWriter};
use crate::{BoxFuture, Change, CommitTicket, Record, RecordKey, Store, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A [`Store`] on one SQLite database file.
pub struct SqliteStore {
    reader: Mutex<SqliteConnection>,
    committer: Committer,
}

struct Writer {
    conn: SqliteConnection,
}

fn options(path: &Path) -> Result<SqliteConnectOptions, StoreError> {
    let url = format!("sqlite://{}", path.display());
    Ok(SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .disable_statement_logging())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = options(path)?;
        let mut writer = opts.connect().await?;
        MIGRATOR
            .run(&mut writer)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let reader = opts.connect().await?;
        Ok(SqliteStore {
            reader: Mutex::new(reader),
            committer: Committer::spawn(Writer { conn: writer }),
        })
    }
}

impl GroupWriter for Writer {
    fn write_group<'a>(
        &'a mut self,
        batches: &'a [Vec<Change>],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            let mut tx = self.conn.begin().await?;
            let revision: i64 = sqlx::query_scalar(
                "UPDATE store_meta SET value = value + 1 WHERE name = 'revision' RETURNING value",
            )
            .fetch_one(&mut *tx)
            .await?;
            for change in batches.iter().flatten() {
                match change {
                    Change::Put(r) => {
                        sqlx::query(
                            "INSERT INTO records (account, kind, key, body, revision) VALUES (?, ?, ?, ?, ?) \
                             ON CONFLICT (account, kind, key) DO UPDATE SET body = excluded.body, revision = excluded.revision",
                        )
                        .bind(&r.key.account)
                        .bind(&r.key.kind)
                        .bind(&r.key.key)
                        .bind(&r.body)
                        .bind(revision)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Change::Delete(k) => {
                        sqlx::query(
                            "DELETE FROM records WHERE account = ? AND kind = ? AND key = ?",
                        )
                        .bind(&k.account)
                        .bind(&k.kind)
                        .bind(&k.key)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            tx.commit().await?;
            Ok(u64::try_from(revision).unwrap_or(0))
        })
    }
}

impl Store for SqliteStore {
    fn load(&self) -> BoxFuture<'_, Result<Vec<Record>, StoreError>> {
        Box::pin(async move {
            let mut conn = self.reader.lock().await;
            let rows = sqlx::query(
                "SELECT account, kind, key, body FROM records ORDER BY account, kind, key",
            )
            .fetch_all(&mut *conn)
            .await?;
            rows.into_iter()
                .map(|row| {
                    Ok(Record {
                        key: RecordKey {
                            account: row.try_get(0)?,
                            kind: row.try_get(1)?,
                            key: row.try_get(2)?,
                        },
                        body: row.try_get(3)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    fn submit(&self, batch: Vec<Change>) -> CommitTicket {
        self.committer.submit(batch)
    }

    fn clear_poison(&self) {
        self.committer.clear_poison();
    }

    fn wipe(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.reader.lock().await;
            sqlx::query("DELETE FROM records")
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(account: &str, key: &str, body: &str) -> Change {
        Change::Put(Record {
            key: RecordKey {
                account: account.into(),
                kind: "user".into(),
                key: key.into(),
            },
            body: body.into(),
        })
    }

    #[tokio::test]
    async fn batches_commit_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        {
            let s = SqliteStore::open(&path).await.unwrap();
            let r1 = s
                .submit(vec![
                    put("1", "alice", "{}"),
                    put("2", "alice", "{\"x\":1}"),
                ])
                .wait()
                .await
                .unwrap();
            let r2 = s
                .submit(vec![Change::Delete(RecordKey {
                    account: "1".into(),
                    kind: "user".into(),
                    key: "alice".into(),
                })])
                .wait()
                .await
                .unwrap();
            assert!(r2 > r1);
        }
        let s = SqliteStore::open(&path).await.unwrap();
        let all = s.load().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].key.account, "2");
        assert_eq!(all[0].body, "{\"x\":1}");
    }

    #[tokio::test]
    async fn concurrent_submissions_all_commit_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = std::sync::Arc::new(SqliteStore::open(&dir.path().join("p.db")).await.unwrap());
        let tickets: Vec<_> = (0..200)
            .map(|i| s.submit(vec![put("1", &format!("u{i}"), &i.to_string())]))
            .collect();
        let mut last = 0;
        for t in tickets {
            let rev = t.wait().await.unwrap();
            assert!(rev >= last, "revisions follow submission order");
            last = rev;
        }
        assert_eq!(s.load().await.unwrap().len(), 200);
        // Group commit folded some batches together.
        assert!(
            last < 200,
            "expected fewer transactions than batches, got revision {last}"
        );
    }

    #[tokio::test]
    async fn wipe_removes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("p.db")).await.unwrap();
        s.submit(vec![put("1", "a", "{}")]).wait().await.unwrap();
        s.wipe().await.unwrap();
        assert!(s.load().await.unwrap().is_empty());
    }
}
