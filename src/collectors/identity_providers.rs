//! Identity providers (v2 `/idp`): one info row each. The listing also feeds the certificates
//! collector (IdP signing certificates) and the SCIM groups collector (which IdPs have SCIM),
//! shared through [`RunContext::identity_providers`].

use std::fmt;
use std::sync::Arc;

use zpa_api::models::idp::IdentityProvider;
use zpa_api::{BoxFuture, Error};

use super::{
    newest_per_microtenant, Class, Collector, CollectorSpec, Data, CollectorData, LastModified,
    RunContext, MINUTE,
};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::{bool_label, Writer};

pub(crate) const NAME: &str = "identity_providers";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Reference,
    default_interval: MINUTE.saturating_mul(30),
    estimated_calls: 1,
    families: &[&INFO],
    build: |_| Box::new(IdentityProviders),
};

const INFO: Descriptor = gauge(
    "zpa_identity_provider_info",
    &["id", "name", "enabled", "sso_type", "scim_enabled"],
    Source::Collector(NAME),
    "One series per identity provider (from v2 /idp); value is always 1.",
);

pub(crate) struct IdentityProviders;

impl Collector for IdentityProviders {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let idps = run.identity_providers().await?;
            Ok(Arc::new(IdpList::build(&idps)) as Data)
        })
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct IdpRow {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub sso_type: String,
    pub scim_enabled: bool,
}

#[derive(Debug)]
pub(crate) struct IdpList {
    pub rows: Vec<IdpRow>,
    pub last_modified: LastModified,
}

impl IdpList {
    pub(crate) fn build(idps: &[IdentityProvider]) -> Self {
        let mut rows: Vec<IdpRow> = idps
            .iter()
            .map(|i| IdpRow {
                id: i.id.clone(),
                name: i.name.clone().unwrap_or_default(),
                enabled: i.enabled.unwrap_or(true),
                sso_type: {
                    let mut types = i.sso_type.clone().unwrap_or_default();
                    types.sort();
                    types.join(",")
                },
                scim_enabled: i.scim_enabled.unwrap_or(false),
            })
            .collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        // IdPs belong to the tenant, not a microtenant.
        let tenant = "Default".to_string();
        let last_modified = newest_per_microtenant(idps.iter().map(|i| (&tenant, i.modified_time)));
        IdpList {
            rows,
            last_modified,
        }
    }
}

impl CollectorData for IdpList {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(
            &INFO,
            self.rows.iter().map(|r| {
                (
                    [
                        r.id.as_str(),
                        r.name.as_str(),
                        bool_label(r.enabled),
                        r.sso_type.as_str(),
                        bool_label(r.scim_enabled),
                    ],
                    1u64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use zpa_api::models::idp::IdentityProvider;
    use zpa_api::paging::parse_page;

    /// Shaped like the real v2 `/idp` page: string numbers and "0"/"1" booleans, certificates
    /// with `validToInSec`, a PEM body that must never reach a metric.
    pub(crate) const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
      {"id":"216196257331285825","modifiedTime":"1773338809","name":"BD_Okta_Users",
       "certificates":[{"cName":"dev-151399","serialNo":"1739571169880",
         "certificate":"-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n",
         "validFromInSec":"1739571109","validToInSec":"2055103969"}],
       "autoProvision":"0","signSamlRequest":"1","ssoType":["USER"],"scimEnabled":true,
       "enabled":true,"enableArbitraryAuthDomains":"1"},
      {"id":"216196257331285826","name":"Admins","ssoType":["ADMIN","USER"],"enabled":false}
    ]}"#;

    #[test]
    fn info_rows() {
        let idps = parse_page::<IdentityProvider>(FIXTURE.as_bytes())
            .unwrap()
            .items;
        let part = IdpList::build(&idps);
        assert_eq!(
            part.rows[0],
            IdpRow {
                id: "216196257331285825".into(),
                name: "BD_Okta_Users".into(),
                enabled: true,
                sso_type: "USER".into(),
                scim_enabled: true
            }
        );
        assert_eq!(part.rows[1].sso_type, "ADMIN,USER");
        assert!(!part.rows[1].scim_enabled);
        assert_eq!(
            idps[0].certificates.as_ref().unwrap()[0].valid_to_in_sec,
            Some(2055103969)
        );
    }
}
