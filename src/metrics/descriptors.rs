//! The metrics table: every metric the exporter serves — name, type, help, labels, and which
//! part of the exporter produces it. The encoder writes label names from here, the README's
//! metrics reference is generated from here, and the dashboard and alert tests check their
//! queries against it: one source of truth.

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

    /// The family name prometheus-client expects: counters without `_total` (it adds it).
    pub fn family_name(&self) -> &'static str {
        match self.kind {
            Kind::Counter => self.name.strip_suffix("_total").unwrap_or(self.name),
            Kind::Gauge | Kind::Histogram => self.name,
        }
    }
}

const fn gauge(
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

use Source::{Client, Collector, Exporter, Process};

const C: &[&str] = &["collector"];
const MT_ENABLED: &[&str] = &["microtenant", "enabled"];

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
    Exporter,
    "Build information of the running zpa-exporter; value is always 1.",
);
pub(crate) const CONFIG_LAST_MODIFIED: Descriptor = gauge(
    "zpa_config_last_modified_timestamp_seconds",
    &["resource", "microtenant"],
    Exporter,
    "Newest modifiedTime among the objects of a resource (collector), per microtenant (Unix time).",
);

pub(crate) const MICROTENANT_INFO: Descriptor = gauge(
    "zpa_microtenant_info",
    &["microtenant_id", "microtenant", "enabled"],
    Collector("microtenants"),
    "One series per ZPA microtenant (from /microtenants); value is always 1.",
);
pub(crate) const APPLICATION_SEGMENTS: Descriptor = gauge("zpa_application_segments", MT_ENABLED, Collector("application_segments"), "Application segments per microtenant and enabled state (from /application); both states for every known microtenant.");
pub(crate) const APPLICATION_SEGMENT_INFO: Descriptor = gauge("zpa_application_segment_info", &["id", "name", "microtenant", "segment_group", "enabled", "double_encrypt", "bypass_type", "health_reporting"], Collector("application_segments"), "One series per application segment (opt-in: --collector.application_segments.info); value is always 1.");

/// The five families of one fleet (App Connectors or Private Service Edges).
#[derive(Debug)]
pub(crate) struct FleetDescriptors {
    pub count: Descriptor,
    pub up: Descriptor,
    pub info: Descriptor,
    pub outdated: Descriptor,
    pub last_connect: Descriptor,
}

pub(crate) const APP_CONNECTORS: FleetDescriptors = FleetDescriptors {
    count: gauge("zpa_app_connectors", &["microtenant", "connector_group", "status"], Collector("app_connectors"), "App Connectors (from /connector) per microtenant, group and control channel status: authenticated, disconnected, auth_failed, never_connected, other (every value per group)."),
    up: gauge("zpa_app_connector_up", &["id", "name", "connector_group", "microtenant"], Collector("app_connectors"), "1 when the App Connector's control channel is authenticated, else 0."),
    info: gauge("zpa_app_connector_info", &["id", "name", "connector_group", "microtenant", "current_version", "expected_version", "upgrade_status", "platform", "runtime_os", "enabled"], Collector("app_connectors"), "Versions and platform of each App Connector; value is always 1."),
    outdated: gauge("zpa_app_connector_outdated", &["id", "name", "connector_group", "microtenant"], Collector("app_connectors"), "1 when the App Connector runs another version than the expected one."),
    last_connect: gauge("zpa_app_connector_last_broker_connect_timestamp_seconds", &["id", "name", "connector_group", "microtenant"], Collector("app_connectors"), "When the App Connector's control channel last connected to a ZPA broker (Unix time)."),
};

pub(crate) const SERVICE_EDGES: FleetDescriptors = FleetDescriptors {
    count: gauge("zpa_service_edges", &["microtenant", "service_edge_group", "status"], Collector("service_edges"), "Private Service Edges (from /serviceEdge) per microtenant, group and control channel status: authenticated, disconnected, auth_failed, never_connected, other (every value per group)."),
    up: gauge("zpa_service_edge_up", &["id", "name", "service_edge_group", "microtenant"], Collector("service_edges"), "1 when the Private Service Edge's control channel is authenticated, else 0."),
    info: gauge("zpa_service_edge_info", &["id", "name", "service_edge_group", "microtenant", "current_version", "expected_version", "upgrade_status", "platform", "runtime_os", "enabled"], Collector("service_edges"), "Versions and platform of each Private Service Edge; value is always 1."),
    outdated: gauge("zpa_service_edge_outdated", &["id", "name", "service_edge_group", "microtenant"], Collector("service_edges"), "1 when the Private Service Edge runs another version than the expected one."),
    last_connect: gauge("zpa_service_edge_last_broker_connect_timestamp_seconds", &["id", "name", "service_edge_group", "microtenant"], Collector("service_edges"), "When the Private Service Edge's control channel last connected to a ZPA broker (Unix time)."),
};

