//! End-to-end tests of the web security layer (`--web.config.file`): real sockets on
//! 127.0.0.1, certificates generated per test with rcgen, requests with reqwest.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zpa_exporter::webconfig::{serve, ServeOptions, WebConfig, WebConfigError};

/// Low bcrypt cost: the tests run unoptimised bcrypt, and behaviour, not strength, is tested.
const TEST_COST: u32 = 6;

struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

struct Leaf {
    cert_pem: String,
    key_pem: String,
    der: Vec<u8>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Ca { issuer }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    fn leaf(&self, cn: &str, sans: &[&str], serial: u64, usage: ExtendedKeyUsagePurpose) -> Leaf {
        let mut params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.serial_number = Some(serial.into());
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    fn server(&self, cn: &str, serial: u64) -> Leaf {
        self.leaf(
            cn,
            &["localhost", "127.0.0.1"],
            serial,
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    fn client(&self, cn: &str, sans: &[&str]) -> Leaf {
        self.leaf(cn, sans, 7, ExtendedKeyUsagePurpose::ClientAuth)
    }
}

/// A temp directory holding the web config and the PEM files it refers to.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn server_cert(&self, leaf: &Leaf) {
        self.write("server.crt", &leaf.cert_pem);
        self.write("server.key", &leaf.key_pem);
    }

    /// Writes `web.yml` and loads it.
    fn config(&self, yaml: &str) -> Arc<WebConfig> {
        let path = self.write("web.yml", yaml);
        Arc::new(WebConfig::load(&path).unwrap_or_else(|e| panic!("{e}")))
    }

    fn load_error(&self, yaml: &str) -> String {
        let path = self.write("web.yml", yaml);
        let err: WebConfigError = WebConfig::load(&path).expect_err("config should be rejected");
        err.to_string()
    }
}

fn hash(password: &str) -> String {
    bcrypt::hash(password, TEST_COST).unwrap()
}

struct Server {
    addr: SocketAddr,
    /// Notified when a `/slow` request has reached its handler.
    slow_started: Arc<tokio::sync::Notify>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(web_config: Option<Arc<WebConfig>>, unauthenticated: &[&str]) -> Server {
        let slow_started = Arc::new(tokio::sync::Notify::new());
        let started = slow_started.clone();
        let app = Router::new()
            .route("/metrics", get(|| async { "zpa_up 1\n" }))
            .route("/-/healthy", get(|| async { "Healthy\n" }))
            .route(
                "/slow",
                get(move || async move {
                    started.notify_one();
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    "finally\n"
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let opts = ServeOptions {
            web_config,
            unauthenticated_paths: unauthenticated.iter().map(|s| s.to_string()).collect(),
            ..ServeOptions::default()
        };
        let task = tokio::spawn(serve(vec![listener], app, opts, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            slow_started,
            stop: Some(stop),
            task,
        }
    }

    fn https(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    fn http(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }

    async fn shutdown(mut self) -> std::io::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("serve returned within the grace period")
            .unwrap()
    }
}

/// A client that trusts `ca`, resolves localhost to the server, opens a fresh connection per
/// request and exposes the server certificate.
fn tls_client(server: &Server, ca: &Ca, identity: Option<&Leaf>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap())
        .resolve("localhost", server.addr)
        .pool_max_idle_per_host(0)
        .tls_info(true)
        .timeout(Duration::from_secs(10));
    if let Some(leaf) = identity {
        let pem = format!("{}{}", leaf.cert_pem, leaf.key_pem);
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .expect("TLS info with the server certificate")
        .to_vec()
}

fn tls_yaml(extra: &str) -> String {
    format!("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n{extra}")
}

#[tokio::test]
async fn tls_handshake_and_request_with_generated_ca() {
    let ca = Ca::new("test CA");
    let leaf = ca.server("server-1", 1);
    let files = Files::new();
    files.server_cert(&leaf);
    let config = files.config(&tls_yaml(""));
    assert!(config.tls_enabled());
    let server = Server::start(Some(config), &[]).await;

    let response = tls_client(&server, &ca, None)
        .get(server.https("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(peer_certificate(&response), leaf.der);
    assert_eq!(response.text().await.unwrap(), "zpa_up 1\n");

    // A client that does not trust the CA cannot connect.
    let other = Ca::new("unrelated CA");
    let refused = tls_client(&server, &other, None)
        .get(server.https("/metrics"))
        .send()
        .await;
    assert!(refused.is_err(), "untrusted server certificate accepted");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn plain_http_against_tls_port_gets_a_readable_400_and_server_survives() {
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    let server = Server::start(Some(files.config(&tls_yaml(""))), &[]).await;

    // As Go's servers answer: readable, not a TLS alert.
    let plain = plain_client()
        .get(server.http("/metrics"))
        .send()
        .await
        .expect("an answer in plain HTTP");
    assert_eq!(plain.status(), 400);
    assert_eq!(
        plain.text().await.unwrap(),
        "Client sent an HTTP request to an HTTPS server.\n"
    );
    // A peer that connects and never speaks TLS must not block others either.
    let _silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let response = tls_client(&server, &ca, None)
        .get(server.https("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn mtls_accepts_only_clients_of_the_configured_ca() {
    let ca = Ca::new("test CA");
    let foreign = Ca::new("foreign CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    files.write("clients.crt", &ca.pem());
    let config = files.config(&tls_yaml(
        "  client_ca_file: clients.crt\n  client_auth_type: RequireAndVerifyClientCert\n",
    ));
    let server = Server::start(Some(config), &[]).await;

    let good = ca.client("prometheus", &["prometheus.example"]);
    let response = tls_client(&server, &ca, Some(&good))
        .get(server.https("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let without = tls_client(&server, &ca, None)
        .get(server.https("/metrics"))
        .send()
        .await;
    assert!(
        without.is_err(),
        "request without client certificate accepted"
    );

    let stranger = foreign.client("intruder", &["prometheus.example"]);
    let with_foreign = tls_client(&server, &ca, Some(&stranger))
        .get(server.https("/metrics"))
        .send()
        .await;
    assert!(
        with_foreign.is_err(),
        "client certificate from a foreign CA accepted"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_allowed_sans_restrict_verified_clients() {
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    files.write("clients.crt", &ca.pem());
    let config = files.config(&tls_yaml(
        "  client_ca_file: clients.crt\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [\"prometheus.example\"]\n",
    ));
    let server = Server::start(Some(config), &[]).await;

    let allowed = ca.client("prometheus", &["prometheus.example"]);
    let response = tls_client(&server, &ca, Some(&allowed))
        .get(server.https("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let other = ca.client("grafana", &["grafana.example"]);
    let refused = tls_client(&server, &ca, Some(&other))
        .get(server.https("/metrics"))
        .send()
        .await;
    assert!(refused.is_err(), "client without an allowed SAN accepted");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn basic_auth_headers_and_exempt_path() {
    let files = Files::new();
    let alice_hash = hash("s3cret");
    let config = files.config(&format!(
        "basic_auth_users:\n  alice: {alice_hash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n    Content-Security-Policy: \"default-src 'none'\"\n"
    ));
    let debug = format!("{config:?}");
    assert!(debug.contains("alice"), "{debug}");
    assert!(
        !debug.contains(&alice_hash),
        "Debug leaks the hash: {debug}"
    );
    let server = Server::start(Some(config), &["/-/healthy"]).await;
    let client = plain_client();
    let get = |user: Option<(&str, &str)>, path: &str| {
        let request = client.get(server.http(path));
        match user {
            Some((u, p)) => request.basic_auth(u, Some(p)),
            None => request,
        }
        .send()
    };

    let ok = get(Some(("alice", "s3cret")), "/metrics").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-frame-options"], "deny");
    assert_eq!(
        ok.headers()["content-security-policy"],
        "default-src 'none'"
    );
    // Served from the success cache the second time; still 200.
    let again = get(Some(("alice", "s3cret")), "/metrics").await.unwrap();
    assert_eq!(again.status(), 200);

    for (creds, what) in [
        (Some(("alice", "wrong")), "wrong password"),
        (Some(("mallory", "s3cret")), "unknown user"),
        (None, "no credentials"),
    ] {
        let response = get(creds, "/metrics").await.unwrap();
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Basic realm=\"zpa-exporter\"",
            "{what}"
        );
        assert_eq!(response.headers()["x-frame-options"], "deny", "{what}");
    }

    let healthy = get(None, "/-/healthy").await.unwrap();
    assert_eq!(healthy.status(), 200);
    assert_eq!(healthy.headers()["x-frame-options"], "deny");
    // Exemption is by exact path only.
    let near = get(None, "/-/healthy/").await.unwrap();
    assert_eq!(near.status(), 401);
    server.shutdown().await.unwrap();
}

/// Users with different bcrypt costs: a refusal must take as long for the cheap user, the
/// expensive user and a name that does not exist, or the timing tells which names exist. The
/// costs differ by 3 steps (8× the work), so without equalisation the cheap user's refusals
/// would be about 8× faster than the expensive one's.
#[tokio::test]
async fn refusals_take_as_long_whatever_the_user_and_its_cost() {
    let files = Files::new();
    let cheap = bcrypt::hash("s3cret", TEST_COST - 2).unwrap();
    let dear = bcrypt::hash("s3cret", TEST_COST + 1).unwrap();
    let config = files.config(&format!(
        "basic_auth_users:\n  alice: {cheap}\n  bob: {dear}\n"
    ));
    let server = Server::start(Some(config), &[]).await;
    let client = plain_client();
    let url = server.http("/metrics");

    async fn refusal(client: &reqwest::Client, url: &str, user: &str) -> Duration {
        let start = Instant::now();
        let response = client
            .get(url)
            .basic_auth(user, Some("not-the-password"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        start.elapsed()
    }

    // Round-robin so that machine load falls on every user alike; the median of many samples
    // ignores the odd slow one.
    let users = ["alice", "bob", "mallory"];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); users.len()];
    for _ in 0..25 {
        for (i, user) in users.iter().enumerate() {
            samples[i].push(refusal(&client, &url, user).await);
        }
    }
    let medians: Vec<Duration> = samples
        .iter_mut()
        .map(|s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect();
    let fastest = medians.iter().min().unwrap().as_secs_f64();
    let slowest = medians.iter().max().unwrap().as_secs_f64();
    assert!(
        slowest / fastest < 2.0,
        "median refusal times differ: alice (cost {}) {:?}, bob (cost {}) {:?}, unknown {:?}",
        TEST_COST - 2,
        medians[0],
        TEST_COST + 1,
        medians[1],
        medians[2]
    );
    // The right password still works for both.
    for user in ["alice", "bob"] {
        let ok = client
            .get(&url)
            .basic_auth(user, Some("s3cret"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "{user}");
    }
    server.shutdown().await.unwrap();
}

/// A flood of wrong guesses fills the bounded queue; requests past it are answered 503 at once
/// rather than queued, so a real scraper with cached credentials is never stuck behind them.
#[tokio::test]
async fn a_guessing_flood_is_turned_away_fast_and_a_known_client_still_gets_through() {
    let files = Files::new();
    let dear = bcrypt::hash("s3cret", TEST_COST + 2).unwrap();
    let config = files.config(&format!("basic_auth_users:\n  prometheus: {dear}\n"));
    let server = Server::start(Some(config), &[]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let url = server.http("/metrics");
    // Prometheus has scraped before: its success is cached.
    let first = client
        .get(&url)
        .basic_auth("prometheus", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);

    let flood: Vec<_> = (0..400)
        .map(|i| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let start = Instant::now();
                let status = client
                    .get(&url)
                    .basic_auth(format!("guess{i}"), Some("x"))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                (status, start.elapsed())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    let during = client
        .get(&url)
        .basic_auth("prometheus", Some("s3cret"))
        .send()
        .await
        .unwrap();
    let waited = start.elapsed();
    assert_eq!(during.status(), 200);
    assert!(
        waited < Duration::from_secs(2),
        "a cached client waited {waited:?}"
    );

    let mut busy = 0;
    let mut refused = 0;
    for task in flood {
        let (status, took) = task.await.unwrap();
        match status {
            503 => {
                busy += 1;
                assert!(took < Duration::from_secs(5), "a 503 took {took:?}");
            }
            401 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(busy > 0, "no request was turned away ({refused} refused)");
    assert!(refused > 0, "no guess was checked at all");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn rate_limit_answers_429() {
    let files = Files::new();
    let config = files.config(
        "rate_limit:\n  interval: 1h\n  burst: 2\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n",
    );
    let server = Server::start(Some(config), &[]).await;
    let client = plain_client();
    for _ in 0..2 {
        let response = client.get(server.http("/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let limited = client.get(server.http("/metrics")).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-content-type-options"], "nosniff");
    server.shutdown().await.unwrap();
}

async fn served_certificate(server: &Server, ca: &Ca) -> Vec<u8> {
    let response = tls_client(server, ca, None)
        .get(server.https("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    peer_certificate(&response)
}

async fn wait_for_certificate(server: &Server, ca: &Ca, expected: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if served_certificate(server, ca).await == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "rotated certificate not served within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Replaces a file the way rotation tools do: write a sibling, then rename over.
fn replace(path: &Path, contents: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test]
async fn rotated_certificate_is_served_without_restart() {
    let ca = Ca::new("test CA");
    let first = ca.server("server-1", 1);
    let files = Files::new();
    files.server_cert(&first);
    let server = Server::start(Some(files.config(&tls_yaml(""))), &[]).await;
    assert_eq!(served_certificate(&server, &ca).await, first.der);

    let second = ca.server("server-2", 2);
    replace(&files.path("server.key"), &second.key_pem);
    replace(&files.path("server.crt"), &second.cert_pem);
    wait_for_certificate(&server, &ca, &second.der).await;

    // A broken replacement keeps the previous good certificate in service.
    replace(&files.path("server.crt"), "not a certificate\n");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(served_certificate(&server, &ca).await, second.der);
    assert_eq!(served_certificate(&server, &ca).await, second.der);

    // And the next good one is picked up again.
    let third = ca.server("server-3", 3);
    replace(&files.path("server.key"), &third.key_pem);
    replace(&files.path("server.crt"), &third.cert_pem);
    wait_for_certificate(&server, &ca, &third.der).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_request_finish() {
    let server = Server::start(None, &[]).await;
    let url = server.http("/slow");
    let addr = server.addr;
    let in_flight = tokio::spawn(async move { plain_client().get(url).send().await });
    tokio::time::timeout(Duration::from_secs(10), server.slow_started.notified())
        .await
        .expect("slow request reached the handler");

    let started = Instant::now();
    server.shutdown().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "serve returned before the in-flight request finished"
    );
    let response = in_flight
        .await
        .unwrap()
        .expect("in-flight request completed");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finally\n");

    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(after.is_err(), "listener still accepting after shutdown");
}

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

/// A client certificate from `ca` whose only SAN extension has `san_content` as its DER value
/// (one entry per extension), bypassing rcgen's own SAN encoding.
fn client_with_raw_sans(ca: &Ca, san_contents: &[Vec<u8>]) -> Leaf {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, "odd");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.custom_extensions = san_contents
        .iter()
        .map(|content| rcgen::CustomExtension::from_oid_content(&[2, 5, 29, 17], content.clone()))
        .collect();
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    Leaf {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        der: cert.der().to_vec(),
    }
}

/// DER GeneralNames holding one dNSName.
fn dns_general_names(name: &str) -> Vec<u8> {
    let mut names = vec![0x82, name.len() as u8];
    names.extend_from_slice(name.as_bytes());
    let mut out = vec![0x30, names.len() as u8];
    out.extend_from_slice(&names);
    out
}

/// Presents `leaf` whatever its contents: reqwest's own identity loading (rustls'
/// `with_client_auth_cert`) parses the certificate and would refuse the odd ones client-side.
#[derive(Debug)]
struct RawIdentity(Arc<rustls::sign::CertifiedKey>);

impl rustls::client::ResolvesClientCert for RawIdentity {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

fn raw_identity_client(server: &Server, ca: &Ca, leaf: &Leaf) -> reqwest::Client {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.pem().as_bytes()).unwrap())
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(leaf.key_pem.as_bytes()).unwrap();
    let signing_key = provider.key_provider.load_private_key(key).unwrap();
    let identity =
        rustls::sign::CertifiedKey::new(vec![CertificateDer::from(leaf.der.clone())], signing_key);
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_cert_resolver(Arc::new(RawIdentity(Arc::new(identity))));
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .resolve("localhost", server.addr)
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn client_certificates_with_odd_san_extensions_are_refused_cleanly() {
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    files.write("clients.crt", &ca.pem());
    let allowed = "prometheus.example";
    for mode in ["RequireAnyClientCert", "RequireAndVerifyClientCert"] {
        let config = files.config(&tls_yaml(&format!(
            "  client_ca_file: clients.crt\n  client_auth_type: {mode}\n  client_allowed_sans: [\"{allowed}\"]\n"
        )));
        let server = Server::start(Some(config), &[]).await;

        // The allowed name in a hand-encoded extension is accepted: the refusals below are
        // about the encoding, not about how the certificates were made.
        let good = client_with_raw_sans(&ca, &[dns_general_names(allowed)]);
        let response = raw_identity_client(&server, &ca, &good)
            .get(server.https("/metrics"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{mode}: well-formed SAN refused: {e}"));
        assert_eq!(response.status(), 200, "{mode}");

        let odd: Vec<(&str, Vec<Vec<u8>>)> = vec![
            ("length past the end", vec![vec![0x30, 0x7f, 0x82, 0x01]]),
            ("not GeneralNames", vec![vec![0x0c, 0x01, b'x']]),
            ("empty extension value", vec![vec![]]),
            (
                "two SAN extensions",
                vec![dns_general_names(allowed), dns_general_names(allowed)],
            ),
            ("no SAN extension", vec![]),
        ];
        for (what, contents) in odd {
            let leaf = client_with_raw_sans(&ca, &contents);
            let refused = raw_identity_client(&server, &ca, &leaf)
                .get(server.https("/metrics"))
                .send()
                .await;
            assert!(
                refused.is_err(),
                "{mode}: client certificate with {what} accepted"
            );
        }

        // The server is still there for well-formed clients.
        let response = raw_identity_client(&server, &ca, &good)
            .get(server.https("/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{mode}");
        server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn auth_limit_and_headers_cover_every_path() {
    let files = Files::new();
    let config = files.config(&format!(
        "basic_auth_users:\n  alice: {}\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\nrate_limit:\n  interval: 1h\n  burst: 3\n",
        hash("s3cret")
    ));
    let server = Server::start(Some(config), &[]).await;
    let client = plain_client();

    // Unrouted paths are no way around basic auth, and carry the headers either way.
    let anonymous = client.get(server.http("/nope")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["x-content-type-options"], "nosniff");
    let missing = client
        .get(server.http("/nope"))
        .basic_auth("alice", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["x-content-type-options"], "nosniff");
    // A wrong method on a routed path, likewise.
    let post = client.post(server.http("/metrics")).send().await.unwrap();
    assert_eq!(post.status(), 401);

    // The limit counts every request, refused ones included, and is checked before auth.
    let limited = client
        .get(server.http("/metrics"))
        .basic_auth("alice", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-content-type-options"], "nosniff");
    assert!(!limited.headers().contains_key("www-authenticate"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    use axum::extract::ConnectInfo;
    let app = Router::new().route(
        "/peer",
        get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(vec![listener], app, ServeOptions::default(), async {
        let _ = stopped.await;
    }));
    let response = plain_client()
        .get(format!("http://{addr}/peer"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "127.0.0.1");
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

/// Waits until the peer closes `stream` (or `limit` passes) and returns how long that took.
async fn time_until_closed(stream: &mut tokio::net::TcpStream, limit: Duration) -> Duration {
    use tokio::io::AsyncReadExt;
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at((start + limit).into(), stream.read(&mut buf)).await {
            Err(_) => panic!("connection still open after {limit:?}"),
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn slow_clients_are_disconnected() {
    use tokio::io::AsyncWriteExt;
    use zpa_exporter::webconfig::{HEADER_READ_TIMEOUT, TLS_HANDSHAKE_TIMEOUT};
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    let tls = Server::start(Some(files.config(&tls_yaml(""))), &[]).await;
    let plain = Server::start(None, &[]).await;
    let margin = Duration::from_secs(5);

    // Connects and never starts the TLS handshake.
    let silent = async {
        let mut stream = tokio::net::TcpStream::connect(tls.addr).await.unwrap();
        time_until_closed(&mut stream, TLS_HANDSHAKE_TIMEOUT + margin).await
    };
    // Starts a request head and never finishes it (slowloris).
    let slow_head = async {
        let mut stream = tokio::net::TcpStream::connect(plain.addr).await.unwrap();
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        time_until_closed(&mut stream, HEADER_READ_TIMEOUT + margin).await
    };
    let (silent, slow_head) = tokio::join!(silent, slow_head);
    assert!(
        silent >= TLS_HANDSHAKE_TIMEOUT - Duration::from_secs(1),
        "silent TLS client closed after {silent:?}, before the handshake timeout"
    );
    assert!(
        slow_head >= HEADER_READ_TIMEOUT - Duration::from_secs(1),
        "slow request head closed after {slow_head:?}, before the header timeout"
    );
    tls.shutdown().await.unwrap();
    plain.shutdown().await.unwrap();
}
