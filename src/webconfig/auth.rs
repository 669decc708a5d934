//! `basic_auth_users`: a tower-http [`AsyncRequireAuthorizationLayer`] whose authorizer checks
//! `Authorization: Basic` against the bcrypt hashes. bcrypt runs on the blocking pool, at most
//! one verification per core at a time, with a bounded queue: past it a request fails at once
//! with 503 instead of waiting behind a guessing flood (a client whose success is cached skips
//! the queue). Successes are cached under a keyed SHA-256 of user and password (never the
//! password), failures never are. Every failed check does the same bcrypt work — that of the
//! most expensive configured cost — whether the user exists or not and whatever its cost, so the
//! time of a refusal does not tell which user names exist. Paths in
//! [`ServeOptions::unauthenticated_paths`](super::ServeOptions) skip the check.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, Response, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use ring::digest::{digest, Context, SHA256, SHA256_OUTPUT_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;
use tower_http::auth::{AsyncAuthorizeRequest, AsyncRequireAuthorizationLayer};

use super::schema::bcrypt_cost;
use super::AUTH_CACHE_CAPACITY;

const AUTH_REALM: &str = "Basic realm=\"zpa-exporter\"";

type Digest = [u8; SHA256_OUTPUT_LEN];

fn sha256(parts: &[&[u8]]) -> Digest {
    let mut ctx = Context::new(&SHA256);
    for part in parts {
        ctx.update(part);
    }
    let mut out = [0u8; SHA256_OUTPUT_LEN];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// The layer for `users` (name, bcrypt hash); `exempt` paths pass without credentials.
pub(super) fn layer(
    users: &[(String, String)],
    exempt: &[String],
) -> AsyncRequireAuthorizationLayer<Authorizer> {
    AsyncRequireAuthorizationLayer::new(Authorizer {
        auth: Arc::new(BasicAuth::new(users)),
        exempt: Arc::new(exempt.iter().cloned().collect()),
    })
}

#[derive(Clone)]
pub(super) struct Authorizer {
    auth: Arc<BasicAuth>,
    exempt: Arc<HashSet<String>>,
}

type AuthFuture<B> =
    Pin<Box<dyn Future<Output = Result<Request<B>, Response<Body>>> + Send + 'static>>;

impl<B: Send + 'static> AsyncAuthorizeRequest<B> for Authorizer {
    type RequestBody = B;
    type ResponseBody = Body;
    type Future = AuthFuture<B>;

    fn authorize(&mut self, request: Request<B>) -> Self::Future {
        let auth = self.auth.clone();
        let exempt = self.exempt.contains(request.uri().path());
        Box::pin(async move {
            if exempt {
                return Ok(request);
            }
            let verdict = match basic_credentials(request.headers()) {
                Some((user, password)) => auth.verify(&user, &password).await,
                None => Verdict::Refused,
            };
            if verdict == Verdict::Busy {
                return Err((
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "1")],
                    "Too many authentication checks in progress; try again\n",
                )
                    .into_response());
            }
            if verdict == Verdict::Granted {
                Ok(request)
            } else {
                Err((
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, AUTH_REALM)],
                    "Unauthorized\n",
                )
                    .into_response())
            }
        })
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Granted,
    Refused,
    /// The queue of pending checks is full.
    Busy,
}

/// Checks waiting for a bcrypt slot, per core, beyond which requests are turned away.
const QUEUE_PER_CORE: usize = 16;

/// A hash that matches no password, with `cost`: the toolkit's dummy ("fakepassword", cost 10)
/// with the cost replaced — the salt and digest stay well-formed, only the work factor changes.
fn dummy_hash(cost: u32) -> String {
    format!("$2y${cost:02}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi")
}

