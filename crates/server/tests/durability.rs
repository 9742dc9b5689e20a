#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Durability and secrets at rest:
//! - SECURITY-BAR row 24 (CRASH-SQLITE): writers create users concurrently while the server
//!   is `kill -9`ed at a pseudo-random moment; after restart every acknowledged CreateUser is
//!   there and the database passes `PRAGMA integrity_check`.
//! - Plain restart: users and keys survive.
//! - SECURITY-BAR row 36 (SECRETS-AT-REST): no secret access key appears in clear in the
//!   database files.

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Creds, Opts, Server};

/// Concurrent writers per round.
const WRITERS: usize = 8;
/// Kill rounds.
const ROUNDS: usize = 4;
/// Fixed seed: the kill moments are the same on every run (tier P).
const SEED: u64 = 0x5eed_2024_c0ff_ee11;

/// xorshift64*: enough randomness for kill moments without another dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn all_user_names(iam: &aws_sdk_iam::Client) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut marker = None;
    loop {
        let out = iam
            .list_users()
            .max_items(1000)
            .set_marker(marker)
            .send()
            .await
            .unwrap();
        names.extend(out.users().iter().map(|u| u.user_name().to_string()));
        if !out.is_truncated() {
            return names;
        }
        marker = out.marker().map(str::to_string);
    }
}

async fn integrity_check(db: &std::path::Path) {
    use sqlx::{ConnectOptions, Row};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .unwrap();
    let rows = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let results: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    assert_eq!(results, vec!["ok".to_string()], "integrity_check");
    let fk = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(fk.is_empty(), "foreign_key_check found {} rows", fk.len());
    sqlx::Connection::close(conn).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let started = Instant::now();
    let mut s = Server::start(Opts::default());
    let mut rng = Rng(SEED);
    let acked: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let mut total_kills = 0;

    for round in 0..ROUNDS {
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let iam = s.iam_client(&Creds::root());
            let acked = acked.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0.. {
                    let name = format!("r{round}-w{w}-u{i}");
                    match iam.create_user().user_name(&name).send().await {
                        Ok(_) => {
                            acked.lock().unwrap().insert(name);
                        }
                        // The server died under us: this write may or may not exist.
                        Err(_) => return i,
                    }
                }
                unreachable!()
            }));
        }
        // Kill somewhere between 50 and 600 ms into the round.
        let wait = 50 + rng.below(550);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        s.kill9();
        total_kills += 1;
        let mut attempted = 0;
        for t in tasks {
            attempted += tokio::time::timeout(Duration::from_secs(20), t)
                .await
                .expect("writer did not notice the kill")
                .unwrap();
        }
        if round == ROUNDS - 1 {
            integrity_check(&s.data_dir().join("portcullis.db")).await;
        }
        s.restart();
        let present = all_user_names(&s.iam_client(&Creds::root())).await;
        let acked = acked.lock().unwrap().clone();
        let lost: Vec<_> = acked.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} acknowledged users lost after kill -9, e.g. {:?}",
            lost.len(),
            lost.iter().take(5).collect::<Vec<_>>()
        );
        eprintln!(
            "round {round}: killed after {wait} ms, {attempted} creates acknowledged this round, {} acknowledged in total, {} present",
            acked.len(),
            present.len()
        );
    }
    assert_eq!(total_kills, ROUNDS);
    eprintln!("{ROUNDS} kill rounds in {:?}", started.elapsed());
    assert!(
        acked.lock().unwrap().len() > WRITERS,
        "the writers barely wrote anything"
    );
    // The server still takes writes after all that.
    s.iam_client(&Creds::root())
        .create_user()
        .user_name("after-the-storm")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn users_and_keys_survive_a_restart() {
    let mut s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    root.create_user()
        .user_name("alice")
        .path("/keep/")
        .send()
        .await
        .unwrap();
    let alice = common::user_with_key(&root, "bob").await;
    let before = root.get_user().user_name("alice").send().await.unwrap();

    s.restart();
    let root = s.iam_client(&Creds::root());
    let after = root.get_user().user_name("alice").send().await.unwrap();
    let (b, a) = (before.user().unwrap(), after.user().unwrap());
    assert_eq!(a.user_id(), b.user_id());
    assert_eq!(a.arn(), b.arn());
    assert_eq!(a.create_date(), b.create_date());
    // bob's key (sealed in the database) still verifies signatures.
    assert!(common::sts_identity(&s, &alice)
        .await
        .ends_with(":user/bob"));
    // Root keys too.
    common::sts_identity(&s, &Creds::root()).await;
    let keys = root
        .list_access_keys()
        .user_name("bob")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata().len(), 1);
}

#[tokio::test]
async fn restart_with_a_different_master_key_refuses_to_serve_secrets() {
    // Sealed secrets are bound to the master key: a wrong key must not yield working keys.
    let mut s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let bob = common::user_with_key(&root, "bob").await;
    s.kill9();
    let out = {
        let mut cmd = s.command();
        cmd.env(
            "PORTCULLIS_MASTER_KEY",
            "/////////////////////////////////////////w=",
        );
        // Either it refuses to start, or it starts without usable secrets; give it 3 s.
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut healthy = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if common::health_ok(s.addr()) {
                healthy = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if healthy {
            let r = s.sts_client(&bob).get_caller_identity().send().await;
            let _ = child.kill();
            let _ = child.wait();
            Some(r.is_ok())
        } else {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    };
    assert_ne!(
        out,
        Some(true),
        "bob's key worked under the wrong master key"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn no_secret_access_key_in_clear_on_disk() {
    let mut s = Server::start(Opts::default());
    let root = s.iam_client(&Creds::root());
    let mut secrets = vec![common::ROOT_SECRET.to_string()];
    for name in ["alice", "bob", "carol"] {
        root.create_user().user_name(name).send().await.unwrap();
        for _ in 0..2 {
            let k = root
                .create_access_key()
                .user_name(name)
                .send()
                .await
                .unwrap();
            secrets.push(k.access_key().unwrap().secret_access_key().to_string());
        }
    }
    // The root's own second key.
    let k = root.create_access_key().send().await.unwrap();
    secrets.push(k.access_key().unwrap().secret_access_key().to_string());

    let scan = |s: &Server, when: &str| {
        let mut files = 0;
        for entry in std::fs::read_dir(s.data_dir()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.starts_with("portcullis.db") {
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            for secret in &secrets {
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "{when}: a secret access key is stored in clear in {name}"
                );
            }
            // The master key must not be in the database either.
            assert!(
                !contains(&bytes, common::MASTER_KEY.as_bytes()),
                "{when}: master key in {name}"
            );
        }
        assert!(
            files >= 1,
            "no database files in {}",
            s.data_dir().display()
        );
    };
    // While running (WAL not yet checkpointed), after kill -9, after a clean restart.
    assert!(
        s.data_dir().join("portcullis.db-wal").exists()
            || s.data_dir().join("portcullis.db").exists()
    );
    scan(&s, "running");
    s.kill9();
    scan(&s, "after kill -9");
    s.restart();
    scan(&s, "after restart");
    // The keys are all still there and usable: what is stored is the sealed form.
    let root = s.iam_client(&Creds::root());
    assert_eq!(
        root.list_access_keys()
            .user_name("alice")
            .send()
            .await
            .unwrap()
            .access_key_metadata()
            .len(),
        2
    );
    assert!(common::sts_identity(&s, &Creds::root())
        .await
        .ends_with(":root"));
}
