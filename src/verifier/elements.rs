//! Step 7 of the [verifier](super): every disclosed item checked against
//! the MSO's digests, and the verified elements collected.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use ciborium::value::Value;

use crate::documents::Elements;
use crate::documents::element::same_name;
use crate::error::{Error, Result};
use crate::issuer_signed::DisclosedItem;
use crate::mso::MobileSecurityObject;

/// How many items of one namespace are compared with each other in a list
/// before they move to ordered sets: a licence discloses a few dozen, and
/// comparing those in a list costs less than building a set or a map entry
/// by entry, while a namespace of any size stays bounded in cost.
const FEW: usize = 64;

/// Checks every disclosed item against the MSO digests and collects the
/// verified elements.
pub(super) fn verified_elements<N, I>(
    name_spaces: impl IntoIterator<Item = (N, I)>,
    mso: &MobileSecurityObject,
) -> Result<Elements>
where
    N: AsRef<str> + Into<String>,
    I: Iterator<Item: DisclosedItem>,
{
    let mut elements: Elements = BTreeMap::new();
    for (ns, items) in name_spaces {
        let ns_name = ns.as_ref();
        if elements.contains_key(ns_name) {
            return Err(Error::DuplicateElement(format!(
                "namespace {ns_name} twice"
            )));
        }
        // Sized once from the items' count (bounded: a hostile count grows
        // the sets instead).
        let few = items.size_hint().0.min(FEW);
        let mut seen_ids = DigestIds {
            few: Vec::with_capacity(few),
            many: BTreeSet::new(),
        };
        let mut ns_elements = NamespaceElements {
            few: Vec::with_capacity(few),
            many: BTreeMap::new(),
        };
        // Looked up once per namespace rather than once per element.
        let ns_digests = mso.value_digests.get(ns_name);
        for disclosed in items {
            let digest_id = disclosed.digest_id();
            // Named only when refused: formatting it for every element
            // costs more than comparing its digest.
            let name = || format!("{ns_name}/{}", disclosed.element_identifier());
            if !seen_ids.insert(digest_id) {
                return Err(Error::DuplicateElement(format!(
                    "digestID {digest_id} disclosed twice in {ns_name}"
                )));
            }
            let expected = ns_digests
                .and_then(|digests| digests.get(&digest_id))
                .ok_or_else(|| {
                    Error::DigestMissing(format!("{} (digestID {digest_id})", name()))
                })?;
            let actual = disclosed.digest(mso.digest_algorithm);
            if actual != *expected {
                return Err(Error::DigestMismatch(name()));
            }
            let (identifier, value) = disclosed.into_element();
            ns_elements
                .insert(identifier, value)
                .map_err(|twice| Error::DuplicateElement(format!("{ns_name}/{twice}")))?;
        }
        elements.insert(ns.into(), ns_elements.into_map());
    }
    Ok(elements)
}

/// The digestIDs of one namespace met so far.
struct DigestIds {
    few: Vec<u64>,
    many: BTreeSet<u64>,
}

impl DigestIds {
    /// Records `id`; false when it was met already.
    fn insert(&mut self, id: u64) -> bool {
        if self.few.len() < FEW {
            if self.few.contains(&id) {
                return false;
            }
            self.few.push(id);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().copied());
        }
        self.many.insert(id)
    }
}

/// The verified elements of one namespace: listed in arrival order while
/// few, then built into their map at once (sorted), which costs less than
/// inserting them one by one in the issuer's shuffled order.
struct NamespaceElements {
    few: Vec<(String, Value)>,
    many: BTreeMap<String, Value>,
}

impl NamespaceElements {
    /// Adds an element; the identifier back when it is there already.
    fn insert(&mut self, identifier: String, value: Value) -> std::result::Result<(), String> {
        if self.few.len() < FEW && self.many.is_empty() {
            if self
                .few
                .iter()
                .any(|(seen, _)| same_name(seen, &identifier))
            {
                return Err(identifier);
            }
            self.few.push((identifier, value));
            return Ok(());
        }
        if self.many.is_empty() {
            self.many.extend(self.few.drain(..));
        }
        match self.many.entry(identifier) {
            Entry::Occupied(twice) => Err(twice.key().clone()),
            Entry::Vacant(slot) => {
                slot.insert(value);
                Ok(())
            }
        }
    }

    /// The elements by identifier.
    fn into_map(mut self) -> BTreeMap<String, Value> {
        if !self.many.is_empty() {
            return self.many;
        }
        // The identifiers are distinct: no order between equals to keep.
        self.few.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        self.few.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};

