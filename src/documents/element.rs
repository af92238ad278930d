//! Reading and writing data element values: the plumbing the typed documents share.
//!
//! Reading goes through [`Fields`]: a document takes the elements (or the keys
//! of a nested map) it knows one by one, and whatever is left over is kept as
//! unknown data rather than dropped. Writing goes through [`Out`], which merges
//! the unknown data back and refuses an unknown entry that would shadow a
//! typed field. Every reading error is [`Error::InvalidElement`] naming the
//! element path, so a verifier's caller sees one code for "wrong type or value".

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::Date;

use super::Elements;
use crate::cbor;
use crate::error::{Error, Result, excerpt};

/// Entries of one namespace or of one nested map, by text key.
pub(crate) type Map = BTreeMap<String, Value>;

/// The error for a value of the wrong CBOR type.
pub(crate) fn expected(what: &str, kind: &str) -> Error {
    Error::InvalidElement(format!("{what}: expected {kind}"))
}

/// `namespace/element`, the path used in error messages.
pub(crate) fn path(namespace: &str, element: &str) -> String {
    format!("{namespace}/{element}")
}

/// Whether [`Fields`] builds the values it reads or only checks that it
/// could: a verifier checks every disclosed element on every verification,
/// while the typed claims are built only when a caller asks for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Build each field's value.
    Build,
    /// Check each field as building it would, build nothing: an optional
    /// field reads as absent, a required one of a nested map as its type's
    /// default, and no unknown element is kept.
    Check,
}

/// Reads one field's value: a function `(value, path) -> Result<T>`, or a
/// [`Checked`] reader whose check allocates nothing.
pub(crate) trait ReadField<T> {
    /// The field's value.
    fn read(self, value: &Value, what: &str) -> Result<T>;

    /// The error [`ReadField::read`] would give, if any, without keeping
    /// what it builds.
    fn check(self, value: &Value, what: &str) -> Result<()>;
}

impl<T, F: FnOnce(&Value, &str) -> Result<T>> ReadField<T> for F {
    fn read(self, value: &Value, what: &str) -> Result<T> {
        self(value, what)
    }

    fn check(self, value: &Value, what: &str) -> Result<()> {
        self(value, what).map(drop)
    }
}

/// A reader with a check of its own that copies nothing (a portrait's
/// bytes, a name's text), refusing exactly what the reader refuses.
pub(crate) struct Checked<T> {
    read: fn(&Value, &str) -> Result<T>,
    check: fn(&Value, &str) -> Result<()>,
}

// By hand, as for [`Nested`].
impl<T> Clone for Checked<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Checked<T> {}

impl<T> ReadField<T> for Checked<T> {
    fn read(self, value: &Value, what: &str) -> Result<T> {
        (self.read)(value, what)
    }

    fn check(self, value: &Value, what: &str) -> Result<()> {
        (self.check)(value, what)
    }
}

/// A reader of a nested map (a driving privilege, a vehicle holder) that
/// reads it as the given [`Reading`] says: when only checking, its
/// [`Fields`] check every key and build nothing, and a required field
/// reads as its type's default.
pub(crate) struct Nested<T>(pub(crate) fn(&Value, &str, Reading) -> Result<T>);

// By hand: a derive would ask `T: Copy`, and a function pointer is `Copy`
// whatever it returns.
impl<T> Clone for Nested<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Nested<T> {}

impl<T> ReadField<T> for Nested<T> {
    fn read(self, value: &Value, what: &str) -> Result<T> {
        (self.0)(value, what, Reading::Build)
    }

    fn check(self, value: &Value, what: &str) -> Result<()> {
        (self.0)(value, what, Reading::Check).map(drop)
    }
}

/// An array whose items the inner reader reads (or only checks).
#[derive(Clone, Copy)]
pub(crate) struct ArrayOf<R>(pub(crate) R);

