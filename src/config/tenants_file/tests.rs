//! Good and bad tenants files, written to a temporary directory.

use std::path::PathBuf;
use std::time::Duration;

use zpa_api::auth::OneApiCredential;
use zpa_api::lss::LogType;

use super::*;

const ENV: &[(&str, &str)] = &[("BETA_SECRET", "beta-secret"), ("EMPTY", "")];

fn env(name: &str) -> Option<String> {
    ENV.iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let dir = Dir(tempfile::tempdir().unwrap());
        dir.write("acme.secret", "acme-secret\n");
        dir
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn load(&self, yaml: &str) -> Result<TenantsFile, FileError> {
        load_with_env(&self.write("tenants.yml", yaml), &env)
    }

    /// The one-line message of a file that must be refused.
    fn refused(&self, yaml: &str) -> String {
        match self.load(yaml) {
            Ok(_) => panic!("accepted:\n{yaml}"),
            Err(e) => zpa_api::error::Chain(&e).to_string(),
        }
    }
}

const GOOD: &str = r#"
defaults:
  rate_limit: 10/10s
  intervals:
    certificates: 6h
tenants:
  - name: acme
    customer_id: 216196257331281920
    auth:
      legacy:
        client_id: acme-client
        client_secret_file: acme.secret
  - name: beta.corp
    customer_id: "72057594037927936"
    cloud: beta
    microtenant_id: 0
    rate_limit: 5/10s
    poll_interval: 2m
    intervals:
      app_connectors: 30s
    auth:
      oneapi:
        client_id: beta-client
        client_secret_env: BETA_SECRET
        vanity_domain: Beta
  - name: gamma
    customer_id: "1"
    base_url: http://127.0.0.1:9899
    auth:
      legacy:
        client_id: g
        client_secret_env: BETA_SECRET
"#;

#[test]
fn a_good_file_gives_one_spec_per_tenant() {
    let dir = Dir::new();
    let file = dir.load(GOOD).unwrap();
    let names: Vec<&str> = file.tenants.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["acme", "beta.corp", "gamma"]);

    let acme = &file.tenants[0];
    assert_eq!(acme.target.customer_id, "216196257331281920");
    assert_eq!(acme.target.base_url, "https://config.private.zscaler.com");
    assert_eq!(acme.target.client_secret.expose(), "acme-secret");
    assert!(matches!(acme.target.auth.method, AuthMethod::Legacy));
    assert_eq!(acme.rate_limit.to_string(), "10/10s", "from defaults");
    assert_eq!(acme.target.microtenant_id, None);
    let certificates = ALL_COLLECTORS
        .iter()
        .find(|s| s.name == "certificates")
        .unwrap();
    assert_eq!(
        acme.requested_interval(certificates),
        Duration::from_secs(6 * 3600)
    );

    let beta = &file.tenants[1];
    assert_eq!(beta.target.base_url, "https://api.beta.zsapi.net/zpa");
    assert_eq!(beta.target.microtenant_id.as_deref(), Some("0"));
    assert_eq!(beta.rate_limit.to_string(), "5/10s");
    match &beta.target.auth.method {
        AuthMethod::OneApi {
            token_url,
            credential: OneApiCredential::Secret(s),
        } => {
            assert_eq!(token_url, "https://beta.zsloginbeta.net/oauth2/v1/token");
            assert_eq!(s.expose(), "beta-secret");
        }
        other => panic!("{other:?}"),
    }
    let connectors = ALL_COLLECTORS
        .iter()
        .find(|s| s.name == "app_connectors")
        .unwrap();
    assert_eq!(beta.requested_interval(connectors), Duration::from_secs(30));
    assert_eq!(
        beta.requested_interval(certificates),
        Duration::from_secs(6 * 3600),
        "the defaults' intervals merge under the tenant's own"
    );
    let other = ALL_COLLECTORS
        .iter()
        .find(|s| !["certificates", "app_connectors"].contains(&s.name))
        .unwrap();
    assert_eq!(beta.requested_interval(other), Duration::from_secs(120));
    assert_eq!(file.tenants[2].target.base_url, "http://127.0.0.1:9899");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    // Debug never shows a secret.
    let debug = format!("{file:?}");
    assert!(
        !debug.contains("acme-secret") && !debug.contains("beta-secret"),
        "{debug}"
    );
}

