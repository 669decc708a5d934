//! The shipped Grafana dashboards (`dashboards/`), alerting rules (`alerts/zpa.rules.yml`), their
//! unit tests (`alerts/tests/`) and the runbook (`docs/runbook.md`), checked without a running
//! exporter:
//!
//! - `promtool check rules` and `promtool test rules`, and that the unit tests cover firing and
//!   not firing for every alert and severity (and fail when the rules lose their `for:`);
//! - alert conventions: `Zpa` CamelCase names, `severity`, `summary`, `description`, a
//!   `runbook_url` whose anchor exists in docs/runbook.md with the expected subsections;
//! - dashboard structure: unique panel ids, non-overlapping grid positions, rows, the
//!   `datasource`/`job`/`instance` variables, `$datasource` on every panel and target,
//!   `job`/`instance` (and microtenant/group) filters on every selector, `$__rate_interval` in every
//!   range, units and descriptions on every panel, the certificate table sorted soonest first;
//! - every metric (and label, and enumerated label value) used anywhere is in the metrics contract;
//! - the dashboards type-check against `@grafana/schema` (tools/grafana-schema) and that check
//!   rejects a broken dashboard.
//!
//! promtool and node are needed for some checks: without them the check prints a loud SKIPPED
//! message and passes, except under `CI=true`, where it fails.

mod common;

use common::{require_tool, run};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;
use zpa_api::stats::RetryReason;
use zpa_api::SignInFailure;
use zpa_exporter::descriptors;
use zpa_exporter::ControlChannelStatus as Status;

/// The repository root: the exporter is the root package.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The runbook every alert links to; the anchor is the alert name in lower case.
const RUNBOOK_BASE: &str = "https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md";

/// The metrics contract is the exporter's metrics table, plus Prometheus' `up`, with each
/// metric's labels (`job` and `instance` come from the scrape and are always allowed).
fn contract_labels(metric: &str) -> Option<&'static [&'static str]> {
    if metric == "up" {
        return Some(&[]);
    }
    let find = |name: &str| {
        descriptors::ALL
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.labels)
    };
    // A histogram's series: <name>_bucket (plus `le`), <name>_sum and <name>_count.
    find(metric).or_else(|| {
        ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| metric.strip_suffix(suffix))
            .and_then(find)
    })
}

fn collectors() -> Vec<&'static str> {
    zpa_exporter::COLLECTORS.iter().map(|s| s.name).collect()
}

/// Labels with a closed set of values (where a typo would silently match nothing), taken from
/// the code that produces them.
fn allowed_values(metric: &str, label: &str) -> Option<Vec<&'static str>> {
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
// Tools: promtool and node, skipped loudly when absent (failing under CI=true).

// ---------------------------------------------------------------------------------------------
// Files.

fn root() -> &'static Path {
    Path::new(ROOT)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

fn rules_path() -> PathBuf {
    root().join("alerts/zpa.rules.yml")
}

fn rule_test_files() -> Vec<PathBuf> {
    let files = files_with_ext(&root().join("alerts/tests"), "yml");
    assert!(!files.is_empty(), "no rule unit tests in alerts/tests/");
    files
}