struct BasicAuth {
    /// SHA-256 of each user name, so that names are compared at a fixed length, and its hash.
    users: Vec<(Digest, String)>,
    /// The highest configured cost: every refusal costs this much work.
    max_cost: u32,
    /// Random per-process key mixed into cache keys; `None` disables caching.
    cache_key: Option<[u8; 32]>,
    cache: Mutex<HashSet<Digest>>,
    /// bcrypt is CPU-bound: at most one verification per core runs at a time, on the blocking
    /// pool, so a flood of bad passwords cannot starve the async workers or spawn hundreds of
    /// threads.
    slots: Semaphore,
    /// Admission to the queue for `slots`; full means fail fast.
    queue: Semaphore,
}

impl BasicAuth {
    fn new(users: &[(String, String)]) -> BasicAuth {
        let max_cost = users
            .iter()
            .map(|(_, h)| bcrypt_cost(h))
            .max()
            .unwrap_or(10);
        let mut key = [0u8; 32];
        let cache_key = match SystemRandom::new().fill(&mut key) {
            Ok(()) => Some(key),
            Err(_) => {
                tracing::warn!(
                    "no system randomness: basic-auth verification results are not cached"
                );
                None
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        BasicAuth {
            users: users
                .iter()
                .map(|(u, h)| (sha256(&[u.as_bytes()]), h.clone()))
                .collect(),
            max_cost,
            cache_key,
            cache: Mutex::new(HashSet::new()),
            slots: Semaphore::new(cores),
            queue: Semaphore::new(cores * QUEUE_PER_CORE),
        }
    }

    /// Compares the user against every configured name in constant time (`subtle`, on
    /// fixed-length digests), so neither the length, the first differing byte nor the matching
    /// entry shows in the timing.
    fn lookup(&self, user: &[u8]) -> Option<&str> {
        let wanted = digest(&SHA256, user);
        let mut found = None;
        for (name, hash) in &self.users {
            if bool::from(name.ct_eq(wanted.as_ref())) {
                found = Some(hash.as_str());
            }
        }
        found
    }

    fn cache_entry(&self, user: &[u8], password: &[u8]) -> Option<Digest> {
        let key = self.cache_key?;
        let user_len = (user.len() as u64).to_be_bytes();
        Some(sha256(&[&key, &user_len, user, password]))
    }

    async fn verify(&self, user: &[u8], password: &[u8]) -> Verdict {
        let entry = self.cache_entry(user, password);
        if let Some(entry) = &entry {
            if self
                .cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(entry)
            {
                return Verdict::Granted;
            }
        }
        let Ok(_queued) = self.queue.try_acquire() else {
            return Verdict::Busy;
        };
        let (hash, known) = match self.lookup(user) {
            Some(hash) => (hash.to_string(), true),
            None => (dummy_hash(self.max_cost), false),
        };
        let Ok(_slot) = self.slots.acquire().await else {
            return Verdict::Refused;
        };
        let password = password.to_vec();
        let max_cost = self.max_cost;
        let matched = tokio::task::spawn_blocking(move || {
            let matched = bcrypt::verify(&password, &hash).unwrap_or(false);
            if !(matched && known) {
                equalize_work(&password, bcrypt_cost(&hash), max_cost);
            }
            matched
        })
        .await
        .unwrap_or(false);
        let ok = matched && known;
        if ok {
            if let Some(entry) = entry {
                let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
                if cache.len() >= AUTH_CACHE_CAPACITY {
                    cache.clear();
                }
                cache.insert(entry);
            }
        }
        if ok {
            Verdict::Granted
        } else {
            Verdict::Refused
        }
    }
}

/// After a refused check at `cost`, does the bcrypt work that brings it up to `max_cost`:
/// bcrypt's work doubles per cost step, so costs `cost, cost + 1, …, max_cost - 1` add up to
/// `2^max_cost - 2^cost`, and the refusal has cost `2^max_cost` like any other.
fn equalize_work(password: &[u8], cost: u32, max_cost: u32) {
    for extra in padding_costs(cost, max_cost) {
        let _ = bcrypt::verify(password, &dummy_hash(extra));
    }
}

fn padding_costs(cost: u32, max_cost: u32) -> std::ops::Range<u32> {
    cost..max_cost.max(cost)
}

/// `Authorization: Basic base64(user:password)`, parsed like Go's `Request.BasicAuth`: the
/// scheme case-insensitively, user and password as bytes split at the first colon.
fn basic_credentials(headers: &HeaderMap) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let scheme = value.get(..6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&value[6..])
        .ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_credentials_follow_go() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("basic dXNlcjpwYTpzcw=="),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some((b"user".to_vec(), b"pa:ss".to_vec()))
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(basic_credentials(&headers), None);
    }

