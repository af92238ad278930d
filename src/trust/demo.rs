//! Demo issuing authorities: an IACA and a Document Signer with their
//! private keys, for examples, tests and conformance vectors. Never for
//! production: the keys are software keys, written to disk in clear.
//!
//! A demo authority is generated from an injected RNG, so the same seed gives
//! the same keys, serial numbers and certificates byte for byte. It can be
//! saved to a directory and loaded back (the command-line tool's
//! `authority new` and `issue --authority` use this):
//!
//! | file | content |
//! |---|---|
//! | `iaca.pem` | the IACA certificate (PEM) |
//! | `iaca.key.pem` | the IACA private key (PKCS#8 PEM) |
//! | `ds.pem` | the Document Signer certificate (PEM) |
//! | `ds.key.pem` | the Document Signer private key (PKCS#8 PEM) |
//! | `authority.json` | `{"id", "country", "name", "docTypes"}` |
//!
//! On Unix the key files are created readable by their owner only.

use std::path::Path;

use rand_core::CryptoRng;
use time::OffsetDateTime;

use crate::cose::{Algorithm, Signer as _, SoftwareKey};
use crate::error::{Error, Result};
use crate::trust::IssuingAuthority;
use crate::x509::{self, Certificate, CertificateProfile, CertificateSpec};

/// File name of the IACA certificate in a saved authority.
pub const IACA_CERTIFICATE_FILE: &str = "iaca.pem";
/// File name of the IACA private key in a saved authority.
pub const IACA_KEY_FILE: &str = "iaca.key.pem";
/// File name of the Document Signer certificate in a saved authority.
pub const DS_CERTIFICATE_FILE: &str = "ds.pem";
/// File name of the Document Signer private key in a saved authority.
pub const DS_KEY_FILE: &str = "ds.key.pem";
/// File name of the authority description in a saved authority.
pub const AUTHORITY_FILE: &str = "authority.json";

/// A demo issuing authority with all its keys, for examples, tests and
/// vectors. Never for production.
#[derive(Debug, Clone)]
pub struct DemoAuthority {
    /// The authority as a verifier sees it (its IACA certificate and doc types).
    pub authority: IssuingAuthority,
    /// The IACA private key.
    pub iaca_key: SoftwareKey,
    /// The self-signed IACA root certificate.
    pub iaca_certificate: Certificate,
    /// The Document Signer private key, which signs the MSOs.
    pub ds_key: SoftwareKey,
    /// The Document Signer certificate, issued by the IACA.
    pub ds_certificate: Certificate,
}

