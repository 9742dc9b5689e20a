use super::*;
use proptest::prelude::*;

type V = fn(&str, &str) -> Result<(), ValidationError>;

/// (shape, validator, accepted values, rejected values)
fn table() -> Vec<(&'static str, V, Vec<String>, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let n = |c: char, k: usize| c.to_string().repeat(k);
    vec![
        (
            "userNameType 1..64 [\\w+=,.@-]+",
            validate_user_name,
            vec![
                "alice".into(),
                "a".into(),
                "A_b+c=d,e.f@g-h9".into(),
                n('u', 64),
            ],
            vec![
                "".into(),
                n('u', 65),
                "bad name".into(),
                "a/b".into(),
                "ü".into(),
                "a\nb".into(),
                "a\0".into(),
                "a*b".into(),
            ],
        ),
        (
            "existingUserNameType 1..128",
            validate_existing_user_name,
            vec![n('u', 128)],
            vec![n('u', 129), "".into()],
        ),
        (
            "groupNameType 1..128",
            validate_group_name,
            vec![n('g', 128), "Admins".into()],
            vec![n('g', 129), "a b".into()],
        ),
        (
            "roleNameType 1..64",
            validate_role_name,
            vec![n('r', 64)],
            vec![n('r', 65), "r:x".into()],
        ),
        (
            "policyNameType 1..128",
            validate_policy_name,
            vec![n('p', 128)],
            vec![n('p', 129), "p#".into()],
        ),
        (
            "instanceProfileNameType 1..128",
            validate_instance_profile_name,
            vec!["Web".into()],
            vec!["".into(), n('i', 129)],
        ),
        (
            "serverCertificateNameType 1..128",
            validate_server_certificate_name,
            vec!["cert".into()],
            vec!["c c".into()],
        ),
        (
            "pathType",
            validate_path,
            s(&["/", "/a/", "/division_abc/subdivision_xyz/", "/!~/", "///"]),
            s(&[
                "",
                "a",
                "/a",
                "a/",
                "//",
                "/a b/",
                "/a\n/",
                "/ü/",
                "/a\u{7f}/",
            ]),
        ),
        (
            "pathType max 512",
            validate_path,
            vec![format!("/{}/", n('a', 510))],
            vec![format!("/{}/", n('a', 511))],
        ),
        (
            "pathPrefixType",
            validate_path_prefix,
            s(&["/", "/a", "/a/b", "/x\u{7f}"]),
            s(&["", "a", "/a b", "/\n"]),
        ),
        (
            "policyPathType",
            validate_policy_path,
            s(&["/", "/a/", "/a/b.c,d+e@f=g_h-i/"]),
            s(&["", "a/", "/a", "//", "/a//b/", "/a!/", "/a b/"]),
        ),
        (
            "accountAliasType",
            validate_account_alias,
            s(&["abc", "my-company", "a1-b2-c3", "123"])
                .into_iter()
                .chain([n('a', 63)])
                .collect(),
            s(&["ab", "-abc", "abc-", "ab--c", "Abc", "a_b", "a.b"])
                .into_iter()
                .chain([n('a', 64)])
                .collect(),
        ),
        (
            "policyDocumentType",
            validate_policy_document,
            s(&[
                "{\"Version\":\"2012-10-17\"}",
                "{\n\t\"a\": \"\u{e9}\"\r\n}",
            ]),
            s(&["", "\u{0}", "{\"a\":\"\u{100}\"}", "\u{1f600}", "\u{b}"]),
        ),
        (
            "roleDescriptionType",
            validate_role_description,
            s(&["", "Allows EC2 to call S3.", "caf\u{e9}\n"]),
            s(&["\u{7f}", "\u{a0}", "\u{0}", "\u{2603}"]),
        ),
        (
            "roleDescriptionType max 1000",
            validate_role_description,
            vec![n('d', 1000)],
            vec![n('d', 1001)],
        ),
        (
            "policyDescriptionType + XML chars",
            validate_policy_description,
            s(&["", "any \u{2603} text", "\t\n\r"]),
            s(&["\u{0}", "a\u{1b}b", "\u{ffff}"]),
        ),
        (
            "passwordType",
            validate_password,
            s(&["P@ssw0rd!", " "]),
            s(&["", "\u{0}", "\u{100}"]),
        ),
        (
            "accessKeyIdType 16..128 [\\w]+",
            validate_access_key_id,
            s(&["AKIAIOSFODNN7EXAMPLE"]),
            s(&["AKIA", "AKIAIOSFODNN7EXAMPLE!", "AKIAIOSFODNN7EXAM LE"]),
        ),
        (
            "policyVersionIdType",
            validate_policy_version_id,
            s(&["v1", "v12", "v3.abc-1", "v2."]),
            s(&["", "v0", "v01", "1", "v", "vx", "v1.a_b"]),
        ),
        (
            "serialNumberType 9..256",
            validate_serial_number,
            s(&["arn:aws:iam::123456789012:mfa/dev", "GAHT12345678"]),
            s(&["short", "arn:aws:iam::1:mfa/a b"]),
        ),
        (
            "authenticationCodeType",
            validate_authentication_code,
            s(&["123456"]),
            s(&["12345", "1234567", "12345a"]),
        ),
        (
            "SAMLProviderNameType",
            validate_saml_provider_name,
            s(&["Okta", "my.idp-1_x"]),
            s(&["", "a b", "a+b"]),
        ),
        (
            "arnType 20..2048",
            validate_arn,
            vec!["arn:aws:iam::123456789012:user/x".into()],
            vec!["arn:aws:iam::1:x".into()],
        ),
        (
            "STS arnType",
            validate_sts_arn,
            vec!["arn:aws:iam::123456789012:role/x".into()],
            vec![
                "arn:aws:iam::123456789012:role/\u{0}".into(),
                "arn:aws:iam::123456789012:role/\u{7f}".into(),
            ],
        ),
        (
            "STS roleSessionNameType 2..64",
            validate_role_session_name,
            s(&["s1", "my-session@x.y"]),
            s(&["s", "a b", "a:b"])
                .into_iter()
                .chain([n('s', 65)])
                .collect(),
        ),
        (
            "STS sourceIdentityType 2..64",
            validate_source_identity,
            s(&["alice"]),
            s(&["a", "a b"]),
        ),
        (
            "STS userNameType 2..32",
            validate_federated_user_name,
            s(&["bob", "b="]),
            s(&["b"]).into_iter().chain([n('b', 33)]).collect(),
        ),
        (
            "STS externalIdType 2..1224",
            validate_external_id,
            s(&["ext:id/1", "12"]),
            s(&["1", "a b"]),
        ),
        (
            "STS federatedIdType",
            validate_federated_id,
            s(&["123456789012:bob"]),
            s(&["a b"]),
        ),
        (
            "STS tokenCodeType",
            validate_token_code,
            s(&["000000"]),
            s(&["00000", "abcdef"]),
        ),
        (
            "STS serialNumberType",
            validate_sts_serial_number,
            s(&["arn:aws:iam::123456789012:mfa/u"]),
            s(&["GAHT 12345"]),
        ),
        (
            "STS sessionPolicyDocumentType 1..2048",
            validate_session_policy_document,
            vec!["{}".into(), n('x', 2048)],
            vec!["".into(), n('x', 2049)],
        ),
        (
            "virtualMFADeviceName",
            validate_virtual_mfa_device_name,
            s(&["dev"]),
            s(&["", "a/b"]),
        ),
        (
            "customSuffixType",
            validate_custom_suffix,
            s(&["x"]),
            s(&["", "a b"]),
        ),
        (
            "entityNameType",
            validate_entity_name,
            s(&["e"]),
            s(&["e e"]),
        ),
        (
            "idType",
            validate_unique_id,
            s(&["AIDACKCEVSQ6C2EXAMPLE"]),
            s(&["AIDA", "AIDACKCEVSQ6C2EXAMP-E"]),
        ),
    ]
}

