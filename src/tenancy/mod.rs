//! Running tenants: each configured tenant ([`crate::config::TenantSpec`], from the flags or
//! the tenants file) becomes a unit of its own — client, token, rate budget, scheduler on its
//! own poller thread, snapshot store, encoder — so one tenant's bad key, outage or hang never
//! slows another; and several exporters share the tenants by shard.
//!
//! # Tenants
//!
//! Every series of a tenant carries its `name` as the `tenant` label (in single-tenant mode
//! the name is the customer id). A reload (SIGHUP, `POST /-/reload`) loads and validates the
//! whole file first and keeps the old tenants on any error, as Prometheus does; reloads run
//! one at a time ([`control`]).
//!
//! # Shards
//!
//! Beyond one machine, replicas of a StatefulSet split the tenants the kube-state-metrics way:
//! a [`Membership`] (this replica's ordinal and the replica count) and rendezvous hashing of
//! tenant names ([`shard`]) decide who polls which tenant, with no coordination between
//! replicas: every replica computes the same owner for every tenant. A replica change moves
//! only the tenants whose highest-scoring ordinal changed, about 1/N of them.
//!
//! The membership comes from one of two sources, both a
//! `tokio::sync::watch::Receiver<Membership>`:
//!
//! * static: `--shard.index=I --shard.total=N` for plain deployments ([`Membership::fixed`]);
//! * Kubernetes ([`kube`]): `--shard.pod=$(POD_NAME) --shard.namespace=$(POD_NAMESPACE)` (the
//!   downward API); the ordinal is the pod name's `-<n>` suffix, the total the StatefulSet's
//!   `spec.replicas`, followed with a watch.
//!
//! # Applying ownership changes
//!
//! On every membership change the owner set is recomputed ([`shard::Ownership::between`]):
//! a tenant this replica gains starts polling only after one rate window (its previous owner
//! may still be spending the tenant's budget from the same egress); a tenant it loses stops at
//! once and its series are dropped from the next exposition. Every replica exports
//! `zpa_exporter_shard_ordinal`, `zpa_exporter_total_shards` and the tenants it owns, so an
//! alert can fire when a configured tenant is owned by no shard or by two.
//!
//! # Running them
//!
//! [`tenant`] is one tenant as a unit; [`supervisor`] starts and stops them; [`control`]
//! decides which run (configured tenants filtered by shard) and applies reloads and shard
//! changes; [`status`] keeps the reload and shard state the metrics show; [`names`] gives the
//! LSS receiver a tenant's API names from its snapshot.

mod client;
pub(crate) mod control;
mod error;
pub(crate) mod kube;
mod names;
pub(crate) mod poller;
pub(crate) mod shard;
pub(crate) mod status;
pub(crate) mod supervisor;
mod tenant;

pub use kube::{follow, KubeError, KubeSettings};
pub use shard::Membership;
pub(crate) use shard::{membership, Ownership};
pub(crate) use supervisor::{Applied, Supervisor, Tenants};
pub(crate) use tenant::Connection;
