//! Several ZPA tenants in one exporter, and several exporters sharing the tenants (issue 19).
//!
//! # Tenants
//!
//! A tenants file (`--config.file`, [`config`]) lists tenants, each validated into a
//! [`TenantSpec`]: the same facts a single tenant's flags give, plus a unique `name` that
//! becomes the `tenant` label of every series of that tenant (in single-tenant mode the name is
//! the customer id). Each tenant is meant to get its own client, token, rate budget and
//! scheduler, so one tenant's bad key, outage or hang never slows another. A reload (SIGHUP,
//! `POST /-/reload`) loads and validates the whole file first and keeps the old tenants on any
//! error ([`FileError`]), as Prometheus does.
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
//! [`runtime`] starts and stops each tenant as a unit (client, scheduler on its own poller
//! thread, snapshot store, encoder); [`control`] decides which run (configured tenants filtered
//! by shard), applies reloads and shard changes; [`status`] exports the reload and shard state.

pub mod config;
pub(crate) mod control;
mod error;
pub mod kube;
mod raw;
pub(crate) mod runtime;
pub mod shard;
pub(crate) mod startup;
pub(crate) mod status;

pub use config::{TenantSpec, TenantsFile};
pub use error::{FieldProblem, FileError, TenantError};
pub use kube::{follow, KubeError, KubeSettings};
pub use shard::{Membership, Ownership};
