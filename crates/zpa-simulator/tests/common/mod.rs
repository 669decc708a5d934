//! Shared by the simulator's tests: a simulator on loopback, a client that signs in (legacy key
//! or OneAPI), token requests and RS256 client assertions, and page helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use zpa_simulator::{self, Control, RunningSimulator, SimulatorConfig};

pub const CID: &str = "216196257331281920";

pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub fn base_config() -> SimulatorConfig {
    SimulatorConfig {
        seed: 42,
        rate_limit: None,
        ..SimulatorConfig::default()
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Client {
    pub async fn new(sim: &RunningSimulator) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let base = sim.base_url();
        let cfg = sim.control().config().clone();
        let token = signin(&http, &base, &cfg.client_id, &cfg.client_secret)
            .await
            .1["access_token"]
            .as_str()
            .expect("signed in")
            .to_string();
        Client { http, base, token }
    }

    /// A client of the OneAPI front door: a token from `/oauth2/v1/token` (the default id and
    /// secret), paths relative to `/zpa`.
    pub async fn oneapi(sim: &RunningSimulator) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let resp = token_request(
            &http,
            &sim.base_url(),
            &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
        )
        .await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        Client {
            http,
            base: format!("{}/zpa", sim.base_url()),
            token: body["access_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn get_raw(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.get_raw(path).await;
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }
}

pub async fn signin(
    http: &reqwest::Client,
    base: &str,
    id: &str,
    secret: &str,
) -> (StatusCode, Value) {
    let resp = http
        .post(format!("{base}/signin"))
        .form(&[("client_id", id), ("client_secret", secret)])
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `POST /oauth2/v1/token` with these form fields.
pub async fn token_request(
    http: &reqwest::Client,
    base: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    http.post(format!("{base}/oauth2/v1/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Form fields of a token request.
pub type Form = Vec<(&'static str, String)>;

/// A client-credentials form authenticated with a secret, as the SDKs send it.
pub fn secret_form(id: &str, secret: &str) -> Form {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.into()),
        ("client_secret", secret.into()),
        ("audience", "https://api.zscaler.com".into()),
    ]
}

pub fn v1(resource: &str) -> String {
    format!("/mgmtconfig/v1/admin/customers/{CID}/{resource}")
}

pub async fn all(c: &Client, resource: &str) -> Vec<Value> {
    let path = format!("{}?pagesize=500", v1(resource));
    c.get(&path).await.1["list"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn list_len(body: &Value) -> usize {
    body.get("list")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

pub async fn start(cfg: SimulatorConfig) -> RunningSimulator {
    zpa_simulator::spawn(cfg, loopback()).await.unwrap()
}

pub fn jwt_payload(token: &str) -> Value {
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT has three parts: {token}");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

pub const ME: &str = "/mgmtconfig/v1/admin/me";

/// A microtenant id other than Default's, from the tenant `cfg` generates.
pub fn some_microtenant(cfg: &SimulatorConfig) -> (String, String) {
    let mts = Control::new(cfg.clone()).objects("microtenants");
    let mt = mts.iter().find(|m| m["id"] != "0").expect("a microtenant");
    (
        mt["id"].as_str().unwrap().to_string(),
        mt["name"].as_str().unwrap().to_string(),
    )
}

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A 2048-bit RSA key pair (private PKCS#8 PEM, public SPKI PEM), generated once per test
/// binary: ring, which jsonwebtoken uses, verifies RSA but cannot generate keys.
pub fn rsa_keys() -> &'static (String, String) {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    static KEYS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        (private, public)
    })
}

/// An RS256 client assertion with these claims, signed with [`rsa_keys`].
pub fn assertion(claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(rsa_keys().0.as_bytes()).unwrap();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        claims,
        &key,
    )
    .unwrap()
}

/// The claims the SDKs sign: iss = sub = client id, the OneAPI audience, ten minutes.
pub fn sdk_claims(client_id: &str) -> Value {
    let now = unix_now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": "https://api.zscaler.com",
        "iat": now,
        "exp": now + 600,
        "jti": format!("{:016x}", fastrand::u64(..)),
    })
}

pub fn assertion_form(client_id: &str, assertion: &str) -> Form {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", client_id.into()),
        ("client_assertion", assertion.into()),
        ("client_assertion_type", ASSERTION_TYPE.into()),
        ("audience", "https://api.zscaler.com".into()),
    ]
}

pub async fn body_json(resp: reqwest::Response) -> Value {
    let text = resp.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}
