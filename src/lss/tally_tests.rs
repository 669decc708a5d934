//! The counts from the real sample records (tests/fixtures/lss, copied verbatim from Zscaler's
//! help pages, Elastic's and Google SecOps' fixtures): each detected as its type, its labels
//! and the join with the API's names, the cap, the receiver's own counts, as `/metrics` shows
//! them.

use std::sync::{Arc, Mutex};

use super::*;
use crate::encode::{exposition::encode, Format};
use crate::lss::detect::detect;

const USER_ACTIVITY: &str = include_str!("../../tests/fixtures/lss/user_activity.jsonl");
const USER_STATUS: &str = include_str!("../../tests/fixtures/lss/user_status.jsonl");
const CONNECTOR_STATUS: &str = include_str!("../../tests/fixtures/lss/app_connector_status.jsonl");
const CONNECTOR_METRICS: &str =
    include_str!("../../tests/fixtures/lss/app_connector_metrics.jsonl");
const EDGE_STATUS: &str = include_str!("../../tests/fixtures/lss/service_edge_status.jsonl");
const EDGE_METRICS_BROKEN: &str =
    include_str!("../../tests/fixtures/lss/service_edge_metrics_broken.jsonl");

/// Counts every line of `text` as the type its keys say, at time 1000.
fn feed(counts: &mut Counts, names: &Names, text: &str) {
    for line in text.lines() {
        let spec = detect(line.as_bytes()).expect("a known type");
        counts
            .record(Slot::of(spec.log_type), line.as_bytes(), names, 1000.0)
            .expect("counted");
    }
}

