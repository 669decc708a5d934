//! Which replica polls which tenant: rendezvous (highest random weight) hashing of tenant names
//! to shard ordinals. Every replica computes the same answer from the tenant names and the
//! replica count alone, so no coordination is needed, and a change of the count moves only the
//! tenants whose best ordinal changed: growing from N to N+1 moves about 1/(N+1) of them (to
//! the new ordinal), shrinking moves only the removed ordinal's.
//!
//! The weight is SHA-256 (FIPS 180-4, from `ring`, already a dependency) of the tenant name and
//! the ordinal: unlike std's SipHash with random keys it is the same on every machine, build
//! and version, which replicas of different versions during a rolling update rely on; a golden
//! test pins the mapping so it never changes silently.

use super::kube::{KubeError, KubeSettings};
use crate::config::Shard;
use std::collections::BTreeSet;

/// This replica's place among the shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// This replica's ordinal, `0..total`.
    pub ordinal: u32,
    /// How many replicas share the tenants; at least 1.
    pub total: u32,
}

impl Membership {
    /// One replica owning everything: no sharding.
    pub const SOLE: Membership = Membership {
        ordinal: 0,
        total: 1,
    };

    /// `--shard.index` / `--shard.total`; `None` unless `index < total`.
    pub fn fixed(index: u32, total: u32) -> Option<Membership> {
        (index < total).then_some(Membership {
            ordinal: index,
            total,
        })
    }

    /// A source that never changes: the static mode's. Its sender is gone, so `changed()`
    /// returns an error at once; read it with `borrow()`.
    pub fn receiver(self) -> tokio::sync::watch::Receiver<Membership> {
        tokio::sync::watch::channel(self).1
    }

    /// Whether this replica polls `tenant`.
    pub fn owns(&self, tenant: &str) -> bool {
        owner(tenant, self.total) == self.ordinal
    }

    /// Whether this replica runs `tenant` pinned to `pinned` (`shard:` in the tenants file),
    /// else by rendezvous hashing. A tenant pinned beyond the replica count runs nowhere
    /// (each replica warns of it).
    pub fn runs(&self, tenant: &str, pinned: Option<u32>) -> bool {
        match pinned {
            Some(ordinal) => ordinal == self.ordinal,
            None => self.owns(tenant),
        }
    }
}

/// The weight of `ordinal` for `tenant`: the first 8 bytes of SHA-256(name, 0, ordinal).
fn weight(tenant: &str, ordinal: u32) -> u64 {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(tenant.as_bytes());
    // The separator keeps ("ab", 1) and ("a", "b1"-like) inputs apart: names never hold NUL.
    ctx.update(&[0]);
    ctx.update(&ordinal.to_be_bytes());
    let digest = ctx.finish();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_ref()[..8]);
    u64::from_be_bytes(first)
}

/// The ordinal that polls `tenant` among `total` shards (0 when `total` is 0 or 1). Ties, which
/// need a 64-bit collision, go to the lower ordinal.
pub(crate) fn owner(tenant: &str, total: u32) -> u32 {
    (0..total.max(1))
        .max_by_key(|&ordinal| (weight(tenant, ordinal), std::cmp::Reverse(ordinal)))
        .unwrap_or(0)
}

/// The tenants among `tenants` that `ordinal` of `total` polls, in their order.
#[cfg(test)]
pub(crate) fn owned<'a, I>(tenants: I, ordinal: u32, total: u32) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    tenants
        .into_iter()
        .filter(|t| owner(t, total) == ordinal)
        .collect()
}

/// How this replica's tenants change from one membership to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ownership {
    /// Newly owned: start polling after one rate window.
    pub gained: BTreeSet<String>,
    /// No longer owned: stop now and drop their series.
    pub lost: BTreeSet<String>,
    /// Owned before and after.
    pub kept: BTreeSet<String>,
}

impl Ownership {
    /// The change for a replica going from `before` (`None`: it owned nothing yet) to `after`,
    /// for tenants given with their pinned ordinal if any.
    pub(crate) fn between<'a, I>(
        tenants: I,
        before: Option<Membership>,
        after: Membership,
    ) -> Ownership
    where
        I: IntoIterator<Item = (&'a str, Option<u32>)>,
    {
        let mut change = Ownership::default();
        for (t, pinned) in tenants {
            let was = before.is_some_and(|m| m.runs(t, pinned));
            match (was, after.runs(t, pinned)) {
                (false, true) => change.gained.insert(t.to_string()),
                (true, false) => change.lost.insert(t.to_string()),
                (true, true) => change.kept.insert(t.to_string()),
                (false, false) => false,
            };
        }
        change
    }
}

/// How many of `tenants` change owner when the shard count goes from `from` to `to`.
#[cfg(test)]
pub(crate) fn moved<'a, I>(tenants: I, from: u32, to: u32) -> usize
where
    I: IntoIterator<Item = &'a str>,
{
    tenants
        .into_iter()
        .filter(|t| owner(t, from) != owner(t, to))
        .count()
}

/// This replica's membership from now on: fixed without sharding or with `--shard.index`,
/// followed on the StatefulSet with `--shard.pod`.
pub(crate) async fn membership(
    shard: &Shard,
) -> Result<tokio::sync::watch::Receiver<Membership>, KubeError> {
    match shard {
        Shard::Sole => Ok(Membership::SOLE.receiver()),
        Shard::Fixed { index, total } => Ok(Membership::fixed(*index, *total)
            .unwrap_or(Membership::SOLE)
            .receiver()),
        Shard::Kube { pod, namespace } => {
            super::kube::follow(KubeSettings::in_cluster(pod, namespace)?).await
        }
    }
}

#[cfg(test)]
#[path = "shard_tests.rs"]
mod tests;
