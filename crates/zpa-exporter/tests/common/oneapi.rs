//! Signing in with OneAPI against the simulator: its token endpoint at `/oauth2/v1/token` and
//! ZPA behind its gateway at `/zpa`, on the same loopback port as the legacy front door.

use zpa_api::auth::OneApiCredential;
use zpa_api::Secret;
use zpa_exporter::config::{Auth, AuthMethod, Config, Target};
use zpa_simulator::{RunningSimulator, SimulatorConfig};

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
    let Target::Zpa(target) = &mut config.target else {
        panic!("a config for the simulator, not --demo")
    };
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
