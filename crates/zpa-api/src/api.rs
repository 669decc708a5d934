//! The one seam between the exporter and ZPA: [`Api`], a tenant's authenticated, rate-limited,
//! retrying GET. The real [`crate::Client`] implements it; tests put a fake behind it that
//! implements nothing else. Listing every page of an endpoint, and the identity calls, are
//! built on that one method; what else a caller needs (the rate budget, the customer and
//! microtenant ids) it is given as plain values, not asked of the API.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::paging::parse_page;
use crate::ratelimit::Ticket;
use crate::BoxFuture;

/// ZPA's largest page size.
pub const PAGE_SIZE: u32 = 500;

/// More pages than this means `totalPages` is lying: 2 000 pages of 500 are a million objects,
/// far above any real tenant.
pub const MAX_PAGES: u64 = 2_000;

/// Where an endpoint lives, below the API root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `/mgmtconfig/v1/admin/customers/{id}/…`
    MgmtV1,
    /// `/mgmtconfig/v2/admin/customers/{id}/…`
    MgmtV2,
    /// `/userconfig/v1/customers/{id}/…` (takes no microtenant scope)
    UserconfigV1,
    /// `/mgmtconfig/v1/admin/…`, not below a customer (e.g. `me`)
    Admin,
}

/// A GET endpoint: the name used in metrics and logs, and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The `endpoint` label of the request metrics, e.g. `application`.
    pub name: &'static str,
    /// Where below the API root.
    pub area: Area,
    /// The path below the area's prefix, e.g. `application` or `scimgroup/idpId/42`.
    pub rest: Cow<'static, str>,
}

impl Endpoint {
    /// An endpoint with a fixed path.
    pub const fn new(name: &'static str, area: Area, rest: &'static str) -> Self {
        Endpoint {
            name,
            area,
            rest: Cow::Borrowed(rest),
        }
    }

    /// An endpoint whose path carries an id (an IdP's SCIM groups, a policy type's rules).
    pub fn with_path(name: &'static str, area: Area, rest: String) -> Self {
        Endpoint {
            name,
            area,
            rest: Cow::Owned(rest),
        }
    }

    /// The path below the API root, for `customer_id`.
    pub fn path(&self, customer_id: &str) -> String {
        let rest = &self.rest;
        match self.area {
            Area::MgmtV1 => format!("/mgmtconfig/v1/admin/customers/{customer_id}/{rest}"),
            Area::MgmtV2 => format!("/mgmtconfig/v2/admin/customers/{customer_id}/{rest}"),
            Area::UserconfigV1 => format!("/userconfig/v1/customers/{customer_id}/{rest}"),
            Area::Admin => format!("/mgmtconfig/v1/admin/{rest}"),
        }
    }

    /// Whether `microtenantId` applies (mgmtconfig lists do; userconfig and admin calls not).
    pub fn microtenant_scoped(&self) -> bool {
        matches!(self.area, Area::MgmtV1 | Area::MgmtV2)
    }
}

/// A tenant's ZPA API: one authenticated, rate-limited, retrying GET.
pub trait Api: Send + Sync {
    /// GETs `endpoint` with `query`, waiting for the rate limiter in `ticket`'s place. The
    /// microtenant scope is the caller's to add (see [`list`]).
    fn get<'a>(
        &'a self,
        endpoint: &'a Endpoint,
        query: &'a [(&'static str, String)],
        ticket: &'a Ticket,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>>;
}

/// Every object of a list endpoint, following `totalPages`; a microtenant-scoped endpoint is
/// limited to `microtenant_id` when one is given.
pub async fn list<T: DeserializeOwned>(
    api: &(impl Api + ?Sized),
    endpoint: &Endpoint,
    microtenant_id: Option<&str>,
    ticket: &Ticket,
) -> Result<Vec<T>, Error> {
    let paging = |message: String| Error::Paging {
        endpoint: endpoint.name,
        message,
    };
    let mut items = Vec::new();
    let mut page = 1u64;
    let mut previous_fingerprint = None;
    loop {
        let mut query = vec![
            ("page", page.to_string()),
            ("pagesize", PAGE_SIZE.to_string()),
        ];
        if let (true, Some(mt)) = (endpoint.microtenant_scoped(), microtenant_id) {
            query.push(("microtenantId", mt.to_string()));
        }
        let body = api.get(endpoint, &query, ticket).await?;
        let parsed = parse_page::<T>(&body).map_err(|e| Error::Decode {
            endpoint: endpoint.name,
            page: Some(page),
            source: e.into(),
        })?;
        if let Some(total) = parsed.total_pages.filter(|t| *t > MAX_PAGES) {
            return Err(paging(format!(
                "totalPages {total} exceeds the limit of {MAX_PAGES} pages"
            )));
        }
        if parsed.items.is_empty() {
            break;
        }
        // A server that serves the same page again would otherwise loop until MAX_PAGES.
        let fingerprint = fingerprint(&body);
        if previous_fingerprint == Some(fingerprint) {
            return Err(paging(format!("page {page} repeats page {}", page - 1)));
        }
        previous_fingerprint = Some(fingerprint);
        items.extend(parsed.items);
        // `total` is at most MAX_PAGES (checked above), so paging ends there at the latest.
        match parsed.total_pages {
            Some(total) if page < total => page += 1,
            _ => break,
        }
    }
    Ok(items)
}

