#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Runs the AWS CLI walkthroughs in `tests/cli/` (`walkthrough.sh`, then every
//! `walkthrough_*.sh`) against a fresh server each. The AWS CLI is required: a missing
//! `aws` is a failure, never a silent skip.
//!
//! Each script gets the server as `PORTCULLIS_*` variables (endpoint, root keys, pid, binary,
//! data dir, listen address — enough to kill and restart it) and as plain `AWS_*` settings
//! with root credentials, so a script can simply run `aws iam …`.

#[macro_use]
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Opts, Server, ACCOUNT, MASTER_KEY, ROOT_KEY_ID, ROOT_SECRET};

/// Longest a single walkthrough may run: a safety net against hangs, generous because each
/// `aws` call costs about a second of Python start-up (much more on a loaded machine).
const SCRIPT_DEADLINE: Duration = Duration::from_secs(600);

/// The directory of the real `aws` when `found` is a pyenv shim (the shim re-resolves the
/// interpreter on every call, adding ~0.5 s to each of the scripts' many CLI calls).
fn unshimmed_dir(found: &Path) -> Option<PathBuf> {
    if !found.to_string_lossy().contains("/shims/") {
        return None;
    }
    let out = Command::new("pyenv").args(["which", "aws"]).output().ok()?;
    let real = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    real.is_file()
        .then(|| real.parent().map(Path::to_path_buf))?
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

fn walkthroughs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut extra: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("walkthrough_") && n.ends_with(".sh"))
        })
        .collect();
    extra.sort();
    let mut all = vec![dir.join("walkthrough.sh")];
    all.extend(extra);
    all
}

/// Runs one script against a fresh server; returns its combined output on failure.
fn run(script: &Path, path_env: &std::ffi::OsStr) -> Result<String, String> {
    let server = Server::start(Opts::default());
    let out_path = server.data_dir().with_extension(format!(
        "{}.out",
        script.file_stem().unwrap().to_string_lossy()
    ));
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new("bash")
        .arg(script)
        .env("PATH", path_env)
        .env("PORTCULLIS_ENDPOINT", server.url())
        .env("PORTCULLIS_ROOT_ACCESS_KEY_ID", ROOT_KEY_ID)
        .env("PORTCULLIS_ROOT_SECRET_ACCESS_KEY", ROOT_SECRET)
        .env("PORTCULLIS_MASTER_KEY", MASTER_KEY)
        .env("PORTCULLIS_ACCOUNT_ID", ACCOUNT)
        .env("PORTCULLIS_PID", server.pid().unwrap().to_string())
        .env("PORTCULLIS_BIN", common::binary())
        .env("PORTCULLIS_DATA_DIR", server.data_dir())
        .env("PORTCULLIS_LISTEN", server.addr().to_string())
        .env("PORTCULLIS_LOG", "warn")
        // The same server as plain AWS_* settings, for scripts that just run `aws` as root.
        .env("AWS_ENDPOINT_URL_IAM", server.url())
        .env("AWS_ENDPOINT_URL_STS", server.url())
        .env("AWS_ACCESS_KEY_ID", ROOT_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", ROOT_SECRET)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + SCRIPT_DEADLINE;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut output = String::new();
    std::fs::File::open(&out_path)
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    let _ = std::fs::remove_file(&out_path);
    match status {
        Some(s) if s.success() => Ok(output),
        Some(s) => Err(format!("{} exited with {s}:\n{output}", script.display())),
        None => Err(format!(
            "{} did not finish within {SCRIPT_DEADLINE:?}:\n{output}",
            script.display()
        )),
    }
}

#[test]
fn aws_cli_walkthroughs() {
    let Some(aws) = find_on_path("aws") else {
        panic!(
            "the AWS CLI (`aws`) is not on PATH, so the CLI walkthroughs cannot run. \
             Run scripts/test.sh (it installs the pinned awscli from scripts/requirements-test.txt \
             into .venv), or `python3 -m venv .venv && .venv/bin/pip install -r \
             scripts/requirements-test.txt && export PATH=$PWD/.venv/bin:$PATH`, then re-run."
        );
    };
    let mut dirs: Vec<PathBuf> = unshimmed_dir(&aws).into_iter().collect();
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path_env = std::env::join_paths(dirs).unwrap();
    eprintln!("using {} ({})", aws.display(), path_env.to_string_lossy());
    // Each script gets its own server; two run side by side (the CLI's start-up dominates,
    // and the machine has two cores).
    let queue = std::sync::Mutex::new(walkthroughs());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(script) = queue.lock().unwrap().pop() else {
                    return;
                };
                let started = Instant::now();
                let r = run(&script, &path_env);
                results.lock().unwrap().push((script, started.elapsed(), r));
            });
        }
    });
    let mut results: Vec<(PathBuf, Duration, Result<String, String>)> =
        results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failures = Vec::new();
    for (script, took, r) in results {
        match r {
            Ok(out) => {
                for line in out.lines().filter(|l| l.starts_with("NOTE:")) {
                    eprintln!("{}: {line}", script.display());
                }
                eprintln!("{}: ok in {took:?}", script.display());
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
