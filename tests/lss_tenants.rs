//! LSS receivers per tenant: two tenants of one tenants file, each with its own listeners,
//! streamed at once from their own simulated tenants. Each tenant's `zpa_lss_*` series carry
//! its `tenant` label and its own API's names, and count exactly what was sent to it; a reload
//! that removes a tenant closes its listeners and drops its series. With two shards and the
//! tenants pinned (`shard:`), each record is counted once, by the replica that owns its tenant.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use common::*;
use zpa_exporter::{Config, RunningExporter};
use zpa_simulator::lss::{stream, LogType, Names, StreamConfig};
use zpa_simulator::{RunningSimulator, SimulatorConfig};

/// Two simulated tenants whose App Connectors are grouped differently.
fn sim_configs() -> [SimulatorConfig; 2] {
    let a = SimulatorConfig {
        seed: 11,
        connectors: 12,
        connector_groups: 4,
        ..small_tenant()
    };
    let b = SimulatorConfig {
        seed: 12,
        customer_id: "216196257331281999".into(),
        connectors: 12,
        connector_groups: 2,
        ..small_tenant()
    };
    [a, b]
}

/// A tenants file with tenants `a` and `b`, each with an untyped LSS listener on a free
/// loopback port, optionally pinned to a shard.
fn write_file(
    dir: &Path,
    sims: &[(&RunningSimulator, &SimulatorConfig)],
    ports: &[u16],
    pins: &[Option<u32>],
) -> std::path::PathBuf {
    let mut yaml = String::from("defaults:\n  poll_interval: 60s\ntenants:\n");
    for (i, ((sim, cfg), port)) in sims.iter().zip(ports).enumerate() {
        let name = ["a", "b"][i];
        std::fs::write(dir.join(format!("{name}.secret")), &cfg.client_secret).unwrap();
        yaml.push_str(&format!(
            "  - name: {name}\n    customer_id: \"{}\"\n    base_url: {}\n    auth:\n      legacy:\n        client_id: {}\n        client_secret_file: {name}.secret\n    lss:\n      listen_addresses: [\"127.0.0.1:{port}\"]\n",
            cfg.customer_id,
            sim.base_url(),
            cfg.client_id,
        ));
        if let Some(shard) = pins[i] {
            yaml.push_str(&format!("    shard: {shard}\n"));
        }
    }
    let path = dir.join("tenants.yml");
    std::fs::write(&path, yaml).unwrap();
    path
}

fn config(file: &Path) -> Config {
    let mut config = tenants_config(file, &["app_connectors", "microtenants"]);
    config.tenancy.enable_lifecycle = true;
    config
}

/// Streams `count` App Connector Metrics records named from `sim_config`'s tenant to `to`.
async fn send_metrics(to: SocketAddr, sim_config: &SimulatorConfig, count: u64) {
    let names = Arc::new(Names::generate(sim_config));
    let cfg = StreamConfig {
        rate: 5_000.0,
        count: Some(count),
        ..StreamConfig::new(to.to_string(), LogType::AppConnectorMetrics, 1)
    };
    let report = stream(cfg, names).await.expect("streamed");
    assert_eq!(report.sent, count, "{report:?}");
}

/// connector → group, as tenant `tenant`'s API lists them.
fn api_groups(body: &str, tenant: &str) -> BTreeMap<String, String> {
    samples(body, "zpa_app_connector_info", &[("tenant", tenant)])
        .iter()
        .map(|(line, _)| (label(line, "name"), label(line, "connector_group")))
        .collect()
}

/// (connector, connector_group) of tenant `tenant`'s LSS CPU gauges.
fn lss_groups(body: &str, tenant: &str) -> BTreeSet<(String, String)> {
    samples(
        body,
        "zpa_lss_app_connector_cpu_utilization_ratio",
        &[("tenant", tenant)],
    )
    .iter()
    .map(|(line, _)| (label(line, "connector"), label(line, "connector_group")))
    .collect()
}

fn label(line: &str, key: &str) -> String {
    let start = line
        .find(&format!("{key}=\""))
        .unwrap_or_else(|| panic!("{key} in {line}"))
        + key.len()
        + 2;
    line[start..].split('"').next().unwrap().to_string()
}

