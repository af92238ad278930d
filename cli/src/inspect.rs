//! `docbridge inspect FILE`: what a file is and what it says, WITHOUT
//! verifying anything. The kind is detected by trying the library's own
//! decoders in turn (the tool parses nothing itself); the output, text or
//! `--json`, is marked unverified.

use std::path::Path;
use std::process::ExitCode;

use docbridge::cose::Sign1;
use docbridge::device_response::DeviceResponse;
use docbridge::documents::json::elements_to_json;
use docbridge::engagement::{DeviceEngagement, from_qr_uri};
use docbridge::session::{SessionData, SessionEstablishment};
use docbridge::status::StatusListToken;
use docbridge::{DeviceRequest, IssuerSigned, SignedTrustList, TrustList};
use serde_json::{Value as Json, json};

use super::{ToolError, format_time, print_json_value};
use crate::input::read_engagement;

/// The first line of every text output.
const UNVERIFIED: &str =
    "UNVERIFIED: decoded only; no signature, digest, certificate or date was checked.";

/// Inspects `file`: its kind and content, as text or JSON.
pub(crate) fn run(file: &Path, json: bool) -> Result<ExitCode, ToolError> {
    let bytes = read_engagement(file)?;
    let (kind, content) = describe(&bytes)?;
    if json {
        let mut out = json!({"unverified": true, "kind": kind});
        if let (Some(out), Json::Object(content)) = (out.as_object_mut(), content) {
            out.extend(content);
        }
        print_json_value(&out);
    } else if kind == "IssuerSigned" {
        print_issuer_signed(bytes.as_slice())?;
    } else {
        println!("{UNVERIFIED}");
        println!("  kind: {kind}");
        print_text(&content, 1);
    }
    Ok(ExitCode::SUCCESS)
}

/// The kind of `bytes` and their content as JSON; the error of the
/// likeliest kind (IssuerSigned) when no decoder takes them.
fn describe(bytes: &[u8]) -> Result<(&'static str, Json), ToolError> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && text.trim().to_ascii_lowercase().starts_with("mdoc:")
    {
        let engagement = DeviceEngagement::from_slice(&from_qr_uri(text.trim())?)?;
        return Ok((
            "DeviceEngagement (QR mdoc: URI)",
            engagement_json(&engagement),
        ));
    }
    if IssuerSigned::from_slice(bytes).is_ok() {
        return Ok(("IssuerSigned", issuer_signed_json(bytes)?));
    }
    if let Ok(response) = DeviceResponse::from_slice(bytes) {
        return Ok(("DeviceResponse", response_json(&response)));
    }
    if let Ok(request) = DeviceRequest::from_slice(bytes) {
        return Ok(("DeviceRequest", request_json(&request)));
    }
    if let Ok(signed) = SignedTrustList::from_slice(bytes) {
        let mut content = trust_list_json(&signed.inspect_unverified()?);
        if let Some(map) = content.as_object_mut() {
            map.insert("signerChain".into(), chain_json(signed.chain()));
        }
        return Ok(("trust list", content));
    }
    if let Some(signed) = crate::vical::detect(bytes) {
        let mut content = json!({
            "provider": signed.claimed_provider()?,
            "date": format_time(signed.claimed_date()?),
        });
        if let Some(map) = content.as_object_mut() {
            map.insert("signerChain".into(), chain_json(signed.chain()));
        }
        return Ok(("VICAL (`trust-list show` lists its authorities)", content));
    }
    if let Some(token) = status_token(bytes) {
        return Ok(("Status List Token", token));
    }
    if let Ok(engagement) = DeviceEngagement::from_slice(bytes) {
        return Ok(("DeviceEngagement", engagement_json(&engagement)));
    }
    if let Ok(message) = SessionEstablishment::from_slice(bytes) {
        return Ok((
            "SessionEstablishment",
            json!({"eReaderKeyBytes": message.e_reader_key_cose_bytes().len(), "dataBytes": message.data().len()}),
        ));
    }
    if let Ok(message) = SessionData::from_slice(bytes) {
        return Ok((
            "SessionData",
            json!({
                "dataBytes": message.data().map(<[u8]>::len),
                "status": message.status().map(|s| s.code()),
            }),
        ));
    }
    // None took it: the IssuerSigned decoder's error, with the kinds tried.
    let error = match IssuerSigned::from_slice(bytes) {
        Err(e) => format!("{e} ({})", e.code()),
        Ok(_) => String::new(),
    };
    Err(ToolError::invalid(format!(
        "not an IssuerSigned, DeviceResponse, DeviceRequest, trust list, VICAL, status \
         token, DeviceEngagement or session message; as an IssuerSigned: {error}"
    )))
}

fn chain_json(chain: &[docbridge::Certificate]) -> Json {
    chain
        .iter()
        .map(|c| json!({"subject": c.subject(), "issuer": c.issuer()}))
        .collect()
}

