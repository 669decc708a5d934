//! How record values become label values and numbers, the same way for every log type: an
//! empty, absent or `"0"` name is `none`; a microtenant id is replaced by its name when the API
//! knows it; statuses map to a closed set; times parse from ISO 8601.

use super::super::fields::{Num, Text};
use super::super::names::Names;

/// Sets `slot` when the record sent a value (a missing key leaves the last value standing).
pub(super) fn set(slot: &mut Option<f64>, value: Option<f64>) {
    if value.is_some() {
        *slot = value;
    }
}

/// The text of a field, `""` when absent.
pub(super) fn str_of<'f>(t: &'f Option<Text<'_>>) -> &'f str {
    t.as_ref().map_or("", Text::as_str)
}

/// The number of a field, when it holds one.
pub(super) fn num(v: Option<Num>) -> Option<f64> {
    v.and_then(Num::get)
}

/// A name label: `none` for empty, absent or `"0"` (unset ids render as `"0"`).
pub(super) fn name(value: &str) -> &str {
    match value.trim() {
        "" | "0" => "none",
        v => v,
    }
}

/// The microtenant name for an id: the API's name (`"0"` is Default there), else `none` for
/// no id, else the id.
pub(super) fn microtenant<'a>(names: &'a Names, id: &'a str) -> &'a str {
    let id = id.trim();
    names.microtenant(id).unwrap_or_else(|| name(id))
}

/// The (group, microtenant) of a machine (App Connector, Service Edge) by its name label:
/// `none` for no name, `unknown` when the API does not know it.
pub(super) fn machine<'n>(
    node_name: &str,
    lookup: impl FnOnce(&str) -> Option<(&'n str, &'n str)>,
) -> (&'n str, &'n str) {
    if node_name == "none" {
        return ("none", "none");
    }
    lookup(node_name).unwrap_or(("unknown", "unknown"))
}

/// `SessionStatus` as a closed set: authenticated, auth_failed, disconnected, other.
pub(super) fn session_status(raw: &str) -> &'static str {
    match raw.trim() {
        "ZPN_STATUS_AUTHENTICATED" => "authenticated",
        "ZPN_STATUS_AUTH_FAILED" => "auth_failed",
        "ZPN_STATUS_DISCONNECTED" => "disconnected",
        _ => "other",
    }
}

/// Unix seconds of `2019-06-27T05:05:23.348Z` (UTC; fraction optional), `None` for `""` or a
/// shape not that.
pub(crate) fn iso8601_seconds(value: &str) -> Option<f64> {
    let b = value.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(b.get(r)?).ok()?.parse().ok()
    };
    let (y, mo, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, s) = (n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut fraction = 0.0;
    if b.get(19) == Some(&b'.') {
        let digits: String = b[20..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .map(|&c| c as char)
            .collect();
        fraction = format!("0.{digits}").parse().unwrap_or(0.0);
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + s) as f64 + fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601() {
        assert_eq!(iso8601_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            iso8601_seconds("2024-06-12T23:54:04.735Z"),
            Some(1718236444.735)
        );
        assert_eq!(iso8601_seconds(""), None);
        assert_eq!(iso8601_seconds("yesterday"), None);
        assert_eq!(iso8601_seconds("Wed Jul 3 05:17:22 2019"), None);
    }

    #[test]
    fn names_and_statuses() {
        assert_eq!(name(" 0 "), "none");
        assert_eq!(name(""), "none");
        assert_eq!(name("App"), "App");
        assert_eq!(session_status("ZPN_STATUS_AUTH_FAILED"), "auth_failed");
        assert_eq!(session_status("ZPN_STATUS_NEW"), "other");
    }
}
