//! OneAPI's ZIdentity token endpoint: a client secret or an RS256 client assertion, numeric
//! `expires_in` and the real headers, OAuth2 errors that echo nothing back.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use zpa_simulator::{self, OneApiConfig, SimulatorConfig};

#[tokio::test]
async fn oneapi_token_with_a_secret_has_a_numeric_expires_in_and_the_real_headers() {
    let sim = start(base_config()).await;
    let http = reqwest::Client::new();
    let resp = token_request(
        &http,
        &sim.base_url(),
        &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "application/json;charset=UTF-8");
    assert_eq!(h["server"], "ingress-gateway");
    assert_eq!(h["x-ratelimit-limit"], "500, 500;w=1, 100000;w=60");
    let remaining: u32 = h["x-ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining < 500);
    assert_eq!(h["x-ratelimit-reset"], "1");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], json!(86399), "a JSON number on OneAPI");
    let claims = jwt_payload(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        86399
    );
    assert_eq!(claims["sub"], "sim-oneapi-client");
    assert_eq!(sim.control().request_count("token"), 1);
    sim.shutdown().await;

    // A short lifetime for renewal tests.
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            token_ttl: Duration::from_secs(5),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let resp = token_request(
        &http,
        &sim.base_url(),
        &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
    )
    .await;
    assert_eq!(resp.json::<Value>().await.unwrap()["expires_in"], json!(5));
    sim.shutdown().await;
}

