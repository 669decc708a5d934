//! What App Connectors and Private Service Edges have in common: a fleet of enrolled machines
//! with a control-channel status, versions and a last broker connection. Both collectors map
//! their objects to [`Member`]s and export them through [`FleetPart`] under their own names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;

use super::{
    bool_label, microtenant_label, newest_per_microtenant, Collector, MetricWriter, Part,
    RunContext,
};
use zpa_api::auth::BoxFuture;
use zpa_api::Error;

/// Control-channel status, the `status` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Authenticated,
    Disconnected,
    AuthFailed,
    NeverConnected,
    Other,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Authenticated,
        Status::Disconnected,
        Status::AuthFailed,
        Status::NeverConnected,
        Status::Other,
    ];

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
pub struct Member {
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

/// Where one kind of fleet is listed, and the names of its metrics.
#[derive(Debug)]
pub struct FleetNames {
    /// The `collector` label, e.g. `app_connectors`.
    pub collector: &'static str,
    /// Endpoint name and path below `/mgmtconfig/v1/admin/customers/{id}/`, e.g. `connector`.
    pub endpoint: &'static str,
    /// e.g. `zpa_app_connector`
    pub prefix: &'static str,
    /// e.g. `zpa_app_connectors`
    pub count_metric: &'static str,
    /// e.g. `connector_group`
    pub group_label: &'static str,
    /// e.g. "App Connectors (from /connector)"
    pub what: &'static str,
}

#[derive(Debug)]
pub struct FleetPart {
    names: &'static FleetNames,
    members: Vec<Member>,
    counts: BTreeMap<(String, String, Status), u64>,
}

impl FleetPart {
    pub fn new(names: &'static FleetNames, mut members: Vec<Member>) -> Self {
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
        FleetPart {
            names,
            members,
            counts,
        }
    }
}

impl Part for FleetPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        let n = self.names;
        let group = n.group_label;
        let identity = |m: &Member| {
            [
                ("id", m.id.clone()),
                ("name", m.name.clone()),
                (group, m.group.clone()),
                ("microtenant", m.microtenant.clone()),
            ]
        };
        out.gauge(
            n.count_metric,
            &format!(
                "{} per microtenant, group and control channel status.",
                n.what
            ),
            self.counts.iter().map(|((mt, g, status), count)| {
                (
                    [
                        ("microtenant", mt.as_str()),
                        (group, g.as_str()),
                        ("status", status.label()),
                    ],
                    *count as i64,
                )
            }),
        )?;
        out.gauge(
            &format!("{}_up", n.prefix),
            &format!(
                "1 when the control channel is authenticated, else 0: {}.",
                n.what
            ),
            self.members
                .iter()
                .map(|m| (identity(m), i64::from(m.status == Status::Authenticated))),
        )?;
        out.gauge(
            &format!("{}_info", n.prefix),
            &format!(
                "Versions and platform of each of the {}; value is always 1.",
                n.what
            ),
            self.members.iter().map(|m| {
                let [id, name, g, mt] = identity(m);
                (
                    [
                        id,
                        name,
                        g,
                        mt,
                        ("current_version", m.current_version.clone()),
                        ("expected_version", m.expected_version.clone()),
                        ("upgrade_status", m.upgrade_status.clone()),
                        ("platform", m.platform.clone()),
                        ("runtime_os", m.runtime_os.clone()),
                        ("enabled", bool_label(m.enabled).to_string()),
                    ],
                    1i64,
                )
            }),
        )?;
        out.gauge(
            &format!("{}_outdated", n.prefix),
            &format!(
                "1 when the running version differs from the expected version: {}.",
                n.what
            ),
            self.members
                .iter()
                .filter(|m| !m.current_version.is_empty() && !m.expected_version.is_empty())
                .map(|m| {
                    (
                        identity(m),
                        i64::from(m.current_version != m.expected_version),
                    )
                }),
        )?;
        out.gauge(
            &format!("{}_last_broker_connect_timestamp_seconds", n.prefix),
            &format!(
                "When the control channel last connected to a ZPA broker (Unix time): {}.",
                n.what
            ),
            self.members
                .iter()
                .filter_map(|m| m.last_broker_connect.map(|t| (identity(m), t))),
        )
    }

    fn last_modified(&self) -> Vec<(String, f64)> {
        newest_per_microtenant(
            self.members
                .iter()
                .map(|m| (&m.microtenant, m.modified_time)),
        )
    }
}

/// A ZPA object type that is a fleet member: its listing and how it maps to a [`Member`].
pub trait FleetResource: DeserializeOwned + Into<Member> + Send + 'static {
    const NAMES: &'static FleetNames;
}

/// Lists a fleet resource and summarises it; one collector type serves connectors and edges.
pub struct FleetCollector<T>(PhantomData<fn() -> T>);

impl<T> Default for FleetCollector<T> {
    fn default() -> Self {
        FleetCollector(PhantomData)
    }
}

impl<T: FleetResource> Collector for FleetCollector<T> {
    fn name(&self) -> &'static str {
        T::NAMES.collector
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let endpoint = T::NAMES.endpoint;
            let items: Vec<T> = run.list(&run.client.mgmt_v1(endpoint, endpoint)).await?;
            let members = items.into_iter().map(Into::into).collect();
            Ok(Arc::new(FleetPart::new(T::NAMES, members)) as Arc<dyn Part>)
        })
    }
}

/// Top-level times are epoch seconds; the nested runtime records use microseconds. Anything
/// too large to be seconds is taken as microseconds, so either placement reads right.
pub fn epoch_seconds(raw: Option<u64>) -> Option<f64> {
    match raw {
        None | Some(0) => None,
        Some(t) if t > 100_000_000_000 => Some(t as f64 / 1_000_000.0),
        Some(t) => Some(t as f64),
    }
}

/// The microtenant label of an object.
pub fn microtenant(name: &Option<String>) -> String {
    microtenant_label(name.as_deref())
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
