//! End-to-end harness: starts the real `portcullis` binary on a free loopback port with a
//! fresh data directory and known root keys, and hands out AWS SDK clients and raw signed
//! HTTP requests aimed at it.
//!
//! Every test file includes it with `mod common;`. Not every file uses every helper, hence
//! the `dead_code` allowance.
#![allow(dead_code)]

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;

/// The default account the server creates on first start.
pub const ACCOUNT: &str = "123456789012";
/// Root keys handed to every server through the environment.
pub const ROOT_KEY_ID: &str = "AKIAROOTROOTROOTROOT";
pub const ROOT_SECRET: &str = "rootsecretrootsecretrootsecretrootsecret";
/// A fixed master key (base64 of the bytes 0..32) so restarts can read sealed secrets.
pub const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// How long a server may take to answer `/health` after it was spawned.
const STARTUP_DEADLINE: Duration = Duration::from_secs(20);

/// An access key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creds {
    pub id: String,
    pub secret: String,
}

impl Creds {
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Creds {
        Creds {
            id: id.into(),
            secret: secret.into(),
        }
    }

    pub fn root() -> Creds {
        Creds::new(ROOT_KEY_ID, ROOT_SECRET)
    }
}

/// How to start a server.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// `--test-mode`.
    pub test_mode: bool,
    /// Further `serve` flags.
    pub extra_args: Vec<String>,
}

impl Opts {
    pub fn test_mode() -> Opts {
        Opts {
            test_mode: true,
            ..Opts::default()
        }
    }
}

/// A running `portcullis serve`; killed when dropped.
pub struct Server {
    child: Option<Child>,
    addr: SocketAddr,
    opts: Opts,
    /// Holds `data/` (the server's data directory) and the server logs; removed on drop.
    data: tempfile::TempDir,
    /// Number of starts so far (names the log files).
    starts: u32,
}

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_portcullis")
}

/// A loopback port nobody listens on right now (the kernel picks it).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

impl Server {
    /// Starts a server on a free port with a fresh data directory. Panics (with the
    /// server's log) if it does not become healthy in time.
    pub fn start(opts: Opts) -> Server {
        let mut data = tempfile::Builder::new()
            .prefix("portcullis-e2e-")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir(data.path().join("data")).expect("data dir");
        let mut last_err = String::new();
        // A port picked by binding :0 can be taken by someone else before the server binds
        // it; a few attempts make that race harmless.
        for _ in 0..3 {
            let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
            let mut s = Server {
                child: None,
                addr,
                opts: opts.clone(),
                data,
                starts: 0,
            };
            match s.spawn() {
                Ok(()) => return s,
                Err(e) => {
                    last_err = e;
                    data = s.take_data();
                }
            }
        }
        panic!("server did not start: {last_err}");
    }

    fn take_data(self) -> tempfile::TempDir {
        let mut this = self;
        this.kill9();
        // Move the tempdir out (Server has a Drop, so fields cannot be moved out directly).
        std::mem::replace(
            &mut this.data,
            tempfile::tempdir().expect("placeholder tempdir"),
        )
    }

