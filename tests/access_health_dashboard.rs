//! The Access health dashboard (`dashboards/zpa-access-health.json`) shows what the LSS issue
//! lists, and agrees with the alerts it stands beside. The conventions every dashboard follows
//! (variables, filters, units, ranges, the metrics table, the Grafana schema) are checked for it
//! by tests/dashboards.rs like for the others.

mod shipped;

use serde_json::Value;
use shipped::checks::panel_queries;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn dashboard() -> Value {
    let path = format!("{ROOT}/dashboards/zpa-access-health.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn panel_using(d: &Value, needle: &str) -> Option<String> {
    panel_queries(d)
        .into_iter()
        .find(|(_, _, exprs)| exprs.iter().any(|e| e.contains(needle)))
        .map(|(title, _, _)| title)
}

#[test]
fn it_shows_what_the_issue_lists() {
    let d = dashboard();
    assert_eq!(d["uid"], "zpa-access-health");
    for needle in [
        // success and failure ratio per application (the recording rules), top failure reasons
        "bottomk(10, tenant_application:zpa_lss_user_connection_successes:ratio_rate5m{",
        "topk(10, tenant_application:zpa_lss_user_connection_failures:ratio_rate5m{",
        "topk(10, sum by (reason, result) (rate(zpa_lss_user_connections_total",
        // setup-time percentiles per application, policy processing p99
        "histogram_quantile(0.5, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket",
        "histogram_quantile(0.95, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket",
        "histogram_quantile(0.99, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket",
        "histogram_quantile(0.99, sum by (le, application) (rate(zpa_lss_policy_processing_seconds_bucket",
        "sum by (direction) (rate(zpa_lss_user_bytes_total",
        // connector saturation
        "zpa_lss_app_connector_cpu_utilization_ratio",
        "zpa_lss_app_connector_system_memory_utilization_ratio",
        "zpa_lss_app_connector_used_ports",
        "zpa_lss_app_connector_available_ports",
        r#"zpa_lss_app_connector_file_descriptors{state="used""#,
        r#"zpa_lss_app_connector_file_descriptors{state="max""#,
        // PSE saturation, sessions
        "zpa_lss_service_edge_cpu_utilization_ratio",
        "zpa_lss_service_edge_used_ports",
        "zpa_lss_service_edge_file_descriptors",
        "sum by (status, client_type) (rate(zpa_lss_user_sessions_total",
        "zpa_lss_app_connector_session_events_total",
        // the receiver itself
        "sum by (log_type) (rate(zpa_lss_records_received_total",
        "sum by (log_type, reason) (rate(zpa_lss_records_rejected_total",
        "zpa_lss_receiver_connections{",
        "zpa_lss_series_dropped_total",
        "zpa_lss_last_record_timestamp_seconds",
    ] {
        assert!(
            panel_using(&d, needle).is_some(),
            "no panel queries {needle}"
        );
    }
    let vars: Vec<&str> = d["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    for v in [
        "datasource",
        "job",
        "instance",
        "microtenant",
        "application",
        "connector_group",
        "service_edge_group",
    ] {
        assert!(vars.contains(&v), "no ${v} variable: {vars:?}");
    }
}

#[test]
fn failure_panels_draw_the_alert_thresholds() {
    let d = dashboard();
    let rules = std::fs::read_to_string(format!("{ROOT}/alerts/zpa.rules.yml")).unwrap();
    // (panel title, the alert it stands for, the threshold both use)
    for (title, alert, threshold) in [
        (
            "Failure ratio per application",
            "ZpaAccessFailureRatioHigh",
            0.2,
        ),
        ("App Connector CPU", "ZpaAppConnectorCpuHigh", 0.9),
        ("Source ports used", "ZpaAppConnectorPortsExhausting", 0.9),
        (
            "File descriptors used",
            "ZpaAppConnectorFileDescriptorsExhausting",
            0.9,
        ),
        ("Service Edge CPU", "ZpaServiceEdgeCpuHigh", 0.9),
        ("Time since the last record", "ZpaLssStreamStopped", 900.0),
    ] {
        let panel = d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title:?}"));
        let steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
            .as_array()
            .unwrap_or_else(|| panic!("{title}: no thresholds"));
        assert!(
            steps
                .iter()
                .any(|s| s["value"].as_f64() == Some(threshold) && s["color"] == "red"),
            "{title}: no red step at {threshold}"
        );
        assert_eq!(
            panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"], "line",
            "{title}: the threshold is not drawn"
        );
        let description = panel["description"].as_str().unwrap_or_default();
        assert!(
            description.contains(alert),
            "{title}: the description should name {alert}"
        );
        // the rule really uses that threshold
        let rule = rules
            .split("- alert: ")
            // the generated rules file quotes its values: `- alert: "ZpaName"`
            .find(|r| r.trim_start_matches('"').starts_with(alert))
            .unwrap_or_else(|| panic!("no rule {alert}"));
        let shown = format!("> {threshold}");
        assert!(rule.contains(&shown), "{alert} does not use {shown}");
    }
}
