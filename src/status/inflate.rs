//! Bounded zlib inflation: never more output than the caller asks for.
//!
//! A status list arrives DEFLATE-compressed (zlib format), and DEFLATE
//! reaches ratios above 1000:1: a few kilobytes can claim gigabytes. So the
//! output is produced in fixed-size chunks into a stack buffer and handed
//! to the caller, and inflation stops the moment `limit` bytes have come
//! out. Nothing is allocated from what the stream claims.

use flate2::{Decompress, FlushDecompress, Status};

use crate::error::{Error, Result};

/// Size of the stack buffer output is inflated into.
const CHUNK: usize = 16 * 1024;

/// How far bounded inflation went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inflation {
    /// Bytes of output produced (never more than the limit).
    pub(crate) produced: usize,
    /// Whether the zlib stream ended (at or before the limit).
    pub(crate) ended: bool,
    /// Input bytes consumed.
    pub(crate) consumed: usize,
}

/// Inflates the zlib stream `input`, handing every chunk of output to
/// `sink`, until the stream ends or `limit` bytes have been produced.
///
/// Refused with `status_list_malformed`: input that is not a zlib stream
/// (bad header, bad block, bad checksum when the end is reached) and input
/// that stops before the stream ends and before `limit` is reached.
pub(crate) fn inflate_bounded(
    input: &[u8],
    limit: usize,
    mut sink: impl FnMut(&[u8]),
) -> Result<Inflation> {
    let mut decompress = Decompress::new(true);
    let mut buffer = [0u8; CHUNK];
    let mut produced = 0usize;
    loop {
        let consumed = to_usize(decompress.total_in());
        if produced >= limit {
            return Ok(Inflation {
                produced,
                ended: false,
                consumed,
            });
        }
        let want = CHUNK.min(limit.saturating_sub(produced));
        let rest = input.get(consumed..).unwrap_or_default();
        let out = buffer.get_mut(..want).unwrap_or_default();
        let before_out = decompress.total_out();
        let status = decompress
            .decompress(rest, out, FlushDecompress::None)
            .map_err(|e| Error::StatusListMalformed(format!("lst is not a zlib stream: {e}")))?;
        let made = to_usize(decompress.total_out().saturating_sub(before_out));
        sink(buffer.get(..made).unwrap_or_default());
        produced = produced.saturating_add(made);
        let now_consumed = to_usize(decompress.total_in());
        match status {
            Status::StreamEnd => {
                return Ok(Inflation {
                    produced,
                    ended: true,
                    consumed: now_consumed,
                });
            }
            Status::Ok | Status::BufError => {
                if made == 0 && now_consumed == consumed {
                    return Err(Error::StatusListMalformed(format!(
                        "lst is truncated: the zlib stream stops after {produced} bytes of output"
                    )));
                }
            }
        }
    }
}

/// Converts a byte count of flate2 (a `u64` that never exceeds the lengths
/// of the slices given to it) to `usize`.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn stops_at_the_limit() {
        let compressed = zlib(&vec![7u8; 1_000_000]);
        let mut seen = 0usize;
        let r = inflate_bounded(&compressed, 100_001, |c| seen += c.len()).unwrap();
        assert_eq!((r.produced, r.ended, seen), (100_001, false, 100_001));
        let r = inflate_bounded(&compressed, 2_000_000, |_| {}).unwrap();
        assert_eq!(
            (r.produced, r.ended, r.consumed),
            (1_000_000, true, compressed.len())
        );
    }

    #[test]
    fn refuses_garbage_and_truncation() {
        let code = |input: &[u8]| inflate_bounded(input, 1 << 20, |_| {}).unwrap_err().code();
        assert_eq!(code(b"not zlib"), "status_list_malformed");
        assert_eq!(code(&[]), "status_list_malformed");
        let compressed = zlib(&(0..=255u8).cycle().take(100_000).collect::<Vec<_>>());
        assert_eq!(
            code(compressed.get(..compressed.len() / 2).unwrap()),
            "status_list_malformed"
        );
    }
}
