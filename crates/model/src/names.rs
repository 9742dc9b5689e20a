//! The IAM and STS string shapes (names, paths, descriptions, documents) with botocore's exact
//! `min`/`max`/`pattern`, matched by hand.
//!
//! Each `validate_*` function encodes the botocore shape named in its doc comment
//! (`iam/2010-05-08` unless marked STS) and returns AWS's message form, e.g.
//! `1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint:
//! Member must satisfy regular expression pattern: [\w+=,.@-]+`.
//!
//! Java's `\w` (AWS validates in Java) is ASCII `[A-Za-z0-9_]` and `\d` is ASCII `[0-9]`. Every
//! pattern here excludes NUL and all C0 controls except, where botocore lists them, TAB/LF/CR.
//! Shapes without a pattern whose values are echoed back (policy descriptions) additionally get
//! the XML character set as a Portcullis hardening, so nothing unrepresentable is stored.

use crate::validation::{StringShape, ValidationError};

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[\w+=,.@-]`
fn is_name_char(c: char) -> bool {
    is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | '-')
}

/// `[\w+=,.@-]+`
pub(crate) fn name_plus(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_name_char)
}

/// `[\w+=,.@-]*`
fn name_star(s: &str) -> bool {
    s.chars().all(is_name_char)
}

/// `[\w]+`
fn word_plus(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_word)
}

/// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
pub(crate) fn path(s: &str) -> bool {
    s == "/"
        || (s.len() >= 3
            && s.starts_with('/')
            && s.ends_with('/')
            && s.chars().all(|c| ('\u{21}'..='\u{7E}').contains(&c)))
}

/// `\u002F[\u0021-\u007F]*`
fn path_prefix(s: &str) -> bool {
    s.starts_with('/') && s.chars().all(|c| ('\u{21}'..='\u{7F}').contains(&c))
}

/// `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
fn policy_path(s: &str) -> bool {
    if s == "/" {
        return true;
    }
    let Some(inner) = s.strip_prefix('/').and_then(|r| r.strip_suffix('/')) else {
        return false;
    };
    inner.split('/').all(|seg| {
        !seg.is_empty()
            && seg.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '+' | '@' | '=' | '_' | '-')
            })
    })
}

/// `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`
fn account_alias(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (3..=63).contains(&b.len())
        && b.iter().all(|&c| ok(c) || c == b'-')
        && b.first().is_some_and(|&c| ok(c))
        && b.last().is_some_and(|&c| ok(c))
        && !s.contains("--")
}

/// `[\u0009\u000A\u000D\u0020-\u00FF]+`
fn latin1_text_plus(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'))
}

/// `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
fn description(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}'))
}

/// XML 1.0 `Char`: `[\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]*`
fn xml_chars(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    })
}

/// STS `arnType`: the XML character set with `\u0085` and `[\u00A0-…]` (i.e. without
/// `\u007F-\u0084` and `\u0086-\u009F`), one or more.
fn sts_arn_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
                | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
}

/// `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
fn policy_version_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let (num, suffix) = match rest.split_once('.') {
        Some((n, sfx)) => (n, Some(sfx)),
        None => (rest, None),
    };
    !num.is_empty()
        && !num.starts_with('0')
        && num.bytes().all(|b| b.is_ascii_digit())
        && suffix.is_none_or(|sfx| sfx.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// `[\w+=/:,.@-]+`
fn serial_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| is_name_char(c) || matches!(c, '/' | ':'))
}

/// `[\w._-]+`
fn saml_provider_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| is_word(c) || matches!(c, '.' | '-'))
}

