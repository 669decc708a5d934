//! The assignment as a pure function: one owner each, few moves, and a pinned mapping.

use proptest::prelude::*;

use super::*;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("tenant-{i:02}")).collect()
}

#[test]
fn every_tenant_has_exactly_one_owner_for_every_total() {
    let tenants = names(200);
    for total in 1..=10u32 {
        for t in &tenants {
            let owners: Vec<u32> = (0..total)
                .filter(|&o| Membership { ordinal: o, total }.owns(t))
                .collect();
            assert_eq!(owners.len(), 1, "{t} among {total}: {owners:?}");
        }
        let sum: usize = (0..total)
            .map(|o| owned(tenants.iter().map(String::as_str), o, total).len())
            .sum();
        assert_eq!(sum, tenants.len(), "{total} shards");
    }
}

#[test]
fn twenty_tenants_one_to_three_to_two() {
    let tenants = names(20);
    let list = || tenants.iter().map(String::as_str);
    let mut owners_by_step = Vec::new();
    for total in [1u32, 3, 2] {
        let per_shard: Vec<Vec<&str>> = (0..total).map(|o| owned(list(), o, total)).collect();
        let mut all: Vec<&str> = per_shard.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all.len(), 20, "every tenant once at {total}: {per_shard:?}");
        all.dedup();
        assert_eq!(all.len(), 20, "no tenant twice at {total}");
        owners_by_step.push(per_shard.iter().map(Vec::len).collect::<Vec<_>>());
    }
    let up = moved(list(), 1, 3);
    let down = moved(list(), 3, 2);
    println!(
        "20 tenants: per shard {owners_by_step:?}; 1 -> 3 moved {up} (ideal 13.3), \
         3 -> 2 moved {down} (ideal: shard 2's tenants, 6.7)"
    );
    // Growing moves only what the new shards take; shrinking only the removed shard's.
    assert_eq!(up, 20 - owned(list(), 0, 3).len());
    assert_eq!(down, owned(list(), 2, 3).len());
    // Pinned with the hash (see the golden mapping); 1 -> 3 near its ideal, 3 -> 2
    // exactly shard 2's share of this sample.
    assert_eq!((up, down), (12, 4));
}

#[test]
fn ownership_changes_between_memberships() {
    let tenants = names(20);
    let list = || tenants.iter().map(String::as_str);
    let first = Ownership::between(list().map(|t| (t, None)), None, Membership::SOLE);
    assert_eq!(first.gained.len(), 20);
    let m3 = Membership::fixed(0, 3).unwrap();
    let shrink = Ownership::between(list().map(|t| (t, None)), Some(Membership::SOLE), m3);
    assert!(shrink.gained.is_empty());
    assert_eq!(shrink.kept.len(), owned(list(), 0, 3).len());
    assert_eq!(shrink.lost.len(), 20 - shrink.kept.len());
    // Ordinal 1 going from 3 shards to 2 keeps its own and takes some of ordinal 2's.
    let (before, after) = (Membership::fixed(1, 3), Membership::fixed(1, 2).unwrap());
    let change = Ownership::between(list().map(|t| (t, None)), before, after);
    assert!(change.lost.is_empty(), "{change:?}");
    for t in &change.gained {
        assert_eq!(owner(t, 3), 2, "{t} came from the removed shard");
    }
    assert_eq!(Membership::fixed(3, 3), None);
}

/// The mapping of a fixed set of names for 1..=5 shards. If this fails, the hash changed: replicas
/// of the old and new versions would disagree during a rolling update. Change it only on
/// purpose, with a changelog line.
#[test]
fn golden_mapping() {
    let got: Vec<String> = [
        "acme",
        "globex",
        "initech",
        "umbrella",
        "216196257331281920",
    ]
    .iter()
    .map(|t| {
        let owners: Vec<String> = (1..=5).map(|n| owner(t, n).to_string()).collect();
        format!("{t}:{}", owners.join(""))
    })
    .collect();
    assert_eq!(got, GOLDEN, "{got:?}");
}

const GOLDEN: [&str; 5] = [
    "acme:01111",
    "globex:01111",
    "initech:01111",
    "umbrella:00034",
    "216196257331281920:00222",
];

proptest! {
    /// Growing by one shard only ever moves a tenant to the new shard.
    #[test]
    fn growing_moves_only_to_the_new_shard(name in "[a-z0-9._-]{1,20}", total in 1u32..12) {
        let (before, after) = (owner(&name, total), owner(&name, total + 1));
        prop_assert!(after == before || after == total);
        prop_assert!(after <= total);
    }
}

#[test]
fn a_pinned_tenant_runs_on_its_ordinal_only() {
    let total = 3;
    let hashed = owner("pinned-tenant", total);
    let pinned = (hashed + 1) % total;
    for ordinal in 0..total {
        let m = Membership { ordinal, total };
        assert_eq!(m.runs("pinned-tenant", Some(pinned)), ordinal == pinned);
        assert_eq!(m.runs("pinned-tenant", None), ordinal == hashed);
    }
    // Pinned beyond the replica count: nowhere; and a scale change never moves it.
    assert!((0..total).all(|o| !Membership { ordinal: o, total }.runs("t", Some(total))));
    let grow = Ownership::between(
        [("t", Some(0))],
        Some(Membership {
            ordinal: 0,
            total: 1,
        }),
        Membership {
            ordinal: 0,
            total: 4,
        },
    );
    assert!(grow.kept.contains("t") && grow.lost.is_empty());
}
