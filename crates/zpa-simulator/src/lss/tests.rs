//! The generator against the templates (every type: keys in order, value kinds as the specs
//! say) and the mixes, for fixed seeds. The newer types' mixes are in `tests/`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use super::*;
use crate::SimulatorConfig;

/// Sat Jun 13 2026 12:00:00 UTC; records a millisecond apart.
const T0: u64 = 1_781_352_000_000_000;

fn names() -> Arc<Names> {
    static NAMES: OnceLock<Arc<Names>> = OnceLock::new();
    NAMES
        .get_or_init(|| Arc::new(Names::generate(&SimulatorConfig::default())))
        .clone()
}

fn lines(log_type: LogType, n: usize, seed: u64) -> Vec<String> {
    let mut g = Generator::new(log_type, names(), seed);
    (0..n).map(|i| g.next_line(T0 + i as u64 * 1_000)).collect()
}

/// What a template's spec makes of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `%j`: a JSON string.
    Str,
    /// `%d`: a bare integer.
    Int,
    /// `%f`: a bare number with decimals.
    Float,
    /// `[%j(,){X}]`: an array of strings.
    List,
}

/// The JSON keys of a template, in order (`"Key": %…`), with what their specs render.
fn template_specs(log_type: LogType) -> Vec<(String, Kind)> {
    default_template(log_type)
        .split('"')
        .collect::<Vec<_>>()
        .windows(2)
        .filter_map(|w| {
            let spec = w[1].trim_start().strip_prefix(':')?.trim_start();
            let kind = if spec.starts_with("[%j(,){") {
                Kind::List
            } else if spec.starts_with("%j{") {
                Kind::Str
            } else if spec.starts_with("%d{") {
                Kind::Int
            } else if spec.starts_with("%f{") {
                Kind::Float
            } else {
                return None;
            };
            Some((w[0].to_string(), kind))
        })
        .collect()
}

fn kind_of(v: &Json) -> Option<Kind> {
    match v {
        Json::String(_) => Some(Kind::Str),
        Json::Number(n) if n.is_f64() => Some(Kind::Float),
        Json::Number(_) => Some(Kind::Int),
        Json::Array(items) if items.iter().all(Json::is_string) => Some(Kind::List),
        _ => None,
    }
}

/// The key that says when a record was made: Audit records have no `LogTimestamp`.
fn time_key(log_type: LogType) -> &'static str {
    if log_type == LogType::Audit {
        "ModifiedTime"
    } else {
        "LogTimestamp"
    }
}

#[test]
fn every_line_is_json_with_the_template_keys_in_order_and_their_kinds() {
    for log_type in LogType::ALL {
        let specs = template_specs(log_type);
        assert!(specs.len() >= 14, "{log_type:?}: {specs:?}");
        assert_eq!(specs[0].0, time_key(log_type));
        for line in lines(log_type, 300, 7) {
            assert!(
                line.ends_with("}\n") && line.matches('\n').count() == 1,
                "{line}"
            );
            let v: Json =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{log_type:?}: {e}: {line}"));
            assert_eq!(v.as_object().unwrap().len(), specs.len(), "{line}");
            let mut pos = 0;
            for (key, kind) in &specs {
                let found = line[pos..]
                    .find(&format!("\"{key}\":"))
                    .unwrap_or_else(|| panic!("{log_type:?}: {key} missing or out of order"));
                pos += found + key.len();
                assert_eq!(kind_of(&v[key]), Some(*kind), "{log_type:?} {key}: {line}");
            }
            let ts = v[time_key(log_type)].as_str().unwrap();
            // Records a millisecond apart: the ISO time shows it, ctime does not.
            let expected = if log_type == LogType::Audit {
                "2026-06-13T12:00:00."
            } else {
                "Sat Jun 13 12:00:00 2026"
            };
            assert!(ts.starts_with(expected), "{log_type:?}: {ts}");
        }
    }
}

