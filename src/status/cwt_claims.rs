//! The claims every token in CWT form carries beside its list: `sub` (the
//! list's URI), `iat`, `exp` and an optional `ttl`. A Status List Token and
//! an identifier list token write, read and check them alike; only the
//! list's claim differs.

use ciborium::value::Value;
use time::{Duration, OffsetDateTime};

use crate::cbor;
use crate::error::{Error, Result, excerpt};

/// CWT claim key of `sub`.
pub const CLAIM_SUB: i64 = 2;
/// CWT claim key of `exp`.
pub const CLAIM_EXP: i64 = 4;
/// CWT claim key of `iat`.
pub const CLAIM_IAT: i64 = 6;
/// CWT claim key of `ttl`.
pub const CLAIM_TTL: i64 = 65534;

/// `sub`, `iat`, `exp` and `ttl` of one token, borrowed from the token or
/// from the claims map it is read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommonClaims<'a> {
    /// `sub`: the URI of the list.
    pub(crate) uri: &'a str,
    /// `iat`: when the token was issued.
    pub(crate) issued_at: OffsetDateTime,
    /// `exp`: when the token stops being valid.
    pub(crate) expires_at: OffsetDateTime,
    /// `ttl`: how many seconds a consumer may cache the token, if said.
    pub(crate) ttl: Option<u64>,
}

impl<'a> CommonClaims<'a> {
    /// Refuses, with `invalid_argument`, claims a `what` ("status list
    /// token") cannot be made with: an empty URI, `exp` not after `iat`,
    /// or an `iat` before 1970 (a NumericDate cannot say it).
    pub(crate) fn check_new(self, what: &str) -> Result<()> {
        if self.uri.is_empty() {
            return Err(Error::InvalidArgument(format!("a {what} needs a URI")));
        }
        if self.expires_at <= self.issued_at {
            return Err(Error::InvalidArgument(format!(
                "a {what} must expire after it is issued"
            )));
        }
        if self.issued_at.unix_timestamp() < 0 {
            return Err(Error::InvalidArgument(format!(
                "a {what} cannot be issued before 1970"
            )));
        }
        Ok(())
    }

    /// The claims set as a CBOR map in the drafts' order: sub, iat, exp,
    /// ttl when said, then the list under `list_key`.
    pub(crate) fn to_claims_value(self, list_key: i64, list: Value) -> Value {
        let mut claims = vec![
            (Value::from(CLAIM_SUB), Value::Text(self.uri.to_string())),
            (
                Value::from(CLAIM_IAT),
                Value::from(self.issued_at.unix_timestamp()),
            ),
            (
                Value::from(CLAIM_EXP),
                Value::from(self.expires_at.unix_timestamp()),
            ),
        ];
        if let Some(ttl) = self.ttl {
            claims.push((Value::from(CLAIM_TTL), Value::from(ttl)));
        }
        claims.push((Value::from(list_key), list));
        Value::Map(claims)
    }

    /// Reads them from the claims `map` of a `what`: `invalid_structure`
    /// when `sub`, `iat` or `exp` is missing or of the wrong type, or `sub`
    /// is empty.
    pub(crate) fn read(map: &'a [(Value, Value)], what: &str) -> Result<CommonClaims<'a>> {
        let uri = cbor::as_text(claim(map, CLAIM_SUB, "sub", what)?, "sub")?;
        if uri.is_empty() {
            return Err(Error::InvalidStructure(format!("{what}: empty sub")));
        }
        Ok(CommonClaims {
            uri,
            issued_at: numeric_date(claim(map, CLAIM_IAT, "iat", what)?, "iat", what)?,
            expires_at: numeric_date(claim(map, CLAIM_EXP, "exp", what)?, "exp", what)?,
            ttl: find_claim(map, CLAIM_TTL)
                .map(|v| cbor::as_u64(v, "ttl"))
                .transpose()?,
        })
    }

    /// Checks `iat` and `exp` against `now`, widened by `clock_skew`:
    /// `status_token_not_yet_valid` when issued after `now`,
    /// `status_token_expired` at or after `exp`.
    pub(crate) fn check_time(self, now: OffsetDateTime, clock_skew: Duration) -> Result<()> {
        let skew = clock_skew.max(Duration::ZERO);
        if self.issued_at > now.saturating_add(skew) {
            return Err(Error::StatusTokenNotYetValid(format!(
                "{}: issued at {}, checked at {now}",
                excerpt(self.uri),
                self.issued_at
            )));
        }
        if now.saturating_sub(skew) >= self.expires_at {
            return Err(Error::StatusTokenExpired(format!(
                "{}: expired at {}, checked at {now}",
                excerpt(self.uri),
                self.expires_at
            )));
        }
        Ok(())
    }
}

/// The claim `key` of a claims map, if present.
pub(crate) fn find_claim(map: &[(Value, Value)], key: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(key)))
        .map(|(_, v)| v)
}

/// The claim `key` (named `name`) of a claims map of a `what`; missing is
/// `invalid_structure`.
pub(crate) fn claim<'a>(
    map: &'a [(Value, Value)],
    key: i64,
    name: &str,
    what: &str,
) -> Result<&'a Value> {
    find_claim(map, key)
        .ok_or_else(|| Error::InvalidStructure(format!("{what}: missing {name} ({key})")))
}

