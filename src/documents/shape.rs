//! What each typed document expects of an element where JSON alone cannot
//! tell (a date, a byte string): the one piece the document types and the
//! claims JSON reader share.
//!
//! It sits below both: a document type lists the shapes of its elements
//! (`JSON_SHAPES`), and [`super::json`] reads claims JSON by them, so neither
//! imports the other's internals in a circle.

/// What the typed model expects of an element where JSON alone cannot tell.
pub(crate) enum Shape {
    /// A date: tag 1004 (or tag 0 for a date-time string).
    Date,
    /// A byte string, base64url in JSON.
    Bytes,
    /// An array whose items have this shape.
    ArrayOf(&'static Shape),
    /// A map whose listed keys have these shapes (others are generic).
    MapOf(&'static [(&'static str, Shape)]),
}
