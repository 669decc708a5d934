//! A hostile or broken upstream: the simulator's `hugeBody` fault answers with bodies of hundreds
//! of MiB on sign-in and on error statuses, and over the size limit on success. The exporter
//! must read only what it needs (a few KiB of an error, at most the limit of a success), never
//! fetch an oversized body twice in a run, say what happened, and keep serving.
//!
//! Memory is checked through the test process's peak RSS (`VmHWM`), which the simulator shares:
//! it generates the bodies as it sends them, so what grows is what the exporter buffers. The
//! tests in this binary that stream huge bodies run one after the other behind one lock, with the
//! peak reset before each (`/proc/self/clear_refs`), so each measures only itself.

mod common;

use std::time::Duration;

use common::*;
use zpa_exporter::RunningExporter;
use zpa_simulator::{FaultKind, RunningSimulator, SimulatorConfig};

const MIB: u64 = 1024 * 1024;
/// What a hostile server offers: more than the shipped Kubernetes memory limit (128 Mi).
const HUGE: u64 = 200 * MIB;
/// What the exporter may grow by while refusing such bodies: its own working set plus
/// allocator slack, far below one huge body.
const ERROR_GROWTH_BOUND: u64 = 48 * MIB;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kib * 1024
}

fn current_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kib * 1024
}

/// Resets the peak to the current RSS (Linux ≥ 4.0), returning the new baseline.
fn reset_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("clear_refs is writable");
    current_rss()
}

struct Setup {
    sim: RunningSimulator,
    exporter: RunningExporter,
}

