//! Encodings cut at family boundaries ([`split`]) and laid out family by family
//! ([`assemble`]): the text formats want every family's samples together under one
//! `# HELP`/`# TYPE`, so several tenants' encodings are joined family by family, the header
//! once, then each tenant's samples of it.

use std::collections::HashMap;

use bytes::Bytes;

/// One family's part of an encoding: its header lines and its samples, shared with the piece
/// they were cut from.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    name: Bytes,
    header: Bytes,
    samples: Bytes,
}

/// Cuts an encoding into its families (each begins with its `# HELP` line).
pub(crate) fn split(text: &Bytes) -> Vec<Segment> {
    let mut out = Vec::new();
    // The current family: its name, where its header starts, where its samples start.
    let mut current: Option<(Bytes, usize, usize)> = None;
    let mut pos = 0;
    while pos < text.len() {
        let end = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        if let Some(rest) = line.strip_prefix(b"# HELP ") {
            if let Some((name, header, samples)) = current.take() {
                out.push(Segment {
                    name,
                    header: text.slice(header..samples),
                    samples: text.slice(samples..pos),
                });
            }
            let name_len = rest
                .iter()
                .position(|&b| b == b' ' || b == b'\n')
                .unwrap_or(rest.len());
            current = Some((text.slice(pos + 7..pos + 7 + name_len), pos, end));
        } else if line.starts_with(b"#") {
            // TYPE and UNIT follow HELP before any sample.
            if let Some((_, _, samples)) = current.as_mut().filter(|c| c.2 == pos) {
                *samples = end;
            }
        }
        pos = end;
    }
    if let Some((name, header, samples)) = current {
        out.push(Segment {
            name,
            header: text.slice(header..samples),
            samples: text.slice(samples..),
        });
    }
    out
}

/// Lays out the tenants' segments family by family, in the order families first appear.
pub(super) fn assemble<'a>(tenants: impl IntoIterator<Item = &'a [Segment]>) -> Vec<Bytes> {
    let mut order: Vec<(Bytes, Vec<Bytes>)> = Vec::new();
    let mut index: HashMap<Bytes, usize> = HashMap::new();
    for segments in tenants {
        for s in segments {
            let i = *index.entry(s.name.clone()).or_insert_with(|| {
                order.push((s.header.clone(), Vec::new()));
                order.len() - 1
            });
            if !s.samples.is_empty() {
                order[i].1.push(s.samples.clone());
            }
        }
    }
    order
        .into_iter()
        .flat_map(|(header, samples)| std::iter::once(header).chain(samples))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pieces: &[Bytes]) -> String {
        pieces
            .iter()
            .map(|b| std::str::from_utf8(b).unwrap())
            .collect()
    }

    #[test]
    fn families_are_cut_at_their_help_lines_and_joined_under_one_header() {
        let a = Bytes::from_static(
            b"# HELP x X.\n# TYPE x gauge\nx{tenant=\"a\"} 1\n# HELP y Y.\n# TYPE y gauge\ny{tenant=\"a\"} 2\n",
        );
        let b = Bytes::from_static(
            b"# HELP y Y.\n# TYPE y gauge\ny{tenant=\"b\"} 3\n# HELP z Z.\n# TYPE z counter\n# UNIT z s\nz_total{tenant=\"b\"} 4\n",
        );
        let (sa, sb) = (split(&a), split(&b));
        assert_eq!(sa.len(), 2);
        assert_eq!(
            &sb[1].header[..],
            b"# HELP z Z.\n# TYPE z counter\n# UNIT z s\n"
        );
        assert_eq!(
            text(&assemble([sa.as_slice(), sb.as_slice()])),
            "# HELP x X.\n# TYPE x gauge\nx{tenant=\"a\"} 1\n\
             # HELP y Y.\n# TYPE y gauge\ny{tenant=\"a\"} 2\ny{tenant=\"b\"} 3\n\
             # HELP z Z.\n# TYPE z counter\n# UNIT z s\nz_total{tenant=\"b\"} 4\n"
        );
        // One tenant's pieces come back as they were.
        assert_eq!(
            text(&assemble([sa.as_slice()])),
            std::str::from_utf8(&a).unwrap()
        );
    }
}
