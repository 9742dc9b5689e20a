#!/usr/bin/env bash
# AWS CLI walkthrough of groups, inline policies, user tags and the account operations.
#
# Assumes the AWS_* environment points at a running Portcullis server with root credentials
# (AWS_ENDPOINT_URL_IAM, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
# Self-contained: every entity it creates has a unique suffix and is deleted at the end.
set -euo pipefail

S="w$RANDOM$RANDOM"
U="alice-$S"; U2="bob-$S"; G="devs-$S"; G2="ops-$S"; A="alias-$S"
iam() { aws iam "$@" --output json; }
fail() { echo "FAIL: $*" >&2; cleanup; exit 1; }
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

# Best effort: leave nothing behind when a check fails half-way.
cleanup() {
  set +e
  local g u p a
  for g in $(aws iam list-groups --query "Groups[?contains(GroupName, '$S')].GroupName" --output text 2>/dev/null); do
    for u in $(aws iam get-group --group-name "$g" --query 'Users[].UserName' --output text 2>/dev/null); do
      aws iam remove-user-from-group --group-name "$g" --user-name "$u"
    done
    for p in $(aws iam list-group-policies --group-name "$g" --query PolicyNames --output text 2>/dev/null); do
      aws iam delete-group-policy --group-name "$g" --policy-name "$p"
    done
    aws iam delete-group --group-name "$g"
  done
  for u in "$U" "$U2"; do
    for p in $(aws iam list-user-policies --user-name "$u" --query PolicyNames --output text 2>/dev/null); do
      aws iam delete-user-policy --user-name "$u" --policy-name "$p"
    done
    aws iam delete-user --user-name "$u" 2>/dev/null
  done
  for a in $(aws iam list-account-aliases --query AccountAliases --output text 2>/dev/null); do
    [[ "$a" == *"$S"* ]] && aws iam delete-account-alias --account-alias "$a"
  done
}
trap 'echo "walkthrough_extra: FAILED (line $LINENO)" >&2; cleanup' ERR

DOC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
DOC_SPACED='{ "Version": "2012-10-17",
  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a b+c" } ] }'

echo "== groups"
iam create-user --user-name "$U" >/dev/null
iam create-user --user-name "$U2" >/dev/null
out=$(iam create-group --group-name "$G" --path /team-$S/)
[[ "$(q 'd["Group"]["Arn"]' <<<"$out")" =~ ^arn:aws:iam::[0-9]{12}:group/team-$S/$G$ ]] || fail "group arn: $out"
eq "$(q 'd["Group"]["GroupId"][:4]' <<<"$out")" "AGPA" "group id prefix"
expect_error EntityAlreadyExists "Group with name ${G^^} already exists." create-group --group-name "${G^^}"
expect_error ValidationError "at 'groupName' failed to satisfy constraint" create-group --group-name 'bad name'
expect_error ValidationError "at 'path' failed to satisfy constraint" create-group --group-name "x$S" --path nopath
iam create-group --group-name "$G2" >/dev/null
eq "$(iam list-groups --path-prefix /team-$S/ | q 'len(d["Groups"])')" "1" "path prefix"
eq "$(iam list-groups --path-prefix /team-$S/ | q 'd["Groups"][0]["GroupName"]')" "$G" "path prefix name"
out=$(aws iam list-groups --max-items 1 --output json)
eq "$(q '"NextToken" in d' <<<"$out")" "True" "list-groups paginates"

iam add-user-to-group --group-name "$G" --user-name "$U"
iam add-user-to-group --group-name "$G" --user-name "$U"   # idempotent
iam add-user-to-group --group-name "$G" --user-name "$U2"
iam add-user-to-group --group-name "$G2" --user-name "$U"
expect_error NoSuchEntity "The group with name nope-$S cannot be found." add-user-to-group --group-name "nope-$S" --user-name "$U"
expect_error NoSuchEntity "The user with name nope-$S cannot be found." add-user-to-group --group-name "$G" --user-name "nope-$S"
out=$(iam get-group --group-name "$G")
eq "$(q 'sorted(u["UserName"] for u in d["Users"])' <<<"$out")" "['$U', '$U2']" "get-group users"
eq "$(q 'd["Group"]["Path"]' <<<"$out")" "/team-$S/" "get-group path"
out=$(iam get-group --group-name "$G" --page-size 1)
eq "$(q 'len(d["Users"])' <<<"$out")" "2" "CLI follows the markers and collects every member"
out=$(aws iam get-group --group-name "$G" --max-items 1 --output json)
eq "$(q 'len(d["Users"])' <<<"$out")" "1" "one page"
eq "$(q '"NextToken" in d' <<<"$out")" "True" "get-group truncated"
eq "$(iam list-groups-for-user --user-name "$U" | q 'sorted(g["GroupName"] for g in d["Groups"])')" "['$G', '$G2']" "groups for user"
expect_error NoSuchEntity "The user with name nope-$S cannot be found." list-groups-for-user --user-name "nope-$S"
expect_error DeleteConflict "Cannot delete entity, must remove users from group first." delete-group --group-name "$G"
expect_error DeleteConflict "Cannot delete entity, must remove users from group first." delete-user --user-name "$U2"

