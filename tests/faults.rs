//! Fault injection: ZPA misbehaves in every way the simulator can, and the exporter must keep
//! serving the last good values, say they are stale, stay within the rate limit, and recover on
//! its own once ZPA heals. Recovery is asserted in collector runs (the run under way when ZPA
//! heals, or the next); each scenario also prints its measured recovery time (the README table
//! quotes these runs).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::*;
use zpa_exporter::RunningExporter;
use zpa_simulator::{Fault, FaultKind, SimulatorConfig};

const INTERVAL: Duration = Duration::from_secs(2);

struct Setup {
    sim: zpa_simulator::RunningSimulator,
    sim_config: SimulatorConfig,
    exporter: RunningExporter,
    good: String,
}

async fn setup(sim_config: SimulatorConfig) -> Setup {
    let sim = start_simulator(sim_config.clone()).await;
    // Three collectors keep a cycle within ZPA's 20 GETs per 10 s at a 2 s interval, so the
    // real limit stays on and what the suite measures is the fault, not the rate limiter.
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, INTERVAL),
        &["microtenants", "application_segments", "app_connectors"],
    );
    config.request_timeout = Duration::from_secs(2);
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    let good = scrape(&exporter).await;
    assert_eq!(
        sample(&good, "zpa_up", &[]),
        Some(1.0),
        "healthy before the fault"
    );
    Setup {
        sim,
        sim_config,
        exporter,
        good,
    }
}

/// Stale but served: the last good inventory, `zpa_up 0`, the failing collector marked and its
/// last-success time frozen.
fn assert_stale_but_served(good: &str, during: &str, collector: &str) {
    assert_eq!(
        sample(during, "zpa_up", &[]),
        Some(0.0),
        "zpa_up shows the failure"
    );
    assert_eq!(
        sample(during, "zpa_collector_success", &[("collector", collector)]),
        Some(0.0)
    );
    let last = |body: &str| {
        sample(
            body,
            "zpa_collector_last_success_timestamp_seconds",
            &[("collector", collector)],
        )
    };
    assert_eq!(
        last(during),
        last(good),
        "last success stays put while failing"
    );
    for metric in [
        "zpa_application_segments",
        "zpa_app_connectors",
        "zpa_microtenant_info",
    ] {
        assert_eq!(
            samples(during, metric, &[]),
            samples(good, metric, &[]),
            "{metric} still served"
        );
    }
}

/// No window of 10 s holds more than 20 API GETs at the simulator.
fn assert_within_rate_limit(sim: &zpa_simulator::RunningSimulator) {
    let gets: Vec<Duration> = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.at)
        .collect();
    for (i, start) in gets.iter().enumerate() {
        let in_window = gets[i..]
            .iter()
            .take_while(|t| **t < *start + Duration::from_secs(10))
            .count();
        assert!(
            in_window <= 20,
            "{in_window} GETs within 10 s from {start:?}"
        );
    }
}

/// Clears the faults, waits until `zpa_up` is 1 again and asserts the recovery in runs (see
/// [`wait_for_recovery`]); the time it took is printed (the README quotes it).
async fn heal_and_measure(s: &Setup, scenario: &str) {
    s.sim.control().clear_faults();
    let healed = Instant::now();
    wait_for_recovery(&s.exporter, scenario).await;
    eprintln!(
        "RECOVERY {scenario}: {:.1} s (interval {} s)",
        healed.elapsed().as_secs_f64(),
        INTERVAL.as_secs()
    );
}

