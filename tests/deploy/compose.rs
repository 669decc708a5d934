//! The demo stack, deploy/compose: its services, their bind mounts, and what a container sees.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

pub fn compose_dir() -> PathBuf {
    root().join("deploy/compose")
}

pub fn compose() -> Value {
    yaml_doc(&compose_dir().join("compose.yaml"))
}

pub fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    let s = &compose["services"][name];
    assert!(s.is_object(), "compose.yaml has no service {name}");
    s
}

/// `(source, target)` of a service's bind mounts (`./x:/y[:ro]`), sources resolved against
/// deploy/compose (as Compose resolves them) and canonicalized.
pub fn bind_mounts(service: &Value) -> Vec<(PathBuf, String)> {
    array_at(service, "/volumes")
        .iter()
        .filter_map(|v| {
            let spec = v.as_str().expect("short volume syntax");
            let mut parts = spec.split(':');
            let (source, target) = (parts.next()?, parts.next()?);
            if !(source.starts_with('.') || source.starts_with('/')) {
                return None; // a named volume
            }
            let path = compose_dir().join(source);
            let path = path.canonicalize().unwrap_or_else(|e| {
                panic!("compose.yaml mounts {source}, which does not exist: {e}")
            });
            Some((path, target.to_string()))
        })
        .collect()
}

/// A temporary directory showing what a service's container sees at its bind mounts: every
/// mount target is a symlink to the mount's source.
pub fn container_view(service: &Value) -> tempfile::TempDir {
    let view = tempfile::tempdir().unwrap();
    for (source, target) in bind_mounts(service) {
        let at = view.path().join(target.trim_start_matches('/'));
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&source, &at).unwrap();
    }
    view
}

/// The value of `--name=value` in a service's command list.
pub fn flag_value(service: &Value, name: &str) -> String {
    array_at(service, "/command")
        .iter()
        .filter_map(Value::as_str)
        .find_map(|a| a.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in the command of {service}"))
        .to_string()
}

pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `host:port` targets of a file_sd file.
pub fn file_sd_targets(path: &Path) -> Vec<String> {
    yaml_doc(path)
        .as_array()
        .unwrap_or_else(|| {
            panic!(
                "{}: a file_sd file is a list of target groups",
                path.display()
            )
        })
        .iter()
        .flat_map(|group| array_at(group, "/targets").clone())
        .map(|t| t.as_str().expect("a host:port target").to_string())
        .collect()
}
