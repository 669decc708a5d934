//! The metrics table: every metric the exporter serves — name, type, help, labels, and which
//! part of the exporter produces it. The exporter's own families (health, schedule, budget,
//! build, ZPA client, process) are declared here; each collector declares its families in its
//! own file and lists them in its spec, and [`ALL`] joins the two. The encoder writes label
//! names from a [`Descriptor`], the README's metrics reference is generated from [`ALL`], and
//! the dashboard and alert tests check their queries against it: one source of truth.

use std::sync::LazyLock;

/// The metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down.
    Gauge,
    /// A count that only goes up (until the process restarts).
    Counter,
    /// Observations counted into fixed buckets, with their sum and count.
    Histogram,
}

impl Kind {
    /// The `# TYPE` word.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gauge => "gauge",
            Kind::Counter => "counter",
            Kind::Histogram => "histogram",
        }
    }
}

/// Where the values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The exporter's own state (health, schedule, budget, build).
    Exporter,
    /// The ZPA client's counters.
    Client,
    /// A collector's last successful run.
    Collector(&'static str),
    /// The operating system's view of the process.
    Process,
    /// The LSS receiver: records of this log type (`sourceLogType`), or `receiver` for its own
    /// counts.
    Lss(&'static str),
    /// The exporter process's own state, the same for all its tenants (build, reload, shards).
    Global,
}

/// One metric family.
#[derive(Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// The sample name; counters end in `_total`.
    pub name: &'static str,
    /// Gauge or counter.
    pub kind: Kind,
    /// The HELP text (see [`Descriptor::full_help`] for what is served).
    pub help: &'static str,
    /// The label names, in the order every sample carries them.
    pub labels: &'static [&'static str],
    /// What produces the values.
    pub source: Source,
}

impl Descriptor {
    /// The HELP text: for collector data, with how fresh it is.
    pub fn full_help(&self) -> std::borrow::Cow<'static, str> {
        match self.source {
            Collector(name) => format!(
                "{} Refreshed in the background by the {name} collector, every \
                 zpa_collector_interval_seconds of it.",
                self.help
            )
            .into(),
            _ => self.help.into(),
        }
    }

    /// Whether every sample carries the `tenant` label: everything but the process-wide
    /// families ([`Source::Process`], [`Source::Global`]) and the LSS receiver's, which is one
    /// per process and counts what its senders send, whichever tenant they belong to. The one
    /// rule; the writer applies it and the README's table shows it.
    pub fn tenant_scoped(&self) -> bool {
        !matches!(self.source, Process | Global | Source::Lss(_))
    }

    /// The label names a sample carries: `tenant` first when [`Descriptor::tenant_scoped`].
    pub fn all_labels(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tenant_scoped()
            .then_some(TENANT_LABEL)
            .into_iter()
            .chain(self.labels.iter().copied())
    }

    /// The family name prometheus-client expects: counters without `_total` (it adds it).
    pub fn family_name(&self) -> &'static str {
        match self.kind {
            Kind::Counter => self.name.strip_suffix("_total").unwrap_or(self.name),
            Kind::Gauge | Kind::Histogram => self.name,
        }
    }
}

/// A gauge family; collectors declare theirs with `Source::Collector(NAME)`.
pub const fn gauge(
    name: &'static str,
    labels: &'static [&'static str],
    source: Source,
    help: &'static str,
) -> Descriptor {
    Descriptor {
        name,
        kind: Kind::Gauge,
        help,
        labels,
        source,
    }
}

const fn counter(
    name: &'static str,
    labels: &'static [&'static str],
    help: &'static str,
) -> Descriptor {
    Descriptor {
        name,
        kind: Kind::Counter,
        help,
        labels,
        source: Client,
    }
}

use Source::{Client, Collector, Exporter, Global, Process};

/// The label naming the tenant of every tenant-scoped sample.
pub const TENANT_LABEL: &str = "tenant";

const C: &[&str] = &["collector"];

