//! Parsed articles kept from the last build, by file, trusted while the file keeps its size and
//! modification time: a rebuild reads and parses only the files that changed. The Markdown of
//! an article taken from here stays on disk until a page needs it.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Article;
use crate::config::Config;
use crate::error::Result;

/// The size and modification time (nanoseconds since 1970) of a file, and on Unix its
/// status-change time and inode, which tools that restore modification times (`cp -p`,
/// `rsync -t`, archives) cannot set back.
pub type Stamp = (u64, u128, u128);

/// A file's stamp, when it can be read.
pub fn stamp(path: &Path) -> Option<Stamp> {
    #[cfg(unix)]
    return rustix::fs::stat(path)
        .ok()
        .and_then(|stat| from_stat(&stat));
    #[cfg(not(unix))]
    {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?;
        Some((meta.len(), modified.as_nanos(), 0))
    }
}

/// The stamp in what the system says of a file.
#[cfg(unix)]
fn from_stat(stat: &rustix::fs::Stat) -> Option<Stamp> {
    // Before 1970 there is no stamp.
    let modified = i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec);
    let modified = u128::try_from(modified).ok()?;
    let changed = i128::from(stat.st_ctime) * 1_000_000_000 + i128::from(stat.st_ctime_nsec);
    let more = ((changed as u128) << 64) | u128::from(stat.st_ino);
    Some((u64::try_from(stat.st_size).ok()?, modified, more))
}

/// The stamp of `path`, asked for relative to `folder` when it lies below it.
pub fn stamp_below(folder: &crate::output::present::Folder, path: &Path) -> Option<Stamp> {
    #[cfg(unix)]
    if let Some(relative) =
        crate::config::relative_to(path, folder.root()).filter(|r| !r.as_os_str().is_empty())
    {
        return folder.stat(relative).and_then(|stat| from_stat(&stat));
    }
    #[cfg(not(unix))]
    let _ = folder;
    stamp(path)
}

/// One entry of a folder's listing, as a walk of it found it, with the stamp of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: PathBuf,
    /// Folders below the walked one: 0 for the folder itself, 1 for its own entries.
    pub depth: usize,
    pub is_dir: bool,
    /// Whether the entry itself is a symbolic link (which is never followed into a folder).
    pub is_link: bool,
    /// A file's stamp, once taken; none for a folder or a file that could not be stamped.
    pub stamp: Option<Stamp>,
}

impl From<walkdir::DirEntry> for Listed {
    fn from(entry: walkdir::DirEntry) -> Listed {
        Listed {
            is_dir: entry.file_type().is_dir(),
            is_link: entry.path_is_symlink(),
            depth: entry.depth(),
            path: entry.into_path(),
            stamp: None,
        }
    }
}

/// Files changed less than this long before a build are parsed again by the next build too:
/// a change within the same tick of the file system's clock keeps the stamp.
const SETTLE: Duration = Duration::from_secs(2);

/// Whether a file with this stamp was last modified at least [`SETTLE`] before `started`, so
/// that a later change cannot leave the same stamp.
pub fn settled(stamp: &Stamp, started: SystemTime) -> bool {
    let modified = SystemTime::UNIX_EPOCH + Duration::from_nanos(stamp.1 as u64);
    started
        .duration_since(modified)
        .is_ok_and(|age| age >= SETTLE)
}

/// The parsed articles of the last build, by source path (relative to the site root). Each
/// record is kept as the bytes it was stored as, and decoded only when its article is asked
/// for: a rebuild decodes each record once, and writes the unchanged ones back as they were.
#[derive(Debug, Default)]
pub struct SourceCache {
    /// What parsing depends on besides the file: the program and the settings it reads.
    settings: u64,
    /// The cache file as it was read.
    file: Vec<u8>,
    /// Keyed by the path's text (content paths are UTF-8, as the content walk requires).
    entries: FxHashMap<String, Stored>,
}

/// Where a record's bytes are.
#[derive(Debug)]
enum Stored {
    /// In the cache file, at this range.
    Read(std::ops::Range<usize>),
    /// Encoded in this build.
    Made(Vec<u8>),
}

/// The first bytes of the cache file, which name its format.
const HEADER: &[u8] = b"bulletin parsed articles 2\n";

/// One parsed article and the stamp of its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    stamp: Stamp,
    /// The section folder the file lies in.
    folder: String,
    article: Fields,
}

