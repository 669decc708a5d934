//! Names from the API snapshot, so LSS series carry the label values API series carry: the
//! connector group of an App Connector (User Activity and connector metrics records have no
//! group), the group of a Private Service Edge, and microtenant names for the ids records send.
//!
//! This is the one place the receiver reads collector data. The index is rebuilt only when the
//! app connector, service edge or microtenant data in the snapshot is a new result.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use arc_swap::ArcSwap;

use crate::collectors::fleet::Fleet;
use crate::collectors::microtenants::MicrotenantList;
use crate::collectors::{app_connectors, microtenants, service_edges, Families};
use crate::snapshot::Snapshot;

/// Name lookups built from one snapshot.
#[derive(Debug, Default)]
pub struct Names {
    /// The collector results this was built from, recognised by pointer.
    sources: Sources,
    /// App Connector name → (group, microtenant name).
    connectors: HashMap<String, (String, String)>,
    /// Service Edge name → (group, microtenant name).
    edges: HashMap<String, (String, String)>,
    /// Microtenant id → name (`"0"` → `Default`).
    microtenants: HashMap<String, String>,
}

impl Names {
    /// The index of what `snapshot` knows.
    pub fn from_snapshot(snapshot: &Snapshot) -> Names {
        let mut names = Names {
            sources: sources(snapshot),
            ..Names::default()
        };
        for (collector, into) in [
            (app_connectors::NAME, &mut names.connectors),
            (service_edges::NAME, &mut names.edges),
        ] {
            if let Some(fleet) = data::<Fleet>(snapshot, collector) {
                for m in &fleet.members {
                    into.insert(m.name.clone(), (m.group.clone(), m.microtenant.clone()));
                }
            }
        }
        if let Some(list) = data::<MicrotenantList>(snapshot, microtenants::NAME) {
            for row in &list.rows {
                names.microtenants.insert(row.id.clone(), row.name.clone());
            }
        }
        names
    }

    /// An index with the given App Connectors (name, group, microtenant), for tests and
    /// benchmarks that have no API snapshot.
    pub fn with_connectors<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Self {
        Names {
            connectors: rows
                .into_iter()
                .map(|(n, g, m)| (n.to_string(), (g.to_string(), m.to_string())))
                .collect(),
            ..Names::default()
        }
    }

    /// The group and microtenant of the App Connector named `name`.
    pub fn connector(&self, name: &str) -> Option<(&str, &str)> {
        self.connectors
            .get(name)
            .map(|(g, m)| (g.as_str(), m.as_str()))
    }

    /// The group and microtenant of the Service Edge named `name`.
    pub fn edge(&self, name: &str) -> Option<(&str, &str)> {
        self.edges.get(name).map(|(g, m)| (g.as_str(), m.as_str()))
    }

    /// The name of the microtenant with id `id`.
    pub fn microtenant(&self, id: &str) -> Option<&str> {
        self.microtenants.get(id).map(String::as_str)
    }
}

/// The data of `collector` in `snapshot`, when it is a `T`.
fn data<'a, T: Any>(snapshot: &'a Snapshot, collector: &str) -> Option<&'a T> {
    let data: &dyn Any = snapshot.collector(collector)?.data.as_deref()?;
    data.downcast_ref()
}

/// Which results of the three collectors an index was built from.
type Sources = [Option<Weak<dyn Families>>; 3];

fn sources(snapshot: &Snapshot) -> Sources {
    [
        app_connectors::NAME,
        service_edges::NAME,
        microtenants::NAME,
    ]
    .map(|c| {
        snapshot
            .collector(c)
            .and_then(|entry| entry.data.as_ref())
            .map(Arc::downgrade)
    })
}

/// Whether `a` and `b` name the same results.
fn same(a: &Sources, b: &Sources) -> bool {
    a.iter().zip(b).all(|pair| match pair {
        (Some(a), Some(b)) => Weak::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    })
}

/// The current [`Names`] of a snapshot store, rebuilt when its fleet or microtenant data
/// changes.
pub struct Join {
    /// The newest snapshot to take names from; none: names are fixed.
    #[allow(clippy::type_complexity)]
    newest: Option<Box<dyn Fn() -> Option<Arc<Snapshot>> + Send + Sync>>,
    current: ArcSwap<Names>,
    rebuilding: Mutex<()>,
}

impl Join {
    /// Names from whatever snapshot `newest` returns when asked (none: no names yet), for a
    /// tenant that may be restarted by a reload under the receiver.
    pub fn from_fn(newest: impl Fn() -> Option<Arc<Snapshot>> + Send + Sync + 'static) -> Self {
        let first = newest()
            .map(|s| Names::from_snapshot(&s))
            .unwrap_or_default();
        Join {
            current: ArcSwap::from_pointee(first),
            newest: Some(Box::new(newest)),
            rebuilding: Mutex::new(()),
        }
    }

    /// Always `names` (tests, benchmarks).
    pub fn fixed(names: Names) -> Self {
        Join {
            newest: None,
            current: ArcSwap::from_pointee(names),
            rebuilding: Mutex::new(()),
        }
    }

    /// The names of the newest snapshot.
    pub fn names(&self) -> Arc<Names> {
        let current = self.current.load_full();
        let Some(snapshot) = self.newest.as_ref().and_then(|newest| newest()) else {
            return current;
        };
        if same(&sources(&snapshot), &current.sources) {
            return current;
        }
        // One connection rebuilds; the others wait for its result instead of repeating it.
        let _one = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current.load_full();
        if same(&sources(&snapshot), &current.sources) {
            return current;
        }
        let names = Arc::new(Names::from_snapshot(&snapshot));
        self.current.store(names.clone());
        names
    }
}