fn issuer_signed_json(bytes: &[u8]) -> Result<Json, ToolError> {
    let doc = docbridge::inspect(bytes)?;
    let status = doc
        .mso
        .status
        .as_ref()
        .and_then(|s| s.status_list.as_ref())
        .map(|list| json!({"idx": list.idx, "uri": list.uri}));
    Ok(json!({
        "docType": doc.mso.doc_type,
        "algorithm": doc.algorithm.to_string(),
        "digestAlgorithm": doc.mso.digest_algorithm.name(),
        "validFrom": format_time(doc.mso.validity_info.valid_from),
        "validUntil": format_time(doc.mso.validity_info.valid_until),
        "statusList": status,
        "certificates": chain_json(&doc.certificates),
        "claims": elements_to_json(&doc.elements),
    }))
}

/// The summary a document gets, aligned like `verify`'s.
fn print_issuer_signed(bytes: &[u8]) -> Result<(), ToolError> {
    let doc = docbridge::inspect(bytes)?;
    println!("{UNVERIFIED}");
    println!("  kind:            IssuerSigned");
    println!("  docType:         {}", doc.mso.doc_type);
    println!("  algorithm:       {}", doc.algorithm);
    println!("  digestAlgorithm: {}", doc.mso.digest_algorithm.name());
    println!(
        "  validity:        {} .. {}",
        format_time(doc.mso.validity_info.valid_from),
        format_time(doc.mso.validity_info.valid_until)
    );
    if let Some(list) = doc.mso.status.as_ref().and_then(|s| s.status_list.as_ref()) {
        println!("  status list:     index {} of {}", list.idx, list.uri);
    }
    for cert in &doc.certificates {
        println!(
            "  certificate:     {} (issuer {})",
            cert.subject(),
            cert.issuer()
        );
    }
    super::print_elements(&elements_to_json(&doc.elements));
    Ok(())
}

fn response_json(response: &DeviceResponse) -> Json {
    json!({
        "version": response.version,
        "status": response.status.name(),
        "documents": response.documents.iter().map(|d| d.doc_type()).collect::<Vec<_>>(),
        "documentErrors": response
            .document_errors
            .iter()
            .map(|(doc_type, code)| json!({"docType": doc_type, "code": code.code(), "name": code.name()}))
            .collect::<Vec<_>>(),
    })
}

fn request_json(request: &DeviceRequest) -> Json {
    let docs: Vec<Json> = request
        .doc_requests()
        .iter()
        .map(|doc| {
            let items = doc.items_request();
            json!({
                "docType": items.doc_type,
                "elements": items.name_spaces,
                "readerSigned": doc.reader_auth().is_some(),
            })
        })
        .collect();
    json!({"version": request.version(), "docRequests": docs})
}

fn trust_list_json(list: &TrustList) -> Json {
    json!({
        "operatorCountry": list.operator_country(),
        "sequence": list.sequence(),
        "issued": format_time(list.issued()),
        "nextUpdate": format_time(list.next_update()),
        "authorities": list.authorities().iter().map(|a| json!({
            "id": a.id(), "country": a.country(), "name": a.name(), "docTypes": a.doc_types(),
        })).collect::<Vec<_>>(),
    })
}

/// A Status List Token's claims, when `bytes` are a COSE_Sign1 carrying
/// them.
fn status_token(bytes: &[u8]) -> Option<Json> {
    let sign1 = Sign1::from_slice(bytes).ok()?;
    let claims = docbridge::cbor::decode(sign1.payload()?).ok()?;
    let token = StatusListToken::from_claims_value(&claims).ok()?;
    let list = token.status_list.decode().ok()?;
    Some(json!({
        "uri": token.uri,
        "issuedAt": format_time(token.issued_at),
        "expiresAt": format_time(token.expires_at),
        "ttl": token.ttl,
        "bits": list.bits().get(),
        "entries": list.len(),
        "counts": list.counts().into_iter().map(|(value, count)| (value.to_string(), Json::from(count))).collect::<serde_json::Map<String, Json>>(),
    }))
}

fn engagement_json(engagement: &DeviceEngagement) -> Json {
    json!({
        "version": engagement.version(),
        "eDeviceKey": engagement.e_device_key().algorithm().to_string(),
        "retrievalMethods": engagement
            .retrieval_methods()
            .iter()
            .map(|m| json!({"type": m.kind, "version": m.version}))
            .collect::<Vec<_>>(),
    })
}

/// Prints JSON content as indented `name: value` lines.
fn print_text(value: &Json, depth: usize) {
    let indent = "  ".repeat(depth);
    match value {
        Json::Object(map) => {
            for (name, value) in map {
                match value {
                    Json::Object(_) | Json::Array(_) if !is_flat(value) => {
                        println!("{indent}{name}:");
                        print_text(value, depth + 1);
                    }
                    other => println!("{indent}{name}: {}", shown(other)),
                }
            }
        }
        Json::Array(items) => {
            for item in items {
                match item {
                    Json::Object(_) | Json::Array(_) => {
                        println!("{indent}-");
                        print_text(item, depth + 1);
                    }
                    other => println!("{indent}- {}", shown(other)),
                }
            }
        }
        other => println!("{indent}{}", shown(other)),
    }
}

fn is_flat(value: &Json) -> bool {
    match value {
        Json::Array(items) => items.iter().all(|i| !i.is_object() && !i.is_array()),
        Json::Object(map) => map.is_empty(),
        _ => true,
    }
}

/// A value on one line; long text (a portrait) by its length only.
fn shown(value: &Json) -> String {
    match value {
        Json::String(s) if s.len() > 60 => format!("<{} characters>", s.len()),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}
