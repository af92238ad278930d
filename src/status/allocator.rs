//! Handing out status-list indexes that reveal nothing about issuance order.
//!
//! Consecutive indexes would tell a verifier who saw two documents which was
//! issued first and roughly how many came between, and would let the list's
//! publisher's watchers link revocations to issuance dates. So every index
//! is drawn uniformly at random among the indexes not yet used, from an
//! injected RNG (seeded for reproducible vectors, the system RNG otherwise).
//!
//! Drawing is rejection sampling over the whole list (a few tries while the
//! list is mostly free), then an exact rank selection among the free
//! indexes, using per-block counts, when tries keep hitting used indexes.
//! Both are uniform over the free indexes; allocation never loops forever.

use crate::int::u64_from_usize;
use rand_core::CryptoRng;

use crate::error::{Error, Result};
use crate::status::list::{MAX_LIST_BYTES, StatusList};
use crate::status::value::{StatusBits, StatusValue};

/// Random tries before falling back to rank selection.
const TRIES: u32 = 16;
/// Indexes per bitmap word.
const WORD_BITS: u64 = 64;
/// Words per counting block (4096 indexes).
const BLOCK_WORDS: usize = 64;

/// Which indexes of a fixed-size list are used, and random allocation of
/// unused ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexAllocator {
    size: u64,
    words: Vec<u64>,
    block_used: Vec<u32>,
    used: u64,
}

impl IndexAllocator {
    /// An allocator for a list of `size` entries, all unused.
    ///
    /// Refused with `invalid_argument` when `size` is 0 and with
    /// `status_list_too_large` above `MAX_LIST_BYTES * 8` entries.
    pub fn new(size: u64) -> Result<IndexAllocator> {
        if size == 0 {
            return Err(Error::InvalidArgument(
                "a status list needs at least one entry".into(),
            ));
        }
        if size > u64_from_usize(MAX_LIST_BYTES).saturating_mul(8) {
            return Err(Error::StatusListTooLarge(format!(
                "{size} entries; the limit is {}",
                u64_from_usize(MAX_LIST_BYTES).saturating_mul(8)
            )));
        }
        let words = usize::try_from(size.div_ceil(WORD_BITS))
            .map_err(|_| Error::StatusListTooLarge(format!("{size} entries")))?;
        Ok(IndexAllocator {
            size,
            words: vec![0; words],
            block_used: vec![0; words.div_ceil(BLOCK_WORDS)],
            used: 0,
        })
    }

    /// Number of indexes, used or not.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Number of used indexes.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Number of unused indexes.
    pub fn free(&self) -> u64 {
        self.size.saturating_sub(self.used)
    }

