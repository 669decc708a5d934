//! How the exporter signs in: a legacy ZPA API key, or a OneAPI (ZIdentity) API client with a
//! client secret or a private key. Which one is `--zpa.auth`, or else guessed the way Zscaler's
//! tooling is configured: `ZSCALER_CLIENT_ID` or `ZSCALER_VANITY_DOMAIN` mean OneAPI. The
//! OneAPI settings are validated here into a token URL, an API root and a credential.

use zpa_api::auth::OneApiCredential;
use zpa_api::Secret;

use super::cli::{AuthChoice, Cli};
use super::{read_secret_file, required, tenant_checks, validate_url, ConfigError, Problem};

const AUTH: &str = "--zpa.auth (ZPA_AUTH)";
const CLIENT_ID: &str = "--oneapi.client-id (ZSCALER_CLIENT_ID)";
const CREDENTIAL: &str = "ZSCALER_CLIENT_SECRET / --oneapi.client-secret-file \
     (ZSCALER_CLIENT_SECRET_FILE) / --oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE)";
const SECRET_FILE: &str = "--oneapi.client-secret-file (ZSCALER_CLIENT_SECRET_FILE)";
const PRIVATE_KEY_FILE: &str = "--oneapi.private-key-file (ZSCALER_PRIVATE_KEY_FILE)";
const VANITY_DOMAIN: &str = "--oneapi.vanity-domain (ZSCALER_VANITY_DOMAIN)";
const TOKEN_URL: &str = "--oneapi.token-url (ZPA_ONEAPI_TOKEN_URL)";
const BASE_URL: &str = "--oneapi.base-url (ZPA_ONEAPI_BASE_URL)";

/// The secrets that come from the environment rather than flags (a flag's value would show in
/// `ps`). `Debug` shows none of them.
#[derive(Debug, Clone, Default)]
pub struct EnvSecrets {
    /// `ZPA_CLIENT_SECRET`: the legacy API key's secret.
    pub zpa_client_secret: Option<Secret>,
    /// `ZSCALER_CLIENT_SECRET`: the OneAPI client secret.
    pub zscaler_client_secret: Option<Secret>,
}

impl EnvSecrets {
    /// Reads both from the process environment.
    pub fn from_env() -> EnvSecrets {
        let var = |name| std::env::var(name).ok().map(Secret::new);
        EnvSecrets {
            zpa_client_secret: var("ZPA_CLIENT_SECRET"),
            zscaler_client_secret: var("ZSCALER_CLIENT_SECRET"),
        }
    }
}

/// `ZPA_CLIENT_SECRET` alone: what [`super::Config::from_cli`] took before OneAPI.
impl From<Option<String>> for EnvSecrets {
    fn from(zpa_client_secret: Option<String>) -> EnvSecrets {
        EnvSecrets {
            zpa_client_secret: zpa_client_secret.map(Secret::new),
            zscaler_client_secret: None,
        }
    }
}

/// How to sign in, and why that way (for the start-up log).
#[derive(Debug, Clone)]
pub struct Auth {
    /// The way in.
    pub method: AuthMethod,
    /// Why it was chosen, e.g. "--oneapi.client-id (ZSCALER_CLIENT_ID) is set".
    pub reason: &'static str,
}

impl Default for Auth {
    /// The legacy API key, as before OneAPI existed (code that builds a target itself: the
    /// demo, tests).
    fn default() -> Auth {
        Auth {
            method: AuthMethod::Legacy,
            reason: "the default",
        }
    }
}

/// The way in.
#[derive(Debug, Clone)]
pub enum AuthMethod {
    /// The legacy API key: the target's `client_id` and `client_secret` at its `/signin`.
    Legacy,
    /// A OneAPI API client: the target's `client_id` at `token_url`, proven by `credential`.
    OneApi {
        /// The ZIdentity token endpoint.
        token_url: String,
        /// The client secret or private key.
        credential: OneApiCredential,
    },
}

const LEGACY_DEFAULT: &str = "neither ZSCALER_CLIENT_ID nor ZSCALER_VANITY_DOMAIN is set";

/// `--zpa.auth`, or OneAPI when its client id or vanity domain is set.
pub(super) fn choose(cli: &Cli) -> (AuthChoice, &'static str) {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    match cli.auth {
        Some(AuthChoice::OneApi) => (AuthChoice::OneApi, "--zpa.auth (ZPA_AUTH) is oneapi"),
        Some(AuthChoice::Legacy) => (AuthChoice::Legacy, "--zpa.auth (ZPA_AUTH) is legacy"),
        None if set(&cli.oneapi_client_id) => (
            AuthChoice::OneApi,
            "--oneapi.client-id (ZSCALER_CLIENT_ID) is set",
        ),
        None if set(&cli.oneapi_vanity_domain) => (
            AuthChoice::OneApi,
            "--oneapi.vanity-domain (ZSCALER_VANITY_DOMAIN) is set",
        ),
        None => (AuthChoice::Legacy, LEGACY_DEFAULT),
    }
}

