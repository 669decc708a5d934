//! Shared by the deployment-artifact tests: the repository's files read as YAML (into JSON
//! values), the Kubernetes manifests, the Dockerfile's instructions, and the built binary.
#![allow(dead_code)]

pub mod compose;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_zpa-exporter");

/// The repository root: the exporter is the root package.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn k8s_dir() -> PathBuf {
    root().join("deploy/kubernetes")
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// All documents of a (possibly multi-document) YAML file; empty documents are dropped.
pub fn yaml_docs(path: &Path) -> Vec<Value> {
    let text = read(path);
    serde_yaml_ng::Deserializer::from_str(&text)
        .enumerate()
        .map(|(i, doc)| {
            Value::deserialize(doc).unwrap_or_else(|e| {
                panic!(
                    "{}: document {} is not valid YAML: {e}",
                    path.display(),
                    i + 1
                )
            })
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// The single document of a YAML file.
pub fn yaml_doc(path: &Path) -> Value {
    let mut docs = yaml_docs(path);
    assert_eq!(
        docs.len(),
        1,
        "{}: expected exactly one YAML document",
        path.display()
    );
    docs.remove(0)
}

/// Every `*.yaml` / `*.yml` file in deploy/kubernetes, sorted by name.
pub fn k8s_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(k8s_dir())
        .expect("deploy/kubernetes exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml") | Some("yml")
            )
        })
        .collect();
    files.sort();
    files
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
        .to_string()
}

/// The only object of `kind` among all Kubernetes manifests (the Secret example included).
pub fn object(kind: &str) -> Value {
    let found: Vec<Value> = k8s_files()
        .iter()
        .filter(|p| file_name(p) != "kustomization.yaml")
        .flat_map(|p| yaml_docs(p))
        .filter(|d| d["kind"] == kind)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {kind} in deploy/kubernetes"
    );
    found.into_iter().next().expect("one element")
}

pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string at {pointer} in {v}"))
}

pub fn array_at<'a>(v: &'a Value, pointer: &str) -> &'a Vec<Value> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("missing list at {pointer}"))
}

pub fn exporter_container(deployment: &Value) -> &Value {
    let containers = array_at(deployment, "/spec/template/spec/containers");
    assert_eq!(
        containers.len(),
        1,
        "the Deployment runs exactly one container"
    );
    &containers[0]
}

/// `Mi`/`Gi`/`Ki`/`M`/`G`/`k` or plain-byte memory quantity in bytes.
pub fn memory_bytes(q: &str) -> u64 {
    let units: [(&str, u64); 6] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("k", 1000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
    ];
    for (suffix, factor) in units {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<u64>().expect("integer quantity") * factor;
        }
    }
    q.parse()
        .unwrap_or_else(|_| panic!("unsupported memory quantity {q}"))
}

/// Value of an object's `metadata.labels`, as a map.
pub fn labels(v: &Value, pointer: &str) -> BTreeMap<String, String> {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("missing labels at {pointer}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string label").to_string()))
        .collect()
}

pub fn assert_subset(
    part: &BTreeMap<String, String>,
    whole: &BTreeMap<String, String>,
    what: &str,
) {
    assert!(!part.is_empty(), "{what}: empty selector");
    for (k, v) in part {
        assert_eq!(
            whole.get(k),
            Some(v),
            "{what}: label {k}={v} is not matched"
        );
    }
}

/// `(instruction, arguments)` of the Dockerfile, with `\` continuations joined and comments
/// dropped.
pub fn dockerfile_instructions() -> Vec<(String, String)> {
    let text = read(&root().join("Dockerfile"));
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if let Some(body) = trimmed.strip_suffix('\\') {
            current.push_str(body);
            current.push(' ');
            continue;
        }
        if !trimmed.starts_with('#') {
            current.push_str(trimmed);
        }
        let (instruction, args) = current
            .split_once(char::is_whitespace)
            .unwrap_or((&current, ""));
        out.push((instruction.to_ascii_uppercase(), args.trim().to_string()));
        current.clear();
    }
    out
}

/// Arguments of the Dockerfile instructions named `name` (all stages).
pub fn dockerfile(name: &str) -> Vec<String> {
    dockerfile_instructions()
        .into_iter()
        .filter(|(i, _)| i == name)
        .map(|(_, a)| a)
        .collect()
}

/// The single port the Dockerfile EXPOSEs.
pub fn exposed_port() -> u16 {
    let exposes = dockerfile("EXPOSE");
    assert_eq!(
        exposes.len(),
        1,
        "the Dockerfile has exactly one EXPOSE: {exposes:?}"
    );
    let ports: Vec<&str> = exposes[0].split_whitespace().collect();
    assert_eq!(ports.len(), 1, "EXPOSE names exactly one port");
    let port = ports[0].strip_suffix("/tcp").unwrap_or(ports[0]);
    port.parse()
        .unwrap_or_else(|_| panic!("EXPOSE {port} is not a port number"))
}

/// An exec-form (JSON array) instruction argument, e.g. `ENTRYPOINT ["/zpa-exporter"]`.
pub fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args)
        .unwrap_or_else(|e| panic!("not an exec-form JSON array: {args}: {e}"))
}
