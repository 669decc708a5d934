//! Writes the LSS families from the receiver's [`State`] at scrape time, under the names and
//! labels of their table in [`super::metrics`].

use std::fmt;
use std::sync::atomic::Ordering::Relaxed;

use super::aggregate::{NodeMetrics, State, POLICY_BOUNDS, SETUP_BOUNDS, UNKNOWN_SLOT};
use super::listen::ListenerStats;
use super::metrics::*;
use super::record::Reject;
use super::series::Family;
use super::{LogType, UNKNOWN_TYPE};
use crate::metrics::descriptors::Descriptor;
use crate::metrics::families::Writer;

/// Writes every LSS family from `state` and the listeners' counts.
pub fn write(w: &mut Writer, state: &State, listeners: &[(&str, &ListenerStats)]) -> fmt::Result {
    let n = |id: u32| state.names.name(id);
    let labels = |k: &[u32]| k.iter().map(|id| n(*id)).collect::<Vec<_>>();
    w.family(
        &USER_CONNECTIONS,
        state.connections.iter().map(|(k, v)| (labels(k), *v)),
    )?;
    w.histogram(
        &SERVER_SETUP,
        &SETUP_BOUNDS,
        state
            .server_setup
            .iter()
            .map(|(k, h)| (labels(k), h.buckets.to_vec(), h.sum, h.count)),
    )?;
    w.histogram(
        &POLICY_PROCESSING,
        &POLICY_BOUNDS,
        state
            .policy
            .iter()
            .map(|(k, h)| (labels(k), h.buckets.to_vec(), h.sum, h.count)),
    )?;
    const DIRECTIONS: [&str; 4] = ["from_client", "to_client", "from_connector", "to_connector"];
    w.family(
        &USER_BYTES,
        state.bytes.iter().flat_map(|(k, sums)| {
            DIRECTIONS
                .iter()
                .zip(sums)
                .map(move |(dir, v)| ([n(k[0]), n(k[1]), dir], *v))
        }),
    )?;
    write_nodes(w, state, &state.connector_metrics, true)?;
    write_nodes(w, state, &state.edge_metrics, false)?;
    w.family(
        &AC_SESSIONS,
        state
            .connector_sessions
            .iter()
            .map(|(k, v)| (labels(k), *v)),
    )?;
    w.family(
        &AC_VERSION,
        state
            .connector_versions
            .iter()
            .map(|(k, v)| ([n(k[0]), n(v.group), n(v.version), n(v.platform)], 1u64)),
    )?;
    w.family(
        &AC_LAST_AUTH,
        state
            .connector_last_auth
            .iter()
            .map(|(k, v)| (labels(k), *v)),
    )?;
    w.family(
        &SE_SESSIONS,
        state.edge_sessions.iter().map(|(k, v)| (labels(k), *v)),
    )?;
    w.family(
        &SE_VERSION,
        state
            .edge_versions
            .iter()
            .map(|(k, v)| ([n(k[0]), n(v.group), n(v.version), n(v.platform)], 1u64)),
    )?;
    w.family(
        &SE_LAST_AUTH,
        state.edge_last_auth.iter().map(|(k, v)| (labels(k), *v)),
    )?;
    w.family(
        &USER_SESSIONS,
        state.user_sessions.iter().map(|(k, v)| (labels(k), *v)),
    )?;
    w.family(
        &USER_POSTURES,
        state.postures.iter().map(|(k, v)| (labels(k), *v)),
    )?;
    write_receiver(w, state, listeners)
}

