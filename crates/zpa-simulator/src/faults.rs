//! Fault injection: rules that make the simulator misbehave the ways ZPA does (or could), matched
//! per request in insertion order.
//!
//! JSON form (the control API's `POST /__sim/faults` body; `count` and `skip` are optional):
//!
//! ```json
//! {"endpoint": "application", "kind": {"status": 503}, "count": 3, "skip": 1}
//! {"endpoint": "*", "kind": {"rateLimit": {"retryAfter": "4s"}}}
//! {"endpoint": "connector", "kind": {"delay": "1500ms"}}
//! {"endpoint": "signin", "kind": "signinRefused"}
//! {"endpoint": "token", "kind": {"status": 503}}
//! {"endpoint": "signin", "kind": {"hugeBody": {"status": 401, "bytes": 209715200}}}
//! ```
//!
//! Unit kinds are plain strings: `"hang"`, `"malformed"`, `"truncated"`, `"featureDenied"`,
//! `"forbidden"`, `"unauthorized"`, `"signinRefused"`, `"repeatPage"`. `delay` takes a humantime
//! duration string.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One fault rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// An endpoint name (`application`, `signin`, `token`, …) or `*` for every API endpoint
    /// (not `signin`/`signout`/`token`, so that `*` breaks the API without also breaking
    /// sign-in; add a `signin` or `token` rule for that).
    pub endpoint: String,
    pub kind: FaultKind,
    /// How many requests it applies to; `None` until cleared.
    #[serde(default)]
    pub count: Option<u32>,
    /// Matching requests let through before the fault starts applying (e.g. a 401 on page 2).
    #[serde(default)]
    pub skip: u32,
}

/// What a fault does to a request it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// That status with a ZPA-style error body (`{"id":…,"reason":…}`).
    Status(u16),
    /// 429 with the real rate-limit body and this raw `retry-after` value (`"2s"`, `"4"`, or an
    /// HTTP date).
    #[serde(rename_all = "camelCase")]
    RateLimit { retry_after: String },
    /// Answers normally after this delay.
    Delay(#[serde(with = "humantime_text")] Duration),
    /// Never answers (until the client gives up or the simulator shuts down).
    Hang,
    /// 200 with a body that is not JSON.
    Malformed,
    /// 200 with the real page cut in the middle.
    Truncated,
    /// 401 `authz.featureflag.permission.denied`, as for an unlicensed feature.
    FeatureDenied,
    /// 403.
    Forbidden,
    /// 401 as for an invalid or expired token.
    Unauthorized,
    /// `/signin` (or the OneAPI token endpoint) answers 401 as for bad credentials (only applies
    /// to `signin` and `token`).
    SigninRefused,
    /// Always page 1's content, with `totalPages` `"999999"` (only applies to list endpoints).
    RepeatPage,
    /// This status with a body of `bytes` bytes (JSON whitespace), generated as it is sent so
    /// the simulator itself holds none of it; `Content-Length` is set unless `chunked`.
    #[serde(rename_all = "camelCase")]
    HugeBody {
        status: u16,
        bytes: u64,
        #[serde(default)]
        chunked: bool,
    },
}

mod humantime_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

pub(crate) const SIGNIN: &str = "signin";
pub(crate) const SIGNOUT: &str = "signout";
/// The OneAPI token endpoint, `POST /oauth2/v1/token`.
pub(crate) const TOKEN: &str = "token";

impl Fault {
    fn applies_to(&self, endpoint: &str) -> bool {
        let sign = endpoint == SIGNIN || endpoint == SIGNOUT || endpoint == TOKEN;
        match self.kind {
            FaultKind::SigninRefused => {
                (endpoint == SIGNIN || endpoint == TOKEN)
                    && (self.endpoint == endpoint || self.endpoint == "*")
            }
            FaultKind::RepeatPage => !sign && (self.endpoint == endpoint || self.endpoint == "*"),
            _ => self.endpoint == endpoint || (self.endpoint == "*" && !sign),
        }
    }
}

#[derive(Debug)]
struct Active {
    fault: Fault,
    skipped: u32,
}

/// The active fault rules.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<Active>>,
}

impl Faults {
    pub fn add(&self, fault: Fault) {
        if fault.count == Some(0) {
            return;
        }
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Active { fault, skipped: 0 });
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|a| a.fault.clone())
            .collect()
    }

    /// The fault that applies to this request, if any, consuming one use of it. The first
    /// matching rule that is past its `skip` wins; skipped rules count the request.
    pub fn take(&self, endpoint: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let mut hit = None;
        for (i, rule) in rules.iter_mut().enumerate() {
            if !rule.fault.applies_to(endpoint) {
                continue;
            }
            if rule.skipped < rule.fault.skip {
                rule.skipped += 1;
                continue;
            }
            hit = Some(i);
            break;
        }
        let i = hit?;
        let kind = rules[i].fault.kind.clone();
        if let Some(n) = rules[i].fault.count.as_mut() {
            *n -= 1;
            if *n == 0 {
                rules.remove(i);
            }
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let cases = [
            (
                r#"{"endpoint":"application","kind":{"status":503},"count":3}"#,
                FaultKind::Status(503),
            ),
            (
                r#"{"endpoint":"*","kind":{"rateLimit":{"retryAfter":"4s"}}}"#,
                FaultKind::RateLimit {
                    retry_after: "4s".into(),
                },
            ),
            (
                r#"{"endpoint":"x","kind":{"delay":"1s 500ms"}}"#,
                FaultKind::Delay(Duration::from_millis(1500)),
            ),
            (
                r#"{"endpoint":"signin","kind":"signinRefused"}"#,
                FaultKind::SigninRefused,
            ),
            (
                r#"{"endpoint":"*","kind":{"hugeBody":{"status":404,"bytes":1048576,"chunked":true}}}"#,
                FaultKind::HugeBody {
                    status: 404,
                    bytes: 1 << 20,
                    chunked: true,
                },
            ),
        ];
        for (json, kind) in cases {
            let f: Fault = serde_json::from_str(json).unwrap();
            assert_eq!(f.kind, kind, "{json}");
            let back: Fault = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            assert_eq!(back, f);
        }
    }

    #[test]
    fn skip_then_count_then_gone() {
        let faults = Faults::default();
        faults.add(Fault {
            endpoint: "application".into(),
            kind: FaultKind::Unauthorized,
            count: Some(2),
            skip: 1,
        });
        assert_eq!(faults.take("connector"), None);
        assert_eq!(faults.take("application"), None, "skipped");
        assert_eq!(faults.take("application"), Some(FaultKind::Unauthorized));
        assert_eq!(faults.take("application"), Some(FaultKind::Unauthorized));
        assert_eq!(faults.take("application"), None, "used up");
        assert!(faults.list().is_empty());
    }

    #[test]
    fn star_spares_sign_in_but_signin_refused_targets_it() {
        let faults = Faults::default();
        faults.add(Fault {
            endpoint: "*".into(),
            kind: FaultKind::Status(503),
            count: None,
            skip: 0,
        });
        assert_eq!(faults.take("signin"), None);
        assert_eq!(faults.take("token"), None);
        assert_eq!(faults.take("idp"), Some(FaultKind::Status(503)));
        faults.clear();
        faults.add(Fault {
            endpoint: "*".into(),
            kind: FaultKind::SigninRefused,
            count: None,
            skip: 0,
        });
        assert_eq!(faults.take("application"), None);
        assert_eq!(faults.take("signin"), Some(FaultKind::SigninRefused));
        assert_eq!(faults.take("token"), Some(FaultKind::SigninRefused));
    }
}
