//! Names the management API knows, so LSS series carry the label values API series carry: the
//! connector group of an App Connector (User Activity and connector metrics records carry no
//! group), the group of a Private Service Edge, and microtenant names for the ids records send.
//!
//! The receiver knows nothing of collectors or snapshots: whoever runs it supplies a
//! [`NameSource`] (the tenant, from its own snapshot), asked once per batch of lines.

use std::collections::HashMap;
use std::sync::Arc;

/// Name lookups, built by the name source from what the API listed.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// App Connector name → (group, microtenant name).
    connectors: HashMap<String, (String, String)>,
    /// Service Edge name → (group, microtenant name).
    edges: HashMap<String, (String, String)>,
    /// Microtenant id → name (`"0"` → `Default`).
    microtenants: HashMap<String, String>,
}

impl Names {
    /// Adds an App Connector, its group and microtenant.
    pub fn add_connector(&mut self, name: &str, group: &str, microtenant: &str) {
        self.connectors.insert(
            name.to_string(),
            (group.to_string(), microtenant.to_string()),
        );
    }

    /// Adds a Private Service Edge, its group and microtenant.
    pub fn add_edge(&mut self, name: &str, group: &str, microtenant: &str) {
        self.edges.insert(
            name.to_string(),
            (group.to_string(), microtenant.to_string()),
        );
    }

    /// Adds a microtenant's id and name.
    pub fn add_microtenant(&mut self, id: &str, name: &str) {
        self.microtenants.insert(id.to_string(), name.to_string());
    }

    /// An index with the given App Connectors (name, group, microtenant): tests and benchmarks
    /// without an API.
    pub fn with_connectors<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Self {
        let mut names = Names::default();
        for (n, g, m) in rows {
            names.add_connector(n, g, m);
        }
        names
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

/// Where a receiver gets its names: asked once per batch of lines, so it should answer from a
/// cache that it rebuilds only when what it reads from changed.
pub trait NameSource: Send + Sync {
    /// The names to count with now.
    fn names(&self) -> Arc<Names>;
}

/// Always the same names (tests, benchmarks, a receiver without an API).
#[derive(Debug, Default)]
pub(crate) struct FixedNames(pub Arc<Names>);

impl NameSource for FixedNames {
    fn names(&self) -> Arc<Names> {
        self.0.clone()
    }
}