pub(crate) const UP: Descriptor = gauge("zpa_up", &[], Exporter, "1 when no configuration error is known and every enabled collector that the API key may read succeeded in its last run, with data younger than twice its interval plus its run time; else 0.");
pub(crate) const CONFIG_ERROR: Descriptor = gauge("zpa_config_error", &[], Exporter, "1 when the exporter found a configuration error (wrong customer id, unknown or mismatching microtenant, every collector refused); the log and /-/ready name the setting to check.");
pub(crate) const BUDGET_UTILIZATION: Descriptor = gauge("zpa_api_budget_utilization", &[], Exporter, "Fraction of the client-side GET budget (--zpa.rate-limit) the collectors' schedule needs; above 0.8 intervals are stretched, above 1 the schedule cannot keep up.");
pub(crate) const COLLECTOR_SUCCESS: Descriptor = gauge(
    "zpa_collector_success",
    C,
    Exporter,
    "1 when the collector's last run succeeded; its last good values are served while it is 0.",
);
pub(crate) const COLLECTOR_UNAVAILABLE: Descriptor = gauge("zpa_collector_unavailable", C, Exporter, "1 when the API key may not read the collector's resource (feature not licensed, or forbidden); such a collector does not count against zpa_up.");
pub(crate) const COLLECTOR_DURATION: Descriptor = gauge(
    "zpa_collector_duration_seconds",
    C,
    Exporter,
    "How long the collector's last run took, waiting for the rate limit included.",
);
pub(crate) const COLLECTOR_LAST_SUCCESS: Descriptor = gauge(
    "zpa_collector_last_success_timestamp_seconds",
    C,
    Exporter,
    "When the collector's last successful run finished (Unix time).",
);
pub(crate) const COLLECTOR_INTERVAL: Descriptor = gauge("zpa_collector_interval_seconds", C, Exporter, "How often the collector refreshes: its configured interval, or longer when the planner stretched it to fit the rate budget.");
pub(crate) const COLLECTOR_NEXT_RUN: Descriptor = gauge(
    "zpa_collector_next_run_timestamp_seconds",
    C,
    Exporter,
    "When the collector's next run is due (Unix time).",
);
pub(crate) const COLLECTOR_LAST_RUN_REQUESTS: Descriptor = gauge(
    "zpa_collector_last_run_requests",
    C,
    Exporter,
    "API requests the collector's last run sent (its cost in the rate budget).",
);
pub(crate) const API_REQUESTS: Descriptor = counter(
    "zpa_api_requests_total",
    &["endpoint", "code"],
    "ZPA API requests sent, by resource and HTTP status code (error when no response arrived).",
);
pub(crate) const API_RETRIES: Descriptor = counter("zpa_api_retries_total", &["endpoint", "reason"], "ZPA API requests sent again, by resource and reason (rate_limited, server_error, network, unauthorized).");
pub(crate) const SIGNIN_ATTEMPTS: Descriptor = counter(
    "zpa_signin_attempts_total",
    &[],
    "Sign-in attempts against the ZPA API: legacy /signin, or the OneAPI token endpoint.",
);
pub(crate) const SIGNIN_FAILURES: Descriptor = counter("zpa_signin_failures_total", &["reason"], "Failed sign-ins against the ZPA API, by reason (invalid_credentials, rate_limited, server_error, network, bad_response; all present from the start).");
pub(crate) const SIGNIN_CONSECUTIVE_FAILURES: Descriptor = gauge(
    "zpa_signin_consecutive_failures",
    &[],
    Client,
    "Failed sign-ins since the last successful one (0 when healthy).",
);
pub(crate) const TOKEN_EXPIRY: Descriptor = gauge(
    "zpa_token_expiry_timestamp_seconds",
    &[],
    Client,
    "When the current ZPA API bearer token expires (Unix time); absent before the first sign-in.",
);
pub(crate) const AUTH_INFO: Descriptor = gauge("zpa_auth_info", &["method"], Client, "How the exporter signs in: method is legacy (a ZPA API key), oneapi_secret or oneapi_private_key (a OneAPI API client with a client secret or a private key); value is always 1.");
pub(crate) const API_RATELIMIT_REMAINING: Descriptor = gauge("zpa_api_ratelimit_remaining", &[], Client, "Requests left in the OneAPI gateway's current quota window (x-ratelimit-remaining of its latest answer); requests are held back while it is down to a small reserve. Absent until the gateway answered, so never with a legacy API key.");
pub(crate) const BUILD_INFO: Descriptor = gauge(
    "zpa_exporter_build_info",
    &["version", "revision", "rustc_version"],
    Global,
    "Build information of the running zpa-exporter; value is always 1.",
);
pub(crate) const CONFIG_LAST_MODIFIED: Descriptor = gauge(
    "zpa_config_last_modified_timestamp_seconds",
    &["resource", "microtenant"],
    Exporter,
    "Newest modifiedTime among the objects of a resource (collector), per microtenant (Unix time).",
);
pub(crate) const CONFIG_LAST_RELOAD_SUCCESSFUL: Descriptor = gauge("zpa_exporter_config_last_reload_successful", &[], Global, "1 when the last load of the tenants file (--config.file, at start, SIGHUP or POST /-/reload) succeeded; 0 when it failed and the previous tenants are kept.");
pub(crate) const CONFIG_LAST_RELOAD_SUCCESS: Descriptor = gauge(
    "zpa_exporter_config_last_reload_success_timestamp_seconds",
    &[],
    Global,
    "When the tenants file was last loaded successfully (Unix time).",
);
pub(crate) const SHARD_ORDINAL: Descriptor = gauge("zpa_exporter_shard_ordinal", &[], Global, "This replica's shard ordinal (--shard.index, or the StatefulSet pod's ordinal); 0 without sharding.");
pub(crate) const TOTAL_SHARDS: Descriptor = gauge("zpa_exporter_total_shards", &[], Global, "The number of shards the tenants are split between (--shard.total, or the StatefulSet's replicas); 1 without sharding.");
pub(crate) const TENANT_OWNED: Descriptor = gauge("zpa_exporter_tenant_owned", &["tenant"], Global, "Per configured tenant, 1 when this shard polls it and 0 when another shard owns it; summed over shards, every tenant must be 1.");

