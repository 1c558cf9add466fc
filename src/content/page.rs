//! Articles and sections: typed front matter, Markdown body, slug, URL and date.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;
use serde::Deserialize;

use super::front_matter::{self, DateText, RawFrontMatter};
use super::{dates, slug};
use crate::config::{Config, Permalink, Segment};
use crate::error::{Error, Location, Result};

/// One news item, from its Markdown file.
#[derive(Debug)]
pub struct Article {
    /// The source file, relative to the site root (`content/news/2017/x.md`).
    pub path: PathBuf,
    /// The key of its section (the folder name, or the `section` field).
    pub section: String,
    pub title: String,
    pub date: DateTime<Tz>,
    pub updated: Option<DateTime<Tz>>,
    pub slug: String,
    /// Root-relative URL including the base path, ending in `/`.
    pub url: String,
    /// The summary from front matter, or the start of the first paragraph.
    pub summary: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The page's language.
    pub lang: String,
    /// The Markdown body, until its HTML is made: then it is released, since nothing else
    /// reads it (on a large archive, that is most of the memory the sources take). `None`
    /// when released, or when the article came from the cache of parsed files: then it is
    /// read from the file if a page needs it.
    pub body: std::sync::Mutex<Option<String>>,
    /// The line of the file on which the body starts.
    pub body_line: usize,
    /// Whether the front matter gives a summary (else the first paragraph stands in).
    pub summary_given: bool,
    /// A fingerprint of the whole file, for incremental builds.
    pub source_hash: u128,
    /// The body's HTML while pages of the build show it: see [`Article::shared_html`].
    pub rendering: Rendering,
    /// Where each relative link of the body leads (empty when nowhere), for fingerprints.
    pub link_targets: Vec<String>,
    /// The first image of the body, for link previews.
    pub image: Option<String>,
    /// Files copied beside the article's page: (absolute source, file name).
    pub assets: Vec<(PathBuf, String)>,
}

impl Article {
    /// Builds an article from a file's text. `path` is relative to the root, `section` is the
    /// folder it lies in. Every problem found is returned, not only the first.
    pub fn parse(
        config: &Config,
        path: &Path,
        section: &str,
        text: &str,
    ) -> std::result::Result<Article, Vec<Error>> {
        let split = front_matter::split(path, text).map_err(|e| vec![e])?;
        let raw = front_matter::parse(path, &split).map_err(|e| vec![e])?;
        let mut check = FieldCheck {
            path,
            header: split.header,
            header_line: split.header_line,
            errors: Vec::new(),
        };
        let stem = file_stem(path);
        let title = check.title(raw.title.as_deref());
        let date = check.date(raw.date.as_ref(), stem, config.timezone);
        let updated = check.updated(raw.updated.as_ref(), config.timezone);
        let slug = check.slug(&raw, stem, path);
        let section = check.section(raw.section.as_deref(), section);
        let aliases = check.aliases(&raw.aliases);
        let (Some(title), Some(date), Some(updated), Some(slug), Some(section), Some(())) =
            (title, date, updated, slug, section, aliases)
        else {
            return Err(check.errors);
        };
        Ok(Article {
            url: expand_permalink(&config.permalink, &config.base_path, &section, &date, &slug),
            path: path.to_path_buf(),
            section,
            title,
            date,
            updated,
            slug,
            summary_given: raw.summary.as_ref().is_some_and(|s| !s.trim().is_empty()),
            summary: raw
                .summary
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            category: raw.category.filter(|c| !c.trim().is_empty()),
            tags: raw.tags,
            author: raw.author,
            source: raw.source,
            draft: raw.draft,
            aliases: raw.aliases,
            extra: raw.extra.unwrap_or_default(),
            lang: config.language.clone(),
            body: std::sync::Mutex::new(Some(split.body.to_string())),
            body_line: split.body_line,
            source_hash: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
            rendering: Rendering::default(),
            link_targets: Vec::new(),
            image: None,
            assets: Vec::new(),
        })
    }

