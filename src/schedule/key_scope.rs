//! The start-up check that the API key belongs to the configured customer and microtenant.
//!
//! Without it a wrong `ZPA_CUSTOMER_ID` or microtenant id shows up as every collector being
//! refused, which looks like "nothing licensed". One cheap call (`GET /admin/me`, plus one
//! microtenant lookup when a tenant-wide key is scoped by flag) says plainly what is wrong.
//! Until the answer is known no collector runs; a wrong id is a configuration error that the
//! metrics, the readiness probe and the log report, checked again now and then.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{backoff, Schedule, Upstream};
use crate::snapshot::{ConfigProblem, ProblemKind};
use zpa_api::api::{microtenant_exists, whoami};
use zpa_api::ratelimit::{Priority, Ticket};
use zpa_api::Error;

/// How often a configuration error found here is checked again.
const RECHECK: Duration = Duration::from_secs(10 * 60);

const CUSTOMER: &str = "--zpa.customer-id (ZPA_CUSTOMER_ID)";

/// The configuration error a `customer.not.authorized` answer leads to, whether the identity
/// check or a collector got it: any later successful run clears it.
pub(super) fn customer_refused(customer_id: &str) -> ConfigProblem {
    ConfigProblem::new(
        ProblemKind::CustomerRefused,
        format!("{CUSTOMER}: ZPA refuses customer id {customer_id} for this API key"),
    )
}

/// A wrong customer or microtenant the check found: only the check passing clears it.
fn wrong(message: String) -> Verdict {
    Verdict::Wrong(ConfigProblem::new(ProblemKind::Identity, message))
}

const MICROTENANT: &str = "--zpa.microtenant-id (ZPA_MICROTENANT_ID)";

/// What the check found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Verified,
    /// The API cannot tell (an older API without `/admin/me`, or the key may not read it):
    /// collect anyway; errors will show on the collectors.
    Unknown(String),
    /// One line naming the setting to fix.
    Wrong(ConfigProblem),
}

/// Checks once. Errors are the transient kind (sign-in, network, 5xx): worth another try.
pub(super) async fn check(upstream: &Upstream) -> Result<Verdict, Error> {
    let api = upstream.api.as_ref();
    let customer_id = upstream.customer_id.as_str();
    let ticket = Ticket::new(Priority::High, Instant::now());
    let me = match whoami(api, &ticket).await {
        Ok(me) => me,
        Err(Error::Status { status, .. }) if status < 500 => {
            return Ok(Verdict::Unknown(format!(
                "GET /admin/me answered HTTP {status}"
            )))
        }
        Err(e @ (Error::Unavailable { .. } | Error::Decode { .. })) => {
            return Ok(Verdict::Unknown(e.to_string()))
        }
        Err(Error::CustomerNotAuthorized { .. }) => {
            return Ok(Verdict::Wrong(customer_refused(customer_id)))
        }
        Err(e) => return Err(e),
    };
    let named = |id: &str, name: &Option<String>| match name {
        Some(n) if !n.is_empty() => format!("{id} ({n})"),
        _ => id.to_string(),
    };
    if let Some(actual) = me.customer_id.as_deref() {
        if actual != customer_id {
            return Ok(wrong(format!(
                "{CUSTOMER}: this API key belongs to customer {}, not {customer_id}",
                named(actual, &me.customer_name),
            )));
        }
    }
    let configured = upstream.microtenant_id.as_deref();
    match (me.microtenant_id.as_deref(), configured) {
        (Some(scope), None) => Ok(wrong(format!(
            "{MICROTENANT}: this API key is scoped to microtenant {}; set \
             --zpa.microtenant-id={scope}",
            named(scope, &me.microtenant_name)
        ))),
        (Some(scope), Some(wanted)) if scope != wanted => Ok(wrong(format!(
            "{MICROTENANT}: this API key is scoped to microtenant {}, not {wanted}",
            named(scope, &me.microtenant_name)
        ))),
        (None, Some(wanted)) if wanted != "0" => {
            match microtenant_exists(api, wanted, &ticket).await {
                Ok(true) => Ok(Verdict::Verified),
                Ok(false) => Ok(wrong(format!(
                    "{MICROTENANT}: customer {customer_id} has no microtenant with id {wanted}"
                ))),
                Err(e) if e.is_transient() => Err(e),
                Err(e) => Ok(Verdict::Unknown(e.to_string())),
            }
        }
        _ => Ok(Verdict::Verified),
    }
}

/// Checks until the answer is known. Collectors are released (`release` set to true) as soon
/// as nothing speaks against running them: the key is verified, the API cannot tell, or the
/// check failed for a reason the collectors will meet and report themselves (ZPA unreachable,
/// sign-in failing). A wrong id holds them back, is published as a configuration error, and is
/// checked again every [`RECHECK`].
pub(super) async fn verify(
    inner: Arc<Schedule>,
    release: watch::Sender<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    let cap = (0..inner.collectors.len())
        .map(|i| inner.interval(i))
        .min()
        .unwrap_or(RECHECK);
    let mut failures = 0u32;
    let mut reported: Option<ConfigProblem> = None;
    loop {
        let wait = match check(&inner.upstream).await {
            Ok(verdict @ (Verdict::Verified | Verdict::Unknown(_))) => {
                match verdict {
                    Verdict::Unknown(why) => tracing::info!(
                        reason = %why,
                        "cannot verify the API key's customer and microtenant; collecting anyway"
                    ),
                    _ => tracing::info!(
                        customer_id = inner.upstream.customer_id,
                        microtenant_id =
                            inner.upstream.microtenant_id.as_deref().unwrap_or("(all)"),
                        "API key identity verified"
                    ),
                }
                if reported.is_some() {
                    tracing::info!("the configuration error is resolved");
                    inner.store.update(|s| s.config_error = None);
                }
                release.send_replace(true);
                return;
            }
            Ok(Verdict::Wrong(problem)) => {
                if reported.as_ref() != Some(&problem) {
                    tracing::error!(
                        "configuration error: {problem}; no data is collected until it is fixed"
                    );
                    reported = Some(problem.clone());
                }
                inner.store.update(|s| s.config_error = Some(problem));
                RECHECK
            }
            Err(e) => {
                failures += 1;
                let wait = backoff(failures, cap);
                tracing::debug!(error = %e, retry_in = ?wait, "identity check failed; trying again");
                release.send_replace(true);
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}
