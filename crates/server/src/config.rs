//! Configuration: command-line flags, then `PORTCULLIS_*` environment variables (clap reads
//! both, flags first), then the optional TOML file, then defaults.
//!
//! Secrets (the master key, the initial root keys) come only from the environment or the
//! file, never from flags: command lines are visible to every user of the machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

/// `portcullis serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "PORTCULLIS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database, the master key and the root credentials file.
    #[arg(long, env = "PORTCULLIS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML configuration file.
    #[arg(long, short = 'c', env = "PORTCULLIS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Id of the account created on first start.
    #[arg(long, env = "PORTCULLIS_ACCOUNT_ID")]
    pub account_id: Option<String>,
    /// Largest accepted difference between a request's signing time and the server clock.
    #[arg(long, env = "PORTCULLIS_MAX_CLOCK_SKEW_SECS")]
    pub max_clock_skew_secs: Option<u64>,
    /// The STS session-token key version to seal new tokens with (raise to rotate; tokens of
    /// earlier versions stay valid until they expire).
    #[arg(long, env = "PORTCULLIS_STS_TOKEN_KEY_VERSION")]
    pub sts_token_key_version: Option<u32>,
    /// Test mode, for CI pipelines that used moto's server: loopback only; adds
    /// /moto-api/reset and /moto-api/reset-auth; accepts unknown access keys as the default
    /// account's root; no clock-skew check. Never use it in production.
    #[arg(long, env = "PORTCULLIS_TEST_MODE")]
    pub test_mode: bool,
}

/// The TOML file's settings (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub account_id: Option<String>,
    pub max_clock_skew_secs: Option<u64>,
    pub test_mode: Option<bool>,
    pub sts_token_key_version: Option<u32>,
    /// Base64 of 32 bytes. Prefer `PORTCULLIS_MASTER_KEY` or the generated key file.
    pub master_key: Option<String>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub account_id: String,
    pub max_clock_skew: Duration,
    pub test_mode: bool,
    pub master_key: Option<String>,
    pub root_keys: Option<(String, String)>,
    pub sts_token_key_version: u32,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:4566";
pub const DEFAULT_ACCOUNT: &str = "123456789012";

impl Config {
    pub fn resolve(args: ServeArgs) -> Result<Config, String> {
        let file = match &args.config {
            Some(p) => load_file(p)?,
            None => FileConfig::default(),
        };
        let listen = match args.listen.or(file.listen) {
            Some(l) => l,
            None => DEFAULT_LISTEN.parse().map_err(|e| format!("{e}"))?,
        };
        let account_id = args
            .account_id
            .or(file.account_id)
            .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("account id must be 12 digits, got {account_id:?}"));
        }
        let test_mode = args.test_mode || file.test_mode.unwrap_or(false);
        if test_mode && !listen.ip().is_loopback() {
            return Err(format!(
                "test mode listens on loopback only; {listen} is not a loopback address"
            ));
        }
        let root_keys = match (std::env::var("PORTCULLIS_ROOT_ACCESS_KEY_ID"), std::env::var("PORTCULLIS_ROOT_SECRET_ACCESS_KEY")) {
            (Ok(id), Ok(secret)) if !id.is_empty() && !secret.is_empty() => Some((id, secret)),
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => {
                return Err("set both PORTCULLIS_ROOT_ACCESS_KEY_ID and PORTCULLIS_ROOT_SECRET_ACCESS_KEY, or neither".into())
            }
            _ => None,
        };
        Ok(Config {
            listen,
            data_dir: args
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            account_id,
            max_clock_skew: Duration::from_secs(
                args.max_clock_skew_secs
                    .or(file.max_clock_skew_secs)
                    .unwrap_or(300),
            ),
            test_mode,
            master_key: std::env::var("PORTCULLIS_MASTER_KEY")
                .ok()
                .filter(|k| !k.is_empty())
                .or(file.master_key),
            root_keys,
            sts_token_key_version: args
                .sts_token_key_version
                .or(file.sts_token_key_version)
                .unwrap_or(1)
                .max(1),
        })
    }
}

fn load_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
