//! The families that change between two snapshots, written on every scrape: per tenant,
//! `zpa_up` (data turns stale with time) and the ZPA client's counters (how it signs in and
//! what is left of the OneAPI gateway's quota among them); once per process, its own figures.

use std::fmt;
use std::time::SystemTime;

use zpa_api::stats::Stats;

use super::descriptors as d;
use super::families::{unix, Writer};
use super::process::{self, ProcessStats};
use crate::snapshot::Snapshot;

/// What a scrape writes fresh for one tenant.
pub fn write(w: &mut Writer, snapshot: &Snapshot, stats: &Stats, now: SystemTime) -> fmt::Result {
    w.single(&d::UP, snapshot.up(now))?;
    w.family(
        &d::API_REQUESTS,
        stats
            .requests
            .iter()
            .map(|((endpoint, outcome), n)| ([endpoint.to_string(), outcome.label()], *n)),
    )?;
    w.family(
        &d::API_RETRIES,
        stats
            .retries
            .iter()
            .map(|((endpoint, reason), n)| ([*endpoint, reason.label()], *n)),
    )?;
    // Only once the gateway answered: a zero would read as "quota spent".
    if let Some(remaining) = stats.ratelimit_remaining {
        w.single(&d::API_RATELIMIT_REMAINING, remaining)?;
    }
    w.single(&d::SIGNIN_ATTEMPTS, stats.signin_attempts)?;
    w.family(
        &d::SIGNIN_FAILURES,
        stats
            .signin_failures
            .iter()
            .map(|(reason, n)| ([reason.label()], *n)),
    )?;
    w.single(
        &d::SIGNIN_CONSECUTIVE_FAILURES,
        stats.signin_consecutive_failures,
    )?;
    // Only once a token exists: a zero would read as "expired in 1970".
    if let Some(at) = stats.token_expiry {
        w.single(&d::TOKEN_EXPIRY, unix(at))?;
    }
    if let Some(method) = stats.auth_method {
        w.family(&d::AUTH_INFO, [([method.label()], 1u64)])?;
    }
    Ok(())
}

/// What a scrape writes once, whatever the number of tenants: the process-wide state and the
/// process's figures.
pub fn write_global(
    w: &mut Writer,
    global: &dyn Fn(&mut Writer) -> fmt::Result,
    process: Option<&ProcessStats>,
) -> fmt::Result {
    super::families::write_global(w)?;
    global(w)?;
    process::write(w, process)
}
