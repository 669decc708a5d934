//! The landing page at `/`: what this is, where the metrics are, and how the last poll went.
//! Everything that came from ZPA or the command line is HTML-escaped.

use std::fmt::Write;
use std::time::{Duration, SystemTime};

use crate::metrics::{REVISION, VERSION};
use crate::snapshot::Snapshot;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn age(now: SystemTime, t: Option<SystemTime>) -> String {
    match t {
        Some(t) => humantime::format_duration(Duration::from_secs(
            now.duration_since(t).unwrap_or_default().as_secs(),
        ))
        .to_string(),
        None => "never".to_string(),
    }
}

pub fn render(snapshot: &Snapshot, telemetry_path: &str) -> String {
    let now = SystemTime::now();
    let path = escape(telemetry_path);
    let mut rows = String::new();
    for c in &snapshot.collectors {
        let state = if c.unavailable {
            "unavailable"
        } else if c.success && c.fresh(now) {
            "ok"
        } else if c.success {
            "stale"
        } else if c.last_attempt.is_none() {
            "pending"
        } else {
            "failing"
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=\"{state}\">{state}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2} s</td><td>{}</td></tr>",
            escape(c.name),
            humantime::format_duration(c.interval),
            age(now, c.last_success),
            c.last_run_requests,
            c.duration.as_secs_f64(),
            escape(c.last_error.as_deref().unwrap_or("")),
        );
    }
    let banner = match snapshot.config_problem() {
        Some(problem) => format!(
            "<p class=\"failing\"><strong>Configuration error:</strong> {}</p>",
            escape(&problem)
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ZPA Exporter</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}.ok{{color:#1a7f37}}.failing,.stale{{color:#cf222e}}.unavailable,.pending{{color:#6e7781}}</style>
</head>
<body>
<h1>ZPA Exporter</h1>
<p>Prometheus exporter for the Zscaler Private Access management API. Version {version} ({revision}).</p>
<p><a href="{path}">Metrics</a> · <a href="/-/healthy">Health</a> · <a href="/-/ready">Readiness</a></p>
{banner}
<h2>Collectors</h2>
<p>up: {up} · ready: {ready} · rate budget {limit}, schedule uses {utilization:.0}% of it</p>
<table><thead><tr><th>Collector</th><th>State</th><th>Interval</th><th>Data age</th><th>Requests per run</th><th>Last run</th><th>Last error</th></tr></thead>
<tbody>{rows}</tbody></table>
</body>
</html>
"#,
        version = escape(VERSION),
        revision = escape(REVISION),
        up = u8::from(snapshot.up(now)),
        ready = u8::from(snapshot.ready()),
        limit = escape(&snapshot.budget.limit),
        utilization = snapshot.budget.utilization * 100.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::Class;
    use crate::snapshot::CollectorStatus;

    #[test]
    fn escapes_untrusted_text() {
        let mut snap = Snapshot::new(vec![CollectorStatus::new(
            "application_segments",
            Class::Inventory,
            Duration::from_secs(300),
        )]);
        snap.collectors[0].last_error = Some("<script>alert('x')</script> & \"more\"".into());
        snap.collectors[0].last_attempt = Some(SystemTime::now());
        let html = render(&snap, "/metrics?<x>");
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
        );
        assert!(html.contains("href=\"/metrics?&lt;x&gt;\""));
        assert!(html.contains("failing"));
        assert!(html.contains("<td>5m</td>"), "the interval is shown");
    }
}
