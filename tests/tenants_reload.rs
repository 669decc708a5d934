//! Reloading the tenants file (issue 19): `POST /-/reload` behind `--web.enable-lifecycle`,
//! added tenants start, removed ones stop and their series vanish, untouched ones keep running,
//! and a bad file keeps the old tenants with `zpa_exporter_config_last_reload_successful 0`;
//! the same through SIGHUP to the binary.

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
    config.tenancy.enable_lifecycle = true;
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

/// Polls the binary's `/metrics` until `done` accepts the body; the last body either way.
async fn metrics_until(port: u16, done: impl Fn(&str) -> bool) -> String {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    while tokio::time::Instant::now() < deadline {
        if let Ok(response) = reqwest::get(format!("http://{addr}/metrics")).await {
            last = response.text().await.unwrap_or_default();
            if done(&last) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

fn hangup(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// SIGHUP rereads the file: a new tenant starts; a file that does not validate keeps both
/// tenants, sets `zpa_exporter_config_last_reload_successful 0` and says why in the log, and
/// the process keeps running (SIGTERM still exits 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_file_and_a_bad_one_keeps_the_tenants() {
    let sim = spawn_tenants(SimulatorConfig::default(), 2, loopback())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tenant = |name, sim_tenant| FileTenant {
        name,
        sim_tenant,
        secret: None,
    };
    let interval = Duration::from_secs(60);
    let file = write_tenants_file(dir.path(), &sim, &[tenant("t0", 0)], interval);
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args([
        format!("--web.listen-address=127.0.0.1:{port}"),
        format!("--config.file={}", file.display()),
        "--log.level=warn".into(),
        "--collector.service_edges".into(),
    ])
    .args(
        zpa_exporter::COLLECTORS
            .iter()
            .filter(|c| c.name != "service_edges")
            .map(|c| format!("--no-collector.{}", c.name)),
    );
    let mut child = cmd.spawn().unwrap();
    let up = |t: &str| format!("zpa_up{{tenant=\"{t}\"}} 1");

    let body = metrics_until(port, |b| b.contains(&up("t0"))).await;
    assert!(body.contains(&up("t0")), "{body}");
    assert!(body.contains("zpa_exporter_config_last_reload_successful 1"));

    write_tenants_file(
        dir.path(),
        &sim,
        &[tenant("t0", 0), tenant("t1", 1)],
        interval,
    );
    hangup(&child);
    let body = metrics_until(port, |b| b.contains(&up("t1"))).await;
    assert!(body.contains(&up("t1")), "t1 started on SIGHUP:\n{body}");
    assert!(body.contains(&up("t0")));

    std::fs::write(&file, "tenants:\n  - name: t0\n    colour: blue\n").unwrap();
    hangup(&child);
    let body = metrics_until(port, |b| {
        b.contains("zpa_exporter_config_last_reload_successful 0")
    })
    .await;
    assert!(
        body.contains("zpa_exporter_config_last_reload_successful 0"),
        "{body}"
    );
    assert!(
        body.contains(&up("t0")) && body.contains(&up("t1")),
        "{body}"
    );

    let (code, stderr, stdout) = tokio::task::spawn_blocking(move || {
        let (code, stderr) = terminate(&mut child);
        let mut stdout = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
        (code, stderr, stdout)
    })
    .await
    .unwrap();
    assert!(!stdout.contains("demo"), "not a demo run: {stdout}");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("reload failed"), "{stderr}");
    assert!(
        stderr.contains("colour"),
        "the log names the bad key: {stderr}"
    );
    sim.shutdown().await;
}
