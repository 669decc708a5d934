//! The landing page at `/`: the status page an operator opens when something is off.
//!
//! One self-contained HTML document, rendered from the current [`Snapshot`] on each request:
//! the health summary (`zpa_up`, readiness, a configuration error in red), a banner in demo
//! mode, where the data comes from (sign-in method, API, customer, microtenant), the rate budget
//! and which intervals the planner stretched, and per collector its state, data age against its
//! interval, next run, cost and last error. The style sheet is inline ([`style`]), there is no
//! JavaScript, and the page's Content-Security-Policy forbids loading anything, so it works
//! where nothing outside the cluster is reachable and stays inert if escaping were ever missed.
//!
//! Everything that came from ZPA or the command line goes through [`escape`]: error texts quote
//! ZPA's answers, and URLs, ids and the telemetry path come from flags.

mod receiver;
mod style;
#[cfg(test)]
mod tests;

use std::fmt::Write;
use std::time::{Duration, SystemTime};

use zpa_api::cloud::Cloud;

use crate::build_info::{REVISION, VERSION};
use crate::schedule::plan::TARGET_UTILIZATION;
use crate::snapshot::{CollectorStatus, Snapshot};
use crate::tenancy::Connection;

pub(crate) use receiver::with_receiver_and_reload;

/// `text` safe inside HTML elements and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
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

/// Appends to the page: writing to a `String` cannot fail.
macro_rules! put {
    ($page:expr, $($arg:tt)*) => {{
        let _ = write!($page, $($arg)*);
    }};
}

mod tenants;
pub(crate) use tenants::{no_tenants, with_tenants, TenantLine};

/// What a collector's row says first, derived from its status at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The last run succeeded and its data is fresh.
    Ok,
    /// The last run succeeded, but so long ago that a run was missed.
    Stale,
    /// The last run failed; the last good data, if any, is still served.
    Failing,
    /// The API key may not read this resource: not an error of the exporter.
    Unavailable,
    /// No run has finished yet.
    Pending,
}

impl State {
    const ALL: [State; 5] = [
        State::Ok,
        State::Stale,
        State::Failing,
        State::Unavailable,
        State::Pending,
    ];

    fn of(c: &CollectorStatus, now: SystemTime) -> State {
        if c.unavailable {
            State::Unavailable
        } else if c.runs == 0 || c.last_attempt.is_none() {
            State::Pending
        } else if !c.success {
            State::Failing
        } else if c.fresh(now) {
            State::Ok
        } else {
            State::Stale
        }
    }

    /// The word, which is also the CSS class.
    fn word(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Stale => "stale",
            State::Failing => "failing",
            State::Unavailable => "unavailable",
            State::Pending => "pending",
        }
    }

    /// A symbol besides the colour, so the state does not depend on seeing colours.
    fn symbol(self) -> &'static str {
        match self {
            State::Ok => "✓",
            State::Stale => "⚠",
            State::Failing => "✗",
            State::Unavailable => "⊘",
            State::Pending => "…",
        }
    }

    /// The tooltip.
    fn meaning(self) -> &'static str {
        match self {
            State::Ok => "the last run succeeded and the data is fresh",
            State::Stale => "the last run succeeded, but a run is overdue: the data is old",
            State::Failing => "the last run failed; the last good data is still served",
            State::Unavailable => {
                "the API key may not read this (not licensed or forbidden); checked again later"
            }
            State::Pending => "no run has finished yet",
        }
    }

    fn badge(self) -> String {
        format!(
            "<span class=\"st {w}\" title=\"{m}\">{s} {w}</span>",
            w = self.word(),
            m = self.meaning(),
            s = self.symbol(),
        )
    }
}

/// A duration in its two largest units, to the second: `2m 10s`, `1h`, `3d 4h`.
fn span(d: Duration) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let secs = d.as_secs();
    let Some(first) = UNITS.iter().position(|(size, _)| secs >= *size) else {
        return "0s".to_string();
    };
    let (size, unit) = UNITS[first];
    let mut text = format!("{}{unit}", secs / size);
    if let Some((next, unit)) = UNITS.get(first + 1) {
        let rest = secs % size / next;
        if rest > 0 {
            let _ = write!(text, " {rest}{unit}");
        }
    }
    text
}

