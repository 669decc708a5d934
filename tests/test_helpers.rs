//! The shared test helpers themselves: reading samples out of an exposition body matches labels
//! as exact pairs, so an assertion on one label cannot be satisfied by another.

mod common;

use common::{parse_sample, sample, samples, sum};

const BODY: &str = r#"# HELP zpa_segments Segments.
# TYPE zpa_segments gauge
zpa_segments{segment_group="a",group="b"} 1
zpa_segments{group="a"} 2
zpa_segments{name="x group=\"a\" y"} 4
zpa_segments{name="brace } and, comma",group="c"} 8
zpa_segments_total 16
zpa_up 1 1700000000000
"#;

#[test]
fn a_label_matches_its_own_pair_not_a_longer_name_or_a_value() {
    // `group="a"` appears as text in three lines; only one has the pair group="a".
    assert_eq!(samples(BODY, "zpa_segments", &[("group", "a")]).len(), 1);
    assert_eq!(sample(BODY, "zpa_segments", &[("group", "a")]), Some(2.0));
    assert_eq!(
        sample(BODY, "zpa_segments", &[("segment_group", "a")]),
        Some(1.0)
    );
    assert_eq!(sum(BODY, "zpa_segments", &[("group", "b")]), 1.0);
    // Every wanted pair must hold.
    assert_eq!(
        sample(
            BODY,
            "zpa_segments",
            &[("segment_group", "a"), ("group", "a")]
        ),
        None
    );
    // A value is compared whole and unescaped.
    assert_eq!(
        sample(BODY, "zpa_segments", &[("name", "x group=\"a\" y")]),
        Some(4.0)
    );
    assert_eq!(sample(BODY, "zpa_segments", &[("name", "x")]), None);
}

#[test]
fn names_are_exact_and_a_value_may_be_followed_by_a_timestamp() {
    assert_eq!(sum(BODY, "zpa_segments", &[]), 15.0);
    assert_eq!(sample(BODY, "zpa_segments_total", &[]), Some(16.0));
    assert_eq!(sample(BODY, "zpa_up", &[]), Some(1.0));
    assert_eq!(sample(BODY, "zpa", &[]), None);
}

#[test]
fn a_line_parses_into_name_pairs_and_value() {
    let s = parse_sample(r#"m{a="1",b="x\\y\"z\n",c="} ,"} -2.5"#).unwrap();
    assert_eq!(s.name, "m");
    assert_eq!(
        s.labels,
        [
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "x\\y\"z\n".to_string()),
            ("c".to_string(), "} ,".to_string()),
        ]
    );
    assert_eq!(s.label_text, r#"{a="1",b="x\\y\"z\n",c="} ,"}"#);
    assert_eq!(s.value, -2.5);
    assert!(parse_sample("m +Inf").unwrap().value.is_infinite());
    assert!(parse_sample("# TYPE m gauge").is_none());
    assert!(parse_sample("").is_none());
    assert!(parse_sample(r#"m{a="unterminated} 1"#).is_none());
}
