//! zpa-exporter: a Prometheus exporter for the Zscaler Private Access (ZPA) management API.
//!
//! # How it works
//!
//! ZPA allows 20 GETs per 10 seconds per tenant and source IP, and a large tenant needs hundreds
//! of pages. So a scrape never calls ZPA. Two planes feed `/metrics`, side by side, neither
//! knowing the other:
//!
//! ```text
//! TenantSpec ─> zpa_api::Client ─> schedule ─> collectors ─> snapshot ─┐
//!                                                                      ├─> encode ─> http
//! App Connectors ─TCP/TLS─> lss::listen ─> log_types ─> tally ─────────┘
//!                                  (names ← the tenant's snapshot, through a trait)
//! ```
//!
//! The modules are layers; an import only goes down (the architecture test,
//! `tests/architecture.rs`, checks it, and CONTRIBUTING.md lists the layers):
//!
//! * `metric_model`, `webconfig`, `build_info`, `logging`, `healthcheck` — leaves: the metric
//!   vocabulary (`Descriptor`, `Writer`), the exporter-toolkit web security layer, what the
//!   binary is, logging, the health probe subcommand.
//! * `snapshot` — a tenant's typed state, swapped in atomically after every collector run,
//!   and the health derived from it (`zpa_up`, readiness, configuration errors).
//! * `collectors` and `lss` — the two planes. A collector lists one ZPA resource and summarises
//!   it into typed data that writes its own families; an LSS log type parses one kind of pushed
//!   record and counts it. Each is one file plus one registry line ([`COLLECTORS`]).
//! * `schedule` — runs a tenant's collectors, each on its own interval, within the tenant's one
//!   rate budget (earliest deadline first, intervals stretched when they do not fit).
//! * `config` — process settings plus one [`TenantSpec`] per tenant (from the flags or the
//!   tenants file, validated alike); it reads the registries for their flags.
//! * `catalog` — every family of the product in one table ([`FAMILIES`], the README reference)
//!   and how the exporter's own state writes its families.
//! * `encode` — each snapshot encoded once per publication, several tenants assembled family
//!   by family, plain and gzip: a scrape copies shared bytes.
//! * `tenancy` — a running tenant (client, scheduler on its own thread, store, encoder), the
//!   supervisor that starts and stops tenants, reloads (one at a time) and shards.
//! * `http` — `/metrics`, the status page, health and reload endpoints.
//! * `exporter` — the composition root: wires http, tenancy, LSS and signals.
//!
//! The public surface is what the binary, tests and benchmarks use, and nothing more.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(unreachable_pub)]

mod build_info;
mod catalog;
mod collectors;
mod config;
mod encode;
mod exporter;
mod healthcheck;
mod http;
mod logging;
mod lss;
mod metric_model;
mod schedule;
mod snapshot;
mod tenancy;
mod webconfig;

pub use build_info::version_text;
pub use catalog::{reference_table, ALL as FAMILIES};
pub use collectors::fleet::Status as ControlChannelStatus;
pub use collectors::{Class, CollectorSpec, ALL as COLLECTORS};
pub use config::cli::{
    parse_from as parse_command_line, render_error as render_command_line_error, Command,
    LogFormat, Parsed,
};
pub use config::tenants_file::{
    load as load_tenants_file, load_with_env as load_tenants_file_with_env,
};
pub use config::{
    Auth, AuthMethod, Config, ConfigError, DemoTenant, EnvSecrets, FileError, Shard, TenantSpec,
    ZpaTarget,
};
pub use exporter::{run, start, RunningExporter, StartError, STOP_BOUND};
pub use healthcheck::probe as health_probe;
pub use logging::init as init_logging;
pub use lss::{
    ListenerSpec, LogType, LssOptions, Receiver as LssReceiver, ReceiverError as LssError,
    TenantLss,
};
pub use snapshot::{CollectorStatus, ConfigProblem, ProblemKind, Snapshot};
pub use tenancy::{follow as follow_statefulset, KubeError, KubeSettings, Membership};
pub use webconfig::{
    serve as serve_with_web_config, ServeOptions, WebConfig, WebConfigError,
    DEFAULT_MAX_CONNECTIONS, HEADER_READ_TIMEOUT, TLS_HANDSHAKE_TIMEOUT,
};
