//! The metric selectors of a PromQL expression, found by a real PromQL parser (`promql-parser`,
//! GreptimeDB's): every expression the dashboards, rules, rule tests and runbook ship must parse,
//! and each selector's metric, matchers and range are checked against the metrics contract.
//!
//! Grafana's variables are not PromQL: `$__rate_interval` (and `$__interval`, `$__range`) in a
//! range become durations no query would write and are mapped back; `${name}` in a matcher value
//! becomes `$name`, which is a valid regular expression as Prometheus' `=~` needs.

use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr, VectorSelector};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    pub label: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// Empty for a selector without a metric name (`{job="x"}`).
    pub metric: String,
    pub matchers: Vec<Matcher>,
    /// As written: `$__rate_interval`, or a duration such as `5m`.
    pub range: Option<String>,
}

/// Grafana's range variables and the stand-in durations they are parsed as.
const RANGE_VARIABLES: &[(&str, u64)] = &[
    ("$__rate_interval", 7_777_771),
    ("$__interval", 7_777_772),
    ("$__range", 7_777_773),
];

/// The expression as PromQL: Grafana's variables replaced as the module doc says.
fn substitute_variables(expr: &str) -> String {
    let mut out = expr.to_string();
    for (var, secs) in RANGE_VARIABLES {
        out = out.replace(&format!("[{var}]"), &format!("[{secs}s]"));
    }
    // `${name}` → `$name`: not a valid regex with the braces.
    let mut plain = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("${") {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('}') {
            Some(end) => {
                plain.push('$');
                plain.push_str(&after[..end]);
                rest = &after[end + 1..];
            }
            None => {
                plain.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    plain.push_str(rest);
    plain
}

fn range_text(range: &Duration) -> String {
    RANGE_VARIABLES
        .iter()
        .find(|(_, secs)| range.as_secs() == *secs)
        .map_or_else(
            || promql_parser::util::display_duration(range),
            |(var, _)| var.to_string(),
        )
}

fn selector(vs: &VectorSelector, range: Option<&Duration>) -> Selector {
    let matchers = vs
        .matchers
        .matchers
        .iter()
        .chain(vs.matchers.or_matchers.iter().flatten())
        .filter(|m| !(m.name == "__name__" && Some(&m.value) == vs.name.as_ref()))
        .map(|m| Matcher {
            label: m.name.clone(),
            op: match m.op {
                MatchOp::Equal => "=",
                MatchOp::NotEqual => "!=",
                MatchOp::Re(_) => "=~",
                MatchOp::NotRe(_) => "!~",
            }
            .to_string(),
            value: m.value.clone(),
        })
        .collect();
    Selector {
        metric: vs.name.clone().unwrap_or_default(),
        matchers,
        range: range.map(range_text),
    }
}

/// Every selector under `expr`, in the order they are written.
fn collect(expr: &Expr, out: &mut Vec<Selector>) {
    match expr {
        Expr::VectorSelector(vs) => out.push(selector(vs, None)),
        Expr::MatrixSelector(ms) => out.push(selector(&ms.vs, Some(&ms.range))),
        Expr::Aggregate(a) => {
            if let Some(param) = &a.param {
                collect(param, out);
            }
            collect(&a.expr, out);
        }
        Expr::Unary(u) => collect(&u.expr, out),
        Expr::Binary(b) => {
            collect(&b.lhs, out);
            collect(&b.rhs, out);
        }
        Expr::Paren(p) => collect(&p.expr, out),
        Expr::Subquery(s) => collect(&s.expr, out),
        Expr::Call(c) => c.args.args.iter().for_each(|arg| collect(arg, out)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Every selector in a PromQL expression (or a Grafana `label_values(selector, label)`
/// query), or why it does not parse.
pub fn selectors(expr: &str) -> Result<Vec<Selector>, String> {
    let expr = match expr.trim().strip_prefix("label_values(") {
        Some(args) => args
            .rsplit_once(',')
            .map_or(args.trim_end_matches(')'), |(s, _)| s),
        None => expr,
    };
    let parsed = parser::parse(&substitute_variables(expr))
        .map_err(|e| format!("does not parse as PromQL ({e}): {expr:?}"))?;
    let mut out = Vec::new();
    collect(&parsed, &mut out);
    Ok(out)
}
