-- Every IAM entity is one record, keyed by the account that owns it, its kind and its key
-- (a case-folded name, an access key id, a policy ARN...). The body is the entity as JSON,
-- with any secret inside it already sealed (AES-256-GCM) by the service layer.
CREATE TABLE records (
    account  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    body     TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (account, kind, key)
) WITHOUT ROWID;

-- A single row holding the store's revision: incremented by every committed batch, so that
-- other nodes (PostgreSQL, later) can tell whether their snapshot is current.
CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO store_meta (name, value) VALUES ('revision', 0);
