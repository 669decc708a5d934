//! The runbook (`docs/runbook.md`): its PromQL uses only contract metrics, every `runbook_url`
//! anchor (rules, README, docs) is one of its headings under the one base URL, and the
//! documented `sed` one-liners rebase every runbook URL.

mod common;
mod shipped;

use std::process::Command;

use common::{run, tool};
use serde_yaml_ng::Value as Yaml;
use shipped::checks::*;
use shipped::promql::*;
use shipped::runbook::*;
use shipped::*;

#[test]
fn runbook_promql_uses_only_contract_metrics() {
    let text = read(&root().join("docs/runbook.md"));
    let mut problems = Vec::new();
    let mut in_block = false;
    let mut blocks = 0;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = line.trim_start() == "```promql";
            blocks += usize::from(in_block);
            continue;
        }
        if in_block && !line.trim().is_empty() {
            let sels = selectors(line).unwrap_or_else(|e| {
                problems.push(e);
                Vec::new()
            });
            for sel in sels {
                problems.extend(
                    contract_problems(&sel)
                        .into_iter()
                        .map(|e| format!("{e}: {line}")),
                );
            }
        }
    }
    assert!(blocks > 0, "no ```promql blocks in docs/runbook.md");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_runbook_url_anchor_is_a_runbook_heading() {
    let runbook = read(&root().join("docs/runbook.md"));
    let anchors = heading_anchors(&runbook);
    let mut problems = Vec::new();
    for alert in alerts() {
        let url = alert
            .annotations
            .get("runbook_url")
            .cloned()
            .unwrap_or_default();
        match url.split_once('#') {
            Some((base, fragment)) => {
                if base != RUNBOOK_BASE {
                    problems.push(format!(
                        "{}: runbook_url base {base:?}, want the one base {RUNBOOK_BASE:?}",
                        alert.name
                    ));
                }
                if !anchors.contains(fragment) {
                    problems.push(format!(
                        "{}: #{fragment} is no heading of docs/runbook.md",
                        alert.name
                    ));
                }
            }
            None => problems.push(format!(
                "{}: runbook_url {url:?} has no #anchor",
                alert.name
            )),
        }
    }
    // Links between sections of the runbook, and from the README into it.
    for (target, fragment) in links_with_fragments(&runbook) {
        if target.is_empty() && !anchors.contains(&fragment) {
            problems.push(format!(
                "docs/runbook.md links to #{fragment}, which is no heading"
            ));
        }
    }
    let readme = read(&root().join("README.md"));
    for (target, fragment) in links_with_fragments(&readme) {
        if target == "docs/runbook.md" && !anchors.contains(&fragment) {
            problems.push(format!(
                "README.md links to docs/runbook.md#{fragment}, which is no heading"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `sed 's|OLD|NEW|'` expressions documented in a text (one per line starting with `sed '`).
fn documented_sed_expressions(text: &str) -> Vec<String> {
    text.lines()
        // also in YAML comments (`#   sed '…'`)
        .filter_map(|l| {
            l.trim_start()
                .trim_start_matches('#')
                .trim_start()
                .strip_prefix("sed '")
        })
        .filter_map(|l| l.split_once('\'').map(|(expr, _)| expr.to_string()))
        .collect()
}

#[test]
fn documented_sed_one_liners_rebase_every_runbook_url() {
    // sed is Essential in Debian: always there, so not a cfg.
    let sed = tool("sed");
    for doc in ["README.md", "docs/runbook.md", "alerts/zpa.rules.yml"] {
        let exprs = documented_sed_expressions(&read(&root().join(doc)));
        assert!(
            !exprs.is_empty(),
            "{doc} documents no `sed '…'` one-liner for the runbook base URL"
        );
        for expr in exprs {
            // s|OLD#|NEW#|
            let parts: Vec<&str> = expr.split('|').collect();
            assert!(
                parts.len() == 4 && parts[0] == "s" && parts[1] == format!("{RUNBOOK_BASE}#"),
                "{doc}: want sed 's|{RUNBOOK_BASE}#|<your base>#|', got {expr}"
            );
            let new_base = parts[2].trim_end_matches('#');
            let (ok, out) = run(Command::new(&sed).arg(&expr).arg(rules_path()));
            assert!(ok, "{doc}: sed {expr} failed: {out}");
            let rebased: Yaml = serde_yaml_ng::from_str(&out).expect("sed output is YAML");
            let original: Yaml = serde_yaml_ng::from_str(&read(&rules_path())).unwrap();
            let mut urls = 0;
            let mut changed = rebased.clone();
            for group in changed["groups"].as_sequence_mut().unwrap() {
                for rule in group["rules"].as_sequence_mut().unwrap() {
                    let Some(name) = yaml_str(&rule["alert"]) else {
                        continue;
                    };
                    let url = yaml_str(&rule["annotations"]["runbook_url"]).unwrap_or_default();
                    assert_eq!(
                        url,
                        format!("{new_base}#{}", name.to_lowercase()),
                        "{doc}: the sed one-liner leaves {name}'s runbook_url wrong"
                    );
                    urls += 1;
                    rule["annotations"]["runbook_url"] =
                        Yaml::String(format!("{RUNBOOK_BASE}#{}", name.to_lowercase()));
                }
            }
            assert!(urls > 0);
            assert_eq!(
                changed, original,
                "{doc}: the sed one-liner changes more than runbook_url"
            );
        }
    }
}
