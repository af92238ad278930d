//! The value of one entry in a status list, and how many bits each entry has.

use crate::error::{Error, Result};

/// The status of one referenced token (draft-ietf-oauth-status-list,
/// section "Status Types").
///
/// VALID (0), INVALID (1, called *revoked* in this crate's error codes) and
/// SUSPENDED (2) are the registered values; every other value (3 and
/// 0x0B..=0x0F are application-specific, the rest reserved) is reported as
/// its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusValue {
    /// 0x00: the document is valid.
    Valid,
    /// 0x01: the document is revoked (the draft's INVALID).
    Invalid,
    /// 0x02: the document is suspended; it may become valid again.
    Suspended,
    /// Any other value, as its number (never 0, 1 or 2).
    Other(u8),
}

impl StatusValue {
    /// The value for a number read from a list.
    pub fn from_u8(value: u8) -> StatusValue {
        match value {
            0 => StatusValue::Valid,
            1 => StatusValue::Invalid,
            2 => StatusValue::Suspended,
            other => StatusValue::Other(other),
        }
    }

    /// The number written into a list.
    pub fn to_u8(self) -> u8 {
        match self {
            StatusValue::Valid => 0,
            StatusValue::Invalid => 1,
            StatusValue::Suspended => 2,
            StatusValue::Other(other) => other,
        }
    }

    /// The name used on the command line and in JSON: `valid`, `invalid`,
    /// `suspended`, or the number for other values.
    pub fn name(self) -> String {
        match self {
            StatusValue::Valid => "valid".into(),
            StatusValue::Invalid => "invalid".into(),
            StatusValue::Suspended => "suspended".into(),
            StatusValue::Other(n) => n.to_string(),
        }
    }

    /// Parses `valid`, `invalid` (or `revoked`), `suspended`, or a number
    /// 0..=255; anything else is `invalid_argument`.
    pub fn from_name(name: &str) -> Result<StatusValue> {
        match name.to_ascii_lowercase().as_str() {
            "valid" => Ok(StatusValue::Valid),
            "invalid" | "revoked" => Ok(StatusValue::Invalid),
            "suspended" => Ok(StatusValue::Suspended),
            other => other.parse::<u8>().map(StatusValue::from_u8).map_err(|_| {
                Error::InvalidArgument(format!(
                    "status {name:?} is not valid, invalid, revoked, suspended or 0..=255"
                ))
            }),
        }
    }
}

impl std::fmt::Display for StatusValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// How many bits each entry of a status list takes: 1, 2, 4 or 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusBits {
    /// 1 bit: VALID or INVALID.
    One,
    /// 2 bits: adds SUSPENDED and one application-specific value.
    Two,
    /// 4 bits: values 0..=15.
    Four,
    /// 8 bits: values 0..=255.
    Eight,
}

impl StatusBits {
    /// Every width, smallest first.
    pub const ALL: [StatusBits; 4] = [
        StatusBits::One,
        StatusBits::Two,
        StatusBits::Four,
        StatusBits::Eight,
    ];

    /// The width for a number of bits; anything but 1, 2, 4 or 8 is
    /// `status_list_malformed`.
    pub fn from_u64(bits: u64) -> Result<StatusBits> {
        match bits {
            1 => Ok(StatusBits::One),
            2 => Ok(StatusBits::Two),
            4 => Ok(StatusBits::Four),
            8 => Ok(StatusBits::Eight),
            other => Err(Error::StatusListMalformed(format!(
                "bits is {other}; it must be 1, 2, 4 or 8"
            ))),
        }
    }

    /// The number of bits per entry.
    pub fn get(self) -> u8 {
        match self {
            StatusBits::One => 1,
            StatusBits::Two => 2,
            StatusBits::Four => 4,
            StatusBits::Eight => 8,
        }
    }

    /// Entries per byte: 8, 4, 2 or 1.
    pub fn per_byte(self) -> u64 {
        match self {
            StatusBits::One => 8,
            StatusBits::Two => 4,
            StatusBits::Four => 2,
            StatusBits::Eight => 1,
        }
    }

    /// The largest value an entry can hold.
    pub fn max_value(self) -> u8 {
        match self {
            StatusBits::One => 0b1,
            StatusBits::Two => 0b11,
            StatusBits::Four => 0x0f,
            StatusBits::Eight => 0xff,
        }
    }

    /// Bytes needed for `entries` entries (rounded up), or `None` on overflow.
    pub fn bytes_for(self, entries: u64) -> Option<u64> {
        let per_byte = self.per_byte();
        entries
            .checked_add(per_byte.saturating_sub(1))?
            .checked_div(per_byte)
    }

    /// Where entry `index` lives: (byte offset, bit shift within the byte).
    /// Entries fill each byte from the least significant bit, as the draft
    /// requires.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "per_byte is 1, 2, 4 or 8, and slot * bits is below 8"
    )]
    pub fn position(self, index: u64) -> (u64, u8) {
        let per_byte = self.per_byte();
        let slot = u8::try_from(index % per_byte).unwrap_or(0);
        (index / per_byte, slot * self.get())
    }

    /// Reads the entry at bit `shift` of `byte`.
    pub fn read(self, byte: u8, shift: u8) -> u8 {
        (byte >> shift) & self.max_value()
    }
}

impl std::fmt::Display for StatusBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        for n in 0..=255u8 {
            assert_eq!(StatusValue::from_u8(n).to_u8(), n);
            assert_eq!(StatusValue::from_name(&n.to_string()).unwrap().to_u8(), n);
        }
        assert_eq!(StatusValue::from_u8(1), StatusValue::Invalid);
        assert_eq!(
            StatusValue::from_name("revoked").unwrap(),
            StatusValue::Invalid
        );
        assert_eq!(
            StatusValue::from_name("gone").map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }

    #[test]
    fn widths() {
        assert_eq!(StatusBits::ALL.map(StatusBits::max_value), [1, 3, 15, 255]);
        assert_eq!(StatusBits::Two.position(5), (1, 2));
        assert_eq!(StatusBits::Four.position(3), (1, 4));
        assert_eq!(StatusBits::One.bytes_for(9), Some(2));
        assert_eq!(StatusBits::One.bytes_for(u64::MAX), None);
        assert_eq!(
            StatusBits::from_u64(3).map_err(|e| e.code()),
            Err("status_list_malformed")
        );
    }
}
