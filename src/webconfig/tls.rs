//! `tls_server_config`: its validation (which options rustls with the *ring* provider can honour,
//! which combinations make sense) and building the rustls [`ServerConfig`] from the certificate,
//! key and client CA PEM. The client certificate verifiers live in [`super::client_auth`].

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{ServerConfig, SupportedCipherSuite, SupportedProtocolVersion};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::client_auth::{self, ClientAuth, ClientPolicy};
use super::schema::{LoadingFile, RawTls};
use super::WebConfigError;

/// A PEM input that is either inline in the YAML or a file (re-read for rotation).
#[derive(Clone)]
pub(super) struct PemInput {
    field: &'static str,
    source: PemSource,
}

#[derive(Clone)]
enum PemSource {
    File(std::path::PathBuf),
    Inline(String),
}

impl PemInput {
    fn pick(
        inline: Option<String>,
        file: Option<String>,
        inline_field: &'static str,
        file_field: &'static str,
        ctx: &LoadingFile<'_>,
    ) -> Result<Option<PemInput>, WebConfigError> {
        let inline = inline.filter(|s| !s.is_empty());
        let file = file.filter(|s| !s.is_empty());
        match (inline, file) {
            (Some(_), Some(_)) => Err(ctx.invalid(
                format!("tls_server_config.{file_field}"),
                format!("{inline_field} and {file_field} are mutually exclusive"),
            )),
            (Some(pem), None) => Ok(Some(PemInput {
                field: inline_field,
                source: PemSource::Inline(pem),
            })),
            (None, Some(file)) => Ok(Some(PemInput {
                field: file_field,
                source: PemSource::File(ctx.resolve(&file)),
            })),
            (None, None) => Ok(None),
        }
    }

    /// A client CA file given outside the web config (an LSS tenant's own).
    pub(super) fn client_ca_file(path: std::path::PathBuf) -> PemInput {
        PemInput {
            field: "client_ca_file",
            source: PemSource::File(path),
        }
    }

    /// The field name and, for files, the path, for error messages.
    pub(super) fn label(&self) -> String {
        match &self.source {
            PemSource::File(p) => format!("tls_server_config.{} {}", self.field, p.display()),
            PemSource::Inline(_) => format!("tls_server_config.{}", self.field),
        }
    }

    /// Blocking: reads the file, if this input is one.
    fn read(&self, ctx: &LoadingFile<'_>) -> Result<Vec<u8>, WebConfigError> {
        match &self.source {
            PemSource::Inline(pem) => Ok(pem.as_bytes().to_vec()),
            PemSource::File(p) => {
                std::fs::read(p).map_err(|e| ctx.invalid(self.label(), format!("cannot read: {e}")))
            }
        }
    }

    /// The file to watch for rotation; `None` for inline PEM.
    pub(super) fn file(&self) -> Option<&Path> {
        match &self.source {
            PemSource::File(p) => Some(p),
            PemSource::Inline(_) => None,
        }
    }
}

impl fmt::Debug for PemInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            PemSource::File(p) => write!(f, "{}: {}", self.field, p.display()),
            PemSource::Inline(_) => write!(f, "{}: <inline PEM>", self.field),
        }
    }
}

#[derive(Clone)]
pub(super) struct TlsSettings {
    pub cert: PemInput,
    pub key: PemInput,
    pub client_ca: Option<PemInput>,
    pub client_auth: ClientAuth,
    pub allowed_sans: Option<Vec<String>>,
    versions: Vec<&'static SupportedProtocolVersion>,
    pub provider: Arc<CryptoProvider>,
    ignore_client_order: bool,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suites: Vec<_> = self
            .provider
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        f.debug_struct("TlsSettings")
            .field("cert", &self.cert)
            .field("key", &self.key)
            .field("client_ca", &self.client_ca)
            .field("client_auth", &self.client_auth)
            .field("allowed_sans", &self.allowed_sans)
            .field("versions", &self.versions)
            .field("cipher_suites", &suites)
            .field("ignore_client_order", &self.ignore_client_order)
            .finish()
    }
}

/// The bytes of the cert, key and CA inputs as read at one time.
pub(super) struct Material {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub ca: Option<Vec<u8>>,
}

