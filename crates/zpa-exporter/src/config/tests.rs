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
fn for_target_matches_the_flag_defaults() {
    let from_flags = parse(&["--demo"], None).unwrap();
    let built = Config::for_target(Target::Demo);
    assert_eq!(format!("{from_flags:?}"), format!("{built:?}"));
}

#[test]
fn a_complete_configuration() {
    let c = parse(&CREDS, Some("s3cret")).unwrap();
    let Target::Zpa(t) = &c.target else {
        panic!("not demo")
    };
    assert_eq!(t.base_url, "https://config.zpabeta.net");
    assert_eq!(c.poll_interval, Some(Duration::from_secs(30)));
    assert!(c.warnings.is_empty());
    assert_eq!(c.listen_address.port(), DEFAULT_PORT);
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
    let Target::Zpa(t) = &c.target else { panic!() };
    assert_eq!(t.client_secret.expose(), "from-file");
    assert!(!c.collectors.contains(&"microtenants"));
    assert!(c.collector_options.segment_info);
    let e = parse(&args, Some("also-env")).unwrap_err();
    assert!(e.contains("only one"), "{e}");
}

#[test]
fn intervals_per_collector_then_poll_interval_then_default() {
    let spec = |name: &str| ALL_COLLECTORS.iter().find(|s| s.name == name).unwrap();
    let c = parse(&["--demo"], None).unwrap();
    assert_eq!(
        c.requested_interval(spec("app_connectors")),
        Duration::from_secs(60)
    );
    assert_eq!(
        c.requested_interval(spec("certificates")),
        Duration::from_secs(3600)
    );

    let c = parse(
        &[
            "--demo",
            "--poll.interval=2m",
            "--collector.certificates.interval=6h",
            "--collector.app_connectors.interval",
            "30s",
        ],
        None,
    )
    .unwrap();
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
