//! The conventions every shipped query and dashboard follows: selectors within the metrics
//! contract (metric, labels, enumerated values), the `job`/`instance` (and other variable)
//! filters, `$__rate_interval` ranges, and the dashboards' layout, variables and units.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::promql::{selectors, Selector};
use super::{allowed_values, contract_labels};

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

pub fn has_matcher(sel: &Selector, label: &str, var: &str) -> bool {
    sel.matchers.iter().any(|m| {
        m.label == label
            && m.op == "=~"
            && (m.value == format!("${var}") || m.value == format!("${{{var}}}"))
    })
}

/// Problems with a metric selector against the contract (unknown metric, label or label value).
pub fn contract_problems(selector: &Selector) -> Vec<String> {
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

pub fn all_panels(dashboard: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().cloned().unwrap_or_default() {
        out.push(panel.clone());
        for inner in panel["panels"].as_array().into_iter().flatten() {
            out.push(inner.clone());
        }
    }
    out
}

pub fn datasource_is_variable(ds: &Json) -> bool {
    let uid = ds["uid"].as_str().or(ds.as_str()).unwrap_or_default();
    uid == "${datasource}" || uid == "$datasource"
}

/// Grafana variables an expression refers to (`$name`, `${name}`, `${name:fmt}`, `[[name]]`).
pub fn variables_used(expr: &str) -> BTreeSet<String> {
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
pub const FILTER_VARIABLES: &[&str] = &[
    "tenant",
    "microtenant",
    "connector_group",
    "service_edge_group",
];

/// Problems with one dashboard; empty when it follows every convention.
pub fn dashboard_problems(name: &str, d: &Json) -> Vec<String> {
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
    // Every dashboard that charts tenant series shows one tenant or many (issue 19): `tenant` is
    // required, its "All" is `.*` so that nothing is lost where a series has no tenant. (The
    // LSS receiver's series are the process's, without a tenant.)
    let charts_tenant_series = all_panels(d)
        .iter()
        .flat_map(|panel| panel["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|target| target["expr"].as_str().map(str::to_string))
        .flat_map(|expr| selectors(&expr).unwrap_or_default())
        .any(|sel| contract_labels(&sel.metric).is_some_and(|l| l.contains(&"tenant")));
    match var("tenant") {
        None if !charts_tenant_series => {}
        None => p.push(format!("{name}: no `tenant` variable")),
        Some(v) => {
            if v["type"] != "query"
                || v["multi"] != true
                || v["includeAll"] != true
                || v["allValue"] != ".*"
            {
                p.push(format!(
                    "{name}: variable `tenant` must be a multi-select query variable with includeAll and allValue \".*\""
                ));
            }
        }
    }
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
        let sels = selectors(query).unwrap_or_else(|e| {
            p.push(format!("{name}: variable `{vname}`: {e}"));
            Vec::new()
        });
        for sel in sels {
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
            let scoped = contract_labels(&sel.metric).is_some_and(|l| l.contains(&"tenant"));
            if !["job", "instance", "tenant"].contains(&vname)
                && scoped
                && !has_matcher(&sel, "tenant", "tenant")
            {
                p.push(format!(
                    "{name}: variable `{vname}` does not filter tenant=~\"$tenant\""
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
pub fn expr_problems(expr: &str, defined: &BTreeSet<String>) -> Vec<String> {
    let mut p = Vec::new();
    if expr.trim().is_empty() {
        p.push("empty expression".to_string());
        return p;
    }
    let sels = match selectors(expr) {
        Ok(sels) => sels,
        Err(e) => {
            p.push(e);
            return p;
        }
    };
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

/// (title, description, exprs) of every non-row panel of a dashboard.
pub fn panel_queries(d: &Json) -> Vec<(String, String, Vec<String>)> {
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
