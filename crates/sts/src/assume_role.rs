//! AssumeRole: temporary credentials for a session of a role, when the role's trust policy
//! and the caller's own permissions both allow it.

use portcullis_model::{arn, Arn};
use portcullis_policy::{ContextValue, PolicyKind, PolicyType};
use portcullis_protocol::{new_request_id, AwsError, QueryRequest, ResponseWriter, STS_NAMESPACE};
use portcullis_service::entity::PolicyDoc;
use portcullis_service::session::{SessionClaims, SessionPrincipal};
use portcullis_service::{authorize_resource, Caller, CallerKind, ResourcePolicy, Service};

use crate::credentials::{duration, issue};

/// Role sessions last 15 minutes to the role's MaxSessionDuration; chained sessions (a role
/// session assuming a role) at most one hour (STS API reference, AssumeRole).
const MIN: i64 = 900;
const CHAINED_MAX: i64 = 3_600;
/// The plaintext limit of the session policies together (inline document + managed ARNs).
const SESSION_POLICY_PLAINTEXT: usize = 2_048;
/// At most 10 managed session policies and 50 session tags.
const MAX_POLICY_ARNS: usize = 10;
const MAX_SESSION_TAGS: usize = 50;

struct Input {
    role_arn: String,
    session_name: String,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
    transitive: Vec<String>,
    external_id: Option<String>,
    source_identity: Option<String>,
    mfa: bool,
}

fn valid(r: Result<(), portcullis_model::ValidationError>) -> Result<(), AwsError> {
    r.map_err(|e| AwsError::new(e.code(), e.message()))
}

fn decode(req: &QueryRequest) -> Result<Input, AwsError> {
    let role_arn = req.required("RoleArn")?.to_string();
    valid(portcullis_model::validate_sts_arn(&role_arn, "roleArn"))?;
    let session_name = req.required("RoleSessionName")?.to_string();
    valid(portcullis_model::validate_role_session_name(
        &session_name,
        "roleSessionName",
    ))?;
    let policy = req.get("Policy").map(str::to_string);
    if let Some(p) = &policy {
        valid(portcullis_model::validate_session_policy_document(
            p, "policy",
        ))?;
    }
    let policy_arns: Vec<String> = req
        .structs("PolicyArns")
        .iter()
        .filter_map(|p| p.get("arn").map(str::to_string))
        .collect();
    if policy_arns.len() > MAX_POLICY_ARNS {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}"
        )));
    }
    let tags: Vec<(String, String)> = req
        .structs("Tags")
        .iter()
        .map(|t| {
            (
                t.get("Key").unwrap_or_default().to_string(),
                t.get("Value").unwrap_or_default().to_string(),
            )
        })
        .collect();
    if tags.len() > MAX_SESSION_TAGS {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_SESSION_TAGS}"
        )));
    }
    let model_tags: Vec<portcullis_model::Tag> = tags
        .iter()
        .map(|(k, v)| portcullis_model::Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    portcullis_model::validate_tags(&model_tags)
        .map_err(|e| AwsError::new(e.code(), e.to_string()))?;
    let transitive: Vec<String> = req
        .list("TransitiveTagKeys")
        .into_iter()
        .map(str::to_string)
        .collect();
    for k in &transitive {
        if !tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)) {
            return Err(AwsError::invalid_input(format!(
                "The transitive tag key {k} is not among the session tags."
            )));
        }
    }
    let external_id = req.get("ExternalId").map(str::to_string);
    if let Some(e) = &external_id {
        valid(portcullis_model::validate_external_id(e, "externalId"))?;
    }
    let source_identity = req.get("SourceIdentity").map(str::to_string);
    if let Some(s) = &source_identity {
        valid(portcullis_model::validate_source_identity(
            s,
            "sourceIdentity",
        ))?;
    }
    Ok(Input {
        role_arn,
        session_name,
        policy,
        policy_arns,
        tags,
        transitive,
        external_id,
        source_identity,
        mfa: req.get("SerialNumber").is_some() || req.get("TokenCode").is_some(),
    })
}

fn not_authorized(caller: &Caller, role_arn: &str) -> AwsError {
    AwsError::access_denied(format!(
        "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        caller.arn
    ))
}

/// PackedPolicySize: how much of the packed allowance the session policies and tags use,
/// in percent. AWS packs them into a compressed binary form whose exact size is not
/// documented; this measures the plaintext without whitespace against 2,048 characters.
fn packed_percent(policy: Option<&str>, arns: &[String], tags: &[(String, String)]) -> usize {
    let policy_len = policy.map_or(0, |p| p.chars().filter(|c| !c.is_whitespace()).count());
    let arns_len: usize = arns.iter().map(String::len).sum();
    let tags_len: usize = tags.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    (policy_len + arns_len + tags_len) * 100 / SESSION_POLICY_PLAINTEXT
}