/// The samples `/metrics` would show, as `name{labels} value` lines.
fn samples(counts: Counts) -> Vec<String> {
    let counts = Arc::new(Mutex::new(counts));
    let text = encode(Format::PrometheusText, move |w| {
        counts.lock().unwrap().write(w, |_| Ok(()))
    })
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn has(samples: &[String], line: &str) -> bool {
    samples.iter().any(|s| s == line)
}

#[test]
fn every_sample_is_detected_as_its_type() {
    let cases = [
        (USER_ACTIVITY, LogType::UserActivity, 4),
        (USER_STATUS, LogType::UserStatus, 3),
        (CONNECTOR_STATUS, LogType::AppConnectorStatus, 2),
        (CONNECTOR_METRICS, LogType::AppConnectorMetrics, 1),
        (EDGE_STATUS, LogType::ServiceEdgeStatus, 1),
    ];
    let mut total = 0;
    for (text, log_type, count) in cases {
        for line in text.lines() {
            assert_eq!(detect(line.as_bytes()).unwrap().log_type, log_type);
        }
        assert_eq!(text.lines().count(), count, "{log_type:?}");
        total += count;
    }
    assert_eq!(total, 11, "the eleven real samples");
    let audit = br#"{"ModifiedTime":"2021-11-17T04:29:38.000Z","ObjectType":"Server"}"#;
    assert_eq!(detect(audit).unwrap_err(), Reject::UnknownType);
    assert_eq!(
        detect(EDGE_METRICS_BROKEN.trim().as_bytes()).unwrap_err(),
        Reject::InvalidJson,
        "the help page's malformed PSE metrics example"
    );
}

#[test]
fn user_activity_labels_and_the_join() {
    let names = Names::with_connectors([("abc.mc.local", "London", "Default")]);
    let mut counts = Counts::new(100);
    feed(&mut counts, &names, USER_ACTIVITY);
    let s = samples(counts);
    // The failure: Connector "0" → none, AppMicroTenantID "0" → none (no API name).
    assert!(
        has(
            &s,
            r#"zpa_lss_user_connections_total{microtenant="none",application="Pune COE Receiver Logs - User Logs",app_group="Pune COE Receiver Logs - User Logs",connector_group="none",status="close",reason="APP_NOT_REACHABLE",result="error"} 1"#
        ),
        "{s:#?}"
    );
    // The open: the connector's group from the API.
    assert!(s.iter().any(|l| l.starts_with("zpa_lss_user_connections_total{") && l.contains(r#"application="blabla""#) && l.contains(r#"connector_group="London",status="open",reason="OPEN_OR_ACTIVE_CONNECTION",result="success""#)), "{s:#?}");
    // Active with an empty reason is a success; a connector the API does not know is
    // `unknown`; the microtenant id is kept when no name is known.
    assert!(s.iter().any(|l| l.starts_with(r#"zpa_lss_user_connections_total{microtenant="145257480799129312",application="ANZ Lab Apps""#) && l.contains(r#"connector_group="unknown",status="active",reason="none",result="success""#)), "{s:#?}");
    assert!(has(
        &s,
        r#"zpa_lss_records_parsed_total{log_type="zpn_trans_log"} 4"#
    ));
    // Setup times only when > 0: three records carry one; policy times on all four.
    let count_of = |prefix: &str| -> f64 {
        s.iter()
            .filter(|l| l.starts_with(prefix))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
            .sum()
    };
    assert_eq!(count_of("zpa_lss_server_setup_seconds_count"), 3.0);
    assert_eq!(count_of("zpa_lss_policy_processing_seconds_count"), 4.0);
    // Byte deltas: 7115 from the client on each of the two demo records, 710 on the open.
    let from_client: f64 = s
        .iter()
        .filter(|l| l.starts_with("zpa_lss_user_bytes_total") && l.contains("from_client"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(from_client, 7115.0 * 2.0 + 710.0);
}

#[test]
fn connector_metrics_and_status() {
    let names = Names::with_connectors([("USconnector-1633598427585", "US", "Default")]);
    let mut counts = Counts::new(100);
    feed(&mut counts, &names, CONNECTOR_METRICS);
    feed(&mut counts, &names, CONNECTOR_METRICS);
    feed(&mut counts, &names, CONNECTOR_STATUS);
    let s = samples(counts);
    // MicroTenantID is sent; without a name for it the id stays.
    let node = r#"connector="USconnector-1633598427585",connector_group="US",microtenant="145257480799129312""#;
    for line in [
        format!("zpa_lss_app_connector_cpu_utilization_ratio{{{node}}} 0.01"),
        format!("zpa_lss_app_connector_system_memory_utilization_ratio{{{node}}} 0.09"),
        format!(r#"zpa_lss_app_connector_used_ports{{{node},protocol="tcp",ip_version="4"}} 11.0"#),
        format!(r#"zpa_lss_app_connector_used_ports{{{node},protocol="udp",ip_version="6"}} 5.0"#),
        format!(r#"zpa_lss_app_connector_targets{{{node},state="alive"}} 62.0"#),
        format!(r#"zpa_lss_app_connector_targets{{{node},state="total"}} 67.0"#),
        // A counter sums the reports.
        format!("zpa_lss_app_connector_app_connections_created_total{{{node}}} 600.0"),
        format!("zpa_lss_app_connector_available_disk_bytes{{{node}}} 261886394368.0"),
        format!("zpa_lss_app_connector_last_report_timestamp_seconds{{{node}}} 1000.0"),
        r#"zpa_lss_app_connector_session_events_total{connector_group="Azure App Connectors",status="authenticated"} 1"#.to_string(),
        r#"zpa_lss_app_connector_version_info{connector="Seattle App Connector 1",connector_group="Azure App Connectors",version="19.20.3",platform="el7"} 1"#.to_string(),
        r#"zpa_lss_app_connector_last_authentication_timestamp_seconds{connector="Seattle App Connector 1",connector_group="Azure App Connectors"} 1561611923.348"#.to_string(),
    ] {
        assert!(has(&s, &line), "{line} in {s:#?}");
    }
}

#[test]
fn a_new_version_replaces_the_old_series() {
    let mut counts = Counts::new(100);
    let slot = Slot::of(LogType::AppConnectorStatus);
    for version in ["1.0", "2.0"] {
        let line = format!(
            r#"{{"SessionType":"ZPN_ASSISTANT_BROKER_CONTROL","SessionStatus":"ZPN_STATUS_AUTHENTICATED","Connector":"c1","ConnectorGroup":"g","Version":"{version}","Platform":"el9"}}"#
        );
        counts
            .record(slot, line.as_bytes(), &Names::default(), 1.0)
            .unwrap();
    }
    let s = samples(counts);
    let versions: Vec<_> = s
        .iter()
        .filter(|l| l.starts_with("zpa_lss_app_connector_version_info"))
        .collect();
    assert_eq!(
        versions,
        [
            r#"zpa_lss_app_connector_version_info{connector="c1",connector_group="g",version="2.0",platform="el9"} 1"#
        ]
    );
}

#[test]
fn user_status_sessions_and_postures() {
    let mut counts = Counts::new(100);
    feed(&mut counts, &Names::default(), USER_STATUS);
    let s = samples(counts);
    let mut postures: Vec<_> = s
        .iter()
        .filter(|l| l.starts_with("zpa_lss_user_posture_checks_total"))
        .cloned()
        .collect();
    postures.sort();
    assert_eq!(
        postures,
        [
            r#"zpa_lss_user_posture_checks_total{posture="sm-posture1",result="hit"} 2"#,
            r#"zpa_lss_user_posture_checks_total{posture="sm-posture11",result="miss"} 2"#,
            r#"zpa_lss_user_posture_checks_total{posture="sm-posture12",result="miss"} 2"#,
            r#"zpa_lss_user_posture_checks_total{posture="sm-posture2",result="hit"} 2"#,
        ]
    );
    let sessions: f64 = s
        .iter()
        .filter(|l| l.starts_with("zpa_lss_user_sessions_total"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(sessions, 3.0);
}

#[test]
fn unknown_reasons_are_kept_under_the_cap() {
    let mut counts = Counts::new(3);
    let slot = Slot::of(LogType::UserActivity);
    for i in 0..10 {
        let line = format!(
            r#"{{"ConnectionStatus":"close","InternalReason":"NEW_CODE_{i}","Application":"a"}}"#
        );
        counts
            .record(slot, line.as_bytes(), &Names::default(), 1.0)
            .unwrap();
    }
    let s = samples(counts);
    let rows: Vec<_> = s
        .iter()
        .filter(|l| l.starts_with("zpa_lss_user_connections_total"))
        .collect();
    assert_eq!(rows.len(), 4, "three series and other: {rows:?}");
    assert!(
        has(
            &s,
            r#"zpa_lss_user_connections_total{microtenant="none",application="a",app_group="none",connector_group="none",status="close",reason="NEW_CODE_0",result="unknown"} 1"#
        ),
        "{rows:#?}"
    );
    // The status and result survive the fold.
    assert!(
        has(
            &s,
            r#"zpa_lss_user_connections_total{microtenant="other",application="other",app_group="other",connector_group="other",status="close",reason="other",result="unknown"} 7"#
        ),
        "{rows:#?}"
    );
    assert!(has(
        &s,
        r#"zpa_lss_series_dropped_total{family="zpa_lss_user_connections_total"} 7"#
    ));
}

#[test]
fn the_receivers_own_counts_start_at_zero_and_count_rejections() {
    let mut counts = Counts::new(100);
    let ua = Slot::of(LogType::UserActivity);
    assert_eq!(
        counts.record(ua, b"{\"a\": 1", &Names::default(), 1.0),
        Err(Reject::InvalidJson)
    );
    counts.reject(Slot::UNKNOWN, Reject::UnknownType);
    let s = samples(counts);
    assert!(has(
        &s,
        r#"zpa_lss_records_received_total{log_type="zpn_trans_log"} 1"#
    ));
    assert!(has(
        &s,
        r#"zpa_lss_records_parsed_total{log_type="zpn_trans_log"} 0"#
    ));
    assert!(has(
        &s,
        r#"zpa_lss_records_rejected_total{log_type="zpn_trans_log",reason="invalid_json"} 1"#
    ));
    assert!(has(
        &s,
        r#"zpa_lss_records_rejected_total{log_type="unknown",reason="unknown_type"} 1"#
    ));
    assert!(
        has(
            &s,
            r#"zpa_lss_records_received_total{log_type="zpn_auth_log"} 0"#
        ),
        "every type from the start"
    );
    assert!(
        !s.iter()
            .any(|l| l.starts_with("zpa_lss_last_record_timestamp_seconds")),
        "no record yet"
    );
}
