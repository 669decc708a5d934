//! LSS ingest: a User Activity stream of 2 KB records over loopback into the receiver, on one
//! core (a current-thread runtime; the sender is another thread), side by side with the floor
//! to beat: a plain `serde_json::from_slice::<serde_json::Value>` of the same lines, one by one.
//! Prints records/s of both, their ratio, and the process's resident memory along the run.
//!
//! ```sh
//! cargo bench --bench lss_ingest                          # 10 s
//! LSS_BENCH_SECONDS=600 cargo bench --bench lss_ingest    # the 10-minute memory run
//! cargo bench --bench lss_ingest -- --send HOST:PORT      # only stream records to a receiver
//! ```

use std::hint::black_box;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use zpa_exporter::{ListenerSpec, LogType, LssOptions, LssReceiver};

/// Distinct records in the stream (sent over and over).
const RECORDS: usize = 20_000;
/// The size every record is padded to, newline included.
const RECORD_BYTES: usize = 2048;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds: u64 = std::env::var("LSS_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let duration = Duration::from_secs(seconds);
    let stream: Arc<[u8]> = records().into();
    if let [flag, addr] = args.as_slice() {
        if flag == "--send" {
            let addr: SocketAddr = addr.parse().expect("--send HOST:PORT");
            let sent = send(addr, &stream, duration);
            println!("sent {sent} records to {addr} in {seconds} s");
            return;
        }
    }
    println!(
        "stream: {RECORDS} distinct User Activity records of {RECORD_BYTES} bytes, {seconds} s per side"
    );
    let (floor_wall, floor_cpu) = floor(&stream, duration.min(Duration::from_secs(10)));
    println!("serde_json::Value, line by line: {floor_wall:>9.0} records/s ({floor_cpu:.0} per CPU-second of its thread)");
    let (wall, cpu) = receive(&stream, duration);
    println!("LSS receiver over loopback:      {wall:>9.0} records/s ({cpu:.0} per CPU-second of its thread)");
    println!(
        "ratio receiver / floor:          {:>9.2} ({:.2} per CPU-second)",
        wall / floor_wall,
        cpu / floor_cpu
    );
}

/// CPU seconds the calling thread has used (user and system): on a shared machine, the rate
/// per CPU-second is what one dedicated core would do.
fn thread_cpu_seconds() -> f64 {
    cpu_seconds("/proc/thread-self/stat")
}

fn cpu_seconds(stat_file: &str) -> f64 {
    let stat = std::fs::read_to_string(stat_file).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5), 11 and 12 after the command name.
    (ticks(11) + ticks(12)) / procfs::ticks_per_second() as f64
}

