//! The receiver's state: what the records of every log type add up to, and the receiver's own
//! counts. One [`State`] behind a mutex, taken once per batch of lines (see [`super`]).

use super::join::Names;
use super::reason;
use super::record::{Fields, List, Num, Reject, Text};
use super::series::{Family, Histogram, Interner};
use super::LogType;

/// `zpa_lss_server_setup_seconds` bounds.
pub const SETUP_BOUNDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// `zpa_lss_policy_processing_seconds` bounds.
pub const POLICY_BOUNDS: [f64; 10] = [
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
];

/// Gauges and counters of one App Connector or Private Service Edge from its metrics records.
#[derive(Debug, Default, Clone)]
pub struct NodeMetrics {
    pub cpu: Option<f64>,
    pub system_memory: Option<f64>,
    pub process_memory: Option<f64>,
    /// TCP v4, UDP v4, TCP v6, UDP v6.
    pub used_ports: [Option<f64>; 4],
    pub available_ports: Option<f64>,
    /// system used, system max, process used, process max.
    pub fds: [Option<f64>; 4],
    /// public active, public disconnected, private active, private disconnected.
    pub edge_connections: [Option<f64>; 4],
    /// alive, total.
    pub targets: [Option<f64>; 2],
    pub app_connections_active: Option<f64>,
    pub app_connections_created: f64,
    pub app_connections_cleared: f64,
    pub available_disk: Option<f64>,
    pub last_report: f64,
}

/// The newest version a connector or edge reported: interned group, version, platform.
#[derive(Debug, Default, Clone, Copy)]
pub struct VersionInfo {
    pub group: u32,
    pub version: u32,
    pub platform: u32,
}

/// Everything the receiver knows.
#[derive(Debug)]
pub struct State {
    pub names: Interner,
    pub cap: usize,
    /// microtenant, application, app_group, connector_group, status, reason, result.
    pub connections: Family<7, u64>,
    /// application, connector_group.
    pub server_setup: Family<2, Histogram<14>>,
    /// application.
    pub policy: Family<1, Histogram<11>>,
    /// application, connector_group → from_client, to_client, from_connector, to_connector.
    pub bytes: Family<2, [f64; 4]>,
    /// connector, connector_group, microtenant.
    pub connector_metrics: Family<3, NodeMetrics>,
    /// service_edge, service_edge_group, microtenant.
    pub edge_metrics: Family<3, NodeMetrics>,
    /// group, status.
    pub connector_sessions: Family<2, u64>,
    pub edge_sessions: Family<2, u64>,
    /// name → newest version.
    pub connector_versions: Family<1, VersionInfo>,
    pub edge_versions: Family<1, VersionInfo>,
    /// name, group → Unix seconds.
    pub connector_last_auth: Family<2, f64>,
    pub edge_last_auth: Family<2, f64>,
    /// microtenant, status, client_type.
    pub user_sessions: Family<3, u64>,
    /// posture, result (hit|miss).
    pub postures: Family<2, u64>,
    /// Per log type, then `unknown` last: lines, records, rejections by reason, last record.
    pub received: [u64; 7],
    pub parsed: [u64; 7],
    pub rejected: [[u64; 6]; 7],
    pub last_record: [Option<f64>; 7],
}

/// The slot of `unknown` in the per-log-type arrays.
pub const UNKNOWN_SLOT: usize = 6;

