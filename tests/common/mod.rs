//! Shared helpers for the integration tests: a simulator, an exporter pointed at it, scrapes.
#![allow(dead_code)]

mod exposition;
mod lss;
mod oneapi;
mod process;
mod tenants;
mod tools;
#[allow(unused_imports)] // not every test binary parses samples itself
pub use exposition::*;
#[allow(unused_imports)] // not every test binary receives LSS records
pub use lss::*;
#[allow(unused_imports)] // not every test binary signs in with OneAPI
pub use oneapi::*;
#[allow(unused_imports)] // not every test binary runs the binary
pub use process::*;
#[allow(unused_imports)] // not every test binary runs several tenants
pub use tenants::*;
#[allow(unused_imports)] // not every test binary drives a tool
pub use tools::*;

use std::net::SocketAddr;
use std::time::Duration;

use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;
use zpa_exporter::RunningExporter;
use zpa_exporter::Snapshot;
use zpa_exporter::{Config, TenantSpec, ZpaTarget};
use zpa_simulator::{Fault, FaultKind, RunningSimulator, SimulatorConfig};

pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub fn small_tenant() -> SimulatorConfig {
    SimulatorConfig {
        seed: 7,
        microtenants: 2,
        segments: 40,
        ..SimulatorConfig::default()
    }
}

pub async fn start_simulator(config: SimulatorConfig) -> RunningSimulator {
    zpa_simulator::spawn(config, loopback())
        .await
        .expect("simulator starts")
}

/// Every flag at its default, reading `sim`, serving on a loopback port.
pub fn target_config(sim: &RunningSimulator, sim_config: &SimulatorConfig) -> Config {
    let mut config = Config::for_tenant(TenantSpec::for_target(ZpaTarget {
        base_url: sim.base_url(),
        customer_id: sim_config.customer_id.clone(),
        client_id: sim_config.client_id.clone(),
        client_secret: Secret::new(sim_config.client_secret.clone()),
        microtenant_id: None,
        auth: Default::default(),
    }));
    config.listen_addresses = vec![loopback()];
    config
}

/// An exporter config for `sim`, every collector every `interval`, the client-side limit the
/// simulator's.
pub fn exporter_config(
    sim: &RunningSimulator,
    sim_config: &SimulatorConfig,
    interval: Duration,
) -> Config {
    let mut config = target_config(sim, sim_config);
    config.tenant_mut().rate_limit =
        sim_config
            .rate_limit
            .map_or(RateLimit::ZPA_DEFAULT, |(max, period)| RateLimit {
                max,
                period,
            });
    config.request_timeout = Duration::from_secs(5);
    config.tenant_mut().poll_interval = Some(interval);
    config
}

/// Only the given collectors: a round of every collector costs ~16 calls, which at ZPA's
/// 20 GETs per 10 s cannot repeat every second, and tests that watch several rounds need them
/// to be quick.
pub fn only_collectors(mut config: Config, names: &[&'static str]) -> Config {
    config.collectors = names.to_vec();
    config
}

pub async fn start_exporter(config: Config) -> RunningExporter {
    // `RUST_LOG=zpa_exporter=debug cargo test ... -- --nocapture` shows the exporter's logs.
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
    zpa_exporter::start(config).await.expect("exporter starts")
}

/// Runs that every available collector has finished: the number of complete rounds over the
/// tenant (a test's notion of "one more poll"). With every collector unavailable, the most
/// runs any of them finished.
pub fn rounds(snapshot: &Snapshot) -> u64 {
    let available = snapshot.collectors.iter().filter(|c| !c.unavailable);
    available.map(|c| c.runs).min().unwrap_or_else(|| {
        snapshot
            .collectors
            .iter()
            .map(|c| c.runs)
            .max()
            .unwrap_or(0)
    })
}

/// Whether every available collector finishes `rounds` runs within `timeout`: woken by each
/// snapshot the exporter publishes, no polling.
pub async fn wait_for_rounds(exporter: &RunningExporter, rounds: u64, timeout: Duration) -> bool {
    let mut updates = exporter.subscribe();
    let reached = tokio::time::timeout(timeout, updates.wait_for(|s| self::rounds(s) >= rounds))
        .await
        .is_ok_and(|seen| seen.is_ok());
    reached
}

/// Waits until every collector has finished `rounds` runs.
pub async fn wait_rounds(exporter: &RunningExporter, rounds: u64) {
    assert!(
        wait_for_rounds(exporter, rounds, Duration::from_secs(60)).await,
        "round {rounds} of collector runs did not finish in time"
    );
}

/// Waits until `collector` has finished `runs` runs (successful or not), woken by each snapshot
/// the exporter publishes.
pub async fn wait_runs(exporter: &RunningExporter, collector: &str, runs: u64) {
    let mut updates = exporter.subscribe();
    let seen = tokio::time::timeout(
        Duration::from_secs(60),
        updates.wait_for(|s| s.collector(collector).is_some_and(|c| c.runs >= runs)),
    )
    .await;
    assert!(
        seen.is_ok_and(|seen| seen.is_ok()),
        "{collector} did not finish {runs} runs in time"
    );
}

/// Waits for `more` rounds beyond the current one.
pub async fn wait_more_rounds(exporter: &RunningExporter, more: u64) {
    let now = rounds(&exporter.snapshot());
    wait_rounds(exporter, now + more).await;
}

pub async fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    get_with_accept(addr, path, None).await
}

/// (status, content type, body)
pub async fn get_with_accept(
    addr: SocketAddr,
    path: &str,
    accept: Option<&str>,
) -> (u16, String, String) {
    let mut request = reqwest::Client::new().get(format!("http://{addr}{path}"));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("exporter answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

pub async fn scrape(exporter: &RunningExporter) -> String {
    let (status, _, body) = get(exporter.local_addr(), "/metrics").await;
    assert_eq!(status, 200);
    body
}

/// The value of the sample `name{labels}` where every given label matches.
pub fn sample(body: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples(body, name, labels).first().map(|(_, v)| *v)
}

/// Every sample of `name` whose labels include each of `labels` as an exact pair: (label text,
/// value).
pub fn samples(body: &str, name: &str, labels: &[(&str, &str)]) -> Vec<(String, f64)> {
    body.lines()
        .filter_map(|line| {
            let sample = parse_sample(line)?;
            (sample.name == name && sample.has_labels(labels))
                .then_some((sample.label_text, sample.value))
        })
        .collect()
}

/// Sum of all samples of `name` matching `labels`.
pub fn sum(body: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    samples(body, name, labels).iter().map(|(_, v)| v).sum()
}

/// A fault on `endpoint` that lasts until cleared.
pub fn fault(endpoint: &str, kind: FaultKind) -> Fault {
    Fault {
        endpoint: endpoint.into(),
        kind,
        count: None,
        skip: 0,
    }
}

/// Points a run of the binary at `sim` with its legacy API key, through the variables a user
/// sets.
pub fn use_simulator_key<'a>(
    cmd: &'a mut std::process::Command,
    sim: &RunningSimulator,
    sim_config: &SimulatorConfig,
) -> &'a mut std::process::Command {
    cmd.env("ZPA_BASE_URL", sim.base_url())
        .env("ZPA_CUSTOMER_ID", &sim_config.customer_id)
        .env("ZPA_CLIENT_ID", &sim_config.client_id)
        .env("ZPA_CLIENT_SECRET", &sim_config.client_secret)
}
