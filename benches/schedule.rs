//! How the scheduler spends ZPA's budget on a large tenant, with default flags and the real
//! limit of 20 GETs per 10 s enforced by the simulator as ZPA enforces it.
//!
//! `cargo bench --bench schedule` runs a tenant of 100 000 application segments and 2 000 App
//! Connectors for `ZPA_BENCH_SECONDS` (default 420: past the second segment listing at 5 min)
//! and prints, from the simulator's own request log:
//! - App Connector data age: the longest gap between two completed connector listings (the
//!   default interval is 60 s, so 60 s is perfect);
//! - time to the first full inventory (every collector succeeded once, `/-/ready`) against the
//!   budget's lower bound, the GETs it needed divided by 2 per second;
//! - 429 answers (must be 0) and the most GETs in any 10 s window (must be at most 20).
//!
//! `cargo bench --bench schedule -- --short` (what CI runs) makes the same checks on 20 000
//! segments for 45 s (`ZPA_BENCH_SECONDS` still overrides): its first inventory alone needs
//! about three windows' worth of GETs, so the limiter is held at the limit for most of the run.
//! Either way the run fails unless it sent more GETs than two windows allow, so a run that
//! barely asked anything cannot pass the limit checks.
//!
//! It runs in real time (the limit is real), so it takes as long as it says.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use zpa_simulator::SimulatorConfig;

/// ZPA's documented limit: GETs per window.
const LIMIT: usize = 20;
const WINDOW: Duration = Duration::from_secs(10);

/// The tenant and how long to watch it.
struct Mode {
    segments: usize,
    seconds: u64,
}

impl Mode {
    /// The full run, or `--short`'s (cargo bench adds `--bench`); anything else is refused, so
    /// a mistyped `--short` does not start a 7-minute run.
    fn from_args() -> Mode {
        let mut mode = Mode {
            segments: 100_000,
            seconds: 420,
        };
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--bench" => {}
                "--short" => {
                    mode = Mode {
                        segments: 20_000,
                        seconds: 45,
                    }
                }
                other => panic!("unknown argument {other:?}: the schedule bench takes --short"),
            }
        }
        if let Some(seconds) = std::env::var("ZPA_BENCH_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            mode.seconds = seconds;
        }
        mode
    }
}

#[tokio::main]
async fn main() {
    let Mode { segments, seconds } = Mode::from_args();
    let sim_config = SimulatorConfig {
        segments,
        connectors: 2_000,
        // ZPA's documented limit, enforced per fixed window as ZPA does.
        rate_limit: Some((LIMIT as u32, WINDOW)),
        ..SimulatorConfig::default()
    };
    let sim = common::start_simulator(sim_config.clone()).await;
    // Default flags: per-collector default intervals, --zpa.rate-limit=20/10s.
    let config = common::target_config(&sim, &sim_config);
    let started = Instant::now();
    let exporter = zpa_exporter::start(config).await.unwrap();
    let mut ready_after = None;
    while started.elapsed() < Duration::from_secs(seconds) {
        if ready_after.is_none() && exporter.snapshot().ready() {
            ready_after = Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let snapshot = exporter.snapshot();
    exporter.shutdown().await;
    let log = sim.control().requests();
    sim.shutdown().await;

    let gets: Vec<f64> = log
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.at.as_secs_f64())
        .collect();
    let rejected = log.iter().filter(|r| r.status == 429).count();
    let window = WINDOW.as_secs_f64();
    let mut peak = 0;
    for (i, start) in gets.iter().enumerate() {
        let n = gets[i..]
            .iter()
            .take_while(|t| **t < start + window)
            .count();
        peak = peak.max(n);
    }
    let connector_pages = sim_config.connectors.div_ceil(500) as u32;
    let connector_done: Vec<f64> = log
        .iter()
        .filter(|r| r.endpoint == "connector" && r.page == Some(connector_pages))
        .map(|r| r.at.as_secs_f64())
        .collect();
    let worst_gap = connector_done
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(0.0, f64::max);
    let ready = ready_after.map(|d| d.as_secs_f64());
    let gets_to_ready = ready.map_or(gets.len(), |r| gets.iter().filter(|t| **t <= r).count());
    let bound = gets_to_ready as f64 / 2.0;
    let segment_listings = log
        .iter()
        .filter(|r| r.endpoint == "application" && r.page == Some(1))
        .count();

    println!(
        "tenant: {segments} segments, {} App Connectors, limit {LIMIT} GETs / {} s, default flags, {seconds} s",
        sim_config.connectors,
        WINDOW.as_secs()
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| App Connector listings completed | {} (interval {}) |",
        connector_done.len(),
        humantime::format_duration(snapshot.collector("app_connectors").unwrap().interval)
    );
    println!("| App Connector data age: longest gap between listings | {worst_gap:.1} s |");
    match ready {
        Some(r) => println!(
            "| first full inventory (/-/ready) | {r:.1} s for {gets_to_ready} GETs; lower bound {bound:.1} s; ratio {:.2} |",
            r / bound
        ),
        None => println!("| first full inventory (/-/ready) | not within {seconds} s |"),
    }
    println!("| segment listings started | {segment_listings} |");
    println!("| 429 answers | {rejected} |");
    println!("| GETs sent | {} |", gets.len());
    println!("| most GETs in any 10 s | {peak} |");
    println!(
        "| planned budget utilization | {:.0} % |",
        snapshot.budget.utilization * 100.0
    );
    assert!(
        gets.len() > 2 * LIMIT,
        "only {} GETs in {seconds} s: the limit was never under pressure, nothing was checked",
        gets.len()
    );
    assert_eq!(rejected, 0, "the limiter must prevent every 429");
    assert!(peak <= LIMIT, "{peak} GETs in one 10 s window");
}
