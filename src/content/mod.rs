//! Content stage: walk `content/` in sorted order and load every section and article.

pub mod dates;
pub mod front_matter;
pub mod links;
pub mod page;
pub mod slug;
pub mod sources;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Location, Result};
use links::{LinkIndex, ScanCache};
pub use page::{Article, Section};
use sources::SourceCache;

/// Everything read from `content/`: the articles that will be published and all sections.
#[derive(Debug, Default)]
pub struct Content {
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    /// Where links between articles and to files lead.
    pub links: LinkIndex,
    /// The Markdown scans of this build, to keep for the next one.
    pub scans: ScanCache,
    /// Whether they differ from the scans the build started with.
    pub scans_changed: bool,
    /// The parsed articles to keep for the next build, when they differ from the last.
    pub sources: Option<SourceCache>,
    /// Articles dated after the build time, held back, and the date of the first of them.
    pub embargoed: usize,
    pub next_due: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// Every article left out of this build, drafts and embargoed ones.
    pub held: Vec<HeldBack>,
}

/// An article left out of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBack {
    /// The source file, relative to the site root.
    pub path: PathBuf,
    pub date: chrono::DateTime<chrono_tz::Tz>,
    /// A draft; else it is dated after the build time.
    pub draft: bool,
}

/// The files found under `content/`, sorted.
#[derive(Debug, Default)]
struct Walk {
    /// Markdown files with their section folder.
    articles: Vec<(PathBuf, String, Option<sources::Stamp>)>,
    /// `_section.toml` files by section name; `None` for folders without one.
    sections: BTreeMap<String, Option<PathBuf>>,
    /// Every other file, relative to the root, for attachments.
    files: BTreeSet<PathBuf>,
}

/// An article read for this build: from its file or from the cache, with the record to keep
/// for the next build.
type Parsed = std::result::Result<(Article, Option<sources::Encoded>, bool), Vec<Error>>;

/// Reads every section and article, renders their Markdown, and checks that URLs are unique.
/// `listing` is the listing of `content/` this build took, with the stamps of its files, when
/// it could read it whole. All problems found are returned together.
pub fn load(config: &Config, listing: Option<&[sources::Listed]>) -> Result<Content> {
    // The caches of the last build are read while the folders are listed.
    let (walk, (previous_sources, previous_scans)) = rayon::join(
        || walk(config, listing),
        || rayon::join(|| SourceCache::load(config), || ScanCache::load(config)),
    );
    let walk = walk?;
    let mut errors = Vec::new();
    let mut sections = Vec::new();
    for (name, file) in &walk.sections {
        match file {
            Some(path) => match read_text(config, path)
                .and_then(|text| Section::parse(name, config.display_path(path), &text))
            {
                Ok(section) => sections.push(section),
                Err(e) => errors.push(e),
            },
            None => sections.push(Section::untitled(name)),
        }
    }
    let started = std::time::SystemTime::now();
    let parsed: Vec<Parsed> = walk
        .articles
        .par_iter()
        .map(|(path, section, stamp)| {
            let shown = config.display_path(path);
            let stamp = stamp.or_else(|| sources::stamp(path));
            if let Some(article) =
                stamp.and_then(|stamp| previous_sources.get(config, shown, section, stamp))
            {
                return Ok((article, None, true));
            }
            let text = read_text(config, path).map_err(|e| vec![e])?;
            let article = Article::parse(config, shown, section, &text)?;
            let record =
                stamp.and_then(|stamp| SourceCache::record(&article, section, stamp, started));
            Ok((article, record, false))
        })
        .collect();
    // The last build's records stay for unchanged files; files parsed again replace theirs.
    // (Articles are large: their list is made at its full size, not grown.)
    let mut sources = previous_sources;
    let (mut reparsed, mut recorded) = (false, 0);
    let mut articles = Vec::with_capacity(parsed.len());
    let mut held = Vec::new();
    for result in parsed {
        let article = match result {
            Ok((article, record, cached)) => {
                if cached {
                    recorded += 1;
                } else {
                    reparsed = true;
                    recorded += usize::from(record.is_some());
                    sources.replace(&article.path, record);
                }
                article
            }
            Err(list) => {
                errors.extend(list);
                continue;
            }
        };
        if article.draft && !config.drafts {
            held.push(HeldBack {
                path: article.path,
                date: article.date,
                draft: true,
            });
        } else if article.date > config.now && !config.future {
            held.push(HeldBack {
                path: article.path,
                date: article.date,
                draft: false,
            });
        } else {
            articles.push(article);
        }
    }
    // Records of files that are gone (or failed to parse) are dropped.
    let forgot = sources.len() != recorded
        && sources.keep_only(
            walk.articles
                .iter()
                .map(|(path, _, _)| config.display_path(path)),
        );
    let sources = (reparsed || forgot).then_some(sources);
    errors.extend(check_unique_urls(&articles));
    for article in &articles {
        if !sections.iter().any(|s| s.name == article.section) {
            sections.push(Section::untitled(&article.section));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Many(errors));
    }
    let links = LinkIndex::new(config, &articles, walk.files);
    let (scans, scans_changed) =
        links::resolve_all(&links, previous_scans, &mut articles).map_err(Error::Many)?;
    // Bodies are read again when their pages render: holding every body from here to there
    // would take more memory than the rest of a large archive's articles.
    articles
        .par_iter_mut()
        .for_each(|a| *a.body.get_mut().expect("no thread panics holding a body") = None);
    sections.sort_by(|a, b| {
        (a.order.is_none(), a.order, &a.name).cmp(&(b.order.is_none(), b.order, &b.name))
    });
    let embargoed = held.iter().filter(|h| !h.draft).map(|h| h.date);
    Ok(Content {
        embargoed: embargoed.clone().count(),
        next_due: embargoed.min(),
        held,
        articles,
        sections,
        links,
        scans_changed,
        scans,
        sources,
    })
}

