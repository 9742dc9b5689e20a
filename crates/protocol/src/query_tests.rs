use super::*;
use proptest::prelude::*;

fn req(qs: &str) -> QueryRequest {
    QueryRequest::from_parts(qs, None, b"").unwrap()
}

#[test]
fn body_and_query_merge() {
    let r = QueryRequest::from_parts(
        "Action=CreateUser",
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        b"Version=2010-05-08&UserName=alice&Path=%2Fdev%2F",
    )
    .unwrap();
    assert_eq!(r.action(), Some("CreateUser"));
    assert_eq!(r.required_action().unwrap(), "CreateUser");
    assert_eq!(r.version(), Some("2010-05-08"));
    assert_eq!(r.get("UserName"), Some("alice"));
    assert_eq!(r.get("Path"), Some("/dev/"));
    assert_eq!(
        r.param_names().collect::<Vec<_>>(),
        ["Action", "Path", "UserName", "Version"]
    );
}

#[test]
fn decoding_rules() {
    let r = req("?A=a+b%20c&B=&C&D=%E2%9C%93&E=x%3Dy%26z");
    assert_eq!(r.get("A"), Some("a b c"));
    assert_eq!(r.get("B"), Some(""));
    assert_eq!(r.get("C"), Some(""));
    assert_eq!(r.get("D"), Some("✓"));
    assert_eq!(r.get("E"), Some("x=y&z"));
    assert_eq!(r.get("Z"), None);
    // Empty segments are ignored.
    assert_eq!(req("&&A=1&&").get("A"), Some("1"));
    assert!(req("").params().is_empty());
}

#[test]
fn rejections() {
    let cases: &[(&str, Option<&str>, &[u8])] = &[
        ("A=%zz", None, b""),
        ("A=%4", None, b""),
        ("A=%", None, b""),
        ("A=%C3%28", None, b""), // invalid UTF-8
        ("=x", None, b""),       // empty name
        ("A=1&A=2", None, b""),  // duplicate
        ("A=1", Some("application/x-www-form-urlencoded"), b"A=2"), // duplicate across parts
        ("", None, b"Action=ListUsers"), // body without content type
        ("", Some("application/json"), b"{}"),
        ("", Some("text/plain"), b"Action=ListUsers"),
    ];
    for (qs, ct, body) in cases {
        let e = QueryRequest::from_parts(qs, *ct, body).unwrap_err();
        assert_eq!(e.code, "InvalidQueryParameter", "{qs:?} {ct:?}");
        assert_eq!(e.status, 400);
    }
    // An empty body needs no content type; any letter case of the media type is accepted.
    assert!(QueryRequest::from_parts("A=1", Some("application/json"), b"").is_ok());
    assert!(
        QueryRequest::from_parts("", Some("Application/X-WWW-Form-URLEncoded"), b"A=1").is_ok()
    );
}

#[test]
fn parameter_cap() {
    let qs: String = (0..=MAX_PARAMETERS).map(|i| format!("P{i}=1&")).collect();
    assert_eq!(
        QueryRequest::from_parts(&qs, None, b"").unwrap_err().code,
        "InvalidQueryParameter"
    );
    let ok: String = (0..MAX_PARAMETERS).map(|i| format!("P{i}=1&")).collect();
    assert_eq!(
        QueryRequest::from_parts(&ok, None, b"")
            .unwrap()
            .params()
            .len(),
        MAX_PARAMETERS
    );
}

#[test]
fn missing_action() {
    let e = req("Version=2010-05-08").required_action().unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("MissingAction", 400));
    assert!(req("Action=").required_action().is_err());
}

#[test]
fn required_members() {
    let r = req("UserName=&GroupName=g");
    assert_eq!(r.required("UserName").unwrap(), "");
    assert_eq!(r.required("GroupName").unwrap(), "g");
    let e = r.required("PolicyArn").unwrap_err();
    assert_eq!(e.code, "ValidationError");
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: \
         Member must not be null"
    );
}

#[test]
fn integers_and_booleans() {
    let r = req("MaxItems=10&Neg=-3&Bad=1x&Big=99999999999&T=true&F=false&U=TRUE&X=yes");
    assert_eq!(r.opt_i32("MaxItems").unwrap(), Some(10));
    assert_eq!(r.opt_i32("Neg").unwrap(), Some(-3));
    assert_eq!(r.opt_i32("Nope").unwrap(), None);
    let e = r.opt_i32("Bad").unwrap_err();
    assert_eq!(
        e.message,
        "1 validation error detected: Value '1x' at 'bad' failed to satisfy constraint: \
         Member must be a valid integer"
    );
    assert!(r.opt_i32("Big").is_err());
    assert_eq!(r.opt_bool("T").unwrap(), Some(true));
    assert_eq!(r.opt_bool("F").unwrap(), Some(false));
    assert_eq!(r.opt_bool("U").unwrap(), Some(true));
    assert_eq!(r.opt_bool("Nope").unwrap(), None);
    assert_eq!(r.opt_bool("X").unwrap_err().code, "ValidationError");
}

