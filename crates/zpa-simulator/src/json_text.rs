//! JSON written straight into strings: generation builds every object this way instead of
//! through `serde_json::Value` trees, which would dominate start-up time for large tenants.

use std::fmt::{Display, Write as _};

/// Appends `s` as a JSON string literal. Copies runs of plain text at once: this is the
/// hottest function of tenant generation.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        // Only ASCII bytes get here, so `i` is a char boundary.
        out.push_str(&s[plain..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// A JSON object written straight into a string; generation uses it instead of building
/// `serde_json::Value` trees, which would dominate start-up time for large tenants.
pub struct Obj {
    buf: String,
}

impl Default for Obj {
    fn default() -> Self {
        Self::new()
    }
}

impl Obj {
    pub fn new() -> Obj {
        Obj::with_capacity(256)
    }

    pub fn with_capacity(bytes: usize) -> Obj {
        let mut buf = String::with_capacity(bytes);
        buf.push('{');
        Obj { buf }
    }

    fn key(&mut self, k: &str) {
        if self.buf.len() > 1 {
            self.buf.push(',');
        }
        push_json_str(&mut self.buf, k);
        self.buf.push(':');
    }

    /// A string value.
    pub fn s(&mut self, k: &str, v: &str) -> &mut Obj {
        self.key(k);
        push_json_str(&mut self.buf, v);
        self
    }

    /// A number sent as a JSON string, the mgmtconfig way.
    pub fn ns(&mut self, k: &str, v: impl Display) -> &mut Obj {
        self.key(k);
        let _ = write!(self.buf, "\"{v}\"");
        self
    }

    /// A real JSON number (userconfig).
    pub fn n(&mut self, k: &str, v: impl Display) -> &mut Obj {
        self.key(k);
        let _ = write!(self.buf, "{v}");
        self
    }

    pub fn b(&mut self, k: &str, v: bool) -> &mut Obj {
        self.key(k);
        self.buf.push_str(if v { "true" } else { "false" });
        self
    }

    pub fn null(&mut self, k: &str) -> &mut Obj {
        self.key(k);
        self.buf.push_str("null");
        self
    }

    /// Pre-rendered JSON (a nested object or array).
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Obj {
        self.key(k);
        self.buf.push_str(json);
        self
    }

    pub fn strs<S: AsRef<str>>(&mut self, k: &str, items: &[S]) -> &mut Obj {
        self.key(k);
        self.buf.push('[');
        for (i, s) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            push_json_str(&mut self.buf, s.as_ref());
        }
        self.buf.push(']');
        self
    }

    pub fn done(&mut self) -> String {
        let mut buf = std::mem::take(&mut self.buf);
        buf.push('}');
        buf
    }
}

/// A JSON array of pre-rendered elements.
pub fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    let mut out =
        String::with_capacity(items.iter().map(|s| s.as_ref().len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(s.as_ref());
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut o = Obj::new();
        let tricky = "a \"q\" \\ 東京 \n\u{1}";
        o.s("name", tricky).ns("n", 5).b("ok", true);
        let v: Value = serde_json::from_str(&o.done()).unwrap();
        assert_eq!(v, json!({"name": tricky, "n": "5", "ok": true}));
    }
}
