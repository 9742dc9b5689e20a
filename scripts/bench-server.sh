#!/usr/bin/env bash
# Server benchmarks (not tests): SigV4-verified GetCallerIdentity and GetUser, durable
# CreateUser+DeleteUser, AssumeRole and a request signed with temporary credentials,
# against a release build on loopback, beside a bare hyper server in the same run.
# Usage: scripts/bench-server.sh [seconds per scenario] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-32}
PORT=4590
HELLO_PORT=4591
cargo build --release -q -p portcullis-server -p portcullis-loadgen
DATA=$(mktemp -d)
KEY=AKIABENCHBENCHBENCH1
SECRET=benchsecretbenchsecretbenchsecretbenchse
PORTCULLIS_ROOT_ACCESS_KEY_ID=$KEY PORTCULLIS_ROOT_SECRET_ACCESS_KEY=$SECRET PORTCULLIS_LOG=warn \
    target/release/portcullis serve --data-dir "$DATA" --listen 127.0.0.1:$PORT >/dev/null &
SERVER=$!
target/release/portcullis-hello 127.0.0.1:$HELLO_PORT >/dev/null &
HELLO=$!
trap 'kill $SERVER $HELLO 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.1; done

LG="target/release/portcullis-loadgen --endpoint http://127.0.0.1:$PORT --connections $CONNS --duration $SECS --warmup 1"
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
# A user to read, and a role root's user may assume (root cannot assume roles).
PY=python3; [ -x .venv/bin/python3 ] && PY=.venv/bin/python3  # boto3 comes with scripts/test.sh's .venv
"$PY" - "$PORT" "$KEY" "$SECRET" <<'PY' > /tmp/bench-setup.env
import sys, json, boto3
port, key, secret = sys.argv[1:]
kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
iam = boto3.client("iam", **kw)
iam.create_user(UserName="loadgen-user")
iam.put_user_policy(UserName="loadgen-user", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:GetUser"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="loadgen-user")["AccessKey"]
iam.create_role(RoleName="loadgen", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/loadgen-user"}, "Action": "sts:AssumeRole"}]}))
iam.put_role_policy(RoleName="loadgen", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
sts = boto3.client("sts", **{**kw, "aws_access_key_id": k["AccessKeyId"], "aws_secret_access_key": k["SecretAccessKey"]})
c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/loadgen", RoleSessionName="bench", DurationSeconds=3600)["Credentials"]
print(f"USER_KEY={k['AccessKeyId']}\nUSER_SECRET={k['SecretAccessKey']}\nTMP_KEY={c['AccessKeyId']}\nTMP_SECRET={c['SecretAccessKey']}\nTMP_TOKEN={c['SessionToken']}")
PY
. /tmp/bench-setup.env

echo "== bare hyper (HTTP floor)"
target/release/portcullis-loadgen --endpoint http://127.0.0.1:$HELLO_PORT --connections $CONNS --duration $SECS --warmup 1 --scenario get-caller-identity
echo "== Portcullis"
$LG --scenario get-caller-identity
$LG --scenario get-user --target loadgen-user
$LG --scenario create-delete-user
$LG --scenario assume-role --access-key-id "$USER_KEY" --secret-access-key "$USER_SECRET" --target arn:aws:iam::123456789012:role/loadgen
echo "== GetUser signed with temporary credentials vs a long-term key of the same permissions"
$LG --scenario get-user --target loadgen-user --access-key-id "$TMP_KEY" --secret-access-key "$TMP_SECRET" --session-token "$TMP_TOKEN"
$LG --scenario get-user --target loadgen-user --access-key-id "$USER_KEY" --secret-access-key "$USER_SECRET"
