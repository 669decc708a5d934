//! The families that change between two snapshots, written on every scrape: `zpa_up` (data
//! turns stale with time), the ZPA client's counters (how it signs in and what is left of the
//! OneAPI gateway's quota among them), and the process's own figures.

use std::fmt;
use std::time::SystemTime;

use zpa_api::stats::Stats;

use super::descriptors as d;
use super::families::{unix, Writer};
use super::process::{self, ProcessStats};
use crate::snapshot::Snapshot;

/// Everything a scrape writes fresh.
pub fn write(
    w: &mut Writer,
    snapshot: &Snapshot,
    stats: &Stats,
    process: Option<&ProcessStats>,
    now: SystemTime,
) -> fmt::Result {
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
    process::write(w, process)
}
