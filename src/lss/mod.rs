//! The Log Streaming Service (LSS) receiver, the push plane: ZPA App Connectors stream one
//! JSON record per line over TCP (optionally TLS) to it, and it turns them into metrics served
//! on `/metrics` next to the API's — are users reaching their applications, are connectors
//! saturated. It knows nothing of collectors or snapshots; the names it joins (connector
//! groups, microtenants) come through a [`NameSource`] that whoever runs it supplies.
//!
//! # Design
//!
//! ```text
//! listen ──> frame ──> detect ──> log_types/<type> ──> tally ──> /metrics
//! (accept,    (bounded  (untyped    (its record, its      (every type's   (written at
//!  caps, TLS,  lines)    listeners:  families, how it      series, the     scrape time)
//!  idle)                 the keys)   counts)               receiver's own)
//! ```
//!
//! * [`listen`]: one accept loop per `--lss.listen-address`; every connection counts against
//!   `--lss.max-connections` (all listeners together; over the cap it is closed at once and
//!   counted), TLS reuses `--web.config.file`'s certificate when `--lss.tls` is set, and a
//!   connection that delivers no complete line for `--lss.idle-timeout` is closed: this is
//!   also what ends a slow-loris sender, whose line never completes.
//! * [`frame`]: newline framing in a buffer bounded by `--lss.max-line-bytes`; a longer line is
//!   counted and skipped up to its newline, never buffered.
//! * [`detect`]: on a listener without a type, a line's keys say which log type it is.
//! * [`log_types`]: one file per log type (its record's fields, its families, how it counts),
//!   one registry line each; [`fields`] has what records are read with.
//! * [`tally`]: the counts. Each connection parses what it read, then takes the counts' lock
//!   once per read to add the batch: no queue between reading and counting, so when counting
//!   falls behind a connection stops reading and TCP pushes back on the sender. Label values
//!   are interned ([`series`]); every family holds at most `--lss.max-series` series, beyond
//!   which samples fold into an `other` series and `zpa_lss_series_dropped_total` counts them.
//! * [`ratelog`]: every bad input is counted by reason and logged at most once per 10 s per
//!   reason, so a flood of garbage cannot flood the log.

mod detect;
pub(crate) mod fields;
mod frame;
pub(crate) mod listen;
pub(crate) mod log_types;
mod names;
mod options;
mod ratelog;
pub(crate) mod reason;
mod series;
mod tally;

use std::sync::LazyLock;

pub use listen::{Receiver, ReceiverError};
pub(crate) use listen::{ReceiverFamilies, ReceiverSummary};
pub(crate) use names::{NameSource, Names};
pub use options::{ListenerSpec, LssOptions, TenantLss};

use crate::metric_model::Descriptor;

/// Every LSS family: each registered log type's, then the receiver's own, in the order
/// `/metrics` serves them (the catalog's part of the table).
pub(crate) static FAMILIES: LazyLock<Vec<&'static Descriptor>> = LazyLock::new(|| {
    log_types::ALL
        .iter()
        .flat_map(|spec| spec.families.iter().copied())
        .chain([
            &tally::RECEIVED,
            &tally::PARSED,
            &tally::REJECTED,
            &listen::RECEIVED_BYTES,
            &listen::CONNECTIONS,
            &listen::CONNECTIONS_TOTAL,
            &tally::SERIES_DROPPED,
            &tally::LAST_RECORD,
        ])
        .collect()
});

/// The LSS log types, shared with the simulator's sender so both ends name them alike. The
/// receiver counts those [`log_types::ALL`] registers ([`receives`]).
pub use zpa_api::lss::LogType;

/// Whether the receiver turns records of `log_type` into metrics (a listener may be typed so).
pub(crate) fn receives(log_type: LogType) -> bool {
    log_types::position(log_type).is_some()
}

/// Their listener names, comma-separated (for messages).
pub(crate) fn received_type_names() -> String {
    received_types()
        .map(LogType::listener_name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The log types the receiver counts, in wire order.
pub(crate) fn received_types() -> impl Iterator<Item = LogType> {
    LogType::ALL.into_iter().filter(|t| receives(*t))
}
