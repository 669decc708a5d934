//! Validation of the parsed command line: every problem names its setting on one line.

use super::*;

/// Parses and validates; clap's own errors are rendered as `main` renders them.
fn parse(args: &[&str], secret: Option<&str>) -> Result<Config, String> {
    let argv = std::iter::once("zpa-exporter").chain(args.iter().copied());
    let parsed = cli::parse_from(argv).map_err(|e| cli::render_error(&e))?;
    Config::from_cli(&parsed, secret.map(String::from)).map_err(|e| e.to_string())
}

const CREDS: [&str; 4] = [
    "--zpa.customer-id=123",
    "--zpa.client-id=abc",
    "--zpa.cloud=beta",
    "--poll.interval=30s",
];

#[test]
fn demo_matches_the_flag_defaults() {
    let from_flags = parse(&["--demo"], None).unwrap();
    let built = Config::demo();
    assert_eq!(format!("{from_flags:?}"), format!("{built:?}"));
}

#[test]
fn a_complete_configuration() {
    let c = parse(&CREDS, Some("s3cret")).unwrap();
    let t = zpa(&c);
    assert_eq!(t.base_url, "https://config.zpabeta.net");
    assert_eq!(c.tenants[0].poll_interval, Some(Duration::from_secs(30)));
    assert!(c.warnings.is_empty());
    assert_eq!(c.listen_addresses.len(), 1);
    assert_eq!(c.listen_addresses[0].port(), DEFAULT_PORT);
    assert!(
        !format!("{c:?}").contains("s3cret"),
        "Debug must redact the secret"
    );
}

#[test]
fn missing_settings_name_the_flag() {
    let e = parse(&["--zpa.client-id=abc"], Some("s")).unwrap_err();
    assert!(e.starts_with("--zpa.customer-id (ZPA_CUSTOMER_ID)"), "{e}");
    let e = parse(&["--zpa.customer-id=1", "--zpa.client-id=abc"], None).unwrap_err();
    assert!(e.contains("ZPA_CLIENT_SECRET"), "{e}");
    assert!(
        parse(&["--demo"], None).is_ok(),
        "demo needs no credentials"
    );
}

#[test]
fn bad_values_name_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["--poll.interval=500ms"], "--poll.interval"),
        (&["--poll.interval=often"], "--poll.interval"),
        (&["--zpa.cloud=mars"], "--zpa.cloud"),
        (&["--zpa.base-url=http://example.com"], "--zpa.base-url"),
        (&["--zpa.base-url=ftp://127.0.0.1"], "--zpa.base-url"),
        (&["--web.listen-address=nowhere"], "--web.listen-address"),
        (&["--zpa.rate-limit=fast"], "--zpa.rate-limit"),
        (&["--no-collector.nonsense"], "--no-collector.nonsense"),
        (
            &["--collector.nonsense.interval=1m"],
            "--collector.nonsense.interval",
        ),
        (
            &["--collector.app_connectors.interval=500ms"],
            "--collector.app_connectors.interval",
        ),
        (
            &["--collector.app_connectors.interval", "soon"],
            "--collector.app_connectors.interval",
        ),
        (&["--poll.timeout=never"], "--poll.timeout"),
        (&["--log.level=loud"], "--log.level"),
        (&["--zpa.microtenant-id=abc"], "--zpa.microtenant-id"),
    ];
    for (args, flag) in cases {
        let mut all = CREDS.to_vec();
        all.extend_from_slice(args);
        let e = parse(&all, Some("s")).unwrap_err();
        let mut lines = e.lines();
        assert!(lines.next().unwrap().contains(flag), "{args:?}: {e}");
        for extra in lines {
            let extra = extra.trim();
            assert!(
                extra.starts_with("tip:") || extra.starts_with("[possible values"),
                "only clap's suggestions follow the first line: {e}"
            );
        }
    }
}

