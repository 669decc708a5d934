//! Reloading the tenants file (issue 19): `POST /-/reload` behind `--web.enable-lifecycle`,
//! added tenants start, removed ones stop and their series vanish, untouched ones keep running,
//! and a bad file keeps the old tenants with `zpa_exporter_config_last_reload_successful 0`.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use zpa_exporter::{RunningExporter, Snapshot};
use zpa_simulator::{spawn_tenants, SimulatorConfig};

const COLLECTORS: &[&str] = &["service_edges"];

async fn post(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn first_success(exporter: &RunningExporter, tenant: &str) -> Arc<Snapshot> {
    let mut updates = exporter.subscribe_tenant(tenant).expect("tenant runs");
    let seen = tokio::time::timeout(
        Duration::from_secs(60),
        updates.wait_for(|s| s.collectors.iter().all(|c| c.success)),
    )
    .await
    .expect("first run in time")
    .unwrap()
    .clone();
    seen
}

#[tokio::test]
async fn reload_adds_removes_and_keeps_tenants_and_refuses_a_bad_file() {
    let sim = spawn_tenants(SimulatorConfig::default(), 3, loopback())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tenant = |name, sim_tenant| FileTenant {
        name,
        sim_tenant,
        secret: None,
    };
    let interval = Duration::from_secs(2);
    let file = write_tenants_file(
        dir.path(),
        &sim,
        &[tenant("t0", 0), tenant("t1", 1)],
        interval,
    );
    let mut config = tenants_config(&file, COLLECTORS);
    config.enable_lifecycle = true;
    let exporter = start_exporter(config).await;
    let addr = exporter.local_addr();
    first_success(&exporter, "t0").await;
    let t1_before = first_success(&exporter, "t1").await;
    let body = scrape(&exporter).await;
    assert!(body.contains(r#"zpa_up{tenant="t0"} 1"#), "{body}");
    assert!(body.contains("zpa_exporter_config_last_reload_successful 1"));
    assert!(body.contains(r#"zpa_exporter_tenant_owned{tenant="t1"} 1"#));

    // t0 removed, t2 added, t1 unchanged.
    write_tenants_file(
        dir.path(),
        &sim,
        &[tenant("t1", 1), tenant("t2", 2)],
        interval,
    );
    let (status, text) = post(addr, "/-/reload").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(exporter.tenant_names(), ["t1", "t2"]);
    let body = scrape(&exporter).await;
    assert!(
        !body.contains(r#"tenant="t0""#),
        "t0's series are gone:\n{body}"
    );
    let t1_after = exporter.tenant_snapshot("t1").unwrap();
    assert!(
        t1_after.version >= t1_before.version,
        "t1 kept running: its snapshots go on ({} then {})",
        t1_before.version,
        t1_after.version
    );
    first_success(&exporter, "t2").await;
    let body = scrape(&exporter).await;
    assert!(body.contains(r#"zpa_up{tenant="t2"} 1"#), "{body}");

    // A file that does not validate: the tenants stay, the reload says it failed.
    std::fs::write(&file, "tenants:\n  - name: t1\n    colour: blue\n").unwrap();
    let (status, text) = post(addr, "/-/reload").await;
    assert_eq!(status, 500, "{text}");
    assert!(text.contains("colour"), "{text}");
    assert_eq!(exporter.tenant_names(), ["t1", "t2"]);
    let body = scrape(&exporter).await;
    assert!(
        body.contains("zpa_exporter_config_last_reload_successful 0"),
        "{body}"
    );
    assert!(body.contains(r#"zpa_up{tenant="t1"} 1"#));
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// Without `--web.enable-lifecycle` the endpoint refuses, as Prometheus' does; and a single
/// tenant from the flags is named by its customer id.
#[tokio::test]
async fn reload_needs_the_lifecycle_flag_and_one_tenant_is_named_by_its_customer_id() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        COLLECTORS,
    );
    let exporter = start_exporter(config).await;
    assert_eq!(
        exporter.tenant_names(),
        std::slice::from_ref(&sim_config.customer_id)
    );
    let (status, _) = post(exporter.local_addr(), "/-/reload").await;
    assert_eq!(status, 403);
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;
    assert!(
        body.contains(&format!(
            "zpa_up{{tenant=\"{}\"}} 1",
            sim_config.customer_id
        )),
        "{body}"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
