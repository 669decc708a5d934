//! Newline framing with a bound: a connection's buffer never holds more than one line of
//! `--lss.max-line-bytes` plus one read. A longer line is reported once and skipped up to its
//! newline without being kept.

use std::ops::Range;

use super::fields::looks_binary;

/// How much one read asks for.
pub(super) const READ_CHUNK: usize = 16 * 1024;

/// What the framer found in the bytes read; lines are ranges of [`Framer::line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Span {
    /// A complete line, without its `\n` (and `\r`); never blank.
    Line(Range<usize>),
    /// A line over the cap; `binary` when its first bytes are not text.
    TooLong { binary: bool },
}

/// A bounded line buffer.
#[derive(Debug)]
pub(super) struct Framer {
    buf: Vec<u8>,
    /// Bytes of `buf` that hold data.
    len: usize,
    /// Where the incomplete line starts, once [`Framer::filled`] has found the lines before.
    consumed: usize,
    max_line: usize,
    /// Inside a line over the cap: drop bytes up to its newline.
    skipping: bool,
}

impl Framer {
    pub(super) fn new(max_line: usize) -> Self {
        Framer {
            buf: Vec::new(),
            len: 0,
            consumed: 0,
            max_line,
            skipping: false,
        }
    }

    /// Room for the next read (grows the buffer, up to the cap plus one read).
    pub(super) fn spare(&mut self) -> &mut [u8] {
        self.compact();
        let want = self.len + READ_CHUNK;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        &mut self.buf[self.len..]
    }

    /// The bytes of a [`Span::Line`].
    pub(super) fn line(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Takes `n` bytes just read into [`Framer::spare`] and appends every complete line (and
    /// every line over the cap) to `spans`, in order. The lines stay readable until the next
    /// [`Framer::spare`].
    pub(super) fn filled(&mut self, n: usize, spans: &mut Vec<Span>) {
        let mut start = 0;
        let mut from = self.len;
        self.len += n;
        while let Some(pos) = memchr(b'\n', &self.buf[from..self.len]) {
            let end = from + pos;
            if self.skipping {
                self.skipping = false;
            } else if end - start > self.max_line {
                spans.push(Span::TooLong {
                    binary: looks_binary(&self.buf[start..start + 64.min(end - start)]),
                });
            } else {
                let mut line_end = end;
                if line_end > start && self.buf[line_end - 1] == b'\r' {
                    line_end -= 1;
                }
                if !self.buf[start..line_end]
                    .iter()
                    .all(u8::is_ascii_whitespace)
                {
                    spans.push(Span::Line(start..line_end));
                }
            }
            start = end + 1;
            from = start;
        }
        // The rest is an incomplete line.
        let rest = self.len - start;
        if self.skipping {
            start = self.len;
        } else if rest > self.max_line {
            spans.push(Span::TooLong {
                binary: looks_binary(&self.buf[start..start + 64.min(rest)]),
            });
            self.skipping = true;
            start = self.len;
        }
        self.consumed = start;
    }

    /// Moves the incomplete line to the front.
    fn compact(&mut self) {
        if self.consumed > 0 {
            self.buf.copy_within(self.consumed..self.len, 0);
            self.len -= self.consumed;
            self.consumed = 0;
        }
        // A buffer grown for one long line goes back to the usual size once it is consumed.
        if self.len == 0 && self.buf.len() > 4 * READ_CHUNK {
            self.buf = Vec::new();
        }
    }

    /// Whether part of a line is buffered.
    pub(super) fn partial(&self) -> bool {
        self.len > self.consumed || self.skipping
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(f: &mut Framer, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in bytes.chunks(7) {
            f.spare()[..chunk.len()].copy_from_slice(chunk);
            let mut spans = Vec::new();
            f.filled(chunk.len(), &mut spans);
            for span in spans {
                out.push(match span {
                    Span::Line(r) => String::from_utf8_lossy(f.line(r)).into_owned(),
                    Span::TooLong { binary } => format!("<too long, binary={binary}>"),
                })
            }
        }
        out
    }

    #[test]
    fn lines_across_reads_crlf_and_blank_lines() {
        let mut f = Framer::new(100);
        let out = feed(&mut f, b"{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\"");
        assert_eq!(out, ["{\"a\":1}", "{\"b\":2}"]);
        assert!(f.partial());
        assert_eq!(feed(&mut f, b":3}\n"), ["{\"c\":3}"]);
        assert!(!f.partial());
    }

    #[test]
    fn a_line_over_the_cap_is_reported_once_and_skipped() {
        let mut f = Framer::new(10);
        let long = [b'x'; 1000];
        let mut input = b"ok\n".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\nnext\n");
        assert_eq!(
            feed(&mut f, &input),
            ["ok", "<too long, binary=false>", "next"]
        );
        // Exactly at the cap is fine.
        assert_eq!(feed(&mut f, b"0123456789\n"), ["0123456789"]);
    }

    #[test]
    fn the_buffer_stays_bounded_without_newlines() {
        let mut f = Framer::new(1000);
        let mut reports = 0;
        for _ in 0..1000 {
            let n = f.spare().len();
            f.spare().fill(0);
            let mut spans = Vec::new();
            f.filled(n, &mut spans);
            reports += spans.len();
            assert!(f.buf.len() <= 1000 + 2 * READ_CHUNK);
        }
        assert_eq!(reports, 1, "one report for one endless line");
    }
}
