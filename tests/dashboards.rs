//! The shipped Grafana dashboards (`dashboards/`): unique panel ids, non-overlapping grid
//! positions, rows, the `datasource`/`job`/`instance` variables, `$datasource` on every panel and
//! target, `job`/`instance` (and microtenant/group) filters on every selector, `$__rate_interval`
//! in every range, units and descriptions on every panel, the panels the issues list, the
//! scheduler's health model (config error, budget, data age against each collector's interval),
//! every metric within the metrics contract, and a type check against `@grafana/schema`
//! (tools/grafana-schema) that rejects a broken dashboard.
//!
//! node and npm are needed for the schema check: without them on PATH when the tests are built,
//! it is ignored with the reason (and `.ci/run` fails on an ignored test).

mod common;
mod shipped;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::{run, tool};
use serde_json::Value as Json;
use shipped::checks::*;
use shipped::*;

#[test]
fn dashboards_follow_the_conventions() {
    let mut problems = Vec::new();
    let mut uids = BTreeSet::new();
    for (name, d) in dashboards() {
        problems.extend(dashboard_problems(&name, &d));
        if !uids.insert(d["uid"].as_str().unwrap_or_default().to_string()) {
            problems.push(format!("{name}: duplicate dashboard uid"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn dashboards_have_the_panels_the_issue_lists() {
    let all: BTreeMap<String, String> = dashboards()
        .into_iter()
        .map(|(name, d)| (name, d.to_string()))
        .collect();
    let overview = all
        .get("zpa-overview.json")
        .expect("dashboards/zpa-overview.json");
    for metric in [
        "zpa_up",
        "zpa_collector_success",
        "zpa_collector_last_success_timestamp_seconds",
        "zpa_api_requests_total",
        "zpa_signin_failures_total",
        "zpa_application_segments",
        "zpa_app_connectors",
        "zpa_service_edges",
        "zpa_certificate_expiry_timestamp_seconds",
        "zpa_config_last_modified_timestamp_seconds",
        // the rate-budget scheduler
        "zpa_config_error",
        "zpa_collector_interval_seconds",
        "zpa_collector_next_run_timestamp_seconds",
        "zpa_collector_last_run_requests",
        "zpa_api_budget_utilization",
    ] {
        assert!(
            overview.contains(metric),
            "zpa-overview.json never shows {metric}"
        );
    }
    assert!(
        overview.contains(r#"code=\"429\""#),
        "zpa-overview.json shows no rate-limit hits"
    );
    let connectors = all
        .get("zpa-connectors.json")
        .expect("dashboards/zpa-connectors.json");
    for metric in [
        "zpa_app_connector_up",
        "zpa_app_connector_info",
        "zpa_app_connector_outdated",
        "zpa_app_connector_last_broker_connect_timestamp_seconds",
        "zpa_service_edge_up",
        "zpa_service_edge_info",
        "zpa_service_edge_outdated",
        "zpa_service_edge_last_broker_connect_timestamp_seconds",
        "$connector_group",
        "$service_edge_group",
        "$microtenant",
    ] {
        assert!(
            connectors.contains(metric),
            "zpa-connectors.json never uses {metric}"
        );
    }
}

#[test]
#[cfg_attr(
    not(all(has_node, has_npm)),
    ignore = "needs node and npm (apt-get install nodejs npm)"
)]
fn dashboards_match_the_grafana_schema() {
    let node = tool("node");
    let dir = root().join("tools/grafana-schema");
    if !dir.join("node_modules/@grafana/schema").is_dir()
        || !dir.join("node_modules/typescript").is_dir()
    {
        let (ok, out) = run(Command::new(tool("npm"))
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir));
        assert!(ok, "npm ci in tools/grafana-schema failed:\n{out}");
    }
    let script = dir.join("check-dashboards.mjs");
    let (ok, out) = run(Command::new(&node).arg(&script));
    assert!(ok, "dashboards fail the @grafana/schema type check:\n{out}");

    // The check must reject a broken dashboard: a copy of the overview whose first non-row
    // panel has `gridPos: "x"`.
    let (_, mut broken) = dashboards()
        .into_iter()
        .find(|(name, _)| name == "zpa-overview.json")
        .expect("zpa-overview.json");
    let panel = broken["panels"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["type"] != "row")
        .unwrap();
    panel["gridPos"] = Json::String("x".into());
    let path =
        std::env::temp_dir().join(format!("zpa-broken-dashboard-{}.json", std::process::id()));
    std::fs::write(&path, broken.to_string()).unwrap();
    let (broken_ok, broken_out) = run(Command::new(&node).arg(&script).arg(&path));
    let _ = std::fs::remove_file(&path);
    assert!(
        !broken_ok && broken_out.contains("error TS"),
        "the schema check accepted a panel with gridPos \"x\":\n{broken_out}"
    );
}

// ---------------------------------------------------------------------------------------------
// The rate-budget scheduler's health model on the dashboards.

fn overview() -> Json {
    dashboards()
        .into_iter()
        .find(|(name, _)| name == "zpa-overview.json")
        .expect("dashboards/zpa-overview.json")
        .1
}

#[test]
fn health_row_shows_the_config_error_and_the_budget() {
    let d = overview();
    let top = d["panels"].as_array().unwrap();
    let second_row_y = top
        .iter()
        .filter(|p| p["type"] == "row")
        .filter_map(|p| p["gridPos"]["y"].as_i64())
        .nth(1)
        .expect("a second row");
    let health_stats: Vec<&Json> = top
        .iter()
        .filter(|p| p["type"] == "stat" && p["gridPos"]["y"].as_i64() < Some(second_row_y))
        .collect();
    for metric in ["zpa_up", "zpa_config_error", "zpa_api_budget_utilization"] {
        assert!(
            health_stats
                .iter()
                .any(|p| p["targets"].to_string().contains(metric)),
            "the Exporter health row has no stat on {metric}"
        );
    }
}

#[test]
fn budget_utilization_is_green_below_0_8_orange_below_1_red_from_1() {
    let d = overview();
    let mut seen = 0;
    for p in all_panels(&d) {
        if !p["targets"]
            .to_string()
            .contains("zpa_api_budget_utilization")
        {
            continue;
        }
        seen += 1;
        let title = p["title"].as_str().unwrap_or("?");
        let defaults = &p["fieldConfig"]["defaults"];
        assert_eq!(defaults["unit"], "percentunit", "{title}: unit");
        let steps: Vec<(String, Option<f64>)> = defaults["thresholds"]["steps"]
            .as_array()
            .unwrap_or_else(|| panic!("{title}: no thresholds"))
            .iter()
            .map(|s| {
                (
                    s["color"].as_str().unwrap_or("").to_string(),
                    s["value"].as_f64(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("green".to_string(), None),
                ("orange".to_string(), Some(0.8)),
                ("red".to_string(), Some(1.0))
            ],
            "{title}: budget thresholds"
        );
    }
    assert!(
        seen >= 2,
        "want a budget stat and a budget graph, found {seen} panels"
    );
}

#[test]
fn data_age_is_shown_against_each_collectors_own_interval() {
    let d = overview();
    let panels = panel_queries(&d);
    let against_interval = |e: &String| {
        e.contains("zpa_collector_last_success_timestamp_seconds")
            && e.contains("zpa_collector_interval_seconds")
            && e.contains("on (job, instance, tenant, collector)")
    };
    let ratio = panels
        .iter()
        .filter(|(_, _, exprs)| exprs.iter().any(against_interval))
        .count();
    assert!(
        ratio >= 2,
        "want data age / interval on at least a stat and a graph or table, found {ratio}"
    );
    for metric in [
        "zpa_collector_interval_seconds",
        "zpa_collector_next_run_timestamp_seconds",
        "zpa_collector_last_run_requests",
    ] {
        assert!(
            panels
                .iter()
                .any(|(_, _, exprs)| exprs.iter().any(|e| e.contains(metric))),
            "no panel shows {metric}"
        );
    }
}

#[test]
fn time_since_last_change_shows_the_newest_change() {
    let d = overview();
    let (_, description, exprs) = panel_queries(&d)
        .into_iter()
        .find(|(title, _, _)| title == "Time since last change")
        .expect("a \"Time since last change\" panel");
    for e in &exprs {
        let e: String = e.split_whitespace().collect::<Vec<_>>().join(" ");
        // max over the ages is the OLDEST change; the newest is the age of the max timestamp
        assert!(
            e.starts_with("time() - max by (resource) (zpa_config_last_modified_timestamp_seconds"),
            "want time() - max by (resource) (…), got {e}"
        );
    }
    assert!(
        description.contains("newest"),
        "the description should say it shows the newest change: {description}"
    );
}

#[test]
fn tenant_wide_panels_say_the_microtenant_variable_does_not_apply() {
    for (name, d) in dashboards() {
        let has_microtenant = d["templating"]["list"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["name"] == "microtenant");
        if !has_microtenant {
            continue;
        }
        for (title, description, exprs) in panel_queries(&d) {
            let tenant_wide = exprs.iter().any(|e| {
                [
                    "zpa_policy_rules",
                    "zpa_identity_provider_info",
                    "zpa_scim_groups",
                ]
                .iter()
                .any(|m| e.contains(m))
            });
            if tenant_wide {
                assert!(
                    description.contains("Microtenant variable does not apply"),
                    "{name}: {title}: policy rules, IdPs and SCIM groups are tenant-wide; say that the Microtenant variable does not apply: {description}"
                );
            }
        }
    }
}

/// The "Dashboards and alerts" section of README.md.
fn readme_dashboards_section() -> String {
    let readme = read(&root().join("README.md"));
    let start = readme
        .find("\n## Dashboards and alerts")
        .expect("README.md has a `## Dashboards and alerts` section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

#[test]
fn nothing_shipped_uses_the_removed_poll_interval() {
    let mut texts: Vec<(String, String)> = Vec::new();
    for dir in ["dashboards", "alerts", "alerts/tests", "deploy/compose"] {
        for ext in ["json", "yml", "yaml"] {
            let path = root().join(dir);
            if path.is_dir() {
                for f in files_with_ext(&path, ext) {
                    texts.push((f.display().to_string(), read(&f)));
                }
            }
        }
    }
    for f in ["docs/runbook.md", "deploy/kubernetes/prometheusrule.yaml"] {
        texts.push((f.to_string(), read(&root().join(f))));
    }
    texts.push((
        "README.md#dashboards-and-alerts".into(),
        readme_dashboards_section(),
    ));
    let mut problems = Vec::new();
    for (name, text) in &texts {
        for gone in [
            "zpa_poll_interval_seconds",
            "poll cycle",
            "poll interval",
            "--poll.interval",
        ] {
            if text.to_lowercase().contains(gone) {
                problems.push(format!("{name} still mentions {gone:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
