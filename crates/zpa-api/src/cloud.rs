//! Cloud names and the URLs each one is served from: [`Cloud`] for the legacy API key
//! (`ZPA_CLOUD`, one "config" host per cloud), [`OneApiCloud`] for OneAPI (`ZSCALER_CLOUD`,
//! a ZIdentity token URL per vanity domain and one API gateway per cloud).

use std::fmt;
use std::str::FromStr;

/// A ZPA cloud, as named by Zscaler's SDKs and the Terraform provider (`ZPA_CLOUD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    /// `PRODUCTION`, the default.
    Production,
    /// `ZPATWO`.
    ZpaTwo,
    /// `BETA`.
    Beta,
    /// `GOV` (FedRAMP).
    Gov,
    /// `GOVUS` (FedRAMP).
    GovUs,
    /// `PREVIEW`.
    Preview,
    /// `QA` (Zscaler internal).
    Qa,
    /// `QA2` (Zscaler internal).
    Qa2,
}

impl Cloud {
    /// Every cloud.
    pub const ALL: [Cloud; 8] = [
        Cloud::Production,
        Cloud::ZpaTwo,
        Cloud::Beta,
        Cloud::Gov,
        Cloud::GovUs,
        Cloud::Preview,
        Cloud::Qa,
        Cloud::Qa2,
    ];

    /// The name the SDKs use (`ZPA_CLOUD`).
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Production => "PRODUCTION",
            Cloud::ZpaTwo => "ZPATWO",
            Cloud::Beta => "BETA",
            Cloud::Gov => "GOV",
            Cloud::GovUs => "GOVUS",
            Cloud::Preview => "PREVIEW",
            Cloud::Qa => "QA",
            Cloud::Qa2 => "QA2",
        }
    }

    /// The legacy management API host of this cloud.
    pub fn base_url(self) -> &'static str {
        match self {
            Cloud::Production => "https://config.private.zscaler.com",
            Cloud::ZpaTwo => "https://config.zpatwo.net",
            Cloud::Beta => "https://config.zpabeta.net",
            Cloud::Gov => "https://config.zpagov.net",
            Cloud::GovUs => "https://config.zpagov.us",
            Cloud::Preview => "https://config.zpapreview.net",
            Cloud::Qa => "https://config.qa.zpath.net",
            Cloud::Qa2 => "https://pdx2-zpa-config.qa2.zpath.net",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cloud {
    type Err = String;

    /// Case-insensitive, and empty means production, as in the official SDKs.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        if wanted.is_empty() {
            return Ok(Cloud::Production);
        }
        Cloud::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<_> = Cloud::ALL.iter().map(|c| c.name()).collect();
                format!(
                    "unknown cloud {wanted:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// A OneAPI cloud as Zscaler's SDKs name it in `ZSCALER_CLOUD`: production when empty or
/// `PRODUCTION`, the FedRAMP clouds `gov` and `govus`, and any other name (e.g. `beta`) a
/// commercial cloud whose hosts carry that name, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneApiCloud {
    /// The default: `{vanity}.zslogin.net`, `api.zsapi.net`.
    Production,
    /// FedRAMP `gov`: `{vanity}.zidentitygov.net`, `api.zscalergov.net`.
    Gov,
    /// FedRAMP `govus`: `{vanity}.zidentitygov.us`, `api.zscalergov.us`.
    GovUs,
    /// Another commercial cloud, lowercase (`beta`: `{vanity}.zsloginbeta.net`,
    /// `api.beta.zsapi.net`).
    Commercial(String),
}

impl OneApiCloud {
    /// The ZIdentity OAuth2 token endpoint of the tenant whose vanity domain is `vanity`.
    pub fn token_url(&self, vanity: &str) -> String {
        match self {
            OneApiCloud::Production => format!("https://{vanity}.zslogin.net/oauth2/v1/token"),
            OneApiCloud::Gov => format!("https://{vanity}.zidentitygov.net/oauth2/v1/token"),
            OneApiCloud::GovUs => format!("https://{vanity}.zidentitygov.us/oauth2/v1/token"),
            OneApiCloud::Commercial(c) => {
                format!("https://{vanity}.zslogin{c}.net/oauth2/v1/token")
            }
        }
    }

    /// The OneAPI gateway; ZPA's paths are below its `/zpa`.
    pub fn api_base_url(&self) -> String {
        match self {
            OneApiCloud::Production => "https://api.zsapi.net".into(),
            OneApiCloud::Gov => "https://api.zscalergov.net".into(),
            OneApiCloud::GovUs => "https://api.zscalergov.us".into(),
            OneApiCloud::Commercial(c) => format!("https://api.{c}.zsapi.net"),
        }
    }
}

impl fmt::Display for OneApiCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OneApiCloud::Production => f.write_str("PRODUCTION"),
            OneApiCloud::Gov => f.write_str("gov"),
            OneApiCloud::GovUs => f.write_str("govus"),
            OneApiCloud::Commercial(c) => f.write_str(c),
        }
    }
}