fn fingerprint(body: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// An endpoint that answers one object rather than a page (e.g. the application limit).
pub async fn object<T: DeserializeOwned>(
    api: &(impl Api + ?Sized),
    endpoint: &Endpoint,
    ticket: &Ticket,
) -> Result<T, Error> {
    let body = api.get(endpoint, &[], ticket).await?;
    serde_json::from_slice(&body).map_err(|e| Error::Decode {
        endpoint: endpoint.name,
        page: None,
        source: e.into(),
    })
}

/// What `GET /admin/me` says about the calling API key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyIdentity {
    /// The customer (tenant) the key belongs to.
    #[serde(default, deserialize_with = "crate::paging::opt_id_string")]
    pub customer_id: Option<String>,
    /// The customer's name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Present when the key is scoped to one microtenant.
    #[serde(default, deserialize_with = "crate::paging::opt_id_string")]
    pub microtenant_id: Option<String>,
    /// The microtenant's name, with `microtenant_id`.
    #[serde(default)]
    pub microtenant_name: Option<String>,
}

/// `GET /mgmtconfig/v1/admin/me`: whom the API key belongs to (customer, microtenant).
pub async fn whoami(api: &(impl Api + ?Sized), ticket: &Ticket) -> Result<KeyIdentity, Error> {
    const ME: Endpoint = Endpoint::new("me", Area::Admin, "me");
    let body = api.get(&ME, &[], ticket).await?;
    serde_json::from_slice(&body).map_err(|e| Error::Decode {
        endpoint: ME.name,
        page: None,
        source: e.into(),
    })
}

/// `GET …/microtenants/{id}`: whether the microtenant exists (ZPA answers 400 or 404 if not).
pub async fn microtenant_exists(
    api: &(impl Api + ?Sized),
    id: &str,
    ticket: &Ticket,
) -> Result<bool, Error> {
    let endpoint = Endpoint::with_path("microtenant", Area::MgmtV1, format!("microtenants/{id}"));
    match api.get(&endpoint, &[], ticket).await {
        Ok(_) => Ok(true),
        Err(Error::Status {
            status: 400 | 404, ..
        }) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every GET with one body, and remembers the query it was sent.
    struct OneBody(&'static str, std::sync::Mutex<Vec<(&'static str, String)>>);

    impl Api for OneBody {
        fn get<'a>(
            &'a self,
            _: &'a Endpoint,
            query: &'a [(&'static str, String)],
            _: &'a Ticket,
        ) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
            *self.1.lock().unwrap() = query.to_vec();
            Box::pin(async move { Ok(self.0.as_bytes().to_vec()) })
        }
    }

    #[tokio::test]
    async fn single_objects_are_read_without_paging() {
        use crate::models::application_limit::{ApplicationLimit, LIMIT};
        use crate::ratelimit::Priority;
        let api = OneBody(
            r#"{"currentAppsCount":"120","maxAppsLimit":"1000"}"#,
            Default::default(),
        );
        let ticket = Ticket::new(Priority::Normal, tokio::time::Instant::now());
        let limit: ApplicationLimit = object(&api, &LIMIT, &ticket).await.unwrap();
        assert_eq!(limit.current_apps_count, Some(120));
        assert!(api.1.lock().unwrap().is_empty(), "no page parameters");
        let broken = OneBody("{", Default::default());
        let err = object::<ApplicationLimit>(&broken, &LIMIT, &ticket).await;
        assert!(matches!(
            err,
            Err(Error::Decode {
                endpoint: "applicationLimit",
                ..
            })
        ));
    }

    #[test]
    fn paths_per_area() {
        let e = Endpoint::new("application", Area::MgmtV1, "application");
        assert_eq!(
            e.path("42"),
            "/mgmtconfig/v1/admin/customers/42/application"
        );
        assert!(e.microtenant_scoped());
        let scim = Endpoint::with_path("scimgroup", Area::UserconfigV1, "scimgroup/idpId/7".into());
        assert_eq!(
            scim.path("42"),
            "/userconfig/v1/customers/42/scimgroup/idpId/7"
        );
        assert!(!scim.microtenant_scoped());
        assert_eq!(
            Endpoint::new("me", Area::Admin, "me").path("42"),
            "/mgmtconfig/v1/admin/me"
        );
    }
}
