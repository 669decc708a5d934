//! The machines that report over LSS about themselves (App Connectors, Private Service Edges):
//! which one a status or metrics log type is about, and where the API's names for it come from.

use super::super::names::Names;
use super::labels::machine;

/// What a node log type reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Machine {
    /// An App Connector.
    AppConnector,
    /// A Private Service Edge.
    ServiceEdge,
}

impl Machine {
    /// The (group, microtenant) the API knows for the machine named `node_name` (a name label:
    /// `none` stays `none`, a name the API does not know is `unknown`).
    pub(super) fn lookup<'n>(self, names: &'n Names, node_name: &str) -> (&'n str, &'n str) {
        machine(node_name, |n| match self {
            Machine::AppConnector => names.connector(n),
            Machine::ServiceEdge => names.edge(n),
        })
    }
}