pub(crate) const PROCESS_CPU: Descriptor = Descriptor {
    name: "process_cpu_seconds_total",
    kind: Kind::Counter,
    help: "Total user and system CPU time spent in seconds.",
    labels: &[],
    source: Process,
};
pub(crate) const PROCESS_RESIDENT_MEMORY: Descriptor = gauge(
    "process_resident_memory_bytes",
    &[],
    Process,
    "Resident memory size in bytes.",
);
pub(crate) const PROCESS_VIRTUAL_MEMORY: Descriptor = gauge(
    "process_virtual_memory_bytes",
    &[],
    Process,
    "Virtual memory size in bytes.",
);
pub(crate) const PROCESS_START_TIME: Descriptor = gauge(
    "process_start_time_seconds",
    &[],
    Process,
    "Start time of the process since unix epoch in seconds.",
);
pub(crate) const PROCESS_OPEN_FDS: Descriptor = gauge(
    "process_open_fds",
    &[],
    Process,
    "Number of open file descriptors.",
);
pub(crate) const PROCESS_MAX_FDS: Descriptor = gauge(
    "process_max_fds",
    &[],
    Process,
    "Maximum number of open file descriptors.",
);

/// The exporter's state, encoded with each snapshot ahead of the collectors' families.
const STATE: &[&Descriptor] = &[
    &CONFIG_ERROR,
    &BUDGET_UTILIZATION,
    &COLLECTOR_SUCCESS,
    &COLLECTOR_UNAVAILABLE,
    &COLLECTOR_DURATION,
    &COLLECTOR_LAST_SUCCESS,
    &COLLECTOR_INTERVAL,
    &COLLECTOR_NEXT_RUN,
    &COLLECTOR_LAST_RUN_REQUESTS,
    &BUILD_INFO,
];

/// The process-wide families written once per scrape, whatever the number of tenants (ahead
/// of the process's own figures).
const GLOBAL: &[&Descriptor] = &[
    &CONFIG_LAST_RELOAD_SUCCESSFUL,
    &CONFIG_LAST_RELOAD_SUCCESS,
    &SHARD_ORDINAL,
    &TOTAL_SHARDS,
    &TENANT_OWNED,
];

/// What is derived from the collectors' data, and the health that sums them up.
const DERIVED: &[&Descriptor] = &[&CONFIG_LAST_MODIFIED, &UP];

/// The ZPA client's counters.
const CLIENT: &[&Descriptor] = &[
    &API_REQUESTS,
    &API_RETRIES,
    &API_RATELIMIT_REMAINING,
    &SIGNIN_ATTEMPTS,
    &SIGNIN_FAILURES,
    &SIGNIN_CONSECUTIVE_FAILURES,
    &TOKEN_EXPIRY,
    &AUTH_INFO,
];

