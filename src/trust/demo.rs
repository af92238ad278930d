//! Demo authorities (being written).
