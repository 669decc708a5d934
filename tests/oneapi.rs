//! OneAPI sign-in end to end, in process, against the simulator's token endpoint and gateway: a
//! client secret and a private key, renewal before expiry and once after a revoked token, the
//! gateway's quota slowing the client down before it refuses, and a tenant moved to OneAPI
//! while the exporter runs. `oneapi_binary.rs` runs the real binary.

mod common;

use std::time::{Duration, Instant};

use common::*;

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
    // 3 s tokens are renewed after 1.5 s: runs every second go on through several renewals,
    // however long a loaded machine takes for them.
    let deadline = Instant::now() + Duration::from_secs(60);
    while statuses(&sim, "token", 200) < 4 {
        assert!(
            Instant::now() < deadline,
            "no 4 tokens issued in 60 s: {:?}",
            sim.control().status_counts("token")
        );
        wait_more_rounds(&exporter, 1).await;
    }
    wait_more_rounds(&exporter, 1).await;
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