    /// The command line used to start this server (also used by the CLI scripts).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--listen")
            .arg(self.addr.to_string());
        if self.opts.test_mode {
            cmd.arg("--test-mode");
        }
        cmd.args(&self.opts.extra_args);
        cmd.env_remove("PORTCULLIS_CONFIG")
            .env_remove("PORTCULLIS_TEST_MODE")
            .env_remove("PORTCULLIS_LISTEN")
            .env_remove("PORTCULLIS_DATA_DIR")
            .env("PORTCULLIS_ROOT_ACCESS_KEY_ID", ROOT_KEY_ID)
            .env("PORTCULLIS_ROOT_SECRET_ACCESS_KEY", ROOT_SECRET)
            .env("PORTCULLIS_MASTER_KEY", MASTER_KEY)
            .env("PORTCULLIS_LOG", "warn");
        cmd
    }

    fn spawn(&mut self) -> Result<(), String> {
        self.starts += 1;
        let log_path = self.log_path(self.starts);
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = self.command();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log2));
        let child = cmd
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", binary()))?;
        self.child = Some(child);
        let deadline = Instant::now() + STARTUP_DEADLINE;
        loop {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    self.child = None;
                    return Err(format!("server exited with {status}: {}", self.log()));
                }
            }
            if health_ok(self.addr) {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.kill9();
                return Err(format!(
                    "no /health within {STARTUP_DEADLINE:?}: {}",
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log_path(&self, n: u32) -> PathBuf {
        // Beside the data dir, so the durability tests see only the server's own files.
        self.data.path().join(format!("server-{n}.log"))
    }

    /// The latest run's log (stdout and stderr).
    pub fn log(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(self.log_path(self.starts)) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data.path().join("data")
    }

    /// The child's process id, if it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn root_creds(&self) -> Creds {
        Creds::root()
    }

    /// SIGKILL, no chance to flush anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops the server with SIGTERM (its graceful shutdown) and starts it again on the same
    /// data directory.
    pub fn restart_graceful(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
        self.restart();
    }

    /// Kills the server (-9) and starts it again on the same address and data directory.
    pub fn restart(&mut self) {
        self.kill9();
        let mut last = String::new();
        // The old socket is gone once the child is reaped; retry briefly anyway.
        for _ in 0..5 {
            match self.spawn() {
                Ok(()) => return,
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("server did not restart: {last}");
    }

    /// An IAM client: endpoint = this server, us-east-1, static credentials, no retries.
    pub fn iam_client(&self, creds: &Creds) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .endpoint_url(self.url())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                &creds.id,
                &creds.secret,
                None,
                None,
                "portcullis-e2e",
            ))
            .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
            .timeout_config(
                aws_sdk_iam::config::timeout::TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(15))
                    .build(),
            )
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    /// An STS client, configured like [`Server::iam_client`].
    pub fn sts_client(&self, creds: &Creds) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .endpoint_url(self.url())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sts::config::Credentials::new(
                &creds.id,
                &creds.secret,
                None,
                None,
                "portcullis-e2e",
            ))
            .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
            .timeout_config(
                aws_sdk_sts::config::timeout::TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(15))
                    .build(),
            )
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    /// Sends a raw request (no signature unless the caller added one).
    pub async fn raw(&self, req: RawRequest) -> RawResponse {
        req.send(&self.url()).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// `GET /health` answered `ok`.
pub fn health_ok(addr: SocketAddr) -> bool {
    use std::io::Write;
    let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200") && out.ends_with("ok")
}

// ---------------------------------------------------------------------------------------
// Raw requests, signed with the aws-sigv4 crate when a test needs to tamper with them.

/// Where a raw request carries its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    /// No signature at all.
    None,
    /// `Authorization` header.
    Header,
    /// Presigned query string (`X-Amz-Signature=…`).
    Query,
    /// `Authorization` header with `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
    UnsignedPayload,
}

/// A Query-protocol request to build, sign and send.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: &'static str,
    /// Path and query, e.g. `/` or `/?Action=ListUsers&Version=2010-05-08`.
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub sig: Sig,
    pub creds: Creds,
    /// `iam` or `sts`.
    pub service: &'static str,
    pub region: &'static str,
    pub time: SystemTime,
}

/// Form-encodes `(name, value)` pairs.
pub fn form(params: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(&pct(k));
        s.push('=');
        s.push_str(&pct(v));
    }
    s
}

fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl RawRequest {
    /// A form POST of an IAM action, header-signed by `creds` at the current time.
    pub fn iam(creds: &Creds, action: &str, params: &[(&str, &str)]) -> RawRequest {
        let mut all = vec![("Action", action), ("Version", "2010-05-08")];
        all.extend_from_slice(params);
        RawRequest::post_form("iam", creds, &form(&all))
    }

    /// A form POST of an STS action, header-signed by `creds` at the current time.
    pub fn sts(creds: &Creds, action: &str, params: &[(&str, &str)]) -> RawRequest {
        let mut all = vec![("Action", action), ("Version", "2011-06-15")];
        all.extend_from_slice(params);
        RawRequest::post_form("sts", creds, &form(&all))
    }

    pub fn post_form(service: &'static str, creds: &Creds, body: &str) -> RawRequest {
        RawRequest {
            method: "POST",
            path_and_query: "/".into(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            body: body.as_bytes().to_vec(),
            sig: Sig::Header,
            creds: creds.clone(),
            service,
            region: "us-east-1",
            time: SystemTime::now(),
        }
    }

    /// The same request as a GET with the parameters in the query string.
    pub fn into_get(mut self) -> RawRequest {
        let q = String::from_utf8(std::mem::take(&mut self.body)).expect("utf-8 form");
        self.method = "GET";
        self.path_and_query = format!("/?{q}");
        self.headers.retain(|(k, _)| k != "content-type");
        self
    }

    pub fn sig(mut self, sig: Sig) -> RawRequest {
        self.sig = sig;
        self
    }

    pub fn at(mut self, time: SystemTime) -> RawRequest {
        self.time = time;
        self
    }

    pub fn creds(mut self, creds: &Creds) -> RawRequest {
        self.creds = creds.clone();
        self
    }

    pub fn header(mut self, k: &str, v: &str) -> RawRequest {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    /// The final (path and query, headers) after signing.
    pub fn signed_parts(&self, base_url: &str) -> (String, Vec<(String, String)>) {
        let host = base_url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_string();
        let mut headers = self.headers.clone();
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            headers.push(("host".into(), host));
        }
        let mut path = self.path_and_query.clone();
        if self.sig == Sig::None {
            return (path, headers);
        }
        let identity = aws_credential_types::Credentials::new(
            &self.creds.id,
            &self.creds.secret,
            None,
            None,
            "portcullis-e2e",
        )
        .into();
        let mut settings = SigningSettings::default();
        if self.sig == Sig::Query {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(300));
        }
        if self.sig == Sig::UnsignedPayload {
            settings.payload_checksum_kind =
                aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
        }
        let params: aws_sigv4::http_request::SigningParams<'_> = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .expect("signing params")
            .into();
        let url = format!("{base_url}{}", self.path_and_query);
        let body = if self.sig == Sig::UnsignedPayload {
            SignableBody::UnsignedPayload
        } else {
            SignableBody::Bytes(&self.body)
        };
        let signable = SignableRequest::new(
            self.method,
            &url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
        )
        .expect("signable request");
        let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
        let (new_headers, new_params) = instructions.into_parts();
        for h in new_headers {
            headers.push((h.name().to_string(), h.value().to_string()));
        }
        for (k, v) in new_params {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&pct(k));
            path.push('=');
            path.push_str(&pct(&v));
        }
        (path, headers)
    }

    pub async fn send(&self, base_url: &str) -> RawResponse {
        self.send_with(&http_client(), base_url).await
    }

    /// Sends through an existing client (saves building one per request in big loops).
    pub async fn send_with(&self, client: &reqwest::Client, base_url: &str) -> RawResponse {
        let (path, headers) = self.signed_parts(base_url);
        send_raw_with(
            client,
            base_url,
            self.method,
            &path,
            &headers,
            self.body.clone(),
        )
        .await
    }
}

/// A plain HTTP client for raw requests.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("reqwest client")
}

/// Sends exactly these headers (reqwest adds only content-length).
pub async fn send_raw(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> RawResponse {
    send_raw_with(&http_client(), base_url, method, path, headers, body).await
}

pub async fn send_raw_with(
    client: &reqwest::Client,
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> RawResponse {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut rb = client.request(method, format!("{base_url}{path}"));
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("host") {
            continue; // reqwest sets the same host from the URL
        }
        rb = rb.header(k.as_str(), v.as_str());
    }
    let resp = rb.body(body).send().await.expect("send raw request");
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    RawResponse { status, body }
}

/// A raw response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub body: String,
}

