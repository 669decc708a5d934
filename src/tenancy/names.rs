//! A tenant's API names for the LSS receiver ([`crate::lss::NameSource`]), from its own
//! snapshot: App Connector and Service Edge names with their groups and microtenants (from the
//! fleet collectors), microtenant ids with their names. The index is rebuilt only when one of
//! those collectors published a new result, recognised by pointer.

use std::any::Any;
use std::sync::{Arc, Mutex, Weak};

use arc_swap::ArcSwap;

use crate::collectors::fleet::Fleet;
use crate::collectors::microtenants::MicrotenantList;
use crate::collectors::{app_connectors, microtenants, service_edges};
use crate::lss::{NameSource, Names};
use crate::snapshot::{CollectorData, Snapshot};

/// The index of what `snapshot` knows.
fn from_snapshot(snapshot: &Snapshot) -> Names {
    let mut names = Names::default();
    if let Some(fleet) = data::<Fleet>(snapshot, app_connectors::NAME) {
        for m in &fleet.members {
            names.add_connector(&m.name, &m.group, &m.microtenant);
        }
    }
    if let Some(fleet) = data::<Fleet>(snapshot, service_edges::NAME) {
        for m in &fleet.members {
            names.add_edge(&m.name, &m.group, &m.microtenant);
        }
    }
    if let Some(list) = data::<MicrotenantList>(snapshot, microtenants::NAME) {
        for row in &list.rows {
            names.add_microtenant(&row.id, &row.name);
        }
    }
    names
}

/// The data of `collector` in `snapshot`, when it is a `T`.
fn data<'a, T: Any>(snapshot: &'a Snapshot, collector: &str) -> Option<&'a T> {
    let data: &dyn Any = snapshot.collector(collector)?.data.as_deref()?;
    data.downcast_ref()
}

/// Which results of the three collectors an index was built from.
type Sources = [Option<Weak<dyn CollectorData>>; 3];

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

/// Names from whatever snapshot a function returns when asked (none: no names yet), so a
/// tenant restarted by a reload under the receiver is followed.
pub(crate) struct SnapshotNames {
    newest: Box<dyn Fn() -> Option<Arc<Snapshot>> + Send + Sync>,
    current: ArcSwap<(Sources, Arc<Names>)>,
    rebuilding: Mutex<()>,
}

impl SnapshotNames {
    /// Names from the snapshots `newest` returns.
    pub(crate) fn new(newest: impl Fn() -> Option<Arc<Snapshot>> + Send + Sync + 'static) -> Self {
        let first = newest().map_or_else(
            || (Sources::default(), Arc::default()),
            |s| (sources(&s), Arc::new(from_snapshot(&s))),
        );
        SnapshotNames {
            newest: Box::new(newest),
            current: ArcSwap::from_pointee(first),
            rebuilding: Mutex::new(()),
        }
    }
}

impl NameSource for SnapshotNames {
    fn names(&self) -> Arc<Names> {
        let current = self.current.load_full();
        let Some(snapshot) = (self.newest)() else {
            return current.1.clone();
        };
        let now = sources(&snapshot);
        if same(&now, &current.0) {
            return current.1.clone();
        }
        // One connection rebuilds; the others wait for its result instead of repeating it.
        let _one = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current.load_full();
        if same(&now, &current.0) {
            return current.1.clone();
        }
        let names = Arc::new(from_snapshot(&snapshot));
        self.current.store(Arc::new((now, names.clone())));
        names
    }
}