impl<T, R: ReadField<T> + Copy> ReadField<Vec<T>> for ArrayOf<R> {
    fn read(self, value: &Value, what: &str) -> Result<Vec<T>> {
        let mut items = Vec::new();
        each_item(value, what, |item, path| {
            items.push(self.0.read(item, path)?);
            Ok(())
        })?;
        Ok(items)
    }

    fn check(self, value: &Value, what: &str) -> Result<()> {
        each_item(value, what, |item, path| self.0.check(item, path))
    }
}

/// Calls `visit` on each item of the array `value` with the item's path
/// (`what[i]`).
fn each_item(
    value: &Value,
    what: &str,
    mut visit: impl FnMut(&Value, &str) -> Result<()>,
) -> Result<()> {
    let Value::Array(items) = value else {
        return Err(expected(what, "an array"));
    };
    // One path buffer for the whole array rather than one per item.
    let mut path = String::with_capacity(what.len().saturating_add(8));
    for (i, item) in items.iter().enumerate() {
        path.clear();
        path.push_str(what);
        path.push('[');
        // itoa, not `write!`: a path is written for every item of every
        // array read, and the formatting machinery cost more than the item.
        path.push_str(itoa::Buffer::new().format(i));
        path.push(']');
        visit(item, &path)?;
    }
    Ok(())
}

/// The entries of one CBOR map not read yet.
pub(crate) struct Fields<'a> {
    what: &'a str,
    separator: char,
    entries: Entries<'a>,
    reading: Reading,
    /// The path of the field being read, reused from one field to the
    /// next: a document's claims are read on every verification, and a
    /// fresh string per field was a tenth of its allocations.
    path: String,
}

/// Where [`Fields`] finds its entries.
enum Entries<'a> {
    /// A namespace of elements, listed in key order and looked up in that
    /// list (its keys are unique already) rather than copied into a map of
    /// its own or searched as the `BTreeMap` it is: a search there compares
    /// the key with most of a node's keys, each comparison a call to
    /// `memcmp`, and a document looks up every element it knows.
    Namespace(Vec<NamedEntry<'a>>),
    /// The entries of a small nested map (a driving privilege), looked up
    /// where they are; `taken[i]` is set once entry `i` is read.
    Few {
        pairs: &'a [(Value, Value)],
        taken: [bool; Entries::FEW],
    },
    /// The entries of a larger nested map not read yet.
    Pairs(BTreeMap<&'a str, &'a Value>),
}

/// One element of a namespace read through [`Fields`].
struct NamedEntry<'a> {
    key: &'a str,
    value: &'a Value,
    taken: bool,
}

impl NamedEntry<'_> {
    /// Whether the entry is under `key`.
    fn is(&self, key: &str) -> bool {
        same_name(self.key, key)
    }
}

/// Whether two element names are the same: lengths and last bytes rule out
/// most other names without a call to `memcmp`, which a verifier would
/// otherwise make for nearly every pair of names it compares.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

impl<'a> Entries<'a> {
    /// The most entries [`Entries::Few`] holds: its keys are compared with
    /// each other, which stays cheaper than building a map only up to a
    /// few dozen keys.
    const FEW: usize = 32;

    /// Removes `key`: it reads once, as it would from a map it is taken from.
    fn take(&mut self, key: &str) -> Option<&'a Value> {
        match self {
            Entries::Namespace(entries) => {
                let entry = entries.iter_mut().find(|entry| entry.is(key))?;
                if entry.taken {
                    return None;
                }
                entry.taken = true;
                Some(entry.value)
            }
            Entries::Few { pairs, taken } => {
                let (at, (_, value)) = pairs
                    .iter()
                    .enumerate()
                    .find(|(_, (k, _))| matches!(k, Value::Text(k) if k == key))?;
                let taken = taken.get_mut(at)?;
                if *taken {
                    return None;
                }
                *taken = true;
                Some(value)
            }
            Entries::Pairs(entries) => entries.remove(key),
        }
    }
}