    /// Whether `other` takes this article's place in the site unchanged: the same file,
    /// URL, date, section, category, tags, aliases, language, attachments and draft state,
    /// so that the site's order, indexes, pages and paths stay as they are. What may differ
    /// (the title, summary, byline, body...) is shown only on pages whose fingerprints hold
    /// the article's file, so those pages are made again.
    pub fn same_place(&self, other: &Article) -> bool {
        // Taken apart field by field, so that a field added later must be placed here.
        let Article {
            path,
            section,
            title: _,
            date,
            updated: _,
            slug,
            url,
            summary: _,
            category,
            tags,
            author: _,
            source: _,
            draft,
            aliases,
            extra: _,
            lang,
            body: _,
            body_line: _,
            summary_given: _,
            source_hash: _,
            rendering: _,
            link_targets: _,
            image: _,
            assets,
        } = self;
        *path == other.path
            && *section == other.section
            && *date == other.date
            && *slug == other.slug
            && *url == other.url
            && *category == other.category
            && *tags == other.tags
            && *draft == other.draft
            && *aliases == other.aliases
            && *lang == other.lang
            && *assets == other.assets
    }

    /// Runs `f` on the Markdown body, reading it from the file (under `root`) when it is not in
    /// memory; it stays in memory until taken.
    pub fn with_body<R>(&self, root: &Path, f: impl FnOnce(&str) -> R) -> R {
        let mut body = self.body.lock().expect("no thread panics holding a body");
        let text = body.get_or_insert_with(|| self.read_body(root));
        f(text)
    }

    /// Takes the Markdown body out of memory (reading it from the file if needed): for the
    /// one rendering of the body to HTML.
    pub fn take_body(&self, root: &Path) -> String {
        let taken = self
            .body
            .lock()
            .expect("no thread panics holding a body")
            .take();
        taken.unwrap_or_else(|| self.read_body(root))
    }

    /// The body as the file holds it now. Should the file have changed since it was parsed
    /// (or gone), [`Article::changed`] is set and the build fails.
    fn read_body(&self, root: &Path) -> String {
        let text = std::fs::read_to_string(root.join(&self.path)).unwrap_or_default();
        if xxhash_rust::xxh3::xxh3_128(text.as_bytes()) != self.source_hash {
            self.rendering
                .changed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        front_matter::split(&self.path, &text)
            .map(|split| split.body.to_string())
            .unwrap_or_default()
    }

    /// When the article last changed: its update, or its publication.
    pub fn last_modified(&self) -> DateTime<Tz> {
        self.updated
            .map_or(self.date, |updated| updated.max(self.date))
    }

    /// The body as HTML, for a page that shows it: made by the first such page (taking the
    /// Markdown out of memory) and kept while `rendering.uses` says other pages of the build will
    /// show it; each page calls [`Article::release_html`] when done. On a large archive,
    /// keeping every article's HTML for the whole build would take more memory than anything
    /// else.
    pub fn shared_html(&self, links: &super::links::LinkIndex) -> std::sync::Arc<str> {
        use std::sync::atomic::Ordering;
        let mut html = self
            .rendering
            .html
            .lock()
            .expect("no thread panics holding the HTML");
        if let Some(kept) = &*html {
            return kept.clone();
        }
        let made: std::sync::Arc<str> = links.render(self).into();
        if self.rendering.uses.load(Ordering::Acquire) > 1 {
            *html = Some(made.clone());
        }
        made
    }

    /// Says that a page is done with [`Article::shared_html`]; the last one releases it.
    pub fn release_html(&self) {
        use std::sync::atomic::Ordering;
        let before = self
            .rendering
            .uses
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if before == Ok(1) {
            *self
                .rendering
                .html
                .lock()
                .expect("no thread panics holding the HTML") = None;
        }
    }

    /// The URL of the article's print page.
    pub fn print_url(&self) -> String {
        format!("{}print/", self.url)
    }
}

/// What a build does with an article's body as it renders pages.
#[derive(Debug, Default)]
pub struct Rendering {
    /// The body as HTML, made by the first page that shows it and kept for the others.
    pub html: std::sync::Mutex<Option<std::sync::Arc<str>>>,
    /// How many pages of this build have still to show it; at zero it is released.
    pub uses: std::sync::atomic::AtomicU32,
    /// Set when the file, read again for its body, is no longer the one parsed: the build
    /// then fails rather than mix the two.
    pub changed: std::sync::atomic::AtomicBool,
}

fn file_stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
}

