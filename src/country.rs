//! ISO 3166-1 alpha-2 country codes: the one form in which certificates,
//! authorities, trust lists and data elements name a country, so that they
//! can be compared byte for byte.

/// Whether `code` is two upper-case ASCII letters (the alpha-2 form; not
/// checked against the list of assigned codes, which changes over time).
pub(crate) fn is_alpha2(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::is_alpha2;

    #[test]
    fn only_two_upper_case_letters() {
        assert!(is_alpha2("UA") && is_alpha2("PL"));
        for bad in ["", "U", "ua", "UKR", "U1", "ÜA"] {
            assert!(!is_alpha2(bad), "{bad:?}");
        }
    }
}
