//! One LSS line → the fields the metrics use, or why it is rejected.
//!
//! Every log type's fields live in one borrowed struct ([`Fields`]): a line is parsed once,
//! whatever its type, and its type is then told from which keys it carried ([`detect`]) when
//! the listener was not named. Only the fields used are declared, so serde skips the rest of a
//! 2 KB User Activity record without building anything. Custom templates are the norm, so
//! every field is optional, numbers are accepted as JSON numbers or strings (`%d` vs `%j`),
//! empty strings stand for unset values, and the key spellings that drift between Zscaler's
//! documents are aliases (lss-formats §7).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use super::LogType;

/// Why a line was not counted as a record (`reason` of `zpa_lss_records_rejected_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
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
    pub const ALL: [Reject; 6] = [
        Reject::InvalidJson,
        Reject::LineTooLong,
        Reject::NotJson,
        Reject::Binary,
        Reject::UnknownType,
        Reject::TlsOnPlain,
    ];

    /// The `reason` label value.
    pub fn label(self) -> &'static str {
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
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The fields of every log type the metrics read. `None`: absent, `null`, or (for numbers) an
/// empty string.
#[derive(Debug, Default, Deserialize)]
#[allow(non_snake_case)] // The keys as ZPA spells them.
pub struct Fields<'a> {
    // User Activity.
    #[serde(borrow, default)]
    pub ConnectionStatus: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub InternalReason: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub Application: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub AppGroup: Option<Text<'a>>,
    #[serde(borrow, default, alias = "AppMicrotenantID")]
    pub AppMicroTenantID: Option<Text<'a>>,
    #[serde(default)]
    pub ServerSetupTime: Option<Num>,
    #[serde(default)]
    pub PolicyProcessingTime: Option<Num>,
    #[serde(default)]
    pub ZENBytesRxClient: Option<Num>,
    #[serde(default)]
    pub ZENBytesTxClient: Option<Num>,
    #[serde(default)]
    pub ZENBytesRxConnector: Option<Num>,
    #[serde(default)]
    pub ZENBytesTxConnector: Option<Num>,
    // Shared by several types.
    #[serde(borrow, default)]
    pub Connector: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub MicroTenantID: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub SessionStatus: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub SessionType: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub Version: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub Platform: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub TimestampAuthentication: Option<Text<'a>>,
    // User Status.
    #[serde(borrow, default)]
    pub ClientType: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub PosturesHit: Option<List<'a>>,
    #[serde(borrow, default, alias = "PosturesMisses")]
    pub PosturesMiss: Option<List<'a>>,
    // App Connector Status, PSE Status.
    #[serde(borrow, default)]
    pub ConnectorGroup: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub ServiceEdge: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub ServiceEdgeGroup: Option<Text<'a>>,
    // App Connector Metrics, PSE Metrics.
    #[serde(borrow, default)]
    pub PrivateSE: Option<Text<'a>>,
    #[serde(default)]
    pub CPUUtilization: Option<Num>,
    #[serde(default)]
    pub SystemMemoryUtilization: Option<Num>,
    #[serde(default)]
    pub ProcessMemoryUtilization: Option<Num>,
    #[serde(default)]
    pub TargetCount: Option<Num>,
    #[serde(default)]
    pub AliveTargetCount: Option<Num>,
    #[serde(default)]
    pub ActiveConnectionsToPublicSE: Option<Num>,
    #[serde(default)]
    pub DisconnectedConnectionsToPublicSE: Option<Num>,
    #[serde(default)]
    pub ActiveConnectionsToPrivateSE: Option<Num>,
    #[serde(default)]
    pub DisconnectedConnectionsToPrivateSE: Option<Num>,
    #[serde(default)]
    pub AppConnectionsCreated: Option<Num>,
    #[serde(default)]
    pub AppConnectionsCleared: Option<Num>,
    #[serde(default)]
    pub AppConnectionsActive: Option<Num>,
    #[serde(default)]
    pub UsedTCPPortsIPv4: Option<Num>,
    #[serde(default)]
    pub UsedUDPPortsIPv4: Option<Num>,
    #[serde(default)]
    pub UsedTCPPortsIPv6: Option<Num>,
    #[serde(default)]
    pub UsedUDPPortsIPv6: Option<Num>,
    #[serde(default)]
    pub AvailablePorts: Option<Num>,
    #[serde(default)]
    pub SystemMaximumFileDescriptors: Option<Num>,
    #[serde(default)]
    pub SystemUsedFileDescriptors: Option<Num>,
    #[serde(default)]
    pub ProcessMaximumFileDescriptors: Option<Num>,
    #[serde(default)]
    pub ProcessUsedFileDescriptors: Option<Num>,
    #[serde(default)]
    pub AvailableDiskBytes: Option<Num>,
}

/// Parses one line (without its newline) into fields, or says why it is not a record.
pub fn parse(line: &[u8]) -> Result<Fields<'_>, Reject> {
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => serde_json::from_slice(line).map_err(|_| Reject::InvalidJson),
        _ if looks_binary(line) => Err(Reject::Binary),
        _ => Err(Reject::NotJson),
    }
}

/// Control characters other than tab, CR and form feed, or bytes that are not UTF-8: no
/// template renders those.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | 0x0c)) || b == 0x7f)
        || std::str::from_utf8(bytes).is_err()
}

/// The first bytes of a TLS handshake record (ContentType 22, version 3.x).
pub fn looks_like_tls(first: &[u8]) -> bool {
    first.len() >= 2 && first[0] == 0x16 && first[1] == 0x03
}

/// The log type a record's keys say it is: each type has a key no other of the six has.
pub fn detect(f: &Fields<'_>) -> Option<LogType> {
    if f.ConnectionStatus.is_some() {
        Some(LogType::UserActivity)
    } else if f.PrivateSE.is_some() {
        Some(LogType::ServiceEdgeMetrics)
    } else if f.ServiceEdge.is_some() || f.ServiceEdgeGroup.is_some() {
        Some(LogType::ServiceEdgeStatus)
    } else if f.ConnectorGroup.is_some()
        || f.SessionType.as_ref().map(Text::as_str) == Some("ZPN_ASSISTANT_BROKER_CONTROL")
    {
        Some(LogType::AppConnectorStatus)
    } else if f.Connector.is_some()
        && (f.AppConnectionsCreated.is_some()
            || f.SystemMemoryUtilization.is_some()
            || f.AvailableDiskBytes.is_some())
    {
        Some(LogType::AppConnectorMetrics)
    } else if f.ClientType.is_some() || f.PosturesHit.is_some() || f.PosturesMiss.is_some() {
        Some(LogType::UserStatus)
    } else {
        None
    }
}

/// A string field, borrowed from the line when it has no escapes. A number where a string was
/// expected (an id rendered with `%d`) is kept as its digits; an array or object is ignored
/// (empty), as a custom template may put a list where the default has text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
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
pub struct Num(Option<f64>);

impl Num {
    pub fn get(self) -> Option<f64> {
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
pub struct List<'a>(pub Vec<Text<'a>>);

impl<'a> List<'a> {
    pub fn items(&self) -> impl Iterator<Item = &str> {
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

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
