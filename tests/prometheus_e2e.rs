//! End to end with a real Prometheus: it scrapes the exporter (polling the simulator) every
//! second and evaluates the shipped alerting rules. Every dashboard query and every rule must
//! parse and find its metrics, and driving the simulator (a connector disconnects, a
//! certificate nears expiry, an endpoint breaks, the customer id is wrong) must raise the
//! matching alerts. Without `prometheus` on PATH when built, the tests are ignored with that
//! reason.
//!
//! Prometheus runs with `deploy/compose/prometheus.yml`, the demo stack's configuration, copied
//! unchanged into a temporary directory laid out as the compose mounts lay it out:
//! `alerts/zpa.rules.yml` (the shipped rules, with every `for:` and group interval shortened to
//! 1 s so the alerts fire within seconds), `targets/zpa.yml` (this test's exporter, scraped every
//! second through the `__scrape_interval__` target label) and `targets/alertmanager.yml` (none).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::Value;
use zpa_api::ratelimit::RateLimit;
use zpa_exporter::{ListenerSpec, LogType};
use zpa_simulator::{Fault, FaultKind, SimulatorConfig};

/// The repository root: the exporter is the root package.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Prometheus {
    child: Child,
    url: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shipped rules with every `for:` and every group's evaluation interval shortened to 1s, so
/// a test sees them fire in seconds.
fn fast_rules() -> String {
    let rules = std::fs::read_to_string(format!("{ROOT}/alerts/zpa.rules.yml"))
        .expect("alerts/zpa.rules.yml");
    let mut fast = Vec::new();
    for l in rules.lines() {
        let trimmed = l.trim_start();
        let indent = &l[..l.len() - trimmed.len()];
        if trimmed.starts_with("for:") {
            fast.push(format!("{indent}for: 1s"));
        } else {
            fast.push(l.to_string());
        }
        // `  - name: zpa-exporter` opens a group
        if indent == "  " && trimmed.starts_with("- name:") {
            fast.push("    interval: 1s".to_string());
        }
    }
    fast.join("\n")
}

