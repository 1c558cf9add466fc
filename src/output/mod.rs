//! Output stage: where the site may be written, what is copied as it is, and the writer that
//! stages every file and moves it into the output only when the whole build has succeeded.

pub mod cache;
pub mod present;
pub mod unchanged;
pub mod writer;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::config::{Config, normalize};
use crate::error::{Error, Location, Result};
use crate::render::Theme;

/// A file copied as it is into the output: static files and articles' attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    pub from: PathBuf,
    /// Relative to the output folder.
    pub to: PathBuf,
}

impl CopiedFile {
    /// Identifies the source as it is now: its path, size and modification time.
    pub fn fingerprint(&self) -> u128 {
        let mut text = self.from.to_string_lossy().into_owned();
        if let Ok(meta) = std::fs::metadata(&self.from) {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            text.push_str(&format!("|{}|{:?}", meta.len(), modified));
        }
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    }
}

/// Refuses an output folder whose replacement would destroy the site's sources.
pub fn check_target(config: &Config) -> Result<()> {
    let shown = normalize(&config.output_dir);
    let refuse = |why: String| Error::Usage {
        message: format!(
            "refusing to use {} as the output folder: {why}",
            shown.display()
        ),
        hint: Some("choose a folder of its own, such as output/ (the default)".into()),
    };
    // Compare both the paths as written and the paths with every link followed.
    for (output, root) in [
        (shown.clone(), normalize(&config.root)),
        (resolve(&config.output_dir), resolve(&config.root)),
    ] {
        if output.parent().is_none() {
            return Err(refuse("it is a file-system root".into()));
        }
        if root.starts_with(&output) {
            return Err(refuse("it is or contains the site folder".into()));
        }
        for name in [
            "content",
            "themes",
            "templates",
            "static",
            crate::config::CONFIG_FILE,
        ] {
            let source = resolve(&root.join(name));
            if output.starts_with(&source) {
                return Err(refuse(format!("it is inside {}", source.display())));
            }
        }
    }
    Ok(())
}

/// The path with every symbolic link followed: the longest part that exists is resolved, and
/// the rest appended.
fn resolve(path: &Path) -> PathBuf {
    let path = normalize(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path,
        }
    }
}

/// Lists the static files of the theme, then of the site, so that the site's win.
pub fn static_files(config: &Config, theme: &Theme) -> Result<Vec<CopiedFile>> {
    let mut chosen = BTreeMap::new();
    for dir in [theme.static_dir(), config.root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&dir).to_path_buf();
                Error::Io {
                    action: "read",
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("loop")),
                    path,
                }
            })?;
            let scratch = crate::config::is_scratch_file(&entry.file_name().to_string_lossy());
            if entry.file_type().is_file() && !scratch {
                let relative = entry
                    .path()
                    .strip_prefix(&dir)
                    .expect("the walk starts in dir");
                chosen.insert(relative.to_path_buf(), entry.path().to_path_buf());
            }
        }
    }
    Ok(chosen
        .into_iter()
        .map(|(to, from)| CopiedFile { from, to })
        .collect())
}

/// Waits until no other build writes `config`'s output, and keeps others out until the file
/// returned is dropped: two builds into one folder (a `build` while `serve` previews into
/// it, two previews of one site) would otherwise each take the other's files for their own.
/// The lock is a file beside the output, `.output.bulletin-lock`, which stays; a file system
/// that cannot lock files leaves builds unguarded.
pub fn lock(config: &Config) -> Result<std::fs::File> {
    let path = cache_path(&config.output_dir, "lock");
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
    }
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(Error::io("open", &path))?;
    // Where the file system cannot lock (some network file systems), builds go unguarded,
    // as before there was a lock.
    let _ = file.lock();
    Ok(file)
}

/// Where a cache of kind `kind` for `output` lives: `.output.bulletin-<kind>` beside it, so
/// that it is never deployed.
pub fn cache_path(output: &Path, kind: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(output.file_name().unwrap_or_default());
    name.push(format!(".bulletin-{kind}"));
    output.with_file_name(name)
}

/// A cache written by [`save_cache`]; `None` when it is missing or unreadable.
pub fn load_cache<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Writes a cache in postcard, a compact binary form of serde data.
pub fn save_cache<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomically(path, |file| write_postcard(value, file))
}

/// The buffered file [`write_atomically`] hands out.
pub type CacheFile = std::io::BufWriter<std::fs::File>;

