//! Turns typed data into metric families: each family is written under its descriptor from the
//! metrics table, with the table's label names, by prometheus-client's encoders. The exporter's
//! own state is written here ([`write_state`]); a collector's data writes its own families
//! through the same [`Writer`] (`collectors::Families`).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use super::descriptors::{self as d, Descriptor, Kind};
use crate::snapshot::Snapshot;

/// A sample value: counts as integers, everything else as floats.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    Int(i64),
    Float(f64),
}

impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

/// Unix seconds of `t`.
pub fn unix(t: SystemTime) -> Value {
    Value::Float(
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
    )
}

pub fn bool_label(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Writes families through a prometheus-client encoder.
pub struct Writer<'a, 'b> {
    encoder: &'a mut DescriptorEncoder<'b>,
    /// The families a collector declared, when it is a collector's data being written: a
    /// family written but not declared would be missing from the README and the contract.
    declared: Option<&'static [&'static Descriptor]>,
    /// The tenant whose data is written: every tenant-scoped family's samples carry it
    /// ([`Descriptor::tenant_scoped`]).
    tenant: Option<Arc<str>>,
}

impl<'a, 'b> Writer<'a, 'b> {
    pub fn new(encoder: &'a mut DescriptorEncoder<'b>) -> Self {
        Writer {
            encoder,
            declared: None,
            tenant: None,
        }
    }

    /// Writes `tenant`'s data: its tenant-scoped families carry `tenant="<tenant>"`.
    pub fn for_tenant(mut self, tenant: Option<Arc<str>>) -> Self {
        self.tenant = tenant;
        self
    }

    /// From now on, only `families` may be written (checked in debug builds, so in tests).
    pub fn declared_only(&mut self, families: &'static [&'static Descriptor]) {
        self.declared = Some(families);
    }

    /// One family: `rows` are the label values in the descriptor's order, and the value.
    /// Nothing at all when there are no rows.
    pub fn family<L, S, V>(
        &mut self,
        descriptor: &Descriptor,
        rows: impl IntoIterator<Item = (L, V)>,
    ) -> fmt::Result
    where
        L: AsRef<[S]>,
        S: AsRef<str>,
        V: Into<Value>,
    {
        debug_assert!(
            self.declared
                .is_none_or(|ds| ds.iter().any(|d| d.name == descriptor.name)),
            "{} is written but not among its collector's declared families",
            descriptor.name
        );
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let metric_type = match descriptor.kind {
            Kind::Gauge => MetricType::Gauge,
            Kind::Counter => MetricType::Counter,
            Kind::Histogram => return Err(fmt::Error),
        };
        let mut family = self.encoder.encode_descriptor(
            descriptor.family_name(),
            &descriptor.full_help(),
            None,
            metric_type,
        )?;
        for (labels, value) in rows {
            let values = labels.as_ref();
            debug_assert_eq!(
                values.len(),
                descriptor.labels.len(),
                "{}: label values do not match the table",
                descriptor.name
            );
            let tenant = self
                .tenant
                .as_deref()
                .filter(|_| descriptor.tenant_scoped())
                .map(|t| (d::TENANT_LABEL, t));
            let pairs: Vec<(&str, &str)> = tenant
                .into_iter()
                .chain(
                    descriptor
                        .labels
                        .iter()
                        .copied()
                        .zip(values.iter().map(AsRef::as_ref)),
                )
                .collect();
            let metric = family.encode_family(&pairs)?;
            match (descriptor.kind, value.into()) {
                (Kind::Counter, Value::Int(v)) => ConstCounter::new(v as u64).encode(metric)?,
                (Kind::Counter, Value::Float(v)) => ConstCounter::new(v).encode(metric)?,
                (Kind::Gauge, Value::Int(v)) => ConstGauge::new(v).encode(metric)?,
                (Kind::Gauge, Value::Float(v)) => ConstGauge::new(v).encode(metric)?,
                (Kind::Histogram, _) => return Err(fmt::Error),
            }
        }
        Ok(())
    }

    /// A histogram family: per row the label values, the per-bucket (not cumulative) counts
    /// for `bounds` and a last `+Inf` one, the sum and the count. Nothing when there are no
    /// rows.
    pub fn histogram<L, S>(
        &mut self,
        descriptor: &Descriptor,
        bounds: &[f64],
        rows: impl IntoIterator<Item = (L, Vec<u64>, f64, u64)>,
    ) -> fmt::Result
    where
        L: AsRef<[S]>,
        S: AsRef<str>,
    {
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let mut family = self.encoder.encode_descriptor(
            descriptor.family_name(),
            &descriptor.full_help(),
            None,
            MetricType::Histogram,
        )?;
        for (labels, counts, sum, count) in rows {
            let pairs: Vec<(&str, &str)> = descriptor
                .labels
                .iter()
                .copied()
                .zip(labels.as_ref().iter().map(AsRef::as_ref))
                .collect();
            let buckets: Vec<(f64, u64)> = bounds
                .iter()
                .copied()
                .chain([f64::INFINITY])
                .zip(counts)
                .collect();
            family
                .encode_family(&pairs)?
                .encode_histogram::<prometheus_client::encoding::NoLabelSet>(
                    sum, count, &buckets, None,
                )?;
        }
        Ok(())
    }

    /// A family with one unlabelled sample.
    pub fn single(&mut self, descriptor: &Descriptor, value: impl Into<Value>) -> fmt::Result {
        self.family(descriptor, [([] as [&str; 0], value)])
    }
}

