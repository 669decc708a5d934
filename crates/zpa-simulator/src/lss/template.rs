//! The default JSON templates of the LSS log types, copied verbatim from ZPA's
//! `lssConfig/logType/formats` answer (`templates/*.json.txt`), and a renderer for the part of
//! the template language they use. Rendering the real template text, rather than hand-building
//! JSON, keeps field order, spacing and value types (`%j` numbers as strings, `%d` bare) exactly
//! as a receiver sees them from ZPA.

use std::collections::HashMap;
use std::fmt::Write as _;

use zpa_api::lss::LogType;

use crate::store::push_json_str;

/// The default JSON template of `log_type`, verbatim from ZPA.
pub fn default_template(log_type: LogType) -> &'static str {
    match log_type {
        LogType::UserActivity => include_str!("templates/zpn_trans_log.json.txt"),
        LogType::UserStatus => include_str!("templates/zpn_auth_log.json.txt"),
        LogType::AppConnectorStatus => include_str!("templates/zpn_ast_auth_log.json.txt"),
        LogType::AppConnectorMetrics => {
            include_str!("templates/zpn_ast_comprehensive_stats.json.txt")
        }
        LogType::ServiceEdgeStatus => include_str!("templates/zpn_sys_auth_log.json.txt"),
        LogType::ServiceEdgeMetrics => {
            include_str!("templates/zpn_pbroker_comprehensive_stats.json.txt")
        }
        LogType::BrowserAccess => include_str!("templates/zpn_http_trans_log.json.txt"),
        LogType::AppProtection => include_str!("templates/zpn_waf_http_exchanges_log.json.txt"),
        LogType::Audit => include_str!("templates/zpn_audit_log.json.txt"),
        LogType::PrivateCloudControllerStatus => {
            include_str!("templates/zpn_sitec_auth_log.json.txt")
        }
        LogType::PrivateCloudControllerMetrics => {
            include_str!("templates/zpn_sitec_comprehensive_stats.json.txt")
        }
    }
}

/// One field's value before the template's spec decides how it is written.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    /// Microseconds since the Unix epoch; `None` renders as `""` (an unset time).
    Time(Option<u64>),
    List(Vec<String>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The values of one record, by template field name. Fields the template names but the record
/// lacks render as LSS renders unset fields: `""`, `0`, `0.000000`, `[]`.
pub type Fields = HashMap<&'static str, Value>;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Spec {
    /// `%j`: a JSON string, whatever the value.
    Json,
    /// `%d`: a bare integer.
    Int,
    /// `%f`: a bare number with six decimals.
    Float,
    /// `[%j(,){X}]`: the brackets are literal text; the items are JSON strings joined by `,`.
    JsonList,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Modifier {
    None,
    /// `:time`, ctime style `Thu Oct  7 10:40:00 2021` (UTC, day padded with a space).
    Ctime,
    /// `:iso8601`, `2017-09-05T09:44:06.363Z`.
    Iso8601,
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Field {
        spec: Spec,
        name: String,
        modifier: Modifier,
    },
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses template text. Panics on a spec it does not know: the templates are compiled in.
    pub fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut text_buf = String::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("\\n") {
                text_buf.push('\n');
                rest = after;
                continue;
            }
            let Some(after) = rest.strip_prefix('%') else {
                let c = rest.chars().next().unwrap_or_default();
                text_buf.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            };
            let (spec, after) = match after.as_bytes().first() {
                Some(b'j') if after.starts_with("j(,){") => (Spec::JsonList, &after[4..]),
                Some(b'j') => (Spec::Json, &after[1..]),
                Some(b'd') => (Spec::Int, &after[1..]),
                Some(b'f') => (Spec::Float, &after[1..]),
                _ => panic!("unknown template spec at {rest:.20}"),
            };
            let inner = after
                .strip_prefix('{')
                .and_then(|a| a.split_once('}'))
                .unwrap_or_else(|| panic!("unterminated field at {rest:.20}"));
            let (name, modifier) = match inner.0.split_once(':') {
                Some((name, "time")) => (name, Modifier::Ctime),
                Some((name, "iso8601")) => (name, Modifier::Iso8601),
                Some((_, m)) => panic!("unknown time modifier {m}"),
                None => (inner.0, Modifier::None),
            };
            if !text_buf.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text_buf)));
            }
            parts.push(Part::Field {
                spec,
                name: name.to_string(),
                modifier,
            });
            rest = inner.1;
        }
        if !text_buf.is_empty() {
            parts.push(Part::Text(text_buf));
        }
        Template { parts }
    }

    /// The field names in template order (the JSON keys may differ: `"ClientToClient": %j{c2c}`).
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field { name, .. } => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Renders one record, newline included.
    pub fn render(&self, fields: &Fields) -> String {
        let mut out = String::with_capacity(1024);
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field {
                    spec,
                    name,
                    modifier,
                } => render_field(&mut out, *spec, *modifier, fields.get(name.as_str())),
            }
        }
        out
    }
}

