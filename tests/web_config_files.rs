//! Web config files (`--web.config.file`): a bad file names the field and the file, and every
//! valid form loads.

mod web;

use zpa_exporter::WebConfig;

use web::*;

#[test]
fn bad_config_files_name_the_field_and_file() {
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    let other_key = ca.server("other", 9).key_pem;
    files.write("other.key", &other_key);
    let web_yml = files.path("web.yml").display().to_string();
    let good_hash = hash("x");

    let cases: Vec<(String, Vec<String>)> =
        vec![
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cert_flie: x\n"
                .into(),
            vec!["unknown field".into(), "cert_flie".into()],
        ),
        (
            "basic_auth_user:\n  alice: x\n".into(),
            vec!["basic_auth_user".into()],
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n".into(),
            vec![
                "tls_server_config.key_file".into(),
                files.path("missing.key").display().to_string(),
            ],
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n".into(),
            vec!["key_file".into(), "does not match".into()],
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n".into(),
            vec!["key_file".into()],
        ),
        (
            "basic_auth_users:\n  alice: \"$2y$10$tooshort\"\n".into(),
            vec!["basic_auth_users.alice".into(), "bcrypt".into()],
        ),
        (
            format!("basic_auth_users:\n  alice: \"{}\"\n", good_hash.replacen("$2", "$3", 1)),
            vec!["basic_auth_users.alice".into()],
        ),
        (
            // A well-formed hash whose cost would make every wrong guess take minutes.
            format!(
                "basic_auth_users:\n  alice: \"{}\"\n",
                good_hash.replacen(&format!("${TEST_COST:02}$"), "$15$", 1)
            ),
            vec!["basic_auth_users.alice".into(), "cost 15".into(), "4..=14".into()],
        ),
        (
            tls_yaml("  min_version: TLS11\n"),
            vec![
                "tls_server_config.min_version".into(),
                "TLS11".into(),
                "rustls".into(),
            ],
        ),
        (
            tls_yaml("  min_version: TLS13\n  max_version: TLS12\n"),
            vec!["min_version".into()],
        ),
        (
            tls_yaml("  client_auth_type: RequireSomething\n"),
            vec!["client_auth_type".into(), "RequireSomething".into()],
        ),
        (
            tls_yaml("  client_auth_type: RequireAndVerifyClientCert\n"),
            vec!["client_ca_file".into()],
        ),
        (
            tls_yaml("  client_auth_type: RequestClientCert\n  client_allowed_sans: [a]\n"),
            vec!["client_allowed_sans".into()],
        ),
        (
            tls_yaml("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]\n"),
            vec!["cipher_suites".into(), "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA".into()],
        ),
        (
            tls_yaml("  curve_preferences: [CurveP521]\n"),
            vec!["curve_preferences".into(), "CurveP521".into()],
        ),
        (
            "tls_server_config:\n  min_version: TLS13\n".into(),
            vec!["min_version".into()],
        ),
        (
            "http_server_config:\n  headers:\n    Server: zpa\n".into(),
            vec!["http_server_config.headers.Server".into()],
        ),
        (
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n".into(),
            vec!["X-Frame-Options".into(), "allow".into()],
        ),
        (
            "rate_limit:\n  interval: 1s\n".into(),
            vec!["rate_limit.burst".into()],
        ),
        (
            "rate_limit:\n  interval: 5 parsecs\n  burst: 1\n".into(),
            vec!["rate_limit.interval".into()],
        ),
    ];
    for (yaml, expected) in cases {
        let message = files.load_error(&yaml);
        assert!(
            message.contains(&web_yml),
            "{message:?} lacks the file name"
        );
        assert!(!message.contains('\n'), "{message:?} is not one line");
        for needle in &expected {
            assert!(
                message.contains(needle.as_str()),
                "{message:?} lacks {needle:?} (config:\n{yaml})"
            );
        }
    }

    let missing = WebConfig::load(&files.path("nope.yml"))
        .unwrap_err()
        .to_string();
    assert!(missing.contains("nope.yml"), "{missing}");
}

#[test]
fn valid_files_load() {
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    files.write("clients.crt", &ca.pem());

    let empty = files.config("# nothing configured\n");
    assert!(!empty.tls_enabled());
    assert_eq!(empty.warnings().len(), 1, "{:?}", empty.warnings());
    assert!(
        empty.warnings()[0].contains("is empty: serving plain HTTP without authentication"),
        "{:?}",
        empty.warnings()
    );
    // `tls_server_config:` with nothing under it is YAML null: TLS is off, which is said.
    let null_tls = files.config("tls_server_config:\n");
    assert!(!null_tls.tls_enabled());
    let warnings = null_tls.warnings().join("\n");
    assert!(
        warnings.contains("tls_server_config is present but empty"),
        "{warnings}"
    );
    assert!(
        warnings.contains("plain HTTP without authentication"),
        "{warnings}"
    );
    let null_users = files.config(&tls_yaml("basic_auth_users:\n"));
    assert_eq!(
        null_users.warnings(),
        [format!(
            "web config file {}: basic_auth_users is present but empty, so it is off",
            files.path("web.yml").display()
        )]
    );
    let auth_only = files.config(&format!("basic_auth_users:\n  alice: {}\n", hash("x")));
    assert!(
        auth_only.warnings().is_empty(),
        "{:?}",
        auth_only.warnings()
    );

    let full = files.config(&tls_yaml(
        "  client_ca_file: clients.crt\n  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [prometheus.example]\n  min_version: TLS12\n  max_version: TLS13\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, TLS_AES_128_GCM_SHA256]\n  curve_preferences: [X25519, CurveP256]\n  prefer_server_cipher_suites: false\nhttp_server_config:\n  http2: false\nrate_limit:\n  interval: 0s\n",
    ));
    assert!(full.tls_enabled());
    assert!(full.warnings().is_empty(), "{:?}", full.warnings());

    // Inline PEM instead of files; the key never appears in Debug output.
    let leaf = ca.server("inline", 5);
    let indent = |pem: &str| {
        pem.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let inline = files.config(&format!(
        "tls_server_config:\n  cert: |\n{}  key: |\n{}",
        indent(&leaf.cert_pem),
        indent(&leaf.key_pem)
    ));
    assert!(inline.tls_enabled());
    let debug = format!("{inline:?}");
    assert!(!debug.contains("PRIVATE KEY"), "{debug}");
}
