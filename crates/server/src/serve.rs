//! `portcullis serve`: open the store, bootstrap, announce, serve until Ctrl-C / SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use portcullis_service::{Clock, OffsetClock, Service, ServiceConfig, SystemClock};
use portcullis_store::sqlite::SqliteStore;
use portcullis_store::Sealer;

use crate::config::{Config, ServeArgs};
use crate::datadir;
use crate::http::{router, App};
use crate::testmode::TestMode;

pub fn run(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTCULLIS_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::resolve(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("portcullis: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("portcullis: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portcullis: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    datadir::ensure(&config.data_dir)?;
    let master = datadir::master_key(&config.data_dir, config.master_key.as_deref())?;
    let store = SqliteStore::open(&config.data_dir.join(datadir::DATABASE))
        .await
        .map_err(|e| e.to_string())?;
    // Test mode's clock can be moved forward (POST /portcullis-test/clock) so suites can
    // expire sessions without sleeping; normal mode uses the wall clock as it is.
    let test_clock = Arc::new(OffsetClock::default());
    let clock: Arc<dyn Clock> = if config.test_mode {
        test_clock.clone()
    } else {
        Arc::new(SystemClock)
    };
    let (svc, bootstrap) = Service::open(
        Arc::new(store),
        Sealer::new(&master),
        clock.clone(),
        ServiceConfig {
            default_account: config.account_id.clone(),
            root_keys: config.root_keys.clone(),
            token_key_version: config.sts_token_key_version,
        },
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;

    if config.test_mode {
        eprintln!("************************************************************************");
        eprintln!("*  TEST MODE: unknown access keys act as root, clock skew is not       *");
        eprintln!("*  checked, /moto-api/reset wipes everything. Never use in production. *");
        eprintln!("************************************************************************");
    }
    let keys_file = match &bootstrap {
        Some(keys) if config.root_keys.is_none() => {
            let path = datadir::write_root_credentials(&config.data_dir, keys)?;
            println!(
                "Created account {} with new root access key {}.",
                keys.account, keys.access_key_id
            );
            println!(
                "Root secret access key (shown once): {}",
                &*keys.secret_access_key
            );
            Some(path)
        }
        Some(keys) => {
            println!(
                "Created account {} with the configured root access key {}.",
                keys.account, keys.access_key_id
            );
            None
        }
        None => Some(config.data_dir.join(datadir::ROOT_CREDENTIALS_FILE)).filter(|p| p.exists()),
    };
    announce(addr, keys_file.as_deref());

    let app = Arc::new(App {
        svc,
        test_mode: config.test_mode.then(|| TestMode::new(test_clock)),
        session_policies: Default::default(),
        config,
    });
    // Access-key last use is recorded in memory and made durable once a minute and at exit.
    let flusher = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = app.svc.flush_key_usage().await {
                    tracing::warn!(error = %e.message, "could not record access-key last use");
                }
            }
        })
    };
    let service = router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    flusher.abort();
    if let Err(e) = app.svc.flush_key_usage().await {
        tracing::warn!(error = %e.message, "could not record access-key last use at exit");
    }
    eprintln!("portcullis: stopped");
    Ok(())
}

fn announce(addr: SocketAddr, keys_file: Option<&std::path::Path>) {
    println!("Portcullis is listening on http://{addr}");
    println!("Point the AWS CLI and SDKs at it:");
    println!("  export AWS_ENDPOINT_URL_IAM=http://{addr}");
    println!("  export AWS_ENDPOINT_URL_STS=http://{addr}");
    println!("  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1");
    if let Some(f) = keys_file {
        // Absolute, so the export works from any directory.
        let f = std::fs::canonicalize(f).unwrap_or_else(|_| f.to_path_buf());
        println!("  export AWS_SHARED_CREDENTIALS_FILE={}", f.display());
        println!("  export AWS_PROFILE=portcullis");
    }
    println!("Ready: GET http://{addr}/health");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
