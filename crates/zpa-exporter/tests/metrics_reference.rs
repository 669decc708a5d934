//! The README's metrics table is the contract: every metric the exporter emits is listed there,
//! and every listed metric is emitted by a tenant that exercises all collectors.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use zpa_simulator::{Fault, FaultKind};

fn readme_metrics() -> BTreeSet<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("\n## Metrics\n")
        .nth(1)
        .expect("README has a Metrics section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect()
}

fn emitted_metrics(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

#[tokio::test]
async fn readme_lists_exactly_the_emitted_metrics() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    // One 503 makes the client retry, so the retry counter has a series.
    sim.control().set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::Status(503),
        count: Some(1),
        skip: 0,
    });
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    config.collector_options.segment_info = true;
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;
    assert_eq!(
        sample(&body, "zpa_up", &[]),
        Some(1.0),
        "every collector works on the simulator:\n{body}"
    );

    let documented = readme_metrics();
    let emitted = emitted_metrics(&body);
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    let never_emitted: Vec<_> = documented.difference(&emitted).collect();
    assert!(
        undocumented.is_empty(),
        "emitted but missing from the README table: {undocumented:?}"
    );
    assert!(
        never_emitted.is_empty(),
        "in the README table but never emitted: {never_emitted:?}"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
