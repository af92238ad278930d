//! BLE GATT transport (ISO/IEC 18013-5 section 8.3.3.1.1): the radio stays
//! in the app; this module cuts session messages into characteristic
//! writes and puts them back together, and tracks the State
//! characteristic, as pure functions the app calls on each GATT event.
//!
//! | what | rule |
//! |---|---|
//! | chunk | at most MTU - 3 bytes: one leading byte, then data |
//! | leading byte | `0x01` more chunks follow, `0x00` last chunk of the message |
//! | State characteristic | `0x01` start (the reader is ready), `0x02` end (session over) |
//!
//! A message being reassembled may grow only up to the CBOR input limit,
//! so a peer that never sends a last chunk cannot make the app buffer
//! without end.

use crate::cbor::Limits;
use crate::error::{Error, Result};

/// Leading byte of a chunk after which more follow.
pub const CHUNK_MORE: u8 = 0x01;
/// Leading byte of the last chunk of a message.
pub const CHUNK_LAST: u8 = 0x00;
/// Smallest ATT MTU (Bluetooth Core, the LE default).
pub const MIN_MTU: usize = 23;
/// Largest attribute value Bluetooth allows (512 bytes).
pub const MAX_CHUNK: usize = 512;

/// Cuts one session message into characteristic values for an ATT `mtu`
/// (`invalid_argument` below [`MIN_MTU`]; an empty message is one chunk).
pub fn chunk_message(message: &[u8], mtu: usize) -> Result<Vec<Vec<u8>>> {
    if mtu < MIN_MTU {
        return Err(Error::InvalidArgument(format!(
            "ATT MTU {mtu} is below the minimum {MIN_MTU}"
        )));
    }
    let data_per_chunk = mtu.saturating_sub(3).min(MAX_CHUNK).saturating_sub(1);
    let mut pieces: Vec<&[u8]> = message.chunks(data_per_chunk).collect();
    if pieces.is_empty() {
        pieces.push(&[]);
    }
    let last = pieces.len().saturating_sub(1);
    Ok(pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let mut chunk = Vec::with_capacity(piece.len().saturating_add(1));
            chunk.push(if index == last {
                CHUNK_LAST
            } else {
                CHUNK_MORE
            });
            chunk.extend_from_slice(piece);
            chunk
        })
        .collect())
}

/// The State characteristic's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateSignal {
    /// `0x01`: the reader is connected and ready.
    Start,
    /// `0x02`: the session is over.
    End,
}

impl StateSignal {
    /// The byte written to the State characteristic.
    pub fn to_byte(self) -> u8 {
        match self {
            StateSignal::Start => 0x01,
            StateSignal::End => 0x02,
        }
    }

    /// Reads a State write (`session_malformed` for any other value).
    pub fn from_bytes(value: &[u8]) -> Result<StateSignal> {
        match value {
            [0x01] => Ok(StateSignal::Start),
            [0x02] => Ok(StateSignal::End),
            _ => Err(Error::SessionMalformed(format!(
                "BLE State value {:02x?} is neither start (01) nor end (02)",
                value.get(..4).unwrap_or(value)
            ))),
        }
    }
}

/// Where the transport is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportState {
    /// Connected, waiting for the start signal.
    AwaitingStart,
    /// Started: messages flow.
    Open,
    /// Ended by a signal from either side; nothing more is accepted.
    Ended,
}

/// The state after `signal` in `state`: start opens a waiting transport,
/// end closes a waiting or open one. A second start, or any signal after
/// the end, is refused (`session_malformed`, `session_terminated`).
pub fn on_signal(state: TransportState, signal: StateSignal) -> Result<TransportState> {
    match (state, signal) {
        (TransportState::Ended, _) => Err(Error::SessionTerminated(
            "BLE transport already ended".into(),
        )),
        (TransportState::AwaitingStart, StateSignal::Start) => Ok(TransportState::Open),
        (TransportState::Open, StateSignal::Start) => Err(Error::SessionMalformed(
            "BLE start signal on an open transport".into(),
        )),
        (_, StateSignal::End) => Ok(TransportState::Ended),
    }
}

/// Puts chunks back together into messages, for one direction.
#[derive(Debug, Clone)]
pub struct Reassembler {
    state: TransportState,
    buffer: Vec<u8>,
    limit: usize,
}

impl Default for Reassembler {
    fn default() -> Self {
        Reassembler::new()
    }
}

impl Reassembler {
    /// A reassembler waiting for the start signal, bounded by the CBOR
    /// input limit.
    pub fn new() -> Reassembler {
        Reassembler {
            state: TransportState::AwaitingStart,
            buffer: Vec::new(),
            limit: Limits::default().max_input_len,
        }
    }

    /// The transport state.
    pub fn state(&self) -> TransportState {
        self.state
    }

    /// Applies a State characteristic write; an end drops any partial
    /// message.
    pub fn signal(&mut self, signal: StateSignal) -> Result<TransportState> {
        self.state = on_signal(self.state, signal)?;
        if self.state == TransportState::Ended {
            self.buffer = Vec::new();
        }
        Ok(self.state)
    }

