//! The scheduler against the simulator: health that tells the truth about configuration
//! errors and unlicensed resources, a quick retry when ZPA is unreachable at start, and a large
//! tenant under a real (scaled-down) rate limit where a due health listing is not held up by a
//! long one.

mod common;

use std::time::{Duration, Instant};

use common::*;
use zpa_exporter::Config;
use zpa_exporter::RunningExporter;
use zpa_simulator::{FaultKind, RunningSimulator, SimulatorConfig};

fn zpa_target(config: &mut Config) -> &mut zpa_exporter::ZpaTarget {
    &mut config.tenant_mut().target
}

/// Polls `/metrics` until `check` holds, or fails after `within`.
async fn wait_until(
    exporter: &RunningExporter,
    within: Duration,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + within;
    loop {
        let body = scrape(exporter).await;
        if check(&body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {within:?}\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A configuration error: `zpa_config_error 1`, `zpa_up 0`, not ready, and the readiness
/// answer names the setting to check.
async fn assert_config_error(exporter: &RunningExporter, setting: &str) {
    let body = wait_until(exporter, Duration::from_secs(20), "config error", |b| {
        sample(b, "zpa_config_error", &[]) == Some(1.0)
    })
    .await;
    assert_eq!(sample(&body, "zpa_up", &[]), Some(0.0), "{body}");
    let (status, _, why) = get(exporter.local_addr(), "/-/ready").await;
    assert_eq!(status, 503);
    assert!(why.contains(setting), "{why}");
    let problem = exporter.snapshot().config_problem().unwrap().message;
    assert!(problem.starts_with(setting), "{problem}");
}

async fn start(
    sim_config: SimulatorConfig,
    change: impl FnOnce(&mut Config),
) -> (RunningSimulator, RunningExporter) {
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["application_segments", "app_connectors", "policy_rules"],
    );
    change(&mut config);
    (sim, start_exporter(config).await)
}

#[tokio::test]
async fn a_wrong_customer_id_is_a_configuration_error_named_as_such() {
    let (sim, exporter) = start(small_tenant(), |c| {
        zpa_target(c).customer_id = "216196257331281999".into()
    })
    .await;
    assert_config_error(&exporter, "--zpa.customer-id (ZPA_CUSTOMER_ID)").await;
    let problem = exporter.snapshot().config_problem().unwrap().message;
    assert!(
        problem.contains("belongs to customer 216196257331281920"),
        "says which customer the key belongs to: {problem}"
    );
    assert_eq!(
        sim.control().request_count("application"),
        0,
        "no collector spends calls on a tenant the key cannot read"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_microtenant_id_that_does_not_exist_is_a_configuration_error() {
    let (sim, exporter) = start(small_tenant(), |c| {
        zpa_target(c).microtenant_id = Some("4242".into())
    })
    .await;
    assert_config_error(&exporter, "--zpa.microtenant-id (ZPA_MICROTENANT_ID)").await;
    assert!(exporter
        .snapshot()
        .config_problem()
        .unwrap()
        .message
        .contains("no microtenant with id 4242"));
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_key_scoped_to_another_microtenant_is_a_configuration_error() {
    let probe = start_simulator(small_tenant()).await;
    let scope = probe.control().objects("microtenants")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    probe.shutdown().await;
    let sim_config = SimulatorConfig {
        key_microtenant: Some(scope.clone()),
        ..small_tenant()
    };
    // Without --zpa.microtenant-id: the key can only read its own microtenant.
    let (sim, exporter) = start(sim_config.clone(), |_| {}).await;
    assert_config_error(&exporter, "--zpa.microtenant-id (ZPA_MICROTENANT_ID)").await;
    assert!(exporter
        .snapshot()
        .config_problem()
        .unwrap()
        .message
        .contains(&format!("--zpa.microtenant-id={scope}")));
    exporter.shutdown().await;
    sim.shutdown().await;

    // With the key's own microtenant: verified, collected, up.
    let (sim, exporter) = start(sim_config, |c| {
        zpa_target(c).microtenant_id = Some(scope.clone())
    })
    .await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;
    assert_eq!(sample(&body, "zpa_config_error", &[]), Some(0.0));
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_403_on_one_resource_makes_only_that_collector_unavailable() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    sim.control()
        .set_fault(fault("policyRules", FaultKind::Forbidden));
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["application_segments", "app_connectors", "policy_rules"],
    );
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 2).await;
    let body = scrape(&exporter).await;
    assert_eq!(
        sample(
            &body,
            "zpa_collector_unavailable",
            &[("collector", "policy_rules")]
        ),
        Some(1.0),
        "{body}"
    );
    assert_eq!(sample(&body, "zpa_config_error", &[]), Some(0.0));
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0));
    assert_eq!(get(exporter.local_addr(), "/-/ready").await.0, 200);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_feature_flag_401_on_one_resource_makes_only_that_collector_unavailable() {
    let (sim, exporter) = start(small_tenant(), |_| {}).await;
    sim.control()
        .set_fault(fault("application", FaultKind::FeatureDenied));
    let body = wait_until(&exporter, Duration::from_secs(20), "unavailable", |b| {
        sample(
            b,
            "zpa_collector_unavailable",
            &[("collector", "application_segments")],
        ) == Some(1.0)
    })
    .await;
    assert_eq!(sample(&body, "zpa_config_error", &[]), Some(0.0));
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn every_collector_refused_at_once_is_a_configuration_error() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    sim.control().set_fault(fault("*", FaultKind::Forbidden));
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["application_segments", "app_connectors", "policy_rules"],
    );
    let exporter = start_exporter(config).await;
    assert_config_error(&exporter, "every collector was refused").await;
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn zpa_unreachable_at_start_is_retried_within_seconds_not_an_interval() {
    let sim_config = small_tenant();
    // Reserve an address, then start the simulator there only after the exporter has tried.
    let addr = {
        let listener = std::net::TcpListener::bind(loopback()).unwrap();
        listener.local_addr().unwrap()
    };
    let placeholder = start_simulator(sim_config.clone()).await;
    // An hour's interval: coming up within the deadline below can only be the failure
    // backoff (1 s, 2 s, 4 s …), never the next scheduled run.
    let mut config = only_collectors(
        exporter_config(&placeholder, &sim_config, Duration::from_secs(3600)),
        &["application_segments", "app_connectors"],
    );
    placeholder.shutdown().await;
    zpa_target(&mut config).base_url = format!("http://{addr}");
    let exporter = start_exporter(config).await;
    wait_until(
        &exporter,
        Duration::from_secs(30),
        "a failed attempt",
        |b| sum(b, "zpa_signin_failures_total", &[("reason", "network")]) >= 1.0,
    )
    .await;
    let sim = zpa_simulator::spawn(sim_config, addr)
        .await
        .expect("the simulator starts on the reserved address");
    let started = Instant::now();
    // Generous for a loaded machine, and far short of the interval.
    let body = wait_until(&exporter, Duration::from_secs(60), "up", |b| {
        sample(b, "zpa_up", &[]) == Some(1.0)
    })
    .await;
    eprintln!(
        "UNREACHABLE AT START: up {:.1} s after ZPA came up",
        started.elapsed().as_secs_f64()
    );
    assert!(sample(&body, "zpa_signin_failures_total", &[("reason", "network")]).unwrap() >= 1.0);
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// A large tenant under a real rate limit, scaled down with the tenant: 5 GETs per 2.5 s, a
/// 40-page segment listing (≈ 20 s of budget), App Connectors every 4 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_due_health_listing_is_not_held_up_by_a_long_listing() {
    let sim_config = SimulatorConfig {
        segments: 20_000,
        connectors: 900,
        rate_limit: Some((5, Duration::from_millis(2500))),
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    let tenant = config.tenant_mut();
    tenant.poll_interval = None;
    tenant
        .collector_intervals
        .insert("app_connectors", Duration::from_secs(4));
    tenant
        .collector_intervals
        .insert("application_segments", Duration::from_secs(120));
    let exporter = start_exporter(config).await;

    // Every collector completes.
    assert!(
        wait_for_rounds(&exporter, 1, Duration::from_secs(90)).await,
        "every collector completes: {:?}",
        exporter.snapshot().collectors
    );
    // zpa_up stays 1 while the next five connector runs come, however long a loaded machine
    // takes for them.
    let runs_done = || {
        exporter
            .snapshot()
            .collector("app_connectors")
            .unwrap()
            .runs
    };
    let until = runs_done() + 5;
    let deadline = Instant::now() + Duration::from_secs(120);
    while runs_done() < until {
        let body = scrape(&exporter).await;
        assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
        assert!(
            Instant::now() < deadline,
            "five connector runs did not come within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let log = sim.control().requests();
    assert!(
        log.iter().all(|r| r.status != 429),
        "no 429s: the limiter kept the pace"
    );
    let segment_pages: Vec<f64> = log
        .iter()
        .filter(|r| r.endpoint == "application")
        .map(|r| r.at.as_secs_f64())
        .collect();
    let (first, last) = (segment_pages[0], segment_pages[39]);
    let connector_runs: Vec<f64> = log
        .iter()
        .filter(|r| r.endpoint == "connector" && r.page == Some(1))
        .map(|r| r.at.as_secs_f64())
        .collect();
    let during: Vec<f64> = connector_runs
        .iter()
        .copied()
        .filter(|t| *t > first && *t < last)
        .collect();
    assert!(
        during.len() >= 3,
        "connector runs while the long listing ran ({first:.1}..{last:.1} s): {connector_runs:?}"
    );
    // Not held up, counted in the budget rather than in seconds (a loaded machine slows both
    // listings alike): between two connector runs, 4 s of the 2-GETs-per-second budget, about
    // 8 GETs, go to segment pages, never the whole 40-page listing.
    let starts: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, r)| r.endpoint == "connector" && r.page == Some(1))
        .map(|(i, _)| i)
        .collect();
    let most_pages_between = starts
        .windows(2)
        .map(|w| {
            log[w[0]..w[1]]
                .iter()
                .filter(|r| r.endpoint == "application")
                .count()
        })
        .max()
        .unwrap_or(0);
    let worst_gap = connector_runs
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(0.0, f64::max);
    eprintln!(
        "SCALED LARGE TENANT: segment listing {:.1} s, connector runs {connector_runs:.1?}, worst gap \
         {worst_gap:.1} s, at most {most_pages_between} segment pages between connector runs",
        last - first
    );
    assert!(
        most_pages_between <= 12,
        "a due connector listing waited behind {most_pages_between} segment pages"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
