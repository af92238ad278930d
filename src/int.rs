//! Integer conversions for counts and lengths, so that no `as` cast can
//! truncate silently (the crate denies `clippy::as_conversions`).

/// A length or count as `u64`. `usize` is at most 64 bits on every target
/// the crate builds for; were it wider, the value saturates, which every
/// caller treats as "too large".
pub(crate) fn u64_from_usize(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_convert_exactly() {
        assert_eq!(u64_from_usize(0), 0);
        assert_eq!(u64_from_usize(16 * 1024 * 1024), 16_777_216);
        assert_eq!(
            u64_from_usize(usize::MAX),
            u64::try_from(usize::MAX).unwrap()
        );
    }
}