#[test]
fn plain_http_only_to_loopback() {
    assert_eq!(
        validate_base_url("http://127.0.0.1:8080/").unwrap(),
        "http://127.0.0.1:8080"
    );
    assert!(validate_base_url("http://localhost:1").is_ok());
    assert!(validate_base_url("http://[::1]:1").is_ok());
    assert!(validate_base_url("https://proxy.example.com/zpa").is_ok());
    assert!(validate_base_url("http://10.0.0.1").is_err());
}

#[test]
fn secret_file_and_collector_toggles() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "from-file\n").unwrap();
    let arg = format!("--zpa.client-secret-file={}", file.display());
    let mut args = CREDS.to_vec();
    args.push(&arg);
    args.push("--no-collector.microtenants");
    args.push("--collector.application_segments.info");
    let c = parse(&args, None).unwrap();
    let t = zpa(&c);
    assert_eq!(t.client_secret.expose(), "from-file");
    assert!(!c.collectors.contains(&"microtenants"));
    assert!(c.collector_options.segment_info);
    let e = parse(&args, Some("also-env")).unwrap_err();
    assert!(e.contains("only one"), "{e}");
}

#[test]
fn intervals_per_collector_then_poll_interval_then_default() {
    let spec = |name: &str| ALL_COLLECTORS.iter().find(|s| s.name == name).unwrap();
    let c = parse(&CREDS[..CREDS.len() - 1], Some("s")).unwrap();
    let c = &c.tenants[0];
    assert_eq!(
        c.requested_interval(spec("app_connectors")),
        Duration::from_secs(60)
    );
    assert_eq!(
        c.requested_interval(spec("certificates")),
        Duration::from_secs(3600)
    );

    let mut args = CREDS[..CREDS.len() - 1].to_vec();
    args.extend([
        "--poll.interval=2m",
        "--collector.certificates.interval=6h",
        "--collector.app_connectors.interval",
        "30s",
    ]);
    let c = parse(&args, Some("s")).unwrap();
    let c = &c.tenants[0];
    assert_eq!(
        c.requested_interval(spec("certificates")),
        Duration::from_secs(6 * 3600)
    );
    assert_eq!(
        c.requested_interval(spec("app_connectors")),
        Duration::from_secs(30)
    );
    assert_eq!(
        c.requested_interval(spec("policy_rules")),
        Duration::from_secs(120)
    );
}

#[test]
fn poll_timeout_is_accepted_with_a_warning() {
    let c = parse(&["--demo", "--poll.timeout=50s"], None).unwrap();
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].starts_with("--poll.timeout (ZPA_POLL_TIMEOUT) is deprecated"));
}

#[test]
fn a_rate_limit_above_zpa_budget_warns() {
    for within in ["20/10s", "10/10s", "1/1s", "20/20s"] {
        let c = parse(&["--demo", &format!("--zpa.rate-limit={within}")], None).unwrap();
        assert!(c.warnings.is_empty(), "{within}: {:?}", c.warnings);
    }
    for above in ["21/10s", "3/1s", "40/20s"] {
        let c = parse(&["--demo", &format!("--zpa.rate-limit={above}")], None).unwrap();
        assert_eq!(c.warnings.len(), 1, "{above}");
        assert!(
            c.warnings[0].contains("above ZPA's documented budget"),
            "{}",
            c.warnings[0]
        );
    }
}

/// Parses and validates with both environment secrets.
fn parse_env(args: &[&str], secrets: impl Into<EnvSecrets>) -> Result<Config, String> {
    let argv = std::iter::once("zpa-exporter").chain(args.iter().copied());
    let parsed = cli::parse_from(argv).map_err(|e| cli::render_error(&e))?;
    Config::from_cli(&parsed, secrets).map_err(|e| e.to_string())
}

fn oneapi_secret(secret: &str) -> EnvSecrets {
    EnvSecrets {
        zpa_client_secret: None,
        zscaler_client_secret: Some(Secret::new(secret)),
    }
}

fn zpa(c: &Config) -> &ZpaTarget {
    assert!(c.demo.is_none(), "not demo");
    &c.tenants[0].target
}