/// Waits until every collector has succeeded again and `/metrics` says `zpa_up 1`, asserting
/// that each collector's first success came with the run under way when ZPA healed (it may
/// still fail) or the next one. Counted in runs, which a loaded machine does not change; a
/// deadline far beyond any backoff catches an exporter that does not recover on its own.
async fn wait_for_recovery(exporter: &RunningExporter, scenario: &str) {
    let before: BTreeMap<&str, u64> = exporter
        .snapshot()
        .collectors
        .iter()
        .map(|c| (c.name, c.runs))
        .collect();
    // A collector's `runs` and `success` change in one snapshot update, and after a success the
    // next run is an interval (2 s) away: polling every 20 ms sees the run that succeeded.
    let mut runs_to_success = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while runs_to_success.len() < before.len() {
        for c in &exporter.snapshot().collectors {
            if c.success && c.runs > before[c.name] {
                runs_to_success
                    .entry(c.name)
                    .or_insert(c.runs - before[c.name]);
            }
        }
        assert!(
            Instant::now() < deadline,
            "{scenario}: no recovery within 60 s: {:?}",
            exporter.snapshot().collectors
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for (name, runs) in &runs_to_success {
        assert!(
            *runs <= 2,
            "{scenario}: {name} needed {runs} runs after the heal to succeed again"
        );
    }
    let body = scrape(exporter).await;
    assert_eq!(
        sample(&body, "zpa_up", &[]),
        Some(1.0),
        "{scenario}: {body}"
    );
}

async fn finish(s: Setup) {
    s.exporter.shutdown().await;
    s.sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_storm() {
    let s = setup(small_tenant()).await;
    s.sim.control().set_fault(fault(
        "*",
        FaultKind::RateLimit {
            retry_after: "1s".into(),
        },
    ));
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_stale_but_served(&s.good, &during, "microtenants");
    assert!(sum(&during, "zpa_api_requests_total", &[("code", "429")]) >= 1.0);
    assert!(
        sum(
            &during,
            "zpa_api_retries_total",
            &[("reason", "rate_limited")]
        ) >= 1.0
    );
    assert_within_rate_limit(&s.sim);
    heal_and_measure(&s, "429 storm").await;
    finish(s).await;
}

#[tokio::test]
async fn server_error_burst() {
    let s = setup(small_tenant()).await;
    s.sim
        .control()
        .set_fault(fault("*", FaultKind::Status(503)));
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_stale_but_served(&s.good, &during, "microtenants");
    assert!(
        sum(
            &during,
            "zpa_api_retries_total",
            &[("reason", "server_error")]
        ) >= 1.0
    );
    assert_within_rate_limit(&s.sim);
    heal_and_measure(&s, "5xx burst").await;
    finish(s).await;
}

#[tokio::test]
async fn hung_response() {
    let s = setup(small_tenant()).await;
    s.sim
        .control()
        .set_fault(fault("application", FaultKind::Hang));
    wait_more_rounds(&s.exporter, 1).await;
    let during = scrape(&s.exporter).await;
    assert_stale_but_served(&s.good, &during, "application_segments");
    assert!(
        sum(
            &during,
            "zpa_api_requests_total",
            &[("endpoint", "application"), ("code", "error")]
        ) >= 1.0
    );
    heal_and_measure(&s, "hung response").await;
    finish(s).await;
}

#[tokio::test]
async fn slow_response_is_not_a_failure() {
    let s = setup(small_tenant()).await;
    s.sim.control().set_fault(fault(
        "application",
        FaultKind::Delay(Duration::from_millis(1200)),
    ));
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_eq!(sample(&during, "zpa_up", &[]), Some(1.0));
    assert!(
        sample(
            &during,
            "zpa_collector_duration_seconds",
            &[("collector", "application_segments")]
        )
        .unwrap()
            >= 1.2
    );
    finish(s).await;
}

#[tokio::test]
async fn malformed_and_truncated_bodies() {
    for (name, kind) in [
        ("malformed JSON", FaultKind::Malformed),
        ("truncated body", FaultKind::Truncated),
    ] {
        let s = setup(small_tenant()).await;
        s.sim.control().set_fault(fault("application", kind));
        wait_more_rounds(&s.exporter, 2).await;
        let during = scrape(&s.exporter).await;
        assert_stale_but_served(&s.good, &during, "application_segments");
        assert_eq!(
            sample(
                &during,
                "zpa_collector_success",
                &[("collector", "app_connectors")]
            ),
            Some(1.0),
            "{name}: other collectors go on"
        );
        heal_and_measure(&s, name).await;
        finish(s).await;
    }
}

#[tokio::test]
async fn repeating_page_with_lying_total() {
    let s = setup(small_tenant()).await;
    s.sim
        .control()
        .set_fault(fault("application", FaultKind::RepeatPage));
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_stale_but_served(&s.good, &during, "application_segments");
    // Caught on the second page, not after thousands.
    let pages = s
        .sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == "application")
        .count();
    assert!(pages <= 2 + 2 * 3, "{pages} requests for a repeating page");
    heal_and_measure(&s, "repeating page").await;
    finish(s).await;
}

#[tokio::test]
async fn unauthorized_mid_pagination_resumes_after_one_sign_in() {
    let s = setup(SimulatorConfig {
        segments: 1234,
        ..small_tenant()
    })
    .await;
    s.sim.control().reset_stats();
    s.sim.control().set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::Unauthorized,
        count: Some(1),
        skip: 1,
    });
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_eq!(
        sample(&during, "zpa_up", &[]),
        Some(1.0),
        "one re-sign-in is enough"
    );
    assert_eq!(sum(&during, "zpa_application_segments", &[]), 1234.0);
    assert!(s.sim.control().request_count("signin") >= 1);
    let retried_page: Vec<_> = s
        .sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "application")
        .take(4)
        .map(|r| (r.page, r.status))
        .collect();
    assert_eq!(
        retried_page,
        vec![
            (Some(1), 200),
            (Some(2), 401),
            (Some(2), 200),
            (Some(3), 200)
        ]
    );
    finish(s).await;
}

