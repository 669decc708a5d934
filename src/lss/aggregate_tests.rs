//! The state from real sample records: labels, the join, the cap.

use super::*;
use crate::lss::record::{detect, parse};

const USER_ACTIVITY: &str = include_str!("../../tests/fixtures/lss/user_activity.jsonl");
const USER_STATUS: &str = include_str!("../../tests/fixtures/lss/user_status.jsonl");
const CONNECTOR_STATUS: &str = include_str!("../../tests/fixtures/lss/app_connector_status.jsonl");
const CONNECTOR_METRICS: &str =
    include_str!("../../tests/fixtures/lss/app_connector_metrics.jsonl");

fn feed(state: &mut State, names: &Names, text: &str) {
    for line in text.lines() {
        let f = parse(line.as_bytes()).unwrap();
        state.record(detect(&f).unwrap(), &f, names, 1000.0);
    }
}

fn labels<const N: usize>(state: &State, key: &[u32; N]) -> [String; N] {
    key.map(|id| state.names.name(id).to_string())
}

fn connections(state: &State) -> Vec<([String; 7], u64)> {
    let mut rows: Vec<_> = state
        .connections
        .iter()
        .map(|(k, v)| (labels(state, k), *v))
        .collect();
    rows.sort();
    rows
}

#[test]
fn user_activity_labels_and_the_join() {
    let names = Names::with_connectors([("abc.mc.local", "London", "Default")]);
    let mut state = State::new(100);
    feed(&mut state, &names, USER_ACTIVITY);
    let rows = connections(&state);
    let row = |app: &str| rows.iter().find(|(l, _)| l[1] == app).unwrap().clone();
    // The failure: Connector "0" → none, AppMicroTenantID "0" → none (no snapshot name).
    let (l, n) = row("Pune COE Receiver Logs - User Logs");
    assert_eq!(
        l,
        [
            "none",
            "Pune COE Receiver Logs - User Logs",
            "Pune COE Receiver Logs - User Logs",
            "none",
            "close",
            "APP_NOT_REACHABLE",
            "error"
        ]
    );
    assert_eq!(n, 1);
    // The open: the connector's group from the API snapshot.
    let (l, _) = row("blabla");
    assert_eq!(l[3], "London");
    assert_eq!(&l[4..], ["open", "OPEN_OR_ACTIVE_CONNECTION", "success"]);
    // Active with an empty reason is a success; a connector the snapshot does not know is
    // `unknown`; the id is kept when no name is known.
    let (l, _) = row("ANZ Lab Apps");
    assert_eq!(l[0], "145257480799129312");
    assert_eq!(l[3], "unknown");
    assert_eq!(&l[4..], ["active", "none", "success"]);
    assert_eq!(state.parsed[LogType::UserActivity.index()], 4);
    // Setup times only when > 0: three records carry one.
    let setups: u64 = state.server_setup.iter().map(|(_, h)| h.count).sum();
    assert_eq!(setups, 3);
    let policy: u64 = state.policy.iter().map(|(_, h)| h.count).sum();
    assert_eq!(policy, 4);
    // Byte deltas: 7115 from the client on each of the two demo records, 710 on the open.
    let from_client: f64 = state.bytes.iter().map(|(_, v)| v[0]).sum();
    assert_eq!(from_client, 7115.0 * 2.0 + 710.0);
}