/// Reads one article again after its file changed, as [`load`] reads it: parsed, its Markdown
/// scanned and its links resolved against the site's `links`. `path` is the full path of the
/// file of one of the site's articles. `None` when it is now a link, or cannot be read,
/// parsed or resolved: a whole build then checks it and reports the problem.
pub fn reread(config: &Config, links: &LinkIndex, path: &Path) -> Option<Article> {
    // The section folder, as `classify` finds it.
    let relative = crate::config::relative_to(path, &config.content_dir)?;
    let (section, _) = relative.to_str()?.split_once(['/', '\\'])?;
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let text = read_text(config, path).ok()?;
    let mut article = Article::parse(config, config.display_path(path), section, &text).ok()?;
    let scan = links.scan(&article);
    if links::resolve(links, &mut article, &scan).is_some() {
        return None;
    }
    *article
        .body
        .get_mut()
        .expect("no thread panics holding a body") = None;
    Some(article)
}

/// Reads a file added to `content/` after the site was loaded, as [`load`] would read it:
/// `None` unless it is an article (no link, no section file, nothing `load` leaves out) of a
/// section the site has, that this build publishes and whose links resolve against `links`.
pub fn read_added(config: &Config, links: &LinkIndex, path: &Path) -> Option<Article> {
    // Classified as the walk classifies it; `reread` then turns away links and folders.
    let relative = crate::config::relative_to(path, &config.content_dir)?;
    let entry = sources::Listed {
        path: path.to_path_buf(),
        depth: relative.components().count(),
        is_dir: false,
        is_link: false,
        stamp: None,
    };
    let mut found = Walk::default();
    classify(config, &entry, &mut found).ok()?;
    if found.articles.len() != 1 {
        return None;
    }
    let article = reread(config, links, path)?;
    let held = (article.draft && !config.drafts) || (article.date > config.now && !config.future);
    (!held).then_some(article)
}

/// Finds the articles, section files and other files of `content/`, from the listing the
/// build took as it started when there is one, else by walking the folder.
fn walk(config: &Config, listing: Option<&[sources::Listed]>) -> Result<Walk> {
    let mut found = Walk::default();
    if !config.content_dir.is_dir() {
        return Ok(found);
    }
    let mut errors = Vec::new();
    match listing {
        Some(listing) => {
            // Hidden entries, with all they hold, are left out by `classify`.
            for entry in listing.iter().filter(|e| e.depth > 0) {
                if let Err(e) = classify(config, entry, &mut found) {
                    errors.push(e);
                }
            }
        }
        None => {
            // Walked in the order the file system gives, then sorted once: walkdir's sorting
            // parses both paths again at every comparison.
            let entries = walkdir::WalkDir::new(&config.content_dir)
                .min_depth(1)
                .into_iter()
                .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
            for entry in entries {
                let entry = match entry {
                    Ok(entry) => sources::Listed::from(entry),
                    Err(e) => {
                        let path = e.path().unwrap_or(&config.content_dir).to_path_buf();
                        errors.push(Error::at(
                            Location::file(config.display_path(&path)),
                            format!("cannot be read: {e}"),
                        ));
                        continue;
                    }
                };
                if let Err(e) = classify(config, &entry, &mut found) {
                    errors.push(e);
                }
            }
        }
    }
    errors.sort_by_cached_key(|e| e.location().map(|l| path_key(&l.path)));
    Error::collect(errors)?;
    found
        .articles
        .sort_by_cached_key(|(path, _, _)| path_key(path));
    Ok(found)
}

