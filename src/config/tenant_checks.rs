//! The checks a tenant's settings pass wherever they were written: the single-tenant flags and
//! the tenants file validate through these same functions, and only name the setting
//! differently in their errors (the flag and its variable, or the file's tenant and field).

use std::path::Path;

use zpa_api::auth::PrivateKey;
use zpa_api::cloud::OneApiCloud;

use super::{is_host_label, Problem};

/// A customer or microtenant id: digits only (`what` names it in the error).
pub(super) fn numeric_id(value: &str, what: &'static str) -> Result<String, Problem> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotNumeric(value.to_string(), what));
    }
    Ok(value.to_string())
}

/// The customer id.
pub(super) fn customer_id(value: &str) -> Result<String, Problem> {
    numeric_id(value, "tenant id")
}

/// The microtenant every call is scoped to: none when empty, else numeric.
pub(super) fn microtenant_id(value: Option<&str>) -> Result<Option<String>, Problem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(id) => numeric_id(id, "microtenant id").map(Some),
    }
}

/// The OneAPI token URL of a vanity domain on `cloud` (the host's first label: letters, digits
/// and inner hyphens only, so nothing can redirect the secret to another host).
pub(super) fn vanity_token_url(vanity: &str, cloud: &OneApiCloud) -> Result<String, Problem> {
    let vanity = vanity.trim();
    if !is_host_label(vanity) {
        return Err(Problem::NotAHostLabel(vanity.to_string()));
    }
    Ok(cloud.token_url(&vanity.to_ascii_lowercase()))
}

/// ZPA's API root below a OneAPI gateway: every ZPA path lives below its `/zpa`.
pub(super) fn oneapi_api_root(gateway: &str) -> String {
    format!("{}/zpa", gateway.trim_end_matches('/'))
}

/// The API client's private key, read and checked now: a bad key is a configuration error,
/// not a failing sign-in.
pub(super) fn private_key(path: &Path) -> Result<PrivateKey, Problem> {
    let pem = std::fs::read(path).map_err(|e| Problem::Unreadable(path.to_path_buf(), e))?;
    PrivateKey::from_pem(&pem).map_err(|e| Problem::PrivateKey(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_digits() {
        assert_eq!(customer_id(" 123 ").unwrap(), "123");
        assert!(matches!(
            customer_id("12a"),
            Err(Problem::NotNumeric(_, "tenant id"))
        ));
        assert!(matches!(customer_id(""), Err(Problem::NotNumeric(_, _))));
        assert_eq!(microtenant_id(Some("")).unwrap(), None);
        assert_eq!(microtenant_id(Some("0")).unwrap(), Some("0".into()));
        assert!(matches!(
            microtenant_id(Some("x")),
            Err(Problem::NotNumeric(_, "microtenant id"))
        ));
    }

    #[test]
    fn vanity_domains_cannot_name_another_host() {
        let cloud = OneApiCloud::Production;
        assert!(vanity_token_url("Acme", &cloud).unwrap().contains("acme"));
        for bad in ["evil.com/", "a.b", "-acme", "acme@x"] {
            assert!(vanity_token_url(bad, &cloud).is_err(), "{bad}");
        }
        assert_eq!(
            oneapi_api_root("https://api.zsapi.net/"),
            "https://api.zsapi.net/zpa"
        );
    }
}
