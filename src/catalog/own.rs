//! The exporter's own families: its health, schedule and budget per tenant, the ZPA client's
//! counters, the process-wide reload, shard and build state, and the process's figures. Each
//! collector and each LSS log type declares its families in its own file; [`super::ALL`] joins
//! them all.

use crate::metric_model::{counter, gauge, Descriptor, Source};

use Source::{Client, Exporter, Global, Process};

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
    Client,
    "ZPA API requests sent, by resource and HTTP status code (error when no response arrived).",
);
pub(crate) const API_RETRIES: Descriptor = counter("zpa_api_retries_total", &["endpoint", "reason"], Client, "ZPA API requests sent again, by resource and reason (rate_limited, server_error, network, unauthorized).");
pub(crate) const SIGNIN_ATTEMPTS: Descriptor = counter(
    "zpa_signin_attempts_total",
    &[],
    Client,
    "Sign-in attempts against the ZPA API: legacy /signin, or the OneAPI token endpoint.",
);
pub(crate) const SIGNIN_FAILURES: Descriptor = counter("zpa_signin_failures_total", &["reason"], Client, "Failed sign-ins against the ZPA API, by reason (invalid_credentials, rate_limited, server_error, network, bad_response; all present from the start).");
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

pub(crate) const PROCESS_CPU: Descriptor = counter(
    "process_cpu_seconds_total",
    &[],
    Process,
    "Total user and system CPU time spent in seconds.",
);
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
pub(super) const STATE: &[&Descriptor] = &[
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
pub(super) const GLOBAL: &[&Descriptor] = &[
    &CONFIG_LAST_RELOAD_SUCCESSFUL,
    &CONFIG_LAST_RELOAD_SUCCESS,
    &SHARD_ORDINAL,
    &TOTAL_SHARDS,
    &TENANT_OWNED,
];

/// What is derived from the collectors' data, and the health that sums them up.
pub(super) const DERIVED: &[&Descriptor] = &[&CONFIG_LAST_MODIFIED, &UP];

/// The ZPA client's counters.
pub(super) const CLIENT: &[&Descriptor] = &[
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
pub(super) const PROCESS: &[&Descriptor] = &[
    &PROCESS_CPU,
    &PROCESS_RESIDENT_MEMORY,
    &PROCESS_VIRTUAL_MEMORY,
    &PROCESS_START_TIME,
    &PROCESS_OPEN_FDS,
    &PROCESS_MAX_FDS,
];
