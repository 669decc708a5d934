//! Certificate expiry: browser-access certificates (v2 `/clientlessCertificate/issued`),
//! enrollment certificates (v2 `/enrollmentCert`) and IdP signing certificates (inside v2
//! `/idp`). Only names and dates are read; PEM bodies and keys are never modelled.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::identity_providers::IdentityProvider;
use super::{microtenant_label, newest_per_microtenant, Collector, MetricWriter, Part, RunContext};
use zpa_api::auth::BoxFuture;
use zpa_api::paging::{id_string, opt_u64};
use zpa_api::Error;

pub const NAME: &str = "certificates";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    /// Absent on enrollment entries that only hold a CSR.
    #[serde(default, deserialize_with = "opt_u64")]
    pub valid_to_in_epoch_sec: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expiry {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub microtenant: String,
    pub not_after: u64,
}

pub struct Certificates;

impl Collector for Certificates {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let browser: Vec<Certificate> = run
                .list(
                    &run.client
                        .mgmt_v2("clientlessCertificate", "clientlessCertificate/issued"),
                )
                .await?;
            let enrollment: Vec<Certificate> = run
                .list(&run.client.mgmt_v2("enrollmentCert", "enrollmentCert"))
                .await?;
            // IdPs may be unlicensed or forbidden for this key; the other certificates still count.
            let idps = match run.identity_providers().await {
                Ok(idps) => idps,
                Err(e) if e.is_unavailable() => Arc::new(Vec::new()),
                Err(e) => return Err(e),
            };
            Ok(Arc::new(CertificatesPart::build(browser, enrollment, &idps)) as Arc<dyn Part>)
        })
    }
}

#[derive(Debug)]
pub struct CertificatesPart {
    pub expiries: Vec<Expiry>,
    modified: Vec<(String, f64)>,
}

impl CertificatesPart {
    pub fn build(
        browser: Vec<Certificate>,
        enrollment: Vec<Certificate>,
        idps: &[IdentityProvider],
    ) -> Self {
        let mut expiries = Vec::new();
        let mut modified = Vec::new();
        for (kind, certs) in [("browser_access", browser), ("enrollment", enrollment)] {
            for c in certs {
                let microtenant = microtenant_label(c.microtenant_name.as_deref());
                modified.push((microtenant.clone(), c.modified_time));
                if let Some(not_after) = c.valid_to_in_epoch_sec {
                    expiries.push(Expiry {
                        kind,
                        id: c.id,
                        name: c.name.unwrap_or_default(),
                        microtenant,
                        not_after,
                    });
                }
            }
        }
        for idp in idps {
            for (i, cert) in idp.certificates.iter().flatten().enumerate() {
                let Some(not_after) = cert.valid_to_in_sec else {
                    continue;
                };
                // IdP certificates have no id of their own: the IdP id plus the serial is stable.
                let serial = cert.serial_no.clone().unwrap_or_else(|| i.to_string());
                let idp_name = idp.name.clone().unwrap_or_default();
                expiries.push(Expiry {
                    kind: "idp",
                    id: format!("{}/{serial}", idp.id),
                    name: match &cert.c_name {
                        Some(cn) if !cn.is_empty() => format!("{idp_name} ({cn})"),
                        _ => idp_name,
                    },
                    microtenant: "Default".into(),
                    not_after,
                });
            }
        }
        expiries.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        expiries.dedup_by(|a, b| a.kind == b.kind && a.id == b.id);
        let modified = newest_per_microtenant(modified.iter().map(|(mt, t)| (mt, *t)));
        CertificatesPart { expiries, modified }
    }
}

impl Part for CertificatesPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            "zpa_certificate_expiry_timestamp_seconds",
            "When a certificate expires (Unix time); kind is browser_access (/clientlessCertificate/issued), enrollment (/enrollmentCert) or idp (/idp).",
            self.expiries.iter().map(|e| {
                (
                    [
                        ("kind", e.kind),
                        ("id", e.id.as_str()),
                        ("name", e.name.as_str()),
                        ("microtenant", e.microtenant.as_str()),
                    ],
                    e.not_after as f64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Vec<(String, f64)> {
        self.modified.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::paging::parse_page;

    const BROWSER: &str = r#"{"totalPages":"1","totalCount":"3","list":[
      {"id":"216196257331369559","modifiedTime":"1759942769","name":"jenkins.example.com",
       "validFromInEpochSec":"1696447903","validToInEpochSec":"1759519903",
       "certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
       "publicKey":"-----BEGIN PUBLIC KEY-----","serialNo":"735924591726957934912698041255412118470000673",
       "san":["jenkins.example.com"],"cName":"jenkins.example.com","microtenantName":"Default"}]}"#;

    const ENROLLMENT: &str = r#"{"totalPages":"1","list":[
      {"id":"6573","cName":"216196257331281920.zpa-customer.com/Connector",
       "validFromInEpochSec":"1619585839","validToInEpochSec":"2092712239","name":"Connector",
       "privateKeyPresent":true,"clientCertType":"NONE"},
      {"id":"6574","name":"CSR only","csr":"-----BEGIN CERTIFICATE REQUEST-----"}]}"#;

    #[test]
    fn all_three_kinds() {
        let browser = parse_page::<Certificate>(BROWSER.as_bytes()).unwrap().items;
        let enrollment = parse_page::<Certificate>(ENROLLMENT.as_bytes())
            .unwrap()
            .items;
        let idps = parse_page::<IdentityProvider>(
            super::super::identity_providers::tests::FIXTURE.as_bytes(),
        )
        .unwrap()
        .items;
        let part = CertificatesPart::build(browser, enrollment, &idps);
        let kinds: Vec<_> = part
            .expiries
            .iter()
            .map(|e| (e.kind, e.not_after))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("browser_access", 1759519903),
                ("enrollment", 2092712239),
                ("idp", 2055103969)
            ],
            "the CSR-only entry has no expiry"
        );
        assert_eq!(part.expiries[1].microtenant, "Default");
        assert_eq!(part.expiries[2].id, "216196257331285825/1739571169880");
        assert_eq!(part.expiries[2].name, "BD_Okta_Users (dev-151399)");
    }
}
