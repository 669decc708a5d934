//! Hostile scrapers against a whole exporter: clients that pipeline scrapes and never read,
//! floods of connections, more concurrent scrapes than allowed. The limits must hold
//! (`--web.max-connections`, `--web.max-requests`) and, above all, the poller must keep its
//! schedule whatever the HTTP side suffers, so `zpa_up` never drops because of scrapers.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zpa_exporter::Config;
use zpa_exporter::RunningExporter;
use zpa_simulator::{RunningSimulator, SimulatorConfig};

async fn setup(adjust: impl FnOnce(&mut Config)) -> (RunningSimulator, RunningExporter) {
    let sim_config = SimulatorConfig {
        seed: 5,
        microtenants: 2,
        segments: 400,
        connectors: 200,
        ..SimulatorConfig::default()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["app_connectors", "application_segments"],
    );
    adjust(&mut config);
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    (sim, exporter)
}

/// A connection that sends `requests` pipelined scrapes of `/metrics` and never reads a byte:
/// the server's writes stall once the socket buffers are full.
async fn non_reader(addr: SocketAddr, requests: usize) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let one = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n";
    // Written in the background of the socket: the server reads as it answers.
    let _ = tokio::time::timeout(
        Duration::from_millis(200),
        stream.write_all(one.repeat(requests).as_bytes()),
    )
    .await;
    Some(stream)
}

/// Whether the server closes `stream` within `limit` (reads until EOF or error).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_keeps_its_schedule_under_a_scrape_flood() {
    let (sim, exporter) = setup(|_| {}).await;
    let addr = exporter.local_addr();
    let runs = |e: &RunningExporter| e.snapshot().collector("app_connectors").unwrap().runs;

    // Hundreds of connections that pipeline scrapes and never read, and readers scraping as
    // fast as they can next to them.
    let mut stuck = Vec::new();
    for _ in 0..300 {
        if let Some(s) = non_reader(addr, 50).await {
            stuck.push(s);
        }
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut served = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(r) = client.get(format!("http://{addr}/metrics")).send().await {
                        if r.bytes().await.is_ok() {
                            served += 1;
                        }
                    }
                }
                served
            })
        })
        .collect();

    // Five connector runs under the flood, however long a loaded machine takes for them; a
    // poller starved by the flood would not reach them before the deadline.
    let start_runs = runs(&exporter);
    let started = Instant::now();
    let mut checks = 0;
    while runs(&exporter) < start_runs + 5 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {} connector runs in 60 s under the flood",
            runs(&exporter) - start_runs
        );
        let snapshot = exporter.snapshot();
        assert!(
            snapshot.up(SystemTime::now()),
            "zpa_up dropped under scrape load after {:?}: {:?}",
            started.elapsed(),
            snapshot
                .collectors
                .iter()
                .map(|c| (c.name, c.last_success, c.last_error.clone()))
                .collect::<Vec<_>>()
        );
        checks += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut served = 0;
    for r in readers {
        served += r.await.unwrap();
    }
    let polls = runs(&exporter) - start_runs;
    eprintln!(
        "FLOOD: {} stuck connections, {served} scrapes served, {polls} connector runs in {:.1} s, \
         up at all {checks} checks",
        stuck.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(served > 0, "the readers were starved entirely");
    drop(stuck);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn connections_past_the_cap_are_closed_and_slots_come_back() {
    let (sim, exporter) = setup(|c| c.max_connections = 8).await;
    let addr = exporter.local_addr();
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        // A request on each proves the server took the connection before the next arrives.
        s.write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
        held.push(s);
    }
    let mut extra = TcpStream::connect(addr).await.unwrap();
    let _ = extra
        .write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(
        closed_within(&mut extra, Duration::from_secs(5)).await,
        "the ninth connection was served"
    );
    drop(held.pop());
    // The freed slot is usable again (the server notices the close asynchronously).
    let mut served = false;
    for _ in 0..50 {
        let (status, _, _) = get_once(addr, "/-/healthy").await;
        if status == Some(200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "a slot freed by a closed connection was not reused");
    drop(held);
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// With every slot taken by connections that sent nothing, or by pipelining clients that stopped
/// reading, a scrape still gets in: the oldest such connection gives way.
#[tokio::test]
async fn idle_and_non_reading_connections_give_way_to_a_scrape() {
    let (sim, exporter) = setup(|c| c.max_connections = 8).await;
    let addr = exporter.local_addr();
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    // Let the server accept all eight before the scrape arrives.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body, ()) = get_once(addr, "/metrics").await;
    assert_eq!(
        status,
        Some(200),
        "a scrape was locked out by idle connections"
    );
    assert!(body.contains("zpa_up 1"));
    assert!(
        closed_within(&mut idle[0], Duration::from_secs(2)).await,
        "the oldest idle connection gave way"
    );
    assert!(
        !closed_within(&mut idle[7], Duration::from_millis(200)).await,
        "only one gave way"
    );
    drop(idle);

    let mut stuck = Vec::new();
    while stuck.len() < 8 {
        stuck.extend(non_reader(addr, 2000).await);
    }
    // Their writes have been waiting for longer than a reader ever pauses.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, _, ()) = get_once(addr, "/metrics").await;
    assert_eq!(status, Some(200), "a scrape was locked out by non-readers");
    drop(stuck);
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// (status, body) or `None` when the connection was refused or closed.
async fn get_once(addr: SocketAddr, path: &str) -> (Option<u16>, String, ()) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    match client.get(format!("http://{addr}{path}")).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (Some(status), r.text().await.unwrap_or_default(), ())
        }
        Err(_) => (None, String::new(), ()),
    }
}

