//! VICALs (ISO/IEC 18013-5 Annex C, the lists AAMVA, Austroads and RDW
//! publish) on the command line: `trust-list show` and `trust-list verify`
//! of a VICAL, and the trust `verify --vical` adds. All reading and
//! verifying is the library's (`docbridge::trust::vical`, `TrustStore`).

use std::path::PathBuf;

use docbridge::trust::vical::{SignedVical, VerifiedVical};
use docbridge::{Certificate, Error, SignedTrustList, TrustStore};
use time::OffsetDateTime;

use super::{ToolError, format_time, read_cbor, read_der};

/// The VICAL `bytes` hold, if they are one: a COSE_Sign1 that is not one of
/// the project's trust lists (those carry their own `typ`) and whose
/// payload names a `vicalProvider`.
pub(crate) fn detect(bytes: &[u8]) -> Option<SignedVical> {
    if SignedTrustList::from_slice(bytes).is_ok() {
        return None;
    }
    let signed = SignedVical::from_slice(bytes).ok()?;
    signed.claimed_provider().ok()?;
    Some(signed)
}

/// `trust-list show` of a VICAL: its entries as the library imports them,
/// read through the VICAL's own chain at its own date, so the signature is
/// checked but the signer is trusted by no root.
pub(crate) fn show(signed: &SignedVical) -> Result<(), ToolError> {
    println!(
        "UNVERIFIED: read through the VICAL's own certificate chain; its signer was \
         checked against no pinned root."
    );
    for certificate in signed.chain() {
        println!(
            "  signer chain:    {} (issuer {})",
            certificate.subject(),
            certificate.issuer()
        );
    }
    let top = signed
        .chain()
        .last()
        .cloned()
        .ok_or(Error::X5ChainMissing)?;
    let vical = signed.verify(std::slice::from_ref(&top), signed.claimed_date()?)?;
    print_vical(&vical);
    Ok(())
}

/// Prints a VICAL: provider, date, issue ID and every authority, then the
/// entries the library skipped and why.
pub(crate) fn print_vical(vical: &VerifiedVical) {
    println!("  provider:        {}", vical.provider());
    println!("  version:         {}", vical.version());
    println!("  date:            {}", format_time(vical.date()));
    println!("  issue ID:        {}", vical.issue_id());
    match vical.next_update() {
        Some(next) => println!("  next update:     {}", format_time(next)),
        None => println!("  next update:     (none given)"),
    }
    for authority in vical.authorities() {
        println!(
            "  authority:       {} {:?} ({})",
            authority.id(),
            authority.name(),
            authority.country()
        );
        for doc_type in authority.doc_types() {
            println!("    may issue:     {doc_type}");
        }
    }
    for skipped in vical.skipped() {
        println!(
            "  skipped entry {}: {} ({}: {})",
            skipped.index,
            skipped.subject.as_deref().unwrap_or("(unreadable subject)"),
            skipped.error.code(),
            skipped.error
        );
    }
}

/// A VICAL's JSON for `trust-list verify --json`, in the members of the
/// library's trust-list report where they mean the same.
pub(crate) fn json(outcome: &Result<VerifiedVical, Error>) -> serde_json::Value {
    let vical = match outcome {
        Ok(vical) => vical,
        Err(e) => {
            return serde_json::json!({
                "format": docbridge::report::FORMAT,
                "valid": false,
                "error": {"code": e.code(), "message": e.to_string()},
            });
        }
    };
    let authorities: Vec<serde_json::Value> = vical
        .authorities()
        .iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id(),
                "country": a.country(),
                "name": a.name(),
                "docTypes": a.doc_types(),
                "iacaCertificates": a.iaca_certificates().iter().map(|c| c.subject()).collect::<Vec<_>>(),
                "validFrom": a.valid_from().map(format_time),
                "validUntil": a.valid_until().map(format_time),
            })
        })
        .collect();
    let skipped: Vec<serde_json::Value> = vical
        .skipped()
        .iter()
        .map(|s| {
            serde_json::json!({
                "index": s.index,
                "subject": s.subject,
                "code": s.error.code(),
                "message": s.error.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "format": docbridge::report::FORMAT,
        "valid": true,
        "listFormat": "vical",
        "provider": vical.provider(),
        "version": vical.version(),
        "date": format_time(vical.date()),
        "issueId": vical.issue_id(),
        "nextUpdate": vical.next_update().map(format_time),
        "authorities": authorities,
        "skipped": skipped,
    })
}

/// Pins the `--vical-root` certificates and takes the `--vical` files into
/// `store`. A root given as `PROVIDER=FILE` is pinned for that provider
/// only; a bare `FILE` for the provider of every VICAL given. A refused
/// VICAL is the refusal of the verification that needs it.
pub(crate) fn add_to_store(
    store: &mut TrustStore,
    vicals: &[PathBuf],
    roots: &[String],
    now: OffsetDateTime,
) -> Result<Result<(), Error>, ToolError> {
    let mut files = Vec::new();
    for path in vicals {
        let bytes = read_cbor(path)?;
        let provider = match SignedVical::from_slice(&bytes).and_then(|s| s.claimed_provider()) {
            Ok(provider) => provider,
            Err(e) => return Ok(Err(e)),
        };
        files.push((provider, bytes));
    }
    for given in roots {
        let (only, path) = match given.split_once('=') {
            Some((provider, path)) if !provider.is_empty() => (Some(provider), path),
            _ => (None, given.as_str()),
        };
        for anchor in Certificate::load_all(&read_der(std::path::Path::new(path))?)? {
            for (provider, _) in &files {
                if only.is_none_or(|only| only == provider) {
                    store.pin_vical_provider(provider, anchor.clone())?;
                }
            }
        }
    }
    for (_, bytes) in &files {
        if let Err(e) = store.update_vical(bytes, now) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}