/// The stream: realistic User Activity records (the default template's fields, the help
/// page's values) over 400 applications, 60 connectors, the three statuses and a mix of
/// outcomes, each padded to 2 KB with a PRA field as long records carry.
fn records() -> Vec<u8> {
    const REASONS: [(&str, &str); 6] = [
        ("open", "OPEN_OR_ACTIVE_CONNECTION"),
        ("active", ""),
        ("close", "BRK_MT_TERMINATED"),
        ("close", "BRK_MT_TERMINATED"),
        ("close", "APP_NOT_REACHABLE"),
        ("close", "BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY"),
    ];
    let mut out = Vec::with_capacity(RECORDS * RECORD_BYTES);
    for i in 0..RECORDS {
        let (status, reason) = REASONS[i % REASONS.len()];
        let app = i * 7 % 400;
        let connector = i * 13 % 60;
        let mut line = format!(
            r#"{{"LogTimestamp": "Fri May 31 17:35:42 2019","Customer": "ANZ Team/zdemo in beta","SessionID": "SqyZIMkg{i:012}","ConnectionID": "SqyZIMkg{i:012},Q+EjXGdrvbF2lPiBbedm","InternalReason": "{reason}","ConnectionStatus": "{status}","IPProtocol": 6,"DoubleEncryption": 0,"Username": "user{i}@example.com","ServicePort": 10011,"ClientPublicIP": "34.209.189.218","ClientPrivateIP": "","ClientLatitude": 45.000000,"ClientLongitude": -119.000000,"ClientCountryCode": "US","ClientZEN": "broker1b.pdx2","Policy": "ANZ Lab Apps_1","Connector": "connector-{connector}","ConnectorZEN": "broker1b.pdx2","ConnectorIP": "192.168.1.53","ConnectorPort": 60266,"Host": "192.168.1.57","Application": "application {app}","AppGroup": "group {}","Server": "0","ServerIP": "192.168.1.57","ServerPort": 10011,"PolicyProcessingTime": {},"CAProcessingTime": 1330,"ConnectorZENSetupTime": 191017,"ConnectionSetupTime": 192397,"ServerSetupTime": {},"AppLearnTime": 0,"TimestampConnectionStart": "2019-05-30T08:20:42.230Z","TimestampConnectionEnd": "","TimestampCATx": "2019-05-30T08:20:42.230Z","TimestampCARx": "2019-05-30T08:20:42.231Z","TimestampAppLearnStart": "","TimestampZENFirstRxClient": "2019-05-30T08:20:42.424Z","TimestampZENFirstTxClient": "","TimestampZENLastRxClient": "2019-05-31T17:34:27.348Z","TimestampZENLastTxClient": "","TimestampConnectorZENSetupComplete": "2019-05-30T08:20:42.422Z","TimestampZENFirstRxConnector": "","TimestampZENFirstTxConnector": "2019-05-30T08:20:42.424Z","TimestampZENLastRxConnector": "","TimestampZENLastTxConnector": "2019-05-31T17:34:27.348Z","ZENTotalBytesRxClient": 2406926,"ZENBytesRxClient": {},"ZENTotalBytesTxClient": 0,"ZENBytesTxClient": 0,"ZENTotalBytesRxConnector": 0,"ZENBytesRxConnector": 0,"ZENTotalBytesTxConnector": 2406926,"ZENBytesTxConnector": 7115,"Idp": "Example IDP Config","ClientToClient": "0","ClientCity": "San Jose","MicroTenantID": "0","AppMicroTenantID": "0","Platform": "windows","Hostname": "DESKTOP-{i}","PRAFileTransferList": ""#,
            app % 40,
            20 + i % 90,
            400 + i * 31 % 20_000,
            i % 9000,
        );
        let pad = RECORD_BYTES - line.len() - 3;
        line.extend(std::iter::repeat_n('x', pad));
        line.push_str("\"}\n");
        assert_eq!(line.len(), RECORD_BYTES);
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// Records/s of `serde_json::from_slice::<Value>` over the lines, one thread: per wall-clock
/// second and per CPU-second.
fn floor(stream: &[u8], duration: Duration) -> (f64, f64) {
    let cpu = thread_cpu_seconds();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < duration {
        for line in stream.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let value: serde_json::Value = serde_json::from_slice(line).expect("valid JSON");
            black_box(value);
            n += 1;
        }
    }
    (
        n as f64 / start.elapsed().as_secs_f64(),
        n as f64 / (thread_cpu_seconds() - cpu),
    )
}

/// Writes the stream over and over for `duration`; the records sent.
fn send(addr: SocketAddr, stream: &[u8], duration: Duration) -> u64 {
    let mut socket = TcpStream::connect(addr).expect("the receiver listens");
    let start = Instant::now();
    let mut sent = 0;
    while start.elapsed() < duration {
        socket.write_all(stream).expect("the receiver reads");
        sent += RECORDS as u64;
    }
    sent
}

/// Records/s through a receiver on a current-thread runtime, from the first byte to the last
/// record counted, per wall-clock second and per CPU-second of the runtime's thread; prints
/// resident memory along the way.
fn receive(stream: &Arc<[u8]>, duration: Duration) -> (f64, f64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = LssOptions {
            listeners: vec![ListenerSpec {
                log_type: Some(LogType::UserActivity),
                addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            }],
            ..LssOptions::default()
        };
        let receiver = LssReceiver::standalone(options).await.expect("listens");
        let addr = receiver.local_addrs()[0];
        let stream = stream.clone();
        let rss_start = rss_mib();
        let cpu = thread_cpu_seconds();
        let start = Instant::now();
        let sender = std::thread::spawn(move || send(addr, &stream, duration));
        let mut next_report = Duration::from_secs(60);
        while !sender.is_finished() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if start.elapsed() >= next_report {
                println!(
                    "  after {:>4} s: {} records, RSS {:.1} MiB",
                    start.elapsed().as_secs(),
                    receiver.parsed(),
                    rss_mib()
                );
                next_report += Duration::from_secs(60);
            }
        }
        let sent = sender.join().unwrap();
        while receiver.parsed() < sent {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let elapsed = start.elapsed().as_secs_f64();
        let cpu = thread_cpu_seconds() - cpu;
        println!(
            "  {sent} records in {elapsed:.1} s; RSS {rss_start:.1} MiB at start, {:.1} MiB at the end",
            rss_mib()
        );
        (sent as f64 / elapsed, sent as f64 / cpu)
    })
}

/// The process's resident memory.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