/// How long a run took: milliseconds matter below a second.
fn run_time(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d < Duration::from_secs(60) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        span(d)
    }
}

/// Puts `text` right after `marker` in `page` (at the end when the marker is missing): how the
/// tenants list, the reload banner and the LSS section join a rendered page.
fn insert_after(page: &mut String, marker: &str, text: &str) {
    match page.find(marker) {
        Some(i) => page.insert_str(i + marker.len(), text),
        None => page.push_str(text),
    }
}

fn since(now: SystemTime, t: SystemTime) -> Duration {
    now.duration_since(t).unwrap_or_default()
}

/// The page, as of `now`.
pub(crate) fn render(
    snapshot: &Snapshot,
    connection: &Connection,
    telemetry_path: &str,
    now: SystemTime,
) -> String {
    let states: Vec<State> = snapshot
        .collectors
        .iter()
        .map(|c| State::of(c, now))
        .collect();
    let up = snapshot.up(now);
    let problem = snapshot.config_problem();
    let mut page = String::with_capacity(16 * 1024);

    put!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<link rel=\"icon\" href=\"data:,\">\n\
         <title>ZPA Exporter{demo}: {state}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        demo = if connection.demo { " (demo)" } else { "" },
        state = if up { "up" } else { "DOWN" },
        css = style::CSS,
    );
    header(&mut page, telemetry_path);
    page.push_str("<main>\n");
    if connection.demo {
        put!(
            page,
            "<section class=\"banner demo\" role=\"note\"><strong>Demo mode.</strong> The ZPA data \
             on this page and at <a href=\"{path}\">{path}</a> is simulated by the built-in ZPA \
             simulator. No credentials are used and no real ZPA tenant is contacted.</section>\n",
            path = escape(telemetry_path),
        );
    }
    if let Some(problem) = &problem {
        put!(
            page,
            "<section class=\"banner alert\" role=\"alert\"><strong>Configuration error</strong>\
             <p class=\"msg\">{}</p><p>Until it is fixed, <code>zpa_up</code> is 0 and \
             <code>/-/ready</code> answers 503.</p></section>\n",
            escape(&problem.message),
        );
    }
    health(&mut page, snapshot, &states, up, problem.is_some());
    page.push_str("<div class=\"grid\">\n");
    connection_facts(&mut page, connection);
    budget(&mut page, snapshot);
    page.push_str("</div>\n");
    collectors(&mut page, snapshot, &states, now);
    put!(
        page,
        "<footer>Rendered {} from the exporter's last results; reloading never calls ZPA.\
         </footer>\n</main>\n</body>\n</html>\n",
        humantime::format_rfc3339_seconds(now),
    );
    page
}

fn header(page: &mut String, telemetry_path: &str) {
    put!(
        page,
        "<header><h1>ZPA Exporter</h1><span class=\"ver\">version {version} · revision \
         {revision}</span><nav aria-label=\"Endpoints\"><a href=\"{path}\">Metrics</a> \
         <a href=\"/-/healthy\">Health</a> <a href=\"/-/ready\">Readiness</a></nav></header>\n",
        version = escape(VERSION),
        revision = escape(REVISION),
        path = escape(telemetry_path),
    );
}

/// Names, comma-separated, escaped.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    escape(&names.collect::<Vec<_>>().join(", "))
}

