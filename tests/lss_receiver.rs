//! The LSS receiver in a real exporter: sample records in over loopback, metrics out on
//! `/metrics`, with names joined from the API snapshot, types named or detected, TLS with the
//! web config's certificate.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use zpa_exporter::{ListenerSpec, LogType, RunningExporter};

fn listener(log_type: Option<LogType>) -> ListenerSpec {
    ListenerSpec {
        log_type,
        addr: loopback(),
    }
}

async fn exporter_with_lss(
    listeners: Vec<ListenerSpec>,
) -> (RunningExporter, zpa_simulator::RunningSimulator) {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &["app_connectors", "microtenants"],
    );
    config.lss.listeners = listeners;
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    (exporter, sim)
}

/// (name, connector_group) of one App Connector the API knows.
fn some_connector(body: &str) -> (String, String) {
    let (labels, _) = samples(body, "zpa_app_connector_info", &[])
        .into_iter()
        .next()
        .expect("the simulator has App Connectors");
    // Label values are escaped (\\, \", \n); the simulator's names use all three.
    let value = |key: &str| {
        let start = labels.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        let mut out = String::new();
        let mut chars = labels[start..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        out
    };
    (value("name"), value("connector_group"))
}

#[tokio::test]
async fn records_in_metrics_out_with_api_names() {
    let (exporter, sim) =
        exporter_with_lss(vec![listener(Some(LogType::UserActivity)), listener(None)]).await;
    let addrs = exporter.lss_addrs();
    assert_eq!(addrs.len(), 2);
    let body = scrape(&exporter).await;
    // The receiver's own families are there before any record.
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_received_total",
            &[("log_type", "zpn_trans_log")]
        ),
        Some(0.0)
    );
    let (connector, group) = some_connector(&body);

    // The typed listener: the samples, then a failure through a connector the API knows.
    let failure = serde_json::json!({
        "ConnectionStatus": "close", "InternalReason": "AST_MT_SETUP_TIMEOUT",
        "Application": "wiki", "AppGroup": "web", "Connector": connector,
        "AppMicroTenantID": "0", "ServerSetupTime": "2500", "PolicyProcessingTime": 40,
        "ZENBytesRxClient": 100,
    });
    send(addrs[0], format!("{USER_ACTIVITY}{failure}\n").as_bytes()).await;
    // The untyped listener: every other type, detected from the fields.
    let others = [
        USER_STATUS,
        CONNECTOR_STATUS,
        CONNECTOR_METRICS,
        EDGE_STATUS,
        EDGE_METRICS,
    ]
    .concat();
    send(addrs[1], others.as_bytes()).await;

    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 13.0).await;
    assert_eq!(
        sample(
            &body,
            "zpa_lss_records_parsed_total",
            &[("log_type", "zpn_trans_log")]
        ),
        Some(5.0)
    );
    for (log_type, n) in [
        ("zpn_auth_log", 3.0),
        ("zpn_ast_auth_log", 2.0),
        ("zpn_ast_comprehensive_stats", 1.0),
        ("zpn_sys_auth_log", 1.0),
        ("zpn_pbroker_comprehensive_stats", 1.0),
    ] {
        assert_eq!(
            sample(
                &body,
                "zpa_lss_records_parsed_total",
                &[("log_type", log_type)]
            ),
            Some(n),
            "{log_type}"
        );
    }
    // The join: the API's group name and the Default microtenant's name for id 0.
    assert_eq!(
        sample(
            &body,
            "zpa_lss_user_connections_total",
            &[
                ("application", "wiki"),
                ("connector_group", &escape(&group)),
                ("microtenant", "Default"),
                ("status", "close"),
                ("reason", "AST_MT_SETUP_TIMEOUT"),
                ("result", "error"),
            ]
        ),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_server_setup_seconds_bucket",
            &[("application", "wiki"), ("le", "0.0025")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_user_bytes_total",
            &[("application", "wiki"), ("direction", "from_client")]
        ),
        Some(100.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_app_connector_cpu_utilization_ratio",
            &[
                ("connector", "USconnector-1633598427585"),
                ("connector_group", "unknown")
            ]
        ),
        Some(0.01)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_service_edge_version_info",
            &[
                ("service_edge", "PB1-1637740498039"),
                ("service_edge_group", "PB1")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_user_posture_checks_total",
            &[("posture", "sm-posture1"), ("result", "hit")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &body,
            "zpa_lss_receiver_connections_total",
            &[("listener", "user_activity"), ("result", "accepted")]
        ),
        Some(1.0)
    );
    assert!(
        sample(
            &body,
            "zpa_lss_received_bytes_total",
            &[("listener", "auto")]
        )
        .unwrap()
            > 1000.0
    );
    assert!(
        sample(
            &body,
            "zpa_lss_last_record_timestamp_seconds",
            &[("log_type", "zpn_trans_log")]
        )
        .unwrap()
            > 1.7e9
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// A label value as the exposition writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[tokio::test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
async fn the_exposition_passes_promtool() {
    let (exporter, sim) = exporter_with_lss(vec![listener(None)]).await;
    send(exporter.lss_addrs()[0], every_sample().as_bytes()).await;
    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 12.0).await;
    let (ok, said) = promtool_check_metrics(&body);
    assert!(ok, "promtool check metrics:\n{said}\n---\n{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_taken_address_is_a_configuration_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = taken.local_addr().unwrap();
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    config.lss.listeners = vec![ListenerSpec {
        log_type: None,
        addr,
    }];
    let err = zpa_exporter::start(config).await.err().expect("refused");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--lss.listen-address"), "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn tls_with_the_web_config_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(dir.path().join("lss.crt"), key.cert.pem()).unwrap();
    std::fs::write(dir.path().join("lss.key"), key.signing_key.serialize_pem()).unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: lss.crt\n  key_file: lss.key\n",
    )
    .unwrap();
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &["microtenants"],
    );
    config.web_config = Some(std::sync::Arc::new(
        zpa_exporter::WebConfig::load(&web).unwrap(),
    ));
    config.lss.listeners = vec![listener(Some(LogType::UserActivity))];
    config.lss.tls = true;
    let exporter = start_exporter(config).await;
    let addr = exporter.lss_addrs()[0];

    // A TLS sender that trusts the certificate gets its records counted.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(key.cert.der().clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    use tokio::io::AsyncWriteExt;
    tls.write_all(USER_ACTIVITY.as_bytes()).await.unwrap();
    tls.shutdown().await.unwrap();
    // A plain sender on the TLS port fails the handshake, and is counted.
    send(addr, USER_ACTIVITY.as_bytes()).await;

    let https = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(key.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/metrics", exporter.local_addr().port());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let body = https.get(&url).send().await.unwrap().text().await.unwrap();
        let parsed = sum(&body, "zpa_lss_records_parsed_total", &[]);
        let failed = sum(
            &body,
            "zpa_lss_receiver_connections_total",
            &[("result", "tls_failed")],
        );
        if parsed >= 4.0 && failed >= 1.0 {
            assert_eq!(parsed, 4.0);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{parsed} parsed, {failed} TLS failures"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// `--demo` alone opens one loopback listener per log type and streams the demo tenant's
/// records into them, so the access-health families move without any setup; once the API
/// snapshot is in, User Activity series carry the demo tenant's connector group names.
#[tokio::test]
async fn the_demo_streams_every_log_type_into_its_own_listener() {
    let mut config = zpa_exporter::Config::demo();
    config.listen_addresses = vec![loopback()];
    let exporter = start_exporter(config).await;
    let addrs = exporter.lss_addrs();
    // The receiver counts the first six of the wire types.
    let counted = &LogType::ALL[..6];
    assert_eq!(addrs.len(), counted.len(), "{addrs:?}");
    assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    wait_rounds(&exporter, 1).await;
    for &log_type in counted {
        wait_for_sum(
            &exporter,
            "zpa_lss_records_parsed_total",
            &[("log_type", log_type.id())],
            1.0,
        )
        .await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let body = scrape(&exporter).await;
        let joined = samples(&body, "zpa_lss_user_connections_total", &[])
            .iter()
            .any(|(line, _)| {
                !line.contains(r#"connector_group="unknown""#)
                    && !line.contains(r#"connector_group="none""#)
            });
        if joined {
            assert_eq!(sum(&body, "zpa_lss_records_rejected_total", &[]), 0.0);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no User Activity series with a connector group from the API:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    exporter.shutdown().await;
}