impl<'a> Fields<'a> {
    /// The elements of `namespace` (none if the namespace is absent, which is
    /// normal for a selectively disclosed document), read as `reading` says.
    pub(crate) fn namespace(
        elements: &'a Elements,
        namespace: &'a str,
        reading: Reading,
    ) -> Fields<'a> {
        let entries = elements
            .get(namespace)
            .into_iter()
            .flatten()
            .map(|(key, value)| NamedEntry {
                key,
                value,
                taken: false,
            })
            .collect();
        Fields {
            what: namespace,
            separator: '/',
            entries: Entries::Namespace(entries),
            reading,
            path: String::new(),
        }
    }

    /// The entries of a nested map, such as one driving privilege, read as
    /// `reading` says.
    pub(crate) fn map(value: &'a Value, what: &'a str, reading: Reading) -> Result<Fields<'a>> {
        let Value::Map(pairs) = value else {
            return Err(expected(what, "a map"));
        };
        let few = pairs.len() <= Entries::FEW;
        let mut entries = BTreeMap::new();
        for (at, (key, value)) in pairs.iter().enumerate() {
            let Value::Text(key) = key else {
                return Err(Error::InvalidElement(format!(
                    "{what}: map keys must be text strings"
                )));
            };
            // Decoded input has no duplicates (the bounded decoder refuses
            // them), but a map built in memory can; never pick one silently.
            let twice = if few {
                pairs
                    .iter()
                    .take(at)
                    .any(|(earlier, _)| matches!(earlier, Value::Text(k) if k == key))
            } else {
                entries.insert(key.as_str(), value).is_some()
            };
            if twice {
                return Err(Error::InvalidElement(format!(
                    "{what}: key {key:?} appears twice",
                    key = excerpt(key)
                )));
            }
        }
        Ok(Fields {
            what,
            separator: '.',
            entries: if few {
                Entries::Few {
                    pairs,
                    taken: [false; Entries::FEW],
                }
            } else {
                Entries::Pairs(entries)
            },
            reading,
            path: String::new(),
        })
    }

    /// Reads and removes `key` if present; when only checking, checks it
    /// and reads it as absent.
    pub(crate) fn take<T>(&mut self, key: &str, read: impl ReadField<T>) -> Result<Option<T>> {
        Ok(self.entry(key, read)?.flatten())
    }

    /// Reads and removes `key`: `None` when absent, `Some(None)` when
    /// present and only checked.
    fn entry<T>(&mut self, key: &str, read: impl ReadField<T>) -> Result<Option<Option<T>>> {
        let Some(value) = self.entries.take(key) else {
            return Ok(None);
        };
        self.path.clear();
        self.path.push_str(self.what);
        self.path.push(self.separator);
        self.path.push_str(key);
        match self.reading {
            Reading::Build => read.read(value, &self.path).map(|v| Some(Some(v))),
            Reading::Check => read.check(value, &self.path).map(|()| Some(None)),
        }
    }

    /// Reads and removes `key`, which a nested map must hold; when only
    /// checking, a present and valid field reads as `T`'s default. A
    /// missing key makes the whole element malformed, hence
    /// `invalid_element` rather than `missing_element` (which is about
    /// whole elements).
    pub(crate) fn require<T: Default>(&mut self, key: &str, read: impl ReadField<T>) -> Result<T> {
        match self.entry(key, read)? {
            Some(value) => Ok(value.unwrap_or_default()),
            None => Err(Error::InvalidElement(format!(
                "{what}: missing {key:?}",
                what = self.what,
                key = excerpt(key)
            ))),
        }
    }

    /// The entries nobody took, kept so that they survive a round trip.
    /// None when only checking.
    pub(crate) fn rest(self) -> Map {
        if self.reading == Reading::Check {
            return Map::new();
        }
        match self.entries {
            Entries::Namespace(entries) => entries
                .into_iter()
                .filter(|entry| !entry.taken)
                .map(|entry| (entry.key.to_string(), entry.value.clone()))
                .collect(),
            Entries::Few { pairs, taken } => pairs
                .iter()
                .enumerate()
                .filter(|(at, _)| taken.get(*at) == Some(&false))
                .filter_map(|(_, (k, v))| match k {
                    Value::Text(k) => Some((k.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            Entries::Pairs(entries) => entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    /// The unknown elements of a document read from `elements` through
    /// these (namespace) fields: every namespace but this one, plus what
    /// is left of this one. None when only checking.
    pub(crate) fn other_elements(self, elements: &Elements) -> Elements {
        if self.reading == Reading::Check {
            return Elements::new();
        }
        let namespace = self.what;
        let rest = self.rest();
        let mut other = other_namespaces(elements, namespace);
        if !rest.is_empty() {
            other.insert(namespace.to_string(), rest);
        }
        other
    }
}

/// Every namespace of `elements` but `namespace`, empty ones left out.
fn other_namespaces(elements: &Elements, namespace: &str) -> Elements {
    elements
        .iter()
        .filter(|(ns, m)| ns.as_str() != namespace && !m.is_empty())
        .map(|(ns, m)| (ns.clone(), m.clone()))
        .collect()
}

/// The names of the mandatory elements whose field is empty.
pub(crate) fn missing(fields: &[(&'static str, bool)]) -> Vec<&'static str> {
    fields
        .iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| *name)
        .collect()
}

// ----- Reading values -----

/// A text string.
pub(crate) fn text(value: &Value, what: &str) -> Result<String> {
    text_ref(value, what).map(str::to_string)
}

fn text_ref<'v>(value: &'v Value, what: &str) -> Result<&'v str> {
    match value {
        Value::Text(t) => Ok(t),
        _ => Err(expected(what, "a text string")),
    }
}

/// [`text`], checked without a copy.
pub(crate) const TEXT: Checked<String> = Checked {
    read: text,
    check: |value, what| text_ref(value, what).map(drop),
};

/// An unsigned integer.
pub(crate) fn uint(value: &Value, what: &str) -> Result<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| expected(what, "an unsigned integer")),
        _ => Err(expected(what, "an unsigned integer")),
    }
}

/// A boolean.
pub(crate) fn boolean(value: &Value, what: &str) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(expected(what, "a boolean")),
    }
}

