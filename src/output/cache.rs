//! The build cache: for every file of the last build, a fingerprint of what it was made from
//! and of its bytes. It lives beside the output folder, so it is never deployed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::Result;

/// What the cache remembers of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Fingerprint of everything the file was made from.
    pub inputs: u128,
    /// Fingerprint of its bytes.
    pub bytes: u128,
}

/// The entries of one build, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cache {
    /// Keyed by the path's text: hashing a `Path` walks its components, which is slow for
    /// tens of thousands of files.
    pub entries: rustc_hash::FxHashMap<OsString, Entry>,
}

/// The start of a cache file; a file that starts otherwise is ignored.
const HEADER: &[u8] = b"bulletin build cache 2\n";

impl Cache {
    /// Where the cache of `output` lives: `.output.bulletin-cache` beside it.
    pub fn location(output: &Path) -> PathBuf {
        super::cache_path(output, "cache")
    }

    /// Reads a cache; a missing, damaged or foreign file gives `None`, and the build then
    /// starts from scratch.
    pub fn load(path: &Path) -> Option<Cache> {
        let bytes = std::fs::read(path).ok()?;
        postcard::from_bytes(bytes.strip_prefix(HEADER)?).ok()
    }

    /// Writes the cache through a temporary file, so that a crash leaves the old one whole.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut bytes = HEADER.to_vec();
        bytes.extend(postcard::to_allocvec(self).expect("the build cache serialises"));
        crate::output::write_atomically(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".output.bulletin-cache");
        let mut cache = Cache::default();
        cache.entries.insert(
            OsString::from("news/a b/index.html"),
            Entry {
                inputs: 1,
                bytes: u128::MAX,
            },
        );
        cache.save(&path).unwrap();
        assert_eq!(Cache::load(&path), Some(cache));
    }

    #[test]
    fn damaged_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        std::fs::write(&path, "something else\n").unwrap();
        assert_eq!(Cache::load(&path), None);
        let mut truncated = HEADER.to_vec();
        truncated.extend([5, 1]);
        std::fs::write(&path, truncated).unwrap();
        assert_eq!(Cache::load(&path), None);
    }

    #[test]
    fn cache_lives_beside_the_output() {
        assert_eq!(
            Cache::location(Path::new("/site/output")),
            PathBuf::from("/site/.output.bulletin-cache")
        );
    }
}
