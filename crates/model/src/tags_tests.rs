use super::*;

fn t(k: &str, v: &str) -> Tag {
    Tag::new(k, v)
}

#[test]
fn valid_tag_sets() {
    let ok = [
        vec![],
        vec![t("Env", "prod")],
        vec![t("a", "")],
        vec![
            t("Cost Center", "1234"),
            t("team:name/x=y+z-w@v_u.t", "ü ñ 数字 ٣"),
        ],
        (0..50).map(|i| t(&format!("k{i}"), "v")).collect(),
        vec![t(&"k".repeat(128), &"v".repeat(256))],
        vec![t("awsx", "v"), t("aws", "v"), t("my:aws:thing", "v")],
    ];
    for tags in ok {
        assert_eq!(validate_tags(&tags), Ok(()), "{tags:?}");
    }
}

#[test]
fn shape_violations_use_aws_messages() {
    // botocore tagKeyType / tagValueType / tagListType
    let cases: Vec<(Vec<Tag>, &str)> = vec![
        (vec![t("NOWAY!", "")], "1 validation error detected: Value 'NOWAY!' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"),
        (vec![t("ok", "v"), t("k", "bad!")], "1 validation error detected: Value 'bad!' at 'tags.2.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"),
        (vec![t(&"k".repeat(129), "")], "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"),
        (vec![t("k", &"v".repeat(257))], "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"),
        (vec![t("", "v")], "2 validation errors detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern"),
        ((0..51).map(|i| t(&format!("k{i}"), "v")).collect(), "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"),
    ];
    for (tags, want) in cases {
        let e = validate_tags(&tags).unwrap_err();
        assert_eq!(e.code(), "ValidationError");
        assert!(e.to_string().contains(want), "{e} !~ {want}");
    }
}

#[test]
fn control_characters_are_rejected() {
    for bad in [
        "a\nb",
        "a\rb",
        "a\0b",
        "a\tb",
        "\u{7f}",
        "\u{85}",
        "a\u{2028}b",
    ] {
        // U+2028 is Zl (a separator) and so allowed by \p{Z}; everything else here is Cc.
        let r = validate_tags(&[t("k", bad)]);
        if bad == "a\u{2028}b" {
            assert!(r.is_ok());
        } else {
            assert_eq!(r.unwrap_err().code(), "ValidationError", "{bad:?}");
        }
        assert!(validate_tags(&[t(bad, "v")]).is_err() || bad == "a\u{2028}b");
    }
}

#[test]
fn duplicates_and_reserved_prefix() {
    let dup = validate_tags(&[t("a", ""), t("A", "")]).unwrap_err();
    assert_eq!(dup, TagError::DuplicateKeys);
    assert_eq!(dup.code(), "InvalidInput");
    assert_eq!(
        dup.to_string(),
        "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    );
    for k in ["aws:foo", "AWS:foo", "Aws:x"] {
        let e = validate_tags(&[t(k, "v")]).unwrap_err();
        assert_eq!(e, TagError::ReservedPrefix(k.to_string()));
        assert_eq!(e.code(), "InvalidInput");
    }
}

#[test]
fn tag_key_lists() {
    assert!(validate_tag_keys(&["a", "b"]).is_ok());
    let e = validate_tag_keys(&["ok", "NOWAY!"]).unwrap_err();
    assert!(e
        .to_string()
        .contains("Value 'NOWAY!' at 'tagKeys.2.member' failed"));
    let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    assert!(validate_tag_keys(&many).unwrap_err().to_string().contains("at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50"));
}

#[test]
fn merge_and_remove() {
    let mut tags = vec![t("Env", "dev"), t("Team", "a")];
    merge_tags(&mut tags, &[t("env", "prod"), t("Owner", "bob")]).unwrap();
    assert_eq!(
        tags,
        vec![t("env", "prod"), t("Team", "a"), t("Owner", "bob")]
    );
    remove_tags(&mut tags, &["TEAM", "absent"]);
    assert_eq!(tags, vec![t("env", "prod"), t("Owner", "bob")]);

    let mut full: Vec<Tag> = (0..50).map(|i| t(&format!("k{i}"), "v")).collect();
    // Replacing an existing key at the limit is fine; adding one more is not.
    merge_tags(&mut full, &[t("K0", "new")]).unwrap();
    let before = full.clone();
    let e = merge_tags(&mut full, &[t("extra", "v")]).unwrap_err();
    assert_eq!((e.code(), full == before), ("LimitExceeded", true));
}