/// Checks the fields of one article's front matter, collecting every problem with the line of
/// the field it concerns.
struct FieldCheck<'a> {
    path: &'a Path,
    header: &'a str,
    header_line: usize,
    errors: Vec<Error>,
}

impl FieldCheck<'_> {
    /// Where `key` is written, or the first line of the file when it is not.
    fn at(&self, key: &str) -> Location {
        match front_matter::find_key(self.header, key) {
            Some((line, column)) => Location::at(self.path, line + self.header_line - 1, column),
            None => Location::at(self.path, 1, 1),
        }
    }

    fn fail<T>(&mut self, key: &str, message: String, hint: &str) -> Option<T> {
        let error = Error::at(self.at(key), format!("{key}: {message}"));
        self.errors.push(if hint.is_empty() {
            error
        } else {
            error.with_hint(hint)
        });
        None
    }

    fn title(&mut self, title: Option<&str>) -> Option<String> {
        match title.map(str::trim) {
            Some(title) if !title.is_empty() => Some(title.to_string()),
            _ => self.fail(
                "title",
                "missing".into(),
                "every article needs `title = \"...\"`",
            ),
        }
    }

    /// The `date` field, else the date that starts the file name.
    fn date(&mut self, date: Option<&DateText>, stem: &str, zone: Tz) -> Option<DateTime<Tz>> {
        let text = match (date, dates::from_file_stem(stem)) {
            (Some(DateText(text)), _) => text.as_str(),
            (None, Some((text, _))) => text,
            (None, None) => {
                let hint =
                    "add `date = \"2017-09-18 10:05:20\"`, or start the file name with YYYY-MM-DD-";
                return self.fail("date", "missing".into(), hint);
            }
        };
        self.parse_date("date", text, zone)
    }

    /// `Some(None)` when there is no `updated` field; `None` when it is wrong.
    fn updated(&mut self, updated: Option<&DateText>, zone: Tz) -> Option<Option<DateTime<Tz>>> {
        match updated {
            Some(DateText(text)) => self.parse_date("updated", text, zone).map(Some),
            None => Some(None),
        }
    }

    fn parse_date(&mut self, key: &str, text: &str, zone: Tz) -> Option<DateTime<Tz>> {
        match dates::parse(text, zone) {
            Ok(date) => Some(date),
            Err(message) => self.fail(key, message, dates::FORMS),
        }
    }

    fn slug(&mut self, raw: &RawFrontMatter, stem: &str, path: &Path) -> Option<String> {
        match choose_slug(raw, stem, path) {
            Ok(slug) => Some(slug),
            Err(message) => self.fail(
                "slug",
                message,
                "letters, digits and hyphens, such as \"flood-warning\"",
            ),
        }
    }

    fn section(&mut self, written: Option<&str>, folder: &str) -> Option<String> {
        match written {
            Some(name) if !slug::is_safe_segment(name) => self.fail(
                "section",
                format!("not usable in a URL: {name:?}"),
                "use letters, digits and hyphens, such as \"news\"",
            ),
            Some(name) => Some(name.to_string()),
            None => Some(folder.to_string()),
        }
    }

    /// Old URLs must be paths inside the site: they become files in the output folder.
    fn aliases(&mut self, aliases: &[String]) -> Option<()> {
        for alias in aliases {
            if !is_safe_alias(alias) {
                return self.fail(
                    "aliases",
                    format!("{alias:?} is not a path inside the site"),
                    "write old URLs as paths such as \"/news/2017-09/18/content_123.htm\"",
                );
            }
        }
        Some(())
    }
}

