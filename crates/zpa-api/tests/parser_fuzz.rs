//! Property tests: whatever bytes ZPA (or something in between) sends, parsing never panics,
//! and well-formed pages round-trip whatever mix of string and number encodings they use.

use proptest::prelude::*;
use zpa_api::auth::parse_token_response;
use zpa_api::models::application::ApplicationSegment;
use zpa_api::models::connector::AppConnector;
use zpa_api::models::idp::IdentityProvider;
use zpa_api::paging::parse_page;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_page::<ApplicationSegment>(&body);
        let _ = parse_page::<AppConnector>(&body);
        let _ = parse_page::<IdentityProvider>(&body);
        let _ = parse_token_response(&body);
    }

    /// Truncating a valid page anywhere gives an error, never a panic or a silently short list.
    #[test]
    fn truncated_pages_are_errors(cut in 0usize..400) {
        let page = br#"{"totalPages":"2","totalCount":"3","list":[{"id":"216196257331404639","name":"a","enabled":true,"microtenantName":"Default"},{"id":"2","name":"b","enabled":"false"},{"id":3,"name":"c"}]}"#;
        let cut = cut.min(page.len() - 1);
        prop_assert!(parse_page::<ApplicationSegment>(&page[..cut]).is_err());
    }

    #[test]
    fn numbers_as_strings_or_numbers(total in 0u64..100_000, as_string in any::<bool>(), id in any::<u64>()) {
        let total_json = if as_string { format!("\"{total}\"") } else { total.to_string() };
        let id_json = if as_string { format!("\"{id}\"") } else { id.to_string() };
        let body = format!(r#"{{"totalPages":{total_json},"list":[{{"id":{id_json}}}]}}"#);
        let page = parse_page::<ApplicationSegment>(body.as_bytes()).unwrap();
        prop_assert_eq!(page.total_pages, Some(total));
        prop_assert_eq!(&page.items[0].id, &id.to_string());
    }

    /// JSON-ish garbage built from the envelope's own tokens reaches deeper parser paths.
    #[test]
    fn envelope_shaped_garbage_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\"totalPages\""),
        Just("\"list\""), Just("\"id\""), Just("\"enabled\""), Just("\"1\""), Just("1e400"), Just("-1"),
        Just("null"), Just("true"), Just("\"\\u0000\""), Just("18446744073709551616"),
    ], 0..64)) {
        let body = parts.concat();
        let _ = parse_page::<ApplicationSegment>(body.as_bytes());
        let _ = parse_page::<AppConnector>(body.as_bytes());
    }
}
