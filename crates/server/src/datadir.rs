//! The data directory: the database, the master key file and the root credentials file.
//! Files holding secrets are created with mode 0600.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use portcullis_service::BootstrapKeys;
use portcullis_store::MasterKey;

pub const DATABASE: &str = "portcullis.db";
pub const MASTER_KEY_FILE: &str = "master.key";
pub const ROOT_CREDENTIALS_FILE: &str = "root-credentials";

/// Creates `dir` if needed.
pub fn ensure(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))
}

fn write_secret_file(path: &Path, contents: &str) -> Result<(), String> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(contents.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The master key: configured, or read from (or generated into) the key file.
pub fn master_key(dir: &Path, configured: Option<&str>) -> Result<MasterKey, String> {
    if let Some(k) = configured {
        return MasterKey::from_base64(k).map_err(|e| format!("PORTCULLIS_MASTER_KEY: {e}"));
    }
    let path = dir.join(MASTER_KEY_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return MasterKey::from_base64(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let key = MasterKey::generate();
    write_secret_file(&path, &key.to_base64())?;
    tracing::warn!(
        path = %path.display(),
        "generated a master key in the data directory; keep a copy elsewhere or set PORTCULLIS_MASTER_KEY — without it the stored secrets cannot be read"
    );
    Ok(key)
}

/// Writes freshly generated root keys as an AWS shared-credentials file (profile
/// `portcullis`).
pub fn write_root_credentials(dir: &Path, keys: &BootstrapKeys) -> Result<PathBuf, String> {
    let path = dir.join(ROOT_CREDENTIALS_FILE);
    let text = zeroize::Zeroizing::new(format!(
        "# Root credentials of account {}, generated at first start.\n[portcullis]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        keys.account, keys.access_key_id, &*keys.secret_access_key
    ));
    write_secret_file(&path, &text)?;
    Ok(path)
}