    use super::*;
    use crate::cose::{Algorithm, Signer as _, SoftwareKey};
    use crate::mso::{DeviceKeyInfo, Digest, DigestAlgorithm, ValidityInfo};

    /// A disclosed item whose digest is given.
    struct Item {
        id: u64,
        identifier: String,
        digest: Digest,
    }

    impl DisclosedItem for Item {
        fn digest_id(&self) -> u64 {
            self.id
        }

        fn element_identifier(&self) -> &str {
            &self.identifier
        }

        fn digest(&self, _: DigestAlgorithm) -> Digest {
            self.digest
        }

        fn into_element(self) -> (String, Value) {
            let value = Value::from(self.id);
            (self.identifier, value)
        }
    }

    /// The collection as it was written before the lists: a set of
    /// digestIDs and a map of elements per namespace, entry by entry.
    fn by_sets(items: Vec<Item>, mso: &MobileSecurityObject) -> Result<Elements> {
        let ns_name = "ns";
        let mut seen_ids = BTreeSet::new();
        let mut ns_elements = BTreeMap::new();
        for item in items {
            let id = item.id;
            if !seen_ids.insert(id) {
                return Err(Error::DuplicateElement(format!(
                    "digestID {id} disclosed twice in {ns_name}"
                )));
            }
            let name = format!("{ns_name}/{}", item.identifier);
            let expected = mso
                .digest(ns_name, id)
                .ok_or_else(|| Error::DigestMissing(format!("{name} (digestID {id})")))?;
            if item.digest != *expected {
                return Err(Error::DigestMismatch(name));
            }
            let (identifier, value) = item.into_element();
            match ns_elements.entry(identifier) {
                Entry::Occupied(twice) => {
                    return Err(Error::DuplicateElement(format!(
                        "{ns_name}/{}",
                        twice.key()
                    )));
                }
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        Ok([(ns_name.to_string(), ns_elements)].into())
    }

    /// The lists agree with the sets, element for element and refusal for
    /// refusal, on namespaces below, at and above the lists' size, with
    /// digestIDs or identifiers met twice, missing and wrong digests.
    #[test]
    fn lists_collect_and_refuse_as_sets_did() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let digest_of = |id: u64| Digest::from_slice(&id.to_be_bytes()).unwrap();
        let ids = 0..300u64;
        let at = time::macros::datetime!(2026-01-01 0:00 UTC);
        let mso = MobileSecurityObject {
            version: "1.0".into(),
            digest_algorithm: DigestAlgorithm::Sha256,
            value_digests: [(
                "ns".to_string(),
                ids.map(|id| (id, digest_of(id))).collect(),
            )]
            .into(),
            device_key_info: DeviceKeyInfo {
                device_key: SoftwareKey::generate(Algorithm::EdDsa, &mut rng).public_key(),
                key_authorizations: None,
                key_info: None,
            },
            doc_type: "doc".into(),
            validity_info: ValidityInfo {
                signed: at,
                valid_from: at,
                valid_until: at,
                expected_update: None,
            },
            status: None,
            other: Vec::new(),
        };
        let mut refusals = 0;
        for len in [1usize, 3, 20, 63, 64, 65, 66, 100, 150] {
            for round in 0..40 {
                let items = || {
                    let mut rng = ChaCha20Rng::seed_from_u64(len as u64 * 1000 + round);
                    let mut ids: Vec<u64> = (0..300).collect();
                    for i in (1..ids.len()).rev() {
                        ids.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
                    }
                    let mut items: Vec<Item> = ids[..len]
                        .iter()
                        .map(|&id| Item {
                            id,
                            identifier: format!("element_{id}"),
                            digest: digest_of(id),
                        })
                        .collect();
                    let pick = |rng: &mut ChaCha20Rng| (rng.next_u64() % len as u64) as usize;
                    match round % 5 {
                        1 => {
                            let (a, b) = (pick(&mut rng), pick(&mut rng));
                            items[a].identifier = items[b].identifier.clone();
                        }
                        2 => {
                            let (a, b) = (pick(&mut rng), pick(&mut rng));
                            items[a].id = items[b].id;
                            items[a].digest = items[b].digest;
                        }
                        3 => items[pick(&mut rng)].digest = digest_of(1000),
                        4 => items[pick(&mut rng)].id = 1000,
                        _ => {}
                    }
                    items
                };
                let listed = verified_elements([("ns", items().into_iter())], &mso)
                    .map_err(|e| e.to_string());
                let by_sets = by_sets(items(), &mso).map_err(|e| e.to_string());
                assert_eq!(listed, by_sets, "{len} items, round {round}");
                refusals += usize::from(listed.is_err());
            }
        }
        assert!(refusals > 200, "{refusals}");
    }
}
