#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! SECURITY-BAR row 31 (ABUSE-LIMITS): oversized bodies, headers and query strings get a
//! 4xx without hurting the server; CR/LF/NUL never get into stored names.

#[macro_use]
mod common;

use std::time::Duration;

use common::{expect_code, Creds, Opts, RawRequest, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes `head` then `body_len` bytes of `body_byte` (stopping quietly if the server
/// closes the connection), then returns the status line's code.
async fn raw_exchange(s: &Server, head: &str, body: &[u8]) -> Option<u16> {
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(head.as_bytes()).await.ok()?;
    // The server may answer and close before the body is sent: that is fine.
    for chunk in body.chunks(64 * 1024) {
        if c.write_all(chunk).await.is_err() {
            break;
        }
    }
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        let mut tmp = [0u8; 4096];
        loop {
            match c.read(&mut tmp).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    buf.extend_from_slice(&tmp[..n]);
                    if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&buf);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|c| c.parse().ok())
}

#[tokio::test]
async fn two_mib_body_is_413() {
    let s = Server::start(Opts::default());
    let body = vec![b'a'; 2 << 20];
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        s.addr(),
        body.len()
    );
    assert_eq!(raw_exchange(&s, &head, &body).await, Some(413));

    // Chunked, so no Content-Length announces the size up front.
    let mut chunked = Vec::new();
    for chunk in body.chunks(32 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.addr()
    );
    assert_eq!(raw_exchange(&s, &head, &chunked).await, Some(413));

    // Signed with valid credentials makes no difference (size is checked first).
    let mut req = RawRequest::iam(&Creds::root(), "ListUsers", &[]);
    req.body.extend(std::iter::repeat_n(b'&', 2 << 20));
    let (path, headers) = req.signed_parts(&s.url());
    let mut head = format!("POST {path} HTTP/1.1\r\n");
    for (k, v) in &headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len()));
    assert_eq!(raw_exchange(&s, &head, &req.body).await, Some(413));

    assert!(
        common::health_ok(s.addr()),
        "server unhealthy after big bodies"
    );
    common::sts_identity(&s, &Creds::root()).await;
}

#[tokio::test]
async fn huge_headers_are_4xx() {
    let s = Server::start(Opts::default());
    for size in [100 << 10, 1 << 20] {
        let big = "h".repeat(size);
        // Signed with valid credentials, the big header included in the signature: the
        // size alone must get the request refused.
        let r = RawRequest::iam(&Creds::root(), "ListUsers", &[]).header("x-big", &big);
        let (path, headers) = r.signed_parts(&s.url());
        let mut head = format!("POST {path} HTTP/1.1\r\n");
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", r.body.len()));
        let status = raw_exchange(&s, &head, &r.body).await;
        assert!(
            matches!(status, Some(400..=499)),
            "{} KiB header: got {status:?}",
            size >> 10
        );
        // Many medium headers adding up.
        let mut head = format!("GET /health HTTP/1.1\r\nHost: {}\r\n", s.addr());
        for i in 0..(size / 1024) {
            head.push_str(&format!("x-h{i}: {}\r\n", "v".repeat(1000)));
        }
        head.push_str("\r\n");
        let status = raw_exchange(&s, &head, b"").await;
        assert!(
            matches!(status, Some(400..=499)) || status.is_none(),
            "{} KiB of headers: got {status:?}",
            size >> 10
        );
    }
    assert!(common::health_ok(s.addr()));
}

#[tokio::test]
async fn over_long_query_string_is_4xx() {
    let s = Server::start(Opts::default());
    // Longer than any URI the http stack (and the aws-sigv4 signer) can represent, so it
    // cannot be signed: the valid signature of the short request goes along, and the long
    // query is appended to the URI after signing.
    for size in [70 << 10, 1 << 20] {
        let r = RawRequest::iam(&Creds::root(), "ListUsers", &[]).into_get();
        let (path, headers) = r.signed_parts(&s.url());
        let path = format!("{path}&Junk={}", "q".repeat(size));
        let mut head = format!("GET {path} HTTP/1.1\r\n");
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let status = raw_exchange(&s, &head, b"").await;
        assert!(
            matches!(status, Some(400..=499)),
            "{} KiB query: got {status:?}",
            size >> 10
        );
    }
    assert!(common::health_ok(s.addr()));
    common::sts_identity(&s, &Creds::root()).await;
}

#[tokio::test]
async fn slow_clients_do_not_block_others() {
    let s = Server::start(Opts::default());
    let mut slow = Vec::new();
    for _ in 0..64 {
        let mut c = TcpStream::connect(s.addr()).await.unwrap();
        c.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(c);
    }
    let started = std::time::Instant::now();
    assert!(common::health_ok(s.addr()));
    common::sts_identity(&s, &Creds::root()).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(slow);
}

#[tokio::test]
async fn control_characters_in_names_are_validation_errors() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    for bad in ["a\r\nb", "a\nb", "a\rb", "a\0b", "evil\r\nX-Injected: 1"] {
        expect_code(
            iam.create_user().user_name(bad).send().await,
            "ValidationError",
        );
    }
    for bad in ["/a\r\n/", "/a\0/"] {
        expect_code(
            iam.create_user().user_name("pathy").path(bad).send().await,
            "ValidationError",
        );
    }
    let tag = aws_sdk_iam::types::Tag::builder()
        .key("k")
        .value("v\r\nX-Injected: 1")
        .build()
        .unwrap();
    let (code, _) = common::sdk_err(iam.create_user().user_name("tagged").tags(tag).send().await);
    assert!(
        code == "ValidationError" || code == "InvalidInput",
        "CR/LF tag value: {code}"
    );
    iam.create_user().user_name("ok").send().await.unwrap();
    expect_code(
        iam.update_user()
            .user_name("ok")
            .new_user_name("o\r\nk")
            .send()
            .await,
        "ValidationError",
    );
    let users = iam.list_users().send().await.unwrap();
    let names: Vec<_> = users.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, vec!["ok"]);
}

/// Sends `doc` through whichever policy-writing operation exists; `None` if none does.
async fn write_policy(iam: &aws_sdk_iam::Client, name: &str, doc: String) -> Option<String> {
    let r = if common::has_iam_op("PutUserPolicy") {
        common::sdk_err(
            iam.put_user_policy()
                .user_name("p")
                .policy_name(name)
                .policy_document(doc)
                .send()
                .await,
        )
    } else if common::has_iam_op("CreatePolicy") {
        common::sdk_err(
            iam.create_policy()
                .policy_name(name)
                .policy_document(doc)
                .send()
                .await,
        )
    } else {
        return None;
    };
    Some(r.0)
}

#[tokio::test]
async fn huge_policy_documents_are_refused() {
    let s = Server::start(Opts::default());
    let iam = s.iam_client(&Creds::root());
    iam.create_user().user_name("p").send().await.unwrap();
    let stmt = r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}"#;
    let wide = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        vec![stmt; 5_000].join(",")
    );
    let mut nested = String::from("1");
    for _ in 0..10_000 {
        nested = format!("[{nested}]");
    }
    let deep = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"StringEquals":{{"aws:username":{nested}}}}}}}]}}"#
    );
    for (name, doc) in [("wide", wide), ("deep", deep)] {
        let code = write_policy(&iam, name, doc)
            .await
            .expect("a policy-writing operation");
        assert!(
            [
                "LimitExceeded",
                "MalformedPolicyDocument",
                "ValidationError"
            ]
            .contains(&code.as_str()),
            "{name} policy: {code}"
        );
    }
    assert!(common::health_ok(s.addr()));
    common::sts_identity(&s, &Creds::root()).await;
}