#[test]
fn lists_in_numeric_order_with_gaps() {
    let r = req(
        "ActionNames.member.10=j&ActionNames.member.2=b&ActionNames.member.1=a&\
         ActionNames.member.5=e&ActionNames.member.0=zero&ActionNames.member.01=lead&\
         ActionNames.member.x=bad&ActionNames.member.3.Sub=nested&ActionNamesX.member.1=other",
    );
    assert_eq!(r.list("ActionNames"), ["a", "b", "e", "j"]);
    assert!(r.list("Missing").is_empty());
    assert_eq!(r.list("ActionNamesX"), ["other"]);
}

#[test]
fn structures_in_lists() {
    let r = req(
        "Tags.member.2.Key=k2&Tags.member.2.Value=v2&Tags.member.1.Key=k1&Tags.member.1.Value=v1&\
         Tags.member.11.Key=k11",
    );
    let tags = r.structs("Tags");
    assert_eq!(tags.len(), 3);
    let kv: Vec<(Option<&str>, Option<&str>)> = tags
        .iter()
        .map(|t| (t.get("Key"), t.get("Value")))
        .collect();
    assert_eq!(
        kv,
        [
            (Some("k1"), Some("v1")),
            (Some("k2"), Some("v2")),
            (Some("k11"), None)
        ]
    );
    let e = tags[2].required("Value").unwrap_err();
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'tags.11.member.value' failed to satisfy \
         constraint: Member must not be null"
    );
}

#[test]
fn nested_lists_in_structures() {
    let r = req("ContextEntries.member.1.ContextKeyName=aws:SourceIp&\
         ContextEntries.member.1.ContextKeyType=ip&\
         ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2&\
         ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1&\
         ContextEntries.member.2.ContextKeyName=aws:username&\
         ContextEntries.member.2.ContextKeyValues.member.1=alice");
    let entries = r.structs("ContextEntries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].get("ContextKeyName"), Some("aws:SourceIp"));
    assert_eq!(
        entries[0].list("ContextKeyValues"),
        ["10.0.0.1", "10.0.0.2"]
    );
    assert_eq!(entries[1].list("ContextKeyValues"), ["alice"]);
    assert_eq!(
        entries[1].member_path("ContextKeyType"),
        "contextEntries.2.member.contextKeyType"
    );
}

#[test]
fn nested_structure() {
    let r = req(
        "Permissions.PolicyTemplateArn=arn:x&Permissions.Parameters.member.1.Name=n&\
         Permissions.Parameters.member.1.Values.member.1=v&PermissionsX=1",
    );
    let p = r.sub("Permissions");
    assert_eq!(p.get("PolicyTemplateArn"), Some("arn:x"));
    let params = p.structs("Parameters");
    assert_eq!(params[0].get("Name"), Some("n"));
    assert_eq!(params[0].list("Values"), ["v"]);
    assert_eq!(
        params[0].member_path("Name"),
        "permissions.parameters.1.member.name"
    );
    assert!(r.sub("Absent").is_empty());
}

#[test]
fn lower_first_names() {
    assert_eq!(lower_first("UserName"), "userName");
    assert_eq!(lower_first("SAMLProviderArn"), "sAMLProviderArn");
    assert_eq!(lower_first(""), "");
}

proptest! {
    #[test]
    fn from_parts_never_panics(qs in ".*", ct in proptest::option::of(".*"), body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = QueryRequest::from_parts(&qs, ct.as_deref(), &body);
    }

    #[test]
    fn structured_noise_never_panics(parts in proptest::collection::vec(("[A-Za-z.0-9%+=&]{0,12}", "[A-Za-z0-9%+.]{0,8}"), 0..20)) {
        let qs: String = parts.iter().map(|(k, v)| format!("{k}={v}&")).collect();
        if let Ok(r) = QueryRequest::from_parts(&qs, None, b"") {
            for name in ["A", "Tags", "A.member", ""] {
                let _ = r.list(name);
                for s in r.structs(name) { let _ = s.list("B"); let _ = s.required("Key"); }
                let _ = r.sub(name);
                let _ = r.opt_i32(name);
                let _ = r.opt_bool(name);
            }
        }
    }

    #[test]
    fn roundtrips_encoded_values(name in "[A-Za-z][A-Za-z0-9]{0,10}", value in any::<String>()) {
        let enc: String = value.bytes().map(|b| format!("%{b:02X}")).collect();
        let r = QueryRequest::from_parts(&format!("{name}={enc}"), None, b"").unwrap();
        prop_assert_eq!(r.get(&name), Some(value.as_str()));
    }
}
