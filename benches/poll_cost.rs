//! How much one round of every collector costs ZPA, and how much a scrape costs the exporter, by
//! tenant size.
//!
//! `cargo bench --bench poll_cost` runs every collector once against simulated tenants and
//! prints, per size: API calls of that round (measured at the simulator, next to the README's
//! formula), and the time to serve `/metrics` relative to the smallest tenant. Counts are exact;
//! times are ratios so the figures carry over between machines.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use zpa_api::ratelimit::RateLimit;
use zpa_simulator::SimulatorConfig;

struct Size {
    label: &'static str,
    config: SimulatorConfig,
}

fn pages(n: usize) -> u64 {
    n.div_ceil(500) as u64
}

/// The README's formula for the default collectors.
fn predicted_calls(
    c: &SimulatorConfig,
    scim_idps: usize,
    browser_certs: usize,
    enrollment_certs: usize,
) -> u64 {
    pages(c.microtenants + 1)
        + pages(c.segments)
        + pages(c.connectors)
        + pages(c.service_edges)
        + pages(c.connector_groups)
        + pages(c.service_edge_groups)
        + pages(c.segment_groups)
        + pages(c.server_groups)
        + pages(browser_certs).max(1)
        + pages(enrollment_certs).max(1)
        + pages(c.idps).max(1)
        + scim_idps as u64 * pages(c.scim_groups_per_idp).max(1)
        + 5 * pages(c.policy_rules_per_type).max(1)
}

#[tokio::main]
async fn main() {
    let sizes = [
        Size {
            label: "demo tenant",
            config: SimulatorConfig::default(),
        },
        Size {
            label: "12k segments, 2k connectors",
            config: SimulatorConfig {
                segments: 12_000,
                connectors: 2_000,
                ..SimulatorConfig::default()
            },
        },
        Size {
            label: "100k segments, 5k connectors",
            config: SimulatorConfig {
                segments: 100_000,
                connectors: 5_000,
                ..SimulatorConfig::default()
            },
        },
    ];
    println!("| tenant | API calls per round (measured) | formula | /metrics bytes | scrape time vs demo |");
    println!("|---|---|---|---|---|");
    let mut base_encode = None;
    for size in sizes {
        let sim_config = SimulatorConfig {
            rate_limit: None,
            ..size.config
        };
        let sim = common::start_simulator(sim_config.clone()).await;
        let mut config = common::target_config(&sim, &sim_config);
        // The simulator's limit is off: this measures cost, not waiting.
        config.tenant_mut().rate_limit = RateLimit {
            max: 10_000,
            period: Duration::from_secs(1),
        };
        config.request_timeout = Duration::from_secs(60);
        config.tenant_mut().poll_interval = Some(Duration::from_secs(3600));
        config.log_level = tracing::Level::WARN;
        let exporter = zpa_exporter::start(config).await.unwrap();
        assert!(common::wait_for_rounds(&exporter, 1, Duration::from_secs(600)).await);
        let control = sim.control();
        let calls: u64 = [
            "microtenants",
            "application",
            "connector",
            "serviceEdge",
            "appConnectorGroup",
            "serviceEdgeGroup",
            "segmentGroup",
            "serverGroup",
            "clientlessCertificate",
            "enrollmentCert",
            "idp",
            "scimgroup",
            "policyRules",
        ]
        .iter()
        .map(|e| control.request_count(e))
        .sum();
        let scim_idps = control
            .objects("idp")
            .iter()
            .filter(|i| i["scimEnabled"].as_bool() == Some(true))
            .count();
        let predicted = predicted_calls(
            &sim_config,
            scim_idps,
            control.objects("clientlessCertificate").len(),
            control.objects("enrollmentCert").len(),
        );
        let url = format!("http://{}/metrics", exporter.local_addr());
        let client = reqwest::Client::new();
        let mut bytes = 0;
        let rounds = 20;
        let started = Instant::now();
        for _ in 0..rounds {
            bytes = client
                .get(&url)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .len();
        }
        let per_scrape = started.elapsed() / rounds;
        let base = *base_encode.get_or_insert(per_scrape);
        println!(
            "| {} | {calls} | {predicted} | {bytes} | {:.1}x |",
            size.label,
            per_scrape.as_secs_f64() / base.as_secs_f64()
        );
        exporter.shutdown().await;
        sim.shutdown().await;
    }
}
