//! `lss::stream` against real receivers on loopback (a TCP listener, a TLS listener, a listener
//! that hangs up): newline framing, the rate bound, reconnection, giving up, and the binary's
//! `lss` subcommand end to end. Time bounds are one-sided (the stream may be slower on a busy
//! machine, never faster), so a loaded machine cannot make them flaky.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::net::TcpListener;
use zpa_simulator::lss::{self, Backoff, LogType, Names, StreamConfig, TlsClient};
use zpa_simulator::SimulatorConfig;

const GENEROUS: Duration = Duration::from_secs(30);

fn names() -> Arc<Names> {
    static NAMES: OnceLock<Arc<Names>> = OnceLock::new();
    NAMES
        .get_or_init(|| Arc::new(Names::generate(&SimulatorConfig::default())))
        .clone()
}

/// Reads up to `n` lines (fewer if the peer closes), each checked to be one JSON object.
async fn read_lines<R: AsyncRead + Unpin>(reader: R, n: usize) -> Vec<Value> {
    let mut lines = BufReader::new(reader).lines();
    let mut out = Vec::new();
    while out.len() < n {
        match tokio::time::timeout(GENEROUS, lines.next_line()).await {
            Ok(Ok(Some(line))) => {
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not one JSON object per line: {e}: {line:?}"));
                // Audit records have no LogTimestamp: they carry the change's time.
                let when = v.get("LogTimestamp").or(v.get("ModifiedTime"));
                assert!(
                    v.is_object() && when.is_some_and(Value::is_string),
                    "{line}"
                );
                out.push(v);
            }
            Ok(Ok(None)) => break,
            Ok(Err(e)) => panic!("read: {e}"),
            Err(_) => panic!("no line within {GENEROUS:?}"),
        }
    }
    out
}

#[tokio::test]
async fn records_arrive_newline_framed_and_no_faster_than_the_rate() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cfg = StreamConfig {
        rate: 200.0,
        count: Some(120),
        ..StreamConfig::new(
            listener.local_addr().unwrap().to_string(),
            LogType::UserActivity,
            1,
        )
    };
    let started = Instant::now();
    let streaming = tokio::spawn(lss::stream(cfg, names()));
    let (socket, _) = listener.accept().await.unwrap();
    let records = read_lines(socket, usize::MAX).await;
    let elapsed = started.elapsed();
    let report = streaming.await.unwrap().unwrap();
    assert_eq!(records.len(), 120, "every record, then the stream closes");
    assert_eq!((report.sent, report.connections), (120, 1));
    // At most rate × t + 1 records by time t: 120 records need at least 119 / 200 s.
    assert!(elapsed >= Duration::from_millis(595), "{elapsed:?}");
    let apps: std::collections::HashSet<&str> = records
        .iter()
        .map(|r| r["Application"].as_str().unwrap())
        .collect();
    assert!(apps.len() > 3, "{apps:?}");
}

#[tokio::test]
async fn the_stream_reconnects_after_the_receiver_hangs_up() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cfg = StreamConfig {
        rate: 100.0,
        count: Some(60),
        backoff: Backoff {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(200),
            max_attempts: Some(50),
        },
        ..StreamConfig::new(
            listener.local_addr().unwrap().to_string(),
            LogType::AppConnectorMetrics,
            2,
        )
    };
    let streaming = tokio::spawn(lss::stream(cfg, names()));
    let (first, _) = listener.accept().await.unwrap();
    let before = read_lines(first, 10).await; // then dropped: the receiver hangs up
    assert_eq!(before.len(), 10);
    let (second, _) = tokio::time::timeout(GENEROUS, listener.accept())
        .await
        .expect("the stream reconnects")
        .unwrap();
    let after = read_lines(second, usize::MAX).await;
    assert!(!after.is_empty());
    let report = tokio::time::timeout(GENEROUS, streaming)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(report.connections, 2);
    assert_eq!(report.sent, 60);
    assert!(
        after.len() as u64 <= 60 - 10,
        "{} after the reconnect",
        after.len()
    );
}

#[tokio::test]
async fn an_absent_receiver_is_retried_a_bounded_number_of_times() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = StreamConfig {
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
            max_attempts: Some(4),
        },
        ..StreamConfig::new(format!("127.0.0.1:{port}"), LogType::UserStatus, 3)
    };
    let err = tokio::time::timeout(GENEROUS, lss::stream(cfg, names()))
        .await
        .unwrap()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("after 4 attempts"), "{text}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the io error is kept"
    );
}

#[tokio::test]
async fn records_arrive_over_tls_when_the_receiver_is_trusted() {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["receiver.test".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = listener.local_addr().unwrap().to_string();

    let tls = TlsClient::with_ca_pem(ca.pem().as_bytes(), "receiver.test").unwrap();
    let cfg = StreamConfig {
        rate: 500.0,
        count: Some(25),
        tls: Some(tls),
        ..StreamConfig::new(to.clone(), LogType::ServiceEdgeStatus, 4)
    };
    let streaming = tokio::spawn(lss::stream(cfg, names()));
    let (tcp, _) = listener.accept().await.unwrap();
    let tls_stream = acceptor.accept(tcp).await.unwrap();
    let records = read_lines(tls_stream, usize::MAX).await;
    assert_eq!(records.len(), 25);
    assert!(records.iter().all(|r| r["ServiceEdge"].is_string()));
    streaming.await.unwrap().unwrap();

    // A CA that did not sign the receiver's certificate: the handshake fails, attempts run out.
    let other = CertifiedIssuer::self_signed(
        {
            let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p
        },
        KeyPair::generate().unwrap(),
    )
    .unwrap();
    let cfg = StreamConfig {
        tls: Some(TlsClient::with_ca_pem(other.pem().as_bytes(), "receiver.test").unwrap()),
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(5),
            max_attempts: Some(1),
        },
        ..StreamConfig::new(to, LogType::ServiceEdgeStatus, 4)
    };
    let acceptor2 = acceptor.clone();
    let serving = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        acceptor2.accept(tcp).await.is_err()
    });
    let err = lss::stream(cfg, names()).await.unwrap_err();
    assert!(err.to_string().contains("after 1 attempts"), "{err}");
    assert!(
        serving.await.unwrap(),
        "the receiver saw a failed handshake"
    );
}

