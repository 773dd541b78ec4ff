//! The benchmark's ceiling: a bare axum server with no middleware, no rendering and no
//! database. It serves a fixed body (Wellspring's own home page, fetched once by
//! `bench/run.sh`) at `/` and "ok" at `/healthz`, so `bench/run.sh` can say how much of the
//! bare stack's throughput Wellspring keeps.
//!
//! ```text
//! cargo build --release --features ssr --example bare_baseline
//! target/release/examples/bare_baseline --addr 127.0.0.1:3100 --body-file /tmp/home.html
//! ```

use axum::{Router, body::Bytes, http::header, routing::get};
use std::{error::Error, net::SocketAddr, path::PathBuf};

type BoxError = Box<dyn Error + Send + Sync>;

const USAGE: &str = "usage: bare_baseline --addr <ip:port> --body-file <path>";

struct Args {
    addr: SocketAddr,
    body_file: PathBuf,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut addr: Option<SocketAddr> = None;
    let mut body_file: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--addr" => {
                addr = Some(
                    value()?
                        .parse::<SocketAddr>()
                        .map_err(|e| format!("--addr: {e}"))?,
                )
            }
            "--body-file" => body_file = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    Ok(Args {
        addr: addr.ok_or_else(|| format!("--addr is required\n{USAGE}"))?,
        body_file: body_file.ok_or_else(|| format!("--body-file is required\n{USAGE}"))?,
    })
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    let body = Bytes::from(
        std::fs::read(&args.body_file)
            .map_err(|e| format!("reading {}: {e}", args.body_file.display()))?,
    );

    let app = Router::new()
        .route(
            "/",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }));

    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("binding {}: {e}", args.addr))?;
    eprintln!(
        "bare_baseline listening on http://{}",
        listener.local_addr()?
    );

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // SIGINT only; run.sh stops it with SIGTERM, which ends the process directly.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
