//! The Wi-Fi Aware options of a device retrieval method (ISO/IEC 18013-5
//! section 8.2.2.2): what the reader needs to join the holder's NAN data
//! path.
//!
//! ```cddl
//! WifiOptions = {
//!   ? 0: tstr,   ; PassphraseInfo: the passphrase
//!   ? 1: uint,   ; ChannelInfo: operating class
//!   ? 2: uint,   ; ChannelInfo: channel number
//!   ? 3: bstr,   ; BandInfo: supported bands
//!   * int => any ; later editions' options, kept
//! }
//! ```

use ciborium::value::Value;

use super::device_engagement::{int, int_key, malformed, uint};
use crate::error::Result;

const KEY_PASSPHRASE: i64 = 0;
const KEY_OPERATING_CLASS: i64 = 1;
const KEY_CHANNEL_NUMBER: i64 = 2;
const KEY_SUPPORTED_BANDS: i64 = 3;

/// The Wi-Fi Aware options, typed, with any other option kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WifiAwareOptions {
    /// 0: PassphraseInfo, the passphrase of the data path.
    pub passphrase: Option<String>,
    /// 1: ChannelInfo, the operating class.
    pub operating_class: Option<u64>,
    /// 2: ChannelInfo, the channel number.
    pub channel_number: Option<u64>,
    /// 3: BandInfo, the supported bands (a bit field, as the standard
    /// defines it, kept as bytes).
    pub supported_bands: Option<Vec<u8>>,
    /// Options this crate does not model, in received order, written back
    /// after the known ones.
    pub other: Vec<(Value, Value)>,
}

impl WifiAwareOptions {
    /// The options map, known keys ascending, then the others.
    pub(crate) fn to_value(&self) -> Value {
        let mut map = Vec::new();
        if let Some(passphrase) = &self.passphrase {
            map.push((int(KEY_PASSPHRASE), Value::Text(passphrase.clone())));
        }
        if let Some(class) = self.operating_class {
            map.push((int(KEY_OPERATING_CLASS), Value::Integer(class.into())));
        }
        if let Some(channel) = self.channel_number {
            map.push((int(KEY_CHANNEL_NUMBER), Value::Integer(channel.into())));
        }
        if let Some(bands) = &self.supported_bands {
            map.push((int(KEY_SUPPORTED_BANDS), Value::Bytes(bands.clone())));
        }
        map.extend(self.other.iter().cloned());
        Value::Map(map)
    }

    /// Reads an options map (`engagement_malformed` for a known option of
    /// the wrong type or a key given twice).
    pub(crate) fn from_value(value: &Value) -> Result<WifiAwareOptions> {
        let Value::Map(map) = value else {
            return Err(malformed("Wi-Fi Aware options are not a map"));
        };
        let mut options = WifiAwareOptions::default();
        let mut seen = Vec::new();
        for (key, item) in map {
            let known = int_key(key);
            if let Some(k) = known.filter(|k| (KEY_PASSPHRASE..=KEY_SUPPORTED_BANDS).contains(k)) {
                if seen.contains(&k) {
                    return Err(malformed("a Wi-Fi Aware option is given twice"));
                }
                seen.push(k);
            }
            match known {
                Some(KEY_PASSPHRASE) => match item {
                    Value::Text(text) => options.passphrase = Some(text.clone()),
                    _ => return Err(malformed("Wi-Fi Aware option 0 is not text")),
                },
                Some(KEY_OPERATING_CLASS) => {
                    options.operating_class = Some(uint(item, "Wi-Fi Aware option 1")?);
                }
                Some(KEY_CHANNEL_NUMBER) => {
                    options.channel_number = Some(uint(item, "Wi-Fi Aware option 2")?);
                }
                Some(KEY_SUPPORTED_BANDS) => match item {
                    Value::Bytes(bands) => options.supported_bands = Some(bands.clone()),
                    _ => return Err(malformed("Wi-Fi Aware option 3 is not a byte string")),
                },
                _ => options.other.push((key.clone(), item.clone())),
            }
        }
        Ok(options)
    }
}