    /// Whether `index` is used (false past the end).
    pub fn is_used(&self, index: u64) -> bool {
        let Some((word, bit)) = self.slot(index) else {
            return false;
        };
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    /// Marks `index` used; returns whether it was unused before.
    /// `status_index_out_of_range` past the end.
    pub fn mark_used(&mut self, index: u64) -> Result<bool> {
        let (word, bit) = self.slot(index).ok_or_else(|| {
            Error::StatusIndexOutOfRange(format!("index {index} in a list of {}", self.size))
        })?;
        let Some(w) = self.words.get_mut(word) else {
            return Err(Error::StatusIndexOutOfRange(format!("index {index}")));
        };
        if *w & bit != 0 {
            return Ok(false);
        }
        *w |= bit;
        if let Some(count) = self.block_used.get_mut(word / BLOCK_WORDS) {
            *count = count.saturating_add(1);
        }
        self.used = self.used.saturating_add(1);
        Ok(true)
    }

    /// Draws an unused index uniformly at random from `rng` and marks it
    /// used. `status_list_full` when every index is used.
    pub fn allocate<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<u64> {
        let free = self.free();
        if free == 0 {
            return Err(Error::StatusListFull(format!(
                "all {} indexes are used",
                self.size
            )));
        }
        for _ in 0..TRIES {
            let candidate = uniform_below(rng, self.size);
            if self.mark_used(candidate)? {
                return Ok(candidate);
            }
        }
        let rank = uniform_below(rng, free);
        let index = self.nth_free(rank).ok_or_else(|| {
            Error::StatusListFull(format!("no free index of rank {rank} among {free}"))
        })?;
        self.mark_used(index)?;
        Ok(index)
    }

    /// The used indexes as a one-bit status list (1 = used), for storing.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "w * 64 + bit stays below size, and bits - 1 runs only while bits != 0"
    )]
    pub fn to_status_list(&self) -> Result<StatusList> {
        let mut list = StatusList::new(StatusBits::One, self.size)?;
        for (w, word) in self.words.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let bit = u64::from(bits.trailing_zeros());
                list.set(u64_from_usize(w) * WORD_BITS + bit, StatusValue::Invalid)?;
                bits &= bits - 1;
            }
        }
        Ok(list)
    }

    /// An allocator of `size` indexes whose used ones are the non-zero
    /// entries of `list` (as written by [`IndexAllocator::to_status_list`]).
    /// Entries at or past `size` must be zero (`invalid_argument`).
    pub fn from_status_list(list: &StatusList, size: u64) -> Result<IndexAllocator> {
        let mut allocator = IndexAllocator::new(size)?;
        for (index, status) in list.iter().enumerate() {
            if status == StatusValue::Valid {
                continue;
            }
            let index = u64_from_usize(index);
            if index >= size {
                return Err(Error::InvalidArgument(format!(
                    "index {index} is marked used in a list of {size}"
                )));
            }
            allocator.mark_used(index)?;
        }
        Ok(allocator)
    }

    fn slot(&self, index: u64) -> Option<(usize, u64)> {
        if index >= self.size {
            return None;
        }
        let word = usize::try_from(index / WORD_BITS).ok()?;
        Some((word, 1u64 << (index % WORD_BITS)))
    }

    /// The unused index of rank `rank` (0-based), in index order.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "offsets stay below size (at most 2^27 entries) and counts below their block's capacity"
    )]
    fn nth_free(&self, mut rank: u64) -> Option<u64> {
        for (b, used) in self.block_used.iter().enumerate() {
            let first = u64_from_usize(b) * u64_from_usize(BLOCK_WORDS) * WORD_BITS;
            let capacity =
                (u64_from_usize(BLOCK_WORDS) * WORD_BITS).min(self.size.saturating_sub(first));
            let free = capacity - u64::from(*used);
            if rank >= free {
                rank -= free;
                continue;
            }
            for w in b * BLOCK_WORDS..((b + 1) * BLOCK_WORDS).min(self.words.len()) {
                let base = u64_from_usize(w) * WORD_BITS;
                let valid = self.size.saturating_sub(base).min(WORD_BITS);
                let mask = if valid == WORD_BITS {
                    u64::MAX
                } else {
                    (1u64 << valid) - 1
                };
                let mut unused = !self.words.get(w)? & mask;
                let count = u64::from(unused.count_ones());
                if rank >= count {
                    rank -= count;
                    continue;
                }
                for _ in 0..rank {
                    unused &= unused - 1;
                }
                return Some(base + u64::from(unused.trailing_zeros()));
            }
            return None;
        }
        None
    }
}

/// A uniform value in `0..bound` (`bound` > 0), by rejection sampling.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "callers pass bound > 0 (a non-empty list, a non-zero free count)"
)]
fn uniform_below<R: CryptoRng + ?Sized>(rng: &mut R, bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let r = rng.next_u64();
        if r < zone {
            return r % bound;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn hands_out_every_index_once_then_refuses() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for size in [1u64, 63, 64, 65, 5000] {
            let mut allocator = IndexAllocator::new(size).unwrap();
            let mut seen = vec![false; size as usize];
            for _ in 0..size {
                let index = allocator.allocate(&mut rng).unwrap();
                assert!(!std::mem::replace(&mut seen[index as usize], true));
            }
            assert_eq!(allocator.free(), 0);
            assert_eq!(
                allocator.allocate(&mut rng).unwrap_err().code(),
                "status_list_full"
            );
        }
    }

    #[test]
    fn indexes_are_not_in_issuance_order() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let mut allocator = IndexAllocator::new(1_000_000).unwrap();
        let first: Vec<u64> = (0..100)
            .map(|_| allocator.allocate(&mut rng).unwrap())
            .collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_ne!(first, sorted);
        assert!(first.iter().any(|i| *i > 500_000));
    }

    #[test]
    fn rank_selection_finds_the_free_ones() {
        let mut allocator = IndexAllocator::new(10_000).unwrap();
        for i in (0..10_000).filter(|i| i % 7 != 3) {
            allocator.mark_used(i).unwrap();
        }
        let free: Vec<u64> = (0..allocator.free())
            .map(|r| allocator.nth_free(r).unwrap())
            .collect();
        assert_eq!(free, (0..10_000).filter(|i| i % 7 == 3).collect::<Vec<_>>());
        assert_eq!(allocator.nth_free(allocator.free()), None);
    }

    #[test]
    fn stores_as_a_one_bit_list() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let mut allocator = IndexAllocator::new(1000).unwrap();
        for _ in 0..300 {
            allocator.allocate(&mut rng).unwrap();
        }
        let list = allocator.to_status_list().unwrap();
        assert_eq!(
            IndexAllocator::from_status_list(&list, 1000).unwrap(),
            allocator
        );
        assert_eq!(
            IndexAllocator::new(0).unwrap_err().code(),
            "invalid_argument"
        );
        assert_eq!(
            allocator.mark_used(1000).unwrap_err().code(),
            "status_index_out_of_range"
        );
    }
}