impl FromStr for OneApiCloud {
    type Err = String;

    /// Case-insensitive; empty means production, as in the SDKs. Since the name becomes part
    /// of a host name, only letters and digits are accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Ok(match wanted.as_str() {
            "" | "production" => OneApiCloud::Production,
            "gov" => OneApiCloud::Gov,
            "govus" => OneApiCloud::GovUs,
            name if name.len() <= 32 && name.chars().all(|c| c.is_ascii_alphanumeric()) => {
                OneApiCloud::Commercial(name.to_string())
            }
            _ => {
                return Err(format!(
                    "{:?} is not a cloud name; expected PRODUCTION (the default), beta, gov, \
                     govus or another Zscaler cloud name (letters and digits)",
                    s.trim()
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!("production".parse::<Cloud>().unwrap(), Cloud::Production);
        assert_eq!("ZPATwo".parse::<Cloud>().unwrap(), Cloud::ZpaTwo);
        assert_eq!("".parse::<Cloud>().unwrap(), Cloud::Production);
        assert_eq!(
            Cloud::GovUs.base_url(),
            "https://config.zpagov.us",
            "GOVUS is the .us host"
        );
        assert!("mars".parse::<Cloud>().unwrap_err().contains("PRODUCTION"));
    }

    #[test]
    fn oneapi_urls_per_cloud() {
        // (ZSCALER_CLOUD, token URL for vanity "acme", API base URL)
        let cases = [
            (
                "",
                "https://acme.zslogin.net/oauth2/v1/token",
                "https://api.zsapi.net",
            ),
            (
                "PRODUCTION",
                "https://acme.zslogin.net/oauth2/v1/token",
                "https://api.zsapi.net",
            ),
            (
                "production",
                "https://acme.zslogin.net/oauth2/v1/token",
                "https://api.zsapi.net",
            ),
            (
                "beta",
                "https://acme.zsloginbeta.net/oauth2/v1/token",
                "https://api.beta.zsapi.net",
            ),
            (
                "BETA",
                "https://acme.zsloginbeta.net/oauth2/v1/token",
                "https://api.beta.zsapi.net",
            ),
            (
                "zscalertwo",
                "https://acme.zsloginzscalertwo.net/oauth2/v1/token",
                "https://api.zscalertwo.zsapi.net",
            ),
            (
                "gov",
                "https://acme.zidentitygov.net/oauth2/v1/token",
                "https://api.zscalergov.net",
            ),
            (
                "GOV",
                "https://acme.zidentitygov.net/oauth2/v1/token",
                "https://api.zscalergov.net",
            ),
            (
                "govus",
                "https://acme.zidentitygov.us/oauth2/v1/token",
                "https://api.zscalergov.us",
            ),
            (
                " GovUS ",
                "https://acme.zidentitygov.us/oauth2/v1/token",
                "https://api.zscalergov.us",
            ),
        ];
        for (name, token_url, api) in cases {
            let cloud: OneApiCloud = name.parse().unwrap();
            assert_eq!(cloud.token_url("acme"), token_url, "{name:?}");
            assert_eq!(cloud.api_base_url(), api, "{name:?}");
        }
    }

    #[test]
    fn oneapi_cloud_names_must_fit_in_a_host_name() {
        for bad in ["be.ta", "beta/x", "bad cloud", "évian"] {
            let err = bad.parse::<OneApiCloud>().unwrap_err();
            assert!(err.contains("not a cloud name"), "{bad}: {err}");
        }
        assert_eq!("Beta".parse::<OneApiCloud>().unwrap().to_string(), "beta");
        assert_eq!(OneApiCloud::Production.to_string(), "PRODUCTION");
    }
}