impl TlsSettings {
    pub(super) fn from_raw(
        raw: RawTls,
        ctx: &LoadingFile<'_>,
    ) -> Result<Option<TlsSettings>, WebConfigError> {
        let client_auth_set = raw
            .client_auth_type
            .as_deref()
            .is_some_and(|s| !s.is_empty());
        let cert = PemInput::pick(raw.cert, raw.cert_file, "cert", "cert_file", ctx)?;
        let key = PemInput::pick(raw.key, raw.key_file, "key", "key_file", ctx)?;
        let client_ca = PemInput::pick(
            raw.client_ca,
            raw.client_ca_file,
            "client_ca",
            "client_ca_file",
            ctx,
        )?;
        // toolkit IsEnabled(): any of these turns TLS on.
        let enabled = cert.is_some() || key.is_some() || client_ca.is_some() || client_auth_set;
        if !enabled {
            let tls_only = [
                ("min_version", raw.min_version.is_some()),
                ("max_version", raw.max_version.is_some()),
                ("cipher_suites", raw.cipher_suites.is_some()),
                ("curve_preferences", raw.curve_preferences.is_some()),
                ("client_allowed_sans", raw.client_allowed_sans.is_some()),
                (
                    "prefer_server_cipher_suites",
                    raw.prefer_server_cipher_suites.is_some(),
                ),
            ];
            if let Some((field, _)) = tls_only.iter().find(|(_, set)| *set) {
                return Err(ctx.invalid(
                    format!("tls_server_config.{field}"),
                    "set, but neither cert_file nor cert is: TLS would be off and this ignored",
                ));
            }
            return Ok(None);
        }
        let cert = cert.ok_or_else(|| {
            ctx.invalid(
                "tls_server_config.cert_file",
                "missing one of cert or cert_file",
            )
        })?;
        let key = key.ok_or_else(|| {
            ctx.invalid(
                "tls_server_config.key_file",
                "missing one of key or key_file",
            )
        })?;

        let client_auth = match raw.client_auth_type.as_deref().unwrap_or("") {
            "" | "NoClientCert" => ClientAuth::NoClientCert,
            "RequestClientCert" => ClientAuth::RequestClientCert,
            // "RequireClientCert" is the toolkit's backwards-compatible alias.
            "RequireAnyClientCert" | "RequireClientCert" => ClientAuth::RequireAnyClientCert,
            "VerifyClientCertIfGiven" => ClientAuth::VerifyClientCertIfGiven,
            "RequireAndVerifyClientCert" => ClientAuth::RequireAndVerifyClientCert,
            other => {
                return Err(ctx.invalid(
                    "tls_server_config.client_auth_type",
                    format!(
                        "invalid value {other:?}; expected NoClientCert, RequestClientCert, \
                         RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert"
                    ),
                ))
            }
        };
        if client_ca.is_some() && client_auth == ClientAuth::NoClientCert {
            return Err(ctx.invalid(
                "tls_server_config.client_ca_file",
                "a client CA is configured but client_auth_type is NoClientCert",
            ));
        }
        if client_ca.is_none()
            && matches!(
                client_auth,
                ClientAuth::VerifyClientCertIfGiven | ClientAuth::RequireAndVerifyClientCert
            )
        {
            return Err(ctx.invalid(
                "tls_server_config.client_ca_file",
                "required to verify client certificates (client_auth_type verifies against it)",
            ));
        }
        if raw.client_allowed_sans.is_some()
            && !matches!(
                client_auth,
                ClientAuth::RequireAnyClientCert | ClientAuth::RequireAndVerifyClientCert
            )
        {
            return Err(ctx.invalid(
                "tls_server_config.client_allowed_sans",
                "requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert",
            ));
        }

        let min = parse_version(raw.min_version.as_deref(), "min_version", 12, ctx)?;
        let max = parse_version(raw.max_version.as_deref(), "max_version", 13, ctx)?;
        if min > max {
            return Err(ctx.invalid(
                "tls_server_config.min_version",
                "is higher than max_version",
            ));
        }
        let mut versions = Vec::new();
        if min <= 12 {
            versions.push(&rustls::version::TLS12);
        }
        if max >= 13 {
            versions.push(&rustls::version::TLS13);
        }

        let mut provider = rustls::crypto::ring::default_provider();
        if let Some(names) = raw.cipher_suites.filter(|n| !n.is_empty()) {
            provider.cipher_suites = select_cipher_suites(&names, &provider.cipher_suites, ctx)?;
        }
        if let Some(names) = raw.curve_preferences.filter(|n| !n.is_empty()) {
            provider.kx_groups = select_curves(&names, ctx)?;
        }

        Ok(Some(TlsSettings {
            cert,
            key,
            client_ca,
            client_auth,
            allowed_sans: raw.client_allowed_sans,
            versions,
            provider: Arc::new(provider),
            ignore_client_order: raw.prefer_server_cipher_suites.unwrap_or(true),
        }))
    }