/// A Prometheus directory laid out like the demo stack's mounts (deploy/compose/compose.yaml):
/// `prometheus.yml` copied unchanged from deploy/compose, the rules under `alerts/`, and this
/// test's own targets under `targets/`. Returns the config file's path.
fn prometheus_dir(dir: &Path, target: std::net::SocketAddr) -> PathBuf {
    let config = dir.join("prometheus.yml");
    std::fs::copy(format!("{ROOT}/deploy/compose/prometheus.yml"), &config)
        .expect("deploy/compose/prometheus.yml");
    std::fs::create_dir_all(dir.join("alerts")).unwrap();
    std::fs::write(dir.join("alerts/zpa.rules.yml"), fast_rules()).unwrap();
    std::fs::create_dir_all(dir.join("targets")).unwrap();
    // __scrape_interval__/__scrape_timeout__ as target labels override the file's 30 s.
    std::fs::write(
        dir.join("targets/zpa.yml"),
        format!(
            "- targets: ['{target}']\n  labels:\n    __scrape_interval__: 1s\n    __scrape_timeout__: 1s\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("targets/alertmanager.yml"), "[]\n").unwrap();
    config
}

fn start_prometheus(bin: &Path, dir: &Path, target: std::net::SocketAddr) -> Prometheus {
    let config = prometheus_dir(dir, target);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    Prometheus {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Waits until Prometheus has scraped the exporter (its `zpa_up` is queryable), and checks that
/// it did so through the file_sd target of the shipped config, every second.
async fn wait_for_first_scrape(prom: &Prometheus) {
    let started = Instant::now();
    while query(prom, "zpa_up")
        .await
        .map(|r| r.is_empty())
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "Prometheus never scraped the exporter with deploy/compose/prometheus.yml: {:#?}",
            get_json(prom, "/api/v1/targets").await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let targets = get_json(prom, "/api/v1/targets").await;
    let active = targets["data"]["activeTargets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        active.iter().any(|t| t["labels"]["job"] == "zpa"
            && t["scrapeInterval"] == "1s"
            && t["health"] == "up"),
        "want the exporter as an up target of job zpa, scraped every 1s: {active:#?}"
    );
}

async fn get_json(prom: &Prometheus, path: &str) -> Value {
    reqwest::get(format!("{}{path}", prom.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn query(prom: &Prometheus, expr: &str) -> Result<Vec<Value>, String> {
    let response: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/query", prom.url))
        .query(&[("query", expr)])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    if response["status"] != "success" {
        return Err(format!("{}: {}", response["errorType"], response["error"]));
    }
    Ok(response["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

async fn alerts(prom: &Prometheus) -> Vec<Value> {
    let response = get_json(prom, "/api/v1/alerts").await;
    response["data"]["alerts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits for an alert (pending or firing) whose labels include `labels`.
async fn wait_for_alert(prom: &Prometheus, labels: &[(&str, &str)], what: &str) -> String {
    wait_for_alert_within(prom, labels, what, Duration::from_secs(45)).await
}

async fn wait_for_alert_within(
    prom: &Prometheus,
    labels: &[(&str, &str)],
    what: &str,
    within: Duration,
) -> String {
    let deadline = Instant::now() + within;
    loop {
        for alert in alerts(prom).await {
            if labels.iter().all(|(k, v)| alert["labels"][k] == *v) {
                return alert["labels"]["alertname"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
            }
        }
        assert!(
            Instant::now() < deadline,
            "no alert for {what} ({labels:?}): {:#?}",
            alerts(prom).await
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Dashboard variables replaced by what a user selecting "All" would send.
fn substitute_variables(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "1h")
        .replace("${job}", ".+")
        .replace("${instance}", ".+")
        .replace("$job", ".+")
        .replace("$instance", ".+")
        .replace("${tenant}", ".*")
        .replace("$tenant", ".*")
        .replace("${microtenant}", ".*")
        .replace("$microtenant", ".*")
        .replace("${connector_group}", ".*")
        .replace("$connector_group", ".*")
        .replace("${service_edge_group}", ".*")
        .replace("$service_edge_group", ".*")
        .replace("${application}", ".*")
        .replace("$application", ".*")
}

fn dashboard_exprs() -> Vec<(String, String)> {
    let mut exprs = Vec::new();
    for entry in std::fs::read_dir(format!("{ROOT}/dashboards")).expect("dashboards/") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let dashboard: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut panels: Vec<Value> = dashboard["panels"].as_array().cloned().unwrap_or_default();
        while let Some(panel) = panels.pop() {
            if let Some(inner) = panel["panels"].as_array() {
                panels.extend(inner.iter().cloned());
            }
            for target in panel["targets"].as_array().into_iter().flatten() {
                if let Some(expr) = target["expr"].as_str() {
                    let title = format!(
                        "{} / {}",
                        path.file_name().unwrap().to_string_lossy(),
                        panel["title"].as_str().unwrap_or("?")
                    );
                    exprs.push((title, expr.to_string()));
                }
            }
        }
    }
    exprs
}

fn rule_exprs() -> Vec<(String, String)> {
    let rules: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(format!("{ROOT}/alerts/zpa.rules.yml")).unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    for group in rules["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            let name = rule["alert"]
                .as_str()
                .or(rule["record"].as_str())
                .unwrap()
                .to_string();
            out.push((name, rule["expr"].as_str().unwrap().to_string()));
        }
    }
    out
}

/// Metric names an expression reads.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (expr[i..].starts_with("zpa_")
            || expr[i..].starts_with("process_")
            || expr[i..].starts_with("up{")
            || expr[i..].starts_with("up "))
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':'
                    || bytes[i - 1] == b'"'));
        if starts {
            let end = expr[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(expr.len(), |e| i + e);
            // A series recorded by the shipped recording rules (`level:metric:operations`) may
            // rightly be empty (no 429 answered); its rule's own expression names the sources.
            if !expr[i..end].contains(':') {
                names.push(expr[i..end].to_string());
            }
            i = end;
        } else {
            i += 1;
        }
    }
    names.sort();
    names.dedup();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(has_prometheus),
    ignore = "needs prometheus (apt-get install prometheus)"
)]
async fn dashboards_and_alerts_work_against_a_real_prometheus() {
    let bin = tool("prometheus");
    // Every collector every second does not fit ZPA's 20 GETs per 10 s (the planner would
    // stretch certificates to a day): the limit is lifted on both sides, as in
    // tests/collectors.rs; this test is about dashboards and alerts, not pacing.
    let sim_config = SimulatorConfig {
        rate_limit: None,
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    // Events the dashboards chart: a 429 and a 503, so those series exist.
    sim.control().set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::RateLimit {
            retry_after: "1s".into(),
        },
        count: Some(1),
        skip: 0,
    });
    sim.control().set_fault(Fault {
        endpoint: "connector".into(),
        kind: FaultKind::Status(503),
        count: Some(1),
        skip: 0,
    });
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(1));
    config.tenant_mut().rate_limit = RateLimit {
        max: 1000,
        period: Duration::from_secs(1),
    };
    config.collector_options.segment_info = true;
    // Live access health: a listener per LSS log type fed by the simulator's streams, one line
    // that is not JSON, and a series cap small enough that the demo mix overflows it, so the
    // receiver's own panels have data too.
    config.lss.listeners = LogType::ALL
        .into_iter()
        .map(|log_type| ListenerSpec {
            log_type: Some(log_type),
            addr: loopback(),
        })
        .collect();
    config.lss.max_series = 8;
    let exporter = start_exporter(config).await;
    let targets: Vec<_> = LogType::ALL
        .into_iter()
        .zip(exporter.lss_addrs())
        .map(|(t, addr)| (t.listener_name().parse().unwrap(), addr))
        .collect();
    let _streams = zpa_simulator::lss::spawn_demo_streams(&sim_config, &targets, 20.0);
    send(exporter.lss_addrs()[0], b"not json\n").await;
    wait_rounds(&exporter, 1).await;

    let dir = tempfile::tempdir().unwrap();
    let prom = start_prometheus(&bin, dir.path(), exporter.local_addr());
    wait_for_first_scrape(&prom).await;
    // rate() needs two samples in its window: wait until Prometheus has them, however long a
    // loaded machine takes to scrape twice.
    let started = Instant::now();
    loop {
        let samples = query(&prom, "count_over_time(zpa_up[1m])")
            .await
            .ok()
            .and_then(|result| result.first()?["value"][1].as_str()?.parse::<f64>().ok());
        if samples.is_some_and(|n| n >= 3.0) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prometheus has not scraped three times in 60 s: {samples:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // 1. Every rule group of the shipped file is loaded, and no rule fails to evaluate.
    let mut problems = Vec::new();
    let loaded = get_json(&prom, "/api/v1/rules").await;
    let groups = loaded["data"]["groups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // (sorted: the API lists the groups in its own order)
    let mut loaded_rules: Vec<String> = groups
        .iter()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .map(|r| r["name"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut shipped: Vec<String> = rule_exprs().into_iter().map(|(name, _)| name).collect();
    loaded_rules.sort();
    shipped.sort();
    if loaded_rules != shipped {
        problems.push(format!(
            "Prometheus loaded the rules {loaded_rules:?}, the rules file has {shipped:?}"
        ));
    }
    for group in &groups {
        for rule in group["rules"].as_array().into_iter().flatten() {
            if rule["health"] == "err" {
                problems.push(format!(
                    "rule {}: evaluation error: {}",
                    rule["name"], rule["lastError"]
                ));
            }
        }
    }

    // 2. Every dashboard query parses and returns data; every rule parses and every metric it
    //    reads exists (an alert expression is meant to be empty while all is well).
    for (title, expr) in dashboard_exprs() {
        let expr = substitute_variables(&expr);
        match query(&prom, &expr).await {
            Ok(result) if result.is_empty() => {
                problems.push(format!("{title}: no data for {expr}"));
            }
            Ok(_) => {}
            Err(e) => problems.push(format!("{title}: {e} in {expr}")),
        }
    }
    for (name, expr) in rule_exprs() {
        if let Err(e) = query(&prom, &expr).await {
            problems.push(format!("rule {name}: {e}"));
        }
        for metric in metric_names(&expr) {
            let found = query(&prom, &format!("count({{__name__=\"{metric}\"}})"))
                .await
                .unwrap_or_default();
            if found.is_empty() {
                problems.push(format!("rule {name}: metric {metric} does not exist"));
            }
        }
    }
    report(&problems);

    // 2. Drive the simulator and see the alerts.
    let control = sim.control();
    let connector = control
        .objects("connector")
        .into_iter()
        .find(|c| c["controlChannelStatus"] == "ZPN_STATUS_AUTHENTICATED")
        .expect("an authenticated connector");
    let connector_id = connector["id"].as_str().unwrap().to_string();
    control.patch_object(
        "connector",
        &connector_id,
        serde_json::json!({"controlChannelStatus": "ZPN_STATUS_DISCONNECTED"}),
    );

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let cert = control
        .objects("clientlessCertificate")
        .into_iter()
        .find(|c| {
            c["validToInEpochSec"]
                .as_str()
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|t| t > now + 40 * 86400)
        })
        .expect("a certificate far from expiry");
    let cert_id = cert["id"].as_str().unwrap().to_string();
    control.patch_object(
        "clientlessCertificate",
        &cert_id,
        serde_json::json!({"validToInEpochSec": (now + 2 * 86400).to_string()}),
    );

    control.set_fault(Fault {
        endpoint: "serviceEdge".into(),
        kind: FaultKind::Status(500),
        count: None,
        skip: 0,
    });

    let down = wait_for_alert(&prom, &[("id", &connector_id)], "a disconnected connector").await;
    let expiring = wait_for_alert(
        &prom,
        &[("id", &cert_id), ("severity", "critical")],
        "a certificate expiring in 2 days",
    )
    .await;
    let failing = wait_for_alert(
        &prom,
        &[("collector", "service_edges")],
        "a failing collector",
    )
    .await;
    eprintln!("alerts raised: {down}, {expiring}, {failing}");

    // The failing collector's data goes stale after three of its own intervals.
    let interval = query(
        &prom,
        r#"zpa_collector_interval_seconds{collector="service_edges"}"#,
    )
    .await
    .unwrap_or_default();
    match interval
        .first()
        .and_then(|s| s["value"][1].as_str())
        .and_then(|v| v.parse::<f64>().ok())
    {
        Some(seconds) => {
            let within = Duration::from_secs_f64(3.0 * seconds) + Duration::from_secs(30);
            let stale = wait_for_alert_within(
                &prom,
                &[
                    ("alertname", "ZpaDataStale"),
                    ("collector", "service_edges"),
                ],
                "stale data of a failing collector",
                within,
            )
            .await;
            eprintln!("alert raised: {stale}");
        }
        None => problems.push(
            "zpa_collector_interval_seconds{collector=\"service_edges\"} does not exist"
                .to_string(),
        ),
    }

    exporter.shutdown().await;
    sim.shutdown().await;
    drop(prom);
    assert_all_passed(&problems);
}

/// Prints the problems straight to stderr (past the harness's capture), so that they show even
/// when a later step fails.
fn report(problems: &[String]) {
    if !problems.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "\n*** PROBLEMS ({}):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

fn assert_all_passed(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(has_prometheus),
    ignore = "needs prometheus (apt-get install prometheus)"
)]
async fn config_error_alert_fires_for_a_wrong_customer_id() {
    let bin = tool("prometheus");
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    // The simulator answers customer.not.authorized for any other customer id.
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["application_segments", "app_connectors"],
    );
    match Some(&mut config.tenant_mut().target) {
        Some(target) => target.customer_id = "1".into(),
        other => panic!("not a ZPA target: {other:?}"),
    }
    let exporter = start_exporter(config).await;
    let dir = tempfile::tempdir().unwrap();
    let prom = start_prometheus(&bin, dir.path(), exporter.local_addr());
    wait_for_first_scrape(&prom).await;

    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        seen = query(&prom, "zpa_config_error").await.unwrap_or_default();
        if seen.iter().any(|s| s["value"][1] == "1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut problems = Vec::new();
    if seen.iter().all(|s| s["value"][1] != "1") {
        problems.push(format!(
            "zpa_config_error never turned 1 with a wrong customer id: {seen:?}"
        ));
    } else {
        let raised = wait_for_alert(
            &prom,
            &[("alertname", "ZpaConfigError")],
            "a wrong customer id",
        )
        .await;
        eprintln!("alert raised: {raised}");
    }
    report(&problems);
    exporter.shutdown().await;
    sim.shutdown().await;
    drop(prom);
    assert_all_passed(&problems);
}

#[test]
fn fast_rules_shorten_every_for_and_group_interval() {
    let fast: serde_yaml_ng::Value = serde_yaml_ng::from_str(&fast_rules()).unwrap();
    for group in fast["groups"].as_sequence().unwrap() {
        assert_eq!(
            group["interval"].as_str(),
            Some("1s"),
            "{:?}",
            group["name"]
        );
        for rule in group["rules"].as_sequence().unwrap() {
            if let Some(f) = rule["for"].as_str() {
                assert_eq!(f, "1s");
            }
        }
    }
}

#[test]
fn metric_names_are_extracted() {
    assert_eq!(
        metric_names(
            r#"sum by (job) (rate(zpa_api_requests_total{code="429"}[5m])) > 0 and up{job="zpa"} == 1"#
        ),
        vec!["up".to_string(), "zpa_api_requests_total".to_string()]
    );
    assert_eq!(
        metric_names(
            "tenant_application:zpa_lss_user_connection_failures:ratio_rate5m > 0.2 and zpa_up"
        ),
        vec!["zpa_up".to_string()]
    );
}