impl State {
    /// Empty state; every family holds at most `cap` series.
    pub fn new(cap: usize) -> Self {
        let interner_cap = cap.saturating_mul(8).max(1024);
        State {
            names: Interner::new(interner_cap),
            cap,
            connections: Family::new(
                "zpa_lss_user_connections_total",
                [true, true, true, true, false, true, false],
            ),
            server_setup: Family::new("zpa_lss_server_setup_seconds", [true, true]),
            policy: Family::new("zpa_lss_policy_processing_seconds", [true]),
            bytes: Family::new("zpa_lss_user_bytes_total", [true, true]),
            connector_metrics: Family::new("app_connector_metrics", [true, true, true]),
            edge_metrics: Family::new("service_edge_metrics", [true, true, true]),
            connector_sessions: Family::new(
                "zpa_lss_app_connector_session_events_total",
                [true, false],
            ),
            edge_sessions: Family::new("zpa_lss_service_edge_session_events_total", [true, false]),
            connector_versions: Family::new("zpa_lss_app_connector_version_info", [true]),
            edge_versions: Family::new("zpa_lss_service_edge_version_info", [true]),
            connector_last_auth: Family::new(
                "zpa_lss_app_connector_last_authentication_timestamp_seconds",
                [true, true],
            ),
            edge_last_auth: Family::new(
                "zpa_lss_service_edge_last_authentication_timestamp_seconds",
                [true, true],
            ),
            user_sessions: Family::new("zpa_lss_user_sessions_total", [true, false, true]),
            postures: Family::new("zpa_lss_user_posture_checks_total", [true, false]),
            received: [0; 7],
            parsed: [0; 7],
            rejected: [[0; 6]; 7],
            last_record: [None; 7],
        }
    }

    /// A line that is not a record.
    pub fn reject(&mut self, slot: usize, reason: Reject) {
        self.received[slot] += 1;
        self.rejected[slot][reason.index()] += 1;
    }

    /// A record of `log_type`, received at `now` (Unix seconds).
    pub fn record(&mut self, log_type: LogType, f: &Fields<'_>, names: &Names, now: f64) {
        let slot = log_type.index();
        self.received[slot] += 1;
        self.parsed[slot] += 1;
        self.last_record[slot] = Some(now);
        match log_type {
            LogType::UserActivity => self.user_activity(f, names),
            LogType::UserStatus => self.user_status(f, names),
            LogType::AppConnectorStatus => self.node_status(f, names, Node::Connector, now),
            LogType::ServiceEdgeStatus => self.node_status(f, names, Node::Edge, now),
            LogType::AppConnectorMetrics => self.node_metrics(f, names, Node::Connector, now),
            LogType::ServiceEdgeMetrics => self.node_metrics(f, names, Node::Edge, now),
        }
    }

    fn user_activity(&mut self, f: &Fields<'_>, names: &Names) {
        let status = connection_status(str_of(&f.ConnectionStatus));
        let code = str_of(&f.InternalReason).trim();
        let result = reason::classify(code, status).label();
        let reason = if code.is_empty() { "none" } else { code };
        let application = name(str_of(&f.Application));
        let app_group = name(str_of(&f.AppGroup));
        let (group, _) = connector_of(names, str_of(&f.Connector));
        let microtenant = microtenant(names, str_of(&f.AppMicroTenantID));
        let (names_, cap) = (&mut self.names, self.cap);
        *self.connections.entry(
            names_,
            cap,
            [
                microtenant,
                application,
                app_group,
                group,
                status,
                reason,
                result,
            ],
        ) += 1;
        if let Some(us) = num(f.ServerSetupTime).filter(|v| *v > 0.0) {
            self.server_setup
                .entry(names_, cap, [application, group])
                .observe(&SETUP_BOUNDS, us / 1e6);
        }
        if let Some(us) = num(f.PolicyProcessingTime).filter(|v| *v > 0.0) {
            self.policy
                .entry(names_, cap, [application])
                .observe(&POLICY_BOUNDS, us / 1e6);
        }
        let deltas = [
            f.ZENBytesRxClient,
            f.ZENBytesTxClient,
            f.ZENBytesRxConnector,
            f.ZENBytesTxConnector,
        ]
        .map(|v| num(v).filter(|v| *v > 0.0).unwrap_or(0.0));
        if deltas.iter().any(|v| *v > 0.0) {
            let sums = self.bytes.entry(names_, cap, [application, group]);
            for (sum, delta) in sums.iter_mut().zip(deltas) {
                *sum += delta;
            }
        }
    }