impl DemoAuthority {
    /// Generates an authority of `country` named `name` that may issue
    /// `doc_types`: an IACA key and a Document Signer key of `alg`, a
    /// self-signed IACA certificate (`CN=<name> IACA`) and a Document Signer
    /// certificate issued by it (`CN=<name> Document Signer`), both with
    /// `O=<name>`, `C=<country>` and valid from `not_before` to `not_after`.
    ///
    /// The id is `<country>:<slug>`, the slug being `name` in lower case with
    /// every run of characters other than ASCII letters and digits turned
    /// into one `-` (`"Diia Test"` in UA gives `UA:diia-test`). Keys and
    /// serial numbers come from `rng`, so a seeded RNG gives the same
    /// authority every time.
    ///
    /// Refused with `invalid_argument`: a country that is not two upper-case
    /// letters, a name with no ASCII letter or digit, no doc type, and
    /// `not_after` before `not_before` (or a time before 1970).
    pub fn generate<R: CryptoRng + ?Sized>(
        country: &str,
        name: &str,
        alg: Algorithm,
        doc_types: &[&str],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        rng: &mut R,
    ) -> Result<DemoAuthority> {
        let slug = slug(name);
        if slug.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "authority name {name:?} has no ASCII letter or digit to derive an id from"
            )));
        }
        let id = format!("{country}:{slug}");
        let iaca_key = SoftwareKey::generate(alg, rng);
        let ds_key = SoftwareKey::generate(alg, rng);
        let iaca_spec = CertificateSpec {
            common_name: format!("{name} IACA"),
            country: country.to_string(),
            organization: Some(name.to_string()),
            serial: serial(rng),
            not_before,
            not_after,
        };
        let ds_spec = CertificateSpec {
            common_name: format!("{name} Document Signer"),
            serial: serial(rng),
            ..iaca_spec.clone()
        };
        let iaca_certificate =
            x509::create_self_signed(&iaca_spec, CertificateProfile::Iaca, &iaca_key)?;
        let ds_certificate = x509::create_issued(
            &ds_spec,
            CertificateProfile::DocumentSigner,
            &ds_key.public_key(),
            &iaca_certificate,
            &iaca_key,
        )?;
        let authority = IssuingAuthority::new(
            id,
            country,
            name,
            vec![iaca_certificate.clone()],
            doc_types.iter().copied(),
        )?;
        Ok(DemoAuthority {
            authority,
            iaca_key,
            iaca_certificate,
            ds_key,
            ds_certificate,
        })
    }

    /// Writes the authority to `dir` (created if missing), one file per part
    /// (see the [module documentation](self)). The key files are written by
    /// [`write_secret_file`]: readable by their owner only from the start,
    /// and an existing key file is refused unless `overwrite` is
    /// [`Overwrite::Replace`] (both are checked before anything is written).
    ///
    /// Refused with `io` naming the path when a directory or file cannot be
    /// written or a key file exists, and with `invalid_key` when a key
    /// cannot be encoded.
    pub fn save_to_dir(&self, dir: &Path, overwrite: Overwrite) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        if overwrite == Overwrite::Refuse {
            for key in [IACA_KEY_FILE, DS_KEY_FILE] {
                refuse_existing(&dir.join(key))?;
            }
        }
        let description = AuthorityFile {
            id: self.authority.id().to_string(),
            country: self.authority.country().to_string(),
            name: self.authority.name().to_string(),
            doc_types: self.authority.doc_types().iter().cloned().collect(),
        };
        let description = serde_json::to_string_pretty(&description).map_err(|e| {
            Error::InvalidArgument(format!("{}: {e}", dir.join(AUTHORITY_FILE).display()))
        })?;
        write_secret_file(
            &dir.join(IACA_KEY_FILE),
            &self.iaca_key.to_pkcs8_pem()?,
            overwrite,
        )?;
        write_secret_file(
            &dir.join(DS_KEY_FILE),
            &self.ds_key.to_pkcs8_pem()?,
            overwrite,
        )?;
        write_public_file(
            &dir.join(IACA_CERTIFICATE_FILE),
            &self.iaca_certificate.to_pem(),
        )?;
        write_public_file(
            &dir.join(DS_CERTIFICATE_FILE),
            &self.ds_certificate.to_pem(),
        )?;
        write_public_file(&dir.join(AUTHORITY_FILE), &(description + "\n"))
    }

    /// Reads an authority written by [`DemoAuthority::save_to_dir`].
    ///
    /// Checks that each key matches its certificate (`invalid_key`), that the
    /// Document Signer certificate was issued by the IACA
    /// (`certificate_chain_invalid`) and that both fit their profiles
    /// (`certificate_profile`); validity in time is left to the caller, who
    /// knows `now`. Refused with `io`: a file that cannot be read; with
    /// `invalid_argument`: an `authority.json` that is not `{"id", "country",
    /// "name", "docTypes"}` with strings (an unknown member included); with `certificate_malformed`: a
    /// certificate file that is not exactly one PEM certificate; otherwise
    /// as [`IssuingAuthority::new`].
    pub fn load_from_dir(dir: &Path) -> Result<DemoAuthority> {
        let iaca_certificate = read_certificate(&dir.join(IACA_CERTIFICATE_FILE))?;
        let ds_certificate = read_certificate(&dir.join(DS_CERTIFICATE_FILE))?;
        let iaca_key = read_key(&dir.join(IACA_KEY_FILE), &iaca_certificate)?;
        let ds_key = read_key(&dir.join(DS_KEY_FILE), &ds_certificate)?;
        x509::check_iaca_profile(&iaca_certificate)?;
        x509::check_document_signer_profile(&ds_certificate)?;
        ds_certificate.verify_issued_by(&iaca_certificate)?;

        let path = dir.join(AUTHORITY_FILE);
        let text = read_file(&path)?;
        let bad = |detail: &str| Error::InvalidArgument(format!("{}: {detail}", path.display()));
        let file: AuthorityFile = serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
        let (id, country, name, doc_types) = (file.id, file.country, file.name, file.doc_types);
        let authority =
            IssuingAuthority::new(id, country, name, vec![iaca_certificate.clone()], doc_types)?;
        Ok(DemoAuthority {
            authority,
            iaca_key,
            iaca_certificate,
            ds_key,
            ds_certificate,
        })
    }
}