const ONEAPI: [&str; 3] = [
    "--zpa.customer-id=123",
    "--oneapi.client-id=api-client",
    "--oneapi.vanity-domain=Acme",
];

#[test]
fn oneapi_is_chosen_by_its_client_id_or_vanity_domain_and_says_why() {
    let c = parse_env(&ONEAPI, oneapi_secret("0ne-s3cret")).unwrap();
    let t = zpa(&c);
    assert_eq!(
        t.auth.reason,
        "--oneapi.client-id (ZSCALER_CLIENT_ID) is set"
    );
    assert_eq!(t.base_url, "https://api.zsapi.net/zpa", "ZPA below /zpa");
    assert_eq!(t.client_id, "api-client");
    let AuthMethod::OneApi {
        token_url,
        credential,
    } = &t.auth.method
    else {
        panic!("not OneAPI: {:?}", t.auth)
    };
    assert_eq!(token_url, "https://acme.zslogin.net/oauth2/v1/token");
    assert!(
        matches!(credential, zpa_api::auth::OneApiCredential::Secret(s) if s.expose() == "0ne-s3cret")
    );
    assert!(!format!("{c:?}").contains("0ne-s3cret"), "Debug redacts");

    let e = parse_env(
        &["--zpa.customer-id=1", "--oneapi.vanity-domain=acme"],
        EnvSecrets::default(),
    )
    .unwrap_err();
    assert!(
        e.starts_with("--oneapi.client-id (ZSCALER_CLIENT_ID): is required"),
        "{e}"
    );

    let c = parse_env(&CREDS, Some("s".to_string())).unwrap();
    assert!(matches!(zpa(&c).auth.method, AuthMethod::Legacy));
    assert!(zpa(&c)
        .auth
        .reason
        .starts_with("neither ZSCALER_CLIENT_ID nor ZSCALER_VANITY_DOMAIN"));
}

#[test]
fn zpa_auth_decides_when_given() {
    let mut args = CREDS.to_vec();
    args.extend(["--zpa.auth=legacy", "--oneapi.client-id=ignored"]);
    let c = parse_env(&args, Some("s".to_string())).unwrap();
    assert!(matches!(zpa(&c).auth.method, AuthMethod::Legacy));
    assert_eq!(zpa(&c).auth.reason, "--zpa.auth (ZPA_AUTH) is legacy");
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].starts_with("--oneapi.client-id (ZSCALER_CLIENT_ID) is ignored"));

    let e = parse_env(
        &["--zpa.customer-id=1", "--zpa.auth=oneapi"],
        EnvSecrets::default(),
    )
    .unwrap_err();
    assert!(
        e.starts_with("--oneapi.client-id (ZSCALER_CLIENT_ID)"),
        "{e}"
    );
    let e = parse_env(&["--zpa.auth=sso"], EnvSecrets::default()).unwrap_err();
    assert!(
        e.contains("--zpa.auth (ZPA_AUTH)") && e.contains("[possible values: legacy, oneapi]"),
        "{e}"
    );
}

#[test]
fn legacy_settings_are_ignored_with_a_warning_under_oneapi() {
    let mut args = ONEAPI.to_vec();
    args.extend([
        "--zpa.client-id=old",
        "--zpa.base-url=https://proxy.example.com",
    ]);
    let secrets = EnvSecrets {
        zpa_client_secret: Some(Secret::new("old-secret")),
        zscaler_client_secret: Some(Secret::new("new")),
    };
    let c = parse_env(&args, secrets).unwrap();
    assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
    assert!(c
        .warnings
        .iter()
        .all(|w| w.contains("is ignored when signing in with OneAPI")));
    assert!(!c.warnings.concat().contains("old-secret"));
}

