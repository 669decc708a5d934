//! Certificate expiry: browser-access certificates, enrollment certificates and IdP signing
//! certificates (from the shared IdP listing). Only names and dates are read.

use std::fmt;
use std::sync::Arc;

use zpa_api::models::certificate::{Certificate, BROWSER_ACCESS, ENROLLMENT};
use zpa_api::models::idp::IdentityProvider;
use zpa_api::{BoxFuture, Error};

use super::{
    microtenant_label, newest_per_microtenant, Class, Collector, CollectorSpec, Data, CollectorData,
    LastModified, RunContext, MINUTE,
};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::{Value, Writer};

pub(crate) const NAME: &str = "certificates";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Reference,
    default_interval: MINUTE.saturating_mul(60),
    estimated_calls: 3,
    families: &[&EXPIRY],
    build: |_| Box::new(Certificates),
};

const EXPIRY: Descriptor = gauge("zpa_certificate_expiry_timestamp_seconds", &["kind", "id", "name", "microtenant"], Source::Collector(NAME), "When a certificate expires (Unix time); kind is browser_access (/clientlessCertificate/issued), enrollment (/enrollmentCert) or idp (/idp).");

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expiry {
    /// `browser_access`, `enrollment` or `idp`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub microtenant: String,
    /// Unix seconds.
    pub not_after: u64,
}

pub(crate) struct Certificates;

impl Collector for Certificates {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let browser: Vec<Certificate> = run.list(&BROWSER_ACCESS).await?;
            let enrollment: Vec<Certificate> = run.list(&ENROLLMENT).await?;
            // IdPs may be unlicensed or forbidden for this key; the other certificates still count.
            let idps = match run.identity_providers().await {
                Ok(idps) => idps,
                Err(e) if e.is_unavailable() => Arc::new(Vec::new()),
                Err(e) => return Err(e),
            };
            Ok(Arc::new(Expiries::build(browser, enrollment, &idps)) as Data)
        })
    }
}

#[derive(Debug)]
pub(crate) struct Expiries {
    pub expiries: Vec<Expiry>,
    pub last_modified: LastModified,
}

impl Expiries {
    pub(crate) fn build(
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
        let last_modified = newest_per_microtenant(modified.iter().map(|(mt, t)| (mt, *t)));
        Expiries {
            expiries,
            last_modified,
        }
    }
}

impl CollectorData for Expiries {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(
            &EXPIRY,
            self.expiries.iter().map(|e| {
                (
                    [
                        e.kind,
                        e.id.as_str(),
                        e.name.as_str(),
                        e.microtenant.as_str(),
                    ],
                    Value::Float(e.not_after as f64),
                )
            }),
        )
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::models::certificate::Certificate;
    use zpa_api::models::idp::IdentityProvider;
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
        let part = Expiries::build(browser, enrollment, &idps);
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