#[test]
fn shapes_accept_and_reject() {
    for (shape, f, good, bad) in table() {
        for v in good {
            assert!(
                f(&v, "m").is_ok(),
                "{shape} should accept {v:?}: {:?}",
                f(&v, "m")
            );
        }
        for v in bad {
            assert!(f(&v, "m").is_err(), "{shape} should reject {v:?}");
        }
    }
}

#[test]
fn exact_messages() {
    let cases: Vec<(Result<(), ValidationError>, String)> = vec![
        (validate_user_name("bad name", "userName"),
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+".into()),
        (validate_role_name(&"r".repeat(65), "roleName"),
            format!("1 validation error detected: Value '{}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64", "r".repeat(65))),
        (validate_user_name("", "userName"),
            "2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+".into()),
        (validate_path("dev", "path"),
            "1 validation error detected: Value 'dev' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)".into()),
        (validate_account_alias("Ab", "accountAlias"),
            "2 validation errors detected: Value 'Ab' at 'accountAlias' failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'Ab' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$".into()),
        (validate_password("", "password"),
            "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+".into()),
        (validate_account_id("12345", "accountId"),
            "1 validation error detected: Value '12345' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}".into()),
    ];
    for (r, want) in cases {
        assert_eq!(r.unwrap_err().to_string(), want);
    }
}

#[test]
fn account_ids() {
    assert!(is_account_id("123456789012"));
    for bad in [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "１２３４５６７８９０１２",
    ] {
        assert!(!is_account_id(bad), "{bad}");
        assert!(validate_account_id(bad, "accountId").is_err());
    }
}

#[test]
fn lengths_count_characters_not_bytes() {
    // 1000 two-byte characters are a valid role description (roleDescriptionType max 1000).
    assert!(validate_role_description(&"é".repeat(1000), "description").is_ok());
}

proptest! {
    #[test]
    fn name_validation_matches_the_pattern(s in "\\PC{0,70}") {
        let expect = !s.is_empty()
            && s.chars().count() <= 64
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        prop_assert_eq!(validate_user_name(&s, "userName").is_ok(), expect);
    }

    #[test]
    fn accepted_names_never_contain_controls(s in any::<String>()) {
        for f in [validate_user_name as V, validate_path, validate_policy_path, validate_role_description, validate_role_session_name] {
            if f(&s, "m").is_ok() {
                prop_assert!(!s.contains(['\0']));
            }
        }
        if validate_path(&s, "m").is_ok() || validate_user_name(&s, "m").is_ok() {
            prop_assert!(!s.chars().any(char::is_control));
        }
    }
}
