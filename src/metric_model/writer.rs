//! Writes typed rows as metric families: each family under its [`Descriptor`], with the
//! descriptor's label names (and the tenant's, when the family is tenant-scoped), through
//! prometheus-client's encoders.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use super::{Descriptor, Kind, TENANT_LABEL};

/// A sample value: counts as integers, everything else as floats.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// A count.
    Int(i64),
    /// A measurement, a ratio or a time.
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
pub(crate) fn unix(t: SystemTime) -> Value {
    Value::Float(
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
    )
}

/// The label value of a boolean: `true` or `false`.
pub(crate) fn bool_label(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Writes families through a prometheus-client encoder.
pub struct Writer<'a, 'b> {
    encoder: &'a mut DescriptorEncoder<'b>,
    /// The families the data being written declared: a family written but not declared would
    /// be missing from the README and the dashboards' contract.
    declared: Option<&'static [&'static Descriptor]>,
    /// The tenant whose data is written: every tenant-scoped family's samples carry it
    /// ([`Descriptor::tenant_scoped`]).
    tenant: Option<Arc<str>>,
}

impl<'a, 'b> Writer<'a, 'b> {
    /// A writer of process-wide families (no tenant).
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

    fn check_declared(&self, descriptor: &Descriptor) {
        debug_assert!(
            self.declared
                .is_none_or(|ds| ds.iter().any(|d| d.name == descriptor.name)),
            "{} is written but not among its source's declared families",
            descriptor.name
        );
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
        self.check_declared(descriptor);
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let metric_type = match descriptor.kind {
            Kind::Gauge => MetricType::Gauge,
            Kind::Counter => MetricType::Counter,
            Kind::Histogram => return Err(fmt::Error),
        };
        let help = descriptor.full_help();
        let tenant = self.tenant.clone();
        let mut family =
            self.encoder
                .encode_descriptor(descriptor.family_name(), &help, None, metric_type)?;
        for (labels, value) in rows {
            let pairs = label_pairs(tenant.as_deref(), descriptor, labels.as_ref());
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
        self.check_declared(descriptor);
        if descriptor.kind != Kind::Histogram {
            return Err(fmt::Error);
        }
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let help = descriptor.full_help();
        let tenant = self.tenant.clone();
        let mut family = self.encoder.encode_descriptor(
            descriptor.family_name(),
            &help,
            None,
            MetricType::Histogram,
        )?;
        for (labels, counts, sum, count) in rows {
            let pairs = label_pairs(tenant.as_deref(), descriptor, labels.as_ref());
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

    /// An info-style family: one sample with value 1.
    pub fn info<const N: usize>(
        &mut self,
        descriptor: &Descriptor,
        labels: [&str; N],
    ) -> fmt::Result {
        self.family(descriptor, [(labels, 1u64)])
    }
}

/// The label pairs of one sample: `tenant` first when the family is tenant-scoped.
fn label_pairs<'v, S: AsRef<str>>(
    tenant: Option<&'v str>,
    descriptor: &Descriptor,
    values: &'v [S],
) -> Vec<(&'static str, &'v str)> {
    debug_assert_eq!(
        values.len(),
        descriptor.labels.len(),
        "{}: label values do not match the table",
        descriptor.name
    );
    tenant
        .filter(|_| descriptor.tenant_scoped())
        .map(|t| (TENANT_LABEL, t))
        .into_iter()
        .chain(
            descriptor
                .labels
                .iter()
                .copied()
                .zip(values.iter().map(AsRef::as_ref)),
        )
        .collect()
}
