#!/usr/bin/env bash
# Runs the whole test suite: lints, unit and property tests, and the end-to-end tests that
# start the real server and drive it with the Rust AWS SDK and the AWS CLI.
# Works on a fresh machine: it installs what the tests need (the AWS CLI, in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/aws ]; then
    echo "==> installing the AWS CLI into .venv (first run only)"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
export PATH="$PWD/.venv/bin:$PATH"

echo "==> clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> tests"
cargo test --workspace --locked
