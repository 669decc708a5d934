//! The parser against the real sample records (tests/fixtures/lss, copied verbatim from
//! Zscaler's help pages, Elastic's and Google SecOps' fixtures) and the drift they show.

use super::*;

const USER_ACTIVITY: &str = include_str!("../../tests/fixtures/lss/user_activity.jsonl");
const USER_STATUS: &str = include_str!("../../tests/fixtures/lss/user_status.jsonl");
const CONNECTOR_STATUS: &str = include_str!("../../tests/fixtures/lss/app_connector_status.jsonl");
const CONNECTOR_METRICS: &str =
    include_str!("../../tests/fixtures/lss/app_connector_metrics.jsonl");
const EDGE_STATUS: &str = include_str!("../../tests/fixtures/lss/service_edge_status.jsonl");
const EDGE_METRICS_BROKEN: &str =
    include_str!("../../tests/fixtures/lss/service_edge_metrics_broken.jsonl");

fn lines(text: &str) -> impl Iterator<Item = &[u8]> {
    text.lines().map(str::as_bytes)
}

fn text<'t>(t: &'t Option<Text<'_>>) -> Option<&'t str> {
    t.as_ref().map(Text::as_str)
}

#[test]
fn every_sample_parses_and_is_detected_as_its_type() {
    let cases = [
        (USER_ACTIVITY, LogType::UserActivity, 4),
        (USER_STATUS, LogType::UserStatus, 3),
        (CONNECTOR_STATUS, LogType::AppConnectorStatus, 2),
        (CONNECTOR_METRICS, LogType::AppConnectorMetrics, 1),
        (EDGE_STATUS, LogType::ServiceEdgeStatus, 1),
    ];
    let mut total = 0;
    for (text, log_type, count) in cases {
        let parsed: Vec<_> = lines(text).map(|l| parse(l).expect("parses")).collect();
        assert_eq!(parsed.len(), count, "{log_type:?}");
        for f in &parsed {
            assert_eq!(detect(f), Some(log_type));
        }
        total += count;
    }
    assert_eq!(total, 11, "the eleven real samples");
}

#[test]
fn user_activity_fields() {
    let all: Vec<_> = lines(USER_ACTIVITY).map(|l| parse(l).unwrap()).collect();
    let help = &all[0];
    assert_eq!(text(&help.ConnectionStatus), Some("active"));
    assert_eq!(text(&help.InternalReason), Some(""));
    assert_eq!(text(&help.Application), Some("ANZ Lab Apps"));
    assert_eq!(text(&help.Connector), Some("ZDEMO ANZ Lab-1"));
    // The help page spells AppMicrotenantID.
    assert_eq!(text(&help.AppMicroTenantID), Some("145257480799129312"));
    assert_eq!(help.ServerSetupTime.and_then(Num::get), Some(465.0));
    assert_eq!(help.PolicyProcessingTime.and_then(Num::get), Some(28.0));
    assert_eq!(help.ZENBytesRxClient.and_then(Num::get), Some(7115.0));
    assert_eq!(help.ZENBytesTxConnector.and_then(Num::get), Some(7115.0));
    let failed = &all[1];
    assert_eq!(text(&failed.InternalReason), Some("APP_NOT_REACHABLE"));
    assert_eq!(text(&failed.ConnectionStatus), Some("close"));
    assert_eq!(text(&failed.Connector), Some("0"));
    assert_eq!(text(&failed.AppMicroTenantID), Some("0"));
    assert_eq!(failed.ServerSetupTime.and_then(Num::get), Some(0.0));
    let open = &all[2];
    assert_eq!(
        text(&open.InternalReason),
        Some("OPEN_OR_ACTIVE_CONNECTION")
    );
    // Elastic's record has no AppMicroTenantID: absent, not an error.
    assert_eq!(all[3].AppMicroTenantID, None);
}

#[test]
fn metrics_numbers_arrive_as_strings() {
    let f = parse(CONNECTOR_METRICS.trim().as_bytes()).unwrap();
    assert_eq!(text(&f.Connector), Some("USconnector-1633598427585"));
    assert_eq!(f.CPUUtilization.and_then(Num::get), Some(1.0));
    assert_eq!(
        f.AvailableDiskBytes.and_then(Num::get),
        Some(261886394368.0)
    );
    assert_eq!(f.UsedUDPPortsIPv6.and_then(Num::get), Some(5.0));
    assert_eq!(f.AppConnectionsCreated.and_then(Num::get), Some(300.0));
    assert_eq!(text(&f.MicroTenantID), Some("145257480799129312"));
}