pub async fn assume_role(
    svc: &Service,
    caller: &Caller,
    req: &QueryRequest,
) -> Result<String, AwsError> {
    let mut input = decode(req)?;
    if caller.kind == CallerKind::Root {
        return Err(AwsError::access_denied(
            "Roles may not be assumed by root accounts.",
        ));
    }
    if input.mfa {
        // MFA devices arrive with the IAM MFA operations; until then no code can be valid.
        return Err(AwsError::access_denied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        ));
    }
    let state = svc.snapshot();
    let target: Arn = input
        .role_arn
        .parse()
        .map_err(|_| not_authorized(caller, &input.role_arn))?;
    let role_name = target
        .resource
        .strip_prefix("role/")
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or_default();
    let role = state
        .account(&target.account)
        .and_then(|a| a.role(role_name))
        .filter(|r| r.arn == input.role_arn)
        .cloned()
        .ok_or_else(|| not_authorized(caller, &input.role_arn))?;

    // Role chaining: a role session assuming a role gets at most one hour, keeps its source
    // identity, and passes on its transitive session tags.
    let parent = caller
        .session
        .as_ref()
        .filter(|_| matches!(caller.kind, CallerKind::AssumedRole { .. }));
    let max = if parent.is_some() {
        CHAINED_MAX.min(i64::from(role.max_session_duration))
    } else {
        i64::from(role.max_session_duration)
    };
    let seconds = duration(req, 3600.min(max), MIN, 43_200)?;
    if seconds > max {
        return Err(AwsError::validation(if parent.is_some() {
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".to_string()
        } else {
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .to_string()
        }));
    }
    if let Some(p) = parent {
        if let Some(si) = &p.source_identity {
            match &input.source_identity {
                Some(new) if new != si => {
                    return Err(AwsError::access_denied(
                        "SourceIdentity cannot be changed once it is set in a role chain.",
                    ))
                }
                _ => input.source_identity = Some(si.clone()),
            }
        }
        for (k, v) in &p.tags {
            if p.transitive_tag_keys
                .iter()
                .any(|t| t.eq_ignore_ascii_case(k))
            {
                if input.tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)) {
                    return Err(AwsError::invalid_input(format!(
                        "The session tag {k} is transitive from the calling session and cannot be set again."
                    )));
                }
                input.tags.push((k.clone(), v.clone()));
                input.transitive.push(k.clone());
            }
        }
    }

    // Session policies must be valid identity policies; managed ones must exist.
    let size = packed_percent(input.policy.as_deref(), &input.policy_arns, &input.tags);
    if size > 100 {
        return Err(AwsError::packed_policy_too_large(format!(
            "Packed policy consumes {size}% of allotted space, please use smaller policy."
        )));
    }
    if let Some(p) = &input.policy {
        PolicyDoc::new(
            p,
            PolicyKind::Identity,
            "SessionPolicy",
            PolicyType::Session,
        )
        .map_err(|e| AwsError::malformed_policy_document(e.to_string()))?;
    }
    for a in &input.policy_arns {
        if state.managed_policy(&target.account, a).is_none() {
            return Err(AwsError::malformed_policy_document(format!(
                "Policy {a} does not exist or is not attachable."
            )));
        }
    }

    // Both sides must allow: the trust policy (which must allow by itself) and the caller's
    // identity, boundary and session policies (cross-account: evaluated by the engine).
    let mut extra: Vec<(String, ContextValue)> = vec![(
        "sts:RoleSessionName".into(),
        input.session_name.clone().into(),
    )];
    if let Some(e) = &input.external_id {
        extra.push(("sts:ExternalId".into(), e.clone().into()));
    }
    if let Some(s) = &input.source_identity {
        extra.push(("sts:SourceIdentity".into(), s.clone().into()));
    }
    if !input.tags.is_empty() {
        for (k, v) in &input.tags {
            extra.push((format!("aws:RequestTag/{k}"), v.clone().into()));
        }
        extra.push((
            "aws:TagKeys".into(),
            ContextValue::Strings(input.tags.iter().map(|(k, _)| k.clone()).collect()),
        ));
    }
    if !input.transitive.is_empty() {
        extra.push((
            "sts:TransitiveTagKeys".into(),
            ContextValue::Strings(input.transitive.clone()),
        ));
    }
    let extra_refs: Vec<(&str, ContextValue)> =
        extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut actions = vec!["sts:AssumeRole"];
    if !input.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    if input.source_identity.is_some() && parent.and_then(|p| p.source_identity.as_ref()).is_none()
    {
        actions.push("sts:SetSourceIdentity");
    }
    for action in actions {
        let trust = ResourcePolicy {
            policy: role.assume_role_policy.compiled(),
            account: &target.account,
            must_allow: true,
        };
        authorize_resource(
            &state,
            caller,
            action,
            &input.role_arn,
            Some(trust),
            &extra_refs,
        )
        .map_err(|e| {
            if action == "sts:AssumeRole" {
                not_authorized(caller, &input.role_arn)
            } else {
                e
            }
        })?;
    }

    let now = svc.clock().now().unix_timestamp();
    let claims = SessionClaims {
        access_key_id: String::new(),
        secret: String::new(),
        account: target.account.clone(),
        principal: SessionPrincipal::AssumedRole {
            role_name: role.name.clone(),
            role_path: role.path.clone(),
            role_id: role.id.clone(),
            session_name: input.session_name.clone(),
        },
        issued: now,
        expires: now + seconds,
        mfa_time: parent.and_then(|p| p.mfa_time),
        source_identity: input.source_identity.clone(),
        policy: input.policy,
        policy_arns: input.policy_arns,
        tags: input.tags,
        transitive_tag_keys: input.transitive,
    };
    let mut out = ResponseWriter::new("AssumeRole", STS_NAMESPACE);
    issue(svc, claims, &mut out)?;
    out.start("AssumedRoleUser")
        .element(
            "AssumedRoleId",
            &format!("{}:{}", role.id, input.session_name),
        )
        .element(
            "Arn",
            &arn::assumed_role_arn(&target.account, &role.name, &input.session_name),
        )
        .end();
    out.display_element("PackedPolicySize", size);
    if let Some(s) = &input.source_identity {
        out.element("SourceIdentity", s);
    }
    Ok(out.finish(&new_request_id()))
}
