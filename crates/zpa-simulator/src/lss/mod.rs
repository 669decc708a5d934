//! A ZPA Log Streaming Service (LSS) look-alike: streams the records an App Connector forwards
//! to a log receiver (one JSON object per line over TCP, optionally TLS), rendered from ZPA's
//! default JSON templates ([`template`]) with names from the simulator's generated tenant
//! ([`names`]), so the stream joins with the API data of a simulator started with the same seed
//! and sizes.
//!
//! * [`Generator`]: the records of one [`LogType`] (the wire type both ends share), deterministic
//!   for a seed. The mixes are in `activity` (User Activity: successes, failures by reason,
//!   policy blocks, slow setups, a troubled application), `fleet` (Status and Metrics of
//!   connectors, edges and Private Cloud Controllers, one saturated connector; User Status),
//!   `browser` (Browser Access: status codes, 5xx on unhealthy applications, timings),
//!   `app_protection` (AppProtection inspections, blocks concentrated on one application) and
//!   `audit` (administrators signing in and changing the tenant's objects).
//! * [`stream`]: sends a generator's records to a receiver at a bounded rate, for a count or a
//!   duration, reconnecting with bounded backoff when the receiver is down. Records generated
//!   while it is down are dropped, as LSS drops them.
//! * [`spawn_demo_streams`]: every log type into the exporter's own LSS listeners, for `--demo`.
//!
//! The binary's `lss` subcommand (`zpa-simulator lss --to HOST:PORT --type user_activity
//! --rate N`) is a thin layer over [`stream`].

mod activity;
mod app_protection;
mod audit;
mod browser;
mod fleet;
pub mod names;
mod stream;
pub mod template;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;

pub use activity::{class_of, troubled_app, Class};
pub use app_protection::attacked_app;
pub use browser::unhealthy_web_apps;
pub use names::Names;
pub use stream::{stream, Backoff, LssError, StreamConfig, StreamReport, TlsClient};
pub use template::default_template;
pub use web::web_apps;
pub use zpa_api::lss::LogType;

use template::{Fields, Template};

/// The saturated App Connector: the one serving the most applications, so that its trouble
/// shows in User Activity too (ties go to the first).
pub fn saturated_connector(names: &Names) -> usize {
    let mut load = vec![0usize; names.connectors.len()];
    for app in &names.apps {
        for &c in &app.connectors {
            load[c] += 1;
        }
    }
    let mut best = 0;
    for (i, &n) in load.iter().enumerate() {
        if n > load[best] {
            best = i;
        }
    }
    best
}

enum State {
    Activity(activity::Activity),
    Fleet(fleet::Fleet),
    Browser(browser::Browser),
    AppProtection(app_protection::AppProtection),
    Audit(audit::Audit),
}

/// The records of one log type, deterministic for a seed and a sequence of times.
pub struct Generator {
    log_type: LogType,
    template: Template,
    names: Arc<Names>,
    state: State,
}

impl Generator {
    pub fn new(log_type: LogType, names: Arc<Names>, seed: u64) -> Generator {
        let seed = seed ^ (log_type.index() as u64) << 32;
        let fleet = |kind| State::Fleet(fleet::Fleet::new(kind, &names, seed));
        let state = match log_type {
            LogType::UserActivity => State::Activity(activity::Activity::new(&names, seed)),
            LogType::UserStatus => fleet(fleet::Kind::UserStatus),
            LogType::AppConnectorStatus => fleet(fleet::Kind::ConnectorStatus),
            LogType::AppConnectorMetrics => fleet(fleet::Kind::ConnectorMetrics),
            LogType::ServiceEdgeStatus => fleet(fleet::Kind::EdgeStatus),
            LogType::ServiceEdgeMetrics => fleet(fleet::Kind::EdgeMetrics),
            LogType::PrivateCloudControllerStatus => fleet(fleet::Kind::ControllerStatus),
            LogType::PrivateCloudControllerMetrics => fleet(fleet::Kind::ControllerMetrics),
            LogType::BrowserAccess => State::Browser(browser::Browser::new(&names, seed)),
            LogType::AppProtection => {
                State::AppProtection(app_protection::AppProtection::new(&names, seed))
            }
            LogType::Audit => State::Audit(audit::Audit::new(&names, seed)),
        };
        Generator {
            log_type,
            template: Template::parse(default_template(log_type)),
            names,
            state,
        }
    }

    pub fn log_type(&self) -> LogType {
        self.log_type
    }

    /// The next record's fields, before rendering (tests look at them).
    pub fn next_fields(&mut self, now_us: u64) -> Fields {
        match &mut self.state {
            State::Activity(a) => a.next(&self.names, now_us),
            State::Fleet(f) => f.next(&self.names, now_us),
            State::Browser(b) => b.next(&self.names, now_us),
            State::AppProtection(p) => p.next(&self.names, now_us),
            State::Audit(a) => a.next(&self.names, now_us),
        }
    }

    /// The next record as LSS sends it: one line, newline included.
    pub fn next_line(&mut self, now_us: u64) -> String {
        let fields = self.next_fields(now_us);
        self.template.render(&fields)
    }
}

/// Streams to the exporter's `--demo` LSS listeners; dropping it stops them.
pub struct DemoStreams {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for DemoStreams {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// How busy a log type is next to the periodic Status and Metrics logs: connections and HTTP
/// exchanges come by the hundred, administrators' changes now and then.
fn demo_rate_factor(log_type: LogType) -> f64 {
    match log_type {
        LogType::UserActivity => 10.0,
        LogType::BrowserAccess => 5.0,
        LogType::AppProtection => 2.0,
        LogType::Audit => 0.1,
        _ => 1.0,
    }
}

/// For the exporter's `--demo`: streams each `(type, listener)` at `rate` records per second,
/// scaled by how busy the type is (User Activity ten times that, Audit a tenth), until the
/// returned handle is dropped, reconnecting whenever the listener is away. `tenant` must be the
/// demo tenant's config so the names join with its API data.
pub fn spawn_demo_streams(
    tenant: &crate::SimulatorConfig,
    targets: &[(LogType, SocketAddr)],
    rate: f64,
) -> DemoStreams {
    let names = Arc::new(Names::generate(tenant));
    let tasks = targets
        .iter()
        .map(|&(log_type, addr)| {
            let cfg = StreamConfig {
                rate: rate * demo_rate_factor(log_type),
                backoff: Backoff {
                    max_attempts: None,
                    ..Backoff::default()
                },
                ..StreamConfig::new(addr.to_string(), log_type, tenant.seed)
            };
            let names = names.clone();
            tokio::spawn(async move {
                if let Err(e) = stream(cfg, names).await {
                    tracing::warn!(error = %e, "demo LSS stream stopped");
                }
            })
        })
        .collect();
    DemoStreams { tasks }
}

#[cfg(test)]
mod tests;
