//! Shared by the web security tests (`--web.config.file`): a CA and leaf certificates generated
//! per test with rcgen, config files in a temporary directory, a server on a loopback port, and
//! reqwest clients with and without TLS.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zpa_exporter::{serve_with_web_config as serve, ServeOptions, WebConfig, WebConfigError};

/// Low bcrypt cost: the tests run unoptimised bcrypt, and behaviour, not strength, is tested.
pub const TEST_COST: u32 = 6;

pub struct Ca {
    pub issuer: CertifiedIssuer<'static, KeyPair>,
}

pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Ca { issuer }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    pub fn leaf(
        &self,
        cn: &str,
        sans: &[&str],
        serial: u64,
        usage: ExtendedKeyUsagePurpose,
    ) -> Leaf {
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

    pub fn server(&self, cn: &str, serial: u64) -> Leaf {
        self.leaf(
            cn,
            &["localhost", "127.0.0.1"],
            serial,
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    pub fn client(&self, cn: &str, sans: &[&str]) -> Leaf {
        self.leaf(cn, sans, 7, ExtendedKeyUsagePurpose::ClientAuth)
    }
}

/// A temp directory holding the web config and the PEM files it refers to.
pub struct Files {
    pub dir: tempfile::TempDir,
}

impl Files {
    pub fn new() -> Files {
        Files {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn server_cert(&self, leaf: &Leaf) {
        self.write("server.crt", &leaf.cert_pem);
        self.write("server.key", &leaf.key_pem);
    }

    /// Writes `web.yml` and loads it.
    pub fn config(&self, yaml: &str) -> Arc<WebConfig> {
        let path = self.write("web.yml", yaml);
        Arc::new(WebConfig::load(&path).unwrap_or_else(|e| panic!("{e}")))
    }

    pub fn load_error(&self, yaml: &str) -> String {
        let path = self.write("web.yml", yaml);
        let err: WebConfigError = WebConfig::load(&path).expect_err("config should be rejected");
        err.to_string()
    }
}

pub fn hash(password: &str) -> String {
    bcrypt::hash(password, TEST_COST).unwrap()
}

pub struct Server {
    pub addr: SocketAddr,
    /// Notified when a `/slow` request has reached its handler.
    pub slow_started: Arc<tokio::sync::Notify>,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(web_config: Option<Arc<WebConfig>>, unauthenticated: &[&str]) -> Server {
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

    pub fn https(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }

    pub async fn shutdown(mut self) -> std::io::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("serve returned within the grace period")
            .unwrap()
    }
}

/// A client that trusts `ca`, resolves localhost to the server, opens a fresh connection per
/// request and exposes the server certificate.
pub fn tls_client(server: &Server, ca: &Ca, identity: Option<&Leaf>) -> reqwest::Client {
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

pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .expect("TLS info with the server certificate")
        .to_vec()
}

pub fn tls_yaml(extra: &str) -> String {
    format!("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n{extra}")
}
