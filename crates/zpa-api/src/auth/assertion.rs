//! The private-key way into OneAPI: an RSA key read once from PEM, and the RS256 client
//! assertion (RFC 7523) signed with it for every token request, with the claims Zscaler's SDKs
//! send (`iss` = `sub` = client id, `aud` = [`AUDIENCE`], `exp` = now + 10 minutes) plus a fresh
//! `jti`, so no two assertions are alike and a captured one cannot be replayed as new.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::oneapi::AUDIENCE;
use crate::secret::Secret;

/// How long an assertion is valid, as in the SDKs.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(600);

/// Why a private key cannot be used. Messages name the problem, never the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not PEM, or PEM of something else than an RSA private key.
    #[error(
        "not an RSA private key in PEM form (PKCS#1 \"RSA PRIVATE KEY\" or PKCS#8 \"PRIVATE KEY\")"
    )]
    NotRsaPem,
    /// The RSA key itself was refused (too short, inconsistent).
    #[error("the RSA private key is refused ({0}); OneAPI needs RSA of 2048 bits or more")]
    Rejected(String),
    /// Signing failed for another reason.
    #[error("cannot sign a client assertion with the key ({0})")]
    Signing(String),
}

/// An RSA private key for RS256 client assertions. Cheap to clone; `Debug` shows nothing of it.
#[derive(Clone)]
pub struct PrivateKey(Arc<EncodingKey>);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(RSA, ***)")
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
}

impl PrivateKey {
    /// Reads a PEM-encoded RSA private key and signs one assertion with it, so a key that
    /// parses but cannot sign (too short, broken) is refused now rather than at every sign-in.
    pub fn from_pem(pem: &[u8]) -> Result<PrivateKey, KeyError> {
        let key = EncodingKey::from_rsa_pem(pem).map_err(|_| KeyError::NotRsaPem)?;
        let key = PrivateKey(Arc::new(key));
        key.assertion("key-check", SystemTime::now())?;
        Ok(key)
    }

    /// A client assertion for `client_id`, valid from `now` for ten minutes.
    pub fn assertion(&self, client_id: &str, now: SystemTime) -> Result<Secret, KeyError> {
        let iat = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let claims = Claims {
            iss: client_id,
            sub: client_id,
            aud: AUDIENCE,
            iat,
            exp: iat + ASSERTION_LIFETIME.as_secs(),
            jti: format!("{:032x}", fastrand::u128(..)),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.0)
            .map(Secret::new)
            .map_err(|e| match e.into_kind() {
                ErrorKind::InvalidRsaKey(why) => KeyError::Rejected(why),
                ErrorKind::InvalidKeyFormat => KeyError::NotRsaPem,
                other => KeyError::Signing(format!("{other:?}")),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_key() {
        assert_eq!(
            PrivateKey::from_pem(b"not a key").unwrap_err(),
            KeyError::NotRsaPem
        );
        let public_only = b"-----BEGIN PUBLIC KEY-----\nMA0GCSqGSIb3DQEBAQUAA0sAMEgCQQC7\n-----END PUBLIC KEY-----\n";
        assert!(PrivateKey::from_pem(public_only).is_err());
    }

    #[test]
    fn assertions_carry_the_sdk_claims_and_a_fresh_jti() {
        use jsonwebtoken::{DecodingKey, Validation};
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

        let rsa_key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let pkcs8 = rsa_key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let public = rsa_key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let key = PrivateKey::from_pem(pkcs8.as_bytes()).unwrap();
        assert_eq!(format!("{key:?}"), "PrivateKey(RSA, ***)");
        let pkcs1 = rsa_key.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert!(PrivateKey::from_pem(pkcs1.as_bytes()).is_ok(), "PKCS#1 too");

        let now = SystemTime::now();
        let (a, b) = (
            key.assertion("client-1", now).unwrap(),
            key.assertion("client-1", now).unwrap(),
        );
        assert_eq!(format!("{a:?}"), "Secret(***)");
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&[AUDIENCE]);
        v.set_issuer(&["client-1"]);
        v.sub = Some("client-1".into());
        let public = DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
        let claims = |t: &Secret| {
            jsonwebtoken::decode::<serde_json::Value>(t.expose(), &public, &v)
                .unwrap()
                .claims
        };
        let (ca, cb) = (claims(&a), claims(&b));
        assert_eq!(
            ca["exp"].as_u64().unwrap() - ca["iat"].as_u64().unwrap(),
            600
        );
        assert_ne!(ca["jti"], cb["jti"], "a fresh jti per assertion");
    }

    #[test]
    fn short_keys_are_refused() {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let small = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        let pem = small.to_pkcs8_pem(LineEnding::LF).unwrap();
        let err = PrivateKey::from_pem(pem.as_bytes()).unwrap_err();
        assert!(matches!(err, KeyError::Rejected(_)), "{err:?}");
        assert!(err.to_string().contains("2048 bits"), "{err}");
    }
}