# Quota: 10 groups per user.
for i in $(seq 1 9); do iam create-group --group-name "q$i-$S" >/dev/null; done
for i in $(seq 1 8); do iam add-user-to-group --group-name "q$i-$S" --user-name "$U"; done
expect_error LimitExceeded "Cannot exceed quota for GroupsPerUser: 10" add-user-to-group --group-name "q9-$S" --user-name "$U"
for i in $(seq 1 8); do iam remove-user-from-group --group-name "q$i-$S" --user-name "$U"; done
for i in $(seq 1 9); do iam delete-group --group-name "q$i-$S"; done

# Rename carries memberships; the old name is gone.
iam update-group --group-name "$G" --new-group-name "$G-new" --new-path /moved/
expect_error NoSuchEntity "The group with name $G cannot be found." get-group --group-name "$G"
out=$(iam get-group --group-name "$G-new")
eq "$(q 'd["Group"]["Arn"].endswith(":group/moved/'"$G"'-new")' <<<"$out")" "True" "renamed arn"
eq "$(q 'len(d["Users"])' <<<"$out")" "2" "members follow the rename"
eq "$(iam list-groups-for-user --user-name "$U2" | q '[g["GroupName"] for g in d["Groups"]]')" "['$G-new']" "user sees renamed group"
expect_error EntityAlreadyExists "Group with name $G2 already exists." update-group --group-name "$G-new" --new-group-name "$G2"
iam update-group --group-name "$G-new" --new-group-name "$G"
iam remove-user-from-group --group-name "$G" --user-name "$U2"
expect_error NoSuchEntity "cannot be found" remove-user-from-group --group-name "$G" --user-name "$U2"

echo "== inline policies"
iam put-user-policy --user-name "$U" --policy-name p1 --policy-document "$DOC_SPACED"
out=$(iam get-user-policy --user-name "$U" --policy-name p1)
eq "$(q 'json.dumps(d["PolicyDocument"], sort_keys=True)' <<<"$out")" "$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))' "$DOC_SPACED")" "document round trip"
eq "$(q 'd["UserName"] + "/" + d["PolicyName"]' <<<"$out")" "$U/p1" "get-user-policy names"
iam put-user-policy --user-name "$U" --policy-name p2 --policy-document "$DOC"
eq "$(iam list-user-policies --user-name "$U" | q 'd["PolicyNames"]')" "['p1', 'p2']" "list user policies"
expect_error MalformedPolicyDocument "Syntax errors in policy." put-user-policy --user-name "$U" --policy-name bad --policy-document '{"Version":'
expect_error MalformedPolicyDocument "Policy document must be version 2012-10-17 or greater." put-user-policy --user-name "$U" --policy-name bad --policy-document '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
BIG=$(python3 -c 'import sys; print(sys.argv[1].replace("\"Effect\"", "\"Sid\":\"" + "x"*1900 + "\",\"Effect\""))' "$DOC")
expect_error LimitExceeded "Maximum policy size of 2048 bytes exceeded for user $U" put-user-policy --user-name "$U" --policy-name big --policy-document "$BIG"
expect_error NoSuchEntity "The user policy with name nope cannot be found." get-user-policy --user-name "$U" --policy-name nope
expect_error NoSuchEntity "The user with name nope-$S cannot be found." put-user-policy --user-name "nope-$S" --policy-name p --policy-document "$DOC"
expect_error DeleteConflict "Cannot delete entity, must delete policies first." delete-user --user-name "$U"
iam put-group-policy --group-name "$G" --policy-name gp --policy-document "$DOC"
eq "$(iam get-group-policy --group-name "$G" --policy-name gp | q 'd["GroupName"]')" "$G" "get-group-policy"
eq "$(iam list-group-policies --group-name "$G" | q 'd["PolicyNames"]')" "['gp']" "list group policies"
iam put-group-policy --group-name "$G" --policy-name big --policy-document "$BIG"   # 5120 for groups
expect_error NoSuchEntity "The group policy with name nope cannot be found." delete-group-policy --group-name "$G" --policy-name nope

echo "== tags"
iam tag-user --user-name "$U" --tags Key=team,Value=blue Key=env,Value=dev
iam tag-user --user-name "$U" --tags Key=TEAM,Value=red
eq "$(iam list-user-tags --user-name "$U" | q 'sorted((t["Key"], t["Value"]) for t in d["Tags"])')" "[('TEAM', 'red'), ('env', 'dev')]" "tags merge case-insensitively"
expect_error InvalidInput "reserved prefix" tag-user --user-name "$U" --tags Key=aws:x,Value=1
expect_error InvalidInput "Duplicate tag keys" tag-user --user-name "$U" --tags Key=a,Value=1 Key=A,Value=2
expect_error NoSuchEntity "The user with name nope-$S cannot be found." tag-user --user-name "nope-$S" --tags Key=a,Value=1
iam untag-user --user-name "$U" --tag-keys team missing
eq "$(iam list-user-tags --user-name "$U" | q '[t["Key"] for t in d["Tags"]]')" "['env']" "untag"
TAGS=$(python3 -c 'print(" ".join(f"Key=k{i},Value=v" for i in range(50)))')
# shellcheck disable=SC2086
expect_error LimitExceeded "maximum limit of 50 tags" tag-user --user-name "$U" --tags $TAGS