#[test]
fn oneapi_urls_follow_the_cloud_or_the_overrides() {
    let mut args = ONEAPI.to_vec();
    args.push("--oneapi.cloud=GOVUS");
    let c = parse_env(&args, oneapi_secret("s")).unwrap();
    let AuthMethod::OneApi { token_url, .. } = &zpa(&c).auth.method else {
        panic!()
    };
    assert_eq!(token_url, "https://acme.zidentitygov.us/oauth2/v1/token");
    assert_eq!(zpa(&c).base_url, "https://api.zscalergov.us/zpa");

    // Overrides need no vanity domain; plain http only to loopback, as for --zpa.base-url.
    let args = [
        "--zpa.customer-id=1",
        "--zpa.auth=oneapi",
        "--oneapi.client-id=c",
        "--oneapi.token-url=http://127.0.0.1:9/oauth2/v1/token",
        "--oneapi.base-url=http://127.0.0.1:9/",
    ];
    let c = parse_env(&args, oneapi_secret("s")).unwrap();
    let AuthMethod::OneApi { token_url, .. } = &zpa(&c).auth.method else {
        panic!()
    };
    assert_eq!(token_url, "http://127.0.0.1:9/oauth2/v1/token");
    assert_eq!(zpa(&c).base_url, "http://127.0.0.1:9/zpa");

    let cases: &[(&[&str], &str)] = &[
        (
            &["--oneapi.token-url=http://idp.example.com/t"],
            "--oneapi.token-url (ZPA_ONEAPI_TOKEN_URL)",
        ),
        (
            &["--oneapi.base-url=http://api.example.com"],
            "--oneapi.base-url (ZPA_ONEAPI_BASE_URL)",
        ),
        (
            &["--oneapi.vanity-domain=evil.com/x?"],
            "--oneapi.vanity-domain (ZSCALER_VANITY_DOMAIN)",
        ),
        (&["--oneapi.vanity-domain=-acme"], "--oneapi.vanity-domain"),
        (&["--oneapi.cloud=be.ta"], "--oneapi.cloud (ZSCALER_CLOUD)"),
    ];
    for (extra, setting) in cases {
        let mut args = ONEAPI.to_vec();
        args.extend_from_slice(extra);
        let e = parse_env(&args, oneapi_secret("s")).unwrap_err();
        assert!(
            e.lines().next().unwrap().contains(setting),
            "{extra:?}: {e}"
        );
    }
}

