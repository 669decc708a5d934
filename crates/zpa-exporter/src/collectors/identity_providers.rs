//! Identity providers (v2 `/idp`): one info series each. The listing also feeds the
//! certificates collector (IdP signing certificates) and the SCIM groups collector (which IdPs
//! have SCIM), fetched once per poll cycle through [`RunContext::identity_providers`].

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::{bool_label, newest_per_microtenant, Collector, MetricWriter, Part, RunContext};
use zpa_api::auth::BoxFuture;
use zpa_api::paging::{id_string, opt_bool, opt_u64};
use zpa_api::Error;

pub const NAME: &str = "identity_providers";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProvider {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    /// e.g. `["USER"]`, `["USER","ADMIN"]`.
    #[serde(default)]
    pub sso_type: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub scim_enabled: Option<bool>,
    #[serde(default)]
    pub certificates: Option<Vec<IdpCertificate>>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

/// An IdP signing certificate. Its PEM body is deliberately not modelled: never exported.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpCertificate {
    #[serde(default)]
    pub c_name: Option<String>,
    #[serde(default, deserialize_with = "zpa_api::paging::opt_id_string")]
    pub serial_no: Option<String>,
    /// Epoch seconds (IdPs name it differently from other certificates).
    #[serde(default, deserialize_with = "opt_u64")]
    pub valid_to_in_sec: Option<u64>,
}

/// GET v2 `/idp`, every page.
pub async fn fetch(run: &RunContext<'_>) -> Result<Vec<IdentityProvider>, Error> {
    run.list(&run.client.mgmt_v2("idp", "idp")).await
}

pub struct IdentityProviders;

impl Collector for IdentityProviders {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let idps = run.identity_providers().await?;
            Ok(Arc::new(IdpPart::build(&idps)) as Arc<dyn Part>)
        })
    }
}

#[derive(Debug, PartialEq)]
pub struct IdpRow {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub sso_type: String,
    pub scim_enabled: bool,
}

#[derive(Debug)]
pub struct IdpPart {
    pub rows: Vec<IdpRow>,
    modified: Vec<(String, f64)>,
}

impl IdpPart {
    pub fn build(idps: &[IdentityProvider]) -> Self {
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
        let modified = newest_per_microtenant(idps.iter().map(|i| (&tenant, i.modified_time)));
        IdpPart { rows, modified }
    }
}

impl Part for IdpPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            "zpa_identity_provider_info",
            "One series per identity provider (from v2 /idp); value is always 1.",
            self.rows.iter().map(|r| {
                (
                    [
                        ("id", r.id.as_str()),
                        ("name", r.name.as_str()),
                        ("enabled", bool_label(r.enabled)),
                        ("sso_type", r.sso_type.as_str()),
                        ("scim_enabled", bool_label(r.scim_enabled)),
                    ],
                    1i64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Vec<(String, f64)> {
        self.modified.clone()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use zpa_api::paging::parse_page;

    /// Shaped like the real v2 `/idp` page: string numbers and "0"/"1" booleans, certificates
    /// with `validToInSec`, a PEM body that must never reach a metric.
    pub const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
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
        let part = IdpPart::build(&idps);
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