/// What signing in with OneAPI needs, validated.
pub(super) struct OneApi {
    pub client_id: String,
    /// The gateway with ZPA's `/zpa`.
    pub api_root: String,
    pub method: AuthMethod,
}

pub(super) fn oneapi(cli: &Cli, secrets: &EnvSecrets) -> Result<OneApi, ConfigError> {
    let client_id = required(&cli.oneapi_client_id, CLIENT_ID)?;
    let token_url = match &cli.oneapi_token_url {
        Some(url) => validate_url(url, TOKEN_URL)?,
        None => {
            let vanity = required(&cli.oneapi_vanity_domain, VANITY_DOMAIN)?;
            tenant_checks::vanity_token_url(&vanity, &cli.oneapi_cloud)
                .map_err(|p| ConfigError::new(VANITY_DOMAIN, p))?
        }
    };
    let base = match &cli.oneapi_base_url {
        Some(url) => validate_url(url, BASE_URL)?,
        None => cli.oneapi_cloud.api_base_url(),
    };
    let env_secret = secrets
        .zscaler_client_secret
        .clone()
        .filter(|s| !s.is_empty());
    let given = [
        env_secret.is_some(),
        cli.oneapi_client_secret_file.is_some(),
        cli.oneapi_private_key_file.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(ConfigError::new(
            CREDENTIAL,
            Problem::Ambiguous(
                "ZSCALER_CLIENT_SECRET, --oneapi.client-secret-file and --oneapi.private-key-file",
            ),
        ));
    }
    let credential = match (
        env_secret,
        &cli.oneapi_client_secret_file,
        &cli.oneapi_private_key_file,
    ) {
        (Some(secret), _, _) => OneApiCredential::Secret(secret),
        (_, Some(path), _) => OneApiCredential::Secret(read_secret_file(path, SECRET_FILE)?),
        (_, _, Some(path)) => OneApiCredential::PrivateKey(
            tenant_checks::private_key(path).map_err(|p| ConfigError::new(PRIVATE_KEY_FILE, p))?,
        ),
        (None, None, None) => return Err(ConfigError::new(CREDENTIAL, Problem::Missing)),
    };
    Ok(OneApi {
        client_id,
        api_root: tenant_checks::oneapi_api_root(&base),
        method: AuthMethod::OneApi {
            token_url,
            credential,
        },
    })
}

/// A vanity domain becomes the first label of the token host: letters, digits and inner
/// hyphens only, so nothing can redirect the secret to another host.
pub(crate) fn is_host_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Legacy settings that signing in with OneAPI leaves unused, one warning each.
pub(super) fn ignored_legacy_settings(cli: &Cli, secrets: &EnvSecrets) -> Vec<String> {
    let mut unused = Vec::new();
    if cli.client_id.is_some() {
        unused.push("--zpa.client-id (ZPA_CLIENT_ID)");
    }
    if secrets
        .zpa_client_secret
        .as_ref()
        .is_some_and(|s| !s.is_empty())
    {
        unused.push("ZPA_CLIENT_SECRET");
    }
    if cli.client_secret_file.is_some() {
        unused.push("--zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)");
    }
    if cli.base_url.is_some() {
        unused.push("--zpa.base-url (ZPA_BASE_URL)");
    }
    ignored(unused, "signing in with OneAPI")
}

/// OneAPI settings that the legacy sign-in leaves unused, one warning each.
pub(super) fn ignored_oneapi_settings(cli: &Cli, secrets: &EnvSecrets) -> Vec<String> {
    let mut unused = Vec::new();
    if cli.auth == Some(AuthChoice::Legacy) && cli.oneapi_client_id.is_some() {
        unused.push(CLIENT_ID);
    }
    if cli.auth == Some(AuthChoice::Legacy) && cli.oneapi_vanity_domain.is_some() {
        unused.push(VANITY_DOMAIN);
    }
    if secrets
        .zscaler_client_secret
        .as_ref()
        .is_some_and(|s| !s.is_empty())
    {
        unused.push("ZSCALER_CLIENT_SECRET");
    }
    if cli.oneapi_client_secret_file.is_some() {
        unused.push(SECRET_FILE);
    }
    if cli.oneapi_private_key_file.is_some() {
        unused.push(PRIVATE_KEY_FILE);
    }
    ignored(unused, "signing in with a legacy API key")
}

fn ignored(settings: Vec<&str>, because: &str) -> Vec<String> {
    settings
        .into_iter()
        .map(|s| format!("{s} is ignored when {because} ({AUTH})"))
        .collect()
}
