//! `portcullis`: a self-hosted identity and access management service, wire-compatible
//! with AWS IAM and STS. This binary is thin: it parses the command line and hands over to
//! the library crates.

mod auth;
mod config;
mod datadir;
mod http;
mod policy_cli;
mod serve;
mod session_cache;
mod testmode;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "AWS IAM- and STS-compatible identity and access management"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(config::ServeArgs),
    /// Validate policy documents and evaluate requests against them, offline.
    Policy(policy_cli::PolicyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Policy(args) => policy_cli::run(args),
    }
}