/// Whether an old URL is a plain path that stays inside the output folder.
pub fn is_safe_alias(alias: &str) -> bool {
    alias.starts_with('/')
        && !alias.contains("//")
        && alias
            .split('/')
            .all(|segment| segment != ".." && segment != ".")
        && alias.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '-' | '_' | '.' | '~' | '%' | '+' | ',' | '=')
        })
}

/// The slug: the one written, else the file name without its date prefix (the folder name for
/// `index.md`), else the title.
fn choose_slug(
    raw: &RawFrontMatter,
    stem: &str,
    path: &Path,
) -> std::result::Result<String, String> {
    let undated_stem = dates::from_file_stem(stem).map(|(_, rest)| rest);
    if let Some(written) = &raw.slug {
        if !slug::is_safe_segment(written) {
            return Err(format!(
                "must be one URL segment of letters, digits, `-`, `_`, `.` or `~`: {written:?}"
            ));
        }
        return Ok(written.clone());
    }
    let name = if stem == "index" {
        path.parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("")
    } else {
        undated_stem.unwrap_or(stem)
    };
    let from_name = slug::slugify(name);
    if !from_name.is_empty() {
        return Ok(from_name);
    }
    let from_title = slug::slugify(raw.title.as_deref().unwrap_or(""));
    if from_title.is_empty() {
        return Err("no slug can be made from the file name or the title".into());
    }
    Ok(from_title)
}

/// Fills the permalink pattern for one article.
pub fn expand_permalink(
    pattern: &Permalink,
    base_path: &str,
    section: &str,
    date: &DateTime<Tz>,
    slug: &str,
) -> String {
    let mut url = base_path.trim_end_matches('/').to_string();
    for segment in &pattern.segments {
        match segment {
            Segment::Text(text) => url.push_str(text),
            Segment::Section => url.push_str(section),
            Segment::Year => url.push_str(&format!("{:04}", date.year())),
            Segment::Month => url.push_str(&format!("{:02}", date.month())),
            Segment::Day => url.push_str(&format!("{:02}", date.day())),
            Segment::Slug => url.push_str(slug),
        }
    }
    url
}

/// A section of the site: a top folder of `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The folder name, which is also its URL segment.
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    /// Where it stands in the navigation: lower first, then sections without an order, by name.
    pub order: Option<i64>,
}

/// `_section.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    title: Option<String>,
    description: Option<String>,
    order: Option<i64>,
}

/// The name of a section's settings file.
pub const SECTION_FILE: &str = "_section.toml";

impl Section {
    /// A section with no settings file: titled after its folder name.
    pub fn untitled(name: &str) -> Section {
        let mut chars = name.chars();
        let title = match chars.next() {
            Some(first) => first
                .to_uppercase()
                .chain(chars)
                .collect::<String>()
                .replace('-', " "),
            None => String::new(),
        };
        Section {
            name: name.to_string(),
            title,
            description: None,
            order: None,
        }
    }

    /// Reads a section's settings; `path` is relative to the root and used in errors.
    pub fn parse(name: &str, path: &Path, text: &str) -> Result<Section> {
        let raw: RawSection = toml::from_str(text).map_err(|e| {
            crate::error::from_toml(path, text, 1, &e)
                .with_hint("a section file may set title, description and order")
        })?;
        let default = Section::untitled(name);
        Ok(Section {
            name: name.to_string(),
            title: raw.title.unwrap_or(default.title),
            description: raw.description.filter(|d| !d.trim().is_empty()),
            order: raw.order,
        })
    }

    /// The section's listing URL, including the base path.
    pub fn url(&self, base_path: &str) -> String {
        format!("{base_path}{}/", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config() -> Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bulletin.toml"),
            "timezone = \"Asia/Shanghai\"\n",
        )
        .unwrap();
        Config::load(dir.path(), &Overrides::default()).unwrap()
    }

