//! The `zpa-exporter` binary as a user runs it: configuration errors, secrets kept out of logs,
//! clean shutdown on SIGTERM, the healthcheck subcommand and `--demo`.

mod common;

use std::io::Read;
use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use common::*;

#[test]
fn bad_configuration_exits_2_with_one_line_naming_the_setting() {
    /// (arguments, environment, the setting the error must name)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (&[], &[], "--zpa.customer-id (ZPA_CUSTOMER_ID)"),
        (
            &["--zpa.customer-id=1"],
            &[],
            "--zpa.client-id (ZPA_CLIENT_ID)",
        ),
        (
            &["--zpa.customer-id=1", "--zpa.client-id=x"],
            &[],
            "ZPA_CLIENT_SECRET",
        ),
        (&["--demo", "--poll.interval=200ms"], &[], "--poll.interval"),
        (
            &["--demo"],
            &[("ZPA_POLL_INTERVAL", "soon")],
            "--poll.interval (ZPA_POLL_INTERVAL)",
        ),
        (
            &[
                "--zpa.customer-id=1",
                "--zpa.client-id=x",
                "--zpa.cloud=mars",
            ],
            &[("ZPA_CLIENT_SECRET", "s")],
            "--zpa.cloud",
        ),
        (
            &[
                "--zpa.customer-id=1",
                "--zpa.client-id=x",
                "--zpa.base-url=http://zpa.example.com",
            ],
            &[("ZPA_CLIENT_SECRET", "s")],
            "--zpa.base-url",
        ),
        (
            &["--demo", "--no-collector.bogus"],
            &[],
            "--no-collector.bogus",
        ),
        (&["--demo", "--log.format=xml"], &[], "--log.format"),
        (
            &["--config.file=/nonexistent/tenants.yml"],
            &[],
            "--config.file (ZPA_EXPORTER_CONFIG_FILE)",
        ),
        (
            &["--demo", "--zpa.tenant-name=no spaces"],
            &[],
            "--zpa.tenant-name (ZPA_TENANT_NAME)",
        ),
        (
            &["--shard.total=0", "--shard.index=0"],
            &[],
            "--shard.total",
        ),
        (&["--no-such-flag"], &[], "--no-such-flag"),
        (
            &["--demo", "--web.listen-adress=:1"],
            &[],
            "'--web.listen-adress'",
        ),
    ];
    for (args, env, expected) in cases {
        let mut cmd = exporter_command();
        cmd.args(*args);
        for (k, v) in *env {
            cmd.env(k, v);
        }
        let (code, stderr) = run_to_end(cmd);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        let mut lines = stderr.trim_end().lines();
        let first = lines.next().unwrap_or_default();
        assert!(
            first.starts_with("zpa-exporter: ") && first.contains(expected),
            "{args:?}: the first line of {stderr:?} does not name {expected}"
        );
        // One line, but for clap's suggestions and possible values.
        for extra in lines {
            let extra = extra.trim();
            assert!(
                extra.starts_with("tip:") || extra.starts_with("[possible values"),
                "{args:?}: {stderr:?}"
            );
        }
        assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
    }
}

/// An absurd interval would overflow the scheduler's clock arithmetic and stop the collector
/// for good; it is refused at start: exit 2, one line naming the flag and the maximum.
#[test]
fn an_absurd_interval_exits_2_with_one_line_naming_the_flag() {
    let mut cmd = exporter_command();
    cmd.args(["--demo", "--collector.certificates.interval=500000000years"]);
    let (code, stderr) = run_to_end(cmd);
    assert_eq!(code, 2, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("zpa-exporter: ")
            && lines[0].contains("--collector.certificates.interval")
            && lines[0].contains("above the maximum of 7days"),
        "{stderr}"
    );
}

/// A port already taken is a bad `--web.listen-address`: exit 2 and one line that says so.
#[test]
fn a_port_in_use_exits_2_with_one_line_naming_the_flag() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let mut cmd = exporter_command();
    cmd.args(["--demo", &format!("--web.listen-address={addr}")]);
    let (code, stderr) = run_to_end(cmd);
    assert_eq!(code, 2, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("--web.listen-address") && lines[0].contains(&addr.to_string()),
        "{stderr}"
    );
}

