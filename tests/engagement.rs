//! Device engagement (ISO/IEC 18013-5 8.2): the Annex D engagements decode
//! and re-encode byte for byte, the reader and holder reach the Annex D
//! SessionTranscript and session messages from the NFC handover alone,
//! round trips of every message both ways, and each refusal with its code.
//! Needs the shared vectors in `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::engagement::handover::{self, AlternativeCarrier, PowerState};
use docbridge::engagement::ndef::{NdefRecord, Tnf};
use docbridge::engagement::{
    BleOptions, DeviceEngagement, DeviceRetrievalMethod, EngagementChannel, Handover, HandoverKind,
    WifiAwareOptions, from_qr_uri, holder_start, reader_from_nfc, reader_from_qr, to_qr_uri,
};
use docbridge::session::{self, SessionEstablishment};
use docbridge::{Error, PublicKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/iso18013-5-annex-d/multipaz"
);

fn mp(name: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}/{name}.hex");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: cannot read {path} ({e}); CI provides ../shared")
    });
    hex::decode(text.trim()).unwrap()
}

fn secret(name: &str) -> p256::SecretKey {
    p256::SecretKey::from_slice(&mp(name)).unwrap()
}

/// The secret of a new ephemeral P-256 session key drawn from `rng`.
fn fresh_secret(rng: &mut ChaCha20Rng) -> p256::SecretKey {
    session::generate_ephemeral_key(rng).secret_key().clone()
}

/// A session key for one call (the tests reuse their fixed keys on purpose).
fn eph(key: &p256::SecretKey) -> session::EphemeralKey {
    session::EphemeralKey::from_secret_key(key.clone())
}

fn public_from_xy(prefix: &str) -> PublicKey {
    let mut sec1 = vec![0x04];
    sec1.extend(mp(&format!("{prefix}_x")));
    sec1.extend(mp(&format!("{prefix}_y")));
    PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap())
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// The Handover Select and Request inside the Annex D SessionTranscript.
fn annex_d_handover() -> (Vec<u8>, Vec<u8>) {
    let transcript = cbor::decode(&mp("session_transcript_bytes")).unwrap();
    let inner = cbor::decode(cbor::untag24(&transcript, "t").unwrap()).unwrap();
    let items = cbor::as_array(&inner, "t").unwrap();
    let handover = cbor::as_array(&items[2], "h").unwrap();
    (
        cbor::as_bytes(&handover[0], "hs").unwrap().to_vec(),
        cbor::as_bytes(&handover[1], "hr").unwrap().to_vec(),
    )
}

#[test]
fn annex_d_qr_engagement_decodes_and_reencodes_byte_for_byte() {
    if !external::available(ANNEX_D) {
        return;
    }
    let bytes = mp("device_engagement");
    let engagement = DeviceEngagement::from_slice(&bytes).unwrap();
    assert_eq!(engagement.version(), "1.0");
    assert_eq!(
        engagement.e_device_key(),
        &public_from_xy("ephemeral_device_key")
    );
    let [ble] = engagement.retrieval_methods() else {
        panic!("one retrieval method expected");
    };
    assert_eq!((ble.kind, ble.version), (2, 1));
    assert_eq!(
        ble.ble().unwrap(),
        Some(BleOptions {
            peripheral_server_mode: false,
            central_client_mode: true,
            central_client_uuid: Some(
                hex::decode("45efef742b2c4837a9a3b0e1d05a6917")
                    .unwrap()
                    .try_into()
                    .unwrap()
            ),
            ..BleOptions::default()
        })
    );
    assert_eq!(engagement.bytes(), bytes.as_slice());
    assert_eq!(engagement.to_vec().unwrap(), bytes);
    // The QR code of it reads back to the same bytes.
    let uri = to_qr_uri(&bytes);
    assert!(uri.starts_with("mdoc:owBjMS4wAYIB2BhYS6QBAiABIVgg"));
    assert_eq!(
        from_qr_uri(&format!("  MDOC:{}\n", &uri[5..])).unwrap(),
        bytes
    );
}