/// The process's own figures.
const PROCESS: &[&Descriptor] = &[
    &PROCESS_CPU,
    &PROCESS_RESIDENT_MEMORY,
    &PROCESS_VIRTUAL_MEMORY,
    &PROCESS_START_TIME,
    &PROCESS_OPEN_FDS,
    &PROCESS_MAX_FDS,
];

/// The LSS receiver's metrics (their table is [`crate::lss::metrics::ALL`]), served after the
/// API side's.
const LSS: &[&Descriptor] = crate::lss::metrics::ALL;

/// Every metric: the exporter's own families and each registered collector's (declared in its
/// file, listed in `collectors::ALL`), in the order the README lists them. Built once, on
/// first use, as the collectors' part comes from the registry.
pub static ALL: LazyLock<Vec<&'static Descriptor>> = LazyLock::new(|| {
    let collectors = crate::collectors::ALL.iter().map(|spec| spec.families);
    // A source of families that is not a collector is one more entry in this list.
    std::iter::once(STATE)
        .chain(collectors)
        .chain([DERIVED, CLIENT, GLOBAL, PROCESS, LSS])
        .flatten()
        .copied()
        .collect()
});

/// The README's metrics reference, generated from [`ALL`].
pub fn reference_table() -> String {
    let mut out =
        String::from("| metric | type | labels | source | meaning |\n|---|---|---|---|---|\n");
    for d in ALL.iter() {
        let labels: Vec<String> = d.all_labels().map(|l| format!("`{l}`")).collect();
        let source = match d.source {
            Exporter => "exporter".to_string(),
            Client => "ZPA client".to_string(),
            Collector(c) => format!("`{c}`"),
            Process => "process".to_string(),
            Source::Lss(log_type) => format!("LSS `{log_type}`"),
            Global => "exporter (process-wide)".to_string(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            d.name,
            d.kind.name(),
            labels.join(", "),
            source,
            d.help.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for d in ALL.iter() {
            assert!(seen.insert(d.name), "{} declared twice", d.name);
            assert!(
                d.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                d.name
            );
            assert_eq!(
                d.kind == Kind::Counter,
                d.name.ends_with("_total"),
                "{}",
                d.name
            );
            assert!(d.help.ends_with('.'), "{}: HELP is a sentence", d.name);
            assert!(
                !d.help.contains('"'),
                "{}: OpenMetrics HELP must not carry quotes",
                d.name
            );
            let labels: BTreeSet<_> = d.labels.iter().collect();
            assert_eq!(labels.len(), d.labels.len(), "{}: a label twice", d.name);
        }
    }

    /// A collector's families name it as their source (a copied descriptor that still names
    /// another collector would mislabel the README and the HELP text), and only collectors'
    /// families do.
    #[test]
    fn collector_families_name_their_collector() {
        for spec in crate::collectors::ALL {
            assert!(
                !spec.families.is_empty(),
                "{} declares no family",
                spec.name
            );
            for d in spec.families {
                assert_eq!(d.source, Collector(spec.name), "{}", d.name);
            }
        }
        let from_collectors: usize = crate::collectors::ALL
            .iter()
            .map(|s| s.families.len())
            .sum();
        let naming_a_collector = ALL
            .iter()
            .filter(|d| matches!(d.source, Collector(_)))
            .count();
        assert_eq!(from_collectors, naming_a_collector);
    }

    #[test]
    fn the_exporter_families_frame_the_collectors_in_a_stable_order() {
        let names: Vec<&str> = ALL.iter().map(|d| d.name).collect();
        assert_eq!(names.first(), Some(&"zpa_config_error"));
        let first_lss = names
            .iter()
            .position(|n| n.starts_with("zpa_lss_"))
            .unwrap();
        assert_eq!(names[first_lss - 1], "process_max_fds");
        assert!(names[first_lss..].iter().all(|n| n.starts_with("zpa_lss_")));
        let first_collector = ALL
            .iter()
            .position(|d| matches!(d.source, Collector(_)))
            .unwrap();
        assert_eq!(names[first_collector - 1], "zpa_exporter_build_info");
        assert_eq!(names[first_collector], "zpa_microtenant_info");
    }
}