/// `name` in lower case, runs of characters other than ASCII letters and
/// digits turned into one `-`, no `-` at either end.
fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// A positive serial number of at most 63 bits from `rng`.
fn serial<R: CryptoRng + ?Sized>(rng: &mut R) -> u64 {
    (rng.next_u64() >> 1).max(1)
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io(format!("{}: {e}", path.display()))
}

fn read_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| io_error(path, &e))
}

/// Writes `content` to `path`; a `secret` file is readable by its owner
/// only on Unix.
/// Whether writing a private key may replace a file already at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// An existing file is refused (`io`): a key is never lost silently.
    Refuse,
    /// An existing file is replaced, atomically.
    Replace,
}

/// Writes a private key (or any secret text) to `path`: the one path by
/// which the crate and its command-line tool put secrets on disk.
///
/// The file is created with mode 0600 (on Unix) by the call that creates
/// it, so it is never readable by others, not even for a moment, and it is
/// always a new file: no existing file is opened, so no symlink at `path`
/// is followed and no permissions are changed after the fact. With
/// [`Overwrite::Refuse`] an existing `path` is refused with `io`; with
/// [`Overwrite::Replace`] the secret goes to a new file beside it, which is
/// then renamed over `path`.
pub fn write_secret_file(path: &Path, content: &str, overwrite: Overwrite) -> Result<()> {
    use std::io::Write as _;
    let target = match overwrite {
        Overwrite::Refuse => path.to_path_buf(),
        Overwrite::Replace => {
            let mut name = path.as_os_str().to_owned();
            name.push(format!(".new-{}", std::process::id()));
            std::path::PathBuf::from(name)
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists && overwrite == Overwrite::Refuse {
            exists_error(path)
        } else {
            io_error(&target, &e)
        }
    })?;
    let written = file
        .write_all(content.as_bytes())
        .and_then(|()| file.sync_all());
    drop(file);
    let finished = written.and_then(|()| match overwrite {
        Overwrite::Refuse => Ok(()),
        Overwrite::Replace => std::fs::rename(&target, path),
    });
    finished.map_err(|e| {
        let _ = std::fs::remove_file(&target);
        io_error(path, &e)
    })
}

/// Refuses with `io` when something (a file, a directory, a symlink) is at `path`.
fn refuse_existing(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Err(exists_error(path)),
        Err(_) => Ok(()),
    }
}

fn exists_error(path: &Path) -> Error {
    Error::Io(format!(
        "{}: a key file is already there; it is not replaced unless asked to (--force)",
        path.display()
    ))
}

/// Writes a public file (certificate, description), replacing one already there.
fn write_public_file(path: &Path, content: &str) -> Result<()> {
    std::fs::write(path, content).map_err(|e| io_error(path, &e))
}

