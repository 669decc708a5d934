//! The metrics table (`zpa_exporter::FAMILIES`) is the contract: the README's
//! metrics reference is generated from it (`ZPA_UPDATE_README=1 cargo test --test
//! metrics_reference` rewrites it; with `CI` set it fails instead), the collector registry, the
//! README and what the dashboards, alerts and runbook use agree, and a tenant that exercises every collector emits
//! exactly the metrics it lists. The tenant is read through OneAPI: `zpa_api_ratelimit_remaining` comes
//! from the OneAPI gateway's headers and exists only there; every other metric is the same
//! with a legacy API key.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;
use zpa_exporter::{reference_table, FAMILIES};
use zpa_simulator::{Fault, FaultKind};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const START: &str = "<!-- metrics reference: generated from src/catalog -->\n";
const END: &str = "<!-- end of metrics reference -->\n";

#[test]
fn readme_reference_is_generated_from_the_table() {
    let update = std::env::var_os("ZPA_UPDATE_README").is_some();
    // Rewriting the README would pass whatever the table says: CI only checks.
    assert!(
        !(update && std::env::var_os("CI").is_some()),
        "ZPA_UPDATE_README is set under CI: CI checks the README's metrics reference and never \
         rewrites it; unset ZPA_UPDATE_README (rewrite the README on a development machine and \
         commit it)"
    );
    let readme = std::fs::read_to_string(README).unwrap();
    let (before, rest) = readme
        .split_once(START)
        .expect("README has the start marker");
    let (current, after) = rest.split_once(END).expect("README has the end marker");
    let generated = reference_table();
    if current != generated {
        if update {
            std::fs::write(README, format!("{before}{START}{generated}{END}{after}")).unwrap();
            return;
        }
        panic!(
            "the README's metrics reference is out of date: run \
             `ZPA_UPDATE_README=1 cargo test --test metrics_reference`; expected:\n{generated}"
        );
    }
}

/// The README's metrics reference: metric name -> its source column.
fn readme_rows() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(README).unwrap();
    let table = readme
        .split_once(START)
        .unwrap()
        .1
        .split_once(END)
        .unwrap()
        .0;
    let mut rows = BTreeMap::new();
    for line in table.lines().skip(2) {
        // | `name` | type | labels | source | meaning |  (only the meaning may hold a `\|`)
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`').to_string();
        let previous = rows.insert(name.clone(), cells[4].to_string());
        assert!(previous.is_none(), "{name} is in the README twice");
    }
    rows
}

/// Every `zpa_*` name in `text` (a trailing `_`, as in `zpa_.*` or `zpa_*`, is a pattern).
fn zpa_names(text: &str) -> BTreeSet<String> {
    let is_name = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("zpa_") {
        // Inside a recording rule's `level:metric:operations` name the metric part is the
        // rule's own (`tenant:zpa_collectors_failing:sum`), not an exported family.
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_name(c) || c == ':')
        {
            continue;
        }
        let name: String = text[at..].chars().take_while(|&c| is_name(c)).collect();
        if !name.ends_with('_') {
            names.insert(name);
        }
    }
    names
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The collector registry, the README's reference and the shipped dashboards, alerts and
/// runbook agree: each registered collector's families are README rows naming it, each README
/// row naming a collector names a registered one that declares it, and every `zpa_*` metric the
/// dashboards, the alerts (and their unit tests) and the runbook use is in the README.
#[test]
fn registry_readme_and_dashboards_agree() {
    let rows = readme_rows();
    for spec in zpa_exporter::COLLECTORS {
        assert!(
            !spec.families.is_empty(),
            "{} declares no family",
            spec.name
        );
        for family in spec.families {
            assert_eq!(
                rows.get(family.name).map(String::as_str),
                Some(format!("`{}`", spec.name).as_str()),
                "{}: the README must list it under the {} collector",
                family.name,
                spec.name
            );
        }
    }
    for (name, source) in &rows {
        let Some(collector) = source.strip_prefix('`').and_then(|s| s.strip_suffix('`')) else {
            continue;
        };
        let spec = zpa_exporter::COLLECTORS
            .iter()
            .find(|s| s.name == collector)
            .unwrap_or_else(|| panic!("{name}: the README names {collector}, not registered"));
        assert!(
            spec.families.iter().any(|f| f.name == name),
            "{name}: not among {collector}'s declared families"
        );
    }

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut shipped = Vec::new();
    files_under(&root.join("dashboards"), &mut shipped);
    files_under(&root.join("alerts"), &mut shipped);
    shipped.push(root.join("docs/runbook.md"));
    let mut used = BTreeSet::new();
    for path in shipped.iter().filter(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yml" | "yaml" | "md")
        )
    }) {
        for name in zpa_names(&std::fs::read_to_string(path).unwrap()) {
            // A histogram's series are listed under the histogram's name.
            let name = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .filter(|base| rows.contains_key(*base))
                .map_or(name.clone(), str::to_string);
            assert!(
                rows.contains_key(&name),
                "{}: uses {name}, which the README does not list",
                path.display()
            );
            used.insert(name);
        }
    }
    assert!(
        used.contains("zpa_up") && used.contains("zpa_app_connector_up"),
        "the scan found the dashboards' and alerts' metrics: {used:?}"
    );
}

#[test]
fn the_name_scanner_skips_patterns_and_longer_words() {
    assert_eq!(
        zpa_names(r#"sum(zpa_up{job="x"}) / my_zpa_up + {__name__=~"zpa_.*"} zpa_* zpa_a1"#),
        BTreeSet::from(["zpa_up".to_string(), "zpa_a1".to_string()])
    );
}

fn emitted_metrics(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

#[tokio::test]
async fn readme_lists_exactly_the_emitted_metrics() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    // One 503 makes the client retry, so the retry counter has a series.
    sim.control().set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::Status(503),
        count: Some(1),
        skip: 0,
    });
    let mut config = with_oneapi(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &sim,
        &sim_config,
        oneapi_secret(&sim_config),
    );
    config.collector_options.segment_info = true;
    // The LSS receiver's families need a listener and a record of every type.
    config.lss.listeners = vec![zpa_exporter::ListenerSpec {
        log_type: None,
        addr: loopback(),
    }];
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    send(exporter.lss_addrs()[0], every_sample().as_bytes()).await;
    let body = wait_for_sum(&exporter, "zpa_lss_records_parsed_total", &[], 12.0).await;
    assert_eq!(
        sample(&body, "zpa_up", &[]),
        Some(1.0),
        "every collector works on the simulator:\n{body}"
    );

    let documented: BTreeSet<String> = FAMILIES.iter().map(|d| d.name.to_string()).collect();
    let emitted = emitted_metrics(&body);
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    let never_emitted: Vec<_> = documented.difference(&emitted).collect();
    assert!(
        undocumented.is_empty(),
        "emitted but missing from the metrics table: {undocumented:?}"
    );
    assert!(
        never_emitted.is_empty(),
        "in the metrics table but never emitted: {never_emitted:?}"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}
