//! Response-writer tests; documents are parsed back with quick-xml to prove well-formedness.

use crate::*;
use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::Reader;
use time::macros::datetime;

#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Open(String),
    Close(String),
    Text(String),
}

/// Parses `doc` into tags and (reference-resolved, EOL-normalised) text runs plus the root's
/// attributes; panics on any well-formedness error.
fn parse(doc: &str) -> (Vec<Tok>, Vec<(String, String)>) {
    assert!(
        doc.chars().all(is_xml_char),
        "illegal XML character in {doc:?}"
    );
    let mut r = Reader::from_str(doc);
    r.config_mut().check_end_names = true;
    let mut toks = Vec::new();
    let mut attrs = Vec::new();
    let mut text = String::new();
    let mut depth = 0usize;
    let flush = |text: &mut String, toks: &mut Vec<Tok>| {
        if !text.is_empty() {
            toks.push(Tok::Text(std::mem::take(text)));
        }
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                flush(&mut text, &mut toks);
                if depth == 0 {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap();
                        attrs.push((a.key.as_ref().to_string(), v.into_owned()));
                    }
                }
                depth += 1;
                toks.push(Tok::Open(e.name().as_ref().to_string()));
            }
            Event::End(e) => {
                flush(&mut text, &mut toks);
                depth -= 1;
                toks.push(Tok::Close(e.name().as_ref().to_string()));
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                if g.is_char_ref() {
                    text.push(g.resolve_char_ref().unwrap().unwrap());
                } else {
                    let name: &str = &g;
                    text.push_str(quick_xml::escape::resolve_predefined_entity(name).unwrap());
                }
            }
            Event::Eof => break,
            other => panic!("unexpected event {other:?}"),
        }
    }
    assert_eq!(depth, 0);
    (toks, attrs)
}

fn open(s: &str) -> Tok {
    Tok::Open(s.into())
}
fn close(s: &str) -> Tok {
    Tok::Close(s.into())
}
fn text(s: &str) -> Tok {
    Tok::Text(s.into())
}

