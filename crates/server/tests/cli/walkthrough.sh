#!/usr/bin/env bash
# The AWS CLI against Portcullis, exactly as a user types it.
#
# Run by tests/cli.rs, which starts a server and passes:
#   PORTCULLIS_ENDPOINT                 http://127.0.0.1:PORT
#   PORTCULLIS_ROOT_ACCESS_KEY_ID       root keys (also what the server was started with)
#   PORTCULLIS_ROOT_SECRET_ACCESS_KEY
#   PORTCULLIS_ACCOUNT_ID               the account the server created (123456789012)
#   PORTCULLIS_PID                      the running server, which this script kill -9s ...
#   PORTCULLIS_BIN, PORTCULLIS_DATA_DIR, PORTCULLIS_LISTEN
#                                       ... and restarts itself (PORTCULLIS_MASTER_KEY and the
#                                       root keys are in the environment for that).
set -euo pipefail

: "${PORTCULLIS_ENDPOINT:?}" "${PORTCULLIS_ROOT_ACCESS_KEY_ID:?}" "${PORTCULLIS_ROOT_SECRET_ACCESS_KEY:?}"
: "${PORTCULLIS_PID:?}" "${PORTCULLIS_BIN:?}" "${PORTCULLIS_DATA_DIR:?}" "${PORTCULLIS_LISTEN:?}"
ACCOUNT="${PORTCULLIS_ACCOUNT_ID:-123456789012}"

# Point the CLI at Portcullis, and nowhere else: no profile, no config, no retries.
export AWS_ENDPOINT_URL_IAM="$PORTCULLIS_ENDPOINT"
export AWS_ENDPOINT_URL_STS="$PORTCULLIS_ENDPOINT"
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_MAX_ATTEMPTS=1
export AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

as_root() {
    AWS_ACCESS_KEY_ID="$PORTCULLIS_ROOT_ACCESS_KEY_ID" \
    AWS_SECRET_ACCESS_KEY="$PORTCULLIS_ROOT_SECRET_ACCESS_KEY" aws "$@"
}
as_alice() {
    AWS_ACCESS_KEY_ID="$ALICE_KEY" AWS_SECRET_ACCESS_KEY="$ALICE_SECRET" aws "$@"
}

# expect_error CODE COMMAND...: the command fails with AWS error CODE; prints the message.
expect_error() {
    local code=$1 out
    shift
    if out=$("$@" 2>&1); then
        fail "expected $code from: $*; it succeeded: $out"
    fi
    grep -q "An error occurred ($code)" <<<"$out" || fail "expected $code from: $*; got: $out"
    printf '%s\n' "$out"
}

# Answers the HTTP status of GET /health (bash only: no curl needed).
healthy() (
    host=${PORTCULLIS_LISTEN%:*} port=${PORTCULLIS_LISTEN##*:}
    exec 3<>"/dev/tcp/$host/$port" || exit 1
    printf 'GET /health HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
    reply=$(cat <&3 || true)
    [[ $reply == "HTTP/1.1 200"* && $reply == *ok ]]
) 2>/dev/null

step "root: who am I"
arn=$(as_root sts get-caller-identity --query Arn --output text)
[[ $arn == "arn:aws:iam::$ACCOUNT:root" ]] || fail "root arn: $arn"

step "root creates user alice"
as_root iam create-user --user-name alice --path /walk/ --output json
expect_error EntityAlreadyExists as_root iam create-user --user-name alice

step "root gives alice a policy allowing only iam:ListUsers"
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}'
HAS_POLICY=no
if out=$(as_root iam put-user-policy --user-name alice --policy-name list-only \
        --policy-document "$POLICY" 2>&1); then
    HAS_POLICY=inline
elif grep -q "(InvalidAction)" <<<"$out"; then
    if out=$(as_root iam create-policy --policy-name list-only --policy-document "$POLICY" 2>&1); then
        as_root iam attach-user-policy --user-name alice \
            --policy-arn "arn:aws:iam::$ACCOUNT:policy/list-only"
        HAS_POLICY=managed
    elif grep -q "(InvalidAction)" <<<"$out"; then
        fail "neither PutUserPolicy nor CreatePolicy is implemented"
    else
        fail "create-policy: $out"
    fi
else
    fail "put-user-policy: $out"
fi
echo "policy: $HAS_POLICY"

