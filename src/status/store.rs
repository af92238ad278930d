//! Keeping an issuer's managed status list between issuances without losing
//! an allocation.
//!
//! Issuing with a status list is load, allocate, write the document, save.
//! Two issuances at once that both load before either saves hand out
//! allocations of which one is lost: that document can never be revoked,
//! and its index can later go to a second document, so revoking one revokes
//! both. A half-written file loses every allocation. So a store changes the
//! list only inside [`StatusListStore::update`], which gives the change
//! exclusive access and has stored the result when it returns: allocate
//! there, and only then write the document that carries the index.
//!
//! [`FileStatusListStore`] keeps the list in its JSON file (see
//! [`crate::status::managed`]), under an exclusive lock on a lock file
//! beside it, written to a temporary file that then replaces the list in
//! one rename. An issuer that keeps its lists in a database implements
//! [`StatusListStore`] with a transaction (`SELECT ... FOR UPDATE`, then
//! `UPDATE` and `COMMIT`).

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::status::managed::ManagedStatusList;

/// Where an issuer keeps a managed status list.
pub trait StatusListStore {
    /// The list as last stored.
    fn load(&self) -> Result<ManagedStatusList>;

    /// Runs `change` on the stored list with exclusive access and stores the
    /// changed list before returning `change`'s result. When `change` (or
    /// storing) fails, the stored list is left as it was.
    fn update<T>(&self, change: impl FnOnce(&mut ManagedStatusList) -> Result<T>) -> Result<T>;
}

/// A status list kept in its JSON file, locked and replaced atomically.
///
/// Beside `list.json` it uses `list.json.lock` (the lock, which stays) and
/// `list.json.tmp` (the next version, renamed over the list). Refusals are
/// `io` for the file system, and those of
/// [`ManagedStatusList::from_json`] for a file that does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStatusListStore {
    path: PathBuf,
}

impl FileStatusListStore {
    /// The store of the list kept at `path` (read when used).
    pub fn new(path: impl Into<PathBuf>) -> FileStatusListStore {
        FileStatusListStore { path: path.into() }
    }

    /// Writes `list` as a new file at `path`; refused with `io` when a file
    /// is already there, so a list in use is never replaced by a fresh one.
    pub fn create(path: impl Into<PathBuf>, list: &ManagedStatusList) -> Result<Self> {
        let store = FileStatusListStore::new(path);
        let _lock = store.lock()?;
        if store.path.exists() {
            return Err(Error::Io(format!(
                "{}: a status list is already there",
                store.path.display()
            )));
        }
        store.replace(list)?;
        Ok(store)
    }

    /// The path of the list.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    }

    fn io(&self, path: &Path, error: &std::io::Error) -> Error {
        Error::Io(format!("{}: {error}", path.display()))
    }

    /// Takes the exclusive lock; released when the returned file is dropped
    /// (also if the process dies, so a crash leaves no stale lock).
    fn lock(&self) -> Result<File> {
        let path = self.beside(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.io(&path, &e))?;
        file.lock().map_err(|e| self.io(&path, &e))?;
        Ok(file)
    }

    /// Writes `list` to the temporary file, flushes it to disk and renames it
    /// over the list: a reader sees the old list or the new one, never half.
    fn replace(&self, list: &ManagedStatusList) -> Result<()> {
        let temporary = self.beside(".tmp");
        let json = list.to_json()?;
        let mut file = File::create(&temporary).map_err(|e| self.io(&temporary, &e))?;
        file.write_all(json.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| self.io(&temporary, &e))?;
        std::fs::rename(&temporary, &self.path).map_err(|e| self.io(&self.path, &e))?;
        // The rename itself is durable once the directory is flushed.
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(directory) = File::open(parent)
        {
            directory.sync_all().map_err(|e| self.io(parent, &e))?;
        }
        Ok(())
    }
}

impl StatusListStore for FileStatusListStore {
    fn load(&self) -> Result<ManagedStatusList> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| self.io(&self.path, &e))?;
        ManagedStatusList::from_json(&text)
    }

    fn update<T>(&self, change: impl FnOnce(&mut ManagedStatusList) -> Result<T>) -> Result<T> {
        let _lock = self.lock()?;
        let mut list = self.load()?;
        let outcome = change(&mut list)?;
        self.replace(&list)?;
        Ok(outcome)
    }
}
