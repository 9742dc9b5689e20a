#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portcullis policy validate|eval`, run as a user would run them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    run_stdin(args, None)
}

fn run_stdin(args: &[&str], stdin: Option<&str>) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .arg("policy")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn file(dir: &Path, name: &str, text: &str) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

const ALLOW_S3: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadAll",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    }
  ]
}"#;

const DENY_DELETE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]
}"#;

const BOUNDARY_GET_ONLY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
}"#;

#[test]
fn validate_ok_and_invalid_with_position_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let good = file(dir.path(), "good.json", ALLOW_S3);
    let out = run(&["validate", &good]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{good}: OK\n"));

    // Line 3, column 14: the lower-case effect value.
    let bad = file(
        dir.path(),
        "bad.json",
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Bogus\": 1}\n ]\n}",
    );
    let out = run(&["validate", &good, &bad]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], format!("{good}: OK"));
    assert!(
        lines[1].starts_with(&format!("{bad}:3:")),
        "position expected: {}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(": MalformedPolicyDocument: Syntax errors in policy."),
        "{}",
        lines[1]
    );
    assert!(
        out.stdout.contains("Bogus"),
        "detail names the element: {}",
        out.stdout
    );

    // An AWS message with a specific text.
    let no_action = file(
        dir.path(),
        "noaction.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
    );
    let out = run(&["validate", &no_action]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("MalformedPolicyDocument: Policy statement must contain actions."),
        "{}",
        out.stdout
    );
}

#[test]
fn validate_kinds_quota_stdin_and_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A principal is wrong in an identity policy but required in a resource policy.
    let bucket = file(
        dir.path(),
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    let out = run(&["validate", &bucket]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("Policy document should not specify a principal."),
        "{}",
        out.stdout
    );
    assert_eq!(run(&["validate", "--kind", "resource", &bucket]).code, 0);

    // About 2,100 non-whitespace characters: fits the managed quota, not the user-inline one.
    let padded = ALLOW_S3.replace("\"ReadAll\"", &format!("\"{}\"", "a".repeat(2000)));
    let big = file(dir.path(), "big.json", &padded);
    assert_eq!(run(&["validate", &big]).code, 0);
    let out = run(&["validate", "--quota", "user-inline", &big]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!("{big}: LimitExceeded: Cannot exceed quota for PolicySize: 2048\n")
    );

    let out = run_stdin(&["validate", "-"], Some(ALLOW_S3));
    assert_eq!((out.code, out.stdout.as_str()), (0, "<stdin>: OK\n"));

    let missing = dir.path().join("missing.json");
    let out = run(&["validate", missing.to_str().unwrap(), &bucket]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing.json"), "{}", out.stderr);
    assert_eq!(run(&["validate"]).code, 2, "no file is a usage error");
    assert_eq!(run(&["validate", "--kind", "bogus", &bucket]).code, 2);
}

#[test]
fn validate_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let good = file(dir.path(), "good.json", ALLOW_S3);
    let bad = file(
        dir.path(),
        "bad.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": 7\n}",
    );
    let out = run(&["validate", "--json", &good, &bad]);
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["file"], good.as_str());
    assert_eq!(a[0]["valid"], true);
    assert!(a[0]["code"].is_null() && a[0]["message"].is_null() && a[0]["line"].is_null());
    assert_eq!(a[1]["file"], bad.as_str());
    assert_eq!(a[1]["valid"], false);
    assert_eq!(a[1]["code"], "MalformedPolicyDocument");
    assert!(a[1]["message"].is_string());
    assert_eq!(a[1]["line"], 3);
    assert!(a[1]["column"].as_u64().unwrap() >= 3);
}

