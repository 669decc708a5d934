//! The pieces every log type's record is read with: the field types that tolerate what LSS
//! templates render ([`Text`], [`Num`], [`List`]), the `lss_record!` macro that declares a log
//! type's record struct, why a line is not a record ([`Reject`]), and the cheap
//! checks made before parsing (binary, TLS).
//!
//! Custom templates are the norm, so every field is optional, numbers are accepted as JSON
//! numbers or strings (`%d` vs `%j`), empty strings stand for unset values, and the key
//! spellings that drift between Zscaler's documents are aliases (lss-formats §7). A record
//! struct declares the fields its log type reads and the other keys of its default templates;
//! serde skips the values of those without building anything, and a key the struct does not
//! know at all is counted, so a record of another log type on a typed listener can be told
//! apart without a second parse of every normal record.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

/// Why a line was not counted as a record (`reason` of `zpa_lss_records_rejected_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reject {
    /// Starts like a JSON object but does not parse as one.
    InvalidJson,
    /// Longer than `--lss.max-line-bytes`.
    LineTooLong,
    /// Text that is not JSON: a CSV or TSV template, a syslog line.
    NotJson,
    /// Control bytes or invalid UTF-8: not a log stream at all.
    Binary,
    /// A JSON object of no known log type on a listener without a named type.
    UnknownType,
    /// A TLS ClientHello on a plain listener (the sender has TLS on, the receiver off).
    TlsOnPlain,
}

impl Reject {
    /// Every reason, in label order.
    pub(crate) const ALL: [Reject; 6] = [
        Reject::InvalidJson,
        Reject::LineTooLong,
        Reject::NotJson,
        Reject::Binary,
        Reject::UnknownType,
        Reject::TlsOnPlain,
    ];

    /// The `reason` label value.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Reject::InvalidJson => "invalid_json",
            Reject::LineTooLong => "line_too_long",
            Reject::NotJson => "not_json",
            Reject::Binary => "binary",
            Reject::UnknownType => "unknown_type",
            Reject::TlsOnPlain => "tls_on_plain",
        }
    }

    /// Its index in [`Reject::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Parses one line (without its newline) as a `T`, or says why it is not a record.
pub(crate) fn parse<'a, T: Deserialize<'a>>(line: &'a [u8]) -> Result<T, Reject> {
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => serde_json::from_slice(line).map_err(|_| Reject::InvalidJson),
        _ if looks_binary(line) => Err(Reject::Binary),
        _ => Err(Reject::NotJson),
    }
}

/// Control characters other than tab, CR and form feed, or bytes that are not UTF-8: no
/// template renders those.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | 0x0c)) || b == 0x7f)
        || std::str::from_utf8(bytes).is_err()
}

/// The first bytes of a TLS handshake record (ContentType 22, version 3.x).
pub(crate) fn looks_like_tls(first: &[u8]) -> bool {
    first.len() >= 2 && first[0] == 0x16 && first[1] == 0x03
}

/// A string field, borrowed from the line when it has no escapes. A number where a string was
/// expected (an id rendered with `%d`) is kept as its digits; an array or object is ignored
/// (empty), as a custom template may put a list where the default has text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text::default())
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A number sent as a JSON number (`%d`, `%f`) or string (`%j`). An empty or non-numeric
/// string is treated as absent by [`Num::get`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num(Option<f64>);

impl Num {
    pub(crate) fn get(self) -> Option<f64> {
        self.0.filter(|v| v.is_finite())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a string holding one")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                Ok(Num(Some(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Num, E> {
                Ok(Num(v.trim().parse().ok()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Num, E> {
                Ok(Num(Some(f64::from(u8::from(v)))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Num, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Num, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list field: a JSON array of strings (the current default template) or one comma-joined
/// string (older records). Empty items are dropped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct List<'a>(pub Vec<Text<'a>>);

impl<'a> List<'a> {
    pub(crate) fn items(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .flat_map(|t| t.as_str().split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for List<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = List<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of strings or a comma-separated string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<List<'de>, E> {
                Ok(List(vec![Text(Cow::Borrowed(v))]))
            }
            fn visit_str<E>(self, v: &str) -> Result<List<'de>, E> {
                Ok(List(vec![Text(Cow::Owned(v.to_owned()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Text<'de>>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// Declares a log type's record struct: an `Option` field for every key it reads (`|` adds a
/// drifting spelling), then the other keys of its templates after `ignored:`. The generated
/// `Deserialize` matches each key once and skips a value it does not read without building it.
///
/// Written by hand because serde's derive can note unknown keys only by buffering every value
/// (`#[serde(flatten)]`), which would cost more than the parse itself.
macro_rules! lss_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<$lt:lifetime> {
            $( $field:ident $(| $alias:literal)* : $ty:ty ),+ $(,)?
        }
        ignored: [ $( $known:literal ),* $(,)? ]
    ) => {
        $(#[$meta])*
        #[allow(non_snake_case)] // The keys as ZPA spells them.
        #[derive(Debug, Default)]
        pub(crate) struct $name<$lt> {
            $( pub(crate) $field: Option<$ty>, )+
            /// Keys that are neither a field nor a known template key.
            pub(crate) unknown_keys: u32,
            _line: std::marker::PhantomData<&$lt ()>,
        }

        impl<'de: $lt, $lt> serde::Deserialize<'de> for $name<$lt> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct RecordVisitor<$lt>(std::marker::PhantomData<&$lt ()>);
                impl<'de: $lt, $lt> serde::de::Visitor<'de> for RecordVisitor<$lt> {
                    type Value = $name<$lt>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("an LSS record (a JSON object)")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut record = $name::default();
                        while let Some(key) = map.next_key::<$crate::lss::fields::Text<'de>>()? {
                            match key.as_str() {
                                $( stringify!($field) $(| $alias)* => {
                                    record.$field = map.next_value()?;
                                } )+
                                $( $known )|* => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                                _ => {
                                    record.unknown_keys += 1;
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(record)
                    }
                }
                d.deserialize_map(RecordVisitor(std::marker::PhantomData))
            }
        }
    };
}
pub(crate) use lss_record;

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
