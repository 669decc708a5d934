//! The checkers of `tests/shipped/` catch what they are meant to catch: the PromQL selectors,
//! the expression and dashboard conventions, the runbook anchors. Without these, a checker that
//! accepts everything would let every shipped file pass.

mod common;
mod shipped;

use std::collections::BTreeSet;

use serde_json::Value as Json;
use shipped::checks::*;
use shipped::promql::*;
use shipped::runbook::*;
use shipped::*;

#[test]
fn selector_scanner_finds_metrics_matchers_and_ranges() {
    let sels = selectors(
        r#"sum by (job, instance) (rate(zpa_api_requests_total{code="429", job=~"$job"}[$__rate_interval])) > 0
           and on (job) up{job=~"zpa.*"} == 1 unless zpa_up or vector(0) * 1e3"#,
    )
    .unwrap();
    let names: Vec<&str> = sels.iter().map(|s| s.metric.as_str()).collect();
    assert_eq!(names, ["zpa_api_requests_total", "up", "zpa_up"]);
    assert_eq!(sels[0].range.as_deref(), Some("$__rate_interval"));
    assert_eq!(
        sels[0].matchers[0],
        Matcher {
            label: "code".into(),
            op: "=".into(),
            value: "429".into()
        }
    );
    assert!(selectors(r#"{job="x"}"#).unwrap()[0].metric.is_empty());
    let label_values =
        selectors(r#"label_values(zpa_app_connectors{job=~"$job"}, connector_group)"#).unwrap();
    assert_eq!(label_values.len(), 1);
    assert_eq!(label_values[0].metric, "zpa_app_connectors");
}

#[test]
fn selectors_come_from_a_real_parse_with_grafana_variables_mapped_back() {
    // Subqueries, `offset`, functions in aggregations, `${var}` and a plain range.
    let sels = selectors(
        r#"max_over_time(zpa_up{instance=~"${instance}"}[5m:1m] offset 1h)
           / ignoring (code) topk(3, increase(zpa_api_requests_total[1h30m]))"#,
    )
    .unwrap();
    assert_eq!(sels.len(), 2);
    assert_eq!(sels[0].metric, "zpa_up");
    assert_eq!(
        sels[0].range, None,
        "a subquery's range is not a selector's"
    );
    assert_eq!(
        sels[0].matchers,
        [Matcher {
            label: "instance".into(),
            op: "=~".into(),
            value: "$instance".into()
        }]
    );
    assert_eq!(sels[1].range.as_deref(), Some("1h30m"));
    // What a scanner would wave through, a parser refuses; the checks report it.
    for broken in [
        r#"rate(zpa_up[$__rate_interval]"#,
        r#"sum by (job (zpa_up)"#,
        r#"zpa_up{job=~"$job"} +"#,
        r#"zpa_up{job=~"("}"#,
        r#"rate(zpa_up[$__rate_intervall])"#,
    ] {
        let err = selectors(broken).expect_err(broken);
        assert!(err.contains("does not parse"), "{err}");
        let defined: BTreeSet<String> = ["job"].iter().map(|s| s.to_string()).collect();
        assert!(!expr_problems(broken, &defined).is_empty(), "{broken}");
    }
}

#[test]
fn expression_checker_rejects_bad_queries() {
    let defined: BTreeSet<String> = ["datasource", "job", "instance", "microtenant"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let good = r#"sum by (code) (rate(zpa_api_requests_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))"#;
    assert_eq!(expr_problems(good, &defined), Vec::<String>::new());
    for bad in [
        // no instance filter
        r#"zpa_up{job=~"$job"}"#,
        // a fixed range in rate
        r#"rate(zpa_api_requests_total{job=~"$job", instance=~"$instance"}[5m])"#,
        // a metric outside the contract
        r#"zpa_connectors_up{job=~"$job", instance=~"$instance"}"#,
        // a label the metric does not have
        r#"zpa_app_connectors{job=~"$job", instance=~"$instance", microtenant=~"$microtenant", group="a"}"#,
        // a status value that does not exist
        r#"zpa_app_connectors{job=~"$job", instance=~"$instance", microtenant=~"$microtenant", status="connected"}"#,
        // the dashboard has a microtenant variable, the metric has the label, no filter
        r#"zpa_application_segments{job=~"$job", instance=~"$instance"}"#,
        // an undefined variable
        r#"zpa_application_segments{job=~"$job", instance=~"$instance", microtenant=~"$tenant"}"#,
    ] {
        assert!(
            !expr_problems(bad, &defined).is_empty(),
            "not rejected: {bad}"
        );
    }
}

type Mutation = Box<dyn Fn(&mut Json)>;

/// The second non-row panel of a dashboard (it sits beside the first one).
fn second_panel(d: &mut Json) -> &mut Json {
    let panels = d["panels"].as_array_mut().unwrap();
    let i = panels.iter().position(|p| p["type"] != "row").unwrap();
    &mut panels[i + 1]
}

#[test]
fn dashboard_checker_rejects_overlaps_duplicates_and_missing_units() {
    let (name, good) = dashboards().into_iter().next().unwrap();
    assert_eq!(dashboard_problems(&name, &good), Vec::<String>::new());

    let mutate = |f: &dyn Fn(&mut Json)| {
        let mut d = good.clone();
        f(&mut d);
        dashboard_problems(&name, &d)
    };
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "overlap",
            Box::new(|d| {
                let p = second_panel(d);
                p["gridPos"]["x"] = Json::from(0);
            }),
        ),
        (
            "duplicate id",
            Box::new(|d| {
                let p = second_panel(d);
                p["id"] = Json::from(1);
            }),
        ),
        (
            "no unit",
            Box::new(|d| {
                let p = second_panel(d);
                p["fieldConfig"]["defaults"]
                    .as_object_mut()
                    .unwrap()
                    .remove("unit");
            }),
        ),
        (
            "no description",
            Box::new(|d| {
                let p = second_panel(d);
                p.as_object_mut().unwrap().remove("description");
            }),
        ),
        (
            "fixed datasource",
            Box::new(|d| {
                let p = second_panel(d);
                p["datasource"]["uid"] = Json::from("prometheus");
            }),
        ),
        (
            "DS_ placeholder",
            Box::new(|d| d["templating"]["list"][0]["query"] = Json::from("${DS_PROMETHEUS}")),
        ),
        (
            "single-select job",
            Box::new(|d| {
                let list = d["templating"]["list"].as_array_mut().unwrap();
                let job = list.iter_mut().find(|v| v["name"] == "job").unwrap();
                job["multi"] = Json::from(false);
            }),
        ),
    ];
    for (what, f) in cases {
        assert!(!mutate(&*f).is_empty(), "{what} not detected");
    }
}

#[test]
fn runbook_anchors_follow_github() {
    assert_eq!(anchor("ZpaAppConnectorDown"), "zpaappconnectordown");
    assert_eq!(anchor("Dashboards and alerts"), "dashboards-and-alerts");
    assert_eq!(
        anchor("Pointing `runbook_url` at your copy!"),
        "pointing-runbook_url-at-your-copy"
    );
    let anchors = heading_anchors(
        "# Title\n## Meaning\n```sh\n# not a heading\n```\n### Meaning\n#nospace\n",
    );
    let want: BTreeSet<String> = ["title", "meaning", "meaning-1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(anchors, want);
}
