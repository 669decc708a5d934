//! What App Connectors and Private Service Edges have in common: a fleet of enrolled machines
//! with a control-channel status, versions and a last broker connection. Both are listed by one
//! collector generic over its resource ([`FleetCollector`]) and write the same five families
//! ([`FleetFamilies`]); each resource ([`FleetResource`]) carries its collector's name, its
//! endpoint, its own names for the families and how it maps to [`Member`]s. This file knows no
//! particular fleet.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use zpa_api::models::fleet::Machine;
use zpa_api::{BoxFuture, Endpoint, Error};

use super::{newest_per_microtenant, Collector, CollectorData, Data, LastModified, RunContext};
use crate::metric_model::Descriptor;
use crate::metric_model::{bool_label, Value, Writer};

/// Control-channel status, the `status` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// `ZPN_STATUS_AUTHENTICATED`: connected.
    Authenticated,
    /// `ZPN_STATUS_DISCONNECTED`.
    Disconnected,
    /// `ZPN_STATUS_AUTH_FAILED`.
    AuthFailed,
    /// No status: enrolled but never connected.
    NeverConnected,
    /// A value ZPA added later (logged once).
    Other,
}

impl Status {
    /// Every status: each group shows all of them, zeros included.
    pub const ALL: [Status; 5] = [
        Status::Authenticated,
        Status::Disconnected,
        Status::AuthFailed,
        Status::NeverConnected,
        Status::Other,
    ];

    /// The `status` label value.
    pub fn label(self) -> &'static str {
        match self {
            Status::Authenticated => "authenticated",
            Status::Disconnected => "disconnected",
            Status::AuthFailed => "auth_failed",
            Status::NeverConnected => "never_connected",
            Status::Other => "other",
        }
    }

    /// ZPA leaves the field out for machines that never connected. Values ZPA adds later count
    /// as `other`, logged once each so operators can report them.
    pub fn parse(raw: Option<&str>) -> Status {
        static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
        match raw.map(str::trim) {
            None | Some("") => Status::NeverConnected,
            Some("ZPN_STATUS_AUTHENTICATED") => Status::Authenticated,
            Some("ZPN_STATUS_DISCONNECTED") => Status::Disconnected,
            Some("ZPN_STATUS_AUTH_FAILED") => Status::AuthFailed,
            Some(other) => {
                let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
                // Bounded: a flood of odd values must not grow memory without end.
                if seen.len() < 64 && seen.insert(other.to_string()) {
                    tracing::warn!(
                        status = other,
                        "unknown control channel status; counted as \"other\""
                    );
                }
                Status::Other
            }
        }
    }
}

/// One connector or service edge, reduced to what the metrics need.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub id: String,
    pub name: String,
    pub group: String,
    pub microtenant: String,
    pub enabled: bool,
    pub status: Status,
    pub current_version: String,
    pub expected_version: String,
    pub upgrade_status: String,
    pub platform: String,
    pub runtime_os: String,
    /// Unix seconds.
    pub last_broker_connect: Option<f64>,
    pub modified_time: Option<u64>,
}

/// The five families of one fleet, each fleet with its own names.
#[derive(Debug)]
pub(crate) struct FleetFamilies {
    pub count: Descriptor,
    pub up: Descriptor,
    pub info: Descriptor,
    pub outdated: Descriptor,
    pub last_connect: Descriptor,
}

/// A fleet: its members, and their counts per (microtenant, group, status) with every status
/// present for every group.
#[derive(Debug)]
pub(crate) struct Fleet {
    /// The families it writes (its resource's).
    families: &'static FleetFamilies,
    pub members: Vec<Member>,
    pub counts: BTreeMap<(String, String, Status), u64>,
    pub last_modified: LastModified,
}

impl Fleet {
    /// The fleet of `members`, written as `families`.
    pub(crate) fn new(families: &'static FleetFamilies, mut members: Vec<Member>) -> Self {
        members.sort_by(|a, b| a.id.cmp(&b.id));
        let mut counts = BTreeMap::new();
        for m in &members {
            for status in Status::ALL {
                counts
                    .entry((m.microtenant.clone(), m.group.clone(), status))
                    .or_insert(0);
            }
            *counts
                .entry((m.microtenant.clone(), m.group.clone(), m.status))
                .or_insert(0) += 1;
        }
        let last_modified =
            newest_per_microtenant(members.iter().map(|m| (&m.microtenant, m.modified_time)));
        Fleet {
            families,
            members,
            counts,
            last_modified,
        }
    }
}

