//! The simulator misbehaving as ZPA does: the rate limit with ZPA's 429 body and retry-after,
//! and every fault kind (status, rate limit, auth, malformed, truncated, repeating pages,
//! delays and hangs).

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use zpa_simulator::{self, Fault, FaultKind, SimulatorConfig};

#[tokio::test]
async fn rate_limit_answers_429_with_the_real_body_and_retry_after() {
    let sim = start(SimulatorConfig {
        rate_limit: Some((3, Duration::from_secs(10))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    for _ in 0..3 {
        assert_eq!(c.get(&v1("connector")).await.0, 200);
    }
    let resp = c.get_raw(&v1("connector")).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let retry = resp.headers()["retry-after"].to_str().unwrap().to_string();
    let secs: u64 = retry
        .strip_suffix('s')
        .expect("seconds suffix")
        .parse()
        .unwrap();
    assert!((1..=10).contains(&secs), "{retry}");
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"exception":"invalid.toomanyrequests","id":"invalid.toomanyrequests","reason":"Exceeded the number of requests allowed."}"#
    );
    // Sign-in is not rate-limited.
    let (status, _) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 200);
    sim.shutdown().await;

    // A window of an hour: the third GET is refused however slowly the machine sends them.
    let sim = start(SimulatorConfig {
        rate_limit: Some((2, Duration::from_secs(3600))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    assert_eq!(c.get(&v1("idp").replace("v1", "v2")).await.0, 200);
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    assert_eq!(c.get(&v1("connector")).await.0, 429);
    sim.shutdown().await;

    // A short window: once it has passed (only a lower bound on time), GETs are served again.
    let sim = start(SimulatorConfig {
        rate_limit: Some((2, Duration::from_millis(300))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    for _ in 0..3 {
        c.get(&v1("connector")).await;
    }
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200, "a new window");
    sim.shutdown().await;
}

#[tokio::test]
async fn status_rate_limit_and_auth_faults() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    let path = v1("application");
    let fault = |kind, count| Fault {
        endpoint: "application".into(),
        kind,
        count,
        skip: 0,
    };

    ctl.set_fault(fault(FaultKind::Status(503), Some(2)));
    for _ in 0..2 {
        let (status, body) = c.get(&path).await;
        assert_eq!(status, 503);
        assert_eq!(body["id"], "service.unavailable");
    }
    assert_eq!(c.get(&path).await.0, 200, "count used up");
    assert_eq!(
        c.get(&v1("connector")).await.0,
        200,
        "other endpoints untouched"
    );

    ctl.set_fault(fault(
        FaultKind::RateLimit {
            retry_after: "Wed, 21 Oct 2026 07:28:00 GMT".into(),
        },
        Some(1),
    ));
    let resp = c.get_raw(&path).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(
        resp.headers()["retry-after"],
        "Wed, 21 Oct 2026 07:28:00 GMT"
    );

    ctl.set_fault(fault(FaultKind::FeatureDenied, Some(1)));
    let (status, body) = c.get(&path).await;
    assert_eq!(status, 401);
    assert_eq!(body["id"], "authz.featureflag.permission.denied");

    ctl.set_fault(fault(FaultKind::Forbidden, Some(1)));
    assert_eq!(c.get(&path).await.0, 403);

    ctl.set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::Unauthorized,
        count: Some(1),
        skip: 1,
    });
    assert_eq!(c.get(&path).await.0, 200, "skipped");
    assert_eq!(c.get(&path).await.0, 401);
    assert_eq!(c.get(&path).await.0, 200, "the token itself is still good");

    ctl.set_fault(Fault {
        endpoint: "*".into(),
        kind: FaultKind::Status(500),
        count: None,
        skip: 0,
    });
    assert_eq!(
        c.get(&format!("/userconfig/v1/customers/{CID}/scimgroup/idpId/x"))
            .await
            .0,
        500
    );
    assert_eq!(c.get(&v1("serverGroup")).await.0, 500);
    let (status, _) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 200, "`*` spares sign-in");
    ctl.clear_faults();
    assert_eq!(c.get(&v1("serverGroup")).await.0, 200);

    ctl.set_fault(Fault {
        endpoint: "signin".into(),
        kind: FaultKind::SigninRefused,
        count: None,
        skip: 0,
    });
    let (status, body) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 401);
    assert_eq!(body["id"], "authentication.failed");
    assert_eq!(c.get(&path).await.0, 200, "existing tokens keep working");
    ctl.clear_faults();
    let statuses = ctl.status_counts("application");
    assert_eq!(statuses.get(&503), Some(&2));
    assert_eq!(statuses.get(&401), Some(&2));
    sim.shutdown().await;
}

#[tokio::test]
async fn body_faults_malformed_truncated_repeat_page() {
    let sim = start(SimulatorConfig {
        segments: 50,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    let path = format!("{}?pagesize=20", v1("application"));
    let good = c.get_raw(&path).await.text().await.unwrap();

    for kind in [FaultKind::Malformed, FaultKind::Truncated] {
        ctl.set_fault(Fault {
            endpoint: "application".into(),
            kind: kind.clone(),
            count: Some(1),
            skip: 0,
        });
        let resp = c.get_raw(&path).await;
        assert_eq!(resp.status(), 200, "{kind:?}");
        let text = resp.text().await.unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{kind:?}: {text}"
        );
        if kind == FaultKind::Truncated {
            assert!(good.starts_with(&text) && text.len() < good.len());
        }
    }

    ctl.set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::RepeatPage,
        count: None,
        skip: 0,
    });
    let (_, p1) = c.get(&format!("{path}&page=1")).await;
    let (_, p2) = c.get(&format!("{path}&page=2")).await;
    let (_, p9) = c.get(&format!("{path}&page=9")).await;
    assert_eq!(p1["totalPages"], json!("999999"));
    assert_eq!(p1["list"], p2["list"]);
    assert_eq!(p1["list"], p9["list"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn delay_and_hang_faults() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    ctl.set_fault(Fault {
        endpoint: "connector".into(),
        kind: FaultKind::Delay(Duration::from_millis(400)),
        count: Some(1),
        skip: 0,
    });
    let t = Instant::now();
    let (status, body) = c.get(&v1("connector")).await;
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert_eq!(status, 200);
    assert!(list_len(&body) > 0);

    ctl.set_fault(Fault {
        endpoint: "connector".into(),
        kind: FaultKind::Hang,
        count: None,
        skip: 0,
    });
    let hung = c
        .http
        .get(format!("{}{}", c.base, v1("connector")))
        .bearer_auth(&c.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
    assert_eq!(
        ctl.requests().last().unwrap().status,
        0,
        "recorded on arrival"
    );

    // A request still hanging must not keep shutdown waiting.
    let http = c.http.clone();
    let url = format!("{}{}", c.base, v1("connector"));
    let token = c.token.clone();
    let arrived = ctl.requests().len() + 1;
    let pending = tokio::spawn(async move { http.get(url).bearer_auth(token).send().await });
    // Shut down once the request hangs in the simulator, not after a guessed delay.
    let deadline = Instant::now() + Duration::from_secs(30);
    while ctl.requests().len() < arrived {
        assert!(Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t = Instant::now();
    sim.shutdown().await;
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        t.elapsed()
    );
    let _ = pending.await;
}
