//! TLS of the web layer on real sockets: the handshake with a generated CA, plain HTTP against
//! the TLS port, mutual TLS and the allowed client SANs, client certificates with odd SAN
//! extensions, and a rotated certificate served without a restart.

mod web;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair};

use web::*;

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
