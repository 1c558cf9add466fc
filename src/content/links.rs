//! Links between articles and to attached files, and each article's body, made from Markdown
//! only when a page that shows it is rendered.
//!
//! Loading an article needs only what a scan of its Markdown finds (the links it makes, its
//! first paragraph, its first image), and scans are kept in a cache keyed by the file's
//! fingerprint, so a rebuild parses only the Markdown that changed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Article;
use crate::config::{Config, normalize};
use crate::error::{Error, Location, Result};
use crate::markdown::{self, Links, Scan};

/// Where links may lead: every published article by source file, and every other file of
/// `content/`.
#[derive(Debug, Default)]
pub struct LinkIndex {
    urls: HashMap<PathBuf, String>,
    files: BTreeSet<PathBuf>,
    /// Every file a relative link named that was neither an article nor a file of
    /// `content/`: an article added there changes the pages of the articles that link to it.
    dangling: std::sync::Mutex<BTreeSet<PathBuf>>,
    content_dir: PathBuf,
    root: PathBuf,
    safe_html: bool,
}

impl LinkIndex {
    /// What `article`'s Markdown holds (first paragraph, first image, links), read from its
    /// body.
    pub fn scan(&self, article: &Article) -> Scan {
        article.with_body(&self.root, |body| markdown::scan(body, self.safe_html))
    }

    /// The index of the articles and files of one build.
    pub fn new(config: &Config, articles: &[Article], files: BTreeSet<PathBuf>) -> LinkIndex {
        LinkIndex {
            urls: articles
                .iter()
                .map(|a| (config.root.join(&a.path), a.url.clone()))
                .collect(),
            files,
            dangling: Default::default(),
            content_dir: config.content_dir.clone(),
            root: config.root.clone(),
            safe_html: config.safe_html,
        }
    }

    /// Where a relative link of `article` leads: an article's source file (absolute), a
    /// file of `content/` that is copied beside the page, or nothing.
    pub fn target(&self, article: &Article, dest: &str) -> Target {
        let dir = self.root.join(&article.path);
        let (target, _) = file_of(dir.parent().unwrap_or(&self.root), dest);
        if self.urls.contains_key(&target) {
            Target::Article(target)
        } else if self.files.contains(&target) && target.starts_with(&self.content_dir) {
            Target::File
        } else {
            Target::Missing(target)
        }
    }

    /// Whether a link of an article read with this index led to `path` (a full path) and
    /// found nothing there.
    pub fn was_dangling(&self, path: &Path) -> bool {
        self.dangling
            .lock()
            .expect("no thread panics holding the set")
            .contains(path)
    }

    /// Takes `article` (read after the index was made) among the articles links lead to.
    pub fn add(&mut self, config: &Config, article: &Article) {
        self.urls
            .insert(config.root.join(&article.path), article.url.clone());
    }

    fn resolver<'a>(&'a self, article: &'a Article) -> ArticleLinks<'a> {
        ArticleLinks {
            index: self,
            page_url: &article.url,
            dir: self
                .root
                .join(&article.path)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            assets: BTreeMap::new(),
            clash: None,
        }
    }

    /// The body of an article as HTML, links rewritten, taking its Markdown out of memory
    /// or reading it from the file (through [`Article::shared_html`]).
    pub fn render(&self, article: &Article) -> String {
        let body = article.take_body(&self.root);
        markdown::render(&body, self.safe_html, &mut self.resolver(article)).html
    }
}

/// Where a relative link leads; see [`LinkIndex::target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Article(PathBuf),
    File,
    Missing(PathBuf),
}

/// Scans kept from the last build, by a fingerprint of the article's file and settings.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCache {
    pub scans: rustc_hash::FxHashMap<u128, Scan>,
}

/// What a scan depends on: the file's content hash, the program, and whether raw HTML is kept.
fn scan_key(source_hash: u128, safe_html: bool) -> u128 {
    let mut key = xxhash_rust::xxh3::Xxh3::new();
    key.update(&source_hash.to_le_bytes());
    key.update(env!("CARGO_PKG_VERSION").as_bytes());
    key.update(&crate::render::fingerprint::program_fingerprint().to_le_bytes());
    key.update(&[u8::from(safe_html)]);
    key.digest128()
}

impl ScanCache {
    fn location(config: &Config) -> PathBuf {
        crate::output::cache_path(&config.output_dir, "scans")
    }

    /// The scans of the last build, or none when there is no usable cache.
    pub fn load(config: &Config) -> ScanCache {
        crate::output::load_cache(&Self::location(config)).unwrap_or_default()
    }

    /// Records the scans of this build, through a temporary file.
    pub fn save(&self, config: &Config) -> Result<()> {
        crate::output::save_cache(&Self::location(config), self)
    }
}

