//! `portcullis-loadgen`: drives an AWS Query endpoint (Portcullis, moto, …) with real SigV4
//! signatures on every request, over N keep-alive connections, for a bounded time or request
//! count, and prints throughput and latency percentiles from an HDR histogram.
//!
//! Loopback targets only: it refuses any other address.

mod scenario;
mod sign;

use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use clap::Parser;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

use crate::scenario::Scenario;
use crate::sign::Signer;

#[derive(Parser, Debug, Clone)]
#[command(about = "SigV4 load generator for AWS Query APIs (loopback only)")]
struct Args {
    /// Base URL, e.g. http://127.0.0.1:4566 (must be a loopback address).
    #[arg(long)]
    endpoint: String,
    #[arg(long, env = "AWS_ACCESS_KEY_ID")]
    access_key_id: String,
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    secret_access_key: String,
    #[arg(long, env = "AWS_SESSION_TOKEN", hide_env_values = true)]
    session_token: Option<String>,
    /// get-caller-identity | get-user | list-users | create-delete-user | assume-role | simulate-principal-policy
    #[arg(long, default_value = "get-caller-identity")]
    scenario: Scenario,
    /// User name (get-user), role ARN (assume-role) or policy source ARN (simulate-principal-policy).
    #[arg(long)]
    target: Option<String>,
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds to run (after warm-up). Capped at 600.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop after this many requests in total (optional).
    #[arg(long)]
    requests: Option<u64>,
    /// Seconds of warm-up whose requests are not recorded.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

struct Outcome {
    histogram: Histogram<u64>,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
}

fn loopback_addr(endpoint: &str) -> Result<(std::net::SocketAddr, String), String> {
    let uri: http::Uri = endpoint.parse().map_err(|e| format!("bad endpoint: {e}"))?;
    let authority = uri
        .authority()
        .ok_or("endpoint needs host:port")?
        .to_string();
    let host = uri.host().ok_or("endpoint needs a host")?;
    let port = uri.port_u16().unwrap_or(80);
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| {
            format!("{host} is not a loopback address: this tool only targets this machine")
        })?;
    Ok((addr, authority))
}

async fn connection(
    args: Args,
    addr: std::net::SocketAddr,
    authority: String,
    index: usize,
    start_recording: Instant,
    deadline: Instant,
    budget: std::sync::Arc<std::sync::atomic::AtomicI64>,
) -> Result<Outcome, String> {
    let signer = Signer::new(
        &args.access_key_id,
        &args.secret_access_key,
        args.session_token.as_deref(),
    );
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    let mut out = Outcome {
        histogram: Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())?,
        ok: 0,
        errors: 0,
        first_error: None,
    };
    let mut seq: u64 = 0;
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        if now >= start_recording && budget.fetch_sub(1, std::sync::atomic::Ordering::Relaxed) <= 0
        {
            break;
        }
        for (service, body) in args.scenario.requests(index, seq, args.target.as_deref()) {
            let req = signer
                .sign(&authority, service, body)
                .map_err(|e| format!("sign: {e}"))?;
            let t0 = Instant::now();
            let resp = sender
                .send_request(req.map(Full::new))
                .await
                .map_err(|e| format!("send: {e}"))?;
            let status = resp.status();
            let bytes: Bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes();
            let micros = u64::try_from(t0.elapsed().as_micros())
                .unwrap_or(u64::MAX)
                .max(1);
            if t0 >= start_recording {
                let _ = out.histogram.record(micros);
                if status.is_success() {
                    out.ok += 1;
                } else {
                    out.errors += 1;
                    if out.first_error.is_none() {
                        out.first_error =
                            Some(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
                    }
                }
            }
        }
        seq += 1;
    }
    Ok(out)
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    else {
        eprintln!("cannot start the runtime");
        return std::process::ExitCode::FAILURE;
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portcullis-loadgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let (addr, authority) = loopback_addr(&args.endpoint)?;
    let duration = Duration::from_secs_f64(args.duration.clamp(0.1, 600.0));
    let warmup = Duration::from_secs_f64(args.warmup.clamp(0.0, 60.0));
    let start = Instant::now();
    let start_recording = start + warmup;
    let deadline = start_recording + duration;
    let budget = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(
        args.requests
            .map(|r| i64::try_from(r).unwrap_or(i64::MAX))
            .unwrap_or(i64::MAX),
    ));
    let mut tasks = Vec::new();
    for i in 0..args.connections.max(1) {
        tasks.push(tokio::spawn(connection(
            args.clone(),
            addr,
            authority.clone(),
            i,
            start_recording,
            deadline,
            budget.clone(),
        )));
    }
    let mut total = Outcome {
        histogram: Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())?,
        ok: 0,
        errors: 0,
        first_error: None,
    };
    for t in tasks {
        let o = t.await.map_err(|e| e.to_string())??;
        total
            .histogram
            .add(&o.histogram)
            .map_err(|e| e.to_string())?;
        total.ok += o.ok;
        total.errors += o.errors;
        if total.first_error.is_none() {
            total.first_error = o.first_error;
        }
    }
    let elapsed = (Instant::now().min(deadline) - start_recording)
        .as_secs_f64()
        .max(1e-9);
    let h = &total.histogram;
    let rps = (total.ok + total.errors) as f64 / elapsed;
    let p = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    if args.json {
        println!(
            "{{\"scenario\":\"{}\",\"connections\":{},\"requests\":{},\"errors\":{},\"seconds\":{:.3},\"rps\":{:.1},\"p50_ms\":{:.3},\"p90_ms\":{:.3},\"p99_ms\":{:.3},\"p999_ms\":{:.3},\"max_ms\":{:.3}}}",
            args.scenario, args.connections, total.ok + total.errors, total.errors, elapsed, rps,
            p(0.5), p(0.9), p(0.99), p(0.999), h.max() as f64 / 1000.0
        );
    } else {
        println!(
            "{}: {} connections, {} requests in {:.2}s, {} errors\n  throughput {:.0} req/s\n  latency p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  p99.9 {:.3} ms  max {:.3} ms",
            args.scenario, args.connections, total.ok + total.errors, elapsed, total.errors, rps,
            p(0.5), p(0.9), p(0.99), p(0.999), h.max() as f64 / 1000.0
        );
    }
    if let Some(e) = total.first_error {
        eprintln!("first error: {}", e.chars().take(400).collect::<String>());
    }
    Ok(())
}