#[test]
fn connector_metrics_and_status() {
    let names = Names::with_connectors([("USconnector-1633598427585", "US", "Default")]);
    let mut state = State::new(100);
    feed(&mut state, &names, CONNECTOR_METRICS);
    feed(&mut state, &names, CONNECTOR_METRICS);
    let (key, m) = state.connector_metrics.iter().next().unwrap();
    // MicroTenantID is sent; without a name for it the id stays.
    assert_eq!(
        labels(&state, key),
        ["USconnector-1633598427585", "US", "145257480799129312"]
    );
    assert_eq!(m.cpu, Some(0.01));
    assert_eq!(m.system_memory, Some(0.09));
    assert_eq!(m.used_ports, [Some(11.0), Some(4.0), Some(1.0), Some(5.0)]);
    assert_eq!(m.targets, [Some(62.0), Some(67.0)]);
    assert_eq!(
        m.app_connections_created, 600.0,
        "a counter sums the reports"
    );
    assert_eq!(m.available_disk, Some(261886394368.0));
    assert_eq!(m.last_report, 1000.0);

    feed(&mut state, &names, CONNECTOR_STATUS);
    let sessions: Vec<_> = state
        .connector_sessions
        .iter()
        .map(|(k, v)| (labels(&state, k), *v))
        .collect();
    assert!(sessions.contains(&(["Azure App Connectors".into(), "authenticated".into()], 1)));
    let (key, v) = state
        .connector_versions
        .iter()
        .find(|(k, _)| state.names.name(k[0]) == "Seattle App Connector 1")
        .unwrap();
    assert_eq!(labels(&state, key), ["Seattle App Connector 1"]);
    assert_eq!(state.names.name(v.version), "19.20.3");
    assert_eq!(state.names.name(v.platform), "el7");
    let (_, at) = state.connector_last_auth.iter().next().unwrap();
    assert_eq!(*at, 1561611923.348);
}

#[test]
fn a_new_version_replaces_the_old_series() {
    let mut state = State::new(100);
    let names = Names::default();
    for version in ["1.0", "2.0"] {
        let line = format!(
            r#"{{"SessionType":"ZPN_ASSISTANT_BROKER_CONTROL","SessionStatus":"ZPN_STATUS_AUTHENTICATED","Connector":"c1","ConnectorGroup":"g","Version":"{version}","Platform":"el9"}}"#
        );
        let f = parse(line.as_bytes()).unwrap();
        state.record(LogType::AppConnectorStatus, &f, &names, 1.0);
    }
    assert_eq!(state.connector_versions.len(), 1);
    let (_, v) = state.connector_versions.iter().next().unwrap();
    assert_eq!(state.names.name(v.version), "2.0");
}

#[test]
fn user_status_sessions_and_postures() {
    let mut state = State::new(100);
    feed(&mut state, &Names::default(), USER_STATUS);
    let mut postures: Vec<_> = state
        .postures
        .iter()
        .map(|(k, v)| (labels(&state, k), *v))
        .collect();
    postures.sort();
    assert_eq!(
        postures,
        [
            (["sm-posture1".into(), "hit".into()], 2),
            (["sm-posture11".into(), "miss".into()], 2),
            (["sm-posture12".into(), "miss".into()], 2),
            (["sm-posture2".into(), "hit".into()], 2),
        ]
    );
    let total: u64 = state.user_sessions.iter().map(|(_, v)| *v).sum();
    assert_eq!(total, 3);
}

#[test]
fn unknown_reasons_are_kept_under_the_cap() {
    let mut state = State::new(3);
    let names = Names::default();
    for i in 0..10 {
        let line = format!(
            r#"{{"ConnectionStatus":"close","InternalReason":"NEW_CODE_{i}","Application":"a"}}"#
        );
        let f = parse(line.as_bytes()).unwrap();
        state.record(LogType::UserActivity, &f, &names, 1.0);
    }
    let rows = connections(&state);
    assert_eq!(rows.len(), 4, "three series and other: {rows:?}");
    assert!(rows
        .iter()
        .any(|(l, n)| l[5] == "NEW_CODE_0" && l[6] == "unknown" && *n == 1));
    let other = rows.iter().find(|(l, _)| l[5] == "other").unwrap();
    assert_eq!(other.0[4], "close", "the status survives the fold");
    assert_eq!(other.0[6], "unknown");
    assert_eq!(other.1, 7);
    assert_eq!(state.connections.dropped, 7);
}

#[test]
fn iso8601() {
    assert_eq!(iso8601_seconds("1970-01-01T00:00:00Z"), Some(0.0));
    assert_eq!(
        iso8601_seconds("2024-06-12T23:54:04.735Z"),
        Some(1718236444.735)
    );
    assert_eq!(iso8601_seconds(""), None);
    assert_eq!(iso8601_seconds("yesterday"), None);
}
