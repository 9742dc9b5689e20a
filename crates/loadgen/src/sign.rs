//! SigV4 signing with the official `aws-sigv4` crate, as a real SDK client signs.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hyper::body::Bytes;

pub struct Signer {
    identity: Identity,
}

impl Signer {
    pub fn new(key_id: &str, secret: &str, token: Option<&str>) -> Self {
        Signer {
            identity: Credentials::new(key_id, secret, token.map(str::to_string), None, "loadgen")
                .into(),
        }
    }

    /// A signed form-POST of `body` to `/` for `service` (`iam` or `sts`).
    pub fn sign(
        &self,
        authority: &str,
        service: &str,
        body: String,
    ) -> Result<http::Request<Bytes>, String> {
        let uri = format!("http://{authority}/");
        let headers = [
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("host", authority),
        ];
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region("us-east-1")
            .name(service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &uri,
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        let mut builder = http::Request::builder().method("POST").uri(&uri);
        for (k, v) in headers {
            builder = builder.header(k, v);
        }
        let mut req = builder.body(Bytes::from(body)).map_err(|e| e.to_string())?;
        instructions.apply_to_request_http1x(&mut req);
        Ok(req)
    }
}
