#!/usr/bin/env bash
# AWS CLI walkthrough of managed policies, their versions and tags, attachments, permissions
# boundaries, and their enforcement.
#
# Assumes the AWS_* environment points at a running Portcullis server with root credentials
# (AWS_ENDPOINT_URL_IAM, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
# Self-contained: every entity it creates has a unique suffix and is deleted at the end.
set -euo pipefail

S="p$RANDOM$RANDOM"
U="pu-$S"; U2="pu2-$S"; G="pg-$S"; P="pol-$S"; P2="pol2-$S"
iam() { aws iam "$@" --output json; }
fail() { echo "FAIL: $*" >&2; exit 1; }
eq() { [[ "$1" == "$2" ]] || fail "expected [$2], got [$1] ($3)"; }
# expect_error CODE MESSAGE-FRAGMENT aws-iam-args…: the call must fail with that code.
expect_error() {
  local code="$1" msg="$2"; shift 2
  local err
  if err=$(aws iam "$@" 2>&1 >/dev/null); then fail "iam $* succeeded; expected $code"; fi
  [[ "$err" == *"($code)"* ]] || fail "iam $*: expected $code, got: $err"
  [[ "$err" == *"$msg"* ]] || fail "iam $*: expected message containing [$msg], got: $err"
}
q() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
doc() { # doc ACTION… : an Allow policy for those actions on every resource
  python3 -c 'import json,sys; print(json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":sys.argv[1:],"Resource":"*"}]}))' "$@"
}

