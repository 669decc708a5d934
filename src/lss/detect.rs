//! Which log type a line is, when its listener does not say: its top-level keys are read (the
//! values skipped unbuilt, except the few a telltale compares), then each registered type's
//! [`Telltale`](super::log_types::Telltale) is tried in its detection order.

use std::fmt;
use std::sync::LazyLock;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::fields::{parse, Reject, Text};
use super::log_types::{LogTypeSpec, ALL};

/// The top-level keys of one record, and the values a telltale compares.
#[derive(Debug, Default)]
struct Keys<'a> {
    names: Vec<Text<'a>>,
    /// (key, value) of the string values some telltale compares.
    values: Vec<(Text<'a>, Text<'a>)>,
}

impl Keys<'_> {
    fn has(&self, key: &str) -> bool {
        self.names.iter().any(|k| k.as_str() == key)
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether some telltale compares the value of `key`.
fn compared(key: &str) -> bool {
    ALL.iter()
        .any(|spec| spec.telltale.values.iter().any(|(k, _)| *k == key))
}

impl<'de: 'a, 'a> Deserialize<'de> for Keys<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an LSS record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys<'de>, A::Error> {
                let mut keys = Keys::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    if compared(key.as_str()) {
                        let value: Option<Text<'de>> = map.next_value()?;
                        keys.values.push((key.clone(), value.unwrap_or_default()));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    keys.names.push(key);
                }
                Ok(keys)
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}

/// The registered log type `line` is, told from its keys; why it is not a record otherwise
/// (`unknown_type` for a JSON object of no known type).
pub(crate) fn detect(line: &[u8]) -> Result<&'static LogTypeSpec, Reject> {
    static IN_ORDER: LazyLock<Vec<&'static LogTypeSpec>> = LazyLock::new(|| {
        let mut specs: Vec<_> = ALL.iter().collect();
        specs.sort_by_key(|s| s.detect_order);
        specs
    });
    let keys: Keys<'_> = parse(line)?;
    IN_ORDER
        .iter()
        .copied()
        .find(|s| s.telltale.matches(|k| keys.has(k), |k| keys.value(k)))
        .ok_or(Reject::UnknownType)
}