fn render_field(out: &mut String, spec: Spec, modifier: Modifier, value: Option<&Value>) {
    let text = match (modifier, value) {
        (Modifier::Ctime, Some(Value::Time(Some(us)))) => ctime(*us),
        (Modifier::Iso8601, Some(Value::Time(Some(us)))) => iso8601(*us),
        (Modifier::Ctime | Modifier::Iso8601, _) => String::new(),
        (Modifier::None, None) => String::new(),
        (Modifier::None, Some(v)) => match (spec, v) {
            (Spec::JsonList, Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_str(out, item);
                }
                return;
            }
            (_, Value::Str(s)) => s.clone(),
            (_, Value::Int(n)) => n.to_string(),
            (Spec::Float, Value::Float(f)) => format!("{f:.6}"),
            (_, Value::Float(f)) => format!("{f}"),
            (_, Value::List(items)) => items.join(","),
            (_, Value::Time(_)) => String::new(),
        },
    };
    match spec {
        Spec::Json => push_json_str(out, &text),
        Spec::JsonList if text.is_empty() => {}
        Spec::JsonList => push_json_str(out, &text),
        Spec::Int => {
            let n: i64 = text.parse().unwrap_or(0);
            let _ = write!(out, "{n}");
        }
        Spec::Float => {
            let f: f64 = text.parse().unwrap_or(0.0);
            let _ = write!(out, "{f:.6}");
        }
    }
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01: Howard Hinnant's
/// `civil_from_days`. Twelve lines of integer arithmetic do not justify a date crate.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn split(us: u64) -> (i64, u32, u32, u64, u64) {
    let secs = us / 1_000_000;
    let days = (secs / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, secs % 86_400, days as u64)
}

/// `Thu Oct  7 10:40:00 2021`: LSS's `:time`, UTC, the day padded with a space.
pub fn ctime(us: u64) -> String {
    let (y, m, d, sod, days) = split(us);
    format!(
        "{} {} {d:2} {:02}:{:02}:{:02} {y}",
        DAYS[(days % 7) as usize],
        MONTHS[m as usize - 1],
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// `2021-10-07T10:40:00.123Z`: LSS's `:iso8601`, milliseconds, UTC.
pub fn iso8601(us: u64) -> String {
    let (y, m, d, sod, _) = split(us);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        us / 1000 % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_template_parses_and_ends_in_the_newline_escape() {
        for t in LogType::ALL {
            let text = default_template(t);
            assert!(text.starts_with('{') && text.ends_with("}\\n"), "{t}");
            let parsed = Template::parse(text);
            assert!(parsed.field_names().count() >= 10, "{t}");
        }
    }

    #[test]
    fn times_render_like_the_samples() {
        // Thu Oct  7 10:40:00 2021 UTC, the App Connector Metrics sample.
        let us = 1_633_603_200_000_000;
        assert_eq!(ctime(us), "Thu Oct  7 10:40:00 2021");
        assert_eq!(iso8601(us + 363_000), "2021-10-07T10:40:00.363Z");
        // Leap day and a two-digit day.
        assert_eq!(ctime(951_782_400_000_000), "Tue Feb 29 00:00:00 2000");
        assert_eq!(ctime(1_718_236_444_000_000), "Wed Jun 12 23:54:04 2024");
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn specs_render_as_their_type_and_unset_values_as_lss_does() {
        let t = Template::parse(
            r#"{"A": %j{A:time},"B":%j{B},"C": %d{C},"D": %f{D},"E": [%j(,){E}],"F": %j{F:iso8601},"G": %j{G},"H": %d{H}}\n"#,
        );
        let mut f = Fields::new();
        f.insert("A", Value::Time(Some(1_633_603_200_000_000)));
        f.insert("B", Value::Int(42));
        f.insert("C", Value::Int(-7));
        f.insert("D", Value::Float(47.0));
        f.insert("E", Value::List(vec!["a".into(), "b\"c".into()]));
        f.insert("F", Value::Time(None));
        assert_eq!(
            t.render(&f),
            "{\"A\": \"Thu Oct  7 10:40:00 2021\",\"B\":\"42\",\"C\": -7,\"D\": 47.000000,\"E\": [\"a\",\"b\\\"c\"],\"F\": \"\",\"G\": \"\",\"H\": 0}\n"
        );
        assert_eq!(
            t.field_names().collect::<Vec<_>>(),
            ["A", "B", "C", "D", "E", "F", "G", "H"]
        );
        f.insert("E", Value::List(Vec::new()));
        assert!(t.render(&f).contains(r#""E": [],"#));
    }
}