/// Every listen address is served, as exporter-toolkit does: the IPv4 and IPv6 wildcards on
/// one port (the common pair, which a dual-stack IPv6 socket would refuse), given in the
/// variable separated by a comma.
#[test]
fn ipv4_and_ipv6_listen_addresses_are_both_served() {
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.arg("--demo").env(
        "ZPA_EXPORTER_LISTEN_ADDRESS",
        format!("0.0.0.0:{port},[::]:{port}"),
    );
    let mut child = cmd.spawn().unwrap();
    let ready = wait_for_status(port, "/-/ready", 200, Duration::from_secs(30));
    let v4 = http_get_at(SocketAddr::from(([127, 0, 0, 1], port)), "/metrics");
    let v6 = http_get_at(SocketAddr::from((Ipv6Addr::LOCALHOST, port)), "/metrics");
    let (code, stderr) = terminate(&mut child);
    assert_eq!(ready.map(|r| r.0), Some(200), "{stderr}");
    for (family, answer) in [("IPv4", v4), ("IPv6", v6)] {
        let (status, body) = answer.unwrap_or_else(|| panic!("{family}: no answer; {stderr}"));
        assert_eq!(status, 200, "{family}");
        assert!(body.contains("zpa_up 1"), "{family}: {body}");
    }
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("0.0.0.0:{port}, [::]:{port}")),
        "the start line names both: {stderr}"
    );
}

/// Socket activation as systemd does it (systemd-socket-activate passes the listening socket
/// as fd 3 with LISTEN_FDS and LISTEN_PID); without a socket, exit 2 and one line naming the
/// flag.
#[test]
#[cfg_attr(
    not(has_systemd_socket_activate),
    ignore = "needs systemd-socket-activate (apt-get install systemd)"
)]
fn systemd_socket_activation_serves_on_the_passed_socket() {
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.arg("--demo").arg("--web.systemd-socket");
    let (code, stderr) = run_to_end(cmd);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--web.systemd-socket") && stderr.contains("LISTEN_FDS"),
        "{stderr}"
    );

    let mut cmd = exporter_command_in_shell(&format!(
        "exec systemd-socket-activate --listen=127.0.0.1:{port} \"$0\" --demo --web.systemd-socket"
    ));
    let mut child = cmd.spawn().unwrap();
    // The first connection makes systemd-socket-activate start the exporter.
    let ready = wait_for_status(port, "/-/ready", 200, Duration::from_secs(30));
    let metrics = http_get(port, "/metrics");
    let (code, stderr) = terminate(&mut child);
    assert_eq!(ready.map(|r| r.0), Some(200), "{stderr}");
    assert!(
        metrics.is_some_and(|(s, body)| s == 200 && body.contains("zpa_up 1")),
        "{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("addresses=127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn mistyped_flags_and_values_keep_clap_suggestions() {
    let mut cmd = exporter_command();
    cmd.args(["--demo", "--web.listen-adress=:1"]);
    let (code, stderr) = run_to_end(cmd);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a similar argument exists: '--web.listen-address'"),
        "{stderr}"
    );
    let mut cmd = exporter_command();
    cmd.args(["--demo", "--log.format=logfmt"]);
    let (_, stderr) = run_to_end(cmd);
    assert!(stderr.contains("[possible values: text, json]"), "{stderr}");
}

