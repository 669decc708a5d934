//! Several tenants in one exporter (issue 19): isolation, budgets, per-tenant failures, and a
//! valid exposition.
//!
//! Three simulated tenants in one simulator process, read by one exporter: one signs in with
//! a wrong key, one hangs on every App Connector listing. The third must not notice: its App
//! Connector cadence is compared with the same tenant read alone by a second exporter running
//! at the same time (same machine load for both), from the simulators' own arrival records.

mod common;

use std::time::Duration;

use common::*;
use zpa_simulator::{spawn_tenants, FaultKind, RunningTenants, SimulatorConfig};

const COLLECTORS: &[&str] = &["app_connectors", "service_edges", "application_segments"];
/// Page-1 App Connector listings of the healthy tenant to observe in each exporter.
const RUNS: usize = 6;

fn base() -> SimulatorConfig {
    SimulatorConfig {
        segments: 20,
        connectors: 10,
        ..SimulatorConfig::default()
    }
}

/// When each App Connector listing of `tenant` began (its page 1 arrived).
fn connector_runs(sim: &RunningTenants, tenant: usize) -> Vec<Duration> {
    sim.tenants()[tenant]
        .requests()
        .iter()
        .filter(|r| r.endpoint == "connector" && r.page == Some(1))
        .map(|r| r.at)
        .collect()
}

fn mean_gap(runs: &[Duration]) -> Duration {
    let gaps: Vec<Duration> = runs.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.iter().sum::<Duration>() / gaps.len() as u32
}

/// The most GETs `tenant` received in any `window`.
fn busiest_window(sim: &RunningTenants, tenant: usize, window: Duration) -> usize {
    let gets: Vec<Duration> = sim.tenants()[tenant]
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.at)
        .collect();
    (0..gets.len())
        .map(|i| {
            gets[i..]
                .iter()
                .take_while(|t| **t - gets[i] < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_and_a_hang_do_not_touch_the_third_tenant() {
    let together = spawn_tenants(base(), 3, loopback()).await.unwrap();
    let alone = spawn_tenants(base(), 1, loopback()).await.unwrap();
    together.tenants()[2].set_fault(fault("connector", FaultKind::Hang));
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("together"), dir.path().join("alone"));
    std::fs::create_dir_all(&d1).unwrap();
    std::fs::create_dir_all(&d2).unwrap();
    let interval = Duration::from_secs(1);
    let three = write_tenants_file(
        &d1,
        &together,
        &[
            FileTenant {
                name: "healthy",
                sim_tenant: 0,
                secret: None,
            },
            FileTenant {
                name: "badkey",
                sim_tenant: 1,
                secret: Some("wrong-secret"),
            },
            FileTenant {
                name: "hung",
                sim_tenant: 2,
                secret: None,
            },
        ],
        interval,
    );
    let one = write_tenants_file(
        &d2,
        &alone,
        &[FileTenant {
            name: "healthy",
            sim_tenant: 0,
            secret: None,
        }],
        interval,
    );
    let both = start_exporter(tenants_config(&three, COLLECTORS)).await;
    let single = start_exporter(tenants_config(&one, COLLECTORS)).await;
    assert_eq!(both.tenant_names(), ["healthy", "badkey", "hung"]);

    // Observed events bound the window: RUNS listings in each, whatever the machine's load
    // (each published run follows its page-1 request, which the simulator recorded first).
    let runs_of = |e: &zpa_exporter::RunningExporter| {
        let mut updates = e.subscribe_tenant("healthy").expect("healthy runs");
        async move {
            updates
                .wait_for(|s| {
                    s.collector("app_connectors")
                        .is_some_and(|c| c.runs >= RUNS as u64)
                })
                .await
                .map(|_| ())
        }
    };
    tokio::time::timeout(
        Duration::from_secs(180),
        futures_util::future::try_join(runs_of(&both), runs_of(&single)),
    )
    .await
    .unwrap_or_else(|_| {
        panic!(
            "too few listings: {} together, {} alone",
            connector_runs(&together, 0).len(),
            connector_runs(&alone, 0).len()
        )
    })
    .unwrap();
    let with_others = mean_gap(&connector_runs(&together, 0)[..RUNS]);
    let by_itself = mean_gap(&connector_runs(&alone, 0)[..RUNS]);
    println!("healthy tenant's App Connector cadence: {with_others:?} beside a bad key and a hang, {by_itself:?} alone");
    assert!(
        with_others.as_secs_f64() <= by_itself.as_secs_f64() * 1.1,
        "the healthy tenant slowed down: {with_others:?} vs {by_itself:?} alone"
    );

    // The hung listing fails by its request timeout; wait for that to be published.
    let mut hung = both.subscribe_tenant("hung").unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        hung.wait_for(|s| {
            s.collector("app_connectors")
                .is_some_and(|c| c.runs > 0 && !c.success)
        }),
    )
    .await
    .expect("the hung listing fails in time")
    .unwrap();
    let body = scrape(&both).await;
    let up = |t: &str| sample(&body, "zpa_up", &[("tenant", t)]);
    assert_eq!(up("healthy"), Some(1.0), "{body}");
    assert_eq!(up("badkey"), Some(0.0));
    assert_eq!(up("hung"), Some(0.0));
    assert!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("tenant", "badkey"), ("reason", "invalid_credentials")]
        )
        .unwrap()
            >= 1.0
    );
    assert_eq!(
        sample(
            &body,
            "zpa_collector_success",
            &[("tenant", "hung"), ("collector", "app_connectors")]
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_collector_success",
            &[("tenant", "hung"), ("collector", "service_edges")]
        ),
        Some(1.0),
        "the hung tenant's other collectors go on"
    );
    // Ready: at least one tenant is, and the body says which are not.
    let (status, _, ready) = get(both.local_addr(), "/-/ready").await;
    assert_eq!(status, 200, "{ready}");
    assert!(ready.contains("badkey: not ready"), "{ready}");
    let (_, _, landing) = get(both.local_addr(), "/").await;
    for t in ["healthy", "badkey", "hung"] {
        assert!(landing.contains(&format!("/?tenant={t}")), "{landing}");
    }

    // Each tenant's GETs kept to its own 20 per 10 s (arrival times; 100 ms for delivery).
    for t in 0..3 {
        let most = busiest_window(&together, t, Duration::from_millis(9_900));
        assert!(most <= 20, "tenant {t}: {most} GETs in 10 s");
        assert!(
            !together.tenants()[t]
                .status_counts("connector")
                .contains_key(&429),
            "tenant {t} was rate limited"
        );
    }

    both.shutdown().await;
    single.shutdown().await;
    together.shutdown().await;
    alone.shutdown().await;
}

