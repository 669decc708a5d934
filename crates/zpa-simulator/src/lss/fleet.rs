//! The periodic logs of the fleet (App Connector, Private Service Edge and Private Cloud
//! Controller Status and Metrics, round robin over the tenant's connectors, edges and
//! controllers) and User Status. One App Connector is saturated: CPU around 95 %, nearly every
//! source port in use, process file descriptors near their limit; the others are comfortably
//! loaded. Controllers behave as edges do: their templates are the edges' with other names.

use super::names::{Names, Node};
use super::template::{Fields, Value};
use crate::tenant::Rng;

/// The ports a connector host offers in total (28 232 in the ZPA sample: the Linux default
/// ephemeral range 32768-60999).
const PORT_RANGE: i64 = 28_232;

/// Which periodic log a [`Fleet`] generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ConnectorStatus,
    ConnectorMetrics,
    EdgeStatus,
    EdgeMetrics,
    ControllerStatus,
    ControllerMetrics,
    UserStatus,
}

impl Kind {
    /// The template fields naming the node and its group, and the one for its start time.
    fn node_fields(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::ConnectorStatus | Kind::ConnectorMetrics => {
                ("Connector", "ConnectorGroup", "ConnectorStartTime")
            }
            Kind::EdgeStatus => ("ServiceEdge", "ServiceEdgeGroup", "ServiceEdgeStartTime"),
            Kind::EdgeMetrics => ("PrivateSE", "ServiceEdgeGroup", "ServiceEdgeStartTime"),
            // The JSON keys say PrivateCloudController; the template's fields, SiteController.
            Kind::ControllerStatus | Kind::ControllerMetrics => (
                "SiteController",
                "SiteControllerGroup",
                "SiteControllerStartTime",
            ),
            Kind::UserStatus => unreachable!("User Status records name users, not fleet nodes"),
        }
    }
}

/// Round-robin state over connectors, edges or users.
pub struct Fleet {
    kind: Kind,
    rng: Rng,
    next: usize,
    saturated: usize,
}

const CLIENT_TYPES: [(&str, u64); 5] = [
    ("zpn_client_type_zapp", 85),
    ("zpn_client_type_exporter", 8),
    ("zpn_client_type_machine_tunnel", 4),
    ("zpn_client_type_edge_connector", 2),
    ("zpn_client_type_slogger", 1),
];

const POSTURES: [&str; 4] = [
    "CrowdStrike ZTA Score",
    "Disk Encryption",
    "OS Version",
    "Domain Joined",
];

impl Fleet {
    pub fn new(kind: Kind, names: &Names, seed: u64) -> Fleet {
        Fleet {
            kind,
            rng: Rng::new(seed ^ 0xF1EE7 ^ kind as u64),
            next: 0,
            saturated: super::saturated_connector(names),
        }
    }

    pub fn next(&mut self, names: &Names, now_us: u64) -> Fields {
        let nodes = match self.kind {
            Kind::ConnectorStatus | Kind::ConnectorMetrics => &names.connectors,
            Kind::EdgeStatus | Kind::EdgeMetrics => &names.service_edges,
            Kind::ControllerStatus | Kind::ControllerMetrics => &names.private_cloud_controllers,
            Kind::UserStatus => return self.user_status(names, now_us),
        };
        if nodes.is_empty() {
            return Fields::new();
        }
        let i = self.next % nodes.len();
        self.next = self.next.wrapping_add(1);
        let node = &nodes[i];
        let hot = matches!(self.kind, Kind::ConnectorStatus | Kind::ConnectorMetrics)
            && i == self.saturated;
        match self.kind {
            Kind::ConnectorMetrics | Kind::EdgeMetrics | Kind::ControllerMetrics => {
                self.metrics(names, node, hot, now_us)
            }
            _ => self.status(names, node, i, hot, now_us),
        }
    }