#[tokio::test]
async fn revoked_token_mid_run() {
    let s = setup(small_tenant()).await;
    let signins = s.sim.control().request_count("signin");
    s.sim.control().revoke_tokens();
    wait_more_rounds(&s.exporter, 2).await;
    let during = scrape(&s.exporter).await;
    assert_eq!(sample(&during, "zpa_up", &[]), Some(1.0));
    assert_eq!(s.sim.control().request_count("signin"), signins + 1);
    finish(s).await;
}

#[tokio::test]
async fn sign_in_outage_backs_off() {
    let s = setup(small_tenant()).await;
    s.sim
        .control()
        .set_fault(fault("signin", FaultKind::SigninRefused));
    s.sim.control().revoke_tokens();
    let before = s.sim.control().request_count("signin");
    // Five attempts, however long a loaded machine takes for them; then their spacing.
    let deadline = Instant::now() + Duration::from_secs(60);
    while s.sim.control().request_count("signin") < before + 5 {
        assert!(
            Instant::now() < deadline,
            "sign-in was not retried 5 times within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let during = scrape(&s.exporter).await;
    assert_stale_but_served(&s.good, &during, "microtenants");
    assert!(
        sample(
            &during,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")]
        )
        .unwrap()
            >= 2.0
    );
    assert!(sample(&during, "zpa_signin_consecutive_failures", &[]).unwrap() >= 2.0);
    // Never a storm: after the n-th failure the next attempt waits at least the backoff, 1 s
    // doubling, capped at the shortest interval (2 s). Only lower bounds: load lengthens gaps.
    let attempts: Vec<Duration> = s
        .sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "signin")
        .map(|r| r.at)
        .skip(before as usize)
        .collect();
    for (n, pair) in attempts.windows(2).take(4).enumerate() {
        let backoff = Duration::from_secs(1 << n).min(INTERVAL);
        // The simulator's clock and the exporter's may read a few milliseconds apart.
        let slack = Duration::from_millis(50);
        assert!(
            pair[1] - pair[0] + slack >= backoff,
            "sign-in attempt {} came {:?} after the previous failure, before the {backoff:?} \
             backoff: {attempts:?}",
            n + 2,
            pair[1] - pair[0]
        );
    }
    heal_and_measure(&s, "sign-in outage").await;
    let healed = scrape(&s.exporter).await;
    assert_eq!(
        sample(&healed, "zpa_signin_consecutive_failures", &[]),
        Some(0.0)
    );
    finish(s).await;
}

#[tokio::test]
async fn flapping_endpoint() {
    let s = setup(small_tenant()).await;
    let mut saw_down = false;
    for _ in 0..3 {
        s.sim
            .control()
            .set_fault(fault("application", FaultKind::Status(500)));
        wait_more_rounds(&s.exporter, 1).await;
        let body = scrape(&s.exporter).await;
        saw_down |= sample(
            &body,
            "zpa_collector_success",
            &[("collector", "application_segments")],
        ) == Some(0.0);
        assert_eq!(
            samples(&body, "zpa_application_segments", &[]),
            samples(&s.good, "zpa_application_segments", &[])
        );
        s.sim.control().clear_faults();
        wait_more_rounds(&s.exporter, 1).await;
    }
    assert!(saw_down);
    assert_within_rate_limit(&s.sim);
    heal_and_measure(&s, "flapping endpoint").await;
    finish(s).await;
}

#[tokio::test]
async fn simulator_restart() {
    let s = setup(small_tenant()).await;
    let addr = s.sim.addr();
    let Setup {
        sim,
        sim_config,
        exporter,
        good,
    } = s;
    sim.shutdown().await;
    wait_more_rounds(&exporter, 1).await;
    let during = scrape(&exporter).await;
    assert_stale_but_served(&good, &during, "microtenants");
    assert!(sum(&during, "zpa_api_requests_total", &[("code", "error")]) >= 1.0);
    // Same address, new process state: old tokens are unknown to it.
    let sim = zpa_simulator::spawn(sim_config.clone(), addr)
        .await
        .expect("rebind");
    let restarted = Instant::now();
    wait_for_recovery(&exporter, "simulator restart").await;
    eprintln!(
        "RECOVERY simulator restart: {:.1} s",
        restarted.elapsed().as_secs_f64()
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// 32 scrapers, 20 scrapes each, while ZPA fails: every scrape answers 200 with a parseable
/// body, and memory stays flat. A fixed amount of work, not a time: how many scrapes a loaded
/// machine manages per second is for `tools/bench-scrape.sh`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_scrapes_during_faults() {
    const SCRAPERS: u32 = 32;
    const EACH: u32 = 20;
    let s = setup(small_tenant()).await;
    s.sim
        .control()
        .set_fault(fault("*", FaultKind::Status(503)));
    let addr = s.exporter.local_addr();
    let rss = |body: &str| sample(body, "process_resident_memory_bytes", &[]).unwrap_or(0.0);
    let rss_before = rss(&scrape(&s.exporter).await);
    let runs = |e: &RunningExporter| -> Vec<u64> {
        e.snapshot().collectors.iter().map(|c| c.runs).collect()
    };
    let runs_before = runs(&s.exporter);
    let started = Instant::now();
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..SCRAPERS {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors) = (0u32, 0u32);
            for _ in 0..EACH {
                match client.get(format!("http://{addr}/metrics")).send().await {
                    Ok(r) if r.status() == 200 => match r.text().await {
                        Ok(body) if body.contains("zpa_up ") => ok += 1,
                        _ => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
            (ok, errors)
        }));
    }
    let (mut ok, mut errors) = (0, 0);
    for t in tasks {
        let (o, e) = t.await.unwrap();
        ok += o;
        errors += e;
    }
    let took = started.elapsed();
    // The collectors kept failing (and running) meanwhile: the scrapes ran during the faults.
    wait_more_rounds(&s.exporter, 1).await;
    let during = scrape(&s.exporter).await;
    assert_eq!(sample(&during, "zpa_up", &[]), Some(0.0));
    assert!(runs(&s.exporter)
        .iter()
        .zip(&runs_before)
        .all(|(now, then)| now > then));
    let rss_after = rss(&during);
    eprintln!(
        "CONCURRENT SCRAPES: {ok} ok, {errors} errors in {:.1} s; RSS {:.1} MiB -> {:.1} MiB",
        took.as_secs_f64(),
        rss_before / 1048576.0,
        rss_after / 1048576.0
    );
    assert_eq!(errors, 0);
    assert_eq!(ok, SCRAPERS * EACH);
    assert!(
        rss_after < rss_before + 64.0 * 1048576.0,
        "memory grew from {rss_before} to {rss_after}"
    );
    finish(s).await;
}
