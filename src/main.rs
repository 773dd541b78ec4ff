//! The `wellspring` binary: parse the command line and hand over to the server.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    wellspring::server::cli::run().await
}
