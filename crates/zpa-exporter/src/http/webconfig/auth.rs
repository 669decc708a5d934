//! `basic_auth_users`: a tower-http [`AsyncRequireAuthorizationLayer`] whose authorizer checks
//! `Authorization: Basic` against the bcrypt hashes. bcrypt runs on the blocking pool, at most
//! one verification per core at a time; successes are cached under a keyed SHA-256 of user and
//! password (never the password), failures never are; an unknown user is checked against a
//! dummy hash so that it costs as much as a wrong password. Paths in
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
            let authorized = match basic_credentials(request.headers()) {
                Some((user, password)) => auth.verify(&user, &password).await,
                None => false,
            };
            if authorized {
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

struct BasicAuth {
    /// SHA-256 of each user name, so that names are compared at a fixed length, and its hash.
    users: Vec<(Digest, String)>,
    /// Hash that never matches, with the highest configured cost, for unknown users.
    dummy_hash: String,
    /// Random per-process key mixed into cache keys; `None` disables caching.
    cache_key: Option<[u8; 32]>,
    cache: Mutex<HashSet<Digest>>,
    /// bcrypt is CPU-bound: at most one verification per core runs at a time, on the blocking
    /// pool, so a flood of bad passwords cannot starve the async workers or spawn hundreds of
    /// threads.
    slots: Semaphore,
}

impl BasicAuth {
    fn new(users: &[(String, String)]) -> BasicAuth {
        let cost = users
            .iter()
            .map(|(_, h)| bcrypt_cost(h))
            .max()
            .unwrap_or(10);
        // The toolkit's dummy ("fakepassword", cost 10) with the cost replaced: the salt and
        // digest stay well-formed, only the work factor changes.
        let dummy_hash =
            format!("$2y${cost:02}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi");
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
            dummy_hash,
            cache_key,
            cache: Mutex::new(HashSet::new()),
            slots: Semaphore::new(cores),
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

    async fn verify(&self, user: &[u8], password: &[u8]) -> bool {
        let entry = self.cache_entry(user, password);
        if let Some(entry) = &entry {
            if self
                .cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(entry)
            {
                return true;
            }
        }
        let (hash, known) = match self.lookup(user) {
            Some(hash) => (hash.to_string(), true),
            None => (self.dummy_hash.clone(), false),
        };
        let Ok(_slot) = self.slots.acquire().await else {
            return false;
        };
        let password = password.to_vec();
        let matched = tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash))
            .await
            .ok()
            .and_then(Result::ok)
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
        ok
    }
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
        assert!(!auth.verify(b"alice", b"wrong").await);
        assert!(!auth.verify(b"mallory", b"s3cret").await);
        assert!(auth.cache.lock().unwrap().is_empty());
        assert!(auth.verify(b"alice", b"s3cret").await);
        assert_eq!(auth.cache.lock().unwrap().len(), 1);
        assert!(auth.verify(b"alice", b"s3cret").await);
        assert!(!auth.verify(b"alice", b"s3cret!").await);
    }
}
