//! Reads samples out of a `/metrics` body for assertions: a line is parsed into its name, its
//! label pairs and its value, so a wanted label matches its own pair exactly (`group="a"` is
//! not found inside `segment_group="a"`, nor inside another label's quoted value).

/// One sample line: name, label pairs (values unescaped), value.
#[derive(Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    /// The labels as written, `{…}` included; empty without labels.
    pub label_text: String,
    pub value: f64,
}

impl Sample {
    /// Every wanted pair is one of the sample's pairs.
    pub fn has_labels(&self, wanted: &[(&str, &str)]) -> bool {
        wanted
            .iter()
            .all(|(k, v)| self.labels.iter().any(|(lk, lv)| lk == k && lv == v))
    }
}

/// The sample on `line`, or None for comments, blank lines and lines that do not parse
/// (`name{k="v",…} value [timestamp]`, text or OpenMetrics exposition).
pub fn parse_sample(line: &str) -> Option<Sample> {
    if line.starts_with('#') {
        return None;
    }
    let name_end = line.find(['{', ' '])?;
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        rest = after_brace;
        loop {
            rest = rest.trim_start_matches([',', ' ']);
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after_key) = rest.split_once("=\"")?;
            let mut value = String::new();
            let mut chars = after_key.char_indices();
            let end = loop {
                match chars.next()? {
                    (i, '"') => break i,
                    (_, '\\') => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        other => value.push(other),
                    },
                    (_, c) => value.push(c),
                }
            };
            labels.push((key.trim().to_string(), value));
            rest = &after_key[end + 1..];
        }
    }
    let label_text = line[name_end..line.len() - rest.len()].to_string();
    let value = rest.split_whitespace().next()?.parse().ok()?;
    Some(Sample {
        name: name.to_string(),
        labels,
        label_text,
        value,
    })
}
