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
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Cache {
    /// Keyed by the path's text: hashing a `Path` walks its components, which is slow for
    /// tens of thousands of files.
    #[serde(deserialize_with = "super::path_keys::deserialize")]
    pub entries: rustc_hash::FxHashMap<OsString, Entry>,
}

/// The start of a cache file; a file that starts otherwise is ignored.
const HEADER: &[u8] = b"bulletin build cache 3\n";

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

    /// Writes a cache holding `entries` through a temporary file, so that a crash leaves the
    /// old one whole; the entries are written as they come, not gathered in a map first.
    pub fn save<'a>(
        path: &Path,
        entries: impl ExactSizeIterator<Item = (&'a std::ffi::OsStr, Entry)> + Clone,
    ) -> Result<()> {
        /// Serialises as the `Cache` holding the entries does.
        struct Listed<I>(I);
        impl<'a, I> serde::Serialize for Listed<I>
        where
            I: ExactSizeIterator<Item = (&'a std::ffi::OsStr, Entry)> + Clone,
        {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_map(
                    self.0
                        .clone()
                        .map(|(path, entry)| (super::path_keys::Key(path), entry)),
                )
            }
        }
        crate::output::write_atomically(path, |file| {
            std::io::Write::write_all(file, HEADER)?;
            crate::output::write_postcard(&(Listed(entries),), file)
        })
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
        Cache::save(
            &path,
            cache.entries.iter().map(|(p, e)| (p.as_os_str(), *e)),
        )
        .unwrap();
        assert_eq!(Cache::load(&path), Some(cache));
    }

    #[test]
    fn entries_saved_from_a_list_load_as_a_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".output.bulletin-cache");
        // Paths are written as their bytes: non-ASCII and empty ones come back as they were.
        let list = [
            ("a/index.html", 1u128, 2u128),
            ("b/c/index.html", 3, 4),
            ("é/ü.html", u128::MAX, 0),
            ("", 0, u128::MAX),
        ];
        Cache::save(
            &path,
            list.iter()
                .map(|&(p, inputs, bytes)| (std::ffi::OsStr::new(p), Entry { inputs, bytes })),
        )
        .unwrap();
        let mut expected = Cache::default();
        for (p, inputs, bytes) in list {
            expected
                .entries
                .insert(OsString::from(p), Entry { inputs, bytes });
        }
        assert_eq!(Cache::load(&path), Some(expected));
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