/// The receiver's own families: present from the start (zeros), so rates and alerts work
/// before the first record.
fn write_receiver(
    w: &mut Writer,
    state: &State,
    listeners: &[(&str, &ListenerStats)],
) -> fmt::Result {
    let slot_name = |slot: usize| LogType::ALL.get(slot).map_or(UNKNOWN_TYPE, |t| t.id());
    w.family(
        &RECEIVED,
        (0..=UNKNOWN_SLOT).map(|s| ([slot_name(s)], state.received[s])),
    )?;
    w.family(
        &PARSED,
        (0..UNKNOWN_SLOT).map(|s| ([slot_name(s)], state.parsed[s])),
    )?;
    w.family(
        &REJECTED,
        (0..=UNKNOWN_SLOT).flat_map(|s| {
            Reject::ALL
                .iter()
                .map(move |r| ([slot_name(s), r.label()], state.rejected[s][r.index()]))
        }),
    )?;
    w.family(
        &RECEIVED_BYTES,
        listeners.iter().map(|(l, s)| ([*l], s.bytes.load(Relaxed))),
    )?;
    w.family(
        &CONNECTIONS,
        listeners
            .iter()
            .map(|(l, s)| ([*l], s.open.load(Relaxed).max(0) as u64)),
    )?;
    w.family(
        &CONNECTIONS_TOTAL,
        listeners.iter().flat_map(|(l, s)| {
            ListenerStats::RESULTS
                .iter()
                .enumerate()
                .map(move |(i, r)| ([*l, r], s.results[i].load(Relaxed)))
        }),
    )?;
    let families = [
        (state.connections.name, state.connections.dropped),
        (state.server_setup.name, state.server_setup.dropped),
        (state.policy.name, state.policy.dropped),
        (state.bytes.name, state.bytes.dropped),
        (
            state.connector_metrics.name,
            state.connector_metrics.dropped,
        ),
        (state.edge_metrics.name, state.edge_metrics.dropped),
        (
            state.connector_sessions.name,
            state.connector_sessions.dropped,
        ),
        (state.edge_sessions.name, state.edge_sessions.dropped),
        (
            state.connector_versions.name,
            state.connector_versions.dropped,
        ),
        (state.edge_versions.name, state.edge_versions.dropped),
        (
            state.connector_last_auth.name,
            state.connector_last_auth.dropped,
        ),
        (state.edge_last_auth.name, state.edge_last_auth.dropped),
        (state.user_sessions.name, state.user_sessions.dropped),
        (state.postures.name, state.postures.dropped),
    ];
    w.family(&SERIES_DROPPED, families.iter().map(|(f, v)| ([*f], *v)))?;
    w.family(
        &LAST_RECORD,
        (0..UNKNOWN_SLOT).filter_map(|s| state.last_record[s].map(|t| ([slot_name(s)], t))),
    )
}

/// The metrics-record gauges of App Connectors (`connector`) or Private Service Edges.
fn write_nodes(
    w: &mut Writer,
    state: &State,
    nodes: &Family<3, NodeMetrics>,
    connector: bool,
) -> fmt::Result {
    let n = |id: u32| state.names.name(id);
    let base = |k: &[u32; 3]| [n(k[0]), n(k[1]), n(k[2])];
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
    let (cpu, sys, proc_, ports, avail, fds, disk, last) = if connector {
        (
            &AC_CPU,
            &AC_SYSTEM_MEMORY,
            &AC_PROCESS_MEMORY,
            &AC_USED_PORTS,
            &AC_AVAILABLE_PORTS,
            &AC_FILE_DESCRIPTORS,
            &AC_DISK,
            &AC_LAST_REPORT,
        )
    } else {
        (
            &SE_CPU,
            &SE_SYSTEM_MEMORY,
            &SE_PROCESS_MEMORY,
            &SE_USED_PORTS,
            &SE_AVAILABLE_PORTS,
            &SE_FILE_DESCRIPTORS,
            &SE_DISK,
            &SE_LAST_REPORT,
        )
    };
    gauge(w, cpu, |m| m.cpu)?;
    gauge(w, sys, |m| m.system_memory)?;
    gauge(w, proc_, |m| m.process_memory)?;
    w.family(
        ports,
        nodes.iter().flat_map(|(k, m)| {
            PORTS
                .iter()
                .zip(m.used_ports)
                .filter_map(move |(p, v)| v.map(|v| (with(k, *p), v)))
        }),
    )?;
    gauge(w, avail, |m| m.available_ports)?;
    w.family(
        fds,
        nodes.iter().flat_map(|(k, m)| {
            FDS.iter()
                .zip(m.fds)
                .filter_map(move |(p, v)| v.map(|v| (with(k, *p), v)))
        }),
    )?;
    if connector {
        w.family(
            &AC_EDGE_CONNECTIONS,
            nodes.iter().flat_map(|(k, m)| {
                EDGES
                    .iter()
                    .zip(m.edge_connections)
                    .filter_map(move |(p, v)| v.map(|v| (with(k, *p), v)))
            }),
        )?;
        w.family(
            &AC_TARGETS,
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
        gauge(w, &AC_APP_CONNECTIONS_ACTIVE, |m| m.app_connections_active)?;
        w.family(
            &AC_APP_CONNECTIONS_CREATED,
            nodes
                .iter()
                .map(|(k, m)| (base(k), m.app_connections_created)),
        )?;
        w.family(
            &AC_APP_CONNECTIONS_CLEARED,
            nodes
                .iter()
                .map(|(k, m)| (base(k), m.app_connections_cleared)),
        )?;
    }
    gauge(w, disk, |m| m.available_disk)?;
    gauge(w, last, |m| Some(m.last_report))
}