impl CollectorData for Fleet {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        let ds = self.families;
        w.family(
            &ds.count,
            self.counts.iter().map(|((mt, group, status), n)| {
                ([mt.as_str(), group.as_str(), status.label()], *n)
            }),
        )?;
        // Borrowed, not cloned: a fleet of 50 000 would otherwise allocate 600 000 strings per
        // encoding.
        fn identity(m: &Member) -> [&str; 4] {
            [
                m.id.as_str(),
                m.name.as_str(),
                m.group.as_str(),
                m.microtenant.as_str(),
            ]
        }
        w.family(
            &ds.up,
            self.members
                .iter()
                .map(|m| (identity(m), m.status == Status::Authenticated)),
        )?;
        w.family(
            &ds.info,
            self.members.iter().map(|m| {
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
            self.members
                .iter()
                .filter(|m| !m.current_version.is_empty() && !m.expected_version.is_empty())
                .map(|m| (identity(m), m.current_version != m.expected_version)),
        )?;
        w.family(
            &ds.last_connect,
            self.members.iter().filter_map(|m| {
                m.last_broker_connect
                    .map(|t| (identity(m), Value::Float(t)))
            }),
        )
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

/// A ZPA object type that is a fleet member: its collector's name, where it is listed, the
/// families its fleet writes, and (through `Into`) how it maps to a [`Member`].
pub(crate) trait FleetResource: DeserializeOwned + Into<Member> + Send + 'static {
    /// The collector's name (the `collector` label and `--collector.<name>` flag).
    const NAME: &'static str;
    /// Where the resource is listed.
    const ENDPOINT: Endpoint;
    /// The five families of this fleet, under its own names.
    const FAMILIES: &'static FleetFamilies;
}

/// Lists a fleet resource and summarises it; one collector type serves connectors and edges.
pub(crate) struct FleetCollector<T>(PhantomData<fn() -> T>);

impl<T> Default for FleetCollector<T> {
    fn default() -> Self {
        FleetCollector(PhantomData)
    }
}

impl<T: FleetResource> Collector for FleetCollector<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let items: Vec<T> = run.list(&T::ENDPOINT).await?;
            let members = items.into_iter().map(Into::into).collect();
            Ok(Arc::new(Fleet::new(T::FAMILIES, members)) as Data)
        })
    }
}

/// What a machine's nested runtime record adds where the top level is silent (microsecond
/// times, as ZPA nests them).
#[derive(Debug, Default)]
pub(crate) struct Runtime {
    pub status: Option<String>,
    pub current_version: Option<String>,
    pub expected_version: Option<String>,
    pub upgrade_status: Option<String>,
    pub platform: Option<String>,
    pub runtime_os: Option<String>,
    pub last_connect: Option<u64>,
}

impl Member {
    /// A fleet member from its top-level status, its group and its runtime record.
    pub(crate) fn from_parts(m: Machine, group: Option<String>, rt: Runtime) -> Member {
        Member {
            name: m.name.unwrap_or_default(),
            group: group.unwrap_or_default(),
            microtenant: microtenant(&m.microtenant_name),
            enabled: m.enabled.unwrap_or(true),
            status: Status::parse(m.control_channel_status.as_deref().or(rt.status.as_deref())),
            current_version: m.current_version.or(rt.current_version).unwrap_or_default(),
            expected_version: m
                .expected_version
                .or(rt.expected_version)
                .unwrap_or_default(),
            upgrade_status: m.upgrade_status.or(rt.upgrade_status).unwrap_or_default(),
            platform: m.platform.or(rt.platform).unwrap_or_default(),
            runtime_os: m.runtime_os.or(rt.runtime_os).unwrap_or_default(),
            last_broker_connect: epoch_seconds(m.last_broker_connect_time)
                .or(epoch_seconds(rt.last_connect)),
            modified_time: m.modified_time,
            id: m.id,
        }
    }
}

/// Top-level times are epoch seconds; the nested runtime records use microseconds. Anything
/// too large to be seconds is taken as microseconds, so either placement reads right.
pub(crate) fn epoch_seconds(raw: Option<u64>) -> Option<f64> {
    match raw {
        None | Some(0) => None,
        Some(t) if t > 100_000_000_000 => Some(t as f64 / 1_000_000.0),
        Some(t) => Some(t as f64),
    }
}

/// The microtenant label of an object.
pub(crate) fn microtenant(name: &Option<String>) -> String {
    super::microtenant_label(name.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(Status::parse(None), Status::NeverConnected);
        assert_eq!(
            Status::parse(Some("ZPN_STATUS_AUTHENTICATED")),
            Status::Authenticated
        );
        assert_eq!(
            Status::parse(Some("ZPN_STATUS_AUTH_FAILED")),
            Status::AuthFailed
        );
        assert_eq!(Status::parse(Some("ZPN_STATUS_PENDING")), Status::Other);
    }

    #[test]
    fn seconds_and_microseconds() {
        assert_eq!(epoch_seconds(Some(1_773_369_874)), Some(1_773_369_874.0));
        assert_eq!(
            epoch_seconds(Some(1_773_369_874_123_456)),
            Some(1_773_369_874.123456)
        );
        assert_eq!(epoch_seconds(Some(0)), None);
    }
}