/// Three tenants, one of them failing to sign in, make one exposition promtool accepts: each
/// family's header once, its samples together.
#[tokio::test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
async fn three_tenants_make_one_valid_exposition() {
    let promtool = promtool();
    let sim = spawn_tenants(base(), 3, loopback()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tenant = |name, sim_tenant, secret| FileTenant {
        name,
        sim_tenant,
        secret,
    };
    let file = write_tenants_file(
        dir.path(),
        &sim,
        &[
            tenant("a", 0, None),
            tenant("b", 1, Some("wrong-secret")),
            tenant("c", 2, None),
        ],
        Duration::from_secs(60),
    );
    let exporter = start_exporter(tenants_config(&file, COLLECTORS)).await;
    for (name, succeeds) in [("a", true), ("b", false), ("c", true)] {
        let mut updates = exporter.subscribe_tenant(name).unwrap();
        tokio::time::timeout(
            Duration::from_secs(60),
            updates.wait_for(|s| {
                s.collectors
                    .iter()
                    .all(|c| c.runs > 0 && c.success == succeeds)
            }),
        )
        .await
        .expect("every tenant's first round in time")
        .unwrap();
    }
    let body = scrape(&exporter).await;
    let (ok, out) = run_with_stdin(
        std::process::Command::new(promtool).args(["check", "metrics"]),
        &body,
    );
    assert!(ok, "promtool check metrics failed:\n{out}\n---\n{body}");
    for t in ["a", "b", "c"] {
        assert!(
            sample(&body, "zpa_up", &[("tenant", t)]).is_some(),
            "{body}"
        );
    }
    exporter.shutdown().await;
    sim.shutdown().await;
}

fn run_with_stdin(cmd: &mut std::process::Command, input: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