#[test]
fn annex_d_nfc_handover_decodes_and_reencodes_byte_for_byte() {
    if !external::available(ANNEX_D) {
        return;
    }
    let (select_bytes, request_bytes) = annex_d_handover();
    let select = Handover::from_slice(&select_bytes).unwrap();
    assert_eq!(select.kind, HandoverKind::Select);
    assert_eq!(select.version, 0x15);
    assert_eq!(
        select.alternative_carriers().unwrap(),
        [AlternativeCarrier {
            power_state: PowerState::Active,
            carrier_data_reference: b"0".to_vec(),
            auxiliary_data_references: vec![b"mdoc".to_vec()],
        }]
    );
    let carrier = select
        .carrier(&select.alternative_carriers().unwrap()[0])
        .unwrap();
    assert!(carrier.is(Tnf::Media, handover::BLE_OOB_TYPE));
    assert_eq!(select.to_vec().unwrap(), select_bytes);

    // The NFC variant of the engagement: version and security only.
    let engagement_bytes = select.device_engagement().unwrap();
    let engagement = DeviceEngagement::from_slice(engagement_bytes).unwrap();
    assert!(engagement.retrieval_methods().is_empty());
    assert_eq!(
        engagement.e_device_key(),
        &public_from_xy("ephemeral_device_key")
    );
    assert_eq!(engagement.to_vec().unwrap(), engagement_bytes);

    let request = Handover::from_slice(&request_bytes).unwrap();
    assert_eq!(request.kind, HandoverKind::Request);
    assert_eq!(request.collision_resolution(), Some(0x0102));
    let references: Vec<Vec<u8>> = request
        .alternative_carriers()
        .unwrap()
        .into_iter()
        .map(|c| c.carrier_data_reference)
        .collect();
    assert_eq!(references, [b"0".to_vec(), b"nfc".to_vec(), b"W".to_vec()]);
    assert!(request.device_engagement().is_err());
    assert_eq!(request.to_vec().unwrap(), request_bytes);
}

#[test]
fn annex_d_reader_and_holder_reach_the_published_session_from_nfc() {
    if !external::available(ANNEX_D) {
        return;
    }
    let (select, request) = annex_d_handover();
    let reader_key = secret("ephemeral_reader_key_d");
    let mut reader = reader_from_nfc(&select, Some(&request), eph(&reader_key)).unwrap();
    assert_eq!(
        reader.session_transcript_bytes,
        mp("session_transcript_bytes")
    );
    let establishment = reader.session.establishment(&mp("device_request")).unwrap();
    assert_eq!(establishment, mp("session_establishment"));

    let engagement = DeviceEngagement::from_slice(
        Handover::from_slice(&select)
            .unwrap()
            .device_engagement()
            .unwrap(),
    )
    .unwrap();
    let channel = EngagementChannel::Nfc {
        handover_select: select.clone(),
        handover_request: Some(request.clone()),
    };
    let device_key = secret("ephemeral_device_key_d");
    let mut holder = holder_start(&engagement, eph(&device_key), &channel, &establishment).unwrap();
    assert_eq!(holder.request, mp("device_request"));
    assert_eq!(
        holder.session_transcript_bytes,
        mp("session_transcript_bytes")
    );
    let response = holder
        .session
        .encrypt_response(&mp("device_response"))
        .unwrap();
    assert_eq!(response, mp("session_data"));
    assert_eq!(
        reader.session.decrypt_response(&response).unwrap().data,
        Some(mp("device_response"))
    );

    // Without the Handover Request the transcript differs, so the holder
    // cannot read the reader's request.
    let static_channel = EngagementChannel::Nfc {
        handover_select: select,
        handover_request: None,
    };
    assert_eq!(
        code(holder_start(
            &engagement,
            eph(&device_key),
            &static_channel,
            &establishment
        )),
        "session_decryption_failed"
    );
}

