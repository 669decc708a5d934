//! Client certificates (`client_auth_type`, `client_allowed_sans`): which rustls verifier each
//! mode uses, the unverified-but-signed mode Go offers and rustls does not, and the SAN check.
//! SANs are read with x509-parser: with `RequireAnyClientCert` the bytes come unverified from
//! the client, so they are parsed by a maintained parser, never by hand.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

use super::schema::LoadingFile;
use super::WebConfigError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClientAuth {
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// What the TLS settings say of client certificates.
pub(super) struct ClientPolicy<'a> {
    /// `client_auth_type`.
    pub mode: ClientAuth,
    /// Where the client CA came from (for errors), when there is one.
    pub ca_label: Option<&'a str>,
    /// `client_allowed_sans`.
    pub allowed_sans: Option<&'a [String]>,
    /// The crypto provider of the server's configuration.
    pub provider: &'a Arc<rustls::crypto::CryptoProvider>,
}

/// The verifier for `policy.mode`, with the CA from `ca_pem`, wrapped in the SAN check when
/// `client_allowed_sans` is set.
pub(super) fn verifier(
    policy: &ClientPolicy<'_>,
    ca_pem: Option<&[u8]>,
    ctx: &LoadingFile<'_>,
) -> Result<Arc<dyn ClientCertVerifier>, WebConfigError> {
    let mut roots = RootCertStore::empty();
    if let (Some(label), Some(pem)) = (policy.ca_label, ca_pem) {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| ctx.invalid(label, format!("not valid PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| ctx.invalid(label, format!("unusable CA: {e}")))?;
        }
        if roots.is_empty() {
            return Err(ctx.invalid(label, "no CERTIFICATE block found"));
        }
    }
    let roots = Arc::new(roots);
    let provider = policy.provider;
    let webpki = |allow_unauthenticated: bool| {
        let builder = WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone());
        let builder = if allow_unauthenticated {
            builder.allow_unauthenticated()
        } else {
            builder
        };
        builder
            .build()
            .map_err(|e| ctx.invalid("tls_server_config.client_ca_file", e.to_string()))
    };
    let verifier: Arc<dyn ClientCertVerifier> = match policy.mode {
        ClientAuth::NoClientCert => WebPkiClientVerifier::no_client_auth(),
        ClientAuth::RequestClientCert | ClientAuth::RequireAnyClientCert => {
            Arc::new(AnyClientCert {
                mandatory: policy.mode == ClientAuth::RequireAnyClientCert,
                hints: roots.subjects(),
                algorithms: provider.signature_verification_algorithms,
            })
        }
        ClientAuth::VerifyClientCertIfGiven => webpki(true)?,
        ClientAuth::RequireAndVerifyClientCert => webpki(false)?,
    };
    Ok(match policy.allowed_sans {
        Some(allowed) => Arc::new(SanCheck {
            inner: verifier,
            allowed: allowed.to_vec(),
        }),
        None => verifier,
    })
}

/// `RequestClientCert` / `RequireAnyClientCert`: like Go, the chain is not verified; the
/// handshake signature still is, so the client must hold the certificate's private key.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    hints: Vec<DistinguishedName>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `client_allowed_sans`: after the inner verifier accepted the certificate, one of its SANs
/// must equal one of the allowed strings exactly (toolkit `VerifyPeerCertificate`).
#[derive(Debug)]
struct SanCheck {
    inner: Arc<dyn ClientCertVerifier>,
    allowed: Vec<String>,
}