#[test]
fn full_response_shape() {
    let mut w = ResponseWriter::new("ListUsers", IAM_NAMESPACE);
    w.list("Users", ["alice", "bob"], |w, name| {
        w.element("UserName", name)
            .element("Path", "/")
            .timestamp("CreateDate", datetime!(2026-11-22 13:59:14.750 UTC));
    });
    w.pagination(Some("bWFya2Vy"));
    let doc = w.finish("7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
    assert_eq!(
        doc,
        "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListUsersResult>\
         <Users><member><UserName>alice</UserName><Path>/</Path><CreateDate>2026-11-22T13:59:14Z\
         </CreateDate></member><member><UserName>bob</UserName><Path>/</Path><CreateDate>\
         2026-11-22T13:59:14Z</CreateDate></member></Users><IsTruncated>true</IsTruncated>\
         <Marker>bWFya2Vy</Marker></ListUsersResult><ResponseMetadata><RequestId>\
         7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></ListUsersResponse>"
    );
    parse(&doc);
}

#[test]
fn no_result_for_outputless_operations() {
    let doc = ResponseWriter::without_result("DeleteUser", IAM_NAMESPACE).finish("r1");
    assert_eq!(
        doc,
        "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DeleteUserResponse>"
    );
}

#[test]
fn scalars_maps_and_auto_close() {
    let mut w = ResponseWriter::new("GetAccountSummary", IAM_NAMESPACE);
    w.map("SummaryMap", [("Users", "3"), ("Groups", "1")]);
    w.start("Credentials")
        .element("AccessKeyId", "ASIAEXAMPLE")
        .timestamp_millis("Expiration", datetime!(2026-01-02 03:04:05.067 UTC))
        .bool_element("Flag", false)
        .display_element("Count", 42)
        .opt_element("Absent", None)
        .opt_timestamp("AbsentDate", None)
        .string_list("Names", ["a<b", "c"]);
    // Credentials left open: finish must close it.
    let doc = w.finish("r");
    let (toks, _) = parse(&doc);
    assert!(doc.contains("<SummaryMap><entry><key>Users</key><value>3</value></entry>"));
    assert!(doc.contains("<Expiration>2026-01-02T03:04:05.067Z</Expiration>"));
    assert!(doc.contains("<Flag>false</Flag><Count>42</Count><Names><member>a&lt;b</member>"));
    assert!(!doc.contains("Absent"));
    assert!(doc.contains("</Credentials></GetAccountSummaryResult>"));
    assert_eq!(
        toks.iter().filter(|t| matches!(t, Tok::Open(_))).count(),
        toks.iter().filter(|t| matches!(t, Tok::Close(_))).count()
    );
}

#[test]
fn unbalanced_end_is_harmless() {
    let mut w = ResponseWriter::new("GetUser", STS_NAMESPACE);
    w.end().end();
    parse(&w.finish("r"));
}

#[test]
fn hostile_names_cannot_make_markup() {
    let mut w = ResponseWriter::new("Get><x", IAM_NAMESPACE);
    w.element("a b=\"1\"", "v").start("1bad").end();
    let doc = w.finish("r");
    let (toks, _) = parse(&doc);
    assert_eq!(toks[0], open("Get__xResponse"));
    assert!(toks.contains(&open("a_b__1_")) && toks.contains(&open("_1bad")));
}

#[test]
#[should_panic]
fn parse_helper_rejects_injected_markup() {
    // Sanity check of the checker itself: mismatched tags must fail.
    parse("<a><b></a></b>");
}

#[test]
fn escaping_table() {
    let cases = [
        ("plain", "plain", "plain"),
        ("a&b", "a&amp;b", "a&amp;b"),
        ("<tag>", "&lt;tag&gt;", "&lt;tag&gt;"),
        ("\"q\" 'a'", "\"q\" 'a'", "&quot;q&quot; &apos;a&apos;"),
        (
            "l1\nl2\r\n\tx",
            "l1\nl2&#13;\n\tx",
            "l1&#10;l2&#13;&#10;&#9;x",
        ),
        (
            "nul\0bel\u{7}",
            "nul\u{FFFD}bel\u{FFFD}",
            "nul\u{FFFD}bel\u{FFFD}",
        ),
        ("\u{FFFE}\u{FFFF}", "\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}"),
        ("]]>", "]]&gt;", "]]&gt;"),
        ("ünï😀\u{85}", "ünï😀\u{85}", "ünï😀\u{85}"),
    ];
    for (raw, t, a) in cases {
        assert_eq!(escape_text(raw), t, "{raw:?}");
        assert_eq!(escape_attr(raw), a, "{raw:?}");
    }
}

#[test]
fn timestamps() {
    assert_eq!(
        format_timestamp(datetime!(2026-11-22 13:59:14.999 UTC)),
        "2026-11-22T13:59:14Z"
    );
    assert_eq!(
        format_timestamp(datetime!(2026-11-22 15:59:14 +02:00)),
        "2026-11-22T13:59:14Z"
    );
    assert_eq!(
        format_timestamp_millis(datetime!(2026-11-22 13:59:14.5 UTC)),
        "2026-11-22T13:59:14.500Z"
    );
    assert_eq!(
        format_timestamp(std::time::UNIX_EPOCH),
        "1970-01-01T00:00:00Z"
    );
}

/// What a stored value reads back as: XML-illegal characters become U+FFFD.
fn expected(s: &str) -> String {
    s.chars()
        .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
        .collect()
}

proptest! {
    #[test]
    fn any_text_round_trips_without_injection(v in any::<String>(), ns in any::<String>(), rid in any::<String>()) {
        let mut w = ResponseWriter::new("GetUser", &ns);
        w.start("User").element("UserName", &v).end();
        w.string_list("L", [v.as_str()]);
        let doc = w.finish(&rid);
        let (toks, attrs) = parse(&doc);
        prop_assert_eq!(attrs, vec![("xmlns".to_string(), expected(&ns))]);
        let mut want = vec![open("GetUserResponse"), open("GetUserResult"), open("User"), open("UserName")];
        if !v.is_empty() { want.push(text(&expected(&v))); }
        want.extend([close("UserName"), close("User"), open("L"), open("member")]);
        if !v.is_empty() { want.push(text(&expected(&v))); }
        want.extend([close("member"), close("L"), close("GetUserResult"), open("ResponseMetadata"), open("RequestId")]);
        if !rid.is_empty() { want.push(text(&expected(&rid))); }
        want.extend([close("RequestId"), close("ResponseMetadata"), close("GetUserResponse")]);
        prop_assert_eq!(toks, want);
    }

    #[test]
    fn error_documents_are_well_formed(code in any::<String>(), msg in any::<String>(), rid in any::<String>()) {
        let doc = AwsError::new(&code, msg.clone()).to_xml(&rid, STS_NAMESPACE);
        let (toks, attrs) = parse(&doc);
        prop_assert_eq!(attrs, vec![("xmlns".to_string(), STS_NAMESPACE.to_string())]);
        let texts: Vec<&Tok> = toks.iter().filter(|t| matches!(t, Tok::Text(_))).collect();
        prop_assert!(texts.contains(&&text("Sender")));
        if !msg.is_empty() { prop_assert!(texts.contains(&&text(&expected(&msg)))); }
        prop_assert_eq!(toks.iter().filter(|t| matches!(t, Tok::Open(_))).count(), 6);
    }
}