#[test]
fn built_engagements_round_trip_over_qr_and_nfc() {
    let mut rng = ChaCha20Rng::seed_from_u64(14);
    let device_key = fresh_secret(&mut rng);
    let reader_key = fresh_secret(&mut rng);
    let ble = BleOptions {
        peripheral_server_mode: true,
        central_client_mode: false,
        peripheral_server_uuid: Some([0xab; 16]),
        peripheral_server_address: Some([1, 2, 3, 4, 5, 6]),
        ..BleOptions::default()
    };
    let origin_infos = Value::Array(vec![Value::Text("https://example.pl".into())]);
    let engagement = DeviceEngagement::new(
        &session::public_key_of(&device_key),
        vec![
            DeviceRetrievalMethod::from_ble(&ble),
            DeviceRetrievalMethod::from_nfc(255, 65_536),
        ],
    )
    .unwrap()
    .with_entry(5, origin_infos.clone())
    .unwrap();
    let read = DeviceEngagement::from_slice(engagement.bytes()).unwrap();
    assert_eq!(read, engagement);
    assert_eq!(read.retrieval_methods()[0].ble().unwrap(), Some(ble));
    assert_eq!(read.retrieval_methods()[1].ble().unwrap(), None);
    assert_eq!(read.entry(5), Some(&origin_infos));
    assert_eq!(
        code(engagement.clone().with_entry(1, Value::Null)),
        "invalid_argument"
    );

    for channel in ["qr", "nfc-static", "nfc-negotiated"] {
        let (mut reader, holder_channel) = match channel {
            "qr" => (
                reader_from_qr(&to_qr_uri(engagement.bytes()), eph(&reader_key)).unwrap(),
                EngagementChannel::Qr,
            ),
            _ => {
                let carrier = handover::ble_carrier(b"0", 0x00, Some([0xab; 16]));
                let select = Handover::select(engagement.bytes(), vec![carrier.clone()])
                    .unwrap()
                    .to_vec()
                    .unwrap();
                let request = (channel == "nfc-negotiated").then(|| {
                    Handover::request(7, vec![carrier])
                        .unwrap()
                        .to_vec()
                        .unwrap()
                });
                let parsed = Handover::from_slice(&select).unwrap();
                assert_eq!(parsed.device_engagement().unwrap(), engagement.bytes());
                assert_eq!(
                    Handover::from_slice(&select).unwrap().to_vec().unwrap(),
                    select
                );
                (
                    reader_from_nfc(&select, request.as_deref(), eph(&reader_key)).unwrap(),
                    EngagementChannel::Nfc {
                        handover_select: select,
                        handover_request: request,
                    },
                )
            }
        };
        assert_eq!(reader.engagement, engagement);
        let establishment = reader.session.establishment(b"DeviceRequest").unwrap();
        let mut holder = holder_start(
            &engagement,
            eph(&device_key),
            &holder_channel,
            &establishment,
        )
        .unwrap();
        assert_eq!(holder.request, b"DeviceRequest", "{channel}");
        assert_eq!(
            holder.session_transcript_bytes, reader.session_transcript_bytes,
            "{channel}"
        );
        let response = holder.session.encrypt_response(b"DeviceResponse").unwrap();
        assert_eq!(
            reader
                .session
                .decrypt_response(&response)
                .unwrap()
                .data
                .as_deref(),
            Some(&b"DeviceResponse"[..])
        );
    }
}

#[test]
fn wifi_aware_options_are_typed_and_unknown_options_kept() {
    let mut rng = ChaCha20Rng::seed_from_u64(15);
    let device_key = fresh_secret(&mut rng);
    let options = WifiAwareOptions {
        passphrase: Some("kot-w-butach".into()),
        operating_class: Some(81),
        channel_number: Some(6),
        supported_bands: Some(vec![0x01, 0x04]),
        other: vec![(Value::Integer(7.into()), Value::Text("later".into()))],
    };
    let engagement = DeviceEngagement::new(
        &session::public_key_of(&device_key),
        vec![DeviceRetrievalMethod::from_wifi_aware_options(&options)],
    )
    .unwrap();
    let read = DeviceEngagement::from_slice(engagement.bytes()).unwrap();
    assert_eq!(read.to_vec().unwrap(), engagement.bytes());
    let method = &read.retrieval_methods()[0];
    assert_eq!(method.kind, 3);
    assert_eq!(method.version, 1);
    assert_eq!(method.wifi_aware().unwrap(), Some(options.clone()));
    assert_eq!(method.ble().unwrap(), None);
    // The options map as ISO/IEC 18013-5 8.2.2.2 lays it out, then the
    // unknown option.
    assert_eq!(
        cbor::encode(&method.options).unwrap(),
        hex::decode("a5006c6b6f742d772d62757461636801185102060342010407656c61746572").unwrap()
    );
    // Every option is optional.
    let empty = DeviceRetrievalMethod::from_wifi_aware_options(&WifiAwareOptions::default());
    assert_eq!(empty.options, Value::Map(Vec::new()));
    assert_eq!(
        empty.wifi_aware().unwrap(),
        Some(WifiAwareOptions::default())
    );
    // The untyped constructor and the typed reading agree.
    let untyped = DeviceRetrievalMethod::from_wifi_aware(vec![
        (Value::Integer(2.into()), Value::Integer(149.into())),
        (Value::Integer((-1).into()), Value::Bool(true)),
    ]);
    assert_eq!(
        untyped.wifi_aware().unwrap(),
        Some(WifiAwareOptions {
            channel_number: Some(149),
            other: vec![(Value::Integer((-1).into()), Value::Bool(true))],
            ..WifiAwareOptions::default()
        })
    );
    assert_eq!(
        DeviceRetrievalMethod::from_nfc(255, 255)
            .wifi_aware()
            .unwrap(),
        None
    );
    // Known options of the wrong type, or given twice.
    for bad in [
        vec![(Value::Integer(0.into()), Value::Bytes(vec![1]))],
        vec![(Value::Integer(1.into()), Value::Integer((-1).into()))],
        vec![(Value::Integer(2.into()), Value::Text("6".into()))],
        vec![(Value::Integer(3.into()), Value::Integer(1.into()))],
        vec![
            (Value::Integer(2.into()), Value::Integer(6.into())),
            (Value::Integer(2.into()), Value::Integer(11.into())),
        ],
    ] {
        assert_eq!(
            code(DeviceRetrievalMethod::from_wifi_aware(bad.clone()).wifi_aware()),
            "engagement_malformed",
            "{bad:?}"
        );
    }
}

