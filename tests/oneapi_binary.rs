//! OneAPI as a user runs it, with the real binary against the simulator: a OneAPI-only tenant's
//! refusal of a legacy key explained in one log line, configuration errors that exit 2 naming
//! the setting, and no secret, private key or client assertion in the logs or on /metrics.

mod common;

use std::time::{Duration, Instant};

use common::*;
use zpa_simulator::SimulatorConfig;

#[tokio::test(flavor = "multi_thread")]
async fn a_oneapi_only_tenant_refusing_the_legacy_key_says_once_how_to_switch() {
    let mut sim_config = small_tenant();
    sim_config.oneapi_only = true;
    let sim = start_simulator(sim_config.clone()).await;
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--poll.interval=1s");
    use_simulator_key(&mut cmd, &sim, &sim_config);
    let mut child = cmd.spawn().unwrap();
    // Several failed sign-ins (1 s, 2 s, 4 s apart), each counted.
    let metrics = tokio::task::spawn_blocking(move || {
        poll_until(port, "/metrics", Duration::from_secs(30), |status, body| {
            status == 200
                && sample(
                    body,
                    "zpa_signin_failures_total",
                    &[("reason", "invalid_credentials")],
                )
                .is_some_and(|n| n >= 3.0)
        })
    })
    .await
    .unwrap();
    let (code, stderr) = terminate(&mut child);

    let (_, body) = metrics.expect("/metrics answers");
    assert!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")]
        )
        .is_some_and(|n| n >= 3.0),
        "{body}"
    );
    assert_eq!(
        sample(&body, "zpa_auth_info", &[("method", "legacy")]),
        Some(1.0)
    );
    assert_eq!(sample(&body, "zpa_up", &[]), Some(0.0));
    let advice: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("--zpa.auth=oneapi"))
        .collect();
    assert_eq!(advice.len(), 1, "said once, not at every attempt: {stderr}");
    for needed in [
        "only through Zscaler OneAPI",
        "ZSCALER_CLIENT_ID",
        "ZSCALER_CLIENT_SECRET",
        "ZSCALER_VANITY_DOMAIN",
        "ZPA_CUSTOMER_ID",
    ] {
        assert!(advice[0].contains(needed), "{needed}: {}", advice[0]);
    }
    assert!(
        stderr.contains("signing in with a legacy API key")
            && stderr.contains("neither ZSCALER_CLIENT_ID nor ZSCALER_VANITY_DOMAIN is set"),
        "the start-up log says which way in and why: {stderr}"
    );
    assert_eq!(code, Some(0));
    sim.shutdown().await;
}