/// A tenant's own state that changes only when its snapshot does: configuration error,
/// budget, the per-collector series, the newest changes.
pub fn write_state(w: &mut Writer, snapshot: &Snapshot) -> fmt::Result {
    w.single(&d::CONFIG_ERROR, snapshot.config_problem().is_some())?;
    w.single(&d::BUDGET_UTILIZATION, snapshot.budget.utilization)?;
    let cs = &snapshot.collectors;
    w.family(
        &d::COLLECTOR_SUCCESS,
        cs.iter().map(|c| ([c.name], c.success)),
    )?;
    w.family(
        &d::COLLECTOR_UNAVAILABLE,
        cs.iter().map(|c| ([c.name], c.unavailable)),
    )?;
    w.family(
        &d::COLLECTOR_DURATION,
        cs.iter()
            .filter(|c| c.last_attempt.is_some())
            .map(|c| ([c.name], c.duration.as_secs_f64())),
    )?;
    w.family(
        &d::COLLECTOR_LAST_SUCCESS,
        cs.iter()
            .filter_map(|c| c.last_success.map(|t| ([c.name], unix(t)))),
    )?;
    w.family(
        &d::COLLECTOR_INTERVAL,
        cs.iter().map(|c| ([c.name], c.interval.as_secs_f64())),
    )?;
    w.family(
        &d::COLLECTOR_NEXT_RUN,
        cs.iter()
            .filter_map(|c| c.next_run.map(|t| ([c.name], unix(t)))),
    )?;
    w.family(
        &d::COLLECTOR_LAST_RUN_REQUESTS,
        cs.iter()
            .filter(|c| c.runs > 0)
            .map(|c| ([c.name], c.last_run_requests)),
    )?;
    w.family(
        &d::CONFIG_LAST_MODIFIED,
        cs.iter().flat_map(|c| {
            c.data
                .iter()
                .filter_map(|data| data.last_modified())
                .flatten()
                .map(move |(mt, t)| ([c.name, mt.as_str()], *t))
        }),
    )
}

/// The process-wide state, written once whatever the number of tenants: build info.
pub fn write_global(w: &mut Writer) -> fmt::Result {
    w.single_labelled(
        &d::BUILD_INFO,
        [super::VERSION, super::REVISION, super::RUSTC_VERSION],
    )
}

impl Writer<'_, '_> {
    /// An info-style family: one sample with value 1.
    fn single_labelled<const N: usize>(
        &mut self,
        descriptor: &Descriptor,
        labels: [&str; N],
    ) -> fmt::Result {
        self.family(descriptor, [(labels, 1u64)])
    }
}
