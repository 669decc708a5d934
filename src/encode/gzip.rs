//! gzip bodies assembled from pieces compressed at different times, as one gzip member.
//!
//! `/metrics` is mostly the snapshot (compressed once when it changes) plus a few lines that
//! change on every scrape (`zpa_up`, the client's counters, process metrics). Concatenating two
//! gzip files would be valid gzip, but curl, urllib3 and other clients stop after the first
//! member. Instead each piece is compressed as raw deflate ending in a sync flush (a byte-aligned,
//! non-final block), pieces are joined as they are, the scrape's own piece closes the stream with
//! a final block, and the gzip header and trailer (CRC-32 and length of the whole, combined from
//! the pieces' CRCs) frame it: one ordinary gzip member, built without recompressing the
//! snapshot. flate2 and crc32fast do the compression and checksums; only the framing is here,
//! because no crate joins deflate streams.

use std::io::Write;

use bytes::Bytes;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// gzip header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// A piece of a body, compressed so that more may follow.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    /// Raw deflate, ending in a sync flush.
    pub deflate: Bytes,
    crc: crc32fast::Hasher,
    len: u64,
}

impl Piece {
    pub(super) fn new(data: &[u8]) -> Piece {
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(data.len() / 4), Compression::fast());
        // Writing to a Vec cannot fail.
        encoder.write_all(data).expect("write to memory");
        encoder.flush().expect("flush to memory");
        // Taken before the encoder is dropped: dropping finishes the stream, and the final
        // block must come only from the last piece.
        let deflate = std::mem::take(encoder.get_mut());
        let mut crc = crc32fast::Hasher::new();
        crc.update(data);
        Piece {
            deflate: Bytes::from(deflate),
            crc,
            len: data.len() as u64,
        }
    }
}

/// A sequence of pieces, with the checksum of all of them.
#[derive(Debug, Clone)]
pub(super) struct Prefix {
    pieces: Vec<Bytes>,
    crc: crc32fast::Hasher,
    len: u64,
}

impl Prefix {
    pub(super) fn new<'a>(pieces: impl IntoIterator<Item = &'a Piece>) -> Prefix {
        let mut prefix = Prefix {
            pieces: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        for piece in pieces {
            prefix.pieces.push(piece.deflate.clone());
            prefix.crc.combine(&piece.crc);
            prefix.len += piece.len;
        }
        prefix
    }

    /// The whole gzip body: the header, the prefix's pieces, `tail` compressed with the final
    /// block, and the trailer. The prefix's pieces are shared, not copied.
    pub(super) fn finish(&self, tail: &[u8]) -> Vec<Bytes> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(tail).expect("write to memory");
        let last = encoder.finish().expect("finish in memory");
        let mut crc = self.crc.clone();
        let mut tail_crc = crc32fast::Hasher::new();
        tail_crc.update(tail);
        crc.combine(&tail_crc);
        let len = self.len + tail.len() as u64;
        let mut trailer = Vec::with_capacity(8);
        trailer.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE is the length modulo 2^32, as RFC 1952 says.
        trailer.extend_from_slice(&(len as u32).to_le_bytes());
        let mut body = Vec::with_capacity(self.pieces.len() + 3);
        body.push(Bytes::from_static(&HEADER));
        body.extend(self.pieces.iter().cloned());
        body.push(Bytes::from(last));
        body.push(Bytes::from(trailer));
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn joined(parts: &[Bytes]) -> Vec<u8> {
        parts.iter().flat_map(|b| b.iter().copied()).collect()
    }

    #[test]
    fn pieces_and_a_tail_make_one_gzip_member() {
        let a = "a".repeat(10_000) + "first\n";
        let b = "# HELP x y\nx{l=\"v\"} 1\n".repeat(500);
        let tail = "zpa_up 1\n# EOF\n";
        let prefix = Prefix::new(&[Piece::new(a.as_bytes()), Piece::new(b.as_bytes())]);
        let gz = joined(&prefix.finish(tail.as_bytes()));

        // A single-member decoder reads the whole body: it is one member, not several.
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, format!("{a}{b}{tail}"));
        assert!(
            gz.len() < out.len() / 5,
            "it compresses: {} of {}",
            gz.len(),
            out.len()
        );
    }

    #[test]
    fn an_empty_prefix_or_tail_is_fine() {
        for (pieces, tail) in [
            (vec![], "tail"),
            (vec![Piece::new(b"head")], ""),
            (vec![], ""),
        ] {
            let gz = joined(&Prefix::new(&pieces).finish(tail.as_bytes()));
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut out)
                .unwrap();
            let head: Vec<u8> = pieces.iter().flat_map(|_| b"head".to_vec()).collect();
            assert_eq!(out, [head, tail.as_bytes().to_vec()].concat());
        }
    }
}
