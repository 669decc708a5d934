//! Checks deploy/kubernetes/sharded against itself and the exporter, by parsing the YAML:
//! least-privilege RBAC (one Role on the one StatefulSet, read-only), the shard flags fed by
//! the downward API, the tenants file mounted where `--config.file` points with its secrets
//! in the mounted Secret, selectors that match, and the image tag equal to the crate version.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes/sharded")
}

fn load(name: &str) -> Value {
    let path = dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn kustomization_lists_every_manifest_with_the_crate_version() {
    let k = load("kustomization.yaml");
    let listed: BTreeSet<&str> = strings(&k["resources"]).into_iter().collect();
    let files: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml")
        .collect();
    let files: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    assert_eq!(listed, files);
    for name in &files {
        let doc = load(name);
        for key in ["apiVersion", "kind"] {
            assert!(doc[key].is_string(), "{name}: {key}");
        }
        assert!(doc["metadata"]["name"].is_string(), "{name}: metadata.name");
    }
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(k["images"][0]["name"], "zpa-exporter");
    assert_eq!(k["images"][0]["newTag"], version);
    let sts = load("statefulset.yaml");
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("zpa-exporter:{version}").as_str()
    );
}

#[test]
fn rbac_reads_only_its_own_statefulset() {
    let sts = load("statefulset.yaml");
    let role = load("role.yaml");
    let binding = load("rolebinding.yaml");
    let sa = load("serviceaccount.yaml");
    assert_eq!(role["kind"], "Role", "namespaced, never a ClusterRole");
    assert_eq!(
        role["rules"],
        json!([{
            "apiGroups": ["apps"],
            "resources": ["statefulsets"],
            "resourceNames": [sts["metadata"]["name"]],
            "verbs": ["get", "list", "watch"],
        }]),
        "exactly the one StatefulSet, read-only"
    );
    assert_eq!(binding["roleRef"]["kind"], "Role");
    assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
    assert_eq!(
        binding["subjects"],
        json!([{"kind": "ServiceAccount", "name": sa["metadata"]["name"]}])
    );
    let pod = &sts["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], sa["metadata"]["name"]);
    assert_eq!(
        pod["automountServiceAccountToken"], true,
        "it reads the API"
    );
}

#[test]
fn shard_flags_come_from_the_downward_api() {
    let sts = load("statefulset.yaml");
    let pod = &sts["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let args = strings(&c["args"]);
    assert!(args.contains(&"--shard.pod=$(POD_NAME)"), "{args:?}");
    assert!(
        args.contains(&"--shard.namespace=$(POD_NAMESPACE)"),
        "{args:?}"
    );
    let env_field = |name: &str| {
        c["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| e["valueFrom"]["fieldRef"]["fieldPath"].clone())
    };
    assert_eq!(env_field("POD_NAME"), Some(json!("metadata.name")));
    assert_eq!(
        env_field("POD_NAMESPACE"),
        Some(json!("metadata.namespace"))
    );
    // Every $(VAR) in the args is defined: Kubernetes leaves unknown ones as literal text.
    for arg in &args {
        if let Some((_, rest)) = arg.split_once("$(") {
            let var = rest.trim_end_matches(')');
            assert!(env_field(var).is_some(), "{arg}: {var} is not set");
        }
    }
    assert!(
        !args.iter().any(|a| a.starts_with("--shard.index")),
        "one mode only"
    );

    // --config.file names a key of the ConfigMap, mounted at its directory.
    let file = args
        .iter()
        .find_map(|a| a.strip_prefix("--config.file="))
        .expect("--config.file");
    let (mount_dir, key) = file.rsplit_once('/').unwrap();
    let mount = |path: &str| {
        let m = c["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"] == path)
            .unwrap_or_else(|| panic!("nothing mounted at {path}"));
        assert_eq!(m["readOnly"], true);
        let volume = pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == m["name"])
            .unwrap();
        volume.clone()
    };
    let config_volume = mount(mount_dir);
    let cm = load("configmap.yaml");
    assert_eq!(config_volume["configMap"]["name"], cm["metadata"]["name"]);
    let tenants_text = cm["data"][key]
        .as_str()
        .expect("the tenants file in the ConfigMap");

    // Its secrets are files in the mounted Secret, never inline.
    let tenants: Value = serde_yaml_ng::from_str(tenants_text).unwrap();
    let secret_files: Vec<&str> = tenants["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["auth"].as_object().unwrap().values())
        .flat_map(|auth| auth.as_object().unwrap().iter())
        .inspect(|(k, _)| assert!(!matches!(k.as_str(), "client_secret" | "private_key")))
        .filter(|(k, _)| k.ends_with("_file"))
        .map(|(_, v)| v.as_str().unwrap())
        .collect();
    assert!(!secret_files.is_empty());
    for path in secret_files {
        let dir = Path::new(path).parent().unwrap().to_str().unwrap();
        let volume = mount(dir);
        assert!(
            volume["secret"]["secretName"].is_string(),
            "{path}: {volume}"
        );
    }
}

#[test]
fn selectors_services_and_monitor_agree() {
    let sts = load("statefulset.yaml");
    let svc = load("service.yaml");
    let pm = load("podmonitor.yaml");
    let labels = &sts["spec"]["template"]["metadata"]["labels"];
    let matches = |selector: &Value| {
        selector
            .as_object()
            .unwrap()
            .iter()
            .all(|(k, v)| &labels[k] == v)
    };
    assert!(matches(&sts["spec"]["selector"]["matchLabels"]));
    assert!(matches(&svc["spec"]["selector"]));
    assert!(matches(&pm["spec"]["selector"]["matchLabels"]));
    assert_eq!(sts["spec"]["serviceName"], svc["metadata"]["name"]);
    assert_eq!(svc["spec"]["clusterIP"], "None", "headless");
    let port = &sts["spec"]["template"]["spec"]["containers"][0]["ports"][0];
    assert_eq!(pm["spec"]["podMetricsEndpoints"][0]["port"], port["name"]);
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], port["name"]);
    // The single-replica Deployment's Service and ServiceMonitor must not select the shards
    // (same namespace): they select on a different name label.
    let base: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(dir().join("../service.yaml")).unwrap())
            .unwrap();
    assert!(!matches(&base["spec"]["selector"]));
}
