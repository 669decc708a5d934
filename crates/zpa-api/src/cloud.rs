//! ZPA cloud names and the API base URL each one is served from (legacy API-key sign-in).

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
}