/// Runs the binary against `sim` with OneAPI, `credential_env` naming the credential, at trace
/// level with JSON logs, through token renewals and a revoked token: (/metrics, stderr).
fn run_logged(
    sim: &zpa_simulator::RunningSimulator,
    sim_config: &SimulatorConfig,
    credential_env: (&str, &str),
) -> (String, String) {
    let port = free_port();
    let mut cmd = exporter_command();
    cmd.args([
        &format!("--web.listen-address=127.0.0.1:{port}"),
        "--log.level=trace",
        "--log.format=json",
        "--poll.interval=1s",
        "--no-collector.application_segments",
        "--no-collector.certificates",
        "--no-collector.policy_rules",
        "--no-collector.scim_groups",
        "--no-collector.identity_providers",
        "--no-collector.segment_groups",
        "--no-collector.server_groups",
    ])
    .env("ZPA_CUSTOMER_ID", &sim_config.customer_id)
    .env("ZSCALER_CLIENT_ID", &sim_config.oneapi.client_id)
    .env(
        "ZPA_ONEAPI_TOKEN_URL",
        format!("{}/oauth2/v1/token", sim.base_url()),
    )
    .env("ZPA_ONEAPI_BASE_URL", sim.base_url())
    .env(credential_env.0, credential_env.1);
    let mut child = cmd.spawn().unwrap();
    let ready = poll_until(port, "/-/ready", Duration::from_secs(30), |s, _| s == 200);
    assert_eq!(ready.map(|r| r.0), Some(200), "ready");
    // 3 s tokens: renewals (each with a new assertion) happen, then a revoked token is
    // replaced. Waited for in tokens issued (the two runs share the simulator: counted from
    // this run's own start), not in seconds.
    let tokens_after = |more: u64| {
        let until = statuses(sim, "token", 200) + more;
        let deadline = Instant::now() + Duration::from_secs(60);
        while statuses(sim, "token", 200) < until {
            assert!(Instant::now() < deadline, "no {more} new tokens in 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    tokens_after(2);
    sim.control().revoke_tokens();
    tokens_after(1);
    let (status, metrics) = http_get(port, "/metrics").expect("metrics");
    let (code, stderr) = terminate(&mut child);
    assert_eq!(status, 200);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("--oneapi.client-id (ZSCALER_CLIENT_ID) is set"),
        "the start-up log says why OneAPI: {stderr}"
    );
    (metrics, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_keys_and_assertions_stay_out_of_logs_and_metrics() {
    let mut sim_config = oneapi_tenant();
    sim_config.oneapi.token_ttl = Duration::from_secs(3);
    sim_config.rate_limit = None;
    let sim = start_simulator(sim_config.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("oneapi.pem");
    std::fs::write(&key_file, &rsa_keys().0).unwrap();
    let secret = sim_config
        .oneapi
        .client_secret
        .as_ref()
        .unwrap()
        .expose()
        .to_string();
    let key_path = key_file.display().to_string();
    // Both at once: two exporters of one tenant, so the simulator's rate limit is off.
    let (with_secret, with_key) = tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            let a = s.spawn(|| run_logged(&sim, &sim_config, ("ZSCALER_CLIENT_SECRET", &secret)));
            let b =
                s.spawn(|| run_logged(&sim, &sim_config, ("ZSCALER_PRIVATE_KEY_FILE", &key_path)));
            (a.join().unwrap(), b.join().unwrap())
        })
    });

    // A line of the key's base64 body: any piece of the PEM would give it away.
    let pem_line = rsa_keys().0.lines().nth(2).unwrap();
    for (what, (metrics, stderr)) in [("secret", &with_secret), ("private key", &with_key)] {
        for leak in [secret.as_str(), pem_line, "PRIVATE KEY", "eyJ"] {
            assert!(!stderr.contains(leak), "{what} run: {leak:?} in the logs");
            assert!(!metrics.contains(leak), "{what} run: {leak:?} in /metrics");
        }
        assert!(
            sample(metrics, "zpa_up", &[]) == Some(1.0),
            "{what}: {metrics}"
        );
    }
    assert!(
        statuses(&sim, "token", 200) >= 4,
        "renewed and signed in again"
    );
    assert!(
        with_key.1.contains("oneapi_private_key") && with_secret.1.contains("oneapi_secret"),
        "the start-up log names the method"
    );
    sim.shutdown().await;
}

#[test]
fn oneapi_configuration_errors_exit_2_with_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let bad_key = dir.path().join("bad.pem");
    std::fs::write(
        &bad_key,
        "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    let bad_key = bad_key.display().to_string();
    // (environment, the setting the error must name)
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("ZSCALER_CLIENT_ID", "c"), ("ZSCALER_CLIENT_SECRET", "s")],
            "--oneapi.vanity-domain (ZSCALER_VANITY_DOMAIN): is required",
        ),
        (
            &[
                ("ZSCALER_VANITY_DOMAIN", "acme"),
                ("ZSCALER_CLIENT_SECRET", "s"),
            ],
            "--oneapi.client-id (ZSCALER_CLIENT_ID): is required",
        ),
        (
            &[
                ("ZSCALER_CLIENT_ID", "c"),
                ("ZSCALER_VANITY_DOMAIN", "acme"),
            ],
            "ZSCALER_CLIENT_SECRET / --oneapi.client-secret-file",
        ),
        (
            &[
                ("ZSCALER_CLIENT_ID", "c"),
                ("ZSCALER_VANITY_DOMAIN", "acme"),
                ("ZSCALER_PRIVATE_KEY_FILE", &bad_key),
            ],
            "--oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE): ",
        ),
        (
            &[("ZPA_AUTH", "oneapi"), ("ZSCALER_CLOUD", "no.such")],
            "--oneapi.cloud (ZSCALER_CLOUD)",
        ),
        (&[("ZPA_AUTH", "saml")], "--zpa.auth (ZPA_AUTH)"),
    ];
    for (env, expected) in cases {
        let mut cmd = exporter_command();
        cmd.env("ZPA_CUSTOMER_ID", "1");
        for (k, v) in *env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{env:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("zpa-exporter: ") && first.contains(expected),
            "{env:?}: {stderr}"
        );
        assert!(
            stderr
                .lines()
                .skip(1)
                .all(|l| l.trim().starts_with("[possible values") || l.trim().starts_with("tip:")),
            "one line: {stderr}"
        );
        assert!(
            !stderr.contains("c2VjcmV0"),
            "the key's content stays out: {stderr}"
        );
    }
}