/// An article without its body; dates as seconds and nanoseconds since 1970.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Fields {
    section: String,
    title: String,
    date: (i64, u32),
    updated: Option<(i64, u32)>,
    slug: String,
    url: String,
    summary: String,
    summary_given: bool,
    category: Option<String>,
    tags: Vec<String>,
    author: Option<String>,
    source: Option<String>,
    draft: bool,
    aliases: Vec<String>,
    /// As JSON text: the cache's own format cannot hold free-form values.
    extra: String,
    lang: String,
    body_line: usize,
    source_hash: u128,
}

fn instant(date: &DateTime<Tz>) -> (i64, u32) {
    (date.timestamp(), date.timestamp_subsec_nanos())
}

fn date(zone: Tz, (seconds, nanos): (i64, u32)) -> Option<DateTime<Tz>> {
    zone.timestamp_opt(seconds, nanos).single()
}

impl SourceCache {
    fn location(config: &Config) -> PathBuf {
        crate::output::cache_path(&config.output_dir, "sources")
    }

    fn settings(config: &Config) -> u64 {
        let text = format!(
            "{}\n{:x}\n{}\n{:?}\n{}\n{}",
            env!("CARGO_PKG_VERSION"),
            crate::render::fingerprint::program_fingerprint(),
            config.timezone,
            config.permalink,
            config.base_path,
            config.language
        );
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// The articles of the last build made with the same settings; none without a cache, or
    /// with `--force`.
    pub fn load(config: &Config) -> SourceCache {
        let settings = Self::settings(config);
        Some(Self::location(config))
            .filter(|_| !config.force)
            .and_then(|path| std::fs::read(path).ok())
            .and_then(|file| Self::read(file, settings))
            .unwrap_or(SourceCache {
                settings,
                ..SourceCache::default()
            })
    }

    /// The cache in `file`: the header, the settings, the number of records, then each path
    /// and record with their lengths before them. `None` when it is of other settings or cut.
    fn read(file: Vec<u8>, settings: u64) -> Option<SourceCache> {
        let mut at = HEADER.len();
        let number = |at: &mut usize| -> Option<u64> {
            let bytes = file.get(*at..*at + 8)?;
            *at += 8;
            Some(u64::from_le_bytes(bytes.try_into().ok()?))
        };
        if !file.starts_with(HEADER) || number(&mut at)? != settings {
            return None;
        }
        let count = usize::try_from(number(&mut at)?).ok()?;
        let mut entries = FxHashMap::default();
        entries.reserve(count.min(file.len() / 16));
        for _ in 0..count {
            let length = usize::try_from(number(&mut at)?).ok()?;
            let path = std::str::from_utf8(file.get(at..at.checked_add(length)?)?).ok()?;
            at += length;
            let length = usize::try_from(number(&mut at)?).ok()?;
            let record = at..at.checked_add(length).filter(|&end| end <= file.len())?;
            at = record.end;
            entries.insert(path.to_string(), Stored::Read(record));
        }
        (at == file.len()).then_some(SourceCache {
            settings,
            file,
            entries,
        })
    }

    fn bytes<'a>(&'a self, stored: &'a Stored) -> &'a [u8] {
        match stored {
            Stored::Read(range) => &self.file[range.clone()],
            Stored::Made(bytes) => bytes,
        }
    }

    /// The article parsed from `path` (in the section folder `folder`) last time, if the file
    /// has not changed since.
    pub fn get(&self, config: &Config, path: &Path, folder: &str, now: Stamp) -> Option<Article> {
        let stored = self.entries.get(path.to_str()?)?;
        let record: Record = postcard::from_bytes(self.bytes(stored)).ok()?;
        if record.stamp != now || record.folder != folder {
            return None;
        }
        let fields = record.article;
        Some(Article {
            path: path.to_path_buf(),
            section: fields.section,
            title: fields.title,
            date: date(config.timezone, fields.date)?,
            updated: match fields.updated {
                Some(instant) => Some(date(config.timezone, instant)?),
                None => None,
            },
            slug: fields.slug,
            url: fields.url,
            summary: fields.summary,
            summary_given: fields.summary_given,
            category: fields.category,
            tags: fields.tags,
            author: fields.author,
            source: fields.source,
            draft: fields.draft,
            aliases: fields.aliases,
            extra: match fields.extra.as_str() {
                "{}" => serde_json::Map::new(),
                text => serde_json::from_str(text).ok()?,
            },
            lang: fields.lang,
            body: std::sync::Mutex::new(None),
            body_line: fields.body_line,
            source_hash: fields.source_hash,
            rendering: Default::default(),
            link_targets: Vec::new(),
            image: None,
            assets: Vec::new(),
        })
    }

    /// The record of a freshly parsed article; `None` for a file changed so recently that its
    /// stamp cannot be trusted yet.
    /// `started` is a time before the file was read.
    pub fn record(
        article: &Article,
        folder: &str,
        stamp: Stamp,
        started: SystemTime,
    ) -> Option<Encoded> {
        let record = settled(&stamp, started).then(|| Record {
            stamp,
            folder: folder.to_string(),
            article: Fields {
                section: article.section.clone(),
                title: article.title.clone(),
                date: instant(&article.date),
                updated: article.updated.as_ref().map(instant),
                slug: article.slug.clone(),
                url: article.url.clone(),
                summary: if article.summary_given {
                    article.summary.clone()
                } else {
                    String::new()
                },
                summary_given: article.summary_given,
                category: article.category.clone(),
                tags: article.tags.clone(),
                author: article.author.clone(),
                source: article.source.clone(),
                draft: article.draft,
                aliases: article.aliases.clone(),
                extra: serde_json::to_string(&article.extra).expect("JSON values serialise"),
                lang: article.lang.clone(),
                body_line: article.body_line,
                source_hash: article.source_hash,
            },
        })?;
        Some(Encoded(
            postcard::to_allocvec(&record).expect("a record encodes in memory"),
        ))
    }

    /// Puts the record of a file parsed again in place of its old one; a file changed too
    /// recently to be recorded (no record) loses its old one.
    pub fn replace(&mut self, path: &Path, record: Option<Encoded>) {
        let Some(key) = path.to_str() else { return };
        match record {
            Some(Encoded(bytes)) => {
                self.entries.insert(key.to_string(), Stored::Made(bytes));
            }
            None => {
                self.entries.remove(key);
            }
        }
    }

    /// Forgets the files not among `paths`, and says whether there were any.
    pub fn keep_only<'a>(&mut self, paths: impl Iterator<Item = &'a Path>) -> bool {
        let kept: rustc_hash::FxHashSet<&std::ffi::OsStr> = paths.map(Path::as_os_str).collect();
        let before = self.entries.len();
        self.entries
            .retain(|path, _| kept.contains(std::ffi::OsStr::new(path)));
        self.entries.len() != before
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records the articles of this build, through a temporary file: the records read from
    /// the last file are copied as they were.
    pub fn save(&self, config: &Config) -> Result<()> {
        crate::output::write_atomically(&Self::location(config), |file| {
            use std::io::Write;
            file.write_all(HEADER)?;
            file.write_all(&self.settings.to_le_bytes())?;
            file.write_all(&(self.entries.len() as u64).to_le_bytes())?;
            for (path, stored) in &self.entries {
                for bytes in [path.as_bytes(), self.bytes(stored)] {
                    file.write_all(&(bytes.len() as u64).to_le_bytes())?;
                    file.write_all(bytes)?;
                }
            }
            Ok(())
        })
    }
}

/// A freshly parsed article's record, encoded.
#[derive(Debug)]
pub struct Encoded(Vec<u8>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn a_record_gives_back_the_article_without_its_body() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bulletin.toml"),
            "timezone = \"Asia/Shanghai\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let text = "+++\ntitle = \"T\"\ndate = \"2017-09-18 10:05:20\"\ntags = [\"a\"]\n\
                    [extra]\nx = 1\n+++\nBody\n";
        let path = Path::new("content/news/t.md");
        let article = Article::parse(&config, path, "news", text).unwrap();
        let old = (text.len() as u64, 1_000_000_000, 7);
        let now = SystemTime::now();
        let record = SourceCache::record(&article, "news", old, now).expect("an old file settles");
        let mut cache = SourceCache::default();
        cache.replace(path, Some(record));
        let back = cache.get(&config, path, "news", old).unwrap();
        assert_eq!(back.date, article.date);
        assert_eq!(
            (back.title.as_str(), back.url.as_str()),
            ("T", article.url.as_str())
        );
        assert_eq!(back.tags, ["a"]);
        assert_eq!(back.extra, article.extra);
        assert_eq!(back.source_hash, article.source_hash);
        assert!(back.body.lock().unwrap().is_none());
        let grown = (old.0 + 1, old.1, old.2);
        assert!(cache.get(&config, path, "news", grown).is_none());
        let replaced = (old.0, old.1, old.2 + 1);
        assert!(cache.get(&config, path, "news", replaced).is_none());
        assert!(cache.get(&config, path, "notices", old).is_none());
        let fresh = stamp(&dir.path().join("bulletin.toml")).unwrap();
        assert!(SourceCache::record(&article, "news", fresh, now).is_none());
    }