#[test]
fn version_in_the_prometheus_style() {
    let mut cmd = exporter_command();
    cmd.arg("--version");
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!(
            "zpa-exporter, version {} (revision: ",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    for part in ["build date:", "rustc version:", "target:"] {
        assert!(text.contains(part), "{text}");
    }
}

#[test]
fn help_lists_collectors_and_exits_0() {
    let mut cmd = exporter_command();
    cmd.arg("--help");
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--web.listen-address") && help.contains("application_segments"));
}

/// Waits until the simulator has answered `more` further requests to `endpoint` (60 s
/// deadline): progress observed, not assumed from elapsed time.
fn wait_for_requests(control: &zpa_simulator::Control, endpoint: &str, more: u64) {
    let until = control.request_count(endpoint) + more;
    let deadline = Instant::now() + Duration::from_secs(60);
    while control.request_count(endpoint) < until {
        assert!(
            Instant::now() < deadline,
            "no {more} more {endpoint} requests within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_stay_out_of_logs_and_metrics_and_sigterm_exits_cleanly() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args([
        &format!("--web.listen-address=127.0.0.1:{port}"),
        "--log.level=trace",
        "--log.format=json",
        "--poll.interval=1s",
    ])
    // A full poll costs ~16 calls, more than ZPA's 20 GETs per 10 s allow every second.
    .args(
        [
            "app_connectors",
            "service_edges",
            "app_connector_groups",
            "service_edge_groups",
            "segment_groups",
            "server_groups",
            "identity_providers",
            "certificates",
            "scim_groups",
            "policy_rules",
        ]
        .map(|c| format!("--no-collector.{c}")),
    );
    use_simulator_key(&mut cmd, &sim, &sim_config);
    let mut child = cmd.spawn().unwrap();

    let control = sim.control().clone();
    let metrics = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some((200, _)) = wait_for_http(port, "/-/ready", Duration::from_millis(200)) {
                break;
            }
        }
        // A few polls later, everything has been logged at least once.
        wait_for_requests(&control, "application", 3);
        wait_for_http(port, "/metrics", Duration::from_secs(5)).expect("metrics served")
    })
    .await
    .unwrap();
    // A revoked token: the exporter signs in again, and logs that too.
    sim.control().revoke_tokens();
    let control = sim.control().clone();
    tokio::task::spawn_blocking(move || wait_for_requests(&control, "signin", 1))
        .await
        .unwrap();
    let (code, stderr) = terminate(&mut child);

    assert_eq!(metrics.0, 200);
    assert!(
        sample(&metrics.1, "zpa_up", &[]) == Some(1.0),
        "{}",
        metrics.1
    );
    assert_eq!(code, Some(0), "SIGTERM exits 0: {stderr}");
    assert!(stderr.contains("shutdown signal received"), "{stderr}");
    for leak in [sim_config.client_secret.as_str(), "eyJ"] {
        assert!(!stderr.contains(leak), "{leak:?} in the logs");
        assert!(!metrics.1.contains(leak), "{leak:?} in /metrics");
    }
    assert!(
        sim.control().request_count("signout") >= 1,
        "signed out on shutdown"
    );
    sim.shutdown().await;
}

#[test]
fn demo_mode_serves_metrics_and_healthcheck_probes_it() {
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args(["--demo", &format!("--web.listen-address=127.0.0.1:{port}")]);
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let ready = wait_for_status(port, "/-/ready", 200, Duration::from_secs(30));
    eprintln!("demo ready after {:?}", started.elapsed());
    let metrics = wait_for_http(port, "/metrics", Duration::from_secs(5));

    let mut probe = exporter_command();
    probe.args([
        "healthcheck",
        "--url",
        &format!("http://127.0.0.1:{port}/-/healthy"),
    ]);
    let (probe_ok, _) = run_to_end(probe);
    let (code, stderr) = terminate(&mut child);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();

    assert_eq!(ready.map(|r| r.0), Some(200), "{stderr}");
    let body = metrics.unwrap().1;
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    assert!(sum(&body, "zpa_application_segments", &[]) > 0.0);
    assert!(
        stdout.contains(&format!("http://127.0.0.1:{port}/metrics")),
        "prints where metrics are: {stdout}"
    );
    assert_eq!(probe_ok, 0);
    assert_eq!(code, Some(0));

    let mut probe = exporter_command();
    probe.args([
        "healthcheck",
        "--url",
        &format!("http://127.0.0.1:{port}/-/healthy"),
    ]);
    let (probe_down, _) = run_to_end(probe);
    assert_ne!(probe_down, 0, "healthcheck fails when nothing listens");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_customer_id_gets_one_clear_log_line_naming_the_setting() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args([&format!("--web.listen-address=127.0.0.1:{port}")]);
    use_simulator_key(&mut cmd, &sim, &sim_config).env("ZPA_CUSTOMER_ID", "216196257331281999");
    let mut child = cmd.spawn().unwrap();
    let ready = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match http_get(port, "/-/ready") {
                Some((503, why)) if why.contains("configuration error") => break Some(why),
                _ if Instant::now() > deadline => break None,
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    })
    .await
    .unwrap();
    let (code, stderr) = terminate(&mut child);
    let why = ready.expect("readiness names the configuration error");
    assert!(why.contains("--zpa.customer-id (ZPA_CUSTOMER_ID)"), "{why}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("configuration error"))
        .collect();
    assert_eq!(lines.len(), 1, "said once, not every retry: {stderr}");
    assert!(
        lines[0].contains("--zpa.customer-id (ZPA_CUSTOMER_ID): this API key belongs to customer 216196257331281920"),
        "{}",
        lines[0]
    );
    assert_eq!(code, Some(0));
    sim.shutdown().await;
}
