//! The metrics log types of machines (App Connector Metrics `zpn_ast_comprehensive_stats`,
//! Private Service Edge Metrics `zpn_pbroker_comprehensive_stats`): per machine its CPU,
//! memory, ports, file descriptors and disk at its last report (App Connectors also their
//! microtunnels and targets). One record shape and one way of counting; each log type's file
//! names its families and its machine.

use std::fmt;

use super::labels::{microtenant, name, num, set, str_of};
use super::machine::Machine;
use super::{Counting, Tally};
use crate::lss::fields::{lss_record, parse, Num, Reject, Text};
use crate::lss::series::{Family, Interner};
use crate::metric_model::{Descriptor, Writer};

/// The families of one machine's metrics log type.
#[derive(Debug)]
pub(crate) struct MetricsFamilies {
    pub cpu: Descriptor,
    pub system_memory: Descriptor,
    pub process_memory: Descriptor,
    pub used_ports: Descriptor,
    pub available_ports: Descriptor,
    pub file_descriptors: Descriptor,
    /// What only App Connectors report.
    pub connector: Option<ConnectorFamilies>,
    pub disk: Descriptor,
    pub last_report: Descriptor,
}

/// The families only App Connector Metrics records feed.
#[derive(Debug)]
pub(crate) struct ConnectorFamilies {
    pub edge_connections: Descriptor,
    pub targets: Descriptor,
    pub app_connections_active: Descriptor,
    pub app_connections_created: Descriptor,
    pub app_connections_cleared: Descriptor,
}

lss_record! {
    /// What the metrics read of a machine's metrics record.
    pub struct Record<'a> {
        Connector: Text<'a>,
        PrivateSE: Text<'a>,
        MicroTenantID: Text<'a>,
        CPUUtilization: Num,
        SystemMemoryUtilization: Num,
        ProcessMemoryUtilization: Num,
        TargetCount: Num,
        AliveTargetCount: Num,
        ActiveConnectionsToPublicSE: Num,
        DisconnectedConnectionsToPublicSE: Num,
        ActiveConnectionsToPrivateSE: Num,
        DisconnectedConnectionsToPrivateSE: Num,
        AppConnectionsCreated: Num,
        AppConnectionsCleared: Num,
        AppConnectionsActive: Num,
        UsedTCPPortsIPv4: Num,
        UsedUDPPortsIPv4: Num,
        UsedTCPPortsIPv6: Num,
        UsedUDPPortsIPv6: Num,
        AvailablePorts: Num,
        SystemMaximumFileDescriptors: Num,
        SystemUsedFileDescriptors: Num,
        ProcessMaximumFileDescriptors: Num,
        ProcessUsedFileDescriptors: Num,
        AvailableDiskBytes: Num,
    }
    ignored: [
        "LogTimestamp", "AppCount", "ServiceCount", "TransmittedBytesToPublicSE",
        "ReceivedBytesFromPublicSE", "TransmittedBytesToPrivateSE",
        "ReceivedBytesFromPrivateSE",
    ]
}

/// Gauges and counters of one machine from its metrics records.
#[derive(Debug, Default, Clone)]
struct NodeMetrics {
    cpu: Option<f64>,
    system_memory: Option<f64>,
    process_memory: Option<f64>,
    /// TCP v4, UDP v4, TCP v6, UDP v6.
    used_ports: [Option<f64>; 4],
    available_ports: Option<f64>,
    /// system used, system max, process used, process max.
    fds: [Option<f64>; 4],
    /// public active, public disconnected, private active, private disconnected.
    edge_connections: [Option<f64>; 4],
    /// alive, total.
    targets: [Option<f64>; 2],
    app_connections_active: Option<f64>,
    app_connections_created: f64,
    app_connections_cleared: f64,
    available_disk: Option<f64>,
    last_report: f64,
}

/// The metrics series of one machine kind: name, group, microtenant → its figures.
#[derive(Debug)]
pub(crate) struct NodeMetricsTally {
    machine: Machine,
    families: &'static MetricsFamilies,
    nodes: Family<3, NodeMetrics>,
}

impl NodeMetricsTally {
    /// An empty tally of `machine`'s metrics records, written as `families`; `dropped_label`
    /// names its series in `zpa_lss_series_dropped_total`.
    pub(crate) fn new(
        machine: Machine,
        families: &'static MetricsFamilies,
        dropped_label: &'static str,
    ) -> Self {
        NodeMetricsTally {
            machine,
            families,
            nodes: Family::new(dropped_label, [true, true, true]),
        }
    }
}

