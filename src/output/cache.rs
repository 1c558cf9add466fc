//! The build cache: for every file of the last build, a fingerprint of what it was made from
//! and of its bytes. It lives beside the output folder, so it is never deployed.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Result;

/// What the cache remembers of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Fingerprint of everything the file was made from.
    pub inputs: u128,
    /// Fingerprint of its bytes.
    pub bytes: u128,
}

/// The entries of one build, by path relative to the output folder. The cache is kept as the
/// bytes of its file, each record a path and its entry; the table indexes the records by
/// the path's hash, so that loading a cache of tens of thousands of files makes no string
/// and no map entry per file, and looking one up touches a small table.
pub struct Cache {
    /// The bytes of a cache file: the header, the number of records (8 bytes), then the
    /// records one after another: the path's length (4 bytes), the path's bytes, then the
    /// entry's `inputs` and `bytes` (16 bytes each), numbers little-endian.
    records: Vec<u8>,
    /// Where each record starts in `records`.
    table: hashbrown::HashTable<u32>,
}

/// The start of a cache file; a file that starts otherwise is ignored.
const HEADER: &[u8] = b"bulletin build cache 4\n";

/// The bytes of an entry in a record.
const ENTRY: usize = 32;

/// Where the records start in a cache file.
const FIRST: usize = HEADER.len() + 8;

fn hash(path: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path)
}

impl Cache {
    /// Where the cache of `output` lives: `.output.bulletin-cache` beside it.
    pub fn location(output: &Path) -> PathBuf {
        super::cache_path(output, "cache")
    }

    /// Reads a cache; a missing, damaged or foreign file gives `None`, and the build then
    /// starts from scratch.
    pub fn load(path: &Path) -> Option<Cache> {
        Cache::from_file(std::fs::read(path).ok()?)
    }

    /// The cache holding `entries`.
    pub fn of<'a>(entries: impl ExactSizeIterator<Item = (&'a OsStr, Entry)>) -> Cache {
        let mut file = HEADER.to_vec();
        write_records(&mut file, entries).expect("writing to memory does not fail");
        Cache::from_file(file).expect("records just written are whole")
    }

    /// Indexes the records of a cache file; `None` when it is of another format, cut short,
    /// or anything follows its records.
    fn from_file(records: Vec<u8>) -> Option<Cache> {
        if !records.starts_with(HEADER) || u32::try_from(records.len()).is_err() {
            return None;
        }
        let count = records.get(HEADER.len()..FIRST)?;
        let count = usize::try_from(u64::from_le_bytes(count.try_into().ok()?)).ok()?;
        let shortest = 4 + ENTRY;
        let mut table = hashbrown::HashTable::with_capacity(count.min(records.len() / shortest));
        let mut at = FIRST;
        for _ in 0..count {
            // A whole record, or none.
            let path = path_at(&records, at)?;
            let rehash = |&start: &u32| hash(path_at(&records, start as usize).unwrap_or(&[]));
            table.insert_unique(hash(path), at as u32, rehash);
            at += 4 + path.len() + ENTRY;
        }
        (at == records.len()).then_some(Cache { records, table })
    }

    /// The entry for `path`.
    pub fn get(&self, path: &OsStr) -> Option<Entry> {
        let path = path.as_encoded_bytes();
        let start = *self.table.find(hash(path), |&start| {
            path_at(&self.records, start as usize) == Some(path)
        })?;
        Some(self.entry_at(start as usize, path.len()))
    }

    fn entry_at(&self, start: usize, length: usize) -> Entry {
        let at = start + 4 + length;
        let number = |at: usize| {
            u128::from_le_bytes(self.records[at..at + 16].try_into().expect("16 bytes"))
        };
        Entry {
            inputs: number(at),
            bytes: number(at + 16),
        }
    }

    /// How many files the cache records.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Every path and its entry, in the order they were written.
    pub fn entries(&self) -> impl Iterator<Item = (&OsStr, Entry)> {
        let mut at = FIRST;
        std::iter::from_fn(move || {
            let path = path_at(&self.records, at)?;
            let entry = self.entry_at(at, path.len());
            at += 4 + path.len() + ENTRY;
            Some((os_str(path)?, entry))
        })
        .take(self.table.len())
    }

    /// Writes a cache holding `entries` through a temporary file, so that a crash leaves the
    /// old one whole; the entries are written as they come, not gathered in a map first.
    pub fn save<'a>(
        path: &Path,
        entries: impl ExactSizeIterator<Item = (&'a OsStr, Entry)>,
    ) -> Result<()> {
        crate::output::write_atomically(path, |file| {
            file.write_all(HEADER)?;
            write_records(file, entries)
        })
    }
}