#[test]
fn oneapi_needs_exactly_one_credential_and_a_usable_key() {
    let e = parse_env(&ONEAPI, EnvSecrets::default()).unwrap_err();
    assert!(
        e.starts_with("ZSCALER_CLIENT_SECRET / --oneapi.client-secret-file"),
        "{e}"
    );
    assert!(
        e.contains("--oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE): is required"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "from-file\n").unwrap();
    let key_file = dir.path().join("key.pem");
    std::fs::write(
        &key_file,
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let secret_arg = format!("--oneapi.client-secret-file={}", secret_file.display());
    let key_arg = format!("--oneapi.private-key-file={}", key_file.display());

    let mut args = ONEAPI.to_vec();
    args.push(&secret_arg);
    let c = parse_env(&args, EnvSecrets::default()).unwrap();
    let AuthMethod::OneApi { credential, .. } = &zpa(&c).auth.method else {
        panic!()
    };
    assert!(
        matches!(credential, zpa_api::auth::OneApiCredential::Secret(s) if s.expose() == "from-file")
    );
    let e = parse_env(&args, oneapi_secret("env")).unwrap_err();
    assert!(e.contains("set only one of"), "{e}");
    args.push(&key_arg);
    let e = parse_env(&args, EnvSecrets::default()).unwrap_err();
    assert!(e.contains("set only one of"), "{e}");

    let mut args = ONEAPI.to_vec();
    args.push(&key_arg);
    let e = parse_env(&args, EnvSecrets::default()).unwrap_err();
    assert!(
        e.starts_with("--oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE): ")
            && e.contains("is not a usable RSA private key"),
        "{e}"
    );
    assert!(
        !e.contains("bm90IGEga2V5"),
        "the key's content stays out: {e}"
    );
    let missing = format!(
        "--oneapi.private-key-file={}",
        dir.path().join("nope").display()
    );
    let mut args = ONEAPI.to_vec();
    args.push(&missing);
    let e = parse_env(&args, EnvSecrets::default()).unwrap_err();
    assert!(
        e.starts_with("--oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE): cannot read"),
        "{e}"
    );
}

#[test]
fn every_listen_address_is_kept_in_order_without_repeats() {
    let c = parse(
        &[
            "--demo",
            "--web.listen-address=:9100",
            "--web.listen-address=[::]:9100",
            "--web.listen-address=0.0.0.0:9100",
            "--web.listen-address=127.0.0.1:9200,[::1]:9200",
        ],
        None,
    )
    .unwrap();
    let addrs: Vec<String> = c.listen_addresses.iter().map(|a| a.to_string()).collect();
    assert_eq!(
        addrs,
        ["0.0.0.0:9100", "[::]:9100", "127.0.0.1:9200", "[::1]:9200"]
    );
    let e = parse(
        &[
            "--demo",
            "--web.listen-address=:9100",
            "--web.listen-address=nope",
        ],
        None,
    )
    .unwrap_err();
    assert!(e.starts_with("--web.listen-address"), "{e}");
}

#[test]
fn lss_listeners_named_or_not() {
    let c = parse(
        &[
            "--demo",
            "--lss.listen-address=user_activity=127.0.0.1:9892",
            "--lss.listen-address=:9893",
            "--lss.listen-address=zpn_ast_comprehensive_stats=[::1]:9894",
            "--lss.max-series=50",
            "--lss.idle-timeout=30s",
        ],
        None,
    )
    .unwrap();
    let types: Vec<_> = c.lss.listeners.iter().map(|l| l.log_type).collect();
    assert_eq!(
        types,
        [
            Some(crate::lss::LogType::UserActivity),
            None,
            Some(crate::lss::LogType::AppConnectorMetrics)
        ]
    );
    assert_eq!(c.lss.listeners[1].addr.to_string(), "0.0.0.0:9893");
    assert_eq!(c.lss.max_series, 50);
    assert_eq!(c.lss.idle_timeout, Duration::from_secs(30));
    assert_eq!(c.lss.max_line_bytes, 64 * 1024);
    assert!(
        parse(&["--demo"], None).unwrap().lss.listeners.is_empty(),
        "off by default"
    );
}

#[test]
fn bad_lss_settings_name_the_flag() {
    let e = parse(&["--demo", "--lss.listen-address=audit=:9892"], None).unwrap_err();
    assert!(e.starts_with("--lss.listen-address"), "{e}");
    assert!(e.contains("\"audit\" names no LSS log type"), "{e}");
    let e = parse(
        &["--demo", "--lss.listen-address=user_activity=nowhere"],
        None,
    )
    .unwrap_err();
    assert!(e.starts_with("--lss.listen-address"), "{e}");
    let e = parse(&["--demo", "--lss.listen-address=:1", "--lss.tls"], None).unwrap_err();
    assert!(e.starts_with("--lss.tls"), "{e}");
    let e = parse(&["--demo", "--lss.max-connections=0"], None).unwrap_err();
    assert!(e.contains("--lss.max-connections"), "{e}");
}

#[test]
fn lss_flags_with_a_tenants_file_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s"), "secret").unwrap();
    let file = dir.path().join("tenants.yml");
    std::fs::write(
        &file,
        "tenants:\n  - name: a\n    customer_id: \"1\"\n    auth:\n      legacy:\n        client_id: c\n        client_secret_file: s\n",
    )
    .unwrap();
    let config_file = format!("--config.file={}", file.display());
    let e = parse(&[&config_file, "--lss.listen-address=:9901"], None).unwrap_err();
    assert!(e.starts_with("--lss.listen-address"), "{e}");
    assert!(e.contains("its lss: block there"), "{e}");
    // The caps still apply to every tenant's receiver.
    let c = parse(&[&config_file, "--lss.max-series=10"], None).unwrap();
    assert_eq!(c.lss.max_series, 10);
}