    /// The inputs that are files, i.e. what certificate rotation watches.
    pub(super) fn files(&self) -> impl Iterator<Item = &Path> {
        [Some(&self.cert), Some(&self.key), self.client_ca.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(PemInput::file)
    }

    /// Blocking: reads the certificate, key and CA inputs.
    pub(super) fn read_material(&self, ctx: &LoadingFile<'_>) -> Result<Material, WebConfigError> {
        Ok(Material {
            cert: self.cert.read(ctx)?,
            key: self.key.read(ctx)?,
            ca: self.client_ca.as_ref().map(|c| c.read(ctx)).transpose()?,
        })
    }

    pub(super) fn server_config(
        &self,
        material: &Material,
        ctx: &LoadingFile<'_>,
    ) -> Result<ServerConfig, WebConfigError> {
        let certs = CertificateDer::pem_slice_iter(&material.cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ctx.invalid(self.cert.label(), format!("not valid PEM: {e}")))?;
        if certs.is_empty() {
            return Err(ctx.invalid(self.cert.label(), "no CERTIFICATE block found"));
        }
        let key = PrivateKeyDer::from_pem_slice(&material.key)
            .map_err(|e| ctx.invalid(self.key.label(), format!("no usable private key: {e}")))?;
        let certified = CertifiedKey::from_der(certs, key, &self.provider).map_err(|e| {
            let message = match e {
                rustls::Error::InconsistentKeys(_) => format!(
                    "private key does not match the certificate in {}",
                    self.cert.label()
                ),
                other => format!("cannot load private key: {other}"),
            };
            ctx.invalid(self.key.label(), message)
        })?;
        let ca_label = self.client_ca.as_ref().map(PemInput::label);
        let policy = ClientPolicy {
            mode: self.client_auth,
            ca_label: ca_label.as_deref(),
            allowed_sans: self.allowed_sans.as_deref(),
            provider: &self.provider,
        };
        let verifier = client_auth::verifier(&policy, material.ca.as_deref(), ctx)?;
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&self.versions)
            .map_err(|e| ctx.invalid("tls_server_config", e.to_string()))?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config.ignore_client_order = self.ignore_client_order;
        Ok(config)
    }
}

fn parse_version(
    value: Option<&str>,
    field: &str,
    default: u8,
    ctx: &LoadingFile<'_>,
) -> Result<u8, WebConfigError> {
    match value.unwrap_or("") {
        "" => Ok(default),
        "TLS12" => Ok(12),
        "TLS13" => Ok(13),
        old @ ("TLS10" | "TLS11") => Err(ctx.invalid(
            format!("tls_server_config.{field}"),
            format!("{old} is not supported: rustls implements only TLS12 and TLS13"),
        )),
        other => Err(ctx.invalid(
            format!("tls_server_config.{field}"),
            format!("unknown TLS version {other:?}; expected TLS12 or TLS13"),
        )),
    }
}

/// Maps Go cipher suite names to the provider's suites. TLS 1.3 suites always stay (Go does
/// not let them be configured either); the listed TLS 1.2 suites follow in the given order.
fn select_cipher_suites(
    names: &[String],
    available: &[SupportedCipherSuite],
    ctx: &LoadingFile<'_>,
) -> Result<Vec<SupportedCipherSuite>, WebConfigError> {
    let mut selected: Vec<SupportedCipherSuite> = available
        .iter()
        .filter(|s| s.tls13().is_some())
        .copied()
        .collect();
    let tls13_go_names = [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    ];
    for name in names {
        if tls13_go_names.contains(&name.as_str()) {
            continue;
        }
        // Go still accepts the pre-1.16 ChaCha20 names without the hash suffix.
        let canonical = match name.as_str() {
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305" => {
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
            }
            other => other,
        };
        let suite = available
            .iter()
            .find(|s| s.tls13().is_none() && format!("{:?}", s.suite()) == canonical);
        match suite {
            Some(s) => {
                if !selected.contains(s) {
                    selected.push(*s);
                }
            }
            None => {
                let supported: Vec<String> = available
                    .iter()
                    .filter(|s| s.tls13().is_none())
                    .map(|s| format!("{:?}", s.suite()))
                    .collect();
                return Err(ctx.invalid(
                    "tls_server_config.cipher_suites",
                    format!(
                        "{name:?} is not supported by rustls; supported TLS 1.2 suites: {}",
                        supported.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(selected)
}

fn select_curves(
    names: &[String],
    ctx: &LoadingFile<'_>,
) -> Result<Vec<&'static dyn SupportedKxGroup>, WebConfigError> {
    use rustls::crypto::ring::kx_group;
    names
        .iter()
        .map(|name| match name.as_str() {
            "X25519" => Ok(kx_group::X25519),
            "CurveP256" => Ok(kx_group::SECP256R1),
            "CurveP384" => Ok(kx_group::SECP384R1),
            "CurveP521" => Err(ctx.invalid(
                "tls_server_config.curve_preferences",
                "CurveP521 is not supported by the ring provider; use X25519, CurveP256 or CurveP384",
            )),
            other => Err(ctx.invalid(
                "tls_server_config.curve_preferences",
                format!("unknown curve {other:?}; expected X25519, CurveP256 or CurveP384"),
            )),
        })
        .collect()
}