fn read_certificate(path: &Path) -> Result<Certificate> {
    let text = read_file(path)?;
    let mut certificates = Certificate::from_pem_all(&text).map_err(|e| in_file(path, e))?;
    match (certificates.pop(), certificates.is_empty()) {
        (Some(certificate), true) => Ok(certificate),
        _ => Err(Error::CertificateMalformed(format!(
            "{}: holds more than one certificate",
            path.display()
        ))),
    }
}

fn read_key(path: &Path, certificate: &Certificate) -> Result<SoftwareKey> {
    let key = SoftwareKey::from_pkcs8_pem(&read_file(path)?).map_err(|e| in_file(path, e))?;
    if key.public_key() != *certificate.public_key() {
        return Err(Error::InvalidKey(format!(
            "{}: the key does not match the certificate {:?}",
            path.display(),
            certificate.subject()
        )));
    }
    Ok(key)
}

/// Prefixes an error's detail with the file it came from.
fn in_file(path: &Path, error: Error) -> Error {
    let at = |detail: String| format!("{}: {detail}", path.display());
    match error {
        Error::CertificateMalformed(d) => Error::CertificateMalformed(at(d)),
        Error::InvalidKey(d) => Error::InvalidKey(at(d)),
        other => other,
    }
}

/// `authority.json`, member for member; members in the order written so
/// far, an unknown member refused.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AuthorityFile {
    country: String,
    doc_types: Vec<String>,
    id: String,
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use time::macros::datetime;

    const MDL: &str = "org.iso.18013.5.1.mDL";
    const MVRC: &str = "org.iso.7367.1.mVRC";
    const FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
    const UNTIL: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

    fn generate(country: &str, name: &str, alg: Algorithm, seed: u64) -> Result<DemoAuthority> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        DemoAuthority::generate(country, name, alg, &[MDL, MVRC], FROM, UNTIL, &mut rng)
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "docbridge-demo-{tag}-{}-{}",
                std::process::id(),
                OffsetDateTime::now_utc().unix_timestamp_nanos()
            ));
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn assert_same(a: &DemoAuthority, b: &DemoAuthority) {
        assert_eq!(a.authority, b.authority);
        assert_eq!(a.iaca_certificate, b.iaca_certificate);
        assert_eq!(a.ds_certificate, b.ds_certificate);
        assert_eq!(a.iaca_key.public_key(), b.iaca_key.public_key());
        assert_eq!(a.ds_key.public_key(), b.ds_key.public_key());
        assert_eq!(
            a.iaca_key.to_pkcs8_pem().unwrap(),
            b.iaca_key.to_pkcs8_pem().unwrap()
        );
        assert_eq!(
            a.ds_key.to_pkcs8_pem().unwrap(),
            b.ds_key.to_pkcs8_pem().unwrap()
        );
    }

    #[test]
    fn generate_every_algorithm() {
        for alg in Algorithm::ALL {
            let ua = generate("UA", "Diia Test", alg, 1).unwrap();
            assert_eq!(ua.authority.id(), "UA:diia-test");
            assert_eq!(ua.authority.country(), "UA");
            assert_eq!(ua.authority.name(), "Diia Test");
            assert!(ua.authority.may_issue(MDL) && ua.authority.may_issue(MVRC));
            assert_eq!(
                ua.authority.iaca_certificates(),
                std::slice::from_ref(&ua.iaca_certificate)
            );
            assert_eq!(ua.iaca_key.algorithm(), alg);
            assert_eq!(ua.ds_key.algorithm(), alg);
            assert_eq!(*ua.iaca_certificate.public_key(), ua.iaca_key.public_key());
            assert_eq!(*ua.ds_certificate.public_key(), ua.ds_key.public_key());
            assert_eq!(
                ua.iaca_certificate.subject(),
                "C=UA, O=Diia Test, CN=Diia Test IACA"
            );
            assert_eq!(
                ua.ds_certificate.subject(),
                "C=UA, O=Diia Test, CN=Diia Test Document Signer"
            );
            assert_eq!(ua.ds_certificate.not_before(), FROM);
            assert_eq!(ua.ds_certificate.not_after(), UNTIL);
            x509::verify_document_signer(
                &ua.ds_certificate,
                &ua.iaca_certificate,
                datetime!(2027-03-01 0:00 UTC),
            )
            .unwrap();
            // Deterministic for a seed, different for another.
            assert_same(&ua, &generate("UA", "Diia Test", alg, 1).unwrap());
            let other = generate("UA", "Diia Test", alg, 2).unwrap();
            assert_ne!(other.iaca_certificate, ua.iaca_certificate);
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Diia Test"), "diia-test");
        assert_eq!(
            slug("  Ministry of Digital Transformation (UA)  "),
            "ministry-of-digital-transformation-ua"
        );
        assert_eq!(slug("Міністерство цифрової трансформації / MDT"), "mdt");
        assert_eq!(slug("COI--mObywatel"), "coi-mobywatel");
        assert_eq!(slug("Дія"), "");
    }

    #[test]
    fn bad_arguments_are_refused() {
        let code = |r: Result<DemoAuthority>| r.map(|_| ()).unwrap_err().code();
        assert_eq!(
            code(generate("ua", "Diia", Algorithm::EdDsa, 1)),
            "invalid_argument"
        );
        assert_eq!(
            code(generate("UA", "Дія", Algorithm::EdDsa, 1)),
            "invalid_argument"
        );
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert_eq!(
            code(DemoAuthority::generate(
                "UA",
                "Diia",
                Algorithm::EdDsa,
                &[],
                FROM,
                UNTIL,
                &mut rng
            )),
            "invalid_argument"
        );
        assert_eq!(
            code(DemoAuthority::generate(
                "UA",
                "Diia",
                Algorithm::EdDsa,
                &[MDL],
                UNTIL,
                FROM,
                &mut rng
            )),
            "invalid_argument"
        );
    }

    #[test]
    fn save_and_load_every_algorithm() {
        for alg in Algorithm::ALL {
            let pl = generate("PL", "mObywatel Test", alg, 3).unwrap();
            let dir = TempDir::new(alg.name());
            pl.save_to_dir(&dir.0, Overwrite::Refuse).unwrap();
            for file in [
                IACA_CERTIFICATE_FILE,
                IACA_KEY_FILE,
                DS_CERTIFICATE_FILE,
                DS_KEY_FILE,
                AUTHORITY_FILE,
            ] {
                assert!(dir.0.join(file).is_file(), "{file} missing");
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(dir.0.join(DS_KEY_FILE))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o077, 0, "key file readable by others: {mode:o}");
            }
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(dir.0.join(AUTHORITY_FILE)).unwrap())
                    .unwrap();
            assert_eq!(
                json,
                serde_json::json!({
                    "id": "PL:mobywatel-test",
                    "country": "PL",
                    "name": "mObywatel Test",
                    "docTypes": [MDL, MVRC],
                })
            );
            let loaded = DemoAuthority::load_from_dir(&dir.0).unwrap();
            assert_same(&pl, &loaded);
            // Saving again over the same directory works.
            loaded.save_to_dir(&dir.0, Overwrite::Replace).unwrap();
            assert_same(&pl, &DemoAuthority::load_from_dir(&dir.0).unwrap());
        }
    }

    #[test]
    fn secrets_are_created_private_and_never_replaced_unasked() {
        let dir = TempDir::new("secrets");
        std::fs::create_dir_all(&dir.0).unwrap();
        let path = dir.0.join("key.pem");
        write_secret_file(&path, "first", Overwrite::Refuse).unwrap();
        let err = write_secret_file(&path, "second", Overwrite::Refuse).unwrap_err();
        assert_eq!(err.code(), "io");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        write_secret_file(&path, "third", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "third");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
            // A symlink planted at the key's path: its target is neither
            // written nor chmod-ed, with or without Replace.
            let target = dir.0.join("elsewhere");
            std::fs::write(&target, "not yours").unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
            let link = dir.0.join("link.pem");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert_eq!(
                write_secret_file(&link, "key", Overwrite::Refuse).map_err(|e| e.code()),
                Err("io")
            );
            write_secret_file(&link, "key", Overwrite::Replace).unwrap();
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "not yours");
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
            assert_eq!(std::fs::read_to_string(&link).unwrap(), "key");
        }
        // An authority is not saved over existing keys unless asked.
        let ua = generate("UA", "Diia Test", Algorithm::EdDsa, 6).unwrap();
        let other = generate("UA", "Diia Test", Algorithm::EdDsa, 7).unwrap();
        let authority_dir = TempDir::new("no-overwrite");
        ua.save_to_dir(&authority_dir.0, Overwrite::Refuse).unwrap();
        assert_eq!(
            other
                .save_to_dir(&authority_dir.0, Overwrite::Refuse)
                .map_err(|e| e.code()),
            Err("io")
        );
        assert_same(
            &ua,
            &DemoAuthority::load_from_dir(&authority_dir.0).unwrap(),
        );
    }

    #[test]
    fn load_refuses_inconsistent_directories() {
        let code = |r: Result<DemoAuthority>| r.map(|_| ()).unwrap_err().code();
        let missing = TempDir::new("missing");
        let err = DemoAuthority::load_from_dir(&missing.0)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.code(), "io");
        assert!(err.to_string().contains(IACA_CERTIFICATE_FILE), "{err}");

        let ua = generate("UA", "Diia Test", Algorithm::Es256, 4).unwrap();
        let other = generate("UA", "Diia Test", Algorithm::Es256, 5).unwrap();
        let dir = TempDir::new("bad");
        let reset = || ua.save_to_dir(&dir.0, Overwrite::Replace).unwrap();
        let write =
            |file: &str, content: String| std::fs::write(dir.0.join(file), content).unwrap();

        reset();
        write(
            DS_KEY_FILE,
            other.ds_key.to_pkcs8_pem().unwrap().to_string(),
        );
        assert_eq!(code(DemoAuthority::load_from_dir(&dir.0)), "invalid_key");

        reset();
        write(DS_KEY_FILE, "not a key".into());
        assert_eq!(code(DemoAuthority::load_from_dir(&dir.0)), "invalid_key");

        reset();
        write(IACA_CERTIFICATE_FILE, other.iaca_certificate.to_pem());
        write(
            IACA_KEY_FILE,
            other.iaca_key.to_pkcs8_pem().unwrap().to_string(),
        );
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "certificate_chain_invalid"
        );

        reset();
        write(
            IACA_CERTIFICATE_FILE,
            ua.iaca_certificate.to_pem() + &ua.ds_certificate.to_pem(),
        );
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "certificate_malformed"
        );

        reset();
        write(DS_CERTIFICATE_FILE, String::new());
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "certificate_malformed"
        );

        reset();
        write(
            AUTHORITY_FILE,
            r#"{"id":"UA:x","country":"UA","name":"x","docTypes":"mdl"}"#.into(),
        );
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "invalid_argument"
        );

        reset();
        write(
            AUTHORITY_FILE,
            r#"{"id":"UA:x","country":"UA","name":"x","docTypes":["mdl"],"doctypes":[]}"#.into(),
        );
        let unknown = DemoAuthority::load_from_dir(&dir.0)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(unknown.code(), "invalid_argument");
        assert!(
            unknown.to_string().contains("unknown field `doctypes`"),
            "{unknown}"
        );

        reset();
        write(
            AUTHORITY_FILE,
            r#"{"id":"PL:x","country":"PL","name":"x","docTypes":["mdl"]}"#.into(),
        );
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "country_mismatch"
        );

        reset();
        write(AUTHORITY_FILE, "{".into());
        assert_eq!(
            code(DemoAuthority::load_from_dir(&dir.0)),
            "invalid_argument"
        );

        reset();
        DemoAuthority::load_from_dir(&dir.0).unwrap();
    }
}
