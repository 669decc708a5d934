//! `zpa-exporter healthcheck`: a container probe that needs no shell. Exits 0 when the URL
//! answers 2xx; otherwise says why in words (connection refused, timed out, TLS, the status).

use std::process::ExitCode;
use std::time::Duration;

use zpa_api::error::Chain;

/// Probes `url` once.
pub async fn probe(url: &str) -> ExitCode {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        // The probe runs inside the container against the exporter's own (maybe self-signed)
        // certificate; it checks liveness, not identity.
        .danger_accept_invalid_certs(true)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("healthcheck: {}", Chain(&e));
            return ExitCode::FAILURE;
        }
    };
    match client.get(url).send().await {
        Ok(r) if r.status().is_success() => ExitCode::SUCCESS,
        Ok(r) => {
            eprintln!("healthcheck: {url} answered {}", r.status());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("healthcheck: {url}: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// The cause in the words an operator searches for, then the details.
fn describe(e: &reqwest::Error) -> String {
    let chain = Chain(e).to_string();
    let lower = chain.to_ascii_lowercase();
    let what = if e.is_timeout() {
        "timed out"
    } else if lower.contains("connection refused") {
        "connection refused"
    } else if lower.contains("dns") || lower.contains("failed to lookup") {
        "name not resolved"
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        "TLS"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    format!("{what} ({chain})")
}
