//! The landing page at `/`: what this is, where the metrics are, and how the last poll went.
//! Everything that came from ZPA or the command line is HTML-escaped.

use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

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

fn rfc3339(t: Option<SystemTime>) -> String {
    match t {
        Some(t) if t > UNIX_EPOCH => humantime::format_rfc3339_seconds(t).to_string(),
        _ => "never".to_string(),
    }
}

pub fn render(snapshot: &Snapshot, telemetry_path: &str) -> String {
    let path = escape(telemetry_path);
    let mut rows = String::new();
    for c in &snapshot.collectors {
        let state = if c.unavailable {
            "unavailable"
        } else if c.success {
            "ok"
        } else if c.last_attempt.is_none() {
            "pending"
        } else {
            "failing"
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=\"{state}\">{state}</td><td>{:.2} s</td><td>{}</td><td>{}</td></tr>",
            escape(c.name),
            c.duration.as_secs_f64(),
            rfc3339(c.last_success),
            escape(c.last_error.as_deref().unwrap_or("")),
        );
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ZPA Exporter</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}.ok{{color:#1a7f37}}.failing{{color:#cf222e}}.unavailable,.pending{{color:#6e7781}}</style>
</head>
<body>
<h1>ZPA Exporter</h1>
<p>Prometheus exporter for the Zscaler Private Access management API. Version {version} ({revision}).</p>
<p><a href="{path}">Metrics</a> · <a href="/-/healthy">Health</a> · <a href="/-/ready">Readiness</a></p>
<h2>Last poll</h2>
<p>Completed: {completed} · cycles: {cycles} · up: {up}</p>
<table><thead><tr><th>Collector</th><th>State</th><th>Duration</th><th>Last success</th><th>Last error</th></tr></thead>
<tbody>{rows}</tbody></table>
</body>
</html>
"#,
        version = escape(VERSION),
        revision = escape(REVISION),
        completed = rfc3339(snapshot.completed_at),
        cycles = snapshot.cycles,
        up = if snapshot.up() { 1 } else { 0 },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::CollectorStatus;

    #[test]
    fn escapes_untrusted_text() {
        let mut snap = Snapshot::empty(&["application_segments"]);
        snap.collectors[0].last_error = Some("<script>alert('x')</script> & \"more\"".into());
        snap.collectors[0].last_attempt = Some(SystemTime::now());
        let html = render(&snap, "/metrics?<x>");
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
        );
        assert!(html.contains("href=\"/metrics?&lt;x&gt;\""));
        assert!(html.contains("failing"));
        let _ = CollectorStatus::new("x");
    }
}