async fn wait_parsed(exporter: &RunningExporter, tenant: &str, n: f64) -> String {
    wait_for_sum(
        exporter,
        "zpa_lss_records_parsed_total",
        &[("tenant", tenant)],
        n,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tenants_each_count_their_own_records_with_their_own_names() {
    let [ca, cb] = sim_configs();
    let (sa, sb) = (
        start_simulator(ca.clone()).await,
        start_simulator(cb.clone()).await,
    );
    let dir = tempfile::tempdir().unwrap();
    let ports = [process_free_port(), process_free_port()];
    let file = write_file(dir.path(), &[(&sa, &ca), (&sb, &cb)], &ports, &[None, None]);
    let exporter = start_exporter(config(&file)).await;
    wait_rounds(&exporter, 1).await;
    let (to_a, to_b) = (exporter.lss_addrs_of("a")[0], exporter.lss_addrs_of("b")[0]);
    assert_eq!(to_a.port(), ports[0]);
    assert_eq!(to_b.port(), ports[1]);

    // At once, different amounts, so a mix-up shows in the counts.
    tokio::join!(send_metrics(to_a, &ca, 300), send_metrics(to_b, &cb, 120));
    wait_parsed(&exporter, "a", 300.0).await;
    let body = wait_parsed(&exporter, "b", 120.0).await;
    for (tenant, sent) in [("a", 300.0), ("b", 120.0)] {
        assert_eq!(
            sum(&body, "zpa_lss_records_parsed_total", &[("tenant", tenant)]),
            sent,
            "tenant {tenant}"
        );
        assert_eq!(
            sum(
                &body,
                "zpa_lss_records_rejected_total",
                &[("tenant", tenant)]
            ),
            0.0
        );
    }
    // Every receiver family of both tenants carries the tenant.
    for line in body.lines().filter(|l| l.starts_with("zpa_lss_")) {
        assert!(
            line.contains("tenant=\"a\"") || line.contains("tenant=\"b\""),
            "{line}"
        );
    }
    // Names: each tenant's gauges carry the groups its own API lists for those connectors.
    let (groups_a, groups_b) = (api_groups(&body, "a"), api_groups(&body, "b"));
    // The test tells the tenants apart only if their APIs differ (other connectors, or the
    // same ones grouped otherwise): with the wrong tenant's names a gauge's group is wrong or
    // `unknown`.
    assert!(
        groups_a.iter().any(|(c, g)| groups_b.get(c) != Some(g)),
        "{groups_a:?} {groups_b:?}"
    );
    for (tenant, groups) in [("a", &groups_a), ("b", &groups_b)] {
        let seen = lss_groups(&body, tenant);
        assert!(!seen.is_empty(), "tenant {tenant} has connector gauges");
        for (connector, group) in &seen {
            assert_eq!(groups.get(connector), Some(group), "tenant {tenant}");
        }
    }

    // A reload without b: its listener closes and its series leave.
    let only_a = write_file(dir.path(), &[(&sa, &ca)], &ports[..1], &[None]);
    assert_eq!(only_a, file);
    let applied = exporter.reload().await.expect("reloaded");
    assert_eq!(applied.stopped, vec!["b".to_string()]);
    assert!(
        tokio::net::TcpStream::connect(to_b).await.is_err(),
        "b's listener is closed"
    );
    let body = scrape(&exporter).await;
    assert!(!body.contains("tenant=\"b\""), "b's series are gone");
    assert_eq!(
        sum(&body, "zpa_lss_records_parsed_total", &[("tenant", "a")]),
        300.0
    );
    exporter.shutdown().await;
    sa.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_two_shards_each_record_is_counted_once_by_its_tenants_owner() {
    let [ca, cb] = sim_configs();
    let (sa, sb) = (
        start_simulator(ca.clone()).await,
        start_simulator(cb.clone()).await,
    );
    let dir = tempfile::tempdir().unwrap();
    let ports = [process_free_port(), process_free_port()];
    // a on shard 1, b on shard 0: the opposite of where the hash alone might put them does
    // not matter, the pin decides.
    let file = write_file(
        dir.path(),
        &[(&sa, &ca), (&sb, &cb)],
        &ports,
        &[Some(1), Some(0)],
    );
    let shard = |index| {
        let mut config = config(&file);
        config.tenancy.shard = zpa_exporter::Shard::Fixed { index, total: 2 };
        config
    };
    let zero = start_exporter(shard(0)).await;
    let one = start_exporter(shard(1)).await;
    // Each address is open on exactly one replica: the one that runs the tenant.
    assert_eq!(zero.lss_addrs_of("b")[0].port(), ports[1]);
    assert_eq!(one.lss_addrs_of("a")[0].port(), ports[0]);
    assert!(zero.lss_addrs_of("a").is_empty());
    assert!(one.lss_addrs_of("b").is_empty());
    wait_rounds(&zero, 1).await;
    wait_rounds(&one, 1).await;
    let to = |port| SocketAddr::from(([127, 0, 0, 1], port));
    tokio::join!(
        send_metrics(to(ports[0]), &ca, 200),
        send_metrics(to(ports[1]), &cb, 80)
    );
    let body_one = wait_parsed(&one, "a", 200.0).await;
    let body_zero = wait_parsed(&zero, "b", 80.0).await;
    assert_eq!(sum(&body_one, "zpa_lss_records_parsed_total", &[]), 200.0);
    assert_eq!(sum(&body_zero, "zpa_lss_records_parsed_total", &[]), 80.0);
    let (groups_a, groups_b) = (api_groups(&body_one, "a"), api_groups(&body_zero, "b"));
    for (connector, group) in lss_groups(&body_one, "a") {
        assert_eq!(groups_a.get(&connector), Some(&group));
    }
    for (connector, group) in lss_groups(&body_zero, "b") {
        assert_eq!(groups_b.get(&connector), Some(&group));
    }
    zero.shutdown().await;
    one.shutdown().await;
    sa.shutdown().await;
    sb.shutdown().await;
}

/// A free loopback port (bound and released; the exporter binds it next).
fn process_free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
