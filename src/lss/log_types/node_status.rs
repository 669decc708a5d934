//! The status log types of machines (App Connector Status `zpn_ast_auth_log`, Private Service
//! Edge Status `zpn_sys_auth_log`): control-session events by group and status, the version
//! and platform each machine reported last, and when it last authenticated. One record shape
//! and one way of counting; each log type's file names its families and its machine.

use std::fmt;

use super::labels::{iso8601_seconds, name, session_status, str_of};
use super::machine::Machine;
use super::{Counting, Tally};
use crate::lss::fields::{lss_record, parse, Reject, Text};
use crate::lss::series::{Family, Interner, OTHER};
use crate::metric_model::{Descriptor, Writer};

/// The families of one machine's status log type.
#[derive(Debug)]
pub(crate) struct StatusFamilies {
    /// Records by group and status.
    pub sessions: Descriptor,
    /// The version and platform of each machine's latest record.
    pub version: Descriptor,
    /// When each machine last authenticated.
    pub last_auth: Descriptor,
}

lss_record! {
    /// What the metrics read of a machine's status record.
    pub struct Record<'a> {
        Connector: Text<'a>,
        ConnectorGroup: Text<'a>,
        ServiceEdge: Text<'a>,
        ServiceEdgeGroup: Text<'a>,
        SessionStatus: Text<'a>,
        Version: Text<'a>,
        Platform: Text<'a>,
        TimestampAuthentication: Text<'a>,
    }
    ignored: [
        "LogTimestamp", "Customer", "SessionID", "SessionType", "PackageVersion", "ZEN",
        "PrivateIP", "PublicIP", "Latitude", "Longitude", "CountryCode",
        "TimestampUnAuthentication", "CPUUtilization", "MemUtilization", "ServiceCount",
        "InterfaceDefRoute", "DefRouteGW", "PrimaryDNSResolver", "HostStartTime", "HostUpTime",
        "ConnectorStartTime", "ConnectorUpTime", "ServiceEdgeStartTime", "NumOfInterfaces",
        "BytesRxInterface", "PacketsRxInterface", "ErrorsRxInterface", "DiscardsRxInterface",
        "BytesTxInterface", "PacketsTxInterface", "ErrorsTxInterface", "DiscardsTxInterface",
        "TotalBytesRx", "TotalBytesTx", "MicroTenantID",
    ]
}

/// The newest version a machine reported: interned group, version, platform.
#[derive(Debug, Default, Clone, Copy)]
struct VersionInfo {
    group: u32,
    version: u32,
    platform: u32,
}

/// The status series of one machine kind.
#[derive(Debug)]
pub(crate) struct NodeStatus {
    machine: Machine,
    families: &'static StatusFamilies,
    /// group, status.
    sessions: Family<2, u64>,
    /// name → newest version.
    versions: Family<1, VersionInfo>,
    /// name, group → Unix seconds.
    last_auth: Family<2, f64>,
}

impl NodeStatus {
    /// An empty tally of `machine`'s status records, written as `families`.
    pub(crate) fn new(machine: Machine, families: &'static StatusFamilies) -> Self {
        NodeStatus {
            machine,
            families,
            sessions: Family::new(families.sessions.name, [true, false]),
            versions: Family::new(families.version.name, [true]),
            last_auth: Family::new(families.last_auth.name, [true, true]),
        }
    }
}

impl Tally for NodeStatus {
    fn count(&mut self, line: &[u8], at: &mut Counting<'_>) -> Result<(), Reject> {
        let f: Record<'_> = parse(line)?;
        let (node_name, sent_group) = match self.machine {
            Machine::AppConnector => (str_of(&f.Connector), str_of(&f.ConnectorGroup)),
            Machine::ServiceEdge => (str_of(&f.ServiceEdge), str_of(&f.ServiceEdgeGroup)),
        };
        let node_name = name(node_name);
        // Status records carry the group; the API's is the fallback.
        let group = match name(sent_group) {
            "none" => self.machine.lookup(at.names, node_name).0,
            sent => sent,
        };
        let status = session_status(str_of(&f.SessionStatus));
        let (labels, cap) = (&mut *at.labels, at.cap);
        *self.sessions.entry(labels, cap, [group, status]) += 1;
        let version = str_of(&f.Version);
        if !version.is_empty() {
            let ids = [group, version, name(str_of(&f.Platform))]
                .map(|v| labels.intern(v).unwrap_or(OTHER));
            *self.versions.entry(labels, cap, [node_name]) = VersionInfo {
                group: ids[0],
                version: ids[1],
                platform: ids[2],
            };
        }
        if status == "authenticated" {
            let at_time = iso8601_seconds(str_of(&f.TimestampAuthentication)).unwrap_or(at.now);
            let last = self.last_auth.entry(labels, cap, [node_name, group]);
            *last = last.max(at_time);
        }
        Ok(())
    }

    fn write(&self, w: &mut Writer, labels: &Interner) -> fmt::Result {
        let n = |id: u32| labels.name(id);
        let ds = self.families;
        w.family(
            &ds.sessions,
            self.sessions.iter().map(|(k, v)| (k.map(n), *v)),
        )?;
        w.family(
            &ds.version,
            self.versions
                .iter()
                .map(|(k, v)| ([n(k[0]), n(v.group), n(v.version), n(v.platform)], 1u64)),
        )?;
        w.family(
            &ds.last_auth,
            self.last_auth.iter().map(|(k, v)| (k.map(n), *v)),
        )
    }

    fn dropped(&self) -> Vec<(&'static str, u64)> {
        vec![
            (self.sessions.name, self.sessions.dropped),
            (self.versions.name, self.versions.dropped),
            (self.last_auth.name, self.last_auth.dropped),
        ]
    }
}
