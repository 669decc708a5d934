//! What one receiver's records add up to: a tally per registered log type (its series), the
//! label interner they share with its cap, and the receiver's own counts per log type (lines
//! received, records parsed, rejections by reason, last record), with how they are written.

use std::fmt;

use super::fields::Reject;
use super::log_types::{Counting, Tally, ALL};
use super::names::Names;
use super::series::Interner;
use super::LogType;
use crate::metric_model::{counter, gauge, Descriptor, Source, Writer};

/// The `log_type` label of lines whose type is neither named nor detected.
pub(crate) const UNKNOWN_TYPE: &str = "unknown";

const RECEIVER: Source = Source::Lss("receiver");

pub(crate) const RECEIVED: Descriptor = counter(
    "zpa_lss_records_received_total",
    &["log_type"],
    RECEIVER,
    "Lines received, by the listener's log type, else the detected one, else unknown.",
);
pub(crate) const PARSED: Descriptor = counter(
    "zpa_lss_records_parsed_total",
    &["log_type"],
    RECEIVER,
    "Lines parsed into a record of a known log type.",
);
pub(crate) const REJECTED: Descriptor = counter("zpa_lss_records_rejected_total", &["log_type", "reason"], RECEIVER, "Lines not counted as records, by reason: invalid_json, line_too_long, not_json, binary, unknown_type, tls_on_plain.");
pub(crate) const SERIES_DROPPED: Descriptor = counter(
    "zpa_lss_series_dropped_total",
    &["family"],
    RECEIVER,
    "Samples folded into a family's other series because it holds --lss.max-series series.",
);
pub(crate) const LAST_RECORD: Descriptor = gauge(
    "zpa_lss_last_record_timestamp_seconds",
    &["log_type"],
    RECEIVER,
    "When the last record of the log type was parsed (Unix time).",
);

/// Where a line is counted: a registered log type's position in the registry, or
/// [`Slot::UNKNOWN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot(usize);

impl Slot {
    /// Lines whose type is neither named nor detected.
    pub(super) const UNKNOWN: Slot = Slot(ALL.len());

    /// The slot of `log_type`; unknown when the receiver does not count that type.
    pub(super) fn of(log_type: LogType) -> Slot {
        super::log_types::position(log_type).map_or(Slot::UNKNOWN, Slot)
    }

    fn label(self) -> &'static str {
        ALL.get(self.0).map_or(UNKNOWN_TYPE, |s| s.log_type.id())
    }
}

/// Everything one receiver counted.
#[derive(Debug)]
pub(crate) struct Counts {
    labels: Interner,
    cap: usize,
    /// One per registered log type, in registry order.
    tallies: Vec<Box<dyn Tally>>,
    /// Per slot (registered types, then unknown): lines, records, rejections by reason, last
    /// record.
    received: Vec<u64>,
    parsed: Vec<u64>,
    rejected: Vec<[u64; Reject::ALL.len()]>,
    last_record: Vec<Option<f64>>,
}

impl Counts {
    /// Nothing counted; every family holds at most `cap` series.
    pub(super) fn new(cap: usize) -> Self {
        let slots = ALL.len() + 1;
        Counts {
            labels: Interner::new(cap.saturating_mul(8).max(1024)),
            cap,
            tallies: ALL.iter().map(|spec| (spec.tally)()).collect(),
            received: vec![0; slots],
            parsed: vec![0; slots],
            rejected: vec![[0; Reject::ALL.len()]; slots],
            last_record: vec![None; slots],
        }
    }

    /// A line that is not a record.
    pub(super) fn reject(&mut self, slot: Slot, reason: Reject) {
        self.received[slot.0] += 1;
        self.rejected[slot.0][reason.index()] += 1;
    }

    /// Counts `line` as a record of the type in `slot` (never [`Slot::UNKNOWN`]), received at
    /// `now` (Unix seconds); a line that is not one is counted as rejected, and the reason
    /// returned.
    pub(super) fn record(
        &mut self,
        slot: Slot,
        line: &[u8],
        names: &Names,
        now: f64,
    ) -> Result<(), Reject> {
        let Some(tally) = self.tallies.get_mut(slot.0) else {
            self.reject(Slot::UNKNOWN, Reject::UnknownType);
            return Err(Reject::UnknownType);
        };
        let mut at = Counting {
            labels: &mut self.labels,
            cap: self.cap,
            names,
            now,
        };
        match tally.count(line, &mut at) {
            Ok(()) => {
                self.received[slot.0] += 1;
                self.parsed[slot.0] += 1;
                self.last_record[slot.0] = Some(now);
                Ok(())
            }
            Err(reason) => {
                self.reject(slot, reason);
                Err(reason)
            }
        }
    }

    /// Lines rejected so far, all types and reasons together.
    pub(super) fn rejected(&self) -> u64 {
        self.rejected.iter().flatten().sum()
    }

    /// When the newest record of any type arrived (Unix seconds).
    pub(super) fn last_record(&self) -> Option<f64> {
        self.last_record.iter().flatten().copied().reduce(f64::max)
    }

    /// Records parsed so far, all types together.
    pub(super) fn parsed(&self) -> u64 {
        self.parsed.iter().sum()
    }

    /// Writes every log type's families, then the receiver's own counts (present from the
    /// start, zeros included, so rates and alerts work before the first record).
    pub(super) fn write(
        &self,
        w: &mut Writer,
        listeners: impl FnOnce(&mut Writer) -> fmt::Result,
    ) -> fmt::Result {
        for tally in &self.tallies {
            tally.write(w, &self.labels)?;
        }
        // In the wire order of the log types, unknown last.
        let slots: Vec<Slot> = LogType::ALL
            .into_iter()
            .map(Slot::of)
            .filter(|s| *s != Slot::UNKNOWN)
            .collect();
        let with_unknown = || slots.iter().copied().chain([Slot::UNKNOWN]);
        w.family(
            &RECEIVED,
            with_unknown().map(|s| ([s.label()], self.received[s.0])),
        )?;
        w.family(
            &PARSED,
            slots.iter().map(|s| ([s.label()], self.parsed[s.0])),
        )?;
        w.family(
            &REJECTED,
            with_unknown().flat_map(|s| {
                Reject::ALL
                    .iter()
                    .map(move |r| ([s.label(), r.label()], self.rejected[s.0][r.index()]))
            }),
        )?;
        listeners(w)?;
        let dropped: Vec<(&'static str, u64)> =
            self.tallies.iter().flat_map(|t| t.dropped()).collect();
        w.family(&SERIES_DROPPED, dropped.iter().map(|(f, v)| ([*f], *v)))?;
        w.family(
            &LAST_RECORD,
            slots
                .iter()
                .filter_map(|s| self.last_record[s.0].map(|t| ([s.label()], t))),
        )
    }
}

#[cfg(test)]
#[path = "tally_tests.rs"]
mod tests;