async fn setup(collectors: &[&'static str], interval: Duration) -> Setup {
    let sim_config = SimulatorConfig {
        seed: 11,
        microtenants: 1,
        segments: 20,
        ..SimulatorConfig::default()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(exporter_config(&sim, &sim_config, interval), collectors);
    config.request_timeout = Duration::from_secs(10);
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    Setup { sim, exporter }
}

fn huge(status: u16, chunked: bool) -> FaultKind {
    FaultKind::HugeBody {
        status,
        bytes: HUGE,
        chunked,
    }
}

/// The collector's last error once it has failed `runs_after` more times than `before`.
async fn wait_for_failure(exporter: &RunningExporter, collector: &str, before: u64) -> String {
    for _ in 0..300 {
        let snapshot = exporter.snapshot();
        let status = snapshot.collector(collector).unwrap();
        if status.runs > before && !status.success {
            return status.last_error.clone().unwrap_or_default();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{collector} did not fail");
}

fn runs(exporter: &RunningExporter, collector: &str) -> u64 {
    exporter.snapshot().collector(collector).unwrap().runs
}

#[tokio::test]
async fn huge_error_bodies_are_read_only_as_far_as_their_id() {
    let _serial = SERIAL.lock().await;
    let s = setup(&["app_connectors"], Duration::from_secs(1)).await;
    let baseline = reset_peak();
    let cases = [
        (404, true, "HTTP 404"),
        (500, false, "HTTP 500"),
        (401, false, "HTTP 401"),
        (400, true, "HTTP 400"),
        // Last: an unavailable resource is only asked again after half an hour.
        (403, false, "not available to this API key"),
    ];
    for (status, chunked, expected) in cases {
        s.sim.control().clear_faults();
        s.sim.control().reset_stats();
        let before = runs(&s.exporter, "app_connectors");
        s.sim
            .control()
            .set_fault(fault("connector", huge(status, chunked)));
        let error = wait_for_failure(&s.exporter, "app_connectors", before).await;
        assert!(
            error.contains(expected),
            "HTTP {status}: {error:?} should mention {expected:?}"
        );
        if status != 403 {
            let body = scrape(&s.exporter).await;
            assert!(
                sum(&body, "zpa_app_connectors", &[]) > 0.0,
                "HTTP {status}: the last good connectors are still served"
            );
        }
        let counts = s.sim.control().status_counts("connector");
        assert!(
            counts.get(&status).copied().unwrap_or(0) >= 1,
            "HTTP {status}: {counts:?}"
        );
    }
    s.sim.control().clear_faults();
    let growth = peak_rss().saturating_sub(baseline);
    eprintln!(
        "PEAK RSS growth over 5 error bodies of {} MiB: {:.1} MiB",
        HUGE / MIB,
        growth as f64 / MIB as f64
    );
    assert!(
        growth < ERROR_GROWTH_BOUND,
        "peak RSS grew by {} MiB refusing error bodies",
        growth / MIB
    );
    s.exporter.shutdown().await;
    s.sim.shutdown().await;
}

#[tokio::test]
async fn huge_sign_in_bodies_are_refused_within_the_limit() {
    let _serial = SERIAL.lock().await;
    let s = setup(&["app_connectors"], Duration::from_secs(1)).await;
    let baseline = reset_peak();
    for (status, chunked, reason) in [
        (401, false, "invalid_credentials"),
        (401, true, "invalid_credentials"),
        (200, true, "bad_response"),
        (200, false, "bad_response"),
    ] {
        s.sim.control().clear_faults();
        s.sim
            .control()
            .set_fault(fault("signin", huge(status, chunked)));
        s.sim.control().revoke_tokens();
        let before = scrape(&s.exporter).await;
        let failures =
            |body: &str| sample(body, "zpa_signin_failures_total", &[("reason", reason)]);
        let start = failures(&before).unwrap_or(0.0);
        let mut seen = false;
        // Sign-in backs off 1 s, 2 s, 4 s … between failures, and the cases follow each other.
        for _ in 0..600 {
            let body = scrape(&s.exporter).await;
            if failures(&body).unwrap_or(0.0) > start {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            seen,
            "HTTP {status} (chunked {chunked}) never counted as {reason}"
        );
    }
    s.sim.control().clear_faults();
    let growth = peak_rss().saturating_sub(baseline);
    eprintln!(
        "PEAK RSS growth over 4 sign-in bodies of {} MiB: {:.1} MiB",
        HUGE / MIB,
        growth as f64 / MIB as f64
    );
    assert!(
        growth < ERROR_GROWTH_BOUND,
        "peak RSS grew by {} MiB refusing sign-in bodies",
        growth / MIB
    );
    s.exporter.shutdown().await;
    s.sim.shutdown().await;
}

/// A success body over the 64 MiB limit: read up to the limit once, not retried within the
/// run, and the next attempt waits for the collector's regular interval instead of the short
/// failure backoff (1 s, then 2 s, 4 s …).
///
/// That nothing more happened is shown by something else that did: Service Edges, listed every
/// second, are the witness. Each run is due at least a second after the one before, so once
/// they have finished [`WITNESS_RUNS`] more runs than when the failure was seen, the simulator
/// has been answering for more than 4 s past the oversized fetch: a failure backoff would have
/// asked for the connectors again by then.
#[tokio::test]
async fn an_oversized_success_body_is_fetched_once_per_run() {
    /// Runs of the witness after the failure: the first may have been under way already, the
    /// second starts after it, and each later one at least 1 s after the one before.
    const WITNESS_RUNS: u64 = 6;
    let _serial = SERIAL.lock().await;
    let interval = Duration::from_secs(30);
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    sim.control().set_fault(fault(
        "connector",
        FaultKind::HugeBody {
            status: 200,
            bytes: 80 * MIB,
            chunked: true,
        },
    ));
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, interval),
        &["app_connectors", "service_edges"],
    );
    config
        .tenant_mut()
        .collector_intervals
        .insert("service_edges", Duration::from_secs(1));
    config.request_timeout = Duration::from_secs(10);
    let exporter = start_exporter(config).await;
    let error = wait_for_failure(&exporter, "app_connectors", 0).await;
    assert!(
        error.contains("exceeds the limit of 67108864 bytes") && error.contains("not retried"),
        "{error}"
    );
    assert_eq!(
        sim.control().request_count("connector"),
        1,
        "the oversized body was fetched again within the run"
    );
    let witness_runs = runs(&exporter, "service_edges");
    wait_runs(&exporter, "service_edges", witness_runs + WITNESS_RUNS).await;
    let log = sim.control().requests();
    let fetched = log
        .iter()
        .find(|r| r.endpoint == "connector")
        .expect("the oversized fetch is in the simulator's log")
        .at;
    let witnessed = log
        .iter()
        .rfind(|r| r.endpoint == "serviceEdge")
        .expect("the witness's listings are in the simulator's log")
        .at;
    let watched = witnessed.saturating_sub(fetched);
    eprintln!("WITNESS: Service Edge listings for {watched:?} past the oversized fetch");
    assert!(
        watched > Duration::from_secs(4),
        "the witness saw only {watched:?} past the oversized fetch: too short to prove anything"
    );
    assert_eq!(
        sim.control().request_count("connector"),
        1,
        "the oversized body was fetched again within {watched:?}, before the next regular run"
    );
    let body = scrape(&exporter).await;
    let next = sample(
        &body,
        "zpa_collector_next_run_timestamp_seconds",
        &[("collector", "app_connectors")],
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        next - now > interval.as_secs_f64() - 12.0,
        "next run in {:.0} s, expected about the {} s interval",
        next - now,
        interval.as_secs()
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// A 404 from the sign-in endpoint means the URL is wrong, not the key.
#[tokio::test]
async fn sign_in_404_is_a_bad_response_that_names_the_url() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    sim.control()
        .set_fault(fault("signin", FaultKind::Status(404)));
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &["app_connectors"],
    );
    let exporter = start_exporter(config).await;
    let error = wait_for_failure(&exporter, "app_connectors", 0).await;
    assert!(
        error.contains("the URL looks wrong") && error.contains("--zpa.base-url"),
        "{error}"
    );
    let body = scrape(&exporter).await;
    assert_eq!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "bad_response")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")]
        ),
        Some(0.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
