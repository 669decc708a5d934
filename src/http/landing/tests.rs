//! The renderer on hand-made snapshots at a fixed moment: every state, the banners, the budget,
//! and escaping of everything that came from ZPA or the command line.

use super::*;
use crate::collectors::{Class, ALL};
use crate::snapshot::{BudgetStatus, ConfigProblem, ProblemKind};

const T0: Duration = Duration::from_secs(1_700_000_000);

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + T0
}

fn ago(secs: u64) -> SystemTime {
    now() - Duration::from_secs(secs)
}

fn tenant() -> Connection {
    Connection {
        demo: false,
        auth_method: "legacy API key".into(),
        base_url: "https://config.private.zscaler.com".into(),
        customer_id: "216196257331281920".into(),
        microtenant_id: None,
    }
}

fn pending(name: &'static str, interval_s: u64) -> CollectorStatus {
    CollectorStatus::new(name, Class::Inventory, Duration::from_secs(interval_s))
}

/// Ran `runs` times, the last `finished_s` seconds ago, successfully.
fn succeeded(name: &'static str, interval_s: u64, finished_s: u64) -> CollectorStatus {
    let mut s = pending(name, interval_s);
    s.success = true;
    s.runs = 3;
    s.duration = Duration::from_millis(420);
    s.last_attempt = Some(ago(finished_s));
    s.last_success = Some(ago(finished_s));
    s.last_run_requests = 4;
    s.next_run = Some(ago(finished_s) + s.interval);
    s
}

fn failing(name: &'static str, error: &str) -> CollectorStatus {
    let mut s = succeeded(name, 60, 100);
    s.success = false;
    s.last_attempt = Some(ago(5));
    s.last_error = Some(error.into());
    s
}

fn unavailable(name: &'static str) -> CollectorStatus {
    let mut s = pending(name, 300);
    s.unavailable = true;
    s.runs = 1;
    s.last_attempt = Some(ago(60));
    s.last_run_requests = 1;
    s.next_run = Some(now() + Duration::from_secs(29 * 60));
    s.last_error = Some("scim_groups: not available to this API key (HTTP 401, x)".into());
    s
}

fn page(snapshot: &Snapshot) -> String {
    render(snapshot, &tenant(), "/metrics", now())
}

fn snapshot(collectors: Vec<CollectorStatus>) -> Snapshot {
    let mut snap = Snapshot::new(collectors);
    snap.budget = BudgetStatus {
        utilization: 0.42,
        limit: "20/10s".into(),
    };
    snap
}

/// The `<tr>` of collector `name`.
fn row_of<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("<code>{name}</code><small>");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {name}"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

#[test]
fn every_state_has_a_colour_a_symbol_and_a_word() {
    let snap = snapshot(vec![
        succeeded("fresh", 60, 30),
        succeeded("old", 60, 600),
        failing("broken", "connector: HTTP 500"),
        unavailable("unlicensed"),
        pending("waiting", 300),
    ]);
    let html = page(&snap);
    for (name, word, symbol) in [
        ("fresh", "ok", "✓"),
        ("old", "stale", "⚠"),
        ("broken", "failing", "✗"),
        ("unlicensed", "unavailable", "⊘"),
        ("waiting", "pending", "…"),
    ] {
        let row = row_of(&html, name);
        assert!(
            row.starts_with(&format!("<tr class=\"r-{word}\">")),
            "{row}"
        );
        assert!(
            row.contains(&format!("<span class=\"st {word}\" title=\"")),
            "{row}"
        );
        assert!(row.contains(&format!("{symbol} {word}</span>")), "{row}");
    }
    assert!(row_of(&html, "old").contains("stale after 2m 5s"));
    assert!(row_of(&html, "broken").contains("last good data, still served"));
    assert!(row_of(&html, "unlicensed").contains("recheck in 29m"));
    assert!(row_of(&html, "waiting").contains("no data yet<"));
    assert!(row_of(&html, "waiting").contains(">never<"));
    // The summary counts each state, also in words.
    for part in [
        "✓ 1 ok",
        "⚠ 1 stale",
        "✗ 1 failing",
        "⊘ 1 unavailable",
        "… 1 pending",
    ] {
        assert!(html.contains(part), "{part}");
    }
}

#[test]
fn data_age_next_run_cost_and_duration_of_a_row() {
    let mut c = succeeded("application_segments", 300, 130);
    c.duration = Duration::from_millis(2_345);
    c.last_run_requests = 17;
    let html = page(&snapshot(vec![c]));
    let row = row_of(&html, "application_segments");
    assert!(row.contains(">2m 10s of 5m<"), "{row}");
    assert!(row.contains(">in 2m 50s<"), "{row}");
    assert!(row.contains(">17</td>"), "{row}");
    assert!(row.contains(">2.3 s<small>"), "{row}");
    assert!(row.contains("3 runs"), "{row}");
    assert!(row.contains("<small>inventory</small>"), "{row}");
}

