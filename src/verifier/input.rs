//! What arrived to be verified: [`Presented`] for one document,
//! [`PresentedResponse`] for a DeviceResponse. `From` conversions let a
//! caller pass bytes or a decoded value directly.

use crate::device_response::{DeviceResponse, Document};
use crate::issuer_signed::IssuerSigned;

/// One document as it arrived, for [`Verifier::verify`](super::Verifier::verify).
///
/// Bytes (`&[u8]`, `&Vec<u8>`) are an encoded IssuerSigned, as an issuer
/// hands it to a wallet or a backend imports it; a DeviceResponse or a
/// Document given as such bytes is refused with `invalid_structure` and a
/// message saying what it is.
#[derive(Debug, Clone, Copy)]
pub enum Presented<'a> {
    /// An encoded IssuerSigned.
    IssuerSignedBytes(&'a [u8]),
    /// A decoded IssuerSigned.
    IssuerSigned(&'a IssuerSigned),
    /// One Document of a DeviceResponse: needs the session transcript.
    Document(&'a Document),
}

impl<'a> From<&'a [u8]> for Presented<'a> {
    fn from(bytes: &'a [u8]) -> Presented<'a> {
        Presented::IssuerSignedBytes(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for Presented<'a> {
    fn from(bytes: &'a Vec<u8>) -> Presented<'a> {
        Presented::IssuerSignedBytes(bytes)
    }
}

impl<'a> From<&'a IssuerSigned> for Presented<'a> {
    fn from(issuer_signed: &'a IssuerSigned) -> Presented<'a> {
        Presented::IssuerSigned(issuer_signed)
    }
}

impl<'a> From<&'a Document> for Presented<'a> {
    fn from(document: &'a Document) -> Presented<'a> {
        Presented::Document(document)
    }
}

/// A DeviceResponse as it arrived, for
/// [`Verifier::verify_response`](super::Verifier::verify_response).
///
/// Bytes that hold an IssuerSigned are refused with `invalid_structure` and
/// a message saying what they are.
#[derive(Debug, Clone, Copy)]
pub enum PresentedResponse<'a> {
    /// An encoded DeviceResponse.
    Bytes(&'a [u8]),
    /// A decoded DeviceResponse.
    Decoded(&'a DeviceResponse),
}

impl<'a> From<&'a [u8]> for PresentedResponse<'a> {
    fn from(bytes: &'a [u8]) -> PresentedResponse<'a> {
        PresentedResponse::Bytes(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for PresentedResponse<'a> {
    fn from(bytes: &'a Vec<u8>) -> PresentedResponse<'a> {
        PresentedResponse::Bytes(bytes)
    }
}

impl<'a> From<&'a DeviceResponse> for PresentedResponse<'a> {
    fn from(response: &'a DeviceResponse) -> PresentedResponse<'a> {
        PresentedResponse::Decoded(response)
    }
}