/// Writes `value` in postcard to `file`.
pub fn write_postcard<T: serde::Serialize>(value: &T, file: &mut CacheFile) -> std::io::Result<()> {
    // postcard reports any failed write as a full buffer; the file's own error is kept.
    let mut kept = KeepError { file, error: None };
    match postcard::to_io(value, &mut kept) {
        Ok(_) => Ok(()),
        Err(e) => Err(kept.error.unwrap_or_else(|| std::io::Error::other(e))),
    }
}

/// A writer that keeps the first error of the one it wraps (other than an interruption,
/// which is tried again).
struct KeepError<'a, W> {
    file: &'a mut W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> KeepError<'_, W> {
    fn keep<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|e| {
            let kind = e.kind();
            if kind != std::io::ErrorKind::Interrupted && self.error.is_none() {
                self.error = Some(e);
            }
            std::io::Error::from(kind)
        })
    }
}

impl<W: std::io::Write> std::io::Write for KeepError<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let result = self.file.write(bytes);
        self.keep(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.file.flush();
        self.keep(result)
    }
}

/// Replaces the file at `path` with what `write` writes, through a temporary file beside it,
/// so that a crash leaves the old file whole. Writes are buffered: a large cache is streamed
/// to its file rather than gathered in memory first.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut CacheFile) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::Write;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    let file = std::fs::File::create(&temporary).map_err(Error::io("write", &temporary))?;
    let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut file)
        .and_then(|()| file.flush())
        .map_err(Error::io("write", &temporary))?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(Error::io("write", path))
}

/// Two outputs at the same path: a page and a static file or attachment.
pub fn check_collisions(config: &Config, pages: &[PathBuf], copies: &[CopiedFile]) -> Result<()> {
    // The copies are few and the pages many: the pages are looked up among the copies.
    let targets: rustc_hash::FxHashSet<&OsStr> =
        copies.iter().map(|copy| copy.to.as_os_str()).collect();
    let taken: rustc_hash::FxHashSet<&OsStr> = pages
        .iter()
        .map(|page| page.as_os_str())
        .filter(|page| targets.contains(page))
        .collect();
    let mut copied: rustc_hash::FxHashMap<&OsStr, String> = rustc_hash::FxHashMap::default();
    let mut errors = Vec::new();
    for copy in copies {
        let origin = config.display_path(&copy.from).display().to_string();
        let to = copy.to.as_os_str();
        let first = match copied.insert(to, origin.clone()) {
            Some(copy) => Some(copy),
            None => taken.contains(to).then(|| "a generated page".to_string()),
        };
        if let Some(first) = first {
            errors.push(
                Error::at(
                    Location::file(origin),
                    format!("would be written to {}, as {first} is", copy.to.display()),
                )
                .with_hint("rename one of them")
                .with_code("url-collision"),
            );
        }
    }
    Error::collect(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_may_not_land_on_a_page_or_another_copy() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &crate::config::Overrides::default()).unwrap();
        let pages: Vec<PathBuf> = ["index.html", "news/index.html", "news/a/index.html"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let copy = |from: &str, to: &str| CopiedFile {
            from: dir.path().join(from),
            to: PathBuf::from(to),
        };
        let fine = [
            copy("static/a.css", "a.css"),
            copy("static/news/b.png", "news/b.png"),
        ];
        check_collisions(&config, &pages, &fine).unwrap();
        let clashing = [
            copy("static/news/index.html", "news/index.html"),
            copy("static/x.png", "x.png"),
            copy("content/news/x.png", "x.png"),
        ];
        let text = check_collisions(&config, &pages, &clashing)
            .unwrap_err()
            .lines();
        assert!(
            text.contains("static/news/index.html: would be written to news/index.html, as a generated page is"),
            "{text}"
        );
        assert!(
            text.contains("content/news/x.png: would be written to x.png, as static/x.png is"),
            "{text}"
        );
        assert!(!text.contains("static/x.png: would"), "{text}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_cache_that_cannot_be_written_says_why() {
        for size in [10, 200_000] {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let mut file = std::io::BufWriter::with_capacity(1 << 16, full);
            let value: Vec<u32> = (0..size).collect();
            let written =
                write_postcard(&value, &mut file).and_then(|()| std::io::Write::flush(&mut file));
            let error = written.expect_err("/dev/full takes nothing");
            assert_eq!(error.kind(), std::io::ErrorKind::StorageFull, "{error}");
        }
    }

    #[test]
    fn a_saved_cache_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".output.bulletin-x");
        let value: Vec<(String, u64)> = vec![("a".into(), 1), ("é/b".into(), u64::MAX)];
        save_cache(&path, &value).unwrap();
        assert_eq!(load_cache::<Vec<(String, u64)>>(&path), Some(value));
        assert!(!dir.path().join(".output.bulletin-x.tmp").exists());
    }
}