#[test]
fn engagement_refusals() {
    if !external::available(ANNEX_D) {
        return;
    }
    let bytes = mp("device_engagement");
    type Entries = Vec<(Value, Value)>;
    let reencode = |edit: &dyn Fn(&mut Entries)| {
        let Value::Map(mut map) = cbor::decode(&bytes).unwrap() else {
            unreachable!()
        };
        edit(&mut map);
        cbor::encode(&Value::Map(map)).unwrap()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not a map", cbor::encode(&Value::Array(vec![])).unwrap()),
        (
            "no version",
            reencode(&|m| {
                m.remove(0);
            }),
        ),
        (
            "version 2.0",
            reencode(&|m| m[0].1 = Value::Text("2.0".into())),
        ),
        (
            "no security",
            reencode(&|m| {
                m.remove(1);
            }),
        ),
        (
            "cipher suite 2",
            reencode(&|m| {
                let Value::Array(security) = &mut m[1].1 else {
                    unreachable!()
                };
                security[0] = Value::Integer(2.into());
            }),
        ),
        (
            "key not tag 24",
            reencode(&|m| {
                let Value::Array(security) = &mut m[1].1 else {
                    unreachable!()
                };
                security[1] = Value::Bytes(vec![1]);
            }),
        ),
        ("methods not an array", reencode(&|m| m[2].1 = Value::Null)),
        (
            "method of two items",
            reencode(&|m| {
                m[2].1 = Value::Array(vec![Value::Array(vec![Value::Integer(2.into()); 2])])
            }),
        ),
        (
            "nine methods",
            reencode(&|m| {
                let Value::Array(methods) = &m[2].1 else {
                    unreachable!()
                };
                m[2].1 = Value::Array(vec![methods[0].clone(); 9]);
            }),
        ),
        (
            "text key",
            reencode(&|m| m.push((Value::Text("x".into()), Value::Null))),
        ),
    ];
    for (what, input) in cases {
        assert_eq!(
            code(DeviceEngagement::from_slice(&input)),
            "engagement_malformed",
            "{what}"
        );
    }
    // A BLE UUID of the wrong length is refused when the options are read.
    let short_uuid = reencode(&|m| {
        let Value::Array(methods) = &mut m[2].1 else {
            unreachable!()
        };
        let Value::Array(method) = &mut methods[0] else {
            unreachable!()
        };
        method[2] = Value::Map(vec![(Value::Integer(11.into()), Value::Bytes(vec![1; 15]))]);
    });
    let engagement = DeviceEngagement::from_slice(&short_uuid).unwrap();
    assert_eq!(
        code(engagement.retrieval_methods()[0].ble()),
        "engagement_malformed"
    );
    // An unknown entry is kept and written back in place.
    let extended = reencode(&|m| m.push((Value::Integer(99.into()), Value::Text("later".into()))));
    let engagement = DeviceEngagement::from_slice(&extended).unwrap();
    assert_eq!(engagement.entry(99), Some(&Value::Text("later".into())));
    assert_eq!(engagement.to_vec().unwrap(), extended);

    for text in [
        "",
        "mdoc",
        "https://x",
        "mdoc:!!",
        "mdoc:owBjMS4wAYIB2BhYS6Q=",
    ] {
        assert_eq!(code(from_qr_uri(text)), "engagement_malformed", "{text:?}");
    }
    let huge = format!("mdoc:{}", "A".repeat(12 * 1024 * 1024));
    assert_eq!(code(from_qr_uri(&huge)), "engagement_malformed");
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let key = fresh_secret(&mut rng);
    assert_eq!(
        code(reader_from_qr(&to_qr_uri(&[0xa0]), eph(&key))),
        "engagement_malformed"
    );
}

