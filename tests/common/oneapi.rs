//! Signing in with OneAPI against the simulator: its token endpoint at `/oauth2/v1/token` and
//! ZPA behind its gateway at `/zpa`, on the same loopback port as the legacy front door.

use std::sync::OnceLock;

use zpa_api::auth::{OneApiCredential, PrivateKey};
use zpa_api::Secret;
use zpa_exporter::{Auth, AuthMethod, Config};
use zpa_simulator::{RunningSimulator, SimulatorConfig};

use super::small_tenant;

/// The simulator's OneAPI client secret.
pub fn oneapi_secret(sim_config: &SimulatorConfig) -> OneApiCredential {
    OneApiCredential::Secret(
        sim_config
            .oneapi
            .client_secret
            .clone()
            .expect("the simulator's OneAPI client has a secret"),
    )
}

/// `config` (made for `sim` by `target_config` or `exporter_config`) signing in with OneAPI's
/// API client and `credential` instead of the legacy API key.
pub fn with_oneapi(
    mut config: Config,
    sim: &RunningSimulator,
    sim_config: &SimulatorConfig,
    credential: OneApiCredential,
) -> Config {
    let target = &mut config.tenant_mut().target;
    target.base_url = format!("{}/zpa", sim.base_url());
    target.client_id = sim_config.oneapi.client_id.clone();
    target.client_secret = Secret::new("");
    target.auth = Auth {
        method: AuthMethod::OneApi {
            token_url: format!("{}/oauth2/v1/token", sim.base_url()),
            credential,
        },
        reason: "chosen by the test",
    };
    config
}

/// An RSA key pair for client assertions, (private PKCS#8 PEM, public SPKI PEM); made once,
/// since a 2048-bit key takes a while in a debug build.
pub fn rsa_keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        (private, public)
    })
}

/// A simulated tenant whose OneAPI client takes the secret and the key of [`rsa_keys`].
pub fn oneapi_tenant() -> SimulatorConfig {
    let mut config = small_tenant();
    config.oneapi.public_key_pem = Some(rsa_keys().1.clone());
    config
}

pub fn private_key() -> OneApiCredential {
    OneApiCredential::PrivateKey(PrivateKey::from_pem(rsa_keys().0.as_bytes()).unwrap())
}

pub fn statuses(sim: &RunningSimulator, endpoint: &str, status: u16) -> u64 {
    sim.control()
        .status_counts(endpoint)
        .get(&status)
        .copied()
        .unwrap_or(0)
}
