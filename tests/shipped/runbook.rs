//! The runbook's headings as GitHub anchors them, and its sections by alert.

use std::collections::{BTreeMap, BTreeSet};

use super::{read, root};

pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Runbook sections by anchor: the text under each `## ` heading.
pub fn runbook_sections() -> BTreeMap<String, String> {
    let text = read(&root().join("docs/runbook.md"));
    let mut sections = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((a, body)) = current.take() {
                sections.insert(a, body);
            }
            current = Some((anchor(heading), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((a, body)) = current {
        sections.insert(a, body);
    }
    sections
}

/// The GitHub anchor of every heading of a Markdown text; a repeated heading gets `-1`, `-2`, …
/// as on GitHub. Lines in fenced code blocks are not headings.
pub fn heading_anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if in_code || !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let a = anchor(&line[hashes..]);
        let n = seen.entry(a.clone()).or_insert(0);
        out.insert(if *n == 0 {
            a.clone()
        } else {
            format!("{a}-{n}")
        });
        *n += 1;
    }
    out
}

/// `(target, fragment)` of every Markdown link `](target#fragment)` in a text.
pub fn links_with_fragments(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        if let Some((target, fragment)) = rest[..end].split_once('#') {
            out.push((target.to_string(), fragment.to_string()));
        }
        rest = &rest[end..];
    }
    out
}