    /// Takes one chunk; returns the message when it was the last one.
    /// Refused: data before start (`session_malformed`) or after the end
    /// (`session_terminated`), an empty chunk or an unknown leading byte,
    /// and a message growing past the limit (`session_malformed`, and the
    /// transport ends: a peer that does this is not worth listening to).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.state {
            TransportState::Open => {}
            TransportState::AwaitingStart => {
                return Err(Error::SessionMalformed(
                    "BLE data before the start signal".into(),
                ));
            }
            TransportState::Ended => {
                return Err(Error::SessionTerminated(
                    "BLE transport already ended".into(),
                ));
            }
        }
        let (lead, data) = chunk
            .split_first()
            .ok_or_else(|| Error::SessionMalformed("empty BLE chunk".into()))?;
        if *lead != CHUNK_MORE && *lead != CHUNK_LAST {
            return Err(Error::SessionMalformed(format!(
                "BLE chunk leading byte {lead:#04x} is neither 0x00 nor 0x01"
            )));
        }
        if self.buffer.len().saturating_add(data.len()) > self.limit {
            self.state = TransportState::Ended;
            self.buffer = Vec::new();
            return Err(Error::SessionMalformed(format!(
                "BLE message longer than {} bytes",
                self.limit
            )));
        }
        self.buffer.extend_from_slice(data);
        if *lead == CHUNK_LAST {
            Ok(Some(std::mem::take(&mut self.buffer)))
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened() -> Reassembler {
        let mut r = Reassembler::new();
        assert_eq!(r.signal(StateSignal::Start).unwrap(), TransportState::Open);
        r
    }

    #[test]
    fn chunking_and_reassembly_undo_each_other_at_every_mtu() {
        let message: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
        for mtu in [23, 24, 100, 185, 247, 515, 517, 4096] {
            let chunks = chunk_message(&message, mtu).unwrap();
            let limit = (mtu - 3).min(MAX_CHUNK);
            assert!(chunks.iter().all(|c| c.len() <= limit), "mtu {mtu}");
            assert_eq!(chunks.len(), message.len().div_ceil(limit - 1), "mtu {mtu}");
            assert!(
                chunks[..chunks.len() - 1]
                    .iter()
                    .all(|c| c[0] == CHUNK_MORE)
            );
            assert_eq!(chunks.last().unwrap()[0], CHUNK_LAST);
            let mut r = opened();
            let mut out = None;
            for chunk in &chunks {
                assert!(out.is_none());
                out = r.push(chunk).unwrap();
            }
            assert_eq!(out.as_deref(), Some(message.as_slice()), "mtu {mtu}");
        }
        assert_eq!(chunk_message(&[], 23).unwrap(), vec![vec![CHUNK_LAST]]);
        assert_eq!(
            chunk_message(&[1], 22).map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }

    #[test]
    fn state_transitions() {
        use StateSignal::*;
        use TransportState::*;
        assert_eq!(on_signal(AwaitingStart, Start).unwrap(), Open);
        assert_eq!(on_signal(AwaitingStart, End).unwrap(), Ended);
        assert_eq!(on_signal(Open, End).unwrap(), Ended);
        assert_eq!(
            on_signal(Open, Start).map_err(|e| e.code()),
            Err("session_malformed")
        );
        assert_eq!(
            on_signal(Ended, End).map_err(|e| e.code()),
            Err("session_terminated")
        );
        assert_eq!(StateSignal::from_bytes(&[Start.to_byte()]).unwrap(), Start);
        assert_eq!(StateSignal::from_bytes(&[End.to_byte()]).unwrap(), End);
        assert_eq!(
            StateSignal::from_bytes(&[3]).map_err(|e| e.code()),
            Err("session_malformed")
        );
    }

    #[test]
    fn refusals() {
        let mut waiting = Reassembler::new();
        assert_eq!(
            waiting.push(&[CHUNK_LAST]).map_err(|e| e.code()),
            Err("session_malformed")
        );
        let mut r = opened();
        assert_eq!(r.push(&[]).map_err(|e| e.code()), Err("session_malformed"));
        assert_eq!(
            r.push(&[2, 0]).map_err(|e| e.code()),
            Err("session_malformed")
        );
        // A partial message is dropped at the end signal.
        assert_eq!(r.push(&[CHUNK_MORE, 9]).unwrap(), None);
        r.signal(StateSignal::End).unwrap();
        assert_eq!(
            r.push(&[CHUNK_LAST]).map_err(|e| e.code()),
            Err("session_terminated")
        );
        // Growing past the limit ends the transport.
        let mut small = opened();
        small.limit = 4;
        assert_eq!(small.push(&[CHUNK_MORE, 1, 2, 3]).unwrap(), None);
        assert_eq!(
            small.push(&[CHUNK_MORE, 4, 5]).map_err(|e| e.code()),
            Err("session_malformed")
        );
        assert_eq!(small.state(), TransportState::Ended);
    }
}
