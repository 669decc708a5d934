//! Basic auth, the request rate limit and the response headers of the web layer: refusals take
//! as long whatever the user, a guessing flood is turned away while a known client gets
//! through, and auth, limit and headers cover every path.

mod web;

use std::time::{Duration, Instant};

use web::*;

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
