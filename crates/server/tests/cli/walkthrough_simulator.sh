#!/usr/bin/env bash
# The IAM policy simulator through the AWS CLI: SimulateCustomPolicy, SimulatePrincipalPolicy,
# GetContextKeysFor{Custom,Principal}Policy.
# Assumes AWS_* env vars (AWS_ENDPOINT_URL_IAM, AWS_DEFAULT_REGION, root credentials) point at
# a running server.
set -euo pipefail

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect <what> <got> <want>
  [[ "$2" == "$3" ]] || fail "$1: got '$2', want '$3'"
}
# The CLI reads a list parameter from a file as a JSON list (a bare policy object would be
# split into characters), so policy lists are passed as ["<document>"].
as_list() { jq -Rs '[.]' "$1" >"$1.list"; }

cat >"$tmp/p.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
    {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
  ]
}
JSON
as_list "$tmp/p.json"

# allowed / explicitDeny / implicitDeny
for case in "s3:GetObject allowed" "s3:DeleteObject explicitDeny" "s3:ListBucket implicitDeny"; do
  set -- $case
  got=$(aws iam simulate-custom-policy --policy-input-list "file://$tmp/p.json.list" \
    --action-names "$1" --resource-arns arn:aws:s3:::b/k \
    --query 'EvaluationResults[0].EvalDecision' --output text)
  expect "$1" "$got" "$2"
done

# Matched statement: source and position of the Read statement (line 4).
out=$(aws iam simulate-custom-policy --policy-input-list "file://$tmp/p.json.list" \
  --action-names s3:GetObject --resource-arns arn:aws:s3:::b/k --output json)
expect "SourcePolicyId" "$(jq -r '.EvaluationResults[0].MatchedStatements[0].SourcePolicyId' <<<"$out")" "PolicyInputList.1"
expect "start line" "$(jq -r '.EvaluationResults[0].MatchedStatements[0].StartPosition.Line' <<<"$out")" "4"
expect "resource-specific" "$(jq -r '.EvaluationResults[0].ResourceSpecificResults[0].EvalResourceDecision' <<<"$out")" "allowed"

# Missing context value, then supplied.
out=$(aws iam simulate-custom-policy --policy-input-list "file://$tmp/p.json.list" \
  --action-names s3:PutObject --output json)
expect "missing" "$(jq -r '.EvaluationResults[0].MissingContextValues[0]' <<<"$out")" "aws:SourceIp"
got=$(aws iam simulate-custom-policy --policy-input-list "file://$tmp/p.json.list" \
  --action-names s3:PutObject \
  --context-entries "ContextKeyName=aws:SourceIp,ContextKeyValues=10.1.2.3,ContextKeyType=ip" \
  --query 'EvaluationResults[0].EvalDecision' --output text)
expect "with SourceIp" "$got" "allowed"

# Permissions boundary.
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}' >"$tmp/b.json"
as_list "$tmp/b.json"
got=$(aws iam simulate-custom-policy --policy-input-list "file://$tmp/p.json.list" \
  --permissions-boundary-policy-input-list "file://$tmp/b.json.list" --action-names s3:GetObject \
  --query 'EvaluationResults[0].[EvalDecision,PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary]' \
  --output text)
expect "boundary" "$got" "implicitDeny	False"

# Context keys of a custom policy.
got=$(aws iam get-context-keys-for-custom-policy --policy-input-list "file://$tmp/p.json.list" \
  --query 'ContextKeyNames' --output text)
expect "context keys" "$got" "aws:SourceIp"

# A malformed policy is InvalidInput.
if err=$(aws iam simulate-custom-policy --policy-input-list '["{\"Statement\":"]' \
  --action-names s3:GetObject 2>&1); then fail "malformed policy accepted"; fi
[[ "$err" == *InvalidInput* ]] || fail "malformed policy: $err"

# SimulatePrincipalPolicy for a user with an inline and an attached policy (skipped when the
# user/policy operations are not available on this server).
user=sim-user-$$
if aws iam create-user --user-name "$user" >/dev/null 2>&1; then
  arn=$(aws iam get-user --user-name "$user" --query User.Arn --output text)
  echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}' >"$tmp/home.json"
  policy_arn=""
  if aws iam put-user-policy --user-name "$user" --policy-name Home \
      --policy-document "file://$tmp/home.json" >/dev/null 2>&1; then
    out=$(aws iam simulate-principal-policy --policy-source-arn "$arn" \
      --action-names s3:GetObject --resource-arns "arn:aws:s3:::home/$user/x" --output json)
    expect "principal inline" "$(jq -r '.EvaluationResults[0].EvalDecision' <<<"$out")" "allowed"
    expect "inline source" "$(jq -r '.EvaluationResults[0].MatchedStatements[0] | .SourcePolicyId + " " + .SourcePolicyType' <<<"$out")" "Home user"
    got=$(aws iam get-context-keys-for-principal-policy --policy-source-arn "$arn" \
      --query 'ContextKeyNames' --output text)
    expect "principal keys" "$got" "aws:username"
  else
    fail "PutUserPolicy not available"
  fi
  echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}' >"$tmp/sqs.json"
  if policy_arn=$(aws iam create-policy --policy-name "sim-sqs-$$" --policy-document "file://$tmp/sqs.json" \
        --query Policy.Arn --output text 2>/dev/null) \
     && aws iam attach-user-policy --user-name "$user" --policy-arn "$policy_arn" >/dev/null 2>&1; then
    got=$(aws iam simulate-principal-policy --policy-source-arn "$arn" --action-names sqs:SendMessage \
      --query 'EvaluationResults[0].[EvalDecision,MatchedStatements[0].SourcePolicyType]' --output text)
    expect "principal managed" "$got" "allowed	user-managed"
    aws iam detach-user-policy --user-name "$user" --policy-arn "$policy_arn"
    aws iam delete-policy --policy-arn "$policy_arn"
  else
    fail "CreatePolicy/AttachUserPolicy not available"
    [[ -n "$policy_arn" ]] && aws iam delete-policy --policy-arn "$policy_arn" >/dev/null 2>&1 || true
  fi
  aws iam delete-user-policy --user-name "$user" --policy-name Home >/dev/null 2>&1 || true
  aws iam delete-user --user-name "$user"
else
  fail "CreateUser not available"
fi

echo "simulator walkthrough: OK"
