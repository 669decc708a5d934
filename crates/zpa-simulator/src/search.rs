//! The `search` query parameter of ZPA's list endpoints (zpa-api.md §2): `<field> <OP> <value>`,
//! clauses joined with `AND`, the separators spaces or `+` (Zscaler's SDKs send
//! `name+EQ+<value>`, the plus signs URL-encoded; the Go SDK sends spaces). Operators: `EQ`,
//! `NE`, `LIKE` (contains), `GT`, `LT`, `GTEQ`, `LTEQ`. SCIM endpoints take a plain string
//! instead ([`Filter::name_contains`]).
//!
//! What is the simulator's choice where zpa-api.md records nothing: text compares without
//! regard to case (the SDKs' by-name lookups re-check names that way); `GT`/`LT`/… compare
//! numbers, or durations such as ZPA's `04d 19h 46m 45s` against `15d`; a field is looked up
//! at the top level, then in a nested `config` (log receivers keep their name there), and
//! dotted paths (`config.sourceLogType`) name nested fields; an array field matches when an
//! element does; a field an object lacks matches only `NE`. A string that is not a filter
//! (no operator, an operator ZPA does not have, no value) is refused: the help pages say only
//! `fieldName operator fieldValue` forms are supported.

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Like,
    Gt,
    Lt,
    GtEq,
    LtEq,
}

