//! `portcullis policy …`: the policy engine offline, for people writing policies and for CI.
//!
//! `validate` applies exactly the checks (and size quotas) the server applies when a document is
//! stored, so a pipeline can reject a policy before it ever reaches IAM. `eval` answers "would
//! this request be allowed?" from policy files, with the same trace the policy simulator gives.
//!
//! Exit codes are part of the interface: 0 = valid / allowed, 1 = invalid / denied,
//! 2 = usage or I/O error (the same code clap uses for bad flags).

mod eval;
mod request;
mod validate;

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use portcullis_policy::{limits, parse, Policy, PolicyError, PolicyKind, PolicyType};

/// `portcullis policy` flags.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Check policy documents as IAM would when storing them.
    ///
    /// Grammar, the rules of the policy kind and its size quota. Exit code: 0 all valid,
    /// 1 some invalid, 2 usage or I/O error.
    Validate(validate::ValidateArgs),
    /// Decide one request against policy files and explain the decision.
    ///
    /// Prints the decision (allowed, explicitDeny, implicitDeny), the policy type that settled
    /// it, the matched statements, missing context keys and the decision per policy type.
    /// Exit code: 0 allowed, 1 denied (explicitly or implicitly), 2 error.
    Eval(Box<eval::EvalArgs>),
}

/// Runs `portcullis policy …`.
pub fn run(args: PolicyArgs) -> ExitCode {
    let result = match args.command {
        PolicyCommand::Validate(a) => validate::run(&a),
        PolicyCommand::Eval(a) => eval::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portcullis: {e}");
            exit_error()
        }
    }
}

const EXIT_OK: ExitCode = ExitCode::SUCCESS;
const EXIT_NO: ExitCode = ExitCode::FAILURE;
/// Usage and I/O errors, like clap's own usage errors.
fn exit_error() -> ExitCode {
    ExitCode::from(2)
}

/// Errors that stop a command (exit code 2). Rejected policies in `validate` are results, not
/// errors; in `eval` a rejected policy is an error, because its decision would be meaningless.
#[derive(Debug)]
enum CliError {
    /// A file could not be read.
    Io { file: String, error: std::io::Error },
    /// A file is not UTF-8 (IAM documents are text).
    NotUtf8 { file: String },
    /// `-` (standard input) named more than once.
    StdinTwice,
    /// A policy file that IAM would reject.
    Invalid { file: String, error: PolicyError },
    /// A malformed request (flags or `--request` file).
    Request(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Io { file, error } => write!(f, "{file}: {error}"),
            CliError::NotUtf8 { file } => write!(f, "{file}: not valid UTF-8 text"),
            CliError::StdinTwice => f.write_str("standard input (-) can be read only once"),
            CliError::Invalid { file, error } => f.write_str(diagnostic(file, error).trim_end()),
            CliError::Request(m) => f.write_str(m),
        }
    }
}

/// Which kind of policy a file holds: decides the validation rules and the default quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// Identity-based policy (also permissions boundaries and session policies).
    Identity,
    /// Resource-based policy (bucket, queue, key policy, …).
    Resource,
    /// Role trust policy.
    RoleTrust,
    /// Organizations service control policy.
    Scp,
    /// Organizations resource control policy.
    Rcp,
}

impl Kind {
    fn policy_kind(self) -> PolicyKind {
        match self {
            Kind::Identity => PolicyKind::Identity,
            Kind::Resource => PolicyKind::Resource,
            Kind::RoleTrust => PolicyKind::RoleTrust,
            Kind::Scp => PolicyKind::ServiceControl,
            Kind::Rcp => PolicyKind::ResourceControl,
        }
    }

    /// The quota AWS applies to a document of this kind when it is stored on its own.
    /// Resource policies have per-service limits (20 KB for S3, …), none of them IAM's.
    fn default_quota(self) -> Quota {
        match self {
            Kind::Identity => Quota::Managed,
            Kind::Resource => Quota::None,
            Kind::RoleTrust => Quota::Trust,
            Kind::Scp => Quota::Scp,
            Kind::Rcp => Quota::Rcp,
        }
    }
}

