//! `docbridge engagement qr | nfc | show`: the holder's device engagement
//! (ISO/IEC 18013-5 8.2) as a QR `mdoc:` URI or an NFC Handover Select, and
//! what a reader reads from either.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::deps::p256::pkcs8::{EncodePrivateKey as _, LineEnding};
use docbridge::engagement::handover::{self, Handover, HandoverKind};
use docbridge::engagement::{
    BleOptions, DeviceEngagement, DeviceRetrievalMethod, from_qr_uri, to_qr_uri,
};
use docbridge::session;
use docbridge::trust::demo::{Overwrite, write_secret_file};

use super::{ToolError, system_rng, write};

#[derive(Subcommand)]
pub(crate) enum EngagementCommand {
    /// A QR engagement: prints the `mdoc:` URI (BLE, mdoc peripheral server).
    #[command(
        after_help = "Example:\n  docbridge engagement qr --key-out device-ephemeral.key.pem"
    )]
    Qr(MakeArgs),
    /// An NFC static handover: writes the Handover Select message.
    #[command(
        after_help = "Example:\n  docbridge engagement nfc --key-out device-ephemeral.key.pem --out hs.bin"
    )]
    Nfc {
        #[command(flatten)]
        make: MakeArgs,
        /// Output file (the Handover Select NDEF message).
        #[arg(long)]
        out: PathBuf,
    },
    /// Read an engagement: a file holding `mdoc:` text or a Handover Select.
    #[command(
        after_help = "Examples:\n  docbridge engagement show hs.bin\n  docbridge engagement show qr.txt"
    )]
    Show {
        /// The file.
        file: PathBuf,
    },
}

#[derive(Args)]
pub(crate) struct MakeArgs {
    /// The BLE service UUID as 32 hex digits (default: random).
    #[arg(long)]
    ble_uuid: Option<String>,
    /// Output file for the ephemeral device private key (PKCS#8 PEM).
    #[arg(long)]
    key_out: PathBuf,
}

pub(crate) fn run(command: EngagementCommand) -> Result<ExitCode, ToolError> {
    match command {
        EngagementCommand::Qr(make) => {
            let (engagement, _) = engagement(&make)?;
            println!("{}", to_qr_uri(engagement.bytes()));
        }
        EngagementCommand::Nfc { make, out } => {
            let (engagement, uuid) = engagement(&make)?;
            let carrier = handover::ble_carrier(b"0", 0x00, Some(uuid));
            let select = Handover::select(engagement.bytes(), vec![carrier])?.to_vec()?;
            write(&out, &select)?;
            println!(
                "Handover Select ({} bytes) written to {}",
                select.len(),
                out.display()
            );
        }
        EngagementCommand::Show { file } => show(&crate::input::read_engagement(&file)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn engagement(make: &MakeArgs) -> Result<(DeviceEngagement, [u8; 16]), ToolError> {
    let mut rng = system_rng();
    let uuid: [u8; 16] = match &make.ble_uuid {
        Some(text) => decode_uuid(text)?,
        None => {
            let mut uuid = [0u8; 16];
            rand_core::Rng::fill_bytes(&mut rng, &mut uuid);
            uuid
        }
    };
    let key = session::generate_ephemeral_key(&mut rng);
    let pem = key
        .secret_key()
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| ToolError::invalid(format!("cannot encode the key: {e}")))?;
    // A one-time key: replacing an older one loses nothing.
    write_secret_file(&make.key_out, &pem, Overwrite::Replace)?;
    let ble = BleOptions {
        peripheral_server_mode: true,
        peripheral_server_uuid: Some(uuid),
        ..BleOptions::default()
    };
    let engagement = DeviceEngagement::new(
        &key.public_key(),
        vec![DeviceRetrievalMethod::from_ble(&ble)],
    )?;
    Ok((engagement, uuid))
}

fn decode_uuid(text: &str) -> Result<[u8; 16], ToolError> {
    let digits: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
    let mut uuid = [0u8; 16];
    hex::decode_to_slice(&digits, &mut uuid)
        .map_err(|_| ToolError::invalid(format!("{text:?} is not a 128-bit UUID in hex")))?;
    Ok(uuid)
}

fn show(input: &[u8]) -> Result<(), ToolError> {
    let engagement_bytes = match std::str::from_utf8(input) {
        Ok(text) if text.trim().to_ascii_lowercase().starts_with("mdoc:") => {
            println!("QR engagement");
            from_qr_uri(text)?
        }
        _ => {
            let message = Handover::from_slice(input)?;
            if message.kind != HandoverKind::Select {
                return Err(ToolError::invalid(
                    "an NFC Handover Request, not a Select".into(),
                ));
            }
            println!("NFC Handover Select, version {:#04x}", message.version);
            for carrier in message.alternative_carriers()? {
                let record = message.carrier(&carrier);
                println!(
                    "  carrier {:?}: {}",
                    String::from_utf8_lossy(&carrier.carrier_data_reference),
                    record.map_or_else(
                        || "(no record)".to_string(),
                        |r| String::from_utf8_lossy(&r.record_type).into_owned()
                    )
                );
            }
            message.device_engagement()?.to_vec()
        }
    };
    let engagement = DeviceEngagement::from_slice(&engagement_bytes)?;
    println!("DeviceEngagement version {}", engagement.version());
    println!(
        "  EDeviceKey (COSE_Key): {}",
        hex::encode(engagement.e_device_key_cose())
    );
    for method in engagement.retrieval_methods() {
        match method.ble()? {
            Some(ble) => println!(
                "  BLE: peripheral server {} (UUID {}), central client {} (UUID {})",
                ble.peripheral_server_mode,
                ble.peripheral_server_uuid
                    .map_or_else(|| "-".into(), hex::encode),
                ble.central_client_mode,
                ble.central_client_uuid
                    .map_or_else(|| "-".into(), hex::encode),
            ),
            None => println!(
                "  retrieval method type {} version {}",
                method.kind, method.version
            ),
        }
    }
    Ok(())
}
