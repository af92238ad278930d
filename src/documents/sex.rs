//! Sex as coded by ISO/IEC 5218, the coding ISO/IEC 18013-5 uses.

use ciborium::value::Value;

use crate::error::{Error, Result};

/// Sex as an ISO/IEC 5218 code (an unsigned integer in CBOR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// 0: not known.
    NotKnown,
    /// 1: male.
    Male,
    /// 2: female.
    Female,
    /// 9: not applicable.
    NotApplicable,
}

impl Sex {
    /// The ISO/IEC 5218 code.
    pub const fn code(self) -> u8 {
        match self {
            Sex::NotKnown => 0,
            Sex::Male => 1,
            Sex::Female => 2,
            Sex::NotApplicable => 9,
        }
    }

    /// The sex for an ISO/IEC 5218 code; `None` for any other number.
    pub const fn from_code(code: u64) -> Option<Sex> {
        match code {
            0 => Some(Sex::NotKnown),
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            9 => Some(Sex::NotApplicable),
            _ => None,
        }
    }

    pub(crate) fn read(value: &Value, what: &str) -> Result<Sex> {
        let code = super::element::uint(value, what)?;
        Sex::from_code(code).ok_or_else(|| {
            Error::InvalidElement(format!(
                "{what}: {code} is not an ISO/IEC 5218 code (0, 1, 2 or 9)"
            ))
        })
    }

    pub(crate) fn value(self) -> Value {
        super::element::uint_value(u64::from(self.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_others_are_refused() {
        for sex in [Sex::NotKnown, Sex::Male, Sex::Female, Sex::NotApplicable] {
            assert_eq!(Sex::from_code(u64::from(sex.code())), Some(sex));
            assert_eq!(Sex::read(&sex.value(), "sex").ok(), Some(sex));
        }
        assert_eq!(Sex::from_code(3), None);
        assert_eq!(
            Sex::read(&Value::Integer(3.into()), "sex").map_err(|e| e.code()),
            Err("invalid_element")
        );
        assert_eq!(
            Sex::read(&Value::Text("F".into()), "sex").map_err(|e| e.code()),
            Err("invalid_element")
        );
    }
}
