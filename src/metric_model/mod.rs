//! The vocabulary every metric of the product is written in: a family's [`Descriptor`] (name,
//! [`Kind`], help, label names, [`Source`]), the constructors the tables use ([`gauge`],
//! [`counter`], [`histogram`]), and the [`Writer`] that writes typed rows under a descriptor.
//!
//! This module imports nothing from the crate: collectors, the LSS log types, the catalog and
//! the encoder all speak it, so it sits below all of them.

mod writer;

pub(crate) use writer::{bool_label, unix, Value, Writer};

/// The label naming the tenant of every tenant-scoped sample.
pub(crate) const TENANT_LABEL: &str = "tenant";

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
    /// The exporter's own state (health, schedule, budget).
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
    /// Gauge, counter or histogram.
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
            Source::Collector(name) => format!(
                "{} Refreshed in the background by the {name} collector, every \
                 zpa_collector_interval_seconds of it.",
                self.help
            )
            .into(),
            _ => self.help.into(),
        }
    }

    /// Whether every sample carries the `tenant` label: everything but the process-wide
    /// families ([`Source::Process`], [`Source::Global`]); LSS receivers are per tenant. The
    /// one rule; the writer applies it and the README's table shows it.
    pub fn tenant_scoped(&self) -> bool {
        !matches!(self.source, Source::Process | Source::Global)
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

/// A gauge family.
pub(crate) const fn gauge(
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

/// A counter family (`name` ends in `_total`).
pub(crate) const fn counter(
    name: &'static str,
    labels: &'static [&'static str],
    source: Source,
    help: &'static str,
) -> Descriptor {
    Descriptor {
        name,
        kind: Kind::Counter,
        help,
        labels,
        source,
    }
}

/// A histogram family (its buckets are given when it is written).
pub(crate) const fn histogram(
    name: &'static str,
    labels: &'static [&'static str],
    source: Source,
    help: &'static str,
) -> Descriptor {
    Descriptor {
        name,
        kind: Kind::Histogram,
        help,
        labels,
        source,
    }
}
