//! How the exporter's own state writes its families: a tenant's state that changes only with
//! its snapshot ([`write_state`]: configuration error, budget, per-collector series, newest
//! changes), what must be fresh on every scrape ([`write_live`]: `zpa_up`, which turns stale
//! with time, and the ZPA client's counters), and once per process the build, reload and shard
//! state and the process's figures ([`write_global`]).

use std::fmt;
use std::time::SystemTime;

use zpa_api::stats::Stats;

use super::own;
use super::process::{self, ProcessStats};
use crate::build_info::{REVISION, RUSTC_VERSION, VERSION};
use crate::metric_model::{unix, Writer};
use crate::snapshot::Snapshot;

/// A tenant's own state that changes only when its snapshot does: configuration error,
/// budget, the per-collector series, the newest changes.
pub(crate) fn write_state(w: &mut Writer, snapshot: &Snapshot) -> fmt::Result {
    w.single(&own::CONFIG_ERROR, snapshot.config_problem().is_some())?;
    w.single(&own::BUDGET_UTILIZATION, snapshot.budget.utilization)?;
    let cs = &snapshot.collectors;
    w.family(
        &own::COLLECTOR_SUCCESS,
        cs.iter().map(|c| ([c.name], c.success)),
    )?;
    w.family(
        &own::COLLECTOR_UNAVAILABLE,
        cs.iter().map(|c| ([c.name], c.unavailable)),
    )?;
    w.family(
        &own::COLLECTOR_DURATION,
        cs.iter()
            .filter(|c| c.last_attempt.is_some())
            .map(|c| ([c.name], c.duration.as_secs_f64())),
    )?;
    w.family(
        &own::COLLECTOR_LAST_SUCCESS,
        cs.iter()
            .filter_map(|c| c.last_success.map(|t| ([c.name], unix(t)))),
    )?;
    w.family(
        &own::COLLECTOR_INTERVAL,
        cs.iter().map(|c| ([c.name], c.interval.as_secs_f64())),
    )?;
    w.family(
        &own::COLLECTOR_NEXT_RUN,
        cs.iter()
            .filter_map(|c| c.next_run.map(|t| ([c.name], unix(t)))),
    )?;
    w.family(
        &own::COLLECTOR_LAST_RUN_REQUESTS,
        cs.iter()
            .filter(|c| c.runs > 0)
            .map(|c| ([c.name], c.last_run_requests)),
    )?;
    w.family(
        &own::CONFIG_LAST_MODIFIED,
        cs.iter().flat_map(|c| {
            c.data
                .iter()
                .filter_map(|data| data.last_modified())
                .flatten()
                .map(move |(mt, t)| ([c.name, mt.as_str()], *t))
        }),
    )
}

/// What a scrape writes fresh for one tenant.
pub(crate) fn write_live(
    w: &mut Writer,
    snapshot: &Snapshot,
    stats: &Stats,
    now: SystemTime,
) -> fmt::Result {
    w.single(&own::UP, snapshot.up(now))?;
    w.family(
        &own::API_REQUESTS,
        stats
            .requests
            .iter()
            .map(|((endpoint, outcome), n)| ([endpoint.to_string(), outcome.label()], *n)),
    )?;
    w.family(
        &own::API_RETRIES,
        stats
            .retries
            .iter()
            .map(|((endpoint, reason), n)| ([*endpoint, reason.label()], *n)),
    )?;
    // Only once the gateway answered: a zero would read as "quota spent".
    if let Some(remaining) = stats.ratelimit_remaining {
        w.single(&own::API_RATELIMIT_REMAINING, remaining)?;
    }
    w.single(&own::SIGNIN_ATTEMPTS, stats.signin_attempts)?;
    w.family(
        &own::SIGNIN_FAILURES,
        stats
            .signin_failures
            .iter()
            .map(|(reason, n)| ([reason.label()], *n)),
    )?;
    w.single(
        &own::SIGNIN_CONSECUTIVE_FAILURES,
        stats.signin_consecutive_failures,
    )?;
    // Only once a token exists: a zero would read as "expired in 1970".
    if let Some(at) = stats.token_expiry {
        w.single(&own::TOKEN_EXPIRY, unix(at))?;
    }
    if let Some(method) = stats.auth_method {
        w.family(&own::AUTH_INFO, [([method.label()], 1u64)])?;
    }
    Ok(())
}

/// What a scrape writes once, whatever the number of tenants: the process-wide state and the
/// process's figures.
pub(crate) fn write_global(
    w: &mut Writer,
    global: &dyn Fn(&mut Writer) -> fmt::Result,
    process: Option<&ProcessStats>,
) -> fmt::Result {
    w.info(&own::BUILD_INFO, [VERSION, REVISION, RUSTC_VERSION])?;
    global(w)?;
    process::write(w, process)
}