#[test]
fn handover_refusals() {
    if !external::available(ANNEX_D) {
        return;
    }
    let (select, request) = annex_d_handover();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let key = fresh_secret(&mut rng);
    // The reader's own Request where the Select belongs, and the reverse.
    assert_eq!(
        code(reader_from_nfc(&request, None, eph(&key))),
        "engagement_malformed"
    );
    assert_eq!(
        code(reader_from_nfc(&select, Some(&select), eph(&key))),
        "invalid_argument"
    );
    // A message that is not a handover at all.
    let text = docbridge::engagement::ndef::encode_message(&[NdefRecord::new(
        Tnf::WellKnown,
        b"T",
        b"",
        b"\x02enhello".to_vec(),
    )])
    .unwrap();
    assert_eq!(code(Handover::from_slice(&text)), "engagement_malformed");
    // Handover version 2.x, a truncated alternative carrier, no engagement.
    let mut parsed = Handover::from_slice(&select).unwrap();
    parsed.version = 0x20;
    assert_eq!(
        code(Handover::from_slice(&parsed.to_vec().unwrap())),
        "engagement_malformed"
    );
    let mut parsed = Handover::from_slice(&select).unwrap();
    parsed.embedded[0].payload.truncate(4);
    assert_eq!(
        code(Handover::from_slice(&parsed.to_vec().unwrap())),
        "engagement_malformed"
    );
    let mut parsed = Handover::from_slice(&select).unwrap();
    parsed.records.pop();
    let without = parsed.to_vec().unwrap();
    assert_eq!(
        code(reader_from_nfc(&without, None, eph(&key))),
        "engagement_malformed"
    );
    // Every truncation of the Annex D select is refused, never a panic.
    for cut in 0..select.len() {
        assert!(Handover::from_slice(&select[..cut]).is_err(), "cut {cut}");
    }
    // Carrier records need IDs for their alternative carriers to name.
    let anonymous = NdefRecord::new(Tnf::Media, handover::BLE_OOB_TYPE, b"", vec![]);
    assert_eq!(
        code(Handover::select(&[0xa0], vec![anonymous])),
        "invalid_argument"
    );
}

#[test]
fn holder_refusals() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let device_key = fresh_secret(&mut rng);
    let reader_key = fresh_secret(&mut rng);
    let other = fresh_secret(&mut rng);
    let engagement =
        DeviceEngagement::new(&session::public_key_of(&device_key), Vec::new()).unwrap();
    let mut reader = reader_from_qr(&to_qr_uri(engagement.bytes()), eph(&reader_key)).unwrap();
    let establishment = reader.session.establishment(b"r").unwrap();
    assert_eq!(
        code(holder_start(
            &engagement,
            eph(&other),
            &EngagementChannel::Qr,
            &establishment
        )),
        "invalid_argument"
    );
    assert_eq!(
        code(holder_start(
            &engagement,
            eph(&device_key),
            &EngagementChannel::Qr,
            &[0xa0]
        )),
        "session_malformed"
    );
    // The engagement shown must be the one the reader scanned.
    let shown = DeviceEngagement::new(
        &session::public_key_of(&device_key),
        vec![DeviceRetrievalMethod::from_nfc(255, 255)],
    )
    .unwrap();
    assert_eq!(
        code(holder_start(
            &shown,
            eph(&device_key),
            &EngagementChannel::Qr,
            &establishment
        )),
        "session_decryption_failed"
    );
    assert!(SessionEstablishment::from_slice(&establishment).is_ok());
}

#[test]
fn every_bit_flip_of_the_annex_d_engagement_and_handover_is_read_or_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let (select, request) = annex_d_handover();
    for original in [mp("device_engagement"), select, request] {
        for bit in 0..original.len() * 8 {
            let mut flipped = original.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            // Either outcome is fine; a panic or a hang is not.
            let _ = DeviceEngagement::from_slice(&flipped);
            if let Ok(handover) = Handover::from_slice(&flipped) {
                let _ = handover.device_engagement();
                let _ = handover.to_vec();
            }
        }
    }
}