    fn parse(name: &str, text: &str) -> std::result::Result<Article, Vec<Error>> {
        Article::parse(&config(), Path::new(name), "news", text)
    }

    #[test]
    fn seed_article_gets_its_permalink() {
        let text = "+++\ntitle = \"Zhejiang Signs Cooperative Agreement with AQSIQ\"\ndate = \"2017-09-18 10:05:20\"\n+++\nBody\n";
        let article = parse("content/news/2017/zhejiang-signs.md", text).unwrap();
        assert_eq!(article.url, "/news/2017/09/18/zhejiang-signs/");
        assert_eq!(
            article.print_url(),
            "/news/2017/09/18/zhejiang-signs/print/"
        );
        assert_eq!(article.date.to_rfc3339(), "2017-09-18T10:05:20+08:00");
        assert_eq!(article.body.lock().unwrap().as_deref(), Some("Body\n"));
    }

    #[test]
    fn date_comes_from_the_file_name_when_absent() {
        let article = parse(
            "content/news/2019-01-07-winter.md",
            "+++\ntitle = \"W\"\n+++\n",
        )
        .unwrap();
        assert_eq!(article.date.to_rfc3339(), "2019-01-07T00:00:00+08:00");
        assert_eq!(article.slug, "winter");
    }

    #[test]
    fn slug_falls_back_to_the_title() {
        let article = parse(
            "content/news/2019-01-07.md",
            "+++\ntitle = \"浙江新闻\"\n+++\n",
        )
        .unwrap();
        assert!(article.slug.starts_with("zhe-jiang"), "{}", article.slug);
    }

    #[test]
    fn bundle_slug_is_the_folder_name() {
        let text = "+++\ntitle = \"T\"\ndate = \"2018-01-01\"\n+++\n";
        let article = parse("content/news/expo-opens/index.md", text).unwrap();
        assert_eq!(article.slug, "expo-opens");
    }

    #[test]
    fn missing_title_and_date_are_both_reported() {
        let errors = parse("content/news/x.md", "+++\nauthor = \"A\"\n+++\n").unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert_eq!(shown[0], "content/news/x.md:1:1: title: missing");
        assert_eq!(shown[1], "content/news/x.md:1:1: date: missing");
    }

    #[test]
    fn invalid_date_names_line_and_column() {
        let text = "+++\ntitle = \"A\"\ndate = \"2017-02-30\"\n+++\n";
        let errors = parse("content/news/x.md", text).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "content/news/x.md:3:8: date: not a valid date: \"2017-02-30\""
        );
    }

    #[test]
    fn slug_that_leaves_the_folder_is_an_error() {
        for slug in ["../../etc", "/abs", "a\\b"] {
            let text = format!("+++\ntitle = \"A\"\ndate = \"2017-01-01\"\nslug = {slug:?}\n+++\n");
            let errors = parse("content/news/x.md", &text).unwrap_err();
            assert!(errors[0].to_string().contains(": slug: "), "{}", errors[0]);
        }
    }

    #[test]
    fn aliases_must_stay_inside_the_site() {
        assert!(is_safe_alias("/news/2017-09/18/content_123.htm"));
        for bad in [
            "news/x.htm",
            "/../x",
            "/a/../../x",
            "//host/x",
            "/a\\b",
            "/a b",
        ] {
            assert!(!is_safe_alias(bad), "{bad}");
        }
        let text = "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\naliases = [\"/../../etc/x\"]\n+++\n";
        let errors = parse("content/news/x.md", text).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .starts_with("content/news/x.md:4:11: aliases:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn section_file_is_read() {
        let section = Section::parse(
            "news",
            Path::new("content/news/_section.toml"),
            "title = \"NEWS\"\norder = 2\n",
        )
        .unwrap();
        assert_eq!(section.title, "NEWS");
        assert_eq!(section.order, Some(2));
        assert_eq!(Section::untitled("press-releases").title, "Press releases");
        assert!(Section::parse("news", Path::new("x"), "colour = 1").is_err());
    }
}