#[test]
fn eval_allowed_explicit_deny_and_boundary_implicit_deny() {
    let dir = tempfile::tempdir().unwrap();
    let allow = file(dir.path(), "allow.json", ALLOW_S3);
    let deny = file(dir.path(), "deny.json", DENY_DELETE);
    let boundary = file(dir.path(), "boundary.json", BOUNDARY_GET_ONLY);
    let obj = "arn:aws:s3:::bucket/key";

    let out = run(&[
        "eval",
        "--identity",
        &allow,
        "--action",
        "s3:GetObject",
        "--resource",
        obj,
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with("decision: allowed\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("decisive policy type: identity"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("identity {allow} Sid=ReadAll Allow 4:5-9:5")),
        "{}",
        out.stdout
    );

    let out = run(&[
        "eval",
        "--identity",
        &allow,
        "--identity",
        &deny,
        "--action",
        "s3:DeleteObject",
        "--resource",
        obj,
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("decision: explicitDeny\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Sid=NoDelete Deny 3:17-3:99"),
        "{}",
        out.stdout
    );

    let base = [
        "eval",
        "--identity",
        &allow,
        "--boundary",
        &boundary,
        "--resource",
        obj,
    ];
    let out = run(&[&base[..], &["--action", "s3:PutObject"]].concat());
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("decision: implicitDeny\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("decisive policy type: boundary"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  boundary implicitDeny"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  identity allowed"), "{}", out.stdout);
    assert_eq!(
        run(&[&base[..], &["--action", "s3:GetObject"]].concat()).code,
        0
    );
}

#[test]
fn eval_json_and_condition_on_context() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(
        dir.path(),
        "mfa.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Tagged","Effect":"Allow","Action":"ec2:StartInstances","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"ForAllValues:StringEquals":{"aws:TagKeys":["Team","Project"]}}}]}"#,
    );
    let base = [
        "eval",
        "--json",
        "--identity",
        &p,
        "--action",
        "ec2:StartInstances",
    ];
    let out = run(&[
        &base[..],
        &[
            "--context",
            "aws:RequestedRegion=eu-west-1",
            "--context",
            "aws:TagKeys=[Team, Project]",
        ],
    ]
    .concat());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["decision"], "allowed");
    assert_eq!(v["allowed"], true);
    assert_eq!(v["decisivePolicyType"], "identity");
    let m = &v["matchedStatements"][0];
    assert_eq!(m["policyId"], p.as_str());
    assert_eq!(m["policyType"], "identity");
    assert_eq!(m["sid"], "Tagged");
    assert_eq!(m["effect"], "Allow");
    assert_eq!(m["start"]["line"], 1);
    assert!(m["end"]["column"].is_u64());
    assert_eq!(v["policyTypeDecisions"][0]["policyType"], "identity");
    assert_eq!(
        v["request"]["context"]["aws:TagKeys"],
        serde_json::json!(["Team", "Project"])
    );
    assert_eq!(v["request"]["context"]["aws:username"], "alice");
    assert_eq!(v["request"]["context"]["aws:PrincipalType"], "User");
    assert_eq!(
        v["request"]["context"]["aws:PrincipalAccount"],
        "123456789012"
    );

    let out = run(&[&base[..], &["--context", "aws:RequestedRegion=us-east-1"]].concat());
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["decision"], "implicitDeny");
    assert_eq!(v["matchedStatements"], serde_json::json!([]));

    // Without the key the condition fails and the key is reported missing.
    let out = run(&base);
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        v["missingContextKeys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "aws:RequestedRegion"),
        "{v}"
    );
}

#[test]
fn eval_policy_variable_username_from_principal_arn() {
    let dir = tempfile::tempdir().unwrap();
    let home = file(
        dir.path(),
        "home.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#,
    );
    let ask = |principal: &str, resource: &str, extra: &[&str]| {
        let args = [
            &[
                "eval",
                "--identity",
                &home,
                "--action",
                "s3:GetObject",
                "--principal-arn",
                principal,
                "--resource",
                resource,
            ][..],
            extra,
        ]
        .concat();
        run(&args).code
    };
    let bob = "arn:aws:iam::123456789012:user/staff/bob";
    assert_eq!(ask(bob, "arn:aws:s3:::home/bob/notes.txt", &[]), 0);
    assert_eq!(ask(bob, "arn:aws:s3:::home/alice/notes.txt", &[]), 1);
    // --context overrides the derived key.
    assert_eq!(
        ask(
            bob,
            "arn:aws:s3:::home/alice/notes.txt",
            &["--context", "aws:username=alice"]
        ),
        0
    );
}

#[test]
fn eval_request_file_principal_kinds_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let allow = file(dir.path(), "allow.json", ALLOW_S3);
    let req = file(
        dir.path(),
        "req.json",
        r#"{"principal":{"arn":"arn:aws:sts::123456789012:assumed-role/App/s1"},"action":"s3:ListBucket",
            "resource":"arn:aws:s3:::b","context":{"aws:SecureTransport":true}}"#,
    );
    let out = run(&["eval", "--json", "--identity", &allow, "--request", &req]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["request"]["principal"]["roleArn"],
        "arn:aws:iam::123456789012:role/App"
    );
    assert_eq!(
        v["request"]["context"]["aws:PrincipalArn"],
        "arn:aws:iam::123456789012:role/App"
    );
    assert_eq!(v["request"]["context"]["aws:PrincipalType"], "AssumedRole");
    assert!(v["request"]["context"].get("aws:username").is_none());

    // The root user is allowed without policies; other callers are not.
    let out = run(&[
        "eval",
        "--principal-arn",
        "arn:aws:iam::123456789012:root",
        "--action",
        "iam:ListUsers",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("implicit allow"), "{}", out.stdout);
    assert_eq!(run(&["eval", "--action", "iam:ListUsers"]).code, 1);

    // Errors: exit 2.
    let bad = file(
        dir.path(),
        "bad.json",
        r#"{"Version":"2012-10-17","Statement":[]}"#,
    );
    let out = run(&["eval", "--identity", &bad, "--action", "s3:GetObject"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("MalformedPolicyDocument"),
        "{}",
        out.stderr
    );
    assert_eq!(
        run(&["eval", "--identity", &allow]).code,
        2,
        "--action is required"
    );
    assert_eq!(
        run(&[
            "eval",
            "--action",
            "s3:GetObject",
            "--principal-arn",
            "arn:aws:iam::1:role/R"
        ])
        .code,
        2
    );
    assert_eq!(
        run(&["eval", "--action", "s3:GetObject", "--context", "novalue"]).code,
        2
    );
    assert_eq!(
        run(&["eval", "--request", &req, "--action", "s3:GetObject"]).code,
        2
    );
}