ACCOUNT=$(aws sts get-caller-identity --output json | q 'd["Account"]')
PARN="arn:aws:iam::$ACCOUNT:policy/team/$P"
P2ARN="arn:aws:iam::$ACCOUNT:policy/$P2"
RO="arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC_SPACED='{ "Version": "2012-10-17",
  "Statement": [ { "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "arn:aws:s3:::b/a b+c" } ] }'

echo "== create, get, list"
out=$(iam create-policy --policy-name "$P" --path /team/ --policy-document "$(doc iam:ListUsers)" \
  --description "team readers" --tags Key=team,Value=red)
eq "$(q 'd["Policy"]["Arn"]' <<<"$out")" "$PARN" "policy arn"
eq "$(q 'd["Policy"]["PolicyId"][:4]' <<<"$out")" "ANPA" "policy id prefix"
eq "$(q 'd["Policy"]["DefaultVersionId"]' <<<"$out")" "v1" "first version"
eq "$(q 'd["Policy"]["AttachmentCount"]' <<<"$out")" "0" "attachment count"
eq "$(q 'd["Policy"]["IsAttachable"]' <<<"$out")" "True" "attachable"
expect_error EntityAlreadyExists "A policy called ${P^^} already exists. Duplicate names are not allowed." \
  create-policy --policy-name "${P^^}" --policy-document "$(doc iam:ListUsers)"
expect_error MalformedPolicyDocument "Syntax errors in policy." create-policy --policy-name "x$S" --policy-document '{"Version":'
expect_error MalformedPolicyDocument "Policy document must be version 2012-10-17 or greater." \
  create-policy --policy-name "x$S" --policy-document '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
BIG=$(python3 -c 'import json; print(json.dumps({"Version":"2012-10-17","Statement":[{"Sid":"x"*6100,"Effect":"Allow","Action":"s3:*","Resource":"*"}]}))')
expect_error LimitExceeded "Cannot exceed quota for PolicySize: 6144" create-policy --policy-name "x$S" --policy-document "$BIG"
expect_error ValidationError "at 'policyName' failed to satisfy constraint" create-policy --policy-name 'bad name' --policy-document "$(doc iam:ListUsers)"
expect_error ValidationError "at 'path' failed to satisfy constraint" create-policy --policy-name "x$S" --path nopath --policy-document "$(doc iam:ListUsers)"
out=$(iam get-policy --policy-arn "$PARN")
eq "$(q 'd["Policy"]["Description"]' <<<"$out")" "team readers" "description"
eq "$(q 'd["Policy"]["Tags"]' <<<"$out")" "[{'Key': 'team', 'Value': 'red'}]" "tags on get"
expect_error NoSuchEntity "Policy arn:aws:iam::$ACCOUNT:policy/nope-$S was not found." get-policy --policy-arn "arn:aws:iam::$ACCOUNT:policy/nope-$S"
expect_error InvalidInput "is not valid." get-policy --policy-arn "arn:aws:iam::$ACCOUNT:user/$U"
eq "$(iam get-policy --policy-arn "$RO" | q 'd["Policy"]["PolicyName"]')" "ReadOnlyAccess" "AWS managed policy"
iam create-policy --policy-name "$P2" --policy-document "$DOC_SPACED" >/dev/null
eq "$(iam list-policies --scope Local --path-prefix /team/ | q '[p["PolicyName"] for p in d["Policies"] if p["PolicyName"].endswith("'"$S"'")]')" "['$P']" "local, path prefix"
eq "$(iam list-policies --scope Local | q '"Tags" in d["Policies"][0] or "Description" in d["Policies"][0]')" "False" "list has no tags/description"
out=$(aws iam list-policies --scope AWS --max-items 3 --output json)
eq "$(q 'len(d["Policies"])' <<<"$out")" "3" "AWS scope paginates"
eq "$(q 'all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in d["Policies"])' <<<"$out")" "True" "AWS scope"
eq "$(q '"NextToken" in d' <<<"$out")" "True" "truncated"
expect_error ValidationError "Member must satisfy enum value set" list-policies --scope Bogus

echo "== versions"
eq "$(iam get-policy-version --policy-arn "$P2ARN" --version-id v1 | q 'd["PolicyVersion"]["Document"]["Statement"][0]["Resource"]')" "arn:aws:s3:::b/a b+c" "document round trip"
for i in 2 3 4 5; do iam create-policy-version --policy-arn "$P2ARN" --policy-document "$(doc iam:ListUsers iam:ListGroups)" >/dev/null; done
expect_error LimitExceeded "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version." \
  create-policy-version --policy-arn "$P2ARN" --policy-document "$(doc iam:ListUsers)"
eq "$(iam list-policy-versions --policy-arn "$P2ARN" | q '[(v["VersionId"], v["IsDefaultVersion"]) for v in d["Versions"]]')" \
  "[('v5', False), ('v4', False), ('v3', False), ('v2', False), ('v1', True)]" "versions newest first"
expect_error DeleteConflict "Cannot delete the default version of a policy." delete-policy-version --policy-arn "$P2ARN" --version-id v1
iam delete-policy-version --policy-arn "$P2ARN" --version-id v5
out=$(iam create-policy-version --policy-arn "$P2ARN" --policy-document "$(doc iam:ListUsers)" --set-as-default)
eq "$(q 'd["PolicyVersion"]["VersionId"]' <<<"$out")" "v6" "version ids are never reused"
eq "$(q 'd["PolicyVersion"]["IsDefaultVersion"]' <<<"$out")" "True" "set as default"
eq "$(iam get-policy --policy-arn "$P2ARN" | q 'd["Policy"]["DefaultVersionId"]')" "v6" "default moved"
iam set-default-policy-version --policy-arn "$P2ARN" --version-id v2
eq "$(iam get-policy --policy-arn "$P2ARN" | q 'd["Policy"]["DefaultVersionId"]')" "v2" "set default"
expect_error NoSuchEntity "version v9 does not exist" get-policy-version --policy-arn "$P2ARN" --version-id v9
expect_error NoSuchEntity "version v9 does not exist" set-default-policy-version --policy-arn "$P2ARN" --version-id v9
expect_error ValidationError "at 'versionId' failed to satisfy constraint" get-policy-version --policy-arn "$P2ARN" --version-id 9
expect_error DeleteConflict "This policy has more than one version." delete-policy --policy-arn "$P2ARN"
expect_error AccessDenied "is not authorized to perform: iam:CreatePolicyVersion on resource: $RO" \
  create-policy-version --policy-arn "$RO" --policy-document "$(doc iam:ListUsers)"
expect_error AccessDenied "iam:DeletePolicy" delete-policy --policy-arn "$RO"
eq "$(iam list-policy-versions --policy-arn "$RO" | q 'len(d["Versions"])')" "1" "AWS managed versions"

echo "== policy tags"
iam tag-policy --policy-arn "$PARN" --tags Key=TEAM,Value=blue Key=env,Value=dev
eq "$(iam list-policy-tags --policy-arn "$PARN" | q 'sorted((t["Key"], t["Value"]) for t in d["Tags"])')" "[('TEAM', 'blue'), ('env', 'dev')]" "tags merge case-insensitively"
iam untag-policy --policy-arn "$PARN" --tag-keys team missing
eq "$(iam list-policy-tags --policy-arn "$PARN" | q '[t["Key"] for t in d["Tags"]]')" "['env']" "untag"
expect_error InvalidInput "reserved prefix" tag-policy --policy-arn "$PARN" --tags Key=aws:x,Value=1
expect_error AccessDenied "iam:TagPolicy" tag-policy --policy-arn "$RO" --tags Key=a,Value=1
eq "$(iam list-policy-tags --policy-arn "$RO" | q 'd["Tags"]')" "[]" "AWS managed policies have no tags"

echo "== attachments"
iam create-user --user-name "$U" >/dev/null
iam create-user --user-name "$U2" --path /eng/ >/dev/null
iam create-group --group-name "$G" >/dev/null
iam attach-user-policy --user-name "$U" --policy-arn "$PARN"
iam attach-user-policy --user-name "$U" --policy-arn "$PARN"   # attaching twice is a no-op
iam attach-user-policy --user-name "$U" --policy-arn "$RO"
iam attach-group-policy --group-name "$G" --policy-arn "$PARN"
iam put-user-permissions-boundary --user-name "$U2" --permissions-boundary "$PARN"
eq "$(iam list-attached-user-policies --user-name "$U" | q 'sorted((p["PolicyName"] for p in d["AttachedPolicies"]), key=str.lower)')" "['$P', 'ReadOnlyAccess']" "attached to user"
eq "$(iam list-attached-user-policies --user-name "$U" --path-prefix /team/ | q '[p["PolicyArn"] for p in d["AttachedPolicies"]]')" "['$PARN']" "path prefix"
eq "$(iam list-attached-group-policies --group-name "$G" | q '[p["PolicyArn"] for p in d["AttachedPolicies"]]')" "['$PARN']" "attached to group"
out=$(iam get-policy --policy-arn "$PARN")
eq "$(q 'd["Policy"]["AttachmentCount"]' <<<"$out")" "2" "attachment count"
eq "$(q 'd["Policy"]["PermissionsBoundaryUsageCount"]' <<<"$out")" "1" "boundary count"
out=$(iam list-entities-for-policy --policy-arn "$PARN")
eq "$(q '[g["GroupName"] for g in d["PolicyGroups"]]' <<<"$out")" "['$G']" "entities: groups"
eq "$(q 'sorted(u["UserName"] for u in d["PolicyUsers"])' <<<"$out")" "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$U" "$U2")" "entities: users"
eq "$(q 'd["PolicyRoles"]' <<<"$out")" "[]" "entities: roles"
eq "$(iam list-entities-for-policy --policy-arn "$PARN" --policy-usage-filter PermissionsBoundary | q '[u["UserName"] for u in d["PolicyUsers"]]')" "['$U2']" "boundary usage"
eq "$(iam list-entities-for-policy --policy-arn "$PARN" --entity-filter Group | q 'len(d["PolicyUsers"])')" "0" "entity filter"
eq "$(iam list-entities-for-policy --policy-arn "$PARN" --path-prefix /eng/ | q '[u["UserName"] for u in d["PolicyUsers"]]')" "['$U2']" "entity path prefix"
out=$(aws iam list-entities-for-policy --policy-arn "$PARN" --no-paginate --max-items 1 --output json)
eq "$(q 'len(d["PolicyGroups"]) + len(d["PolicyUsers"])' <<<"$out")" "1" "entities paginate"
eq "$(q 'd["IsTruncated"]' <<<"$out")" "True" "entities truncated"
eq "$(iam list-policies --scope Local --only-attached | q '[p["PolicyName"] for p in d["Policies"] if p["PolicyName"].endswith("'"$S"'")]')" "['$P']" "only attached"
eq "$(iam list-policies --only-attached --policy-usage-filter PermissionsBoundary | q '[p["PolicyName"] for p in d["Policies"] if p["PolicyName"].endswith("'"$S"'")]')" "['$P']" "only attached boundaries"
expect_error NoSuchEntity "Policy arn:aws:iam::$ACCOUNT:policy/nope-$S does not exist or is not attachable." \
  attach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:policy/nope-$S"
expect_error NoSuchEntity "The user with name nope-$S cannot be found." attach-user-policy --user-name "nope-$S" --policy-arn "$PARN"
expect_error NoSuchEntity "The group with name nope-$S cannot be found." attach-group-policy --group-name "nope-$S" --policy-arn "$PARN"
expect_error NoSuchEntity "Policy $P2ARN was not found." detach-user-policy --user-name "$U" --policy-arn "$P2ARN"
expect_error InvalidInput "is not valid." attach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:user/$U"
expect_error DeleteConflict "Cannot delete a policy attached to entities." delete-policy --policy-arn "$PARN"
expect_error DeleteConflict "Cannot delete entity, must delete policies first." delete-user --user-name "$U"
# Quota: 10 managed policies per user.
for i in $(seq 1 8); do iam create-policy --policy-name "q$i-$S" --policy-document "$(doc iam:ListUsers)" >/dev/null; done
for i in $(seq 1 8); do iam attach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:policy/q$i-$S"; done
expect_error LimitExceeded "Cannot exceed quota for PoliciesPerUser: 10" attach-user-policy --user-name "$U" --policy-arn "$P2ARN"
for i in $(seq 1 8); do
  iam detach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:policy/q$i-$S"
  iam delete-policy --policy-arn "arn:aws:iam::$ACCOUNT:policy/q$i-$S"
done

echo "== enforcement"
iam detach-user-policy --user-name "$U" --policy-arn "$RO"
iam detach-user-policy --user-name "$U" --policy-arn "$PARN"
KEY=$(iam create-access-key --user-name "$U")
as_user() {
  AWS_ACCESS_KEY_ID=$(q 'd["AccessKey"]["AccessKeyId"]' <<<"$KEY") \
  AWS_SECRET_ACCESS_KEY=$(q 'd["AccessKey"]["SecretAccessKey"]' <<<"$KEY") \
  AWS_SESSION_TOKEN="" "$@"
}
expect_user_denied() { as_user expect_error AccessDenied "is not authorized to perform: iam:$1" "${@:2}"; }
expect_user_denied ListUsers list-users
# P allows exactly iam:ListUsers.
iam attach-user-policy --user-name "$U" --policy-arn "$PARN"
as_user iam list-users >/dev/null
expect_user_denied ListGroups list-groups
# A new default version changes what is enforced, at once.
iam create-policy-version --policy-arn "$PARN" --policy-document "$(doc iam:ListUsers iam:ListGroups)" --set-as-default >/dev/null
as_user iam list-groups >/dev/null
# A boundary narrows it: only what both allow.
iam put-user-permissions-boundary --user-name "$U" --permissions-boundary "$P2ARN"
eq "$(iam get-user --user-name "$U" | q 'd["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"]')" "$P2ARN" "boundary on user"
iam set-default-policy-version --policy-arn "$P2ARN" --version-id v6   # v6 allows iam:ListUsers only
as_user iam list-users >/dev/null
expect_user_denied ListGroups list-groups
iam delete-user-permissions-boundary --user-name "$U"
as_user iam list-groups >/dev/null
# Detaching removes it.
iam detach-user-policy --user-name "$U" --policy-arn "$PARN"
expect_user_denied ListUsers list-users
# iam:PolicyARN limits which policies a delegated administrator may attach.
iam create-policy --policy-name "adm-$S" --policy-document "$(python3 -c 'import json,sys; print(json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":sys.argv[1]}}}]}))' "$P2ARN")" >/dev/null
iam attach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:policy/adm-$S"
as_user iam attach-user-policy --user-name "$U2" --policy-arn "$P2ARN"
expect_user_denied AttachUserPolicy attach-user-policy --user-name "$U2" --policy-arn "$RO"
iam detach-user-policy --user-name "$U2" --policy-arn "$P2ARN"
iam detach-user-policy --user-name "$U" --policy-arn "arn:aws:iam::$ACCOUNT:policy/adm-$S"
iam delete-policy --policy-arn "arn:aws:iam::$ACCOUNT:policy/adm-$S"