/// Reads a CWT NumericDate: an integer or a finite float of seconds since 1970.
pub(crate) fn numeric_date(value: &Value, name: &str, what: &str) -> Result<OffsetDateTime> {
    let bad = || Error::InvalidStructure(format!("{what}: {name} is not a date"));
    let seconds = match value {
        Value::Integer(i) => i64::try_from(*i).map_err(|_| bad())?,
        #[allow(
            clippy::as_conversions,
            clippy::cast_possible_truncation,
            reason = "a finite float below 1e15 in magnitude, floored, fits an i64 exactly"
        )]
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => f.floor() as i64,
        _ => return Err(bad()),
    };
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const AT: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);

    fn claims(uri: &str, ttl: Option<u64>) -> CommonClaims<'_> {
        CommonClaims {
            uri,
            issued_at: AT,
            expires_at: AT + Duration::days(1),
            ttl,
        }
    }

    fn code<T>(result: Result<T>) -> Option<&'static str> {
        result.err().map(|e| e.code())
    }

    #[test]
    fn refuses_what_a_token_cannot_be_made_with() {
        assert_eq!(
            code(claims("https://a.example/1", None).check_new("t")),
            None
        );
        let refused = claims("", None).check_new("status list token").unwrap_err();
        assert_eq!(refused.code(), "invalid_argument");
        assert!(
            refused
                .to_string()
                .contains("a status list token needs a URI")
        );
        let backwards = CommonClaims {
            expires_at: AT,
            ..claims("u", None)
        };
        assert_eq!(code(backwards.check_new("t")), Some("invalid_argument"));
        let before_1970 = CommonClaims {
            issued_at: datetime!(1969-12-31 23:59:59 UTC),
            ..claims("u", None)
        };
        assert_eq!(code(before_1970.check_new("t")), Some("invalid_argument"));
    }

    /// Written in the drafts' order, and read back to the same claims, with
    /// and without `ttl`.
    #[test]
    fn writes_in_order_and_reads_back() {
        for ttl in [None, Some(43_200)] {
            let written = claims("https://a.example/1", ttl).to_claims_value(65533, Value::Null);
            let Value::Map(entries) = &written else {
                panic!("a map")
            };
            let keys: Vec<i128> = entries
                .iter()
                .map(|(k, _)| k.as_integer().map(i128::from).unwrap())
                .collect();
            let expected: &[i128] = if ttl.is_some() {
                &[2, 6, 4, 65534, 65533]
            } else {
                &[2, 6, 4, 65533]
            };
            assert_eq!(keys, expected);
            let read = CommonClaims::read(entries, "t").unwrap();
            assert_eq!(read.uri, "https://a.example/1");
            assert_eq!(read.issued_at, AT);
            assert_eq!(read.expires_at, AT + Duration::days(1));
            assert_eq!(read.ttl, ttl);
        }
    }

    #[test]
    fn refuses_missing_empty_and_mistyped_claims() {
        let full = || match claims("u", Some(5)).to_claims_value(65533, Value::Null) {
            Value::Map(entries) => entries,
            _ => unreachable!(),
        };
        for key in [CLAIM_SUB, CLAIM_IAT, CLAIM_EXP] {
            let mut entries = full();
            entries.retain(|(k, _)| k != &Value::from(key));
            assert_eq!(
                code(CommonClaims::read(&entries, "t")),
                Some("invalid_structure"),
                "without claim {key}"
            );
        }
        let mut entries = full();
        entries.retain(|(k, _)| k != &Value::from(CLAIM_TTL));
        assert_eq!(CommonClaims::read(&entries, "t").unwrap().ttl, None);
        for (key, value) in [
            (CLAIM_SUB, Value::Text(String::new())),
            (CLAIM_SUB, Value::from(1)),
            (CLAIM_IAT, Value::Text("2026".into())),
            (CLAIM_EXP, Value::Float(f64::NAN)),
            (CLAIM_TTL, Value::from(-1)),
        ] {
            let mut entries = full();
            for (k, v) in &mut entries {
                if *k == Value::from(key) {
                    *v = value.clone();
                }
            }
            assert_eq!(
                code(CommonClaims::read(&entries, "t")),
                Some("invalid_structure"),
                "claim {key} = {value:?}"
            );
        }
        // A NumericDate may be a float: its seconds, floored.
        let mut entries = full();
        for (k, v) in &mut entries {
            if *k == Value::from(CLAIM_IAT) {
                *v = Value::Float(AT.unix_timestamp() as f64 + 0.75);
            }
        }
        assert_eq!(CommonClaims::read(&entries, "t").unwrap().issued_at, AT);
    }

    /// Valid from `iat - skew` up to, not including, `exp + skew`.
    #[test]
    fn checks_the_times_with_the_skew() {
        let token = claims("u", None);
        let skew = Duration::minutes(5);
        let at = |now| code(token.check_time(now, skew));
        assert_eq!(at(AT - skew), None);
        assert_eq!(
            at(AT - skew - Duration::seconds(1)),
            Some("status_token_not_yet_valid")
        );
        let exp = AT + Duration::days(1);
        assert_eq!(at(exp + skew - Duration::seconds(1)), None);
        assert_eq!(at(exp + skew), Some("status_token_expired"));
        // A negative skew counts as none.
        assert_eq!(
            code(token.check_time(exp, Duration::minutes(-5))),
            Some("status_token_expired")
        );
    }
}
