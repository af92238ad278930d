//! Building malicious but correctly signed inputs: items, MSOs and COSE
//! headers made by hand (as `tests/common` does for the integration tests),
//! signed with the demo keys, so that a case fails for its one defect only.

use ciborium::value::Value;
use coset::{AsCborValue as _, CoseSign1Builder, Header, HeaderBuilder};

use crate::generator::generator_error;
use docbridge::cbor;
use docbridge::cose::{Algorithm, HEADER_X5CHAIN, PublicKey, Sign1, Sign1Options, Signer, sign1};
use docbridge::error::Result;
use docbridge::issuer_signed::{IssuerSigned, IssuerSignedItem, IssuerSignedItemBytes};
use docbridge::trust::demo::DemoAuthority;
use docbridge::x509::Certificate;

/// The items of an IssuerSigned, per namespace.
pub(crate) type NameSpaces = Vec<(String, Vec<IssuerSignedItemBytes>)>;

/// One encoded item with a fixed 16-byte salt.
pub(crate) fn item(
    digest_id: u64,
    identifier: &str,
    value: Value,
) -> Result<IssuerSignedItemBytes> {
    IssuerSignedItemBytes::encode(IssuerSignedItem {
        digest_id,
        random: vec![0x5a; 16],
        element_identifier: identifier.to_string(),
        element_value: value,
    })
}

/// The MSO of `document`, as a CBOR value to edit.
pub(crate) fn mso_value(document: &IssuerSigned) -> Result<Value> {
    document.mso_unverified()?.to_value()
}

/// The issuerAuth payload of an MSO value: `#6.24(bstr .cbor MSO)`, encoded.
pub(crate) fn mso_payload(mso: &Value) -> Result<Vec<u8>> {
    let (wrapped, _) = cbor::tag24_of(mso)?;
    cbor::encode(&wrapped)
}

/// `payload` signed by `signer` with `chain` in x5chain.
pub(crate) fn sign(signer: &dyn Signer, payload: &[u8], chain: &[&Certificate]) -> Result<Sign1> {
    sign1(
        signer,
        payload,
        &Sign1Options {
            x5chain: chain.iter().map(|c| c.der().to_vec()).collect(),
            ..Sign1Options::default()
        },
    )
}

/// An IssuerSigned of `name_spaces` whose MSO value `mso` is signed by the
/// authority's Document Signer.
pub(crate) fn signed_by(
    authority: &DemoAuthority,
    name_spaces: NameSpaces,
    mso: &Value,
) -> Result<IssuerSigned> {
    let auth = sign(
        &authority.ds_key,
        &mso_payload(mso)?,
        &[&authority.ds_certificate],
    )?;
    Ok(IssuerSigned::new(name_spaces, auth))
}

/// `document` with its MSO edited by `edit` and signed again by the
/// authority's Document Signer; the items are kept.
pub(crate) fn resigned(
    authority: &DemoAuthority,
    document: &IssuerSigned,
    edit: impl FnOnce(&mut Value) -> Result<()>,
) -> Result<IssuerSigned> {
    let mut mso = mso_value(document)?;
    edit(&mut mso)?;
    signed_by(authority, document.name_spaces().to_vec(), &mso)
}

/// A COSE_Sign1 value with exactly the given headers over `payload`,
/// signed by `signer` whatever the headers claim.
pub(crate) fn cose_value(
    protected: Header,
    unprotected: Header,
    payload: &[u8],
    signer: &dyn Signer,
) -> Result<Value> {
    CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .payload(payload.to_vec())
        .try_create_signature(b"", |tbs| signer.sign(tbs))?
        .build()
        .to_cbor_value()
        .map_err(|e| generator_error(&e.to_string()))
}

/// An unprotected header holding `certificate` in x5chain.
pub(crate) fn x5chain_header(certificate: &Certificate) -> Header {
    HeaderBuilder::new()
        .value(HEADER_X5CHAIN, Value::Bytes(certificate.der().to_vec()))
        .build()
}

/// An IssuerSigned value from `name_spaces` and an issuerAuth value.
pub(crate) fn issuer_signed_value(name_spaces: &NameSpaces, issuer_auth: Value) -> Value {
    let ns = cbor::text_map(name_spaces.iter().map(|(ns, items)| {
        (
            ns.clone(),
            Value::Array(items.iter().map(IssuerSignedItemBytes::to_value).collect()),
        )
    }));
    cbor::text_map([("nameSpaces", ns), ("issuerAuth", issuer_auth)])
}

/// The value at `key` of a CBOR map with text keys.
pub(crate) fn map_at<'a>(map: &'a mut Value, key: &str) -> Result<&'a mut Value> {
    let Value::Map(entries) = map else {
        return Err(generator_error(&format!(
            "not a map where {key:?} is looked for"
        )));
    };
    entries
        .iter_mut()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
        .map(|(_, v)| v)
        .ok_or_else(|| generator_error(&format!("no {key:?} in the map")))
}

/// Sets `key` in a CBOR map with text keys, replacing it if present.
pub(crate) fn map_set(map: &mut Value, key: &str, value: Value) -> Result<()> {
    let Value::Map(entries) = map else {
        return Err(generator_error(&format!("not a map where {key:?} is set")));
    };
    match entries
        .iter_mut()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
    {
        Some((_, v)) => *v = value,
        None => entries.push((Value::Text(key.into()), value)),
    }
    Ok(())
}

/// Removes `key` from a CBOR map with text keys.
pub(crate) fn map_remove(map: &mut Value, key: &str) -> Result<()> {
    let Value::Map(entries) = map else {
        return Err(generator_error(&format!(
            "not a map where {key:?} is removed"
        )));
    };
    entries.retain(|(k, _)| !matches!(k, Value::Text(t) if t == key));
    Ok(())
}

/// The array of a CBOR array value.
pub(crate) fn array_of(value: &mut Value) -> Result<&mut Vec<Value>> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(generator_error("not an array")),
    }
}

/// The items array of namespace `ns` inside an IssuerSigned value.
pub(crate) fn items_of<'a>(document: &'a mut Value, ns: &str) -> Result<&'a mut Vec<Value>> {
    array_of(map_at(map_at(document, "nameSpaces")?, ns)?)
}

/// The first element of a non-empty vector.
pub(crate) fn first<T>(items: &mut [T]) -> Result<&mut T> {
    items
        .first_mut()
        .ok_or_else(|| generator_error("an empty list where an item is needed"))
}

/// A signer that claims another algorithm than its key's: its signatures
/// are made with the key's own algorithm.
pub(crate) struct Claiming<'a> {
    /// The real key.
    pub(crate) key: &'a dyn Signer,
    /// The algorithm it claims.
    pub(crate) claimed: Algorithm,
}

impl Signer for Claiming<'_> {
    fn algorithm(&self) -> Algorithm {
        self.claimed
    }

    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.key.sign(message)
    }
}
