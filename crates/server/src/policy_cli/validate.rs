//! `portcullis policy validate`: one verdict per file, in the order given.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use portcullis_policy::PolicyError;
use serde_json::{json, Value};

use super::{check, detail, diagnostic, emit, json_text, CliError, Kind, Quota, Reader};

/// `portcullis policy validate` flags.
#[derive(Debug, Args)]
#[command(after_help = "Output: one line per file, `FILE: OK` or \
    `FILE:LINE:COLUMN: MalformedPolicyDocument: <AWS message>` (position when known; an \
    indented line follows when the engine knows more than AWS's message says).")]
pub struct ValidateArgs {
    /// The kind of policy the files hold; it decides the rules and the default size quota.
    #[arg(long, value_enum, default_value_t = Kind::Identity)]
    kind: Kind,
    /// The size quota to apply instead of the kind's default (identity: managed, 6,144;
    /// role-trust: trust, 2,048; scp/rcp: 5,120 counting whitespace; resource: none).
    #[arg(long, value_enum)]
    quota: Option<Quota>,
    /// Print a JSON array of {file, valid, code, message, line, column, detail}.
    #[arg(long)]
    json: bool,
    /// Policy files; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Validates every file; I/O errors are reported on stderr and make the exit code 2, but do
/// not stop the other files from being checked.
pub(super) fn run(args: &ValidateArgs) -> Result<ExitCode, CliError> {
    let quota = args.quota.unwrap_or(args.kind.default_quota());
    let mut reader = Reader::default();
    let mut verdicts: Vec<(String, Result<(), PolicyError>)> = Vec::new();
    let mut io_failed = false;
    for path in &args.files {
        match reader.read(path) {
            Ok((file, text)) => verdicts.push((file, check(&text, args.kind, quota).map(drop))),
            Err(e) => {
                eprintln!("portcullis: {e}");
                io_failed = true;
            }
        }
    }
    let out = if args.json {
        json_text(&Value::Array(
            verdicts.iter().map(|(f, r)| to_json(f, r)).collect(),
        ))
    } else {
        let mut s = String::new();
        for (file, r) in &verdicts {
            match r {
                Ok(()) => {
                    let _ = writeln!(s, "{file}: OK");
                }
                Err(e) => s.push_str(&diagnostic(file, e)),
            }
        }
        s
    };
    emit(&out);
    Ok(if io_failed {
        super::exit_error()
    } else if verdicts.iter().any(|(_, r)| r.is_err()) {
        super::EXIT_NO
    } else {
        super::EXIT_OK
    })
}

fn to_json(file: &str, r: &Result<(), PolicyError>) -> Value {
    match r {
        Ok(()) => json!({
            "file": file, "valid": true, "code": null, "message": null,
            "line": null, "column": null, "detail": null,
        }),
        Err(e) => json!({
            "file": file,
            "valid": false,
            "code": e.code().as_str(),
            "message": e.to_string(),
            "line": e.position().map(|p| p.line),
            "column": e.position().map(|p| p.column),
            "detail": detail(e),
        }),
    }
}
