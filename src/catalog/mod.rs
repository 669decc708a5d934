//! The catalog: every family the product serves — the exporter's own ([`own`]), each
//! collector's (declared in its file, listed in `collectors::ALL`) and each LSS log type's
//! (declared in its file, listed in `lss::LOG_TYPES`) — in one table, [`ALL`], and how the
//! exporter's own state writes its families ([`state`], [`process`]). The README's metrics
//! reference is generated from [`ALL`] ([`reference_table`]), and the dashboard and alert tests
//! check their queries against it: one source of truth. Nothing below the catalog imports it.

pub(crate) mod own;
pub(crate) mod process;
pub(crate) mod state;

use std::sync::LazyLock;

use crate::metric_model::{Descriptor, Source};
use own::{CLIENT, DERIVED, GLOBAL, PROCESS, STATE};

/// Every metric: the exporter's own families, each registered collector's and each LSS log
/// type's, in the order the README lists them. Built once, on first use, from the registries.
pub static ALL: LazyLock<Vec<&'static Descriptor>> = LazyLock::new(|| {
    let collectors = crate::collectors::ALL.iter().map(|spec| spec.families);
    // A source of families that is not a collector is one more entry in this list.
    std::iter::once(STATE)
        .chain(collectors)
        .chain([
            DERIVED,
            CLIENT,
            GLOBAL,
            PROCESS,
            crate::lss::FAMILIES.as_slice(),
        ])
        .flatten()
        .copied()
        .collect()
});

/// The README's metrics reference, generated from [`ALL`].
pub fn reference_table() -> String {
    let mut out =
        String::from("| metric | type | labels | source | meaning |\n|---|---|---|---|---|\n");
    for d in ALL.iter() {
        let labels: Vec<String> = d.all_labels().map(|l| format!("`{l}`")).collect();
        let source = match d.source {
            Source::Exporter => "exporter".to_string(),
            Source::Client => "ZPA client".to_string(),
            Source::Collector(c) => format!("`{c}`"),
            Source::Process => "process".to_string(),
            Source::Lss(log_type) => format!("LSS `{log_type}`"),
            Source::Global => "exporter (process-wide)".to_string(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            d.name,
            d.kind.name(),
            labels.join(", "),
            source,
            d.help.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric_model::Kind;
    use std::collections::BTreeSet;
    use Source::Collector;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for d in ALL.iter() {
            assert!(seen.insert(d.name), "{} declared twice", d.name);
            assert!(
                d.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                d.name
            );
            assert_eq!(
                d.kind == Kind::Counter,
                d.name.ends_with("_total"),
                "{}",
                d.name
            );
            assert!(d.help.ends_with('.'), "{}: HELP is a sentence", d.name);
            assert!(
                !d.help.contains('"'),
                "{}: OpenMetrics HELP must not carry quotes",
                d.name
            );
            let labels: BTreeSet<_> = d.labels.iter().collect();
            assert_eq!(labels.len(), d.labels.len(), "{}: a label twice", d.name);
        }
    }

    /// A collector's families name it as their source (a copied descriptor that still names
    /// another collector would mislabel the README and the HELP text), and only collectors'
    /// families do.
    #[test]
    fn collector_families_name_their_collector() {
        for spec in crate::collectors::ALL {
            assert!(
                !spec.families.is_empty(),
                "{} declares no family",
                spec.name
            );
            for d in spec.families {
                assert_eq!(d.source, Collector(spec.name), "{}", d.name);
            }
        }
        let from_collectors: usize = crate::collectors::ALL
            .iter()
            .map(|s| s.families.len())
            .sum();
        let naming_a_collector = ALL
            .iter()
            .filter(|d| matches!(d.source, Collector(_)))
            .count();
        assert_eq!(from_collectors, naming_a_collector);
    }

    #[test]
    fn the_exporter_families_frame_the_collectors_in_a_stable_order() {
        let names: Vec<&str> = ALL.iter().map(|d| d.name).collect();
        assert_eq!(names.first(), Some(&"zpa_config_error"));
        let first_lss = names
            .iter()
            .position(|n| n.starts_with("zpa_lss_"))
            .unwrap();
        assert_eq!(names[first_lss - 1], "process_max_fds");
        assert!(names[first_lss..].iter().all(|n| n.starts_with("zpa_lss_")));
        let first_collector = ALL
            .iter()
            .position(|d| matches!(d.source, Collector(_)))
            .unwrap();
        assert_eq!(names[first_collector - 1], "zpa_exporter_build_info");
        assert_eq!(names[first_collector], "zpa_microtenant_info");
    }
}
