//! Turns typed data into metric families: each family is written under its descriptor from the
//! metrics table, with the table's label names, by prometheus-client's encoders.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use super::descriptors::{self as d, Descriptor, FleetDescriptors, Kind};
use crate::collectors::fleet::{Fleet, FleetKind, Status};
use crate::collectors::groups::GroupKind;
use crate::collectors::Data;
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
}

impl<'a, 'b> Writer<'a, 'b> {
    pub fn new(encoder: &'a mut DescriptorEncoder<'b>) -> Self {
        Writer { encoder }
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
            let pairs: Vec<(&str, &str)> = descriptor
                .labels
                .iter()
                .copied()
                .zip(values.iter().map(AsRef::as_ref))
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

/// The exporter's own state that changes only when the snapshot does: configuration error,
/// budget, the per-collector series, the newest changes, build info.
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
    )?;
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

/// One collector's data.
pub fn write_data(w: &mut Writer, data: &Data) -> fmt::Result {
    match data {
        Data::Microtenants(m) => w.family(
            &d::MICROTENANT_INFO,
            m.rows.iter().map(|r| {
                (
                    [r.id.as_str(), r.name.as_str(), bool_label(r.enabled)],
                    1u64,
                )
            }),
        ),
        Data::Segments(s) => {
            w.family(
                &d::APPLICATION_SEGMENTS,
                s.counts
                    .iter()
                    .map(|((mt, enabled), n)| ([mt.as_str(), bool_label(*enabled)], *n)),
            )?;
            w.family(
                &d::APPLICATION_SEGMENT_INFO,
                s.info.iter().map(|i| {
                    (
                        [
                            i.id.as_str(),
                            i.name.as_str(),
                            i.microtenant.as_str(),
                            i.segment_group.as_str(),
                            bool_label(i.enabled),
                            bool_label(i.double_encrypt),
                            i.bypass_type.as_str(),
                            i.health_reporting.as_str(),
                        ],
                        1u64,
                    )
                }),
            )
        }
        Data::Fleet(f) => write_fleet(w, f),
        Data::Groups(g) => {
            let descriptor = match g.kind {
                GroupKind::AppConnector => &d::APP_CONNECTOR_GROUPS,
                GroupKind::ServiceEdge => &d::SERVICE_EDGE_GROUPS,
                GroupKind::Segment => &d::SEGMENT_GROUPS,
                GroupKind::Server => &d::SERVER_GROUPS,
            };
            w.family(
                descriptor,
                g.counts
                    .iter()
                    .map(|((mt, enabled), n)| ([mt.as_str(), bool_label(*enabled)], *n)),
            )
        }
        Data::IdentityProviders(i) => w.family(
            &d::IDENTITY_PROVIDER_INFO,
            i.rows.iter().map(|r| {
                (
                    [
                        r.id.as_str(),
                        r.name.as_str(),
                        bool_label(r.enabled),
                        r.sso_type.as_str(),
                        bool_label(r.scim_enabled),
                    ],
                    1u64,
                )
            }),
        ),
        Data::Certificates(c) => w.family(
            &d::CERTIFICATE_EXPIRY,
            c.expiries.iter().map(|e| {
                (
                    [
                        e.kind,
                        e.id.as_str(),
                        e.name.as_str(),
                        e.microtenant.as_str(),
                    ],
                    Value::Float(e.not_after as f64),
                )
            }),
        ),
        Data::ScimGroups(s) => w.family(
            &d::SCIM_GROUPS,
            s.counts.iter().map(|(idp, n)| ([idp.as_str()], *n as u64)),
        ),
        Data::PolicyRules(p) => w.family(
            &d::POLICY_RULES,
            p.counts
                .iter()
                .map(|((t, enabled), n)| ([*t, bool_label(*enabled)], *n)),
        ),
    }
}

fn write_fleet(w: &mut Writer, fleet: &Fleet) -> fmt::Result {
    let ds: &FleetDescriptors = match fleet.kind {
        FleetKind::AppConnectors => &d::APP_CONNECTORS,
        FleetKind::ServiceEdges => &d::SERVICE_EDGES,
    };
    w.family(
        &ds.count,
        fleet
            .counts
            .iter()
            .map(|((mt, group, status), n)| ([mt.as_str(), group.as_str(), status.label()], *n)),
    )?;
    // Borrowed, not cloned: a fleet of 50 000 would otherwise allocate 600 000 strings per
    // encoding.
    fn identity(m: &crate::collectors::fleet::Member) -> [&str; 4] {
        [
            m.id.as_str(),
            m.name.as_str(),
            m.group.as_str(),
            m.microtenant.as_str(),
        ]
    }
    w.family(
        &ds.up,
        fleet
            .members
            .iter()
            .map(|m| (identity(m), m.status == Status::Authenticated)),
    )?;
    w.family(
        &ds.info,
        fleet.members.iter().map(|m| {
            (
                [
                    m.id.as_str(),
                    m.name.as_str(),
                    m.group.as_str(),
                    m.microtenant.as_str(),
                    m.current_version.as_str(),
                    m.expected_version.as_str(),
                    m.upgrade_status.as_str(),
                    m.platform.as_str(),
                    m.runtime_os.as_str(),
                    bool_label(m.enabled),
                ],
                1u64,
            )
        }),
    )?;
    w.family(
        &ds.outdated,
        fleet
            .members
            .iter()
            .filter(|m| !m.current_version.is_empty() && !m.expected_version.is_empty())
            .map(|m| (identity(m), m.current_version != m.expected_version)),
    )?;
    w.family(
        &ds.last_connect,
        fleet.members.iter().filter_map(|m| {
            m.last_broker_connect
                .map(|t| (identity(m), Value::Float(t)))
        }),
    )
}
