//! The shipped alerting rules (`alerts/zpa.rules.yml`) and their unit tests (`alerts/tests/`):
//!
//! - `promtool check rules` and `promtool test rules`, and that the unit tests cover firing and
//!   not firing for every alert and severity (and fail when the rules lose their `for:`);
//! - alert conventions: `Zpa` CamelCase names, `severity`, `summary`, `description`, a
//!   `runbook_url` whose anchor exists in docs/runbook.md with the expected subsections, and
//!   every selector within the metrics contract.
//!
//! promtool is needed for some checks: without it on PATH when the tests are built, those tests
//! are ignored with the reason (and `.ci/run` fails on an ignored test).

mod common;
mod shipped;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::{run, tool};
use serde_yaml_ng::Value as Yaml;
use shipped::checks::*;
use shipped::promql::*;
use shipped::runbook::*;
use shipped::*;

#[test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn rules_pass_promtool_check() {
    let promtool = tool("promtool");
    let (ok, out) = run(Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(rules_path()));
    assert!(ok, "promtool check rules failed:\n{out}");
}

#[test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn rule_unit_tests_pass_and_depend_on_the_for_durations() {
    let promtool = tool("promtool");
    let tests = rule_test_files();
    let (ok, out) = run(Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .args(&tests));
    assert!(ok, "promtool test rules failed:\n{out}");

    // The same tests against the rules without their `for:` durations must fail: they pin the
    // moment each alert starts firing, not just that it fires.
    let dir = std::env::temp_dir().join(format!("zpa-rules-mutant-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let mutant: String = read(&rules_path())
        .lines()
        .map(|l| {
            let trimmed = l.trim_start();
            if trimmed.starts_with("for:") {
                format!("{}for: 0s", &l[..l.len() - trimmed.len()])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        mutant.trim(),
        read(&rules_path()).trim(),
        "no `for:` to remove"
    );
    std::fs::write(dir.join("zpa.rules.yml"), mutant).unwrap();
    let mut copies = Vec::new();
    for test in &tests {
        let copy = dir.join("tests").join(test.file_name().unwrap());
        std::fs::copy(test, &copy).unwrap();
        copies.push(copy);
    }
    let (mutant_ok, _) = run(Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .args(&copies));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !mutant_ok,
        "the rule unit tests still pass when every `for:` is 0s: they do not test the durations"
    );
}

#[test]
fn rule_unit_tests_cover_firing_and_not_firing_for_every_alert() {
    // (alertname, severity) pairs seen firing, and alertnames seen asserted quiet.
    let mut firing: BTreeSet<(String, String)> = BTreeSet::new();
    let mut quiet: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    for file in rule_test_files() {
        let fname = file.file_name().unwrap().to_string_lossy().to_string();
        let doc: Yaml = serde_yaml_ng::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{fname}: invalid YAML: {e}"));
        let rule_files: Vec<String> = doc["rule_files"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(yaml_str)
            .collect();
        if rule_files != ["../zpa.rules.yml"] {
            problems.push(format!(
                "{fname}: rule_files must be [../zpa.rules.yml], got {rule_files:?}"
            ));
        }
        for test in doc["tests"].as_sequence().into_iter().flatten() {
            for series in test["input_series"].as_sequence().into_iter().flatten() {
                let s = yaml_str(&series["series"]).unwrap_or_default();
                let sels = selectors(&s).unwrap_or_else(|e| {
                    problems.push(format!("{fname}: input series: {e}"));
                    Vec::new()
                });
                for sel in sels {
                    problems.extend(
                        contract_problems(&sel)
                            .into_iter()
                            .map(|e| format!("{fname}: input series: {e}")),
                    );
                }
            }
            for case in test["alert_rule_test"].as_sequence().into_iter().flatten() {
                let name = yaml_str(&case["alertname"]).unwrap_or_default();
                let exp = case["exp_alerts"]
                    .as_sequence()
                    .cloned()
                    .unwrap_or_default();
                if exp.is_empty() {
                    quiet.insert(name.clone());
                }
                for alert in exp {
                    let severity = yaml_str(&alert["exp_labels"]["severity"]).unwrap_or_default();
                    firing.insert((name.clone(), severity));
                    for (k, v) in alert["exp_annotations"].as_mapping().into_iter().flatten() {
                        let v = yaml_str(v).unwrap_or_default();
                        if v.contains("error expanding template") || v.contains("<no value>") {
                            problems.push(format!(
                                "{fname}: {name}: annotation {k:?} expands to an error: {v}"
                            ));
                        }
                    }
                    if alert["exp_annotations"].as_mapping().map_or(0, |m| m.len()) < 3 {
                        problems.push(format!(
                            "{fname}: {name}: a firing case must assert summary, description and runbook_url"
                        ));
                    }
                }
            }
        }
    }
    for alert in alerts() {
        let severity = alert.severity.clone().unwrap_or_default();
        if !firing.contains(&(alert.name.clone(), severity.clone())) {
            problems.push(format!(
                "no unit test sees {} (severity {severity}) fire",
                alert.name
            ));
        }
        if !quiet.contains(&alert.name) {
            problems.push(format!(
                "no unit test asserts that {} does not fire (exp_alerts: [])",
                alert.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn alerts_follow_the_conventions_and_have_runbook_sections() {
    let sections = runbook_sections();
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for alert in alerts() {
        let name = &alert.name;
        if !name.starts_with("Zpa")
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
            || !name[3..].starts_with(|c: char| c.is_ascii_uppercase())
        {
            problems.push(format!("{name}: want a CamelCase name with the Zpa prefix"));
        }
        let severity = alert.severity.clone().unwrap_or_default();
        if !["critical", "warning", "info"].contains(&severity.as_str()) {
            problems.push(format!(
                "{name}: severity {severity:?} is not critical, warning or info"
            ));
        }
        if !seen
            .entry(name.clone())
            .or_default()
            .insert(severity.clone())
        {
            problems.push(format!("{name}: defined twice with severity {severity}"));
        }
        for key in ["summary", "description", "runbook_url"] {
            if alert
                .annotations
                .get(key)
                .is_none_or(|v| v.trim().is_empty())
            {
                problems.push(format!("{name}: no {key} annotation"));
            }
        }
        let description = alert
            .annotations
            .get("description")
            .cloned()
            .unwrap_or_default();
        if !description.contains("$labels.") {
            problems.push(format!(
                "{name}: the description should name the labels a responder needs ($labels.…)"
            ));
        }
        if alert
            .annotations
            .get("summary")
            .is_some_and(|s| s.contains("{{"))
        {
            problems.push(format!("{name}: the summary should be a static headline"));
        }
        let expected = format!("{RUNBOOK_BASE}#{}", name.to_lowercase());
        match alert.annotations.get("runbook_url") {
            Some(url) if *url == expected => {}
            other => problems.push(format!("{name}: runbook_url {other:?}, want {expected}")),
        }
        match sections.get(&name.to_lowercase()) {
            None => problems.push(format!(
                "{name}: docs/runbook.md has no `## {name}` section"
            )),
            Some(body) => {
                for part in ["Meaning", "Impact", "Diagnosis", "Mitigation"] {
                    if !body.contains(&format!("### {part}")) {
                        problems.push(format!("{name}: runbook section lacks `### {part}`"));
                    }
                }
                if !body.contains("```promql") {
                    problems.push(format!(
                        "{name}: runbook section has no PromQL to run (```promql block)"
                    ));
                }
            }
        }
        let sels = selectors(&alert.expr).unwrap_or_else(|e| {
            problems.push(format!("{name}: {e}"));
            Vec::new()
        });
        for sel in sels {
            problems.extend(
                contract_problems(&sel)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