#[test]
fn a_due_run_says_so() {
    let mut c = succeeded("microtenants", 60, 61);
    c.next_run = Some(ago(1));
    let html = page(&snapshot(vec![c]));
    assert!(row_of(&html, "microtenants").contains(">due now<small>running or queued</small>"));
}

#[test]
fn escapes_everything_from_zpa_and_the_command_line() {
    let hostile = "<script>alert('x')</script> & \"quoted\"\nsecond line: Ωμέγα Кириллица 日本語 <img src=x onerror=alert(1)>";
    let mut snap = snapshot(vec![failing("connector", hostile)]);
    snap.config_error = Some(ConfigProblem::new(
        ProblemKind::Identity,
        format!("--zpa.customer-id: {hostile}"),
    ));
    snap.budget.limit = "<b>20</b>/10s".into();
    let connection = Connection {
        demo: true,
        auth_method: "OneAPI <i>client</i> & \"secret\"".into(),
        base_url: "http://127.0.0.1:1/\"><script>x</script>".into(),
        customer_id: "<customer>".into(),
        microtenant_id: Some("'mt'<u>".into()),
    };
    let html = render(&snap, &connection, "/metrics?a=<x>&b='y'", now());

    for tag in [
        "<script",
        "<img",
        "<i>",
        "<u>",
        "<customer>",
        "<b>20",
        "<x>",
    ] {
        assert!(!html.contains(tag), "{tag} got through");
    }
    let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\n\
                   second line: Ωμέγα Кириллица 日本語 &lt;img src=x onerror=alert(1)&gt;";
    assert!(
        html.contains(&format!(
            "<td class=\"err\" data-label=\"Last error\">{escaped}</td>"
        )),
        "the error, whole, newline kept for pre-wrap"
    );
    assert!(html.contains(&format!(
        "<p class=\"msg\">--zpa.customer-id: {escaped}</p>"
    )));
    assert!(html.contains("OneAPI &lt;i&gt;client&lt;/i&gt; &amp; &quot;secret&quot;"));
    assert!(html.contains("http://127.0.0.1:1/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"));
    assert!(html.contains("<code>&lt;customer&gt;</code>"));
    assert!(html.contains("<code>&#39;mt&#39;&lt;u&gt;</code>"));
    assert!(html.contains("&lt;b&gt;20&lt;/b&gt;/10s"));
    assert!(html.contains("href=\"/metrics?a=&lt;x&gt;&amp;b=&#39;y&#39;\""));
}

#[test]
fn the_demo_banner_shows_only_in_demo_mode() {
    let snap = snapshot(vec![succeeded("microtenants", 60, 1)]);
    let real = page(&snap);
    assert!(!real.contains("Demo mode"));
    assert!(real.contains("<title>ZPA Exporter: up</title>"));

    let demo = Connection {
        demo: true,
        base_url: "http://127.0.0.1:40000".into(),
        ..tenant()
    };
    let html = render(&snap, &demo, "/metrics", now());
    assert!(html.contains("<section class=\"banner demo\" role=\"note\"><strong>Demo mode."));
    assert!(html.contains("simulated by the built-in ZPA simulator"));
    assert!(html.contains("No credentials are used"));
    assert!(html.contains("<title>ZPA Exporter (demo): up</title>"));
    assert!(html.contains("<small>the built-in simulator</small>"));
}

#[test]
fn a_configuration_error_is_a_red_banner_with_its_text_and_fails_both_tiles() {
    let mut snap = snapshot(vec![succeeded("microtenants", 60, 1)]);
    assert!(!page(&snap).contains("role=\"alert\""));
    snap.config_error = Some(ConfigProblem::new(
        ProblemKind::CustomerRefused,
        "--zpa.customer-id (ZPA_CUSTOMER_ID): ZPA refuses customer id 42 for this API key",
    ));
    let html = page(&snap);
    assert!(html.contains(
        "<section class=\"banner alert\" role=\"alert\"><strong>Configuration error</strong>\
         <p class=\"msg\">--zpa.customer-id (ZPA_CUSTOMER_ID): ZPA refuses customer id 42 for \
         this API key</p>"
    ));
    assert!(html.contains("<title>ZPA Exporter: DOWN</title>"));
    assert!(html.contains("✗ down</b><small>configuration error</small>"));
    assert!(html.contains("✗ not ready</b><small>configuration error</small>"));
}

#[test]
fn every_collector_refused_is_a_configuration_error_too() {
    let html = page(&snapshot(vec![unavailable("a"), unavailable("b")]));
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("every collector was refused"));
}