    fn user_status(&mut self, f: &Fields<'_>, names: &Names) {
        let microtenant = microtenant(names, str_of(&f.MicroTenantID));
        let status = session_status(str_of(&f.SessionStatus));
        let client_type = name(str_of(&f.ClientType));
        let (names_, cap) = (&mut self.names, self.cap);
        *self
            .user_sessions
            .entry(names_, cap, [microtenant, status, client_type]) += 1;
        for (list, result) in [(&f.PosturesHit, "hit"), (&f.PosturesMiss, "miss")] {
            for posture in list.iter().flat_map(List::items) {
                *self.postures.entry(names_, cap, [posture, result]) += 1;
            }
        }
    }

    fn node_status(&mut self, f: &Fields<'_>, names: &Names, node: Node, now: f64) {
        let (node_name, sent_group) = match node {
            Node::Connector => (str_of(&f.Connector), str_of(&f.ConnectorGroup)),
            Node::Edge => (str_of(&f.ServiceEdge), str_of(&f.ServiceEdgeGroup)),
        };
        let node_name = name(node_name);
        // Status records carry the group; the snapshot's is the fallback.
        let group = match name(sent_group) {
            "none" => node.lookup(names, node_name).0,
            sent => sent,
        };
        let status = session_status(str_of(&f.SessionStatus));
        let (names_, cap) = (&mut self.names, self.cap);
        let (sessions, versions, last_auth) = match node {
            Node::Connector => (
                &mut self.connector_sessions,
                &mut self.connector_versions,
                &mut self.connector_last_auth,
            ),
            Node::Edge => (
                &mut self.edge_sessions,
                &mut self.edge_versions,
                &mut self.edge_last_auth,
            ),
        };
        *sessions.entry(names_, cap, [group, status]) += 1;
        let version = str_of(&f.Version);
        if !version.is_empty() {
            let ids = [group, version, name(str_of(&f.Platform))]
                .map(|v| names_.intern(v).unwrap_or(super::series::OTHER));
            *versions.entry(names_, cap, [node_name]) = VersionInfo {
                group: ids[0],
                version: ids[1],
                platform: ids[2],
            };
        }
        if status == "authenticated" {
            let at = iso8601_seconds(str_of(&f.TimestampAuthentication)).unwrap_or(now);
            let last = last_auth.entry(names_, cap, [node_name, group]);
            *last = last.max(at);
        }
    }

    fn node_metrics(&mut self, f: &Fields<'_>, names: &Names, node: Node, now: f64) {
        let node_name = name(match node {
            Node::Connector => str_of(&f.Connector),
            Node::Edge => str_of(&f.PrivateSE),
        });
        let (group, known_mt) = node.lookup(names, node_name);
        let microtenant = match str_of(&f.MicroTenantID) {
            "" if known_mt != "unknown" => known_mt,
            id => microtenant(names, id),
        };
        let family = match node {
            Node::Connector => &mut self.connector_metrics,
            Node::Edge => &mut self.edge_metrics,
        };
        let m = family.entry(&mut self.names, self.cap, [node_name, group, microtenant]);
        let pct = |v: Option<Num>| num(v).map(|p| p / 100.0);
        set(&mut m.cpu, pct(f.CPUUtilization));
        set(&mut m.system_memory, pct(f.SystemMemoryUtilization));
        set(&mut m.process_memory, pct(f.ProcessMemoryUtilization));
        let ports = [
            f.UsedTCPPortsIPv4,
            f.UsedUDPPortsIPv4,
            f.UsedTCPPortsIPv6,
            f.UsedUDPPortsIPv6,
        ];
        for (slot, v) in m.used_ports.iter_mut().zip(ports) {
            set(slot, num(v));
        }
        set(&mut m.available_ports, num(f.AvailablePorts));
        let fds = [
            f.SystemUsedFileDescriptors,
            f.SystemMaximumFileDescriptors,
            f.ProcessUsedFileDescriptors,
            f.ProcessMaximumFileDescriptors,
        ];
        for (slot, v) in m.fds.iter_mut().zip(fds) {
            set(slot, num(v));
        }
        let edges = [
            f.ActiveConnectionsToPublicSE,
            f.DisconnectedConnectionsToPublicSE,
            f.ActiveConnectionsToPrivateSE,
            f.DisconnectedConnectionsToPrivateSE,
        ];
        for (slot, v) in m.edge_connections.iter_mut().zip(edges) {
            set(slot, num(v));
        }
        set(&mut m.targets[0], num(f.AliveTargetCount));
        set(&mut m.targets[1], num(f.TargetCount));
        set(&mut m.app_connections_active, num(f.AppConnectionsActive));
        m.app_connections_created += num(f.AppConnectionsCreated).unwrap_or(0.0).max(0.0);
        m.app_connections_cleared += num(f.AppConnectionsCleared).unwrap_or(0.0).max(0.0);
        set(&mut m.available_disk, num(f.AvailableDiskBytes));
        m.last_report = now;
    }
}