#[test]
fn numbers_are_strings_in_metrics_logs_and_bare_elsewhere() {
    let metrics = lines(LogType::AppConnectorMetrics, 1, 1);
    assert!(
        metrics[0].contains(r#""CPUUtilization":""#),
        "{}",
        metrics[0]
    );
    let edge = lines(LogType::ServiceEdgeMetrics, 1, 1);
    assert!(edge[0].contains(r#""AvailablePorts":""#), "{}", edge[0]);
    let status: Json = serde_json::from_str(&lines(LogType::AppConnectorStatus, 1, 1)[0]).unwrap();
    assert!(status["CPUUtilization"].is_u64() && status["Latitude"].is_f64());
    assert!(
        status["HostStartTime"].is_string(),
        "epoch seconds as strings"
    );
    let activity: Json = serde_json::from_str(&lines(LogType::UserActivity, 1, 1)[0]).unwrap();
    assert!(activity["ServerSetupTime"].is_u64() && activity["ClientLatitude"].is_f64());
    let users: Json = serde_json::from_str(&lines(LogType::UserStatus, 1, 1)[0]).unwrap();
    assert!(users["PosturesHit"].is_array() && users["TrustedNetworks"].is_array());
}

#[test]
fn same_seed_same_stream_other_seed_other_stream() {
    for log_type in LogType::ALL {
        assert_eq!(
            lines(log_type, 50, 3),
            lines(log_type, 50, 3),
            "{log_type:?}"
        );
        assert_ne!(
            lines(log_type, 50, 3),
            lines(log_type, 50, 4),
            "{log_type:?}"
        );
    }
}

fn activity(n: usize, seed: u64) -> Vec<Json> {
    lines(LogType::UserActivity, n, seed)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn user_activity_mix_is_mostly_success_with_failures_by_reason() {
    let records = activity(20_000, 11);
    let closes: Vec<&Json> = records
        .iter()
        .filter(|r| r["ConnectionStatus"] == "close")
        .collect();
    let statuses: HashMap<&str, usize> = records.iter().fold(HashMap::new(), |mut m, r| {
        *m.entry(r["ConnectionStatus"].as_str().unwrap())
            .or_default() += 1;
        m
    });
    assert!(
        statuses["open"] > 5_000 && statuses["active"] > 500,
        "{statuses:?}"
    );
    assert!(closes.len() > 8_000, "{}", closes.len());
    let mut by_class: HashMap<Class, usize> = HashMap::new();
    let mut by_reason: HashMap<&str, usize> = HashMap::new();
    for r in &closes {
        let reason = r["InternalReason"].as_str().unwrap();
        *by_reason.entry(reason).or_default() += 1;
        let class = class_of(reason).unwrap_or_else(|| panic!("unclassified {reason}"));
        *by_class.entry(class).or_default() += 1;
    }
    let share = |c: Class| by_class.get(&c).copied().unwrap_or(0) as f64 / closes.len() as f64;
    assert!(
        (0.65..0.88).contains(&share(Class::Success)),
        "{by_class:?}"
    );
    assert!((0.03..0.10).contains(&share(Class::Info)), "{by_class:?}");
    assert!((0.06..0.22).contains(&share(Class::Error)), "{by_class:?}");
    assert!(
        (0.02..0.07).contains(&share(Class::PolicyBlock)),
        "{by_class:?}"
    );
    for reason in [
        "APP_NOT_REACHABLE",
        "AST_MT_SETUP_TIMEOUT_CANNOT_CONN_TO_SERVER",
        "BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY",
        "AST_MT_SETUP_ERR_NO_EPHEMERAL_PORT",
        "NO_CONNECTOR_AVAILABLE",
    ] {
        assert!(
            by_reason.get(reason).copied().unwrap_or(0) > 10,
            "{reason}: {by_reason:?}"
        );
    }
    // Open records say so; failures carry no setup time.
    for r in &records {
        match r["ConnectionStatus"].as_str().unwrap() {
            "open" => assert_eq!(r["InternalReason"], "OPEN_OR_ACTIVE_CONNECTION"),
            "active" => assert_eq!(r["InternalReason"], ""),
            _ => {}
        }
    }
}

#[test]
fn failures_before_policy_carry_zero_ids_and_unset_times() {
    let records = activity(5_000, 12);
    let before: Vec<&Json> = records
        .iter()
        .filter(|r| r["InternalReason"] == "APP_NOT_REACHABLE")
        .collect();
    assert!(!before.is_empty());
    for r in before {
        assert_eq!(r["Connector"], "0");
        assert_eq!(r["Policy"], "0");
        assert_eq!(r["ConnectorZEN"], "0");
        assert_eq!(r["ServerIP"], "");
        assert_eq!(r["ConnectorPort"], 0);
        assert_eq!(r["ServerSetupTime"], 0);
        assert_eq!(r["TimestampCARx"], "");
        assert_eq!(r["TimestampConnectorZENSetupComplete"], "");
        assert!(r["TimestampConnectionEnd"].as_str().unwrap().ends_with('Z'));
    }
    let blocked = records
        .iter()
        .find(|r| r["InternalReason"] == "BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY")
        .expect("a policy block");
    assert_eq!(blocked["Connector"], "0");
    assert_ne!(blocked["Policy"], "0", "the rule that blocked is named");
    let open = records
        .iter()
        .find(|r| r["ConnectionStatus"] == "open")
        .unwrap();
    assert_eq!(open["TimestampConnectionEnd"], "");
    assert_ne!(open["Connector"], "0");
}

#[test]
fn setup_times_are_long_tailed_and_the_troubled_app_fails_often() {
    let records = activity(20_000, 13);
    let mut setups: Vec<u64> = records
        .iter()
        .filter_map(|r| r["ServerSetupTime"].as_u64())
        .filter(|&t| t > 0)
        .collect();
    setups.sort_unstable();
    let q = |p: f64| setups[((setups.len() - 1) as f64 * p) as usize];
    assert!(q(0.5) < 50_000, "p50 {} µs", q(0.5));
    assert!(q(0.99) > 1_000_000, "p99 {} µs", q(0.99));

    let names = names();
    let troubled = &names.apps[troubled_app(&names)].name;
    let closes = |app: Option<&str>| {
        let rs: Vec<&Json> = records
            .iter()
            .filter(|r| r["ConnectionStatus"] == "close")
            .filter(|r| app.is_none_or(|a| r["Application"] == a))
            .collect();
        let failed = rs
            .iter()
            .filter(|r| class_of(r["InternalReason"].as_str().unwrap()) == Some(Class::Error))
            .count();
        (failed as f64 / rs.len() as f64, rs.len())
    };
    let (ratio, n) = closes(Some(troubled));
    assert!(n > 200 && ratio > 0.25, "troubled app: {ratio} of {n}");
    let (overall, _) = closes(None);
    assert!(overall < 0.2, "overall {overall}");
}

#[test]
fn one_connector_is_saturated_and_the_others_are_not() {
    let names = names();
    let hot = &names.connectors[saturated_connector(&names)].name;
    let n = names.connectors.len() * 5;
    let mut seen_hot = 0;
    for line in lines(LogType::AppConnectorMetrics, n, 5) {
        let r: Json = serde_json::from_str(&line).unwrap();
        let num = |k: &str| r[k].as_str().unwrap().parse::<f64>().unwrap();
        let fd_ratio = num("ProcessUsedFileDescriptors") / num("ProcessMaximumFileDescriptors");
        if r["Connector"] == hot.as_str() {
            seen_hot += 1;
            assert!(num("CPUUtilization") >= 93.0, "{line}");
            assert!(num("AvailablePorts") < 1_000.0, "{line}");
            assert!(fd_ratio > 0.9, "{line}");
        } else {
            assert!(num("CPUUtilization") < 50.0, "{line}");
            assert!(num("AvailablePorts") > 27_000.0 && fd_ratio < 0.1, "{line}");
        }
        assert!(names.connectors.iter().any(|c| c.name == r["Connector"]));
    }
    assert_eq!(seen_hot, 5, "round robin reaches every connector");
    let edges: Vec<Json> = lines(LogType::ServiceEdgeMetrics, 8, 5)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(edges
        .iter()
        .all(|r| names.service_edges.iter().any(|e| e.name == r["PrivateSE"])));
}

#[test]
fn status_logs_name_groups_from_the_tenant_and_mix_session_statuses() {
    let names = names();
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for line in lines(LogType::AppConnectorStatus, 2_000, 9) {
        let r: Json = serde_json::from_str(&line).unwrap();
        let c = names
            .connectors
            .iter()
            .find(|c| c.name == r["Connector"])
            .expect("a tenant connector");
        assert_eq!(r["ConnectorGroup"], c.group.as_str());
        assert_eq!(r["Version"], c.version.as_str());
        *statuses
            .entry(r["SessionStatus"].as_str().unwrap().into())
            .or_default() += 1;
        if r["SessionStatus"] == "ZPN_STATUS_DISCONNECTED" {
            assert_ne!(r["TimestampUnAuthentication"], "");
        } else {
            assert_eq!(r["TimestampUnAuthentication"], "");
        }
    }
    assert!(statuses["ZPN_STATUS_AUTHENTICATED"] > 1_700, "{statuses:?}");
    assert!(statuses["ZPN_STATUS_DISCONNECTED"] > 40, "{statuses:?}");
    assert!(statuses["ZPN_STATUS_AUTH_FAILED"] > 5, "{statuses:?}");
    let users: Vec<Json> = lines(LogType::UserStatus, 1_000, 9)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let zapp = users
        .iter()
        .filter(|u| u["ClientType"] == "zpn_client_type_zapp")
        .count();
    assert!((750..950).contains(&zapp), "{zapp}");
    assert!(users
        .iter()
        .any(|u| !u["PosturesMiss"].as_array().unwrap().is_empty()));
}

mod web_audit_and_controllers;