fn health(
    page: &mut String,
    snapshot: &Snapshot,
    states: &[State],
    up: bool,
    config_problem: bool,
) {
    let with = |wanted: &[State]| {
        names(
            snapshot
                .collectors
                .iter()
                .zip(states)
                .filter(|(_, s)| wanted.contains(s))
                .map(|(c, _)| c.name),
        )
    };
    let any_available = states.iter().any(|s| *s != State::Unavailable);
    let up_why = if up {
        "every available collector has fresh data".to_string()
    } else if config_problem {
        "configuration error".to_string()
    } else if !any_available {
        "no enabled collector may read anything".to_string()
    } else {
        format!(
            "not fresh: {}",
            with(&[State::Stale, State::Failing, State::Pending])
        )
    };
    let ready = snapshot.ready();
    let ready_why = if ready {
        "every available collector has succeeded once".to_string()
    } else if config_problem {
        "configuration error".to_string()
    } else if !any_available {
        "no enabled collector may read anything".to_string()
    } else {
        format!(
            "no successful run yet of: {}",
            names(snapshot.pending().map(|c| c.name))
        )
    };
    let tile = |good: bool, key: &str, yes: &str, no: &str, why: &str| {
        let (class, state) = if good {
            ("good", State::Ok)
        } else {
            ("bad", State::Failing)
        };
        format!(
            "<div class=\"tile {class}\"><span class=\"k\">{key}</span><b class=\"{w}\">{s} \
             {text}</b><small>{why}</small></div>",
            w = state.word(),
            s = state.symbol(),
            text = if good { yes } else { no },
        )
    };
    let mut counts = String::new();
    for state in State::ALL {
        let n = states.iter().filter(|s| **s == state).count();
        if n > 0 {
            if !counts.is_empty() {
                counts.push_str(" · ");
            }
            put!(
                counts,
                "<span class=\"{w}\">{s} {n} {w}</span>",
                w = state.word(),
                s = state.symbol()
            );
        }
    }
    let all_ok = states
        .iter()
        .all(|s| matches!(s, State::Ok | State::Unavailable));
    put!(
        page,
        "<section aria-labelledby=\"h-health\"><h2 id=\"h-health\">Health</h2>\
         <div class=\"tiles\">{}{}<div class=\"tile {}\"><span class=\"k\">Collectors</span>\
         <b>{counts}</b><small>{} enabled</small></div></div></section>\n",
        tile(up, "zpa_up", "up", "down", &up_why),
        tile(ready, "/-/ready", "ready", "not ready", &ready_why),
        if all_ok { "good" } else { "bad" },
        states.len(),
    );
}

fn connection_facts(page: &mut String, connection: &Connection) {
    let url = connection.base_url.trim_end_matches('/');
    let api_note = if connection.demo {
        " <small>the built-in simulator</small>".to_string()
    } else {
        match Cloud::ALL
            .into_iter()
            .find(|c| c.base_url().eq_ignore_ascii_case(url))
        {
            Some(cloud) => format!(" <small>cloud {}</small>", escape(cloud.name())),
            None => String::new(),
        }
    };
    let microtenant = match &connection.microtenant_id {
        Some(id) => format!("<code>{}</code>", escape(id)),
        None => "<span class=\"none\">none: the whole tenant</span>".to_string(),
    };
    put!(
        page,
        "<section aria-labelledby=\"h-conn\"><h2 id=\"h-conn\">Connection</h2><dl>\
         <dt>Sign-in</dt><dd>{auth}</dd>\
         <dt>API</dt><dd><code>{url}</code>{api_note}</dd>\
         <dt>Customer id</dt><dd><code>{customer}</code></dd>\
         <dt>Microtenant</dt><dd>{microtenant}</dd></dl></section>\n",
        auth = escape(&connection.auth_method),
        url = escape(&connection.base_url),
        customer = escape(&connection.customer_id),
    );
}

fn budget(page: &mut String, snapshot: &Snapshot) {
    let used = snapshot.budget.utilization;
    let (colour, verdict) = if used > 1.0 {
        (
            State::Failing,
            " — more than the limit: runs will queue and fall behind",
        )
    } else if used > TARGET_UTILIZATION + 1e-9 {
        (
            State::Stale,
            " — over the planner's target even with every interval stretched",
        )
    } else {
        (State::Ok, "")
    };
    let percent = used * 100.0;
    let shown = if percent > 0.0 && percent < 10.0 {
        format!("{percent:.1}%")
    } else {
        format!("{percent:.0}%")
    };
    let stretched: Vec<String> = snapshot
        .collectors
        .iter()
        .filter(|c| c.interval > c.requested_interval)
        .map(|c| {
            format!(
                "<li><code>{}</code>: every {} instead of {}</li>",
                escape(c.name),
                span(c.interval),
                span(c.requested_interval)
            )
        })
        .collect();
    let intervals = if stretched.is_empty() {
        "<dd>every collector runs at the interval asked for</dd>".to_string()
    } else {
        format!(
            "<dd class=\"stale\">⚠ {} stretched to fit the budget<ul>{}</ul></dd>",
            stretched.len(),
            stretched.concat()
        )
    };
    put!(
        page,
        "<section aria-labelledby=\"h-budget\"><h2 id=\"h-budget\">Rate budget</h2><dl>\
         <dt>Limit</dt><dd><code>{limit}</code> GETs <small>client side, per tenant and source \
         IP (<code>--zpa.rate-limit</code>)</small></dd>\
         <dt>Planned use</dt><dd class=\"{c}\"><div class=\"bar\" aria-hidden=\"true\">\
         <i style=\"width:{width:.0}%\"></i></div>{shown} of the limit{verdict} \
         <small>the planner aims for at most {target:.0}%</small></dd>\
         <dt>Intervals</dt>{intervals}</dl></section>\n",
        limit = escape(&snapshot.budget.limit),
        c = colour.word(),
        width = percent.clamp(0.0, 100.0),
        target = TARGET_UTILIZATION * 100.0,
    );
}

