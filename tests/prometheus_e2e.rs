//! End to end with a real Prometheus: it scrapes the exporter (polling the simulator) every
//! second and evaluates the shipped alerting rules. Every dashboard query and every rule must
//! parse and find its metrics, and driving the simulator (a connector disconnects, a
//! certificate nears expiry, an endpoint breaks) must raise the matching alerts.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::Value;
use zpa_exporter::simulator::{Fault, FaultKind};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn prometheus_bin() -> Option<PathBuf> {
    let found = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("prometheus is required under CI=true (apt-get install prometheus)");
        }
        eprintln!("\n*** SKIPPED: /usr/bin/prometheus not found; install the `prometheus` package to run the end-to-end test ***\n");
    }
    found
}

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

/// The shipped rules with every `for:` shortened to 1s, so a test sees them fire in seconds.
fn fast_rules(dir: &Path) -> PathBuf {
    let rules = std::fs::read_to_string(format!("{ROOT}/alerts/zpa.rules.yml"))
        .expect("alerts/zpa.rules.yml");
    let fast: String = rules
        .lines()
        .map(|l| {
            let trimmed = l.trim_start();
            if trimmed.starts_with("for:") {
                format!("{}for: 1s", &l[..l.len() - trimmed.len()])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join("zpa.rules.yml");
    std::fs::write(&path, fast).unwrap();
    path
}

fn start_prometheus(bin: &Path, dir: &Path, target: std::net::SocketAddr) -> Prometheus {
    let rules = fast_rules(dir);
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n  - job_name: zpa\n    static_configs:\n      - targets: ['{target}']\n",
            rules.display()
        ),
    )
    .unwrap();
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
    let response: Value = reqwest::get(format!("{}/api/v1/alerts", prom.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["data"]["alerts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits for an alert (pending or firing) whose labels include `labels`.
async fn wait_for_alert(prom: &Prometheus, labels: &[(&str, &str)], what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(45);
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
        .replace("${microtenant}", ".*")
        .replace("$microtenant", ".*")
        .replace("${connector_group}", ".*")
        .replace("$connector_group", ".*")
        .replace("${service_edge_group}", ".*")
        .replace("$service_edge_group", ".*")
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
                    || bytes[i - 1] == b'"'));
        if starts {
            let end = expr[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(expr.len(), |e| i + e);
            names.push(expr[i..end].to_string());
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
async fn dashboards_and_alerts_work_against_a_real_prometheus() {
    let Some(bin) = prometheus_bin() else { return };
    let sim_config = small_tenant();
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
    config.collector_options.segment_info = true;
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;

    let dir = tempfile::tempdir().unwrap();
    let prom = start_prometheus(&bin, dir.path(), exporter.local_addr());
    let started = Instant::now();
    while query(&prom, "zpa_up")
        .await
        .map(|r| r.is_empty())
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "Prometheus never scraped the exporter"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // rate() needs two samples in its window.
    tokio::time::sleep(Duration::from_secs(4)).await;

    // 1. Every dashboard query parses and returns data; every rule parses and every metric it
    //    reads exists (an alert expression is meant to be empty while all is well).
    let mut problems = Vec::new();
    for (title, expr) in dashboard_exprs() {
        let expr = substitute_variables(&expr);
        match query(&prom, &expr).await {
            Ok(result) if result.is_empty() => {
                problems.push(format!("{title}: no data for {expr}"))
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
    assert!(problems.is_empty(), "{}", problems.join("\n"));

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

    exporter.shutdown().await;
    sim.shutdown().await;
}

#[test]
fn metric_names_are_extracted() {
    assert_eq!(
        metric_names(
            r#"sum by (job) (rate(zpa_api_requests_total{code="429"}[5m])) > 0 and up{job="zpa"} == 1"#
        ),
        vec!["up".to_string(), "zpa_api_requests_total".to_string()]
    );
}