#[test]
fn status_records() {
    let c: Vec<_> = lines(CONNECTOR_STATUS).map(|l| parse(l).unwrap()).collect();
    assert_eq!(text(&c[0].ConnectorGroup), Some("Azure App Connectors"));
    assert_eq!(text(&c[0].SessionStatus), Some("ZPN_STATUS_AUTHENTICATED"));
    assert_eq!(text(&c[0].Version), Some("19.20.3"));
    assert_eq!(text(&c[0].Platform), Some("el7"));
    assert_eq!(
        text(&c[0].TimestampAuthentication),
        Some("2019-06-27T05:05:23.348Z")
    );
    let e = parse(EDGE_STATUS.trim().as_bytes()).unwrap();
    assert_eq!(text(&e.ServiceEdge), Some("PB1-1637740498039"));
    assert_eq!(text(&e.ServiceEdgeGroup), Some("PB1"));
}

#[test]
fn posture_lists_as_strings_arrays_and_either_key() {
    let u: Vec<_> = lines(USER_STATUS).map(|l| parse(l).unwrap()).collect();
    // Help page: comma-joined strings, and the key PosturesMisses.
    let hit: Vec<_> = u[0].PosturesHit.as_ref().unwrap().items().collect();
    let miss: Vec<_> = u[0].PosturesMiss.as_ref().unwrap().items().collect();
    assert_eq!(hit, ["sm-posture1", "sm-posture2"]);
    assert_eq!(miss, ["sm-posture11", "sm-posture12"]);
    // Elastic: arrays.
    let hit: Vec<_> = u[1].PosturesHit.as_ref().unwrap().items().collect();
    assert_eq!(hit, ["sm-posture1", "sm-posture2"]);
    assert_eq!(u[2].PosturesHit.as_ref().unwrap().items().count(), 0);
    assert_eq!(text(&u[1].ClientType), Some("zpn_client_type_zapp"));
    assert_eq!(text(&u[2].ClientType), Some("zpn_client_type_ip_anchoring"));
}

#[test]
fn numbers_as_strings_and_empty_strings_for_unset_values() {
    let f = parse(
        br#"{"ConnectionStatus":"close","ServerSetupTime":"1200","PolicyProcessingTime":"",
            "ZENBytesRxClient":" 42 ","MicroTenantID":145257480799129312,"Application":null}"#,
    )
    .unwrap();
    assert_eq!(f.ServerSetupTime.and_then(Num::get), Some(1200.0));
    assert_eq!(f.PolicyProcessingTime.and_then(Num::get), None);
    assert_eq!(f.ZENBytesRxClient.and_then(Num::get), Some(42.0));
    // An id sent with %d keeps its digits (no f64 rounding).
    assert_eq!(text(&f.MicroTenantID), Some("145257480799129312"));
    assert_eq!(f.Application, None);
}

#[test]
fn escaped_strings_and_unknown_fields() {
    let f = parse(
        br#"{"ConnectionStatus":"open","Application":"caf\u00e9 \"app\"","New":{"a":[1,2]},"X":[1]}"#,
    )
    .unwrap();
    assert_eq!(text(&f.Application), Some("café \"app\""));
}

#[test]
fn rejected_lines_by_reason() {
    // A CSV template line.
    let csv = b"2021-10-07 10:40:00 User Activity zpa-lss: \"ANZ\",\"SqyZ\",\"close\"";
    assert_eq!(parse(csv).unwrap_err(), Reject::NotJson);
    assert_eq!(parse(b"[1,2,3]").unwrap_err(), Reject::NotJson);
    assert_eq!(parse(b"{\"a\": 1").unwrap_err(), Reject::InvalidJson);
    assert_eq!(
        parse(EDGE_METRICS_BROKEN.trim().as_bytes()).unwrap_err(),
        Reject::InvalidJson,
        "the help page's malformed PSE metrics example"
    );
    assert_eq!(parse(b"\x00\x01\x02garbage").unwrap_err(), Reject::Binary);
    assert_eq!(parse(b"ab\xff\xfe").unwrap_err(), Reject::Binary);
    assert!(looks_like_tls(b"\x16\x03\x01\x02\x00"));
    assert!(!looks_like_tls(b"{\"a\""));
}

#[test]
fn unknown_objects_are_not_detected() {
    let f = parse(br#"{"ModifiedTime":"2021-11-17T04:29:38.000Z","ObjectType":"Server"}"#).unwrap();
    assert_eq!(detect(&f), None);
}