/// Scans every article (or takes its scan from the cache), resolves its links, and fills in
/// its summary, image, attachments and link targets. Returns the scans to keep, and whether
/// they differ from the cache's.
pub fn resolve_all(
    index: &LinkIndex,
    mut previous: ScanCache,
    articles: &mut [Article],
) -> std::result::Result<(ScanCache, bool), Vec<Error>> {
    let results: Vec<(u128, Option<Scan>, Option<Error>)> = articles
        .par_iter_mut()
        .map(|article| {
            let key = scan_key(article.source_hash, index.safe_html);
            match previous.scans.get(&key) {
                Some(scan) => {
                    let error = resolve(index, article, scan);
                    (key, None, error)
                }
                None => {
                    let scan = index.scan(article);
                    let error = resolve(index, article, &scan);
                    (key, Some(scan), error)
                }
            }
        })
        .collect();
    let mut kept = ScanCache::default();
    kept.scans.reserve(results.len());
    let mut changed = false;
    let mut errors = Vec::new();
    for (key, fresh, error) in results {
        errors.extend(error);
        // Cached scans move over; two identical files share one.
        let scan = match fresh {
            Some(scan) => {
                changed = true;
                scan
            }
            None => match previous.scans.remove(&key) {
                Some(scan) => scan,
                None => continue,
            },
        };
        kept.scans.insert(key, scan);
    }
    changed |= !previous.scans.is_empty();
    if errors.is_empty() {
        Ok((kept, changed))
    } else {
        Err(errors)
    }
}

/// Fills in `article`'s link targets, image and attachments from its `scan`; the error of
/// a link that leads nowhere it may.
pub(crate) fn resolve(index: &LinkIndex, article: &mut Article, scan: &Scan) -> Option<Error> {
    let mut links = index.resolver(article);
    let targets: Vec<String> = scan
        .links
        .iter()
        .map(|dest| links.rewrite(dest).unwrap_or_default())
        .collect();
    let image = scan.first_image.as_ref().map(|dest| {
        if markdown::is_relative(dest) {
            links.rewrite(dest).unwrap_or_else(|| dest.clone())
        } else {
            dest.clone()
        }
    });
    if article.path.file_stem().is_some_and(|s| s == "index") {
        for file in index
            .files
            .iter()
            .filter(|f| f.parent() == Some(&links.dir))
        {
            links
                .assets
                .entry(file_name(file))
                .or_insert_with(|| file.clone());
        }
    }
    let assets = std::mem::take(&mut links.assets);
    let clash = links.clash.take();
    article.assets = assets
        .into_iter()
        .map(|(name, path)| (path, name))
        .collect();
    article.link_targets = targets;
    article.image = image;
    if article.summary.is_empty() {
        article.summary = scan.first_paragraph.clone();
    }
    clash.map(|message| {
        Error::at(Location::file(&article.path), message).with_code("attachment-clash")
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Resolves the relative links of one article.
struct ArticleLinks<'a> {
    index: &'a LinkIndex,
    /// The article's URL: attachments are linked under it, so that the print page, which
    /// lies one folder deeper, finds them too.
    page_url: &'a str,
    dir: PathBuf,
    /// Attached files by the name they get beside the page.
    assets: BTreeMap<String, PathBuf>,
    clash: Option<String>,
}

impl Links for ArticleLinks<'_> {
    fn rewrite(&mut self, dest: &str) -> Option<String> {
        let (target, suffix) = file_of(&self.dir, dest);
        if let Some(url) = self.index.urls.get(&target) {
            return Some(format!("{url}{suffix}"));
        }
        if !self.index.files.contains(&target) || !target.starts_with(&self.index.content_dir) {
            self.index
                .dangling
                .lock()
                .expect("no thread panics holding the set")
                .insert(target);
            return None;
        }
        let name = file_name(&target);
        match self.assets.get(&name) {
            Some(existing) if existing != &target => {
                self.clash = Some(format!(
                    "attaches two files named {name:?}: {} and {}",
                    existing.display(),
                    target.display()
                ));
            }
            _ => {
                self.assets.insert(name.clone(), target);
            }
        }
        Some(format!("{}{name}{suffix}", self.page_url))
    }
}

/// The file a relative link names, seen from the folder `dir`, and the `#fragment` or
/// `?query` after it.
fn file_of<'a>(dir: &Path, dest: &'a str) -> (PathBuf, &'a str) {
    let (path_part, suffix) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    (normalize(&dir.join(percent_decode(path_part))), suffix)
}

/// Decodes `%20` and the like in a link written by hand, so that it names the file on disk.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("floor%20plan.svg"), "floor plan.svg");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
