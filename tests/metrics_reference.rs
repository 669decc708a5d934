//! The metrics table (`zpa_exporter::descriptors`) is the contract: the README's
//! metrics reference is generated from it (`ZPA_UPDATE_README=1 cargo test --test
//! metrics_reference` rewrites it), and a tenant that exercises every collector emits exactly
//! the metrics it lists. The tenant is read through OneAPI: `zpa_api_ratelimit_remaining` comes
//! from the OneAPI gateway's headers and exists only there; every other metric is the same
//! with a legacy API key.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use zpa_exporter::descriptors;
use zpa_simulator::{Fault, FaultKind};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const START: &str = "<!-- metrics reference: generated from src/metrics/descriptors.rs -->\n";
const END: &str = "<!-- end of metrics reference -->\n";

#[test]
fn readme_reference_is_generated_from_the_table() {
    let readme = std::fs::read_to_string(README).unwrap();
    let (before, rest) = readme
        .split_once(START)
        .expect("README has the start marker");
    let (current, after) = rest.split_once(END).expect("README has the end marker");
    let generated = descriptors::reference_table();
    if current != generated {
        if std::env::var_os("ZPA_UPDATE_README").is_some() {
            std::fs::write(README, format!("{before}{START}{generated}{END}{after}")).unwrap();
            return;
        }
        panic!(
            "the README's metrics reference is out of date: run \
             `ZPA_UPDATE_README=1 cargo test --test metrics_reference`; expected:\n{generated}"
        );
    }
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
    let mut config = with_oneapi(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &sim,
        &sim_config,
        oneapi_secret(&sim_config),
    );
    config.collector_options.segment_info = true;
    // The LSS receiver's families need a listener and a record of every type.
    config.lss.listeners = vec![zpa_exporter::ListenerSpec {
        log_type: None,
        addr: loopback(),
    }];
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    send(exporter.lss_addrs()[0], every_sample().as_bytes()).await;
    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 12.0).await;
    assert_eq!(
        sample(&body, "zpa_up", &[]),
        Some(1.0),
        "every collector works on the simulator:\n{body}"
    );

    let documented: BTreeSet<String> = descriptors::ALL
        .iter()
        .map(|d| d.name.to_string())
        .collect();
    let emitted = emitted_metrics(&body);
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    let never_emitted: Vec<_> = documented.difference(&emitted).collect();
    assert!(
        undocumented.is_empty(),
        "emitted but missing from the metrics table: {undocumented:?}"
    );
    assert!(
        never_emitted.is_empty(),
        "in the metrics table but never emitted: {never_emitted:?}"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