fn dashboards() -> Vec<(String, Json)> {
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

struct Alert {
    name: String,
    expr: String,
    severity: Option<String>,
    annotations: BTreeMap<String, String>,
}

fn yaml_str(v: &Yaml) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn alerts() -> Vec<Alert> {
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

// ---------------------------------------------------------------------------------------------
// A small PromQL scanner: enough to find metric selectors, their matchers and ranges.

#[derive(Debug, Clone, PartialEq)]
struct Matcher {
    label: String,
    op: String,
    value: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Selector {
    /// Empty for a selector without a metric name (`{job="x"}`).
    metric: String,
    matchers: Vec<Matcher>,
    range: Option<String>,
}

const KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
];

const AGGREGATIONS: &[&str] = &[
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

/// Skips a quoted string starting at `i` (a quote); returns the index after it and its content.
fn quoted(chars: &[char], i: usize) -> (usize, String) {
    let quote = chars[i];
    let mut j = i + 1;
    let mut content = String::new();
    while j < chars.len() && chars[j] != quote {
        if chars[j] == '\\' && j + 1 < chars.len() {
            content.push(chars[j + 1]);
            j += 2;
        } else {
            content.push(chars[j]);
            j += 1;
        }
    }
    (j + 1, content)
}

fn parse_matchers(body: &str) -> Vec<Matcher> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        let label: String = chars[start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let op_start = i;
        while i < chars.len() && matches!(chars[i], '=' | '!' | '~') {
            i += 1;
        }
        let op: String = chars[op_start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let value = if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
            let (next, value) = quoted(&chars, i);
            i = next;
            value
        } else {
            // malformed: keep what is there so the caller's checks report it
            let v_start = i;
            while i < chars.len() && chars[i] != ',' {
                i += 1;
            }
            chars[v_start..i].iter().collect()
        };
        out.push(Matcher { label, op, value });
    }
    out
}

/// Every selector in a PromQL expression (or a Grafana `label_values(...)` query).
fn selectors(expr: &str) -> Vec<Selector> {
    // `label_values(selector, label)`: only the selector is PromQL.
    let expr = match expr.trim().strip_prefix("label_values(") {
        Some(args) => args
            .rsplit_once(',')
            .map_or(args.trim_end_matches(')'), |(s, _)| s),
        None => expr,
    };
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' || c == '`' {
            i = quoted(&chars, i).0;
            continue;
        }
        if c == '#' {
            // comment to end of line
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        // `$__rate_interval` and friends are not identifiers; skip `$name` and `${name}` tokens
        if c == '$' {
            i += 1;
            while i < chars.len() && (is_ident(chars[i]) || chars[i] == '{' || chars[i] == '}') {
                i += 1;
            }
            continue;
        }
        let metric = if is_ident_start(c) && (i == 0 || !is_ident(chars[i - 1])) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let ident: String = chars[start..i].iter().collect();
            let mut k = i;
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
            let follows = chars.get(k).copied();
            let lower = ident.to_ascii_lowercase();
            if AGGREGATIONS.contains(&lower.as_str()) {
                continue; // `sum by (...) (...)`: the label list is skipped at `by`
            }
            if follows == Some('(') || KEYWORDS.contains(&lower.as_str()) {
                // a function call, or `by (...)`, `on (...)` and friends: skip their label list
                if follows == Some('(') && !KEYWORDS.contains(&ident.as_str()) {
                    continue;
                }
                if follows == Some('(') {
                    while i < chars.len() && chars[i] != ')' {
                        i += 1;
                    }
                }
                continue;
            }
            if ident.chars().all(|c| c.is_ascii_digit() || c == 'e') {
                continue;
            }
            ident
        } else if c == '{' {
            String::new()
        } else if c.is_ascii_digit() || c == '.' {
            // numbers, including 1e3 and durations such as 5m
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            continue;
        } else {
            i += 1;
            continue;
        };
        let mut matchers = Vec::new();
        let mut k = i;
        while k < chars.len() && chars[k].is_whitespace() {
            k += 1;
        }
        if k < chars.len() && chars[k] == '{' {
            let mut j = k + 1;
            let body_start = j;
            while j < chars.len() && chars[j] != '}' {
                if chars[j] == '"' || chars[j] == '\'' {
                    j = quoted(&chars, j).0;
                } else {
                    j += 1;
                }
            }
            let body: String = chars[body_start..j.min(chars.len())].iter().collect();
            matchers = parse_matchers(&body);
            i = j + 1;
            k = i;
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
        }
        let mut range = None;
        if k < chars.len() && chars[k] == '[' {
            let end = chars[k..]
                .iter()
                .position(|&c| c == ']')
                .map_or(chars.len(), |p| k + p);
            range = Some(
                chars[k + 1..end]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            );
            i = end + 1;
        }
        out.push(Selector {
            metric,
            matchers,
            range,
        });
    }
    out
}

fn has_matcher(sel: &Selector, label: &str, var: &str) -> bool {
    sel.matchers.iter().any(|m| {
        m.label == label
            && m.op == "=~"
            && (m.value == format!("${var}") || m.value == format!("${{{var}}}"))
    })
}

/// Problems with a metric selector against the contract (unknown metric, label or label value).
fn contract_problems(selector: &Selector) -> Vec<String> {
    let mut problems = Vec::new();
    if selector.metric.is_empty() {
        problems.push(format!("selector without a metric name: {selector:?}"));
        return problems;
    }
    let Some(labels) = contract_labels(&selector.metric) else {
        problems.push(format!(
            "metric {} is not in the metrics contract",
            selector.metric
        ));
        return problems;
    };
    for m in &selector.matchers {
        if m.label == "job" || m.label == "instance" || m.label == "__name__" {
            continue;
        }
        if m.label == "le" && selector.metric.ends_with("_bucket") {
            continue;
        }
        if !labels.contains(&m.label.as_str()) {
            problems.push(format!(
                "{} has no label {:?} (labels: {labels:?})",
                selector.metric, m.label
            ));
            continue;
        }
        if let Some(allowed) = allowed_values(&selector.metric, &m.label) {
            let values: Vec<&str> = if m.op.contains('~') {
                if m.value.contains('$') || !m.value.chars().all(|c| is_ident(c) || c == '|') {
                    continue; // a variable or a real regex
                }
                m.value.split('|').collect()
            } else {
                vec![m.value.as_str()]
            };
            for v in values {
                if !allowed.contains(&v) {
                    problems.push(format!(
                        "{}{{{}{}{:?}}}: {v:?} is not a value of {} ({allowed:?})",
                        selector.metric, m.label, m.op, m.value, m.label
                    ));
                }
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Dashboard checks.

fn all_panels(dashboard: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().cloned().unwrap_or_default() {
        out.push(panel.clone());
        for inner in panel["panels"].as_array().into_iter().flatten() {
            out.push(inner.clone());
        }
    }
    out
}

fn datasource_is_variable(ds: &Json) -> bool {
    let uid = ds["uid"].as_str().or(ds.as_str()).unwrap_or_default();
    uid == "${datasource}" || uid == "$datasource"
}

/// Grafana variables an expression refers to (`$name`, `${name}`, `${name:fmt}`, `[[name]]`).
fn variables_used(expr: &str) -> BTreeSet<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            let braced = chars.get(i + 1) == Some(&'{');
            let start = if braced { i + 2 } else { i + 1 };
            let mut j = start;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            out.insert(chars[start..j].iter().collect());
            i = j;
        } else {
            i += 1;
        }
    }
    if expr.contains("[[") {
        out.insert("[[deprecated syntax]]".to_string());
    }
    out
}

/// Labels a selector should filter on because the dashboard has a variable for them.
const FILTER_VARIABLES: &[&str] = &["microtenant", "connector_group", "service_edge_group"];

/// Problems with one dashboard; empty when it follows every convention.
fn dashboard_problems(name: &str, d: &Json) -> Vec<String> {
    let mut p = Vec::new();
    let text = d.to_string();
    if text.contains("${DS_") || d.get("__inputs").is_some() {
        p.push(format!(
            "{name}: uses import placeholders (${{DS_...}} / __inputs)"
        ));
    }
    match d["schemaVersion"].as_u64() {
        Some(v) if v >= 39 => {}
        other => p.push(format!("{name}: schemaVersion {other:?}, want >= 39")),
    }
    for field in ["uid", "title", "description"] {
        if d[field].as_str().unwrap_or_default().is_empty() {
            p.push(format!("{name}: no {field}"));
        }
    }

    // Variables.
    let vars: Vec<Json> = d["templating"]["list"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let var = |n: &str| vars.iter().find(|v| v["name"] == n).cloned();
    let ds_vars: Vec<&Json> = vars.iter().filter(|v| v["type"] == "datasource").collect();
    if ds_vars.len() != 1
        || ds_vars[0]["name"] != "datasource"
        || ds_vars[0]["query"] != "prometheus"
    {
        p.push(format!(
            "{name}: want exactly one datasource variable named `datasource` with query `prometheus`"
        ));
    }
    let defined: BTreeSet<String> = vars
        .iter()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect();
    for required in ["job", "instance"] {
        match var(required) {
            None => p.push(format!("{name}: no `{required}` variable")),
            Some(v) => {
                if v["type"] != "query"
                    || v["multi"] != true
                    || v["includeAll"] != true
                    || v["allValue"] != ".+"
                {
                    p.push(format!(
                        "{name}: variable `{required}` must be a multi-select query variable with includeAll and allValue \".+\""
                    ));
                }
            }
        }
    }
    for v in &vars {
        if v["type"] != "query" {
            continue;
        }
        let vname = v["name"].as_str().unwrap_or("?");
        if !datasource_is_variable(&v["datasource"]) {
            p.push(format!(
                "{name}: variable `{vname}` does not use $datasource"
            ));
        }
        if v["refresh"] != 2 {
            p.push(format!(
                "{name}: variable `{vname}` must refresh on time range change (refresh: 2)"
            ));
        }
        let query = v["query"]
            .as_str()
            .or(v["query"]["query"].as_str())
            .unwrap_or_default();
        for sel in selectors(query) {
            p.extend(
                contract_problems(&sel)
                    .into_iter()
                    .map(|e| format!("{name}: variable `{vname}`: {e}")),
            );
            if vname != "job" && !has_matcher(&sel, "job", "job") {
                p.push(format!(
                    "{name}: variable `{vname}` does not filter job=~\"$job\""
                ));
            }
            if vname != "job" && vname != "instance" && !has_matcher(&sel, "instance", "instance") {
                p.push(format!(
                    "{name}: variable `{vname}` does not filter instance=~\"$instance\""
                ));
            }
        }
    }

    // Panels.
    let panels = all_panels(d);
    let top = d["panels"].as_array().cloned().unwrap_or_default();
    if top
        .first()
        .map(|first| first["type"] != "row")
        .unwrap_or(true)
    {
        p.push(format!("{name}: the first panel must be a row"));
    }
    if top.iter().filter(|panel| panel["type"] == "row").count() < 2 {
        p.push(format!("{name}: want rows describing the sections"));
    }
    let mut ids = BTreeSet::new();
    let mut rects: Vec<(String, i64, i64, i64, i64)> = Vec::new();
    for panel in &panels {
        let title = panel["title"].as_str().unwrap_or("?").to_string();
        match panel["id"].as_i64() {
            Some(id) if ids.insert(id) => {}
            Some(id) => p.push(format!("{name}: duplicate panel id {id} ({title})")),
            None => p.push(format!("{name}: panel {title:?} has no id")),
        }
        let g = &panel["gridPos"];
        match (
            g["x"].as_i64(),
            g["y"].as_i64(),
            g["w"].as_i64(),
            g["h"].as_i64(),
        ) {
            (Some(x), Some(y), Some(w), Some(h)) if w > 0 && h > 0 && x >= 0 && x + w <= 24 => {
                rects.push((title.clone(), x, y, w, h))
            }
            _ => p.push(format!("{name}: panel {title:?} has a bad gridPos {g}")),
        }
        if panel["type"] == "row" {
            if panel["title"].as_str().unwrap_or_default().is_empty() {
                p.push(format!("{name}: a row without a title"));
            }
            continue;
        }
        if panel["description"].as_str().unwrap_or_default().len() < 10 {
            p.push(format!("{name}: panel {title:?} has no description"));
        }
        if panel["fieldConfig"]["defaults"]["unit"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
        {
            p.push(format!("{name}: panel {title:?} declares no unit"));
        }
        if !datasource_is_variable(&panel["datasource"]) {
            p.push(format!("{name}: panel {title:?} does not use $datasource"));
        }
        let targets = panel["targets"].as_array().cloned().unwrap_or_default();
        if targets.is_empty() {
            p.push(format!("{name}: panel {title:?} has no queries"));
        }
        for t in &targets {
            if !datasource_is_variable(&t["datasource"]) {
                p.push(format!(
                    "{name}: panel {title:?} target {} does not use $datasource",
                    t["refId"]
                ));
            }
            let expr = t["expr"].as_str().unwrap_or_default();
            p.extend(
                expr_problems(expr, &defined)
                    .into_iter()
                    .map(|e| format!("{name}: panel {title:?}: {e}")),
            );
        }
    }
    for (i, a) in rects.iter().enumerate() {
        for b in &rects[i + 1..] {
            if a.1 < b.1 + b.3 && b.1 < a.1 + a.3 && a.2 < b.2 + b.4 && b.2 < a.2 + a.4 {
                p.push(format!("{name}: panels {:?} and {:?} overlap", a.0, b.0));
            }
        }
    }

    // Certificates: a table, soonest expiry first.
    let cert_tables: Vec<&Json> = panels
        .iter()
        .filter(|panel| {
            panel["type"] == "table"
                && panel["targets"]
                    .to_string()
                    .contains("zpa_certificate_expiry")
        })
        .collect();
    if name.contains("overview") && cert_tables.is_empty() {
        p.push(format!("{name}: no certificate expiry table"));
    }
    for table in cert_tables {
        let sort = &table["options"]["sortBy"][0];
        if sort["desc"] != false || sort["displayName"].as_str().unwrap_or_default().is_empty() {
            p.push(format!(
                "{name}: the certificate table must sort ascending by time left (soonest first)"
            ));
        }
    }
    p
}

/// Problems with one panel query: filters, ranges, variables and the metrics contract.
fn expr_problems(expr: &str, defined: &BTreeSet<String>) -> Vec<String> {
    let mut p = Vec::new();
    if expr.trim().is_empty() {
        p.push("empty expression".to_string());
        return p;
    }
    let sels = selectors(expr);
    if sels.is_empty() {
        p.push(format!("no metric in {expr:?}"));
    }
    for sel in &sels {
        p.extend(
            contract_problems(sel)
                .into_iter()
                .map(|e| format!("{e} in {expr:?}")),
        );
        if !has_matcher(sel, "job", "job") || !has_matcher(sel, "instance", "instance") {
            p.push(format!(
                "{} lacks job=~\"$job\", instance=~\"$instance\" in {expr:?}",
                sel.metric
            ));
        }
        if let Some(labels) = contract_labels(&sel.metric) {
            for var in FILTER_VARIABLES {
                if defined.contains(*var) && labels.contains(var) && !has_matcher(sel, var, var) {
                    p.push(format!(
                        "{} lacks {var}=~\"${var}\" (the dashboard has that variable) in {expr:?}",
                        sel.metric
                    ));
                }
            }
        }
        if let Some(range) = &sel.range {
            if range != "$__rate_interval" {
                p.push(format!(
                    "range [{range}] on {}: use [$__rate_interval] in {expr:?}",
                    sel.metric
                ));
            }
        }
    }
    for f in ["rate(", "irate(", "increase("] {
        let mentions = expr.matches(f).count();
        let with_rate_interval = expr.matches("[$__rate_interval]").count();
        if mentions > with_rate_interval {
            p.push(format!("{f}..) without [$__rate_interval] in {expr:?}"));
        }
    }
    for var in variables_used(expr) {
        if !var.starts_with("__") && !defined.contains(&var) {
            p.push(format!("undefined variable ${var} in {expr:?}"));
        }
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Runbook.

/// GitHub's anchor for a Markdown heading.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Runbook sections by anchor: the text under each `## ` heading.
fn runbook_sections() -> BTreeMap<String, String> {
    let text = read(&root().join("docs/runbook.md"));
    let mut sections = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((a, body)) = current.take() {
                sections.insert(a, body);
            }
            current = Some((anchor(heading), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((a, body)) = current {
        sections.insert(a, body);
    }
    sections
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn rules_pass_promtool_check() {
    let Some(promtool) = require_tool(
        "promtool",
        "apt-get install prometheus",
        "promtool check rules",
    ) else {
        return;
    };
    let (ok, out) = run(Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(rules_path()));
    assert!(ok, "promtool check rules failed:\n{out}");
}

#[test]
fn rule_unit_tests_pass_and_depend_on_the_for_durations() {
    let Some(promtool) = require_tool(
        "promtool",
        "apt-get install prometheus",
        "promtool test rules",
    ) else {
        return;
    };
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
                for sel in selectors(&s) {
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
        for sel in selectors(&alert.expr) {
            problems.extend(
                contract_problems(&sel)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

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
        if in_block {
            for sel in selectors(line) {
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
fn dashboards_match_the_grafana_schema() {
    let Some(node) = require_tool(
        "node",
        "apt-get install nodejs npm",
        "the @grafana/schema type check of the dashboards",
    ) else {
        return;
    };
    let dir = root().join("tools/grafana-schema");
    if !dir.join("node_modules/@grafana/schema").is_dir()
        || !dir.join("node_modules/typescript").is_dir()
    {
        let Some(npm) = require_tool(
            "npm",
            "apt-get install npm",
            "installing typescript and @grafana/schema",
        ) else {
            return;
        };
        let (ok, out) = run(Command::new(npm)
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
// The checkers themselves catch what they are meant to catch.

#[test]
fn selector_scanner_finds_metrics_matchers_and_ranges() {
    let sels = selectors(
        r#"sum by (job, instance) (rate(zpa_api_requests_total{code="429", job=~"$job"}[$__rate_interval])) > 0
           and on (job) up{job=~"zpa.*"} == 1 unless zpa_up or vector(0) * 1e3"#,
    );
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
    assert!(selectors(r#"{job="x"}"#)[0].metric.is_empty());
    let label_values =
        selectors(r#"label_values(zpa_app_connectors{job=~"$job"}, connector_group)"#);
    assert_eq!(label_values.len(), 1);
    assert_eq!(label_values[0].metric, "zpa_app_connectors");
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

// ---------------------------------------------------------------------------------------------
// Runbook links: one base URL, anchors that resolve.

/// The GitHub anchor of every heading of a Markdown text; a repeated heading gets `-1`, `-2`, …
/// as on GitHub. Lines in fenced code blocks are not headings.
fn heading_anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if in_code || !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let a = anchor(&line[hashes..]);
        let n = seen.entry(a.clone()).or_insert(0);
        out.insert(if *n == 0 {
            a.clone()
        } else {
            format!("{a}-{n}")
        });
        *n += 1;
    }
    out
}

/// `(target, fragment)` of every Markdown link `](target#fragment)` in a text.
fn links_with_fragments(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        if let Some((target, fragment)) = rest[..end].split_once('#') {
            out.push((target.to_string(), fragment.to_string()));
        }
        rest = &rest[end..];
    }
    out
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
    let Some(sed) = require_tool("sed", "apt-get install sed", "the documented sed one-liner")
    else {
        return;
    };
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

// ---------------------------------------------------------------------------------------------
// The rate-budget scheduler's health model on the dashboards.

/// (title, description, exprs) of every non-row panel of a dashboard.
fn panel_queries(d: &Json) -> Vec<(String, String, Vec<String>)> {
    all_panels(d)
        .into_iter()
        .filter(|p| p["type"] != "row")
        .map(|p| {
            let exprs = p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["expr"].as_str().map(str::to_string))
                .collect();
            (
                p["title"].as_str().unwrap_or_default().to_string(),
                p["description"].as_str().unwrap_or_default().to_string(),
                exprs,
            )
        })
        .collect()
}

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
            && e.contains("on (job, instance, collector)")
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