#[derive(Debug, Clone, Copy)]
enum Node {
    Connector,
    Edge,
}

impl Node {
    /// (group, microtenant) of a node by name: `none` for no name, `unknown` when the API
    /// snapshot does not know it.
    fn lookup<'n>(self, names: &'n Names, node_name: &str) -> (&'n str, &'n str) {
        if node_name == "none" {
            return ("none", "none");
        }
        let found = match self {
            Node::Connector => names.connector(node_name),
            Node::Edge => names.edge(node_name),
        };
        found.unwrap_or(("unknown", "unknown"))
    }
}

fn set(slot: &mut Option<f64>, value: Option<f64>) {
    if value.is_some() {
        *slot = value;
    }
}

fn str_of<'f>(t: &'f Option<Text<'_>>) -> &'f str {
    t.as_ref().map_or("", Text::as_str)
}

fn num(v: Option<Num>) -> Option<f64> {
    v.and_then(Num::get)
}

/// A name label: `none` for empty, absent or `"0"` (unset ids render as `"0"`).
fn name(value: &str) -> &str {
    match value.trim() {
        "" | "0" => "none",
        v => v,
    }
}

fn connector_of<'n>(names: &'n Names, connector: &str) -> (&'n str, &'n str) {
    Node::Connector.lookup(names, name(connector))
}

/// The microtenant name for an id: the snapshot's name (`"0"` is Default there), else `none`
/// for no id, else the id.
fn microtenant<'a>(names: &'a Names, id: &'a str) -> &'a str {
    let id = id.trim();
    names.microtenant(id).unwrap_or_else(|| name(id))
}

fn connection_status(raw: &str) -> &'static str {
    match raw.trim() {
        s if s.eq_ignore_ascii_case("open") => "open",
        s if s.eq_ignore_ascii_case("active") => "active",
        s if s.eq_ignore_ascii_case("close") => "close",
        _ => "other",
    }
}

fn session_status(raw: &str) -> &'static str {
    match raw.trim() {
        "ZPN_STATUS_AUTHENTICATED" => "authenticated",
        "ZPN_STATUS_AUTH_FAILED" => "auth_failed",
        "ZPN_STATUS_DISCONNECTED" => "disconnected",
        _ => "other",
    }
}

/// Unix seconds of `2019-06-27T05:05:23.348Z` (UTC; fraction optional), `None` for `""` or a
/// shape not that.
pub fn iso8601_seconds(value: &str) -> Option<f64> {
    let b = value.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(b.get(r)?).ok()?.parse().ok()
    };
    let (y, mo, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, s) = (n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut fraction = 0.0;
    if b.get(19) == Some(&b'.') {
        let digits: String = b[20..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .map(|&c| c as char)
            .collect();
        fraction = format!("0.{digits}").parse().unwrap_or(0.0);
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + s) as f64 + fraction)
}

#[cfg(test)]
#[path = "aggregate_tests.rs"]
mod tests;