step "root creates alice's access key"
read -r ALICE_KEY ALICE_SECRET < <(as_root iam create-access-key --user-name alice \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
[[ $ALICE_KEY == AKIA* && ${#ALICE_SECRET} -eq 40 ]] || fail "bad key: $ALICE_KEY"
as_root iam list-access-keys --user-name alice --output table

step "alice: who am I (needs no policy)"
arn=$(as_alice sts get-caller-identity --query Arn --output text)
[[ $arn == "arn:aws:iam::$ACCOUNT:user/walk/alice" ]] || fail "alice arn: $arn"

step "alice lists users"
if [[ $HAS_POLICY != no ]]; then
    names=$(as_alice iam list-users --query 'Users[].UserName' --output text)
    [[ $names == alice ]] || fail "list-users as alice: $names"
else
    expect_error AccessDenied as_alice iam list-users
fi

step "alice may not create users"
msg=$(expect_error AccessDenied as_alice iam create-user --user-name bob)
grep -qF "User: arn:aws:iam::$ACCOUNT:user/walk/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::$ACCOUNT:user/bob" <<<"$msg" \
    || fail "AccessDenied wording: $msg"

step "a wrong secret: SignatureDoesNotMatch"
AWS_ACCESS_KEY_ID="$ALICE_KEY" AWS_SECRET_ACCESS_KEY="wrongwrongwrongwrongwrongwrongwrongwrong" \
    expect_error SignatureDoesNotMatch aws iam list-users

step "an unknown key: InvalidClientTokenId"
AWS_ACCESS_KEY_ID=AKIAUNKNOWNUNKNOWN00 AWS_SECRET_ACCESS_KEY="$ALICE_SECRET" \
    expect_error InvalidClientTokenId aws sts get-caller-identity

step "a stale signature (10 minutes old)"
if command -v faketime >/dev/null 2>&1; then
    msg=$(AWS_ACCESS_KEY_ID="$ALICE_KEY" AWS_SECRET_ACCESS_KEY="$ALICE_SECRET" \
        expect_error SignatureDoesNotMatch faketime -f -10m aws sts get-caller-identity)
    grep -q "Signature expired" <<<"$msg" || fail "stale wording: $msg"
else
    # The CLI always signs with the current time; without libfaketime there is no way to
    # make it sign in the past. tests/auth.rs covers this with the Rust signer.
    echo "NOTE: faketime is not installed; stale-signature step skipped (covered by tests/auth.rs)"
fi

step "kill -9 the server and start it again"
kill -9 "$PORTCULLIS_PID"
for _ in $(seq 1 100); do healthy || break; sleep 0.1; done
healthy && fail "server still answers after kill -9"
"$PORTCULLIS_BIN" serve --data-dir "$PORTCULLIS_DATA_DIR" --listen "$PORTCULLIS_LISTEN" \
    >"$PORTCULLIS_DATA_DIR/../walkthrough-restart.log" 2>&1 &
NEW_PID=$!
trap 'kill -9 "$NEW_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do healthy && break; sleep 0.1; done
healthy || fail "server did not come back: $(cat "$PORTCULLIS_DATA_DIR/../walkthrough-restart.log")"

step "everything is still there"
as_root iam get-user --user-name alice --query User.Arn --output text | grep -qx "arn:aws:iam::$ACCOUNT:user/walk/alice" \
    || fail "alice is gone"
arn=$(as_alice sts get-caller-identity --query Arn --output text)
[[ $arn == "arn:aws:iam::$ACCOUNT:user/walk/alice" ]] || fail "alice's key after restart: $arn"
if [[ $HAS_POLICY != no ]]; then
    as_alice iam list-users --output text >/dev/null
fi
count=$(as_root iam list-access-keys --user-name alice --query 'length(AccessKeyMetadata)' --output text)
[[ $count == 1 ]] || fail "alice has $count keys"

step "root cleans up: a user with keys cannot be deleted"
expect_error DeleteConflict as_root iam delete-user --user-name alice
as_root iam delete-access-key --user-name alice --access-key-id "$ALICE_KEY"
if [[ $HAS_POLICY == inline ]]; then
    as_root iam delete-user-policy --user-name alice --policy-name list-only
elif [[ $HAS_POLICY == managed ]]; then
    as_root iam detach-user-policy --user-name alice --policy-arn "arn:aws:iam::$ACCOUNT:policy/list-only"
fi
as_root iam delete-user --user-name alice
expect_error NoSuchEntity as_root iam get-user --user-name alice

echo
echo "walkthrough: OK"