#[test]
fn the_health_tiles_say_why() {
    let html = page(&snapshot(vec![
        succeeded("fresh", 60, 1),
        failing("broken", "boom"),
        pending("waiting", 60),
    ]));
    assert!(html.contains("✗ down</b><small>not fresh: broken, waiting</small>"));
    assert!(html.contains("✗ not ready</b><small>no successful run yet of: waiting</small>"));

    let html = page(&snapshot(vec![
        succeeded("fresh", 60, 1),
        unavailable("off"),
    ]));
    assert!(html.contains("✓ up</b><small>every available collector has fresh data</small>"));
    assert!(html.contains("✓ ready</b>"));
    assert!(html.contains("<div class=\"tile good\"><span class=\"k\">Collectors</span>"));
}

#[test]
fn the_connection_names_the_auth_method_cloud_customer_and_microtenant() {
    let html = page(&snapshot(vec![]));
    assert!(html.contains("<dt>Sign-in</dt><dd>legacy API key</dd>"));
    assert!(html.contains(
        "<code>https://config.private.zscaler.com</code> <small>cloud PRODUCTION</small>"
    ));
    assert!(html.contains("<code>216196257331281920</code>"));
    assert!(html.contains("none: the whole tenant"));

    let scoped = Connection {
        base_url: "https://config.zpabeta.net/".into(),
        microtenant_id: Some("2161962573312819".into()),
        ..tenant()
    };
    let html = render(&snapshot(vec![]), &scoped, "/metrics", now());
    assert!(html.contains("<small>cloud BETA</small>"));
    assert!(html.contains("<dd><code>2161962573312819</code></dd>"));

    let proxy = Connection {
        base_url: "https://zpa-proxy.internal".into(),
        ..tenant()
    };
    let html = render(&snapshot(vec![]), &proxy, "/metrics", now());
    assert!(html.contains("<code>https://zpa-proxy.internal</code></dd>"));
}

#[test]
fn the_budget_shows_the_limit_the_planned_use_and_what_was_stretched() {
    let mut slowed = succeeded("application_segments", 720, 10);
    slowed.requested_interval = Duration::from_secs(300);
    let html = page(&snapshot(vec![succeeded("microtenants", 60, 1), slowed]));
    assert!(html.contains("<code>20/10s</code> GETs"));
    assert!(html.contains("42% of the limit"));
    assert!(html.contains("at most 80%"));
    assert!(html.contains("width:42%"));
    assert!(html.contains("⚠ 1 stretched to fit the budget"));
    assert!(html.contains("<li><code>application_segments</code>: every 12m instead of 5m</li>"));
    assert!(row_of(&html, "application_segments").contains("stretched from 5m"));
    assert!(!row_of(&html, "microtenants").contains("stretched"));

    let mut snap = snapshot(vec![succeeded("microtenants", 60, 1)]);
    assert!(page(&snap).contains("every collector runs at the interval asked for"));
    snap.budget.utilization = 0.93;
    assert!(page(&snap).contains("93% of the limit — over the planner's target"));
    snap.budget.utilization = 1.7;
    let html = page(&snap);
    assert!(html.contains("170% of the limit — more than the limit"));
    assert!(html.contains("width:100%"), "the bar stays in its box");
    snap.budget.utilization = 0.034;
    assert!(page(&snap).contains("3.4% of the limit"));
}

#[test]
fn the_page_is_small_semantic_and_self_contained() {
    let collectors: Vec<CollectorStatus> = ALL
        .iter()
        .map(|spec| {
            let mut s = succeeded(spec.name, spec.default_interval.as_secs(), 30);
            s.class = spec.class;
            s
        })
        .collect();
    let html = page(&snapshot(collectors));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("<th scope=\"col\">State</th>"));
    assert!(html.contains("<th scope=\"row\">"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for external in [
        "<script",
        "src=",
        "<link rel=\"stylesheet\"",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(!html.contains("href=\"http"), "links stay on this exporter");
    assert!(
        html.len() < 14 * 1024,
        "every collector fits in {} bytes",
        html.len()
    );
}

#[test]
fn durations_read_in_two_units() {
    let s = Duration::from_secs;
    assert_eq!(span(s(0)), "0s");
    assert_eq!(span(Duration::from_millis(999)), "0s");
    assert_eq!(span(s(59)), "59s");
    assert_eq!(span(s(130)), "2m 10s");
    assert_eq!(span(s(300)), "5m");
    assert_eq!(span(s(3_600 + 61)), "1h 1m");
    assert_eq!(span(s(86_400 * 3 + 3_600 * 4 + 5)), "3d 4h");
    assert_eq!(span(s(86_400 + 59)), "1d");
    assert_eq!(run_time(Duration::from_millis(42)), "42 ms");
    assert_eq!(run_time(Duration::from_millis(1_260)), "1.3 s");
    assert_eq!(run_time(s(125)), "2m 5s");
}
