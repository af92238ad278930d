//! The acceptance policy from the command line: a named default
//! (`--policy`) and (issuing country, doc type) pairs, so that a verifier
//! of any country, or one accepting a new partner, needs no code change.

use clap::Args;
use docbridge::AcceptancePolicy;

use crate::ToolError;

/// Which documents a verifier accepts (beside whom it trusts).
#[derive(Args, Debug, Default)]
pub(crate) struct PolicyArgs {
    /// The base policy, any case: all (every document a trusted authority
    /// may issue), pl (the Polish default) or ua (the Ukrainian default).
    /// Default: all, or nothing but the --accept and --accept-country pairs
    /// when some are given.
    #[arg(long)]
    policy: Option<String>,
    /// Also accept this doc type from this issuing country, as
    /// `CC:docType`, e.g. `LT:org.iso.18013.5.1.mDL` (repeatable).
    #[arg(long = "accept", value_name = "CC:DOCTYPE")]
    accept: Vec<String>,
    /// Also accept every doc type from this issuing country, e.g. `LT`
    /// (repeatable).
    #[arg(long = "accept-country", value_name = "CC")]
    accept_country: Vec<String>,
}

impl PolicyArgs {
    /// The policy these arguments describe.
    pub(crate) fn policy(&self) -> Result<AcceptancePolicy, ToolError> {
        let pairs_given = !self.accept.is_empty() || !self.accept_country.is_empty();
        let mut policy = match self.policy.as_deref().map(str::to_ascii_lowercase) {
            None if pairs_given => AcceptancePolicy::none(),
            None => AcceptancePolicy::accept_all(),
            Some(name) => match name.as_str() {
                "all" => AcceptancePolicy::accept_all(),
                "pl" => AcceptancePolicy::polish_default(),
                "ua" => AcceptancePolicy::ukrainian_default(),
                _ => {
                    return Err(ToolError::invalid(format!(
                        "unknown policy {name:?}: all, pl or ua; for another country \
                         add --accept CC:docType or --accept-country CC"
                    )));
                }
            },
        };
        for pair in &self.accept {
            let (country, doc_type) = pair
                .split_once(':')
                .filter(|(_, doc_type)| !doc_type.is_empty())
                .ok_or_else(|| {
                    ToolError::invalid(format!(
                        "--accept {pair:?}: give COUNTRY:DOCTYPE, e.g. \
                         LT:org.iso.18013.5.1.mDL"
                    ))
                })?;
            policy = policy.accept(&country_code(country)?, doc_type);
        }
        for country in &self.accept_country {
            policy = policy.accept_country(&country_code(country)?);
        }
        Ok(policy)
    }
}

/// An ISO 3166-1 alpha-2 code in the upper case certificates carry.
fn country_code(text: &str) -> Result<String, ToolError> {
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(ToolError::invalid(format!(
            "{text:?} is not an ISO 3166-1 alpha-2 country code (e.g. UA, PL, LT)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(policy: Option<&str>, accept: &[&str], countries: &[&str]) -> PolicyArgs {
        PolicyArgs {
            policy: policy.map(str::to_string),
            accept: accept.iter().map(|s| s.to_string()).collect(),
            accept_country: countries.iter().map(|s| s.to_string()).collect(),
        }
    }

    const MDL: &str = "org.iso.18013.5.1.mDL";

    #[test]
    fn pairs_alone_accept_only_themselves() {
        let policy = args(None, &["lt:org.iso.18013.5.1.mDL"], &["Lv"])
            .policy()
            .unwrap();
        assert!(policy.accepts("LT", MDL));
        assert!(!policy.accepts("LT", "org.iso.7367.1.mVRC"));
        assert!(policy.accepts("LV", "org.iso.7367.1.mVRC"));
        assert!(!policy.accepts("UA", MDL));
    }

    #[test]
    fn a_named_policy_is_case_insensitive_and_extended_by_pairs() {
        let policy = args(Some("PL"), &[], &["LT"]).policy().unwrap();
        assert!(policy.accepts("UA", MDL));
        assert!(policy.accepts("LT", MDL));
        assert!(!policy.accepts("LV", MDL));
        assert!(args(None, &[], &[]).policy().unwrap().accepts("LV", MDL));
    }

    #[test]
    fn malformed_pairs_are_refused() {
        assert!(args(Some("de"), &[], &[]).policy().is_err());
        assert!(args(None, &["LT"], &[]).policy().is_err());
        assert!(args(None, &["LT:"], &[]).policy().is_err());
        assert!(args(None, &["LTU:x"], &[]).policy().is_err());
        assert!(args(None, &[], &["1"]).policy().is_err());
    }
}
