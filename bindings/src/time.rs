//! Times at the FFI edge: the apps pass `java.time.Instant` / `Date` /
//! `datetime` (UniFFI timestamps, `SystemTime` here); the core takes
//! `OffsetDateTime`. Converting by hand keeps a time outside the core's range
//! an `invalid_argument` instead of the panic of `From<SystemTime>`.

use std::time::{SystemTime, UNIX_EPOCH};

use docbridge::deps::time::OffsetDateTime;

use crate::error::{DocbridgeError, Result};

/// `now` as the core takes it.
pub(crate) fn to_core(now: SystemTime) -> Result<OffsetDateTime> {
    let nanos = match now.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).ok(),
        Err(before) => i128::try_from(before.duration().as_nanos())
            .ok()
            .map(|n| -n),
    };
    nanos
        .and_then(|n| OffsetDateTime::from_unix_timestamp_nanos(n).ok())
        .ok_or_else(|| DocbridgeError::invalid_argument("time outside the supported range"))
}

/// A core time for the apps. Every `OffsetDateTime` the core can hold lies
/// within `SystemTime`'s range on the platforms the bindings target.
pub(crate) fn from_core(time: OffsetDateTime) -> SystemTime {
    let nanos = time.unix_timestamp_nanos();
    let magnitude =
        std::time::Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).unwrap_or(u64::MAX));
    if nanos >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_round_trip_before_and_after_the_epoch() {
        for t in [
            UNIX_EPOCH + Duration::from_secs(1_796_040_000),
            UNIX_EPOCH - Duration::from_secs(86_400 * 365),
        ] {
            assert_eq!(from_core(to_core(t).unwrap()), t);
        }
    }
}