impl RawResponse {
    /// The `<Code>` of an AWS error document.
    pub fn code(&self) -> Option<&str> {
        xml_text(&self.body, "Code")
    }

    pub fn message(&self) -> Option<&str> {
        xml_text(&self.body, "Message")
    }

    /// Asserts an AWS error with this code.
    #[track_caller]
    pub fn assert_error(&self, code: &str) -> &RawResponse {
        assert_eq!(
            self.code(),
            Some(code),
            "expected {code}, got HTTP {}: {}",
            self.status,
            self.body
        );
        assert!(self.status >= 400, "error with status {}", self.status);
        self
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &RawResponse {
        assert_eq!(self.status, 200, "expected success, got: {}", self.body);
        self
    }
}

/// The text of the first `<tag>…</tag>` in `xml`.
pub fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&close)? + start;
    Some(&xml[start..end])
}

// ---------------------------------------------------------------------------------------
// SDK helpers.

/// The (code, message) of a failed SDK call; panics if it succeeded.
#[track_caller]
pub fn sdk_err<T: std::fmt::Debug, E>(r: Result<T, E>) -> (String, String)
where
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::fmt::Debug,
{
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (
            e.code()
                .unwrap_or_else(|| panic!("no error code in {e:?}"))
                .to_string(),
            e.message().unwrap_or_default().to_string(),
        ),
    }
}

/// Asserts that an SDK call failed with `code`; returns the message.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug, E>(r: Result<T, E>, code: &str) -> String
where
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::fmt::Debug,
{
    let (c, m) = sdk_err(r);
    assert_eq!(c, code, "wrong error code (message: {m})");
    m
}

/// Whether the server implements an IAM operation.
pub fn has_iam_op(name: &str) -> bool {
    portcullis_iam::operations().contains(&name)
}

/// Fails the test unless all named IAM operations exist (a test never skips silently).
/// (Test files declare `#[macro_use] mod common;`.)
#[allow(unused_macros)]
macro_rules! require_ops {
    ($($op:expr),+ $(,)?) => {
        for op in [$($op),+] {
            assert!($crate::common::has_iam_op(op), "IAM operation {op} is not implemented");
        }
    };
}

/// Creates user `name` with one access key; returns the key.
pub async fn user_with_key(iam: &aws_sdk_iam::Client, name: &str) -> Creds {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    let k = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey");
    let k = k.access_key().expect("AccessKey");
    Creds::new(k.access_key_id(), k.secret_access_key())
}

/// Gives user `name` an identity policy allowing `actions` on `*`, through whichever
/// policy operations the server has (inline first, then managed). Returns false if none.
pub async fn grant(iam: &aws_sdk_iam::Client, name: &str, actions: &[&str]) -> bool {
    let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        list.join(",")
    );
    if has_iam_op("PutUserPolicy") {
        iam.put_user_policy()
            .user_name(name)
            .policy_name("granted")
            .policy_document(doc)
            .send()
            .await
            .expect("PutUserPolicy");
        return true;
    }
    if has_iam_op("CreatePolicy") && has_iam_op("AttachUserPolicy") {
        let p = iam
            .create_policy()
            .policy_name(format!("granted-{name}"))
            .policy_document(doc)
            .send()
            .await
            .expect("CreatePolicy");
        let arn = p.policy().and_then(|p| p.arn()).expect("policy arn");
        iam.attach_user_policy()
            .user_name(name)
            .policy_arn(arn)
            .send()
            .await
            .expect("AttachUserPolicy");
        return true;
    }
    false
}

/// Waits until an access key can sign requests (new keys are usable at once here; this
/// only guards against a slow snapshot publication).
pub async fn sts_identity(server: &Server, creds: &Creds) -> String {
    let out = server
        .sts_client(creds)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    out.arn().unwrap_or_default().to_string()
}
