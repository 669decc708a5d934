//! The value parsers every flag module shares: whole numbers, durations (humantime, bounded
//! by [`MAX_DURATION`]), refresh intervals, rate limits and clouds. Each returns clap's error
//! text, so a bad value is one line naming the flag.

use std::time::Duration;

use zpa_api::cloud::{Cloud, OneApiCloud};
use zpa_api::ratelimit::RateLimit;

pub(crate) fn parse_at_least_one(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{value:?} is not a whole number")),
    }
}

pub(crate) fn parse_cloud(value: &str) -> Result<Cloud, String> {
    value.parse()
}

pub(crate) fn parse_oneapi_cloud(value: &str) -> Result<OneApiCloud, String> {
    value.parse()
}

pub(crate) fn parse_rate_limit(value: &str) -> Result<RateLimit, String> {
    let limit: RateLimit = value.parse()?;
    within_bounds(
        limit.period,
        &humantime::format_duration(limit.period).to_string(),
    )?;
    Ok(limit)
}

/// The longest duration any flag takes. Far beyond any sensible interval or timeout, and far
/// below where adding it to a clock reading could overflow.
pub(super) const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The one check every duration flag shares: at most [`MAX_DURATION`]. `shown` is the value as
/// the user wrote it.
fn within_bounds(d: Duration, shown: &str) -> Result<Duration, String> {
    if d > MAX_DURATION {
        return Err(format!(
            "{} is above the maximum of {}",
            shown.trim(),
            humantime::format_duration(MAX_DURATION)
        ));
    }
    Ok(d)
}

/// A duration flag's value: humantime, at least `min`, at most [`MAX_DURATION`].
fn parse_duration(value: &str, min: Duration) -> Result<Duration, String> {
    let d = humantime::parse_duration(value.trim())
        .map_err(|e| format!("{value:?} is not a duration ({e}); use e.g. 60s, 5m"))?;
    if d < min {
        return Err(if min == Duration::from_nanos(1) {
            "must be above zero".into()
        } else {
            format!(
                "{} is below the minimum of {}",
                value.trim(),
                humantime::format_duration(min)
            )
        });
    }
    within_bounds(d, value)
}

pub(crate) fn parse_positive_duration(value: &str) -> Result<Duration, String> {
    parse_duration(value, Duration::from_nanos(1))
}

/// A refresh interval: a duration of at least one second.
pub(crate) fn parse_interval(value: &str) -> Result<Duration, String> {
    parse_duration(value, Duration::from_secs(1))
}
