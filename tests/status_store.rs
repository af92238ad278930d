//! The status-list store: concurrent issuers never lose or repeat an
//! allocation, a failed change stores nothing, and the file is replaced
//! whole.

use std::collections::BTreeSet;
use std::path::PathBuf;

use docbridge::status::{FileStatusListStore, StatusListStore};
use docbridge::{ManagedStatusList, StatusBits, StatusValue};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const URI: &str = "https://status.diia.example/lists/store";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn concurrent_allocations_are_each_recorded_exactly_once() {
    let dir = temp_dir("concurrent");
    let path = dir.join("list.json");
    // A small list makes collisions between unlocked writers near certain.
    let list = ManagedStatusList::new_any_size(URI, StatusBits::Two, 256).unwrap();
    FileStatusListStore::create(&path, &list).unwrap();
    let (threads, per_thread) = (8u64, 10);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = FileStatusListStore::new(path);
                let mut rng = ChaCha20Rng::seed_from_u64(t);
                (0..per_thread)
                    .map(|_| store.update(|list| list.allocate(&mut rng)).unwrap().idx)
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let handed_out: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let distinct: BTreeSet<u64> = handed_out.iter().copied().collect();
    assert_eq!(
        distinct.len() as u64,
        threads * per_thread,
        "an index went out twice"
    );
    let stored = FileStatusListStore::new(&path).load().unwrap();
    assert_eq!(stored.allocator().used(), threads * per_thread);
    assert!(distinct.iter().all(|&i| stored.allocator().is_used(i)));
    assert!(!dir.join("list.json.tmp").exists());
}

#[test]
fn a_failed_change_stores_nothing() {
    let dir = temp_dir("failed");
    let path = dir.join("list.json");
    let list = ManagedStatusList::new_any_size(URI, StatusBits::Two, 64).unwrap();
    let store = FileStatusListStore::create(&path, &list).unwrap();
    let before = std::fs::read(&path).unwrap();
    let refused = store.update(|list| {
        list.allocate(&mut ChaCha20Rng::seed_from_u64(1))?;
        // Setting an index no document was given fails after the allocation.
        list.set(63, StatusValue::Invalid)
    });
    assert_eq!(refused.map_err(|e| e.code()), Err("invalid_argument"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A change that succeeds is stored.
    let reference = store
        .update(|list| list.allocate(&mut ChaCha20Rng::seed_from_u64(2)))
        .unwrap();
    store
        .update(|list| list.set(reference.idx, StatusValue::Invalid))
        .unwrap();
    assert_eq!(
        store.load().unwrap().get(reference.idx).unwrap(),
        StatusValue::Invalid
    );
}

#[test]
fn create_never_replaces_a_list_in_use_and_a_missing_list_is_io() {
    let dir = temp_dir("create");
    let path = dir.join("list.json");
    let list = ManagedStatusList::new_any_size(URI, StatusBits::One, 8).unwrap();
    FileStatusListStore::create(&path, &list).unwrap();
    assert_eq!(
        FileStatusListStore::create(&path, &list)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("io")
    );
    let missing = FileStatusListStore::new(dir.join("absent.json"));
    assert_eq!(missing.load().map(|_| ()).map_err(|e| e.code()), Err("io"));
    assert_eq!(missing.update(|_| Ok(())).map_err(|e| e.code()), Err("io"));
}
