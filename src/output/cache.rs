//! The build cache: for every file of the last build, a fingerprint of what it was made from
//! and of its bytes. It lives beside the output folder, so it is never deployed.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What the cache remembers of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Fingerprint of everything the file was made from.
    pub inputs: u128,
    /// Fingerprint of its bytes.
    pub bytes: u128,
}

/// The entries of one build, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cache {
    /// Keyed by the path's text: hashing a `Path` walks its components, which is slow for
    /// tens of thousands of files.
    pub entries: HashMap<OsString, Entry>,
}

/// The first line of a cache file; a file with another first line is ignored.
const HEADER: &str = "bulletin build cache 1";

impl Cache {
    /// Where the cache of `output` lives: `.output.bulletin-cache` beside it.
    pub fn location(output: &Path) -> PathBuf {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        output.with_file_name(format!(".{name}.bulletin-cache"))
    }

    /// Reads a cache; a missing, damaged or foreign file gives `None`, and the build then
    /// starts from scratch.
    pub fn load(path: &Path) -> Option<Cache> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut entries = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let inputs = u128::from_str_radix(parts.next()?, 16).ok()?;
            let bytes = u128::from_str_radix(parts.next()?, 16).ok()?;
            entries.insert(OsString::from(parts.next()?), Entry { inputs, bytes });
        }
        Some(Cache { entries })
    }

    /// Writes the cache through a temporary file, so that a crash leaves the old one whole.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut sorted: Vec<_> = self.entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = String::with_capacity(sorted.len() * 100 + 32);
        text.push_str(HEADER);
        text.push('\n');
        for (file, entry) in sorted {
            text.push_str(&format!(
                "{:032x} {:032x} {}\n",
                entry.inputs,
                entry.bytes,
                file.display()
            ));
        }
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, text).map_err(Error::io("write", &temporary))?;
        std::fs::rename(&temporary, path).map_err(Error::io("write", path))
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
        std::fs::write(&path, format!("{HEADER}\nzz 00 x\n")).unwrap();
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