fn collectors(page: &mut String, snapshot: &Snapshot, states: &[State], now: SystemTime) {
    page.push_str(
        "<section aria-labelledby=\"h-coll\"><h2 id=\"h-coll\">Collectors</h2>\
         <div class=\"scroll\"><table>\n\
         <thead><tr><th scope=\"col\">Collector</th><th scope=\"col\">State</th>\
         <th scope=\"col\">Data age / interval</th><th scope=\"col\">Next run</th>\
         <th scope=\"col\" class=\"num\">Requests per run</th><th scope=\"col\">Last run</th>\
         <th scope=\"col\">Last error</th></tr></thead>\n<tbody>\n",
    );
    for (c, state) in snapshot.collectors.iter().zip(states) {
        row(page, c, *state, now);
    }
    page.push_str("</tbody></table></div></section>\n");
}

fn row(page: &mut String, c: &CollectorStatus, state: State, now: SystemTime) {
    let mut age = match (state, c.last_success) {
        (State::Unavailable, _) => "<span class=\"none\">not collected</span>".to_string(),
        (_, None) => "<span class=\"none\">no data yet</span>".to_string(),
        (_, Some(at)) => {
            let mut text = format!("{} of {}", span(since(now, at)), span(c.interval));
            if state == State::Stale {
                let _ = write!(
                    text,
                    "<small class=\"stale\">stale after {}</small>",
                    span(c.stale_after())
                );
            } else if state == State::Failing {
                text.push_str("<small>last good data, still served</small>");
            }
            text
        }
    };
    if c.last_success.is_none() || state == State::Unavailable {
        let _ = write!(age, "<small>every {}</small>", span(c.interval));
    }
    if c.interval > c.requested_interval {
        let _ = write!(
            age,
            "<small class=\"stale\">stretched from {}</small>",
            span(c.requested_interval)
        );
    }
    let next = match c.next_run {
        Some(at) if at > now => {
            let wait = span(at.duration_since(now).unwrap_or_default());
            if state == State::Unavailable {
                format!("recheck in {wait}")
            } else {
                format!("in {wait}")
            }
        }
        // Due: the run is under way, or waiting for the rate budget or the start-up check.
        Some(_) => "due now<small>running or queued</small>".to_string(),
        None => "<span class=\"none\">—</span>".to_string(),
    };
    let (requests, last_run) = match c.last_attempt {
        Some(at) if c.runs > 0 => (
            c.last_run_requests.to_string(),
            format!(
                "{}<small>{} ago · {} run{}</small>",
                run_time(c.duration),
                span(since(now, at + c.duration)),
                c.runs,
                if c.runs == 1 { "" } else { "s" },
            ),
        ),
        _ => (
            "<span class=\"none\">—</span>".to_string(),
            "<span class=\"none\">never</span>".to_string(),
        ),
    };
    let error = match &c.last_error {
        Some(e) => format!(
            "<td class=\"err\" data-label=\"Last error\">{}</td>",
            escape(e)
        ),
        None => "<td data-label=\"Last error\"><span class=\"none\">—</span></td>".to_string(),
    };
    put!(
        page,
        "<tr class=\"r-{w}\"><th scope=\"row\"><code>{name}</code><small>{class}</small></th>\
         <td data-label=\"State\">{badge}</td><td data-label=\"Data age\">{age}</td>\
         <td data-label=\"Next run\">{next}</td>\
         <td class=\"num\" data-label=\"Requests per run\">{requests}</td>\
         <td data-label=\"Last run\">{last_run}</td>{error}</tr>\n",
        w = state.word(),
        name = escape(c.name),
        class = c.class.label(),
        badge = state.badge(),
    );
}
