//! The ZPA list envelope and the tolerant number parsing its quirks call for.
//!
//! mgmtconfig sends every number as a JSON string (`"totalPages":"3"`), userconfig sends real
//! numbers, `list` is left out of empty pages, and `totalCount` cannot be trusted. Ids can exceed
//! 2^53, so nothing here ever goes through `f64` on the way to an integer.

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;

/// One page of a list endpoint.
#[derive(Debug)]
pub struct Page<T> {
    /// `totalPages`, when the page said.
    pub total_pages: Option<u64>,
    /// The page's objects (none when `list` was left out).
    pub items: Vec<T>,
}

#[derive(Deserialize)]
struct RawPage<T> {
    #[serde(rename = "totalPages", default, deserialize_with = "opt_u64")]
    total_pages: Option<u64>,
    #[serde(default = "Option::default")]
    list: Option<Vec<T>>,
}

/// Parses a page body. A bare JSON array (some endpoints answer that way) is one complete page.
/// Invalid UTF-8 (one mangled name) is replaced, not fatal: the other objects still count.
pub fn parse_page<T: DeserializeOwned>(body: &[u8]) -> Result<Page<T>, serde_json::Error> {
    if std::str::from_utf8(body).is_err() {
        let repaired = String::from_utf8_lossy(body);
        return parse_page(repaired.as_bytes());
    }
    let trimmed = body.iter().position(|b| !b.is_ascii_whitespace());
    if trimmed.is_some_and(|i| body[i] == b'[') {
        let items: Vec<T> = serde_json::from_slice(body)?;
        return Ok(Page {
            total_pages: Some(1),
            items,
        });
    }
    let raw: RawPage<T> = serde_json::from_slice(body)?;
    Ok(Page {
        total_pages: raw.total_pages,
        items: raw.list.unwrap_or_default(),
    })
}

/// Accepts `"42"`, `42`, `null` or an absent field.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<NumOrStr>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrStr::Num(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("{n} is not a whole non-negative number"))),
        Some(NumOrStr::Str(s)) if s.trim().is_empty() => Ok(None),
        Some(NumOrStr::Str(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("{s:?} is not a whole non-negative number"))),
    }
}

/// Accepts an id or other identifier sent as a string or as a (possibly > 2^53) number, and
/// keeps it as the exact decimal text.
pub fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match NumOrStr::deserialize(d)? {
        NumOrStr::Num(n) => Ok(n.to_string()),
        NumOrStr::Str(s) => Ok(s),
    }
}

/// Like [`id_string`] for optional fields.
pub fn opt_id_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<NumOrStr>::deserialize(d)?.map(|v| match v {
        NumOrStr::Num(n) => n.to_string(),
        NumOrStr::Str(s) => s,
    }))
}

/// Booleans ZPA sends as `true`, `"true"`, `"1"`/`"0"` or `"TRUE"`/`"FALSE"`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrStr {
        Bool(bool),
        Str(String),
        Num(serde_json::Number),
    }
    match Option::<BoolOrStr>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrStr::Bool(b)) => Ok(Some(b)),
        Some(BoolOrStr::Num(n)) => Ok(Some(n.as_u64() != Some(0))),
        Some(BoolOrStr::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            "" => Ok(None),
            other => Err(de::Error::custom(format!("{other:?} is not a boolean"))),
        },
    }
}

/// serde_json with `arbitrary_precision` off still keeps u64/i64 exact in `Number`.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Num(serde_json::Number),
    Str(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(deserialize_with = "id_string")]
        id: String,
    }

    #[test]
    fn string_numbers_and_missing_list() {
        let p: Page<Item> = parse_page(
            br#"{"totalPages":"3","totalCount":"0","list":[{"id":"216196257331404639"}]}"#,
        )
        .unwrap();
        assert_eq!(p.total_pages, Some(3));
        assert_eq!(p.items[0].id, "216196257331404639");

        let empty: Page<Item> = parse_page(br#"{"totalPages":"0","totalCount":"0"}"#).unwrap();
        assert_eq!(empty.total_pages, Some(0));
        assert!(empty.items.is_empty());

        let no_pages: Page<Item> = parse_page(br#"{"list":[]}"#).unwrap();
        assert_eq!(no_pages.total_pages, None);
    }

    #[test]
    fn real_numbers_keep_big_ids_exact() {
        let p: Page<Item> = parse_page(
            br#"{"totalPages":72,"totalCount":1424,"list":[{"id":216196257331285825}]}"#,
        )
        .unwrap();
        assert_eq!(p.total_pages, Some(72));
        assert_eq!(p.items[0].id, "216196257331285825", "no f64 rounding");
    }

    #[test]
    fn bare_arrays_are_one_page() {
        let p: Page<Item> = parse_page(br#" [{"id":"1"},{"id":"2"}]"#).unwrap();
        assert_eq!(p.total_pages, Some(1));
        assert_eq!(p.items.len(), 2);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let mut body = br#"{"totalPages":"1","list":[{"id":"1"},{"id":"2"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#""}]}"#);
        let p: Page<Item> = parse_page(&body).unwrap();
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[1].id, "2\u{fffd}\u{fffd}");
    }

    #[test]
    fn bad_numbers_are_errors_not_panics() {
        assert!(parse_page::<Item>(br#"{"totalPages":"many"}"#).is_err());
        assert!(parse_page::<Item>(br#"{"totalPages":-1}"#).is_err());
        assert!(parse_page::<Item>(br#"{"totalPages":"1","list":[{"id":"1"}"#).is_err());
    }
}