#[test]
fn the_binary_streams_a_count_and_reports_it() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let to = listener.local_addr().unwrap().to_string();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_zpa-simulator"))
        .args(["lss", "--to", &to, "--type", "user_activity"])
        .args(["--rate", "1000", "--count", "30", "--segments", "40"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (socket, _) = listener.accept().unwrap();
    let lines: Vec<String> = std::io::BufRead::lines(std::io::BufReader::new(socket))
        .map(Result::unwrap)
        .collect();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines.len(), 30);
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent 30 records"));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_zpa-simulator"))
        .args(["lss", "--to", &to, "--type", "zms_flow_log"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--type"));
}

#[test]
fn the_binary_streams_every_log_type_by_name_and_by_id() {
    for (i, t) in LogType::ALL.into_iter().enumerate() {
        // Half by the listener name, half by ZPA's id: both spellings reach the same stream.
        let name = if i % 2 == 0 {
            t.listener_name()
        } else {
            t.id()
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let to = listener.local_addr().unwrap().to_string();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_zpa-simulator"))
            .args(["lss", "--to", &to, "--type", name])
            .args(["--rate", "1000", "--count", "4", "--segments", "40"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (socket, _) = listener.accept().unwrap();
        let records: Vec<Value> = std::io::BufRead::lines(std::io::BufReader::new(socket))
            .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
            .collect();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(records.len(), 4, "{name}");
        // The first key of the type's default template, so the records are of the type asked.
        let first_key = lss::default_template(t)
            .split('"')
            .nth(1)
            .unwrap()
            .to_string();
        let second_key = lss::default_template(t).split('"').nth(3).unwrap();
        for r in &records {
            assert!(
                r.get(&first_key).is_some() && r.get(second_key).is_some(),
                "{name}: {r}"
            );
        }
    }
}

#[test]
fn the_demo_stacks_commands_run() {
    let compose = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/compose/compose.yaml"
    ))
    .unwrap();
    let commands: Vec<Vec<String>> = compose
        .lines()
        .filter_map(|l| l.trim().strip_prefix("command: "))
        .filter(|c| c.starts_with(r#"["lss""#))
        .map(|c| serde_json::from_str(c).expect("a JSON-style list"))
        .collect();
    assert_eq!(commands.len(), 6, "one lss command per log type");
    for args in commands {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let to = format!("--to={}", listener.local_addr().unwrap());
        let args: Vec<String> = args
            .into_iter()
            .map(|a| {
                if a.starts_with("--to=") {
                    to.clone()
                } else {
                    a
                }
            })
            .chain(["--count=2".to_string()])
            .collect();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_zpa-simulator"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (socket, _) = listener.accept().unwrap();
        let lines = std::io::BufRead::lines(std::io::BufReader::new(socket)).count();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(lines, 2, "{args:?}");
    }
}

#[tokio::test]
async fn demo_streams_feed_each_listener_its_type_until_dropped() {
    let activity = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let browser = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let audit = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let streams = lss::spawn_demo_streams(
        &SimulatorConfig::default(),
        &[
            (LogType::UserActivity, activity.local_addr().unwrap()),
            (LogType::AppConnectorMetrics, metrics.local_addr().unwrap()),
            (LogType::BrowserAccess, browser.local_addr().unwrap()),
            (LogType::Audit, audit.local_addr().unwrap()),
        ],
        20.0,
    );
    let (a, _) = activity.accept().await.unwrap();
    let (m, _) = metrics.accept().await.unwrap();
    let (b, _) = browser.accept().await.unwrap();
    let (au, _) = audit.accept().await.unwrap();
    let exchanges = read_lines(b, 3).await;
    assert!(exchanges.iter().all(|r| r["StatusCode"].is_u64()));
    // Audit streams at a tenth of the rate: two records a second here.
    let changes = read_lines(au, 2).await;
    assert!(changes.iter().all(|r| r["AuditOperationType"].is_string()));
    let mut a = BufReader::new(a).lines();
    let first = a.next_line().await.unwrap().unwrap();
    assert!(first.contains(r#""ConnectionStatus": "#), "{first}");
    let metric = read_lines(m, 3).await;
    assert!(metric.iter().all(|r| r["Connector"].is_string()));
    drop(streams);
    // the tasks are gone: the connection ends
    let rest = tokio::time::timeout(GENEROUS, async {
        let mut n = 0;
        while let Ok(Some(_)) = a.next_line().await {
            n += 1;
        }
        n
    })
    .await
    .expect("the stream closes when the handle is dropped");
    assert!(rest < 10_000);
}