#[tokio::test]
async fn oneapi_token_rejects_bad_requests_with_oauth2_errors_and_echoes_nothing() {
    let sim = start(base_config()).await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let good = secret_form("sim-oneapi-client", "sim-oneapi-secret");
    let with = |name: &str, value: &str| -> Form {
        good.iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *k == name {
                        value.to_string()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    };
    let without =
        |name: &str| -> Form { good.iter().filter(|(k, _)| *k != name).cloned().collect() };
    let leaked_secret = "wrong-secret-d3adb33f";
    let mut both = good.clone();
    both.push(("client_assertion", "eyJ.e30.sig-c0ffee".into()));
    both.push(("client_assertion_type", ASSERTION_TYPE.into()));
    let cases: Vec<(&str, Form, u16, &str)> = vec![
        (
            "wrong secret",
            with("client_secret", leaked_secret),
            401,
            "invalid_client",
        ),
        (
            "unknown client",
            with("client_id", "someone-else"),
            401,
            "invalid_client",
        ),
        (
            "legacy credentials",
            secret_form("sim-client", "sim-secret"),
            401,
            "invalid_client",
        ),
        (
            "no client authentication",
            without("client_secret"),
            401,
            "invalid_client",
        ),
        (
            "password grant",
            with("grant_type", "password"),
            400,
            "unsupported_grant_type",
        ),
        (
            "no grant type",
            without("grant_type"),
            400,
            "invalid_request",
        ),
        ("no client id", without("client_id"), 400, "invalid_request"),
        (
            "wrong audience",
            with("audience", "https://evil.example"),
            400,
            "invalid_request",
        ),
        ("no audience", without("audience"), 400, "invalid_request"),
        ("secret and assertion", both, 400, "invalid_request"),
    ];
    for (what, form, status, error) in cases {
        let resp = token_request(&http, &base, &form).await;
        assert_eq!(resp.status(), status, "{what}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/json;charset=UTF-8",
            "{what}"
        );
        let text = resp.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"], error, "{what}: {body}");
        assert!(body["error_description"].is_string(), "{what}");
        for secret in [leaked_secret, "sim-oneapi-secret", "c0ffee", "sim-secret"] {
            assert!(!text.contains(secret), "{what} echoed {secret}: {text}");
        }
    }
    // Not a form.
    let resp = http
        .post(format!("{base}/oauth2/v1/token"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(body_json(resp).await["error"], "invalid_request");
    // Oversized bodies are refused unread.
    let huge = "x".repeat(64 * 1024);
    let resp = token_request(&http, &base, &with("client_secret", &huge)).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(body_json(resp).await["error"], "invalid_request");
    // Repeated parameters are ambiguous (RFC 6749 §3.2).
    let mut twice = good.clone();
    twice.push(("client_id", "sim-oneapi-client".into()));
    let resp = token_request(&http, &base, &twice).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(sim.control().status_counts("token").get(&200), None);
    sim.shutdown().await;
}

#[tokio::test]
async fn oneapi_token_with_an_rs256_assertion() {
    let id = "sim-oneapi-client";
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            // Assertions only: the secret door is shut.
            client_secret: None,
            public_key_pem: Some(rsa_keys().1.clone()),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let http = reqwest::Client::new();
    let base = sim.base_url();

    let good = assertion(&sdk_claims(id));
    let resp = token_request(&http, &base, &assertion_form(id, &good)).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["expires_in"], json!(86399));
    let token = body["access_token"].as_str().unwrap();
    let zpa = http
        .get(format!("{base}/zpa{}", v1("connector")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(zpa.status(), 200, "the token opens /zpa");

    let claims = |f: &dyn Fn(&mut Value)| {
        let mut c = sdk_claims(id);
        f(&mut c);
        assertion(&c)
    };
    // Same header and claims, signature of other content: what a foreign key's signature
    // looks like to the verifier.
    let forged = {
        let other = assertion(&sdk_claims("someone-else"));
        let parts: Vec<&str> = good.split('.').collect();
        format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            other.split('.').nth(2).unwrap()
        )
    };
    // The public key used as an HMAC secret: the classic algorithm-confusion attack.
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &sdk_claims(id),
        &jsonwebtoken::EncodingKey::from_secret(rsa_keys().1.as_bytes()),
    )
    .unwrap();
    let cases = [
        ("bad signature", forged),
        (
            "wrong audience",
            claims(&|c| c["aud"] = json!("https://api.example.com")),
        ),
        ("expired", claims(&|c| c["exp"] = json!(unix_now() - 600))),
        (
            "iss is not the client",
            claims(&|c| c["iss"] = json!("someone-else")),
        ),
        (
            "sub is not the client",
            claims(&|c| c["sub"] = json!("someone-else")),
        ),
        (
            "no exp",
            claims(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        ("HS256", hs256),
        ("not a JWT", "not.a.jwt".into()),
    ];
    for (what, jwt) in cases {
        let resp = token_request(&http, &base, &assertion_form(id, &jwt)).await;
        assert_eq!(resp.status(), 401, "{what}");
        let text = resp.text().await.unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["error"],
            "invalid_client",
            "{what}"
        );
        let signature = jwt.rsplit('.').next().unwrap();
        assert!(!text.contains(signature), "{what} echoed the assertion");
    }
    // A valid assertion for another client id is still another client.
    let other = assertion(&sdk_claims("someone-else"));
    let resp = token_request(&http, &base, &assertion_form("someone-else", &other)).await;
    assert_eq!(resp.status(), 401);
    // The assertion type must be the JWT-bearer one.
    let mut form = assertion_form(id, &good);
    form.retain(|(k, _)| *k != "client_assertion_type");
    assert_eq!(token_request(&http, &base, &form).await.status(), 400);
    // Oversized assertions are refused before any parsing.
    let big = format!("{good}{}", "A".repeat(10_000));
    let resp = token_request(&http, &base, &assertion_form(id, &big)).await;
    assert_eq!(resp.status(), 400);
    // No secret configured: the secret door answers like a wrong secret.
    let resp = token_request(&http, &base, &secret_form(id, "sim-oneapi-secret")).await;
    assert_eq!(resp.status(), 401);
    sim.shutdown().await;

    // Without a public key, assertions are refused and the secret still works.
    let sim = start(base_config()).await;
    let resp = token_request(&http, &sim.base_url(), &assertion_form(id, &good)).await;
    assert_eq!(resp.status(), 401);
    sim.shutdown().await;

    // A key that is not a PEM RSA public key is a configuration error.
    let bad = SimulatorConfig {
        oneapi: OneApiConfig {
            public_key_pem: Some(
                "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n".into(),
            ),
            ..OneApiConfig::default()
        },
        ..base_config()
    };
    assert!(bad.validate().is_err());
    let err = zpa_simulator::spawn(bad, loopback()).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