pub(crate) const APP_CONNECTOR_GROUPS: Descriptor = gauge(
    "zpa_app_connector_groups",
    MT_ENABLED,
    Collector("app_connector_groups"),
    "App Connector groups per microtenant and enabled state (from /appConnectorGroup).",
);
pub(crate) const SERVICE_EDGE_GROUPS: Descriptor = gauge(
    "zpa_service_edge_groups",
    MT_ENABLED,
    Collector("service_edge_groups"),
    "Service Edge groups per microtenant and enabled state (from /serviceEdgeGroup).",
);
pub(crate) const SEGMENT_GROUPS: Descriptor = gauge(
    "zpa_segment_groups",
    MT_ENABLED,
    Collector("segment_groups"),
    "Segment groups per microtenant and enabled state (from /segmentGroup).",
);
pub(crate) const SERVER_GROUPS: Descriptor = gauge(
    "zpa_server_groups",
    MT_ENABLED,
    Collector("server_groups"),
    "Server groups per microtenant and enabled state (from /serverGroup).",
);
pub(crate) const CERTIFICATE_EXPIRY: Descriptor = gauge("zpa_certificate_expiry_timestamp_seconds", &["kind", "id", "name", "microtenant"], Collector("certificates"), "When a certificate expires (Unix time); kind is browser_access (/clientlessCertificate/issued), enrollment (/enrollmentCert) or idp (/idp).");
pub(crate) const IDENTITY_PROVIDER_INFO: Descriptor = gauge(
    "zpa_identity_provider_info",
    &["id", "name", "enabled", "sso_type", "scim_enabled"],
    Collector("identity_providers"),
    "One series per identity provider (from v2 /idp); value is always 1.",
);
pub(crate) const SCIM_GROUPS: Descriptor = gauge(
    "zpa_scim_groups",
    &["idp"],
    Collector("scim_groups"),
    "SCIM groups per SCIM-enabled identity provider (from userconfig /scimgroup/idpId/{id}).",
);
pub(crate) const POLICY_RULES: Descriptor = gauge("zpa_policy_rules", &["policy_type", "enabled"], Collector("policy_rules"), "Policy rules per policy type and enabled state (from /policySet/rules/policyType/{TYPE}); policy_type is access, timeout, client_forwarding, isolation or inspection.");

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

/// Every metric, in the order `/metrics` serves them: the API's, then the LSS receiver's.
pub const ALL: &[&Descriptor] = &concat::<{ API.len() + LSS.len() }>(API, LSS);

/// The LSS receiver's metrics (their table is [`crate::lss::metrics::ALL`]).
const LSS: &[&Descriptor] = crate::lss::metrics::ALL;

/// `a` then `b`, in a constant.
const fn concat<const N: usize>(
    a: &[&'static Descriptor],
    b: &[&'static Descriptor],
) -> [&'static Descriptor; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < b.len() {
        out[a.len() + i] = b[i];
        i += 1;
    }
    i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    out
}

/// The metrics of the API side, in the order `/metrics` serves them.
const API: &[&Descriptor] = &[
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
    &MICROTENANT_INFO,
    &APPLICATION_SEGMENTS,
    &APPLICATION_SEGMENT_INFO,
    &APP_CONNECTORS.count,
    &APP_CONNECTORS.up,
    &APP_CONNECTORS.info,
    &APP_CONNECTORS.outdated,
    &APP_CONNECTORS.last_connect,
    &SERVICE_EDGES.count,
    &SERVICE_EDGES.up,
    &SERVICE_EDGES.info,
    &SERVICE_EDGES.outdated,
    &SERVICE_EDGES.last_connect,
    &APP_CONNECTOR_GROUPS,
    &SERVICE_EDGE_GROUPS,
    &SEGMENT_GROUPS,
    &SERVER_GROUPS,
    &CERTIFICATE_EXPIRY,
    &IDENTITY_PROVIDER_INFO,
    &SCIM_GROUPS,
    &POLICY_RULES,
    &CONFIG_LAST_MODIFIED,
    &UP,
    &API_REQUESTS,
    &API_RETRIES,
    &API_RATELIMIT_REMAINING,
    &SIGNIN_ATTEMPTS,
    &SIGNIN_FAILURES,
    &SIGNIN_CONSECUTIVE_FAILURES,
    &TOKEN_EXPIRY,
    &AUTH_INFO,
    &PROCESS_CPU,
    &PROCESS_RESIDENT_MEMORY,
    &PROCESS_VIRTUAL_MEMORY,
    &PROCESS_START_TIME,
    &PROCESS_OPEN_FDS,
    &PROCESS_MAX_FDS,
];

/// The README's metrics reference, generated from [`ALL`].
pub fn reference_table() -> String {
    let mut out =
        String::from("| metric | type | labels | source | meaning |\n|---|---|---|---|---|\n");
    for d in ALL {
        let labels: Vec<String> = d.labels.iter().map(|l| format!("`{l}`")).collect();
        let source = match d.source {
            Exporter => "exporter".to_string(),
            Client => "ZPA client".to_string(),
            Collector(c) => format!("`{c}`"),
            Process => "process".to_string(),
            Source::Lss(log_type) => format!("LSS `{log_type}`"),
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
        for d in ALL {
            assert!(seen.insert(d.name), "{} twice", d.name);
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

    #[test]
    fn every_collector_named_in_the_table_exists() {
        for d in ALL {
            if let Collector(c) = d.source {
                assert!(
                    crate::collectors::ALL.iter().any(|s| s.name == c),
                    "{}: no collector {c}",
                    d.name
                );
            }
        }
    }
}
