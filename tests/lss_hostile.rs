//! Bad input on the LSS listeners gets a clear answer: invalid JSON, a line over the cap, a
//! binary flood, a TLS handshake on the plain port, a slow-loris sender, thousands of
//! connections. Each is counted by reason while another connection's records still arrive,
//! `/metrics` stays fast and the poller keeps running.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zpa_exporter::{ListenerSpec, LogType, RunningExporter};
use zpa_simulator::RunningSimulator;

/// One User Activity record; `n` makes its application unique.
fn record(n: usize) -> String {
    format!(
        "{{\"ConnectionStatus\":\"close\",\"InternalReason\":\"BRK_MT_TERMINATED\",\"Application\":\"app{n}\"}}\n"
    )
}

/// An exporter reading one microtenant list every second, with a typed User Activity listener
/// whose caps are small.
async fn start(
    max_connections: usize,
    idle: Duration,
) -> (RunningExporter, RunningSimulator, SocketAddr) {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["microtenants"],
    );
    config.lss.listeners = vec![ListenerSpec {
        log_type: Some(LogType::UserActivity),
        addr: loopback(),
    }];
    config.lss.max_line_bytes = 4096;
    config.lss.max_connections = max_connections;
    config.lss.idle_timeout = idle;
    let exporter = start_exporter(config).await;
    let addr = exporter.lss_addrs()[0];
    (exporter, sim, addr)
}

fn rejected(reason: &str) -> [(&str, &str); 2] {
    [("log_type", "zpn_trans_log"), ("reason", reason)]
}

/// A good sender's records still arrive, `/metrics` answers quickly and the poller still runs.
/// Prints the figures the README's hostile-input table quotes (`-- --nocapture`).
async fn still_healthy(
    case: &str,
    exporter: &RunningExporter,
    addr: SocketAddr,
    expect_parsed: f64,
) {
    let started = Instant::now();
    let mut good = TcpStream::connect(addr).await.unwrap();
    good.write_all(record(0).as_bytes()).await.unwrap();
    wait_for_sum(exporter, "zpa_lss_records_parsed_total", &[], expect_parsed).await;
    let delivered = started.elapsed();
    let started = Instant::now();
    scrape(exporter).await;
    let scraped = started.elapsed();
    assert!(
        scraped < Duration::from_secs(2),
        "a scrape took {scraped:?}"
    );
    let started = Instant::now();
    wait_more_rounds(exporter, 1).await;
    eprintln!(
        "figure: {case}: a good sender's record counted after {delivered:.0?}, a scrape took \
         {scraped:.0?}, the next poller round came {:.0?} later",
        started.elapsed()
    );
}

/// Reads until the server closes the connection; false after 10 s.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    });
    read.await.is_ok()
}