echo "== clean up"
iam delete-access-key --user-name "$U" --access-key-id "$(q 'd["AccessKey"]["AccessKeyId"]' <<<"$KEY")"
iam detach-group-policy --group-name "$G" --policy-arn "$PARN"
expect_error NoSuchEntity "Policy $PARN was not found." detach-group-policy --group-name "$G" --policy-arn "$PARN"
iam delete-user-permissions-boundary --user-name "$U2"
eq "$(iam get-policy --policy-arn "$PARN" | q 'd["Policy"]["AttachmentCount"] + d["Policy"]["PermissionsBoundaryUsageCount"]')" "0" "no longer used"
for v in $(iam list-policy-versions --policy-arn "$PARN" | q '" ".join(v["VersionId"] for v in d["Versions"] if not v["IsDefaultVersion"])'); do
  iam delete-policy-version --policy-arn "$PARN" --version-id "$v"
done
for v in $(iam list-policy-versions --policy-arn "$P2ARN" | q '" ".join(v["VersionId"] for v in d["Versions"] if not v["IsDefaultVersion"])'); do
  iam delete-policy-version --policy-arn "$P2ARN" --version-id "$v"
done
iam delete-policy --policy-arn "$PARN"
iam delete-policy --policy-arn "$P2ARN"
expect_error NoSuchEntity "Policy $PARN was not found." delete-policy --policy-arn "$PARN"
iam delete-group --group-name "$G"
iam delete-user --user-name "$U"
iam delete-user --user-name "$U2"
echo "walkthrough_policies: all checks passed"