impl ClientCertVerifier for SanCheck {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = self
            .inner
            .verify_client_cert(end_entity, intermediates, now)?;
        let sans = certificate_sans(end_entity.as_ref()).ok_or(
            rustls::Error::InvalidCertificate(CertificateError::BadEncoding),
        )?;
        if sans.iter().any(|san| self.allowed.contains(san)) {
            Ok(verified)
        } else {
            // Joined, not `?sans`: a Debug list would reach JSON logs as one quoted string.
            tracing::debug!(found = %sans.join(", "), "client certificate has no SAN listed in client_allowed_sans");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The DNS, e-mail, IP and URI subject alternative names of a DER certificate, rendered as Go
/// renders them (IP addresses in their canonical text form). `None` when the certificate or
/// its SAN extension cannot be parsed, or when it has more than one SAN extension; names of
/// other kinds, and names x509-parser marks invalid (e.g. not UTF-8), are skipped.
fn certificate_sans(der: &[u8]) -> Option<Vec<String>> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let Some(extension) = cert.subject_alternative_name().ok()? else {
        return Some(Vec::new());
    };
    let sans = extension
        .value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(s) | GeneralName::RFC822Name(s) | GeneralName::URI(s) => {
                Some(s.to_string())
            }
            GeneralName::IPAddress(octets) => ip_address(octets).map(|ip| ip.to_string()),
            _ => None,
        })
        .collect();
    Some(sans)
}

fn ip_address(octets: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(octets) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    <[u8; 16]>::try_from(octets)
        .ok()
        .map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sans_of_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec![
            "client.example".to_string(),
            "10.1.2.3".to_string(),
            "::1".to_string(),
        ])
        .unwrap();
        params.subject_alt_names.push(rcgen::SanType::Rfc822Name(
            "ops@example.com".try_into().unwrap(),
        ));
        params.subject_alt_names.push(rcgen::SanType::URI(
            "spiffe://example/prometheus".try_into().unwrap(),
        ));
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let sans = certificate_sans(cert.der()).unwrap();
        assert_eq!(
            sans,
            [
                "client.example",
                "10.1.2.3",
                "::1",
                "ops@example.com",
                "spiffe://example/prometheus"
            ]
        );
    }

    #[test]
    fn malformed_der_is_rejected_not_panicking() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["a.example".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().as_ref();
        for len in 0..der.len() {
            // Every truncation is rejected, and none panics.
            assert_eq!(certificate_sans(&der[..len]), None, "truncated to {len}");
        }
        assert_eq!(
            certificate_sans(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
        assert_eq!(certificate_sans(&[]), None);
    }

    /// A self-signed certificate carrying `extensions` as given, bypassing rcgen's SAN encoding.
    fn with_extensions(extensions: Vec<rcgen::CustomExtension>) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.custom_extensions = extensions;
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    const SAN_OID: &[u64] = &[2, 5, 29, 17];

    #[test]
    fn odd_san_extensions() {
        // GeneralNames with a dNSName "a.example", an iPAddress of 5 bytes (skipped) and an
        // otherName (skipped).
        let names = [
            &[0x82, 9][..],
            b"a.example",
            &[0x87, 5, 1, 2, 3, 4, 5],
            &[
                0xa0, 0x0a, 0x06, 0x03, 0x2a, 0x03, 0x04, 0xa0, 0x03, 0x0c, 0x01, b'x',
            ],
        ]
        .concat();
        let mut content = vec![0x30, names.len() as u8];
        content.extend_from_slice(&names);
        let der = with_extensions(vec![rcgen::CustomExtension::from_oid_content(
            SAN_OID,
            content.clone(),
        )]);
        assert_eq!(certificate_sans(&der), Some(vec!["a.example".to_string()]));

        // The same extension twice: refused, as Go refuses duplicate extensions.
        let twice = with_extensions(vec![
            rcgen::CustomExtension::from_oid_content(SAN_OID, content.clone()),
            rcgen::CustomExtension::from_oid_content(SAN_OID, content),
        ]);
        assert_eq!(certificate_sans(&twice), None);

        // Contents that are not GeneralNames: a length running past the end, a bare string.
        for garbage in [vec![0x30, 0x7f, 0x82, 0x01], vec![0x0c, 0x01, b'x'], vec![]] {
            let der = with_extensions(vec![rcgen::CustomExtension::from_oid_content(
                SAN_OID, garbage,
            )]);
            assert_eq!(certificate_sans(&der), None);
        }

        // No SAN extension at all: no names, so no allowed SAN can match.
        assert_eq!(certificate_sans(&with_extensions(Vec::new())), Some(vec![]));
    }
}