#[tokio::test]
async fn scrapes_past_max_requests_get_503_at_once() {
    let (sim, exporter) = setup(|c| c.max_requests = 2).await;
    let addr = exporter.local_addr();
    // Two scrapes whose bodies are never read hold the two slots.
    let mut stuck = Vec::new();
    for _ in 0..2 {
        stuck.push(non_reader(addr, 2000).await.unwrap());
    }
    let mut refused = None;
    for _ in 0..50 {
        let started = Instant::now();
        let (status, body, ()) = get_once(addr, "/metrics").await;
        if status == Some(503) {
            refused = Some((started.elapsed(), body));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (took, body) = refused.expect("a third concurrent scrape was answered");
    assert!(took < Duration::from_secs(2), "the 503 took {took:?}");
    assert!(body.contains("--web.max-requests"), "{body}");
    // Other endpoints are not scrapes and stay reachable.
    assert_eq!(get_once(addr, "/-/ready").await.0, Some(200));
    drop(stuck);
    let mut served = false;
    for _ in 0..50 {
        if get_once(addr, "/metrics").await.0 == Some(200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "the slots did not come back after the clients left");
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// Arguments that point the binary at `sim`, polling only the connectors every second.
fn binary_args(sim: &RunningSimulator, port: u16) -> Vec<String> {
    let config = sim.control().config();
    let mut args = vec![
        format!("--web.listen-address=127.0.0.1:{port}"),
        "--collector.app_connectors.interval=1s".to_string(),
        format!("--zpa.base-url={}", sim.base_url()),
        format!("--zpa.customer-id={}", config.customer_id),
        format!("--zpa.client-id={}", config.client_id),
    ];
    args.extend(
        zpa_exporter::COLLECTORS
            .iter()
            .filter(|c| c.name != "app_connectors")
            .map(|c| format!("--no-collector.{}", c.name)),
    );
    args
}

/// `(soft, hard)` "Max open files" of process `pid`.
fn open_file_limits(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let mut fields = line["Max open files".len()..].split_whitespace();
    (
        fields.next().unwrap().to_string(),
        fields.next().unwrap().to_string(),
    )
}

/// `count` blocking connections that each pipeline `requests` scrapes and never read.
fn blocking_non_readers(port: u16, count: usize, requests: usize) -> Vec<std::net::TcpStream> {
    use std::io::Write;
    let one = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n";
    let burst = one.repeat(requests);
    (0..count)
        .filter_map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
            s.set_write_timeout(Some(Duration::from_millis(200))).ok()?;
            // Refused connections (past the cap) fail here or later; both are fine.
            let _ = s.write_all(burst.as_bytes());
            Some(s)
        })
        .collect()
}

/// Connector requests the simulator saw after `from` (an index into its request log): their
/// number and the longest gap between two of them.
fn connector_polls_since(sim: &RunningSimulator, from: usize) -> (usize, Duration) {
    let times: Vec<Duration> = sim.control().requests()[from..]
        .iter()
        .filter(|r| r.endpoint == "connector")
        .map(|r| r.at)
        .collect();
    let gap = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    (times.len(), gap)
}

/// The binary, started with the common soft limit of 1024 open files, raises it; two thousand
/// connections that pipeline scrapes and never read neither exhaust its files nor delay its
/// polls, and once they are gone it serves again with `zpa_up 1`.
#[test]
fn a_connection_flood_neither_exhausts_files_nor_delays_the_poller() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(start_simulator(small_tenant()));
    let port = free_port();
    let mut cmd = exporter_command_with_soft_nofile(1024);
    cmd.args(binary_args(&sim, port))
        .env("ZPA_CLIENT_SECRET", &sim.control().config().client_secret);
    let mut child = cmd.spawn().unwrap();
    let ready = wait_for_status(port, "/-/ready", 200, Duration::from_secs(30));
    assert_eq!(ready.map(|r| r.0), Some(200), "never ready");
    let (soft, hard) = open_file_limits(child.id());
    assert_eq!(
        soft, hard,
        "the soft open-file limit was not raised to the hard limit"
    );

    let from = sim.control().requests().len();
    let attack = Instant::now();
    let stuck = blocking_non_readers(port, 2000, 50);
    let opened = stuck.len();
    // Six polls (one a second is planned) while the flood stands, however long a loaded
    // machine takes for them.
    let deadline = Instant::now() + Duration::from_secs(60);
    while connector_polls_since(&sim, from).0 < 6 {
        assert!(
            Instant::now() < deadline,
            "only {} connector polls in 60 s of flood",
            connector_polls_since(&sim, from).0
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (polls, gap) = connector_polls_since(&sim, from);
    eprintln!(
        "FLOOD (binary): {opened} connections opened, {polls} connector polls in {:.1} s, \
         longest gap {gap:?}",
        attack.elapsed().as_secs_f64()
    );
    // What a flood would do to a poller that shares its fate: stall it until the stalled
    // writes time out (20 s). Ten seconds tells that apart from a loaded machine's delays.
    assert!(
        gap <= Duration::from_secs(10),
        "the poller stalled for {gap:?}"
    );
    drop(stuck);

    // Once the flood is gone (stalled writes time out after 20 s) the exporter serves again.
    let metrics = wait_for_status(port, "/metrics", 200, Duration::from_secs(40))
        .expect("metrics served after the flood");
    assert_eq!(metrics.0, 200);
    assert_eq!(
        sample(&metrics.1, "zpa_up", &[]),
        Some(1.0),
        "{}",
        metrics.1
    );
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("Too many open files"), "{stderr}");
    rt.block_on(sim.shutdown());
}

/// SIGTERM while ZPA hangs (every API call and the sign-out) and clients are stuck mid-scrape:
/// the process still exits 0 within the documented bound.
#[test]
fn sigterm_with_a_hung_upstream_and_stuck_clients_stops_within_the_bound() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Enough connectors for a /metrics body of about a MiB, so that unread responses fill the
    // socket buffers and the server's writes stall.
    let sim = rt.block_on(start_simulator(SimulatorConfig {
        connectors: 3000,
        ..small_tenant()
    }));
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args(binary_args(&sim, port))
        .env("ZPA_CLIENT_SECRET", &sim.control().config().client_secret);
    let mut child = cmd.spawn().unwrap();
    let ready = wait_for_status(port, "/-/ready", 200, Duration::from_secs(30));
    assert_eq!(ready.map(|r| r.0), Some(200), "never ready");

    sim.control()
        .set_fault(fault("*", zpa_simulator::FaultKind::Hang));
    sim.control()
        .set_fault(fault("signout", zpa_simulator::FaultKind::Hang));
    let stuck = blocking_non_readers(port, 50, 200);
    // Half-open clients too: connected, nothing sent.
    let idle: Vec<_> = (0..50)
        .filter_map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    // Until a poll has started and hangs.
    let hanging = || {
        sim.control()
            .requests()
            .iter()
            .any(|r| r.status == 0 && r.endpoint == "connector")
    };
    let waiting = Instant::now();
    while !hanging() && waiting.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(hanging(), "no request was hanging when the stop began");

    let stopping = Instant::now();
    let (code, stderr) = terminate(&mut child);
    let took = stopping.elapsed();
    eprintln!("STOP with a hung upstream and stuck clients: {took:?}");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        took <= zpa_exporter::STOP_BOUND + Duration::from_secs(1),
        "stopping took {took:?}, the bound is {:?}: {stderr}",
        zpa_exporter::STOP_BOUND
    );
    assert!(
        sim.control().request_count("signout") >= 1,
        "no sign-out was attempted"
    );
    drop((stuck, idle));
    rt.block_on(sim.shutdown());
}