/// A byte string.
pub(crate) fn bytes(value: &Value, what: &str) -> Result<Vec<u8>> {
    bytes_ref(value, what).map(<[u8]>::to_vec)
}

fn bytes_ref<'v>(value: &'v Value, what: &str) -> Result<&'v [u8]> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(expected(what, "a byte string")),
    }
}

/// [`bytes`], checked without a copy (a portrait is tens of kilobytes).
pub(crate) const BYTES: Checked<Vec<u8>> = Checked {
    read: bytes,
    check: |value, what| bytes_ref(value, what).map(drop),
};

/// A calendar date. Written as `full-date` (tag 1004); read from tag 1004,
/// from an untagged "YYYY-MM-DD" (some issuers omit the tag) and from a
/// `tdate` (tag 0), which ISO/IEC 18013-5 allows for issue and expiry dates:
/// its calendar date in its own offset is taken.
pub(crate) fn date(value: &Value, what: &str) -> Result<Date> {
    let not_a_date = |text: &str| {
        Error::InvalidElement(format!(
            "{what}: {text:?} is not a date",
            text = excerpt(text)
        ))
    };
    match value {
        Value::Tag(cbor::TAG_FULL_DATE, inner) => match inner.as_ref() {
            Value::Text(t) => cbor::parse_date(t).map_err(|_| not_a_date(t)),
            _ => Err(expected(what, "text inside tag 1004")),
        },
        Value::Text(t) => cbor::parse_date(t).map_err(|_| not_a_date(t)),
        Value::Tag(cbor::TAG_TDATE, inner) => match inner.as_ref() {
            Value::Text(t) => cbor::parse_date_time(t)
                .map(|at| at.date())
                .map_err(|_| not_a_date(t)),
            _ => Err(expected(what, "text inside tag 0")),
        },
        _ => Err(expected(what, "a full-date (tag 1004)")),
    }
}

