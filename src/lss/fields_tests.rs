//! The field types and the record macro against what LSS templates render: numbers as strings,
//! empty strings for unset values, escapes, lists in either form, unknown keys, broken lines.

use super::*;

lss_record! {
    /// A record of two fields, one with a drifting spelling.
    pub struct Sample<'a> {
        Name | "Nom": Text<'a>,
        Count: Num,
        Items: List<'a>,
    }
    ignored: ["LogTimestamp", "Customer"]
}

fn sample(line: &str) -> Sample<'_> {
    parse(line.as_bytes()).unwrap()
}

fn text<'t>(t: &'t Option<Text<'_>>) -> Option<&'t str> {
    t.as_ref().map(Text::as_str)
}

#[test]
fn numbers_as_strings_and_empty_strings_for_unset_values() {
    let f = sample(r#"{"Count":"1200","Name":145257480799129312,"Items":null}"#);
    assert_eq!(f.Count.and_then(Num::get), Some(1200.0));
    // An id sent with %d keeps its digits (no f64 rounding).
    assert_eq!(text(&f.Name), Some("145257480799129312"));
    assert!(f.Items.is_none());
    assert_eq!(sample(r#"{"Count":""}"#).Count.and_then(Num::get), None);
    assert_eq!(
        sample(r#"{"Count":" 42 "}"#).Count.and_then(Num::get),
        Some(42.0)
    );
    assert_eq!(sample(r#"{"Count":7}"#).Count.and_then(Num::get), Some(7.0));
}

#[test]
fn escapes_aliases_and_keys_known_or_not() {
    let f = sample(
        r#"{"Nom":"caf\u00e9 \"app\"","LogTimestamp":"x","New":{"a":[1,2]},"X":[1],"Customer":"c"}"#,
    );
    assert_eq!(text(&f.Name), Some("café \"app\""), "the drifting spelling");
    assert_eq!(
        f.unknown_keys, 2,
        "New and X; the template's own keys are known"
    );
}

#[test]
fn lists_as_arrays_or_joined_strings() {
    let arrays = sample(r#"{"Items":["a","b",""]}"#);
    assert_eq!(
        arrays.Items.unwrap().items().collect::<Vec<_>>(),
        ["a", "b"]
    );
    let joined = sample(r#"{"Items":"a, b,c"}"#);
    assert_eq!(
        joined.Items.unwrap().items().collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
}

#[test]
fn rejected_lines_by_reason() {
    let rejected = |line: &[u8]| parse::<Sample<'_>>(line).unwrap_err();
    // A CSV template line.
    let csv = b"2021-10-07 10:40:00 User Activity zpa-lss: \"ANZ\",\"SqyZ\",\"close\"";
    assert_eq!(rejected(csv), Reject::NotJson);
    assert_eq!(rejected(b"[1,2,3]"), Reject::NotJson);
    assert_eq!(rejected(b"{\"Name\": 1"), Reject::InvalidJson);
    assert_eq!(rejected(b"{\"Name\": \"a\"} trailing"), Reject::InvalidJson);
    assert_eq!(
        rejected(b"{\"Other\": [1, }"),
        Reject::InvalidJson,
        "even in a skipped value"
    );
    assert_eq!(rejected(b"\x00\x01\x02garbage"), Reject::Binary);
    assert_eq!(rejected(b"ab\xff\xfe"), Reject::Binary);
    assert!(looks_like_tls(b"\x16\x03\x01\x02\x00"));
    assert!(!looks_like_tls(b"{\"a\""));
}