echo "== account"
out=$(iam get-account-summary)
[[ "$(q 'd["SummaryMap"]["Users"] >= 2' <<<"$out")" == True ]] || fail "summary users"
eq "$(q 'd["SummaryMap"]["GroupsPerUserQuota"]' <<<"$out")" "10" "summary quota"
eq "$(q 'd["SummaryMap"]["UserPolicySizeQuota"]' <<<"$out")" "2048" "summary user policy size"
eq "$(q 'd["SummaryMap"]["AccountAccessKeysPresent"]' <<<"$out")" "1" "root keys present"
old=$(iam list-account-aliases | q '(d["AccountAliases"] or [""])[0]')
iam create-account-alias --account-alias "$A"
eq "$(iam list-account-aliases | q 'd["AccountAliases"]')" "['$A']" "alias created"
expect_error EntityAlreadyExists "The account alias $A already exists." create-account-alias --account-alias "$A"
iam create-account-alias --account-alias "$A-2"
eq "$(iam list-account-aliases | q 'd["AccountAliases"]')" "['$A-2']" "a new alias replaces the old"
expect_error NoSuchEntity "The account alias $A cannot be found." delete-account-alias --account-alias "$A"
expect_error ValidationError "at 'accountAlias' failed to satisfy constraint" create-account-alias --account-alias "Bad--Alias"
iam delete-account-alias --account-alias "$A-2"
eq "$(iam list-account-aliases | q 'd["AccountAliases"]')" "[]" "alias deleted"
if [[ -n "$old" ]]; then iam create-account-alias --account-alias "$old"; fi

out=$(iam get-account-authorization-details --filter User)
eq "$(q 'len(d["GroupDetailList"]) + len(d["Policies"])' <<<"$out")" "0" "filter User"
eq "$(q '[u for u in d["UserDetailList"] if u["UserName"] == "'"$U"'"][0]["GroupList"]' <<<"$out" | tr -d "'" )" "[$G, $G2]" "user detail groups"
eq "$(q 'sorted(p["PolicyName"] for p in [u for u in d["UserDetailList"] if u["UserName"] == "'"$U"'"][0]["UserPolicyList"])' <<<"$out")" "['p1', 'p2']" "user detail inline"
eq "$(q '[u for u in d["UserDetailList"] if u["UserName"] == "'"$U"'"][0]["UserPolicyList"][0]["PolicyDocument"]["Version"]' <<<"$out")" "2012-10-17" "inline document decoded"
out=$(iam get-account-authorization-details --filter Group)
eq "$(q 'sorted(p["PolicyName"] for p in [g for g in d["GroupDetailList"] if g["GroupName"] == "'"$G"'"][0]["GroupPolicyList"])' <<<"$out")" "['big', 'gp']" "group detail inline"
# One entity per request: the server truncates every page and the CLI follows the markers.
pages=$(aws iam get-account-authorization-details --page-size 1 --debug 2>&1 >/dev/null | grep -c '<IsTruncated>true</IsTruncated>' || true)
[[ "$pages" -ge 3 ]] || fail "expected truncated pages, got $pages"
out=$(iam get-account-authorization-details --page-size 1)
eq "$(q 'len([u for u in d["UserDetailList"] if u["UserName"] in ("'"$U"'", "'"$U2"'")]) + len([g for g in d["GroupDetailList"] if g["GroupName"] in ("'"$G"'", "'"$G2"'")])' <<<"$out")" "4" "every entity across pages"
expect_error ValidationError "Member must satisfy enum value set" get-account-authorization-details --filter Bogus

echo "== clean up"
iam delete-user-policy --user-name "$U" --policy-name p1
iam delete-user-policy --user-name "$U" --policy-name p2
expect_error NoSuchEntity "The user policy with name p1 cannot be found." delete-user-policy --user-name "$U" --policy-name p1
iam remove-user-from-group --group-name "$G" --user-name "$U"
iam remove-user-from-group --group-name "$G2" --user-name "$U"
expect_error DeleteConflict "Cannot delete entity, must delete policies first." delete-group --group-name "$G"
iam delete-group-policy --group-name "$G" --policy-name gp
iam delete-group-policy --group-name "$G" --policy-name big
iam delete-group --group-name "$G"
iam delete-group --group-name "$G2"
expect_error NoSuchEntity "The group with name $G cannot be found." delete-group --group-name "$G"
iam delete-user --user-name "$U"
iam delete-user --user-name "$U2"
echo "walkthrough_extra: all checks passed"