/// An ISO 3166-1 alpha-2 country code.
pub(crate) fn country(value: &Value, what: &str) -> Result<String> {
    country_ref(value, what).map(str::to_string)
}

fn country_ref<'v>(value: &'v Value, what: &str) -> Result<&'v str> {
    let code = text_ref(value, what)?;
    check_country(code, what)?;
    Ok(code)
}

/// [`country`], checked without a copy.
pub(crate) const COUNTRY: Checked<String> = Checked {
    read: country,
    check: |value, what| country_ref(value, what).map(drop),
};

/// Refuses anything but two upper-case ASCII letters, so that `"UKR"` or
/// `"pl"` cannot slip into an element compared against certificate countries.
pub(crate) fn check_country(code: &str, what: &str) -> Result<()> {
    if crate::country::is_alpha2(code) {
        Ok(())
    } else {
        Err(Error::InvalidElement(format!(
            "{what}: {code:?} is not an ISO 3166-1 alpha-2 code",
            code = excerpt(code)
        )))
    }
}

// ----- Writing values -----

/// A text value.
pub(crate) fn text_value(text: &str) -> Value {
    Value::Text(text.to_string())
}

/// An unsigned integer value.
pub(crate) fn uint_value(n: u64) -> Value {
    Value::Integer(n.into())
}

/// A country code value, checked like on reading so that an issuer cannot
/// sign what a verifier would refuse.
pub(crate) fn country_value(code: &str, what: &str) -> Result<Value> {
    check_country(code, what)?;
    Ok(text_value(code))
}

/// An array of unsigned integers.
pub(crate) fn uint_array_value(items: &[u64]) -> Value {
    Value::Array(items.iter().map(|n| uint_value(*n)).collect())
}

/// Entries being written, in key order.
#[derive(Default)]
pub(crate) struct Out(Map);

impl Out {
    /// Sets `key` if there is a value.
    pub(crate) fn put(&mut self, key: &str, value: Option<Value>) {
        if let Some(value) = value {
            self.0.insert(key.to_string(), value);
        }
    }

    /// The entries with the unknown ones merged back. An unknown entry named
    /// like a typed field is refused: reading would turn it into the field, so
    /// writing it would not round-trip (and two sources for one element is a
    /// caller's mistake).
    pub(crate) fn finish(mut self, other: Option<&Map>, known: &[&str], what: &str) -> Result<Map> {
        for (key, value) in other.into_iter().flatten() {
            if known.contains(&key.as_str()) || self.0.contains_key(key) {
                return Err(Error::InvalidArgument(format!(
                    "{what}: {key:?} is a typed field; set the field instead of an unknown entry",
                    key = excerpt(key)
                )));
            }
            self.0.insert(key.clone(), value.clone());
        }
        Ok(self.0)
    }

    /// The entries as a CBOR map with text keys.
    pub(crate) fn into_map(self, other: &Map, known: &[&str], what: &str) -> Result<Value> {
        let entries = self.finish(Some(other), known, what)?;
        Ok(Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::Text(k), v))
                .collect(),
        ))
    }
}

/// A document's elements: its main namespace from `main` and the unknown
/// elements merged back. Empty namespaces are left out.
pub(crate) fn assemble(
    namespace: &str,
    main: Out,
    other: &Elements,
    known: &[&str],
) -> Result<Elements> {
    let main = main.finish(other.get(namespace), known, namespace)?;
    let mut elements = other_namespaces(other, namespace);
    if !main.is_empty() {
        elements.insert(namespace.to_string(), main);
    }
    Ok(elements)
}