/// A size quota (UG:reference_iam-quotas, ORG:orgs_reference_limits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Quota {
    /// 2,048 non-whitespace characters (all of one user's inline policies together).
    UserInline,
    /// 5,120 non-whitespace characters (all of one group's inline policies together).
    GroupInline,
    /// 10,240 non-whitespace characters (all of one role's inline policies together).
    RoleInline,
    /// 6,144 non-whitespace characters (one managed policy version).
    Managed,
    /// 2,048 non-whitespace characters (a role trust policy).
    Trust,
    /// 2,048 non-whitespace characters (session policies passed to STS).
    Session,
    /// 5,120 characters, whitespace included (an SCP).
    Scp,
    /// 5,120 characters, whitespace included (an RCP).
    Rcp,
    /// No size check.
    None,
}

impl Quota {
    fn check(self, text: &str) -> Result<(), PolicyError> {
        let iam = |limit, what| limits::check_size(text, limit, what);
        let org = |limit| limits::check_size_all_chars(text, limit, "PolicySize");
        match self {
            Quota::UserInline => iam(limits::USER_INLINE, "PolicySize"),
            Quota::GroupInline => iam(limits::GROUP_INLINE, "PolicySize"),
            Quota::RoleInline => iam(limits::ROLE_INLINE, "PolicySize"),
            Quota::Managed => iam(limits::MANAGED_POLICY, "PolicySize"),
            // AWS names the trust-policy quota this way in its LimitExceeded message.
            Quota::Trust => iam(limits::ROLE_TRUST, "ACLSizePerRole"),
            Quota::Session => iam(limits::SESSION_POLICY, "PolicySize"),
            Quota::Scp => org(limits::SERVICE_CONTROL_POLICY),
            Quota::Rcp => org(limits::RESOURCE_CONTROL_POLICY),
            Quota::None => Ok(()),
        }
    }
}

/// Size check, then parse + validate: the order IAM uses.
fn check(text: &str, kind: Kind, quota: Quota) -> Result<Policy, PolicyError> {
    quota.check(text)?;
    parse(text, kind.policy_kind())
}

/// Reads policy files and standard input (`-`, at most once per command).
#[derive(Default)]
struct Reader {
    stdin_used: bool,
}

impl Reader {
    /// The name to show for `path` and its text.
    fn read(&mut self, path: &Path) -> Result<(String, String), CliError> {
        if path == Path::new("-") {
            let file = "<stdin>".to_string();
            if std::mem::replace(&mut self.stdin_used, true) {
                return Err(CliError::StdinTwice);
            }
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
                return Err(CliError::Io { file, error });
            }
            return utf8(file, bytes);
        }
        let file = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => utf8(file, bytes),
            Err(error) => Err(CliError::Io { file, error }),
        }
    }

    /// Reads and checks a policy file for `eval`, where a rejected document is an error.
    fn policy(
        &mut self,
        path: &Path,
        kind: Kind,
        quota: Quota,
    ) -> Result<(String, Policy), CliError> {
        let (file, text) = self.read(path)?;
        match check(&text, kind, quota) {
            Ok(p) => Ok((file, p)),
            Err(error) => Err(CliError::Invalid { file, error }),
        }
    }
}

fn utf8(file: String, bytes: Vec<u8>) -> Result<(String, String), CliError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok((file, text)),
        Err(_) => Err(CliError::NotUtf8 { file }),
    }
}

/// `FILE:LINE:COLUMN: Code: AWS message`, then, when the engine knows more than AWS says
/// (AWS's "Syntax errors in policy." names nothing), an indented line with the detail.
fn diagnostic(file: &str, e: &PolicyError) -> String {
    let mut s = String::new();
    let _ = match e.position() {
        Some(p) => write!(s, "{file}:{}:{}: ", p.line, p.column),
        None => write!(s, "{file}: "),
    };
    let _ = writeln!(s, "{}: {e}", e.code().as_str());
    if let Some(d) = detail(e) {
        let _ = writeln!(s, "    {d}");
    }
    s
}

/// The engine's precise explanation without the position, when it adds to the AWS message.
fn detail(e: &PolicyError) -> Option<String> {
    let mut d = e.detail();
    if let Some(p) = e.position() {
        let suffix = format!(" (line {}, column {})", p.line, p.column);
        if let Some(stripped) = d.strip_suffix(&suffix) {
            d = stripped.to_string();
        }
    }
    (d != e.to_string()).then_some(d)
}

/// The name of a policy type in output: the `eval` flag that supplies it.
fn type_name(t: PolicyType) -> &'static str {
    match t {
        PolicyType::Identity => "identity",
        PolicyType::PermissionsBoundary => "boundary",
        PolicyType::Session => "session",
        PolicyType::ResourceBased => "resource",
        PolicyType::ServiceControl => "scp",
        PolicyType::ResourceControl => "rcp",
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn json_text(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}
