//! OneAPI sign-in end to end against the simulator's token endpoint and gateway: a client
//! secret and a private key, renewal before expiry and once after a revoked token, the
//! gateway's quota slowing the client down before it refuses; and, running the real binary, the
//! OneAPI-only tenant's refusal of a legacy key explained in one line, and no secret, key or
//! assertion in the logs or on /metrics.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;
use zpa_api::auth::{OneApiCredential, PrivateKey};
use zpa_simulator::SimulatorConfig;

const BIN: &str = env!("CARGO_BIN_EXE_zpa-exporter");

/// An RSA key pair for client assertions, (private PKCS#8 PEM, public SPKI PEM); made once,
/// since a 2048-bit key takes a while in a debug build.
fn rsa_keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        (private, public)
    })
}

/// A simulated tenant whose OneAPI client takes the secret and the key of [`rsa_keys`].
fn oneapi_tenant() -> SimulatorConfig {
    let mut config = small_tenant();
    config.oneapi.public_key_pem = Some(rsa_keys().1.clone());
    config
}

fn private_key() -> OneApiCredential {
    OneApiCredential::PrivateKey(PrivateKey::from_pem(rsa_keys().0.as_bytes()).unwrap())
}

fn statuses(sim: &zpa_simulator::RunningSimulator, endpoint: &str, status: u16) -> u64 {
    sim.control()
        .status_counts(endpoint)
        .get(&status)
        .copied()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_client_secret_reads_every_collector_through_the_gateway() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    let exporter = start_exporter(with_oneapi(
        config,
        &sim,
        &sim_config,
        oneapi_secret(&sim_config),
    ))
    .await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;

    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    assert_eq!(
        sample(&body, "zpa_auth_info", &[("method", "oneapi_secret")]),
        Some(1.0)
    );
    assert_eq!(sample(&body, "zpa_signin_attempts_total", &[]), Some(1.0));
    assert!(sample(&body, "zpa_token_expiry_timestamp_seconds", &[]).is_some());
    let remaining = sample(&body, "zpa_api_ratelimit_remaining", &[]).expect("gateway quota");
    assert!(remaining > 0.0 && remaining < 5000.0, "{remaining}");
    assert!(sum(&body, "zpa_application_segments", &[]) > 0.0);
    assert_eq!(
        statuses(&sim, "token", 200),
        1,
        "one token for the whole round"
    );
    assert_eq!(
        sim.control().request_count("signin"),
        0,
        "no legacy sign-in"
    );
    assert_eq!(
        sim.control().request_count("gateway"),
        0,
        "the gateway refused nothing"
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_private_key_signs_a_client_assertion() {
    let sim_config = oneapi_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(60)),
        &["app_connectors", "microtenants"],
    );
    let exporter = start_exporter(with_oneapi(config, &sim, &sim_config, private_key())).await;
    wait_rounds(&exporter, 1).await;
    let body = scrape(&exporter).await;

    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    assert_eq!(
        sample(&body, "zpa_auth_info", &[("method", "oneapi_private_key")]),
        Some(1.0)
    );
    assert_eq!(statuses(&sim, "token", 200), 1);
    assert_eq!(sum(&body, "zpa_signin_failures_total", &[]), 0.0);
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let mut sim_config = oneapi_tenant();
    sim_config.oneapi.token_ttl = Duration::from_secs(3);
    let sim = start_simulator(sim_config.clone()).await;
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["app_connectors"],
    );
    let exporter = start_exporter(with_oneapi(config, &sim, &sim_config, private_key())).await;
    wait_rounds(&exporter, 1).await;
    let started = Instant::now();
    // 3 s tokens are renewed after 1.5 s: over 6 s of runs every second, at least 3 renewals.
    while started.elapsed() < Duration::from_secs(6) {
        wait_more_rounds(&exporter, 1).await;
    }
    let body = scrape(&exporter).await;

    assert!(
        statuses(&sim, "token", 200) >= 4,
        "{:?}",
        sim.control().status_counts("token")
    );
    assert_eq!(
        statuses(&sim, "gateway", 401),
        0,
        "never sent an expired token"
    );
    assert_eq!(
        sum(
            &body,
            "zpa_api_retries_total",
            &[("reason", "unauthorized")]
        ),
        0.0
    );
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_costs_exactly_one_new_token_request() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["app_connectors", "service_edges"],
    );
    let exporter = start_exporter(with_oneapi(
        config,
        &sim,
        &sim_config,
        oneapi_secret(&sim_config),
    ))
    .await;
    wait_rounds(&exporter, 2).await;
    assert_eq!(statuses(&sim, "token", 200), 1);

    sim.control().revoke_tokens();
    wait_more_rounds(&exporter, 2).await;
    let body = scrape(&exporter).await;

    assert_eq!(statuses(&sim, "token", 200), 2, "exactly one new token");
    // The gateway's own 401 ({"detail":"unauthorized"}) is a token problem, not "unlicensed".
    assert!(statuses(&sim, "gateway", 401) >= 1);
    assert!(
        sum(
            &body,
            "zpa_api_retries_total",
            &[("reason", "unauthorized")]
        ) >= 1.0
    );
    assert_eq!(sample(&body, "zpa_signin_attempts_total", &[]), Some(2.0));
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_small_gateway_quota_slows_the_client_instead_of_being_refused() {
    let mut sim_config = small_tenant();
    // Far below the ~17 calls of a round, with ZPA's own 20 per 10 s behind it.
    sim_config.oneapi.gateway_quota = (8, Duration::from_secs(2));
    let sim = start_simulator(sim_config.clone()).await;
    let config = exporter_config(&sim, &sim_config, Duration::from_secs(60));
    let started = Instant::now();
    let exporter = start_exporter(with_oneapi(
        config,
        &sim,
        &sim_config,
        oneapi_secret(&sim_config),
    ))
    .await;
    wait_rounds(&exporter, 1).await;
    let took = started.elapsed();
    let body = scrape(&exporter).await;

    assert_eq!(
        statuses(&sim, "gateway", 429),
        0,
        "the gateway's quota never ran out"
    );
    assert_eq!(
        sum(
            &body,
            "zpa_api_retries_total",
            &[("reason", "rate_limited")]
        ),
        0.0
    );
    assert!(
        took >= Duration::from_secs(2),
        "held back for a window at least: {took:?}"
    );
    let remaining = sample(&body, "zpa_api_ratelimit_remaining", &[]).expect("exported");
    assert!(remaining < 8.0, "{remaining}");
    assert_eq!(sample(&body, "zpa_up", &[]), Some(1.0), "{body}");
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_oneapi_only_tenant_refusing_the_legacy_key_says_once_how_to_switch() {
    let mut sim_config = small_tenant();
    sim_config.oneapi_only = true;
    let sim = start_simulator(sim_config.clone()).await;
    let port = unused_port();
    let mut cmd = clean_exporter_command(BIN);
    cmd.arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--poll.interval=1s")
        .env("ZPA_BASE_URL", sim.base_url())
        .env("ZPA_CUSTOMER_ID", &sim_config.customer_id)
        .env("ZPA_CLIENT_ID", &sim_config.client_id)
        .env("ZPA_CLIENT_SECRET", &sim_config.client_secret);
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
    let (code, stderr) = stop_with_sigterm(&mut child);

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

#[tokio::test]
async fn a_tenant_moved_to_oneapi_while_running_refuses_the_legacy_token_then_the_sign_in() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    let config = only_collectors(
        exporter_config(&sim, &sim_config, Duration::from_secs(1)),
        &["app_connectors"],
    );
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    assert_eq!(statuses(&sim, "signin", 200), 1);

    sim.control().set_oneapi_only(true);
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        let body = scrape(&exporter).await;
        let refused = sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")],
        );
        if refused.is_some_and(|n| n >= 1.0) || Instant::now() > deadline {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // The token still lived, but the API refused it the way it refuses legacy sign-ins: one new
    // sign-in, refused and counted, rather than "not licensed".
    assert!(
        sample(
            &body,
            "zpa_signin_failures_total",
            &[("reason", "invalid_credentials")]
        )
        .is_some_and(|n| n >= 1.0),
        "{body}"
    );
    assert!(statuses(&sim, "signin", 403) >= 1);
    assert_eq!(
        sample(
            &body,
            "zpa_collector_unavailable",
            &[("collector", "app_connectors")]
        ),
        Some(0.0),
        "a refused key is not an unlicensed resource"
    );
    assert_eq!(
        sample(
            &body,
            "zpa_collector_success",
            &[("collector", "app_connectors")]
        ),
        Some(0.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// Runs the binary against `sim` with OneAPI, `credential_env` naming the credential, at trace
/// level with JSON logs, through token renewals and a revoked token: (/metrics, stderr).
fn run_logged(
    sim: &zpa_simulator::RunningSimulator,
    sim_config: &SimulatorConfig,
    credential_env: (&str, &str),
) -> (String, String) {
    let port = unused_port();
    let mut cmd = clean_exporter_command(BIN);
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
    // 3 s tokens: renewals (each with a new assertion) happen while this waits.
    std::thread::sleep(Duration::from_secs(4));
    sim.control().revoke_tokens();
    std::thread::sleep(Duration::from_secs(2));
    let (status, metrics) = blocking_get(port, "/metrics").expect("metrics");
    let (code, stderr) = stop_with_sigterm(&mut child);
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
        let mut cmd = clean_exporter_command(BIN);
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
