//! The exporter end to end against the ZPA simulator on loopback: sign-in, paging, polling,
//! state changes, token renewal, 401s, 429s, failures, and what `/metrics` says about them.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use zpa_exporter::RunningExporter;
use zpa_simulator::{Fault, FaultKind, RunningSimulator, SimulatorConfig};

/// The collectors the core tests watch over several one-second rounds.
const CORE: &[&str] = &["microtenants", "application_segments"];

/// The small tenant's simulator and an exporter polling its core collectors every second.
async fn core_exporter() -> (RunningSimulator, RunningExporter) {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let exporter = start_exporter(only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        CORE,
    ))
    .await;
    (sim, exporter)
}

fn segment_counts_from_simulator(objects: &[serde_json::Value]) -> BTreeMap<(String, bool), u64> {
    let mut counts = BTreeMap::new();
    for o in objects {
        let mt = o["microtenantName"]
            .as_str()
            .unwrap_or("Default")
            .to_string();
        let enabled = o["enabled"].as_bool().unwrap_or(true);
        *counts.entry((mt, enabled)).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn serves_segment_and_microtenant_metrics() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let exporter =
        start_exporter(exporter_config(&sim, &sim_config, Duration::from_secs(60))).await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;

    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    let expected = segment_counts_from_simulator(&sim.control().objects("application"));
    for ((mt, enabled), n) in &expected {
        let label = if *enabled { "true" } else { "false" };
        assert_eq!(
            sample(
                &body,
                "zpa_application_segments",
                &[("microtenant", mt), ("enabled", label)]
            ),
            Some(*n as f64),
            "{mt}/{label}"
        );
    }
    let microtenants = sim.control().objects("microtenants");
    assert_eq!(
        samples(&body, "zpa_microtenant_info", &[]).len(),
        microtenants.len()
    );
    for mt in &microtenants {
        let name = mt["name"].as_str().unwrap();
        // Every known microtenant has both enabled states, zeros included.
        for state in ["true", "false"] {
            assert!(
                sample(
                    &body,
                    "zpa_application_segments",
                    &[("microtenant", name), ("enabled", state)]
                )
                .is_some(),
                "{name}/{state} missing"
            );
        }
    }
    for collector in ["microtenants", "application_segments"] {
        assert_eq!(
            sample(&body, "zpa_collector_success", &[("collector", collector)]),
            Some(1.0)
        );
        assert!(
            sample(
                &body,
                "zpa_collector_last_success_timestamp_seconds",
                &[("collector", collector)]
            )
            .unwrap()
                > 1.7e9
        );
        assert!(sample(
            &body,
            "zpa_collector_duration_seconds",
            &[("collector", collector)]
        )
        .is_some());
    }
    assert_eq!(sample(&body, "zpa_signin_attempts_total", &[]), Some(1.0));
    assert_eq!(
        sample(&body, "zpa_signin_consecutive_failures", &[]),
        Some(0.0)
    );
    assert!(sample(&body, "zpa_token_expiry_timestamp_seconds", &[]).unwrap() > 1.7e9);
    assert_eq!(
        sample(
            &body,
            "zpa_api_requests_total",
            &[("endpoint", "application"), ("code", "200")]
        ),
        Some(1.0)
    );
    assert!(sample(
        &body,
        "zpa_exporter_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))]
    )
    .is_some());
    assert!(sample(&body, "process_resident_memory_bytes", &[]).unwrap() > 0.0);
    assert!(body.contains(
        "Refreshed in the background by the application_segments collector, every zpa_collector_interval_seconds of it."
    ));
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn pages_through_large_listings() {
    let sim_config = SimulatorConfig {
        segments: 1234,
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let exporter =
        start_exporter(exporter_config(&sim, &sim_config, Duration::from_secs(60))).await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;
    assert_eq!(sum(&body, "zpa_application_segments", &[]), 1234.0);
    assert_eq!(
        sim.control().request_count("application"),
        3,
        "500 + 500 + 234"
    );
    let pages: Vec<_> = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "application")
        .map(|r| r.page)
        .collect();
    assert_eq!(pages, vec![Some(1), Some(2), Some(3)]);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn state_changes_and_deletions_show_on_the_next_poll() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        CORE,
    );
    config.collector_options.segment_info = true;
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    let before = scrape(&exporter).await;
    let disabled_before = sum(&before, "zpa_application_segments", &[("enabled", "false")]);

    let segments = sim.control().objects("application");
    let enabled: Vec<_> = segments
        .iter()
        .filter(|s| s["enabled"].as_bool() == Some(true))
        .collect();
    let to_disable = enabled[0]["id"].as_str().unwrap().to_string();
    let to_delete = enabled[1]["id"].as_str().unwrap().to_string();
    assert!(sample(
        &before,
        "zpa_application_segment_info",
        &[("id", &to_delete)]
    )
    .is_some());
    assert!(sim.control().patch_object(
        "application",
        &to_disable,
        serde_json::json!({"enabled": false})
    ));
    assert!(sim.control().delete_object("application", &to_delete));

    wait_more_rounds(&exporter, 2).await;
    let after = scrape(&exporter).await;
    assert_eq!(
        sum(&after, "zpa_application_segments", &[("enabled", "false")]),
        disabled_before + 1.0
    );
    assert_eq!(
        sum(&after, "zpa_application_segments", &[]),
        segments.len() as f64 - 1.0
    );
    assert!(
        sample(
            &after,
            "zpa_application_segment_info",
            &[("id", &to_delete)]
        )
        .is_none(),
        "a deleted segment's series disappears"
    );
    assert_eq!(
        sample(
            &after,
            "zpa_application_segment_info",
            &[("id", &to_disable), ("enabled", "false")]
        ),
        Some(1.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn renews_the_token_before_it_expires() {
    let sim_config = SimulatorConfig {
        token_ttl: Duration::from_secs(5),
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let exporter = start_exporter(only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        CORE,
    ))
    .await;
    wait_rounds(&exporter, 8).await;
    let control = sim.control();
    assert!(
        control.request_count("signin") >= 2,
        "renewed at least once"
    );
    let unauthorized = control
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(
        unauthorized, 0,
        "renewal happens before expiry, not after a 401"
    );
    let body = scrape(&exporter).await;
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0));
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_costs_exactly_one_new_sign_in() {
    let (sim, exporter) = core_exporter().await;
    wait_rounds(&exporter, 1).await;
    assert_eq!(sim.control().request_count("signin"), 1);
    sim.control().revoke_tokens();
    wait_more_rounds(&exporter, 2).await;
    assert_eq!(
        sim.control().request_count("signin"),
        2,
        "one re-sign-in after the 401"
    );
    let body = scrape(&exporter).await;
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0));
    assert!(
        sum(
            &body,
            "zpa_api_retries_total",
            &[("reason", "unauthorized")]
        ) >= 1.0
    );
    assert!(sum(&body, "zpa_api_requests_total", &[("code", "401")]) >= 1.0);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn honours_retry_after_on_429() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    sim.control().set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::RateLimit {
            retry_after: "2s".into(),
        },
        count: Some(1),
        skip: 0,
    });
    let exporter =
        start_exporter(exporter_config(&sim, &sim_config, Duration::from_secs(60))).await;
    wait_rounds(&exporter, 1).await;
    let log: Vec<_> = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "application")
        .collect();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0].status, 429);
    assert_eq!(log[1].status, 200);
    let gap = log[1].at.saturating_sub(log[0].at);
    assert!(
        gap >= Duration::from_secs(2),
        "retried after {gap:?}, before retry-after"
    );
    let body = scrape(&exporter).await;
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0));
    assert_eq!(
        sample(
            &body,
            "zpa_api_requests_total",
            &[("endpoint", "application"), ("code", "429")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_api_retries_total",
            &[("endpoint", "application"), ("reason", "rate_limited")]
        ),
        Some(1.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn client_side_rate_limit_prevents_429s() {
    // 3 000 segments = 6 pages, plus microtenants: more GETs than the 5-per-2s limit allows at once.
    let sim_config = SimulatorConfig {
        segments: 3000,
        rate_limit: Some((5, Duration::from_secs(2))),
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let exporter =
        start_exporter(exporter_config(&sim, &sim_config, Duration::from_secs(60))).await;
    wait_rounds(&exporter, 1).await;
    let log = sim.control().requests();
    assert!(log.iter().all(|r| r.status != 429), "{log:?}");
    assert_eq!(sim.control().request_count("application"), 6);
    let body = scrape(&exporter).await;
    assert_eq!(sum(&body, "zpa_application_segments", &[]), 3000.0);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_credentials_are_counted_and_mark_the_exporter_down() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let wrong = SimulatorConfig {
        client_secret: "wrong-secret".into(),
        ..sim_config.clone()
    };
    let exporter = start_exporter(only_collectors(
        exporter_config(&sim, &wrong, Duration::from_secs(1)),
        CORE,
    ))
    .await;
    wait_rounds(&exporter, 2).await;
    let body = scrape(&exporter).await;
    assert!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")]
        )
        .unwrap()
            >= 1.0
    );
    assert_eq!(
        sample(&body, "zpa_signin_failures_total", &[("reason", "network")]),
        Some(0.0)
    );
    assert!(sample(&body, "zpa_signin_consecutive_failures", &[]).unwrap() >= 1.0);
    assert_eq!(sample(&body, "zpa_up", &[]), Some(0.0));
    assert_eq!(
        sample(
            &body,
            "zpa_collector_success",
            &[("collector", "application_segments")]
        ),
        Some(0.0)
    );
    assert!(!body.contains("wrong-secret"));
    let (status, _, _) = get(exporter.local_addr(), "/-/ready").await;
    assert_eq!(status, 503, "not ready before a successful poll");
    let (status, _, _) = get(exporter.local_addr(), "/-/healthy").await;
    assert_eq!(status, 200);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_broken_upstream_keeps_the_last_good_values() {
    let (sim, exporter) = core_exporter().await;
    wait_rounds(&exporter, 1).await;
    let good = scrape(&exporter).await;
    let last_success = sample(
        &good,
        "zpa_collector_last_success_timestamp_seconds",
        &[("collector", "application_segments")],
    )
    .unwrap();
    let (status, _, _) = get(exporter.local_addr(), "/-/ready").await;
    assert_eq!(status, 200);

    sim.control().set_fault(Fault {
        endpoint: "*".into(),
        kind: FaultKind::Status(503),
        count: None,
        skip: 0,
    });
    wait_more_rounds(&exporter, 2).await;
    let stale = scrape(&exporter).await;
    assert_eq!(sample(&stale, "zpa_up", &[]), Some(0.0));
    assert_eq!(
        sample(
            &stale,
            "zpa_collector_success",
            &[("collector", "application_segments")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &stale,
            "zpa_collector_last_success_timestamp_seconds",
            &[("collector", "application_segments")]
        ),
        Some(last_success),
        "last success stays put"
    );
    assert_eq!(
        samples(&stale, "zpa_application_segments", &[]),
        samples(&good, "zpa_application_segments", &[]),
        "last good values still served"
    );
    assert!(sum(&stale, "zpa_api_requests_total", &[("code", "503")]) >= 1.0);
    assert!(
        sum(
            &stale,
            "zpa_api_retries_total",
            &[("reason", "server_error")]
        ) >= 1.0
    );
    let (status, _, _) = get(exporter.local_addr(), "/-/ready").await;
    assert_eq!(status, 200, "stays ready: it has data to serve");

    sim.control().clear_faults();
    wait_more_rounds(&exporter, 2).await;
    let healed = scrape(&exporter).await;
    assert_eq!(sample(&healed, "zpa_up", &[]), Some(1.0));
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn negotiates_the_exposition_format() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let exporter =
        start_exporter(exporter_config(&sim, &sim_config, Duration::from_secs(60))).await;
    wait_rounds(&exporter, 1).await;
    let addr = exporter.local_addr();
    let (_, ct, body) = get(addr, "/metrics").await;
    assert_eq!(ct, "text/plain; version=0.0.4; charset=utf-8");
    assert!(!body.contains("# EOF"));
    let (_, ct, body) = get_with_accept(
        addr,
        "/metrics",
        Some("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"),
    )
    .await;
    assert_eq!(
        ct,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert!(body.ends_with("# EOF\n"));
    let (status, ct, html) = get(addr, "/").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    assert!(html.contains("href=\"/metrics\"") && html.contains("application_segments"));
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// Names in the default tenant include quotes, backslashes and non-Latin text: the output must
/// still be valid for promtool.
#[tokio::test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
async fn promtool_accepts_the_output() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    config.collector_options.segment_info = true;
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;
    let (ok, said) = promtool_check_metrics(&body);
    assert!(ok, "promtool check metrics failed:\n{said}\n---\n{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}