fn one_tenant(body: &str) -> String {
    format!("tenants:\n  - name: acme\n    customer_id: \"1\"\n{body}")
}

const LEGACY: &str =
    "    auth:\n      legacy:\n        client_id: c\n        client_secret_file: acme.secret\n";

#[test]
fn secrets_are_never_inline_and_never_echoed() {
    let dir = Dir::new();
    let e = dir.refused(&one_tenant(
        "    auth:\n      legacy:\n        client_id: c\n        client_secret: hunter2\n",
    ));
    assert!(
        e.contains("tenants[0] \"acme\": auth.legacy.client_secret: secrets are never written"),
        "{e}"
    );
    assert!(e.contains("client_secret_file or client_secret_env"), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
    let e = dir.refused(&one_tenant(
        "    auth:\n      oneapi:\n        client_id: c\n        vanity_domain: a\n        private_key: |\n          -----BEGIN hunter2\n",
    ));
    assert!(
        e.contains("auth.oneapi.private_key: secrets are never"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn every_bad_setting_names_the_tenant_and_field() {
    let dir = Dir::new();
    dir.write("empty.secret", "\n");
    let cases: &[(&str, &str)] = &[
        (
            "tenants:\n  - name: acme\n    customer_id: \"1\"\n    colud: BETA\n",
            "unknown field `colud`",
        ),
        (
            &one_tenant(&format!("    cloud: BETA\n    base_url: https://x.example\n{LEGACY}")),
            "tenants[0] \"acme\": cloud: set only one of cloud and base_url",
        ),
        (
            &one_tenant(&format!("    cloud: MARS\n{LEGACY}")),
            "cloud: unknown cloud \"MARS\"",
        ),
        (
            &one_tenant(&format!("    base_url: http://example.com\n{LEGACY}")),
            "base_url: plain http:// is only allowed for loopback",
        ),
        (
            &one_tenant(&format!("    rate_limit: 20 per 10s\n{LEGACY}")),
            "rate_limit: \"20 per 10s\" is not of the form COUNT/DURATION",
        ),
        (
            &one_tenant(&format!("    intervals:\n      bogus: 1m\n{LEGACY}")),
            "intervals.bogus: \"bogus\" is not a collector; expected one of",
        ),
        (
            &one_tenant(&format!("    intervals:\n      certificates: 8d\n{LEGACY}")),
            "intervals.certificates: 8d is outside 1s to 7d",
        ),
        (
            &one_tenant(&format!("    poll_interval: 500ms\n{LEGACY}")),
            "poll_interval: 500ms is outside 1s to 7d",
        ),
        (
            &one_tenant(&format!("    microtenant_id: abc\n{LEGACY}")),
            "microtenant_id: \"abc\" is not a numeric microtenant id",
        ),
        (
            "tenants:\n  - name: acme\n    customer_id: \"12x\"\n    auth: {legacy: {client_id: c, client_secret_env: BETA_SECRET}}\n",
            "customer_id: \"12x\" is not a numeric tenant id",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: c\n        client_secret_file: missing.secret\n"),
            "auth.legacy.client_secret_file: cannot read",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: c\n        client_secret_file: empty.secret\n"),
            "auth.legacy.client_secret_file: ",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: c\n        client_secret_env: EMPTY\n"),
            "auth.legacy.client_secret_env: environment variable EMPTY is not set or is empty",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: c\n        client_secret_env: X\n        client_secret_file: acme.secret\n"),
            "auth.legacy: set only one of client_secret_file and client_secret_env",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: c\n"),
            "auth.legacy: is required; set client_secret_file or client_secret_env",
        ),
        (
            &one_tenant("    auth:\n      legacy:\n        client_id: \" \"\n        client_secret_env: BETA_SECRET\n"),
            "auth.legacy.client_id: is required",
        ),
        (
            &one_tenant("    auth:\n      oneapi:\n        client_id: c\n        client_secret_env: BETA_SECRET\n"),
            "auth.oneapi: is required; set vanity_domain or token_url",
        ),
        (
            &one_tenant("    auth:\n      oneapi:\n        client_id: c\n        vanity_domain: evil.com/x\n        client_secret_env: BETA_SECRET\n"),
            "auth.oneapi.vanity_domain: \"evil.com/x\" is not a vanity domain",
        ),
        (
            &one_tenant("    auth:\n      oneapi:\n        client_id: c\n        vanity_domain: a\n        client_secret_env: BETA_SECRET\n        private_key_file: key.pem\n"),
            "auth.oneapi: set only one of client_secret_file, client_secret_env or private_key_file",
        ),
        (
            &one_tenant("    auth:\n      oneapi:\n        client_id: c\n        vanity_domain: a\n        private_key_file: acme.secret\n"),
            "auth.oneapi.private_key_file: ",
        ),
        (
            &one_tenant("    auth:\n      kerberos: {}\n"),
            "unknown field `kerberos`",
        ),
        ("tenants: []\n", "tenants: lists no tenant"),
        (
            &one_tenant("    auth: {}\n"),
            "auth: is required; set legacy or oneapi",
        ),
        ("defaults:\n  rate_limit: 0/1s\ntenants: []\n", "tenants: lists no tenant"),
        (
            &format!("defaults:\n  rate_limit: 0/1s\n{}", one_tenant(LEGACY)),
            "defaults: rate_limit: both the count and the duration must be above zero",
        ),
        (
            &format!("{}  - name: acme\n    customer_id: \"2\"\n{LEGACY}", one_tenant(LEGACY)),
            "tenants[1] \"acme\": name: \"acme\" is also the name of tenants[0]",
        ),
        (
            "tenants:\n  - name: -acme\n    customer_id: \"1\"\n    auth: {legacy: {client_id: c, client_secret_env: BETA_SECRET}}\n",
            "name: \"-acme\" is not a tenant name",
        ),
        (
            "tenants:\n  - name: \"a b\"\n    customer_id: \"1\"\n    auth: {legacy: {client_id: c, client_secret_env: BETA_SECRET}}\n",
            "name: \"a b\" is not a tenant name",
        ),
    ];
    for (yaml, wanted) in cases {
        let e = dir.refused(yaml);
        assert!(e.contains(wanted), "wanted {wanted:?} in\n{e}\nfor\n{yaml}");
        assert!(e.starts_with("--config.file "), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn files_are_bounded_and_must_exist() {
    let dir = Dir::new();
    let e = load_with_env(&dir.0.path().join("nope.yml"), &env).unwrap_err();
    assert!(matches!(e, FileError::Read { .. }), "{e}");
    let big = format!("# {}\n", "x".repeat(MAX_FILE_BYTES as usize));
    let e = dir.load(&big).unwrap_err();
    assert!(e.to_string().contains("larger than 1048576 bytes"), "{e}");
    let many: String = (0..=MAX_TENANTS)
        .map(|i| format!("  - name: t{i}\n    customer_id: \"{i}\"\n    auth: {{legacy: {{client_id: c, client_secret_env: BETA_SECRET}}}}\n"))
        .collect();
    let e = dir.load(&format!("tenants:\n{many}")).unwrap_err();
    assert!(
        e.to_string().contains("1001 tenants, more than the 1000"),
        "{e}"
    );
}

#[test]
fn sharing_a_customer_or_exceeding_the_budget_is_a_warning() {
    let dir = Dir::new();
    let yaml = format!(
        "{}  - name: acme-mt\n    customer_id: \"1\"\n    microtenant_id: \"7\"\n{LEGACY}",
        one_tenant(LEGACY)
    );
    let file = dir.load(&yaml).unwrap();
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert!(file.warnings[0].contains("same customer id as tenants[0]"));
    let yaml = one_tenant(&format!("    rate_limit: 40/10s\n{LEGACY}"));
    let file = dir.load(&yaml).unwrap();
    assert!(
        file.warnings[0].contains("above ZPA's documented budget"),
        "{:?}",
        file.warnings
    );
}

#[test]
fn tenant_names_are_label_and_path_safe() {
    for good in ["acme", "a", "ACME_1.prod-eu", &"x".repeat(63)] {
        assert!(is_tenant_name(good), "{good}");
    }
    for bad in ["", "_a", ".a", "a b", "a/b", "é", "a\"b", &"x".repeat(64)] {
        assert!(!is_tenant_name(bad), "{bad}");
    }
}

#[test]
fn the_documented_example_loads() {
    // docs/config-file.md's example, with its secret files and variables provided.
    let doc = include_str!("../../../docs/config-file.md");
    let yaml = doc
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a yaml block in docs/config-file.md");
    let dir = Dir::new();
    std::fs::create_dir_all(dir.0.path().join("secrets")).unwrap();
    dir.write("secrets/acme-client-secret", "s\n");
    let key = rsa::RsaPrivateKey::new(&mut rand_core(), 2048).unwrap();
    use rsa::pkcs8::EncodePrivateKey;
    let pem = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    dir.write("secrets/globex-key.pem", &pem);
    let path = dir.write("tenants.yml", yaml);
    let file = load_with_env(&path, &|name| {
        (name == "INITECH_ZPA_CLIENT_SECRET").then(|| "s".to_string())
    })
    .unwrap();
    assert_eq!(file.tenants.len(), 3);
}

fn rand_core() -> impl rsa::rand_core::CryptoRngCore {
    rsa::rand_core::OsRng
}

/// Two tenants, `acme` and `beta`, with the given `lss:` blocks (empty: none).
fn with_lss(acme: &str, beta: &str) -> String {
    let tenant = |name: &str, id: u8, lss: &str| {
        format!("  - name: {name}\n    customer_id: \"{id}\"\n{LEGACY}{lss}")
    };
    format!(
        "tenants:\n{}{}",
        tenant("acme", 1, acme),
        tenant("beta", 2, beta)
    )
}

#[test]
fn each_tenant_may_have_its_own_lss_receiver_and_shard() {
    let dir = Dir::new();
    let file = dir
        .load(&with_lss(
            "    shard: 1\n    lss:\n      listen_addresses: [\"user_activity=:9901\", \"127.0.0.1:9902\"]\n      tls: true\n      client_ca_file: acme-ca.pem\n",
            "",
        ))
        .unwrap();
    let acme = &file.tenants[0];
    assert_eq!(acme.shard, Some(1));
    let lss = acme.lss.as_ref().expect("acme's receiver");
    assert_eq!(lss.listeners.len(), 2);
    assert_eq!(lss.listeners[0].log_type, Some(LogType::UserActivity));
    assert_eq!(lss.listeners[0].addr.to_string(), "0.0.0.0:9901");
    assert_eq!(lss.listeners[1].log_type, None);
    assert!(lss.tls);
    // Relative to the file, as every path in it.
    assert_eq!(
        lss.client_ca_file.as_deref(),
        Some(dir.0.path().join("acme-ca.pem").as_path())
    );
    assert!(file.tenants[1].lss.is_none());
    assert_eq!(file.tenants[1].shard, None);
}

#[test]
fn an_lss_address_used_twice_names_both_tenants() {
    let dir = Dir::new();
    let lss = |addr: &str| format!("    lss:\n      listen_addresses: [\"{addr}\"]\n");
    // The wildcard takes the port on every address, so a loopback one overlaps it.
    for (a, b) in [(":9901", "user_status=:9901"), (":9901", "127.0.0.1:9901")] {
        let e = dir.refused(&with_lss(&lss(a), &lss(b)));
        assert!(e.contains(r#"tenants[1] "beta""#), "{e}");
        assert!(
            e.contains(r#"is also a listen address of tenants[0] "acme""#),
            "{e}"
        );
    }
    // Different ports, or ports the OS picks, are fine.
    dir.load(&with_lss(&lss(":9901"), &lss(":9902"))).unwrap();
    dir.load(&with_lss(&lss("127.0.0.1:0"), &lss("127.0.0.1:0")))
        .unwrap();
}

#[test]
fn bad_lss_blocks_are_refused_by_field() {
    let dir = Dir::new();
    for (block, field, says) in [
        (
            "    lss:\n      listen_addresses: [\"nosuch=:1\"]\n",
            "lss.listen_addresses",
            "names no LSS log type",
        ),
        (
            "    lss:\n      listen_addresses: [\"user_status=host\"]\n",
            "lss.listen_addresses",
            "",
        ),
        (
            "    lss:\n      tls: true\n",
            "lss.listen_addresses",
            "at least one",
        ),
        (
            "    lss:\n      listen_addresses: [\":1\"]\n      client_ca_file: ca.pem\n",
            "lss.client_ca_file",
            "needs lss.tls",
        ),
        (
            "    lss:\n      listen_addresses: [\":1\"]\n      port: 1\n",
            "",
            "unknown field `port`",
        ),
    ] {
        let e = dir.refused(&with_lss(block, ""));
        assert!(e.contains(field) && e.contains(says), "{block}: {e}");
    }
}