/// Writes the count of `entries`, then a record for each.
fn write_records<'a>(
    out: &mut impl std::io::Write,
    entries: impl ExactSizeIterator<Item = (&'a OsStr, Entry)>,
) -> std::io::Result<()> {
    out.write_all(&(entries.len() as u64).to_le_bytes())?;
    for (path, entry) in entries {
        let path = path.as_encoded_bytes();
        let length = u32::try_from(path.len()).map_err(std::io::Error::other)?;
        out.write_all(&length.to_le_bytes())?;
        out.write_all(path)?;
        out.write_all(&entry.inputs.to_le_bytes())?;
        out.write_all(&entry.bytes.to_le_bytes())?;
    }
    Ok(())
}

/// The path of the record at `start`, if the record is whole.
fn path_at(records: &[u8], start: usize) -> Option<&[u8]> {
    let length = u32::from_le_bytes(records.get(start..start + 4)?.try_into().ok()?) as usize;
    let path = records.get(start + 4..start + 4 + length)?;
    records.get(start + 4 + length..start + 4 + length + ENTRY)?;
    Some(path)
}

/// A path's bytes as the system's string.
fn os_str(bytes: &[u8]) -> Option<&OsStr> {
    #[cfg(unix)]
    return Some(std::os::unix::ffi::OsStrExt::from_bytes(bytes));
    // Elsewhere the bytes were written from text unless the name could not be: such a path
    // is not read back.
    #[cfg(not(unix))]
    std::str::from_utf8(bytes).ok().map(OsStr::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(cache: &Cache) -> Vec<(String, Entry)> {
        cache
            .entries()
            .map(|(p, e)| (p.to_string_lossy().into_owned(), e))
            .collect()
    }

    #[test]
    fn entries_saved_load_back_and_are_found_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".output.bulletin-cache");
        // Paths are written as their bytes: non-ASCII and empty ones come back as they were.
        let list = [
            ("a/index.html", 1u128, 2u128),
            ("b/c/index.html", 3, 4),
            ("é/ü.html", u128::MAX, 0),
            ("", 0, u128::MAX),
        ];
        let entries = || {
            list.iter()
                .map(|&(p, inputs, bytes)| (OsStr::new(p), Entry { inputs, bytes }))
        };
        Cache::save(&path, entries()).unwrap();
        let cache = Cache::load(&path).unwrap();
        let expected: Vec<(String, Entry)> = entries()
            .map(|(p, e)| (p.to_string_lossy().into_owned(), e))
            .collect();
        assert_eq!(listed(&cache), expected);
        assert_eq!(cache.len(), 4);
        for (p, e) in entries() {
            assert_eq!(cache.get(p), Some(e), "{p:?}");
        }
        assert_eq!(cache.get(OsStr::new("a/index.htm")), None);
        assert_eq!(cache.get(OsStr::new("b/c")), None);
        // Made in memory, the same cache.
        assert_eq!(listed(&Cache::of(entries())), expected);
    }

    #[test]
    fn many_entries_are_each_found() {
        let paths: Vec<String> = (0..5000).map(|i| format!("news/{i}/index.html")).collect();
        let cache = Cache::of(paths.iter().enumerate().map(|(i, p)| {
            let n = i as u128;
            (
                OsStr::new(p.as_str()),
                Entry {
                    inputs: n,
                    bytes: !n,
                },
            )
        }));
        for (i, p) in paths.iter().enumerate() {
            let n = i as u128;
            assert_eq!(
                cache.get(OsStr::new(p)),
                Some(Entry {
                    inputs: n,
                    bytes: !n
                })
            );
        }
    }

    #[test]
    fn damaged_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        std::fs::write(&path, "something else\n").unwrap();
        assert!(Cache::load(&path).is_none());
        Cache::save(
            &path,
            [(
                OsStr::new("a/index.html"),
                Entry {
                    inputs: 1,
                    bytes: 2,
                },
            )]
            .into_iter(),
        )
        .unwrap();
        let whole = std::fs::read(&path).unwrap();
        assert!(Cache::load(&path).is_some());
        for cut in [
            whole.len() - 1,
            whole.len() - 20,
            HEADER.len() + 9,
            HEADER.len() + 3,
        ] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert!(Cache::load(&path).is_none(), "cut at {cut}");
        }
        let mut longer = whole.clone();
        longer.push(0);
        std::fs::write(&path, longer).unwrap();
        assert!(Cache::load(&path).is_none(), "bytes after the records");
    }

    #[test]
    fn cache_lives_beside_the_output() {
        assert_eq!(
            Cache::location(Path::new("/site/output")),
            PathBuf::from("/site/.output.bulletin-cache")
        );
    }
}
