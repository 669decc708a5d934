//! The Kubernetes manifests (`deploy/kubernetes/`) against each other and against the
//! Dockerfile, the crate and the alert rules:
//!
//! - every YAML document parses and names its apiVersion, kind and metadata.name;
//!   kustomization.yaml lists every manifest except the Secret example;
//! - the Deployment is one hardened poller (replicas 1, Recreate, non-root, read-only root fs, no
//!   privilege escalation, no capabilities, RuntimeDefault seccomp, no service account token),
//!   probes `/-/healthy` and `/-/ready`, has requests and limits, reads the API key secret from a
//!   mounted Secret file;
//! - Dockerfile `EXPOSE`, container port, Service port and ServiceMonitor port agree; the image in
//!   kustomization.yaml matches the Deployment and the crate version;
//! - prometheusrule.yaml's `spec.groups` equals the `groups` of alerts/zpa.rules.yml, and
//!   generate-prometheusrule.sh puts RUNBOOK_BASE_URL into every runbook_url and changes nothing
//!   else.

mod common;
mod deploy;

use std::collections::BTreeSet;
use std::process::Command;

use deploy::*;
use serde_json::Value;

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
            && text.contains("runbook_url: \"https://wiki.example.com/zpa#zpaexporterdown\""),
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
