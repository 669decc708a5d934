//! What the shipped dashboards (`dashboards/`), alerting rules (`alerts/zpa.rules.yml`), their
//! unit tests (`alerts/tests/`) and runbook (`docs/runbook.md`) are checked against, shared by
//! the tests that check them: the files, the metrics contract, a PromQL parser's view of their
//! queries, the dashboard conventions and the runbook's anchors.
#![allow(dead_code)]

pub mod checks;
pub mod promql;
pub mod runbook;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;
use zpa_api::stats::RetryReason;
use zpa_api::SignInFailure;
use zpa_exporter::ControlChannelStatus as Status;
use zpa_exporter::FAMILIES;

/// The repository root: the exporter is the root package.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The runbook every alert links to; the anchor is the alert name in lower case.
pub const RUNBOOK_BASE: &str =
    "https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md";

/// The metrics contract is the exporter's metrics table, plus Prometheus' `up`, with each
/// metric's labels as exposed, `tenant` included on tenant-scoped families (`job` and
/// `instance` come from the scrape and are always allowed).
pub fn contract_labels(metric: &str) -> Option<Vec<&'static str>> {
    if metric == "up" {
        return Some(Vec::new());
    }
    if metric.contains(':') {
        return recorded_labels(metric);
    }
    let find = |name: &str| {
        FAMILIES
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.all_labels().collect())
    };
    // A histogram's series: <name>_bucket (plus `le`), <name>_sum and <name>_count.
    find(metric).or_else(|| {
        ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| metric.strip_suffix(suffix))
            .and_then(find)
    })
}

/// The labels of a series recorded by the shipped recording rules (`level:metric:operations`):
/// those its rule's outermost `by (…)` keeps (all of its sources' when it has none), where its
/// sources have them (the contract of the metrics it reads), plus the rule's own labels. An LSS
/// rule groups by `tenant`, which the LSS series do not carry yet: its output has none either.
pub fn recorded_labels(metric: &str) -> Option<Vec<&'static str>> {
    let rules: Yaml = serde_yaml_ng::from_str(&read(&rules_path())).ok()?;
    let mut out: Option<Vec<&'static str>> = None;
    for group in rules["groups"].as_sequence()? {
        for rule in group["rules"].as_sequence().into_iter().flatten() {
            if yaml_str(&rule["record"]).as_deref() != Some(metric) {
                continue;
            }
            let expr = yaml_str(&rule["expr"]).unwrap_or_default();
            let mut sources: Vec<&'static str> = Vec::new();
            for sel in promql::selectors(&expr).ok()? {
                if sel.metric == metric {
                    return None; // a rule that reads itself
                }
                sources.extend(contract_labels(&sel.metric)?);
            }
            let kept: Vec<&'static str> = match expr.find("by (") {
                Some(i) => expr[i + 4..]
                    .split(')')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|l| *l != "le" && *l != "job" && *l != "instance")
                    .filter_map(|l| sources.iter().copied().find(|s| *s == l))
                    .collect(),
                None => sources,
            };
            let mut labels = kept;
            for (k, _) in rule["labels"].as_mapping().into_iter().flatten() {
                let k: &'static str = Box::leak(yaml_str(k)?.into_boxed_str());
                labels.push(k);
            }
            labels.sort_unstable();
            labels.dedup();
            out.get_or_insert_with(Vec::new).extend(labels);
        }
    }
    out.map(|mut l| {
        l.sort_unstable();
        l.dedup();
        l
    })
}

pub fn collectors() -> Vec<&'static str> {
    zpa_exporter::COLLECTORS.iter().map(|s| s.name).collect()
}

/// Labels with a closed set of values (where a typo would silently match nothing), taken from
/// the code that produces them.
pub fn allowed_values(metric: &str, label: &str) -> Option<Vec<&'static str>> {
    Some(match (metric, label) {
        (_, "collector") | ("zpa_config_last_modified_timestamp_seconds", "resource") => {
            collectors()
        }
        (_, "enabled") => vec!["true", "false"],
        ("zpa_app_connectors" | "zpa_service_edges", "status") => {
            Status::ALL.iter().map(|s| s.label()).collect()
        }
        ("zpa_certificate_expiry_timestamp_seconds", "kind") => {
            vec!["browser_access", "enrollment", "idp"]
        }
        ("zpa_signin_failures_total", "reason") => {
            SignInFailure::ALL.iter().map(|r| r.label()).collect()
        }
        ("zpa_api_retries_total", "reason") => RetryReason::ALL.iter().map(|r| r.label()).collect(),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Files.

pub fn root() -> &'static Path {
    Path::new(ROOT)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

pub fn rules_path() -> PathBuf {
    root().join("alerts/zpa.rules.yml")
}

pub fn rule_test_files() -> Vec<PathBuf> {
    let files = files_with_ext(&root().join("alerts/tests"), "yml");
    assert!(!files.is_empty(), "no rule unit tests in alerts/tests/");
    files
}

pub fn dashboards() -> Vec<(String, Json)> {
    let files = files_with_ext(&root().join("dashboards"), "json");
    assert!(
        files.len() >= 2,
        "expected zpa-overview.json and zpa-connectors.json in dashboards/"
    );
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let json = serde_json::from_str(&read(path))
                .unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}"));
            (name, json)
        })
        .collect()
}

pub struct Alert {
    pub name: String,
    pub expr: String,
    pub severity: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

pub fn yaml_str(v: &Yaml) -> Option<String> {
    v.as_str().map(str::to_string)
}

pub fn alerts() -> Vec<Alert> {
    let rules: Yaml = serde_yaml_ng::from_str(&read(&rules_path())).expect("rules YAML");
    let mut out = Vec::new();
    for group in rules["groups"].as_sequence().expect("groups") {
        for rule in group["rules"].as_sequence().expect("rules") {
            let Some(name) = yaml_str(&rule["alert"]) else {
                continue; // recording rule
            };
            let annotations = rule["annotations"]
                .as_mapping()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((yaml_str(k)?, yaml_str(v)?)))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Alert {
                name,
                expr: yaml_str(&rule["expr"]).unwrap_or_default(),
                severity: yaml_str(&rule["labels"]["severity"]),
                annotations,
            });
        }
    }
    assert!(!out.is_empty(), "no alerts in alerts/zpa.rules.yml");
    out
}