#[tokio::test]
async fn invalid_json_and_csv_are_counted_and_the_rest_of_the_stream_is_read() {
    let (exporter, sim, addr) = start(16, Duration::from_secs(60)).await;
    let csv = "2021-10-07 10:40:00 User Activity zpa-lss: \"ANZ\",\"close\"\n";
    send(
        addr,
        format!("{{\"ConnectionStatus\": \"open\",\n{csv}{}", record(1)).as_bytes(),
    )
    .await;
    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 1.0).await;
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_rejected_total",
            &rejected("invalid_json")
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_rejected_total",
            &rejected("not_json")
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_received_total",
            &[("log_type", "zpn_trans_log")]
        ),
        Some(3.0)
    );
    still_healthy("invalid JSON and CSV", &exporter, addr, 2.0).await;
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_line_over_the_cap_is_skipped_not_buffered() {
    let (exporter, sim, addr) = start(16, Duration::from_secs(60)).await;
    let long = format!("{{\"Application\":\"{}\"}}\n", "x".repeat(1 << 20));
    send(addr, format!("{long}{}", record(1)).as_bytes()).await;
    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 1.0).await;
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_rejected_total",
            &rejected("line_too_long")
        ),
        Some(1.0)
    );
    still_healthy("a 1 MiB line (cap 4 KiB)", &exporter, addr, 2.0).await;
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_binary_flood_is_counted_as_binary() {
    let (exporter, sim, addr) = start(16, Duration::from_secs(60)).await;
    // 4 MB of xorshift noise: lines of ~256 bytes (a newline is one byte in 256), some longer
    // than the cap.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    let flood = tokio::spawn(async move { send(addr, &noise).await });
    still_healthy("during a 4 MiB binary flood", &exporter, addr, 1.0).await;
    flood.await.unwrap();
    let body = wait_for_sum(
        &exporter,
        "zpa_lss_records_rejected_total",
        &rejected("binary"),
        1000.0,
    )
    .await;
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_parsed_total",
            &[("log_type", "zpn_trans_log")]
        ),
        Some(1.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_tls_handshake_on_the_plain_port_is_named_and_closed() {
    let (exporter, sim, addr) = start(16, Duration::from_secs(60)).await;
    let mut tls = TcpStream::connect(addr).await.unwrap();
    // The start of a ClientHello: handshake record, TLS 1.0 record version, a length.
    tls.write_all(&[
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ])
    .await
    .unwrap();
    assert!(closed_by_server(&mut tls).await, "the receiver closes it");
    let body = wait_for_sum(
        &exporter,
        "zpa_lss_records_rejected_total",
        &rejected("tls_on_plain"),
        1.0,
    )
    .await;
    assert_eq!(
        sample(&body, "zpa_lss_records_rejected_total", &rejected("binary")),
        Some(0.0)
    );
    still_healthy("a TLS ClientHello on the plain port", &exporter, addr, 1.0).await;
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_slow_loris_is_closed_after_the_idle_timeout() {
    let (exporter, sim, addr) = start(16, Duration::from_secs(1)).await;
    let mut loris = TcpStream::connect(addr).await.unwrap();
    let dripping_since = Instant::now();
    // One byte every 200 ms of a line that never ends: the connection is never idle in bytes,
    // but delivers no line, which is what the timeout measures.
    let dripping = tokio::spawn(async move {
        for _ in 0..100 {
            if loris.write_all(b"{").await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    });
    // Meanwhile a good sender keeps delivering (within the idle timeout between lines).
    let mut good = TcpStream::connect(addr).await.unwrap();
    for n in 0..3 {
        good.write_all(record(n).as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        tokio::time::timeout(Duration::from_secs(15), dripping)
            .await
            .unwrap()
            .unwrap(),
        "the slow sender was cut off"
    );
    eprintln!(
        "figure: slow loris (a byte per 200 ms, idle timeout 1 s): cut off after {:.1?}",
        dripping_since.elapsed()
    );
    let body = wait_for_sum(
        &exporter,
        "zpa_lss_receiver_connections_total",
        &[("listener", "user_activity"), ("result", "idle_timeout")],
        1.0,
    )
    .await;
    assert!(
        sample(
            &body,
            "zpa_lss_records_parsed_total",
            &[("log_type", "zpn_trans_log")]
        )
        .unwrap()
            >= 3.0
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_connections_against_a_cap_of_eight() {
    // Every client socket stays open until the end (so no slot frees up): 10 000 of them
    // (ZPA_LSS_TEST_CONNECTIONS to change), fewer where the open-file limit does not allow.
    let wanted: usize = std::env::var("ZPA_LSS_TEST_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let attempts = wanted.min(limit.saturating_sub(1000) as usize) / 50 * 50;
    assert!(
        attempts >= 500,
        "open-file limit {limit} is too low for this test"
    );
    let (exporter, sim, addr) = start(8, Duration::from_secs(60)).await;
    // The good sender holds one of the eight slots before the flood.
    let mut good = TcpStream::connect(addr).await.unwrap();
    good.write_all(record(1).as_bytes()).await.unwrap();
    wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 1.0).await;
    let mut held = Vec::new();
    let mut failed = 0;
    // 50 at a time, well below the listen backlog: a connect the kernel completed while the
    // accept queue was full is never seen by the receiver, and would be missing from its counts.
    for _ in 0..attempts / 50 {
        let batch: Vec<_> = (0..50)
            .map(|_| tokio::spawn(TcpStream::connect(addr)))
            .collect();
        for connecting in batch {
            match connecting.await.unwrap() {
                Ok(stream) => held.push(stream),
                Err(_) => failed += 1,
            }
        }
    }
    assert!(
        failed < attempts / 100,
        "{failed} of {attempts} connects failed outright"
    );
    let body = wait_for_sum(
        &exporter,
        "zpa_lss_receiver_connections_total",
        &[
            ("listener", "user_activity"),
            ("result", "refused_over_cap"),
        ],
        (attempts - 7 - failed) as f64,
    )
    .await;
    assert_eq!(
        sample(
            &body,
            "zpa_lss_receiver_connections_total",
            &[("listener", "user_activity"), ("result", "accepted")]
        ),
        Some(8.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_receiver_connections",
            &[("listener", "user_activity")]
        ),
        Some(8.0)
    );
    // The slot-holder still delivers; /metrics is quick; the poller runs.
    good.write_all(record(2).as_bytes()).await.unwrap();
    wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 2.0).await;
    let started = Instant::now();
    scrape(&exporter).await;
    let scraped = started.elapsed();
    assert!(
        scraped < Duration::from_secs(2),
        "a scrape took {scraped:?}"
    );
    wait_more_rounds(&exporter, 1).await;
    eprintln!(
        "figure: {attempts} connections against a cap of 8: {} refused and counted, {failed} \
         connects failed, the slot-holder still delivered, a scrape took {scraped:.0?}",
        sum(
            &body,
            "zpa_lss_receiver_connections_total",
            &[("result", "refused_over_cap")]
        )
    );
    drop(held);
    exporter.shutdown().await;
    sim.shutdown().await;
}