impl Tally for NodeMetricsTally {
    fn count(&mut self, line: &[u8], at: &mut Counting<'_>) -> Result<(), Reject> {
        let f: Record<'_> = parse(line)?;
        let node_name = name(match self.machine {
            Machine::AppConnector => str_of(&f.Connector),
            Machine::ServiceEdge => str_of(&f.PrivateSE),
        });
        let (group, known_mt) = self.machine.lookup(at.names, node_name);
        let microtenant = match str_of(&f.MicroTenantID) {
            "" if known_mt != "unknown" => known_mt,
            id => microtenant(at.names, id),
        };
        let m = self
            .nodes
            .entry(at.labels, at.cap, [node_name, group, microtenant]);
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
        m.last_report = at.now;
        Ok(())
    }

    fn write(&self, w: &mut Writer, labels: &Interner) -> fmt::Result {
        write_nodes(w, labels, &self.nodes, self.families)
    }

    fn dropped(&self) -> Vec<(&'static str, u64)> {
        vec![(self.nodes.name, self.nodes.dropped)]
    }
}

const PORTS: [[&str; 2]; 4] = [["tcp", "4"], ["udp", "4"], ["tcp", "6"], ["udp", "6"]];
const FDS: [[&str; 2]; 4] = [
    ["system", "used"],
    ["system", "max"],
    ["process", "used"],
    ["process", "max"],
];
const EDGES: [[&str; 2]; 4] = [
    ["public", "active"],
    ["public", "disconnected"],
    ["private", "active"],
    ["private", "disconnected"],
];

fn write_nodes(
    w: &mut Writer,
    labels: &Interner,
    nodes: &Family<3, NodeMetrics>,
    ds: &MetricsFamilies,
) -> fmt::Result {
    let base = |k: &[u32; 3]| k.map(|id| labels.name(id));
    let gauge = |w: &mut Writer, desc: &Descriptor, get: fn(&NodeMetrics) -> Option<f64>| {
        w.family(
            desc,
            nodes
                .iter()
                .filter_map(|(k, m)| get(m).map(|v| (base(k), v))),
        )
    };
    let with = |k: &[u32; 3], extra: [&'static str; 2]| {
        let [a, b, c] = base(k);
        [a, b, c, extra[0], extra[1]]
    };
    let pairs = |w: &mut Writer,
                 desc: &Descriptor,
                 names: &'static [[&'static str; 2]; 4],
                 get: fn(&NodeMetrics) -> [Option<f64>; 4]| {
        w.family(
            desc,
            nodes.iter().flat_map(|(k, m)| {
                names
                    .iter()
                    .zip(get(m))
                    .filter_map(move |(p, v)| v.map(|v| (with(k, *p), v)))
            }),
        )
    };
    gauge(w, &ds.cpu, |m| m.cpu)?;
    gauge(w, &ds.system_memory, |m| m.system_memory)?;
    gauge(w, &ds.process_memory, |m| m.process_memory)?;
    pairs(w, &ds.used_ports, &PORTS, |m| m.used_ports)?;
    gauge(w, &ds.available_ports, |m| m.available_ports)?;
    pairs(w, &ds.file_descriptors, &FDS, |m| m.fds)?;
    if let Some(c) = &ds.connector {
        pairs(w, &c.edge_connections, &EDGES, |m| m.edge_connections)?;
        w.family(
            &c.targets,
            nodes.iter().flat_map(|(k, m)| {
                ["alive", "total"]
                    .into_iter()
                    .zip(m.targets)
                    .filter_map(move |(s, v)| {
                        let [a, b, c] = base(k);
                        v.map(|v| ([a, b, c, s], v))
                    })
            }),
        )?;
        gauge(w, &c.app_connections_active, |m| m.app_connections_active)?;
        w.family(
            &c.app_connections_created,
            nodes
                .iter()
                .map(|(k, m)| (base(k), m.app_connections_created)),
        )?;
        w.family(
            &c.app_connections_cleared,
            nodes
                .iter()
                .map(|(k, m)| (base(k), m.app_connections_cleared)),
        )?;
    }
    gauge(w, &ds.disk, |m| m.available_disk)?;
    gauge(w, &ds.last_report, |m| Some(m.last_report))
}