    fn metrics(&mut self, names: &Names, node: &Node, hot: bool, now_us: u64) -> Fields {
        let r = &mut self.rng;
        let mut f = Fields::new();
        let connector = self.kind == Kind::ConnectorMetrics;
        f.insert("LogTimestamp", Value::Time(Some(now_us)));
        f.insert(self.kind.node_fields().0, node.name.as_str().into());
        let (cpu, sys_mem, proc_mem) = if hot {
            (r.range(93, 99), r.range(85, 93), r.range(70, 80))
        } else {
            (r.range(2, 45), r.range(20, 60), r.range(5, 25))
        };
        f.insert("CPUUtilization", cpu.into());
        f.insert("SystemMemoryUtilization", sys_mem.into());
        f.insert("ProcessMemoryUtilization", proc_mem.into());
        let tcp4 = if hot {
            r.range(27_600, 28_100)
        } else {
            r.range(20, 400)
        } as i64;
        let (udp4, tcp6, udp6) = (
            r.range(2, 20) as i64,
            r.range(0, 6) as i64,
            r.range(0, 6) as i64,
        );
        f.insert("UsedTCPPortsIPv4", tcp4.into());
        f.insert("UsedUDPPortsIPv4", udp4.into());
        f.insert("UsedTCPPortsIPv6", tcp6.into());
        f.insert("UsedUDPPortsIPv6", udp6.into());
        f.insert(
            "AvailablePorts",
            (PORT_RANGE - tcp4 - udp4 - tcp6 - udp6).max(0).into(),
        );
        // The saturated connector runs with a lower process limit, as a host left at
        // distribution defaults would, and has used nearly all of it.
        let (proc_max, proc_used) = if hot {
            (65_536u64, 65_536 * r.range(93, 98) / 100)
        } else {
            (512_000, r.range(100, 3_000))
        };
        f.insert("SystemMaximumFileDescriptors", 960_344u64.into());
        f.insert(
            "SystemUsedFileDescriptors",
            (proc_used + r.range(800, 5_000)).into(),
        );
        f.insert("ProcessMaximumFileDescriptors", proc_max.into());
        f.insert("ProcessUsedFileDescriptors", proc_used.into());
        f.insert(
            "AvailableDiskBytes",
            (r.range(180, 260) * 1_000_000_000).into(),
        );
        f.insert("MicroTenantID", node.microtenant.as_str().into());
        if connector {
            let apps = names
                .apps
                .iter()
                .filter(|a| {
                    a.connectors
                        .iter()
                        .any(|&c| names.connectors[c].name == node.name)
                })
                .count() as u64;
            let targets = apps + r.below(apps / 4 + 1);
            f.insert("AppCount", apps.into());
            f.insert("ServiceCount", (apps * 2).into());
            f.insert("TargetCount", targets.into());
            f.insert(
                "AliveTargetCount",
                targets.saturating_sub(r.below(3)).into(),
            );
            f.insert("ActiveConnectionsToPublicSE", r.range(1, 3).into());
            f.insert(
                "DisconnectedConnectionsToPublicSE",
                u64::from(r.percent(5)).into(),
            );
            f.insert(
                "ActiveConnectionsToPrivateSE",
                u64::from(!names.service_edges.is_empty()).into(),
            );
            f.insert("DisconnectedConnectionsToPrivateSE", 0u64.into());
            for key in [
                "TransmittedBytesToPublicSE",
                "ReceivedBytesFromPublicSE",
                "TransmittedBytesToPrivateSE",
                "ReceivedBytesFromPrivateSE",
            ] {
                f.insert(key, r.range(10_000, 5_000_000).into());
            }
            let created = if hot {
                r.range(3_000, 6_000)
            } else {
                r.range(50, 800)
            };
            f.insert("AppConnectionsCreated", created.into());
            f.insert(
                "AppConnectionsCleared",
                created.saturating_sub(r.below(20)).into(),
            );
            f.insert(
                "AppConnectionsActive",
                if hot {
                    r.range(9_000, 12_000)
                } else {
                    r.range(5, 300)
                }
                .into(),
            );
        }
        f
    }

    fn status(&mut self, names: &Names, node: &Node, i: usize, hot: bool, now_us: u64) -> Fields {
        let r = &mut self.rng;
        let connector = self.kind == Kind::ConnectorStatus;
        let status = match r.below(100) {
            0 => "ZPN_STATUS_AUTH_FAILED",
            1..=5 => "ZPN_STATUS_DISCONNECTED",
            _ => "ZPN_STATUS_AUTHENTICATED",
        };
        let auth_us = now_us.saturating_sub(r.range(60, 7 * 86_400) * 1_000_000);
        let mut f = Fields::new();
        f.insert("LogTimestamp", Value::Time(Some(now_us)));
        f.insert("Customer", names.customer.as_str().into());
        f.insert("SessionID", super::activity::token(r, 20).into());
        // Controllers' session type is not documented; they tunnel to ZPA as edges do.
        f.insert(
            "SessionType",
            if connector {
                "ZPN_ASSISTANT_BROKER_CONTROL"
            } else {
                "ZPN_TUNNEL_CONTROL"
            }
            .into(),
        );
        f.insert("SessionStatus", status.into());
        f.insert("Version", node.version.as_str().into());
        f.insert("PackageVersion", node.version.as_str().into());
        f.insert("Platform", node.platform.as_str().into());
        f.insert("ZEN", "US-CA-9396".into());
        let (name_key, group_key, start_key) = self.kind.node_fields();
        f.insert(name_key, node.name.as_str().into());
        f.insert(group_key, node.group.as_str().into());
        f.insert(
            "PrivateIP",
            format!("10.{}.{}.{}", i / 250 % 250, 10 + i % 200, 2 + i % 250).into(),
        );
        f.insert("PublicIP", format!("203.0.113.{}", 2 + i % 250).into());
        f.insert("Latitude", Value::Float(37.338208));
        f.insert("Longitude", Value::Float(-121.886329));
        f.insert("CountryCode", "US".into());
        f.insert(
            "TimestampAuthentication",
            Value::Time((status != "ZPN_STATUS_AUTH_FAILED").then_some(auth_us)),
        );
        f.insert(
            "TimestampUnAuthentication",
            Value::Time((status == "ZPN_STATUS_DISCONNECTED").then_some(now_us)),
        );
        f.insert(
            "CPUUtilization",
            if hot { r.range(93, 99) } else { r.range(2, 45) }.into(),
        );
        f.insert(
            "MemUtilization",
            if hot {
                r.range(85, 93)
            } else {
                r.range(20, 60)
            }
            .into(),
        );
        f.insert("ServiceCount", r.range(2, 60).into());
        f.insert("InterfaceDefRoute", "eth0".into());
        f.insert("DefRouteGW", "10.0.0.1".into());
        f.insert("PrimaryDNSResolver", "10.0.0.2".into());
        let host_start = now_us / 1_000_000 - r.range(86_400, 90 * 86_400);
        let start = auth_us / 1_000_000 - r.below(3_600);
        f.insert("HostStartTime", host_start.to_string().into());
        f.insert("HostUpTime", host_start.to_string().into());
        f.insert(start_key, start.to_string().into());
        f.insert("NumOfInterfaces", 2u64.into());
        for key in [
            "BytesRxInterface",
            "PacketsRxInterface",
            "BytesTxInterface",
            "PacketsTxInterface",
        ] {
            f.insert(key, r.range(1_000_000, 400_000_000_000).into());
        }
        f.insert("DiscardsRxInterface", r.below(3_000).into());
        f.insert("TotalBytesRx", r.range(10_000, 50_000_000).into());
        f.insert("TotalBytesTx", r.range(10_000, 50_000_000).into());
        f.insert("MicroTenantID", node.microtenant.as_str().into());
        f
    }