/// `[\d]+`
fn digits_plus(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// STS `[\w+=,.@:\/-]*` (externalIdType)
fn external_id(s: &str) -> bool {
    s.chars().all(|c| is_name_char(c) || matches!(c, ':' | '/'))
}

/// STS `[\w+=,.@:-]*` (federatedIdType, assumedRoleIdType)
fn federated_id(s: &str) -> bool {
    s.chars().all(|c| is_name_char(c) || c == ':')
}

const fn shape(
    min: usize,
    max: Option<usize>,
    m: fn(&str) -> bool,
    pattern: &'static str,
) -> StringShape {
    StringShape {
        min,
        max,
        matcher: Some(m),
        pattern,
        sensitive: false,
    }
}

const NAME_PATTERN: &str = "[\\w+=,.@-]+";

/// `userNameType`: 1..64, `[\w+=,.@-]+` (CreateUser, new names).
pub const USER_NAME: StringShape = shape(1, Some(64), name_plus, NAME_PATTERN);
/// `existingUserNameType`: 1..128, `[\w+=,.@-]+` (members naming users that may predate the
/// 64-character limit).
pub const EXISTING_USER_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `groupNameType`: 1..128, `[\w+=,.@-]+`.
pub const GROUP_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `roleNameType`: 1..64, `[\w+=,.@-]+`.
pub const ROLE_NAME: StringShape = shape(1, Some(64), name_plus, NAME_PATTERN);
/// `policyNameType`: 1..128, `[\w+=,.@-]+` (managed and inline policies).
pub const POLICY_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `instanceProfileNameType`: 1..128, `[\w+=,.@-]+`.
pub const INSTANCE_PROFILE_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `serverCertificateNameType`: 1..128, `[\w+=,.@-]+`.
pub const SERVER_CERTIFICATE_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `entityNameType`: 1..128, `[\w+=,.@-]+`.
pub const ENTITY_NAME: StringShape = shape(1, Some(128), name_plus, NAME_PATTERN);
/// `virtualMFADeviceName`: min 1, `[\w+=,.@-]+` (botocore gives no max).
pub const VIRTUAL_MFA_DEVICE_NAME: StringShape = shape(1, None, name_plus, NAME_PATTERN);
/// `customSuffixType`: 1..64, `[\w+=,.@-]+`.
pub const CUSTOM_SUFFIX: StringShape = shape(1, Some(64), name_plus, NAME_PATTERN);
/// `pathType`: 1..512, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`.
pub const PATH: StringShape = shape(
    1,
    Some(512),
    path,
    "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
);
/// `pathPrefixType`: 1..512, `\u002F[\u0021-\u007F]*`.
pub const PATH_PREFIX: StringShape = shape(1, Some(512), path_prefix, "\\u002F[\\u0021-\\u007F]*");
/// `policyPathType`: 1..512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`.
pub const POLICY_PATH: StringShape =
    shape(1, Some(512), policy_path, "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
/// `accountAliasType`: 3..63, `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`.
pub const ACCOUNT_ALIAS: StringShape = shape(
    3,
    Some(63),
    account_alias,
    "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
);
/// `policyDocumentType`: 1..131072, `[\u0009\u000A\u000D\u0020-\u00FF]+`.
pub const POLICY_DOCUMENT: StringShape = shape(
    1,
    Some(131_072),
    latin1_text_plus,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
);
/// `roleDescriptionType`: 0..1000, `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`.
pub const ROLE_DESCRIPTION: StringShape = shape(
    0,
    Some(1000),
    description,
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*",
);
/// `policyDescriptionType`: 0..1000, no botocore pattern; Portcullis adds the XML 1.0 character
/// set so the value can always be returned.
pub const POLICY_DESCRIPTION: StringShape = shape(
    0,
    Some(1000),
    xml_chars,
    "[\\u0009\\u000A\\u000D\\u0020-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]*",
);
/// `passwordType`: 1..128, `[\u0009\u000A\u000D\u0020-\u00FF]+`, sensitive (the value is never
/// echoed).
pub const PASSWORD: StringShape = StringShape {
    sensitive: true,
    ..shape(
        1,
        Some(128),
        latin1_text_plus,
        "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    )
};
/// `accessKeyIdType`: 16..128, `[\w]+`.
pub const ACCESS_KEY_ID: StringShape = shape(16, Some(128), word_plus, "[\\w]+");
/// `idType` (unique ids such as `AIDA…`): 16..128, `[\w]+`.
pub const UNIQUE_ID: StringShape = shape(16, Some(128), word_plus, "[\\w]+");
/// `policyVersionIdType`: `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`.
pub const POLICY_VERSION_ID: StringShape = shape(
    0,
    None,
    policy_version_id,
    "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
);
/// `serialNumberType`: 9..256, `[\w+=/:,.@-]+`.
pub const SERIAL_NUMBER: StringShape = shape(9, Some(256), serial_number, "[\\w+=/:,.@-]+");
/// `authenticationCodeType`: 6..6, `[\d]+`.
pub const AUTHENTICATION_CODE: StringShape = shape(6, Some(6), digits_plus, "[\\d]+");
/// `SAMLProviderNameType`: 1..128, `[\w._-]+`.
pub const SAML_PROVIDER_NAME: StringShape = shape(1, Some(128), saml_provider_name, "[\\w._-]+");
/// `arnType` (IAM): 20..2048, no pattern.
pub const ARN: StringShape = StringShape {
    min: 20,
    max: Some(2048),
    matcher: None,
    pattern: "",
    sensitive: false,
};
/// STS `arnType`: 20..2048 with STS's character-set pattern.
pub const STS_ARN: StringShape = shape(
    20,
    Some(2048),
    sts_arn_chars,
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+",
);
/// STS `roleSessionNameType`: 2..64, `[\w+=,.@-]*`.
pub const ROLE_SESSION_NAME: StringShape = shape(2, Some(64), name_star, "[\\w+=,.@-]*");
/// STS `sourceIdentityType`: 2..64, `[\w+=,.@-]*`.
pub const SOURCE_IDENTITY: StringShape = shape(2, Some(64), name_star, "[\\w+=,.@-]*");
/// STS `userNameType` (GetFederationToken `Name`): 2..32, `[\w+=,.@-]*`.
pub const FEDERATED_USER_NAME: StringShape = shape(2, Some(32), name_star, "[\\w+=,.@-]*");
/// STS `externalIdType`: 2..1224, `[\w+=,.@:\/-]*`.
pub const EXTERNAL_ID: StringShape = shape(2, Some(1224), external_id, "[\\w+=,.@:\\/-]*");
/// STS `federatedIdType`: 2..193, `[\w+=,.@\:-]*`.
pub const FEDERATED_ID: StringShape = shape(2, Some(193), federated_id, "[\\w+=,.@\\:-]*");
/// STS `tokenCodeType`: 6..6, `[\d]*`.
pub const TOKEN_CODE: StringShape = shape(
    6,
    Some(6),
    |s| s.bytes().all(|b| b.is_ascii_digit()),
    "[\\d]*",
);
/// STS `serialNumberType`: 9..256, `[\w+=/:,.@-]*`.
pub const STS_SERIAL_NUMBER: StringShape = shape(
    9,
    Some(256),
    |s| s.chars().all(|c| is_name_char(c) || matches!(c, '/' | ':')),
    "[\\w+=/:,.@-]*",
);
/// STS `sessionPolicyDocumentType`: 1..2048, `[\u0009\u000A\u000D\u0020-\u00FF]+`.
pub const SESSION_POLICY_DOCUMENT: StringShape = shape(
    1,
    Some(2048),
    latin1_text_plus,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
);
/// STS `unrestrictedSessionPolicyDocumentType`: min 1, `[\u0009\u000A\u000D\u0020-\u00FF]+`.
pub const UNRESTRICTED_SESSION_POLICY_DOCUMENT: StringShape = shape(
    1,
    None,
    latin1_text_plus,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
);

macro_rules! validators {
    ($($(#[$doc:meta])* $f:ident => $shape:ident;)*) => {$(
        $(#[$doc])*
        pub fn $f(value: &str, member: &str) -> Result<(), ValidationError> {
            $shape.check(value, member)
        }
    )*};
}

validators! {
    /// [`USER_NAME`] (`userNameType`).
    validate_user_name => USER_NAME;
    /// [`EXISTING_USER_NAME`] (`existingUserNameType`).
    validate_existing_user_name => EXISTING_USER_NAME;
    /// [`GROUP_NAME`] (`groupNameType`).
    validate_group_name => GROUP_NAME;
    /// [`ROLE_NAME`] (`roleNameType`).
    validate_role_name => ROLE_NAME;
    /// [`POLICY_NAME`] (`policyNameType`).
    validate_policy_name => POLICY_NAME;
    /// [`INSTANCE_PROFILE_NAME`] (`instanceProfileNameType`).
    validate_instance_profile_name => INSTANCE_PROFILE_NAME;
    /// [`SERVER_CERTIFICATE_NAME`] (`serverCertificateNameType`).
    validate_server_certificate_name => SERVER_CERTIFICATE_NAME;
    /// [`ENTITY_NAME`] (`entityNameType`).
    validate_entity_name => ENTITY_NAME;
    /// [`VIRTUAL_MFA_DEVICE_NAME`] (`virtualMFADeviceName`).
    validate_virtual_mfa_device_name => VIRTUAL_MFA_DEVICE_NAME;
    /// [`CUSTOM_SUFFIX`] (`customSuffixType`).
    validate_custom_suffix => CUSTOM_SUFFIX;
    /// [`PATH`] (`pathType`).
    validate_path => PATH;
    /// [`PATH_PREFIX`] (`pathPrefixType`).
    validate_path_prefix => PATH_PREFIX;
    /// [`POLICY_PATH`] (`policyPathType`).
    validate_policy_path => POLICY_PATH;
    /// [`ACCOUNT_ALIAS`] (`accountAliasType`).
    validate_account_alias => ACCOUNT_ALIAS;
    /// [`POLICY_DOCUMENT`] (`policyDocumentType`).
    validate_policy_document => POLICY_DOCUMENT;
    /// [`ROLE_DESCRIPTION`] (`roleDescriptionType`).
    validate_role_description => ROLE_DESCRIPTION;
    /// [`POLICY_DESCRIPTION`] (`policyDescriptionType` + XML characters).
    validate_policy_description => POLICY_DESCRIPTION;
    /// [`PASSWORD`] (`passwordType`).
    validate_password => PASSWORD;
    /// [`ACCESS_KEY_ID`] (`accessKeyIdType`).
    validate_access_key_id => ACCESS_KEY_ID;
    /// [`UNIQUE_ID`] (`idType`).
    validate_unique_id => UNIQUE_ID;
    /// [`POLICY_VERSION_ID`] (`policyVersionIdType`).
    validate_policy_version_id => POLICY_VERSION_ID;
    /// [`SERIAL_NUMBER`] (`serialNumberType`).
    validate_serial_number => SERIAL_NUMBER;
    /// [`AUTHENTICATION_CODE`] (`authenticationCodeType`).
    validate_authentication_code => AUTHENTICATION_CODE;
    /// [`SAML_PROVIDER_NAME`] (`SAMLProviderNameType`).
    validate_saml_provider_name => SAML_PROVIDER_NAME;
    /// [`ARN`] (IAM `arnType`).
    validate_arn => ARN;
    /// [`STS_ARN`] (STS `arnType`).
    validate_sts_arn => STS_ARN;
    /// [`ROLE_SESSION_NAME`] (STS `roleSessionNameType`).
    validate_role_session_name => ROLE_SESSION_NAME;
    /// [`SOURCE_IDENTITY`] (STS `sourceIdentityType`).
    validate_source_identity => SOURCE_IDENTITY;
    /// [`FEDERATED_USER_NAME`] (STS `userNameType`).
    validate_federated_user_name => FEDERATED_USER_NAME;
    /// [`EXTERNAL_ID`] (STS `externalIdType`).
    validate_external_id => EXTERNAL_ID;
    /// [`FEDERATED_ID`] (STS `federatedIdType`).
    validate_federated_id => FEDERATED_ID;
    /// [`TOKEN_CODE`] (STS `tokenCodeType`).
    validate_token_code => TOKEN_CODE;
    /// [`STS_SERIAL_NUMBER`] (STS `serialNumberType`).
    validate_sts_serial_number => STS_SERIAL_NUMBER;
    /// [`SESSION_POLICY_DOCUMENT`] (STS `sessionPolicyDocumentType`).
    validate_session_policy_document => SESSION_POLICY_DOCUMENT;
    /// [`UNRESTRICTED_SESSION_POLICY_DOCUMENT`] (STS `unrestrictedSessionPolicyDocumentType`).
    validate_unrestricted_session_policy_document => UNRESTRICTED_SESSION_POLICY_DOCUMENT;
}

/// `accountIdType`: `\d{12}`.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// Validates an account id (`accountIdType`, `\d{12}`).
pub fn validate_account_id(value: &str, member: &str) -> Result<(), ValidationError> {
    if is_account_id(value) {
        return Ok(());
    }
    let mut e = ValidationError::new();
    e.push(
        value,
        member,
        "Member must satisfy regular expression pattern: \\d{12}",
    );
    Err(e)
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