    #[test]
    fn lookup_matches_whole_names_only() {
        let hash = bcrypt::hash("pw", 4).unwrap();
        let auth = BasicAuth::new(&[
            ("prometheus".to_string(), hash.clone()),
            ("grafana".to_string(), hash.clone()),
        ]);
        assert_eq!(auth.lookup(b"prometheus"), Some(hash.as_str()));
        assert_eq!(auth.lookup(b"grafana"), Some(hash.as_str()));
        for other in [&b"prometheuz"[..], b"prometheus2", b"prom", b"", b"Grafana"] {
            assert_eq!(auth.lookup(other), None, "{other:?}");
        }
    }

    #[tokio::test]
    async fn only_successes_are_cached() {
        let auth = BasicAuth::new(&[("alice".to_string(), bcrypt::hash("s3cret", 4).unwrap())]);
        assert_eq!(auth.verify(b"alice", b"wrong").await, Verdict::Refused);
        assert_eq!(auth.verify(b"mallory", b"s3cret").await, Verdict::Refused);
        assert!(auth.cache.lock().unwrap().is_empty());
        assert_eq!(auth.verify(b"alice", b"s3cret").await, Verdict::Granted);
        assert_eq!(auth.cache.lock().unwrap().len(), 1);
        assert_eq!(auth.verify(b"alice", b"s3cret").await, Verdict::Granted);
        assert_eq!(auth.verify(b"alice", b"s3cret!").await, Verdict::Refused);
    }

    #[tokio::test]
    async fn a_full_queue_fails_fast_but_cached_clients_pass() {
        let auth = BasicAuth::new(&[("alice".to_string(), bcrypt::hash("s3cret", 4).unwrap())]);
        assert_eq!(auth.verify(b"alice", b"s3cret").await, Verdict::Granted);
        let held = auth
            .queue
            .try_acquire_many(auth.queue.available_permits() as u32)
            .unwrap();
        assert_eq!(auth.verify(b"mallory", b"guess").await, Verdict::Busy);
        assert_eq!(
            auth.verify(b"alice", b"s3cret").await,
            Verdict::Granted,
            "a cached success skips the queue"
        );
        drop(held);
        assert_eq!(auth.verify(b"mallory", b"guess").await, Verdict::Refused);
    }

    #[test]
    fn every_refusal_does_the_work_of_the_highest_cost() {
        // In bcrypt work units (2^cost): own check plus padding equals one check at max_cost.
        let work = |cost: u32, max: u32| {
            (1u64 << cost) + padding_costs(cost, max).map(|c| 1u64 << c).sum::<u64>()
        };
        for max in 4..=14 {
            for cost in 4..=max {
                assert_eq!(work(cost, max), 1 << max, "cost {cost}, max {max}");
            }
        }
        assert_eq!(padding_costs(12, 10).count(), 0, "never pads downwards");
    }

    #[test]
    fn dummy_hashes_are_well_formed_at_every_cost() {
        for cost in 4..=31 {
            assert_eq!(bcrypt_cost(&dummy_hash(cost)), cost);
        }
        for cost in 4..=6 {
            // Verifying runs the full work factor; the outcome does not matter, only that
            // the hash parses and the work is done.
            assert!(bcrypt::verify("fakepassword", &dummy_hash(cost)).is_ok());
        }
    }
}