    fn user_status(&mut self, names: &Names, now_us: u64) -> Fields {
        let r = &mut self.rng;
        let user = r.below(400);
        let status = match r.below(100) {
            0..=3 => "ZPN_STATUS_AUTH_FAILED",
            4..=11 => "ZPN_STATUS_DISCONNECTED",
            _ => "ZPN_STATUS_AUTHENTICATED",
        };
        let mut x = r.below(100);
        let client_type = CLIENT_TYPES
            .iter()
            .find(|(_, w)| {
                let hit = x < *w;
                x = x.saturating_sub(*w);
                hit
            })
            .map_or(CLIENT_TYPES[0].0, |(c, _)| c);
        let (mut hit, mut miss) = (Vec::new(), Vec::new());
        if client_type == "zpn_client_type_zapp" {
            for p in POSTURES {
                if r.percent(8) {
                    miss.push(p.to_string());
                } else {
                    hit.push(p.to_string());
                }
            }
        }
        let mt = if names.microtenants.is_empty() {
            "0"
        } else {
            names.microtenants[user as usize % names.microtenants.len()].as_str()
        };
        let auth_us = now_us.saturating_sub(r.range(60, 10 * 3_600) * 1_000_000);
        let mut f = Fields::new();
        f.insert("LogTimestamp", Value::Time(Some(now_us)));
        f.insert("Customer", names.customer.as_str().into());
        f.insert("Username", format!("user{user:03}@example.com").into());
        f.insert("SessionID", super::activity::token(r, 20).into());
        f.insert("SessionStatus", status.into());
        f.insert("Version", "4.5.0.289".into());
        f.insert("ZEN", "US-CA-9396".into());
        f.insert("CertificateCN", format!("device-{user:04}").into());
        f.insert("PrivateIP", format!("192.168.1.{}", 2 + user % 250).into());
        f.insert("PublicIP", format!("198.51.100.{}", 2 + user % 250).into());
        f.insert("Latitude", Value::Float(37.338208));
        f.insert("Longitude", Value::Float(-121.886329));
        f.insert("CountryCode", "US".into());
        f.insert(
            "TimestampAuthentication",
            Value::Time((status != "ZPN_STATUS_AUTH_FAILED").then_some(auth_us)),
        );
        f.insert(
            "TimestampUnAuthentication",
            Value::Time((status == "ZPN_STATUS_DISCONNECTED").then_some(now_us)),
        );
        f.insert("TotalBytesRx", r.range(1_000, 80_000_000).into());
        f.insert("TotalBytesTx", r.range(1_000, 80_000_000).into());
        let idp = names.idps.get(user as usize % names.idps.len().max(1));
        f.insert("Idp", idp.map_or("0", String::as_str).into());
        f.insert("Hostname", format!("LAPTOP-{user:04}").into());
        f.insert("Platform", "windows".into());
        f.insert("ClientType", client_type.into());
        f.insert("TrustedNetworks", Value::List(Vec::new()));
        f.insert("TrustedNetworksNames", Value::List(Vec::new()));
        f.insert("PosturesHit", Value::List(hit));
        f.insert("PosturesMiss", Value::List(miss));
        f.insert("ZENLatitude", Value::Float(37.0));
        f.insert("ZENLongitude", Value::Float(-121.0));
        f.insert("ZENCountryCode", "US".into());
        f.insert("fqdn_registered", "0".into());
        f.insert("City", "San Jose".into());
        f.insert("MicroTenantID", mt.into());
        f
    }
}
