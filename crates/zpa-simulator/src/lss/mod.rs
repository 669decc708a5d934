//! A ZPA Log Streaming Service (LSS) look-alike: streams the records an App Connector forwards
//! to a log receiver (one JSON object per line over TCP, optionally TLS), rendered from ZPA's
//! default JSON templates ([`template`]) with names from the simulator's generated tenant
//! ([`names`]), so the stream joins with the API data of a simulator started with the same seed
//! and sizes.
//!
//! * [`Generator`]: the records of one log type, deterministic for a seed. The mixes are in
//!   `activity` (User Activity: successes, failures by reason, policy blocks, slow setups, a
//!   troubled application) and `fleet` (Status and Metrics of connectors and edges, one
//!   saturated connector; User Status).
//! * [`stream`]: sends a generator's records to a receiver at a bounded rate, for a count or a
//!   duration, reconnecting with bounded backoff when the receiver is down. Records generated
//!   while it is down are dropped, as LSS drops them.
//! * [`spawn_demo_streams`]: every log type into the exporter's own LSS listeners, for `--demo`.
//!
//! The binary's `lss` subcommand (`zpa-simulator lss --to HOST:PORT --type user_activity
//! --rate N`) is a thin layer over [`stream`].

mod activity;
mod fleet;
pub mod names;
mod stream;
pub mod template;

use std::net::SocketAddr;
use std::sync::Arc;

pub use activity::{class_of, troubled_app, Class};
pub use names::Names;
pub use stream::{stream, Backoff, LssError, StreamConfig, StreamReport, TlsClient};

use template::{Fields, Template};

/// The six log types a receiver turns into metrics, by their command-line names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogType {
    UserActivity,
    UserStatus,
    AppConnectorStatus,
    AppConnectorMetrics,
    ServiceEdgeStatus,
    ServiceEdgeMetrics,
}

impl LogType {
    pub const ALL: [LogType; 6] = [
        LogType::UserActivity,
        LogType::UserStatus,
        LogType::AppConnectorStatus,
        LogType::AppConnectorMetrics,
        LogType::ServiceEdgeStatus,
        LogType::ServiceEdgeMetrics,
    ];

    /// The name on the command line (and in the exporter's `--lss.listen-address TYPE=…`).
    pub fn name(self) -> &'static str {
        match self {
            LogType::UserActivity => "user_activity",
            LogType::UserStatus => "user_status",
            LogType::AppConnectorStatus => "app_connector_status",
            LogType::AppConnectorMetrics => "app_connector_metrics",
            LogType::ServiceEdgeStatus => "service_edge_status",
            LogType::ServiceEdgeMetrics => "service_edge_metrics",
        }
    }

    /// ZPA's `sourceLogType` id (the receiver's `log_type` label).
    pub fn id(self) -> &'static str {
        match self {
            LogType::UserActivity => "zpn_trans_log",
            LogType::UserStatus => "zpn_auth_log",
            LogType::AppConnectorStatus => "zpn_ast_auth_log",
            LogType::AppConnectorMetrics => "zpn_ast_comprehensive_stats",
            LogType::ServiceEdgeStatus => "zpn_sys_auth_log",
            LogType::ServiceEdgeMetrics => "zpn_pbroker_comprehensive_stats",
        }
    }

    /// The default JSON template, verbatim from ZPA.
    pub fn template(self) -> &'static str {
        match self {
            LogType::UserActivity => include_str!("templates/zpn_trans_log.json.txt"),
            LogType::UserStatus => include_str!("templates/zpn_auth_log.json.txt"),
            LogType::AppConnectorStatus => include_str!("templates/zpn_ast_auth_log.json.txt"),
            LogType::AppConnectorMetrics => {
                include_str!("templates/zpn_ast_comprehensive_stats.json.txt")
            }
            LogType::ServiceEdgeStatus => include_str!("templates/zpn_sys_auth_log.json.txt"),
            LogType::ServiceEdgeMetrics => {
                include_str!("templates/zpn_pbroker_comprehensive_stats.json.txt")
            }
        }
    }
}

impl std::str::FromStr for LogType {
    type Err = String;

    fn from_str(s: &str) -> Result<LogType, String> {
        LogType::ALL
            .into_iter()
            .find(|t| t.name() == s || t.id() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = LogType::ALL.iter().map(|t| t.name()).collect();
                format!("unknown log type {s:?} (one of {})", names.join(", "))
            })
    }
}

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
        let seed = seed ^ (log_type as u64) << 32;
        let kind = match log_type {
            LogType::UserActivity => None,
            LogType::UserStatus => Some(fleet::Kind::UserStatus),
            LogType::AppConnectorStatus => Some(fleet::Kind::ConnectorStatus),
            LogType::AppConnectorMetrics => Some(fleet::Kind::ConnectorMetrics),
            LogType::ServiceEdgeStatus => Some(fleet::Kind::EdgeStatus),
            LogType::ServiceEdgeMetrics => Some(fleet::Kind::EdgeMetrics),
        };
        let state = match kind {
            None => State::Activity(activity::Activity::new(&names, seed)),
            Some(kind) => State::Fleet(fleet::Fleet::new(kind, &names, seed)),
        };
        Generator {
            log_type,
            template: Template::parse(log_type.template()),
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

/// For the exporter's `--demo`: streams each `(type, listener)` at `rate` records per second
/// (User Activity at ten times that: it is the busy one) until the returned handle is dropped,
/// reconnecting whenever the listener is away. `tenant` must be the demo tenant's config so the
/// names join with its API data.
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
                rate: if log_type == LogType::UserActivity {
                    rate * 10.0
                } else {
                    rate
                },
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