/// A key that sorts paths as `Path`'s comparison does, component by component, as plain
/// bytes: a separator sorts before every other byte.
fn path_key(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for byte in &mut key {
        if char::from(*byte) == std::path::MAIN_SEPARATOR {
            *byte = 0;
        }
    }
    key
}

fn classify(config: &Config, entry: &sources::Listed, found: &mut Walk) -> Result<()> {
    let path = entry.path.as_path();
    let shown = config.display_path(path);
    let relative = crate::config::relative_to(path, &config.content_dir)
        .expect("the walk starts in the content folder");
    // Hidden entries and all they hold are not the site's, as the walk leaves them out.
    if crate::config::has_dot_part(&relative.to_string_lossy()) {
        return Ok(());
    }
    let Some(relative_text) = relative.to_str() else {
        return Err(
            Error::at(Location::file(shown), "the file name is not valid UTF-8")
                .with_hint("rename it using UTF-8 characters"),
        );
    };
    let section = relative_text
        .split(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_string();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if entry.is_dir {
        if entry.depth == 1 {
            if !slug::is_safe_segment(&section) || section.starts_with('_') {
                return Err(Error::at(
                    Location::file(shown),
                    "a section folder name must be usable in a URL",
                )
                .with_hint("use letters, digits and hyphens, such as `news` or `press-releases`"));
            }
            found.sections.entry(section).or_insert(None);
        }
        return Ok(());
    }
    if entry.is_link && !links_inside(&config.content_dir, path) {
        return Err(Error::at(
            Location::file(shown),
            "is a link to something outside content/ that is not a file",
        )
        .with_hint("copy the file into content/ instead of linking to it"));
    }
    // Editors' backups are left out, as serve leaves out their changes.
    if crate::config::is_scratch_file(&name) {
        return Ok(());
    }
    let is_markdown = path.extension().is_some_and(|e| e == "md");
    match (entry.depth, is_markdown, name.as_ref()) {
        (1, true, _) => Err(Error::at(
            Location::file(shown),
            "an article must be inside a section folder",
        )
        .with_hint("move it to content/<section>/, such as content/news/")),
        (1, false, _) => Ok(()),
        (2, false, page::SECTION_FILE) => {
            found.sections.insert(section, Some(path.to_path_buf()));
            Ok(())
        }
        (_, false, page::SECTION_FILE) => Err(Error::at(
            Location::file(shown),
            "a section file is only read at the top of a section folder",
        )),
        (_, true, _) => {
            found
                .articles
                .push((path.to_path_buf(), section, entry.stamp));
            Ok(())
        }
        (_, false, _) => {
            found.files.insert(path.to_path_buf());
            Ok(())
        }
    }
}

/// Whether a symbolic link leads to a file inside the content folder.
fn links_inside(content_dir: &Path, link: &Path) -> bool {
    match (link.canonicalize(), content_dir.canonicalize()) {
        (Ok(target), Ok(content)) => target.starts_with(content) && target.is_file(),
        _ => false,
    }
}

/// Reads a file as UTF-8 text; an empty or non-UTF-8 file is an error naming it.
fn read_text(config: &Config, path: &Path) -> Result<String> {
    let shown = config.display_path(path);
    let bytes = std::fs::read(path).map_err(Error::io("read", shown))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Error::at(
            Location::at(shown, line, column),
            "the file is not valid UTF-8",
        )
        .with_hint("save the file with UTF-8 encoding")
    })?;
    if text.trim().is_empty() {
        return Err(Error::at(Location::file(shown), "the file is empty")
            .with_hint("an article starts with front matter: `+++`, `title = \"...\"`, `+++`"));
    }
    Ok(text)
}

fn check_unique_urls(articles: &[Article]) -> Vec<Error> {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    let mut errors = Vec::new();
    for article in articles {
        if let Some(first) = seen.insert(&article.url, &article.path) {
            errors.push(
                Error::at(
                    Location::file(&article.path),
                    format!("has the same URL {} as {}", article.url, first.display()),
                )
                .with_hint("give one of them another `slug`")
                .with_code("url-collision"),
            );
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_key_sorts_as_paths_do() {
        let names = [
            "news/a-b.md",
            "news/a/x.md",
            "news/a.md",
            "news/a",
            "news/2017/09/18.md",
            "news/2017-09-18.md",
            "news/2017.md",
            "news-old/a.md",
            "news/é.md",
            "news/z.md",
        ];
        let mut by_path: Vec<&Path> = names.iter().map(Path::new).collect();
        let mut by_bytes = by_path.clone();
        by_path.sort();
        by_bytes.sort_by_key(|p| path_key(p));
        assert_eq!(by_bytes, by_path);
    }
}
