//! `ox-sim` binary.

use clap::Parser;
use ox_sim::cli::{Cli, Command};
use ox_sim::schema::Schema;
use ox_sim::{OxSim, OxSimHandle, wsdl};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ox-sim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Wsdl { service, base_url } => {
            let schema = Schema::load()?;
            let svc = schema
                .service(&service)
                .ok_or_else(|| format!("no such service: {service}"))?;
            print!("{}", wsdl::render(&schema, svc, &base_url));
            Ok(())
        }
        Command::Serve(args) => {
            let cfg = args.to_config()?;
            let handle = OxSim::start(cfg).await?;
            println!("ox-sim listening on {}", handle.base_url());
            shutdown_signal(&handle).await;
            handle.shutdown().await;
            Ok(())
        }
        Command::RemoveAdvertisementConfigs(args) => {
            ox_sim::remove_cli::run(&args).await?;
            Ok(())
        }
    }
}

/// Waits for Ctrl-C or SIGTERM; SIGHUP reloads the advertisement configuration.
async fn shutdown_signal(handle: &OxSimHandle) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let hup = async {
            let Ok(mut hup) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            else {
                return std::future::pending::<()>().await;
            };
            while hup.recv().await.is_some() {
                match handle.reload_configuration() {
                    Ok(()) => eprintln!("ox-sim: configuration reloaded"),
                    Err(e) => eprintln!("ox-sim: reload failed: {e}"),
                }
            }
            std::future::pending::<()>().await
        };
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
            _ = hup => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = handle;
        let _ = ctrl_c.await;
    }
}
