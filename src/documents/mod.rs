//! Typed document types (being written).