impl Op {
    fn parse(token: &str) -> Option<Op> {
        Some(match token {
            "EQ" => Op::Eq,
            "NE" => Op::Ne,
            "LIKE" => Op::Like,
            "GT" => Op::Gt,
            "LT" => Op::Lt,
            "GTEQ" => Op::GtEq,
            "LTEQ" => Op::LtEq,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
enum Clause {
    Compare {
        field: String,
        op: Op,
        value: String,
    },
    /// SCIM's plain search string: the name contains it.
    NameContains(String),
}

/// A parsed `search`: every clause must hold.
#[derive(Clone, Debug)]
pub struct Filter {
    clauses: Vec<Clause>,
}

/// Why a search string was refused; says what ZPA accepts, without echoing the input.
pub const SYNTAX: &str =
    "search must be <field> <operator> <value> [AND …] with EQ, NE, LIKE, GT, LT, GTEQ or LTEQ";

impl Filter {
    /// Parses a mgmtconfig `search`; `Ok(None)` for an empty one, which filters nothing.
    pub fn parse(search: &str) -> Result<Option<Filter>, &'static str> {
        let tokens = tokens(search);
        if tokens.is_empty() {
            return Ok(None);
        }
        let text = |t: (usize, usize)| &search[t.0..t.1];
        let mut clauses = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let (Some(&field), Some(op)) = (tokens.get(i), tokens.get(i + 1)) else {
                return Err(SYNTAX);
            };
            let op = Op::parse(text(*op)).ok_or(SYNTAX)?;
            // The value runs to an `AND` that starts another `<field> <OP>` clause.
            let first = i + 2;
            let mut end = first;
            while end < tokens.len() {
                let next_clause = text(tokens[end]) == "AND"
                    && tokens
                        .get(end + 2)
                        .is_some_and(|t| Op::parse(text(*t)).is_some());
                if next_clause {
                    break;
                }
                end += 1;
            }
            if end == first {
                return Err(SYNTAX);
            }
            let value = &search[tokens[first].0..tokens[end - 1].1];
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            clauses.push(Clause::Compare {
                field: text(field).to_string(),
                op,
                value: value.to_string(),
            });
            i = end + 1;
        }
        Ok(Some(Filter { clauses }))
    }

    /// SCIM's plain string; `None` for an empty one.
    pub fn name_contains(search: &str) -> Option<Filter> {
        let text = search.trim();
        (!text.is_empty()).then(|| Filter {
            clauses: vec![Clause::NameContains(text.to_string())],
        })
    }

    /// Whether a stored object (its JSON text) passes.
    pub fn matches_json(&self, json: &str) -> bool {
        serde_json::from_str::<Value>(json).is_ok_and(|v| self.matches(&v))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.clauses.iter().all(|c| match c {
            Clause::NameContains(text) => obj
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| contains_folded(name, text)),
            Clause::Compare { field, op, value } => match lookup(obj, field) {
                None => *op == Op::Ne,
                Some(Value::Array(items)) => {
                    let any = items.iter().any(|v| compare(v, Op::Eq, value));
                    match op {
                        Op::Ne => !any,
                        Op::Eq => any,
                        _ => items.iter().any(|v| compare(v, *op, value)),
                    }
                }
                Some(v) => compare(v, *op, value),
            },
        })
    }
}

/// Spans of the words between spaces and plus signs.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c == ' ' || c == '+' {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

fn lookup<'a>(obj: &'a Value, field: &str) -> Option<&'a Value> {
    let dotted = || {
        field
            .split('.')
            .try_fold(obj, |v, part| v.get(part))
            .filter(|_| field.contains('.'))
    };
    obj.get(field)
        .or_else(|| obj.get("config").and_then(|c| c.get(field)))
        .or_else(dotted)
        .filter(|v| !v.is_null())
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn contains_folded(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn compare(v: &Value, op: Op, wanted: &str) -> bool {
    let Some(have) = text_of(v) else {
        return op == Op::Ne;
    };
    let ordering = || {
        if let (Ok(a), Ok(b)) = (have.trim().parse::<f64>(), wanted.trim().parse::<f64>()) {
            return a.partial_cmp(&b);
        }
        duration_secs(&have)
            .zip(duration_secs(wanted))
            .map(|(a, b)| a.cmp(&b))
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        Op::Eq => have.to_lowercase() == wanted.to_lowercase(),
        Op::Ne => have.to_lowercase() != wanted.to_lowercase(),
        Op::Like => contains_folded(&have, wanted),
        Op::Gt => ordering() == Some(Greater),
        Op::Lt => ordering() == Some(Less),
        Op::GtEq => matches!(ordering(), Some(Greater | Equal)),
        Op::LtEq => matches!(ordering(), Some(Less | Equal)),
    }
}

/// `04d 19h 46m 45s`, `15d`, `17h 32m 50s` → seconds; `None` for anything else.
fn duration_secs(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut digits = String::new();
    let mut any = false;
    for c in s.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            'd' | 'h' | 'm' | 's' if !digits.is_empty() => {
                let n: u64 = digits.parse().ok()?;
                let unit = match c {
                    'd' => 86_400,
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
                digits.clear();
                any = true;
            }
            ' ' if digits.is_empty() => {}
            _ => return None,
        }
    }
    (any && digits.is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hits(search: &str, obj: &Value) -> bool {
        Filter::parse(search).unwrap().unwrap().matches(obj)
    }

    #[test]
    fn both_separators_and_values_with_spaces() {
        let o = json!({"name": "Service Edge", "enabled": true});
        assert!(
            hits("name+EQ+Service Edge", &o),
            "as the Python SDK sends it"
        );
        assert!(hits("name EQ Service Edge", &o), "as the Go SDK sends it");
        assert!(hits("name EQ service edge", &o), "case does not matter");
        assert!(!hits("name EQ Service", &o));
        assert!(hits("name LIKE edge", &o));
        assert!(hits("enabled EQ true", &o));
        assert!(hits("name EQ \"Service Edge\"", &o));
        let plus = json!({"name": "C++ tools"});
        assert!(
            hits("name+EQ+C++ tools", &plus),
            "a value keeps its own plus signs"
        );
    }

    #[test]
    fn clauses_numbers_durations_arrays_and_nesting() {
        let c = json!({
            "controlChannelStatus": "ZPN_STATUS_DISCONNECTED",
            "lastBrokerDisconnectTimeDuration": "19d 04h 02m 10s",
            "usageCount": "19",
            "domainNames": ["a.example.com", "b.example.com"],
            "config": {"name": "Splunk", "sourceLogType": "zpn_trans_log"}
        });
        assert!(hits(
            "controlChannelStatus EQ ZPN_STATUS_DISCONNECTED AND lastBrokerDisconnectTimeDuration GT 15d",
            &c
        ));
        assert!(!hits("lastBrokerDisconnectTimeDuration LT 150h", &c));
        assert!(hits("usageCount GTEQ 19 AND usageCount LT 20", &c));
        assert!(hits("domainNames EQ b.example.com", &c));
        assert!(!hits("domainNames NE b.example.com", &c));
        assert!(
            hits("name EQ splunk", &c),
            "a log receiver's name is in its config"
        );
        assert!(hits("config.sourceLogType EQ zpn_trans_log", &c));
        assert!(hits("missing NE x", &c) && !hits("missing EQ x", &c));
        let and = json!({"name": "Splunk AND co"});
        assert!(hits("name EQ Splunk AND co", &and), "AND inside a value");
        assert!(
            !hits("name EQ Splunk AND name LIKE co", &and),
            "AND between clauses"
        );
        assert!(hits("name LIKE splunk AND name LIKE co", &and));
    }

    #[test]
    fn what_is_not_a_filter_is_refused() {
        for bad in [
            "Engineering",
            "name",
            "name EQ",
            "name CONTAINS x",
            "name eq x",
            "EQ x",
        ] {
            assert_eq!(Filter::parse(bad).unwrap_err(), SYNTAX, "{bad:?}");
        }
        assert!(Filter::parse("  ").unwrap().is_none());
        assert!(Filter::parse("+").unwrap().is_none());
    }

    #[test]
    fn scim_takes_a_plain_string() {
        let f = Filter::name_contains("eng").unwrap();
        assert!(f.matches(&json!({"name": "Engineering"})));
        assert!(!f.matches(&json!({"name": "Finance"})));
        assert!(Filter::name_contains(" ").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(
            duration_secs("04d 19h 46m 45s"),
            Some(4 * 86_400 + 19 * 3600 + 46 * 60 + 45)
        );
        assert_eq!(
            duration_secs("249d 19h 18m "),
            Some(249 * 86_400 + 19 * 3600 + 18 * 60)
        );
        assert_eq!(duration_secs("15d"), Some(15 * 86_400));
        assert_eq!(duration_secs("15"), None);
        assert_eq!(duration_secs("ZPN"), None);
    }
}
