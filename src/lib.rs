//! zpa-exporter: a Prometheus exporter for the Zscaler Private Access (ZPA) management API.
//!
//! # How it works
//!
//! ZPA allows 20 GETs per 10 seconds per tenant and source IP, and a large tenant needs hundreds
//! of pages. So a scrape never calls ZPA. Data flows one way:
//!
//! ```text
//! config ─> zpa_api::Client ─> schedule ─> collectors ─> snapshot ─> metrics ─> http
//! (clap)    (sign-in, limiter,  (intervals,  (typed data)  (ArcSwap)   (one table,  (axum,
//!            retries, caps)      priority,                              encoded once web config)
//!                                budget)                                per snapshot)
//! ```
//!
//! * `config` parses and validates the command line ([`config::cli`]).
//! * `schedule` runs each collector on its own interval, all sharing the tenant's rate budget in
//!   earliest-deadline-first order, with a planner that stretches intervals that do not fit, and
//!   checks the API key's identity first.
//! * `collectors` list one ZPA resource each and summarise it into typed data. A collector's
//!   file holds all of it: its spec (name, class, default interval), its metric families, and
//!   how its data writes them; it registers itself with one line in the collector list
//!   ([`COLLECTORS`]), which the flags, the schedule and the metrics table all read.
//! * `snapshot` holds what is known, swapped in atomically after every run, and derives the
//!   health (`zpa_up`, readiness, configuration errors) from it.
//! * `metrics` turns the snapshot into families, encoded once per snapshot (a collector's part
//!   again only when it has a new result); a scrape copies shared bytes. [`descriptors::ALL`]
//!   is the table of every family: the exporter's own and each registered collector's.
//! * `http` serves `/metrics`, the landing page and the health endpoints behind the
//!   exporter-toolkit web config ([`webconfig`]).
//!
//! A second, push-driven path feeds the same `/metrics`: `lss` is a receiver for ZPA's Log
//! Streaming Service. App Connectors stream newline-framed JSON records to its listeners; each
//! connection frames, parses and counts what it read before reading more (so a receiver that
//! falls behind pushes back through TCP), into aggregates with a per-family series cap. It
//! reads the API snapshot only to join names (connector groups, microtenants), so LSS series
//! and API series share label values; its families are part of [`descriptors::ALL`].
//!
//! ```text
//! App Connectors ─TCP/TLS─> lss::listen ─> lss::record ─> lss::aggregate ─> metrics ─> http
//!                                   snapshot ─> lss::join (names) ─┘
//! ```
//!
//! The public surface is what the binary, tests and benchmarks use: [`start`] / [`run`] with a
//! [`config::Config`], the [`RunningExporter`] handle, the collector list ([`COLLECTORS`]), the
//! metrics table and the web-config server.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod collectors;
pub mod config;
mod connect;
#[cfg(feature = "demo")]
mod demo;
mod exporter;
pub mod healthcheck;
mod http;
pub mod logging;
mod lss;
mod metrics;
mod poller;
mod schedule;
mod snapshot;
pub mod tenancy;

pub use collectors::fleet::Status as ControlChannelStatus;
pub use collectors::{Class, CollectorSpec, ALL as COLLECTORS};
pub use exporter::{run, start, RunningExporter, StartError, STOP_BOUND};
pub use http::webconfig;
pub use lss::{
    ListenerSpec, LogType, LssOptions, Receiver as LssReceiver, ReceiverError as LssError,
};
pub use metrics::descriptors;
pub use snapshot::{CollectorStatus, ConfigProblem, ProblemKind, Snapshot};
