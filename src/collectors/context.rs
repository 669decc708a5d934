//! What one run of a collector may use: the tenant's API, the run's place in the rate budget,
//! and the facts collectors share.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::time::Instant;
use zpa_api::models::idp::IdentityProvider;
use zpa_api::ratelimit::Ticket;
use zpa_api::{Api, Endpoint, Error};

/// A collector run's view of the world.
pub(crate) struct RunContext<'a> {
    pub api: &'a dyn Api,
    /// The microtenant every scoped listing is limited to (`--zpa.microtenant-id`), if any.
    pub microtenant_id: Option<&'a str>,
    pub ticket: &'a Ticket,
    pub shared: &'a SharedFacts,
    /// The collector's own refresh interval: shared facts older than half of it are fetched
    /// again rather than reused.
    pub interval: Duration,
}

impl RunContext<'_> {
    /// Every object of `endpoint`, each page in this run's place in the rate budget.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Vec<T>, Error> {
        zpa_api::api::list(self.api, endpoint, self.microtenant_id, self.ticket).await
    }

    /// The identity providers, reused from another collector's fetch when recent enough.
    pub(crate) async fn identity_providers(&self) -> Result<Arc<Vec<IdentityProvider>>, Error> {
        self.shared.identity_providers(self).await
    }

    /// Microtenant names from the last successful microtenants listing, so per-microtenant
    /// counts can export zeros for microtenants that have nothing.
    pub(crate) fn known_microtenants(&self) -> BTreeSet<String> {
        self.shared.known_microtenants()
    }
}

/// Facts several collectors need. No collector relies on another having run first: the
/// microtenant names are whatever the microtenants collector last published (none yet is
/// fine), and the IdP listing is fetched on demand by whoever needs it and cached with its age.
#[derive(Debug, Default)]
pub(crate) struct SharedFacts {
    microtenants: RwLock<BTreeSet<String>>,
    identity_providers: tokio::sync::Mutex<Option<(Instant, Arc<Vec<IdentityProvider>>)>>,
}

impl SharedFacts {
    /// One fetch at a time: a second caller waits for the first and reuses its listing.
    /// Failures are not cached; each caller reports its own.
    async fn identity_providers(
        &self,
        run: &RunContext<'_>,
    ) -> Result<Arc<Vec<IdentityProvider>>, Error> {
        let mut cached = self.identity_providers.lock().await;
        if let Some((at, listing)) = cached.as_ref() {
            if at.elapsed() <= run.interval / 2 {
                return Ok(listing.clone());
            }
        }
        let listing = Arc::new(run.list(&zpa_api::models::idp::LIST).await?);
        *cached = Some((Instant::now(), listing.clone()));
        Ok(listing)
    }

    pub(crate) fn known_microtenants(&self) -> BTreeSet<String> {
        self.microtenants
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_known_microtenants(&self, names: BTreeSet<String>) {
        *self.microtenants.write().unwrap_or_else(|e| e.into_inner()) = names;
    }
}