    #[test]
    fn a_folder_stamps_its_files_as_each_is_stamped_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("news/2017")).unwrap();
        let file = dir.path().join("news/2017/a.md");
        std::fs::write(&file, "twelve bytes").unwrap();
        let alone = stamp(&file).unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let modified = meta
            .modified()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!((alone.0, alone.1), (12, modified.as_nanos()));
        let folder = crate::output::present::Folder::open(dir.path());
        assert_eq!(stamp_below(&folder, &file), Some(alone));
        assert_eq!(
            stamp_below(&folder, &dir.path().join("news/2017/b.md")),
            None
        );
        let elsewhere = tempfile::NamedTempFile::new().unwrap();
        assert_eq!(
            stamp_below(&folder, elsewhere.path()),
            stamp(elsewhere.path())
        );
        assert!(stamp_below(&folder, elsewhere.path()).is_some());
        std::fs::write(&file, "thirteen byte").unwrap();
        assert_ne!(stamp_below(&folder, &file), Some(alone));
    }

    /// The stamp of a file that settled long ago.
    const OLD: Stamp = (10, 1_000_000_000, 7);

    /// The path and record of `content/news/<name>.md`, titled `title`, stamped [`OLD`].
    fn record_of(config: &Config, name: &str, title: &str) -> (PathBuf, Option<Encoded>) {
        let path = PathBuf::from(format!("content/news/{name}.md"));
        let text = format!("+++\ntitle = \"{title}\"\ndate = \"2017-09-18 10:05:20\"\n+++\nB\n");
        let article = Article::parse(config, &path, "news", &text).unwrap();
        let record = SourceCache::record(&article, "news", OLD, SystemTime::now());
        (path, record)
    }

    #[test]
    fn saved_records_load_back_and_a_cut_file_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bulletin.toml"), "").unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let old = OLD;
        let parse = |name: &str, title: &str| record_of(&config, name, title);
        let mut cache = SourceCache::load(&config);
        for (name, title) in [("a", "Ä"), ("b", "B")] {
            let (path, record) = parse(name, title);
            cache.replace(&path, record);
        }
        cache.save(&config).unwrap();
        // One record read from the file, one made again: both are written back.
        let mut cache = SourceCache::load(&config);
        assert_eq!(cache.len(), 2);
        let (path, record) = parse("b", "B2");
        cache.replace(&path, record);
        cache.save(&config).unwrap();
        let cache = SourceCache::load(&config);
        let title = |name: &str| {
            let path = PathBuf::from(format!("content/news/{name}.md"));
            cache.get(&config, &path, "news", old).map(|a| a.title)
        };
        assert_eq!(title("a").as_deref(), Some("Ä"));
        assert_eq!(title("b").as_deref(), Some("B2"));
        assert_eq!(title("c"), None);
        let file = SourceCache::location(&config);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert!(SourceCache::load(&config).is_empty());
        std::fs::write(&file, [&bytes[..], b"x"].concat()).unwrap();
        assert!(SourceCache::load(&config).is_empty());
    }

    #[test]
    fn records_are_replaced_dropped_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bulletin.toml"), "").unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let old = OLD;
        let mut cache = SourceCache::default();
        for name in ["a", "b", "c"] {
            let (path, record) = record_of(&config, name, name);
            cache.replace(&path, record);
        }
        assert_eq!(cache.len(), 3);
        let a = Path::new("content/news/a.md");
        cache.replace(a, None);
        assert!(cache.get(&config, a, "news", old).is_none());
        assert_eq!(cache.len(), 2);
        let b = Path::new("content/news/b.md");
        assert!(!cache.keep_only([b, Path::new("content/news/c.md")].into_iter()));
        assert!(cache.keep_only([b].into_iter()));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&config, b, "news", old).unwrap().title, "b");
    }
}
