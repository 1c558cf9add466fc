//! Configuration stage: read `bulletin.toml`, check every key, fill in the defaults.

use std::path::{Component, Path, PathBuf};

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{self, Error, Location, Result};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "bulletin.toml";

/// `bulletin.toml` as written. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    theme: Option<String>,
    date_format: Option<String>,
    permalink: Option<String>,
    paginate: Option<usize>,
    #[serde(default)]
    home: RawHome,
    #[serde(default)]
    new: RawNew,
    #[serde(default)]
    archive: RawArchive,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    feeds: RawFeeds,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    limit: Option<usize>,
    content: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    max_title: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchive {
    week_start: Option<String>,
    per_section: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHome {
    latest: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNew {
    path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    safe_html: Option<bool>,
}

/// What the command line can override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Ignore the build cache and rebuild the whole output.
    pub force: bool,
    /// The build time as written on the command line (`--now`), read in the site's zone.
    pub now: Option<String>,
    /// Publish articles dated after the build time too.
    pub future: bool,
}

/// The checked configuration: absolute paths, parsed zone and permalink, defaults applied.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site folder, holding `bulletin.toml`, `content/` and `themes/`.
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub title: String,
    pub description: Option<String>,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/bulletin/`), prefixed to every link.
    pub base_path: String,
    pub language: String,
    pub timezone: Tz,
    pub theme: String,
    pub date_format: String,
    /// `date_format`, parsed once.
    pub date_items: Vec<chrono::format::Item<'static>>,
    pub permalink: Permalink,
    pub home_latest: usize,
    /// How many articles a listing page holds before it is split.
    pub paginate: usize,
    /// The first day of a week in calendars.
    pub week_start: Weekday,
    /// Whether each section gets its own date archive.
    pub per_section_archives: bool,
    pub safe_html: bool,
    /// Names of months and weekdays and interface labels in `language`.
    pub locale: crate::i18n::Locale,
    /// Free values for templates, as `site.extra`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Where `bulletin new` puts an article, below `content/`.
    pub new_path: Permalink,
    /// How many articles each feed carries, and whether with their full text.
    pub feed_limit: usize,
    pub feed_full_content: bool,
    /// Whether the site has a search page and its index (`[search] enabled`).
    pub search: bool,
    /// Titles longer than this many characters get a warning from `bulletin check`.
    pub max_title: usize,
    pub drafts: bool,
    /// Whether to ignore the build cache (`--force`).
    pub force: bool,
    /// Whether articles dated after `now` are published (`--future`); else they are held back.
    pub future: bool,
    /// The build time: `--now`, or the clock.
    pub now: DateTime<Tz>,
    /// Whether `now` was given, so that output does not depend on the clock.
    pub now_given: bool,
}

impl Config {
    /// Reads `bulletin.toml` under `root` (if there is one) and applies the overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        // Without `..` and `.`: paths found under the root are compared with paths that links
        // name, which are normalised the same way.
        let root = normalize(&std::path::absolute(root).map_err(Error::io("resolve", root))?);
        if !root.is_dir() {
            return Err(Error::Usage {
                message: format!("the site folder {} does not exist", root.display()),
                hint: Some("pass the folder that holds bulletin.toml with --root".into()),
            });
        }
        let path = root.join(CONFIG_FILE);
        let text = match path.exists() {
            true => std::fs::read_to_string(&path).map_err(Error::io("read", &path))?,
            false => String::new(),
        };
        let raw = toml::from_str::<RawConfig>(&text).map_err(|e| {
            let err = error::from_toml(Path::new(CONFIG_FILE), &text, 1, &e);
            match e.message().contains("unknown field") {
                true => err.with_hint(format!("allowed keys: {ALLOWED_KEYS}")),
                false => err,
            }
        })?;
        let at = |key: &str| match crate::content::front_matter::find_key(&text, key) {
            Some((line, column)) => Location::at(CONFIG_FILE, line, column),
            None => Location::file(CONFIG_FILE),
        };
        Config::check(root, raw, overrides, at)
    }

    fn check(
        root: PathBuf,
        raw: RawConfig,
        overrides: &Overrides,
        at: impl Fn(&str) -> Location,
    ) -> Result<Config> {
        let mut errors = Vec::new();
        let mut fail = |key: &str, message: String, hint: &str| {
            errors.push(Error::at(at(key), format!("{key}: {message}")).with_hint(hint));
        };
        let timezone_name = raw.timezone.unwrap_or_else(|| "UTC".into());
        let timezone = timezone_name.parse::<Tz>().unwrap_or_else(|_| {
            fail(
                "timezone",
                format!("not a known time zone: {timezone_name:?}"),
                "use an IANA name such as \"Asia/Shanghai\", \"Europe/Paris\" or \"UTC\"",
            );
            Tz::UTC
        });
        let date_format = raw
            .date_format
            .unwrap_or_else(|| "%Y-%m-%d %H:%M:%S".into());
        if !is_date_format(&date_format) {
            fail(
                "date_format",
                format!("not a valid strftime pattern: {date_format:?}"),
                "for example \"%Y-%m-%d %H:%M:%S\" or \"%d %B %Y, %H:%M\"",
            );
        }
        let permalink_text = raw
            .permalink
            .unwrap_or_else(|| Permalink::DEFAULT.to_string());
        let permalink = Permalink::parse(&permalink_text).unwrap_or_else(|message| {
            let hint = format!(
                "placeholders: {}; the pattern starts and ends with `/`, holds {{slug}}, and \
                 otherwise only letters, digits, `-`, `_`, `.` and `~`",
                Permalink::PLACEHOLDERS.join(", ")
            );
            fail("permalink", message, &hint);
            Permalink::parse(Permalink::DEFAULT).expect("the default pattern is valid")
        });
        let base_url_text = (overrides.base_url.clone().or(raw.base_url))
            .unwrap_or_else(|| "http://localhost/".into());
        let (base_url, base_path) = parse_base_url(&base_url_text).unwrap_or_else(|message| {
            fail(
                "base_url",
                format!("{message}: {base_url_text:?}"),
                "write it in full, such as \"https://news.example.org/\"",
            );
            ("http://localhost/".into(), "/".into())
        });
        let language = raw.language.unwrap_or_else(|| "en".into());
        if !is_language_tag(&language) {
            fail(
                "language",
                format!("not a language tag: {language:?}"),
                "use a BCP 47 tag such as \"en\", \"zh-Hans\" or \"pt-BR\"",
            );
        }
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if !crate::content::slug::is_safe_segment(&theme) {
            fail(
                "theme",
                format!("not a folder name: {theme:?}"),
                "name a folder of themes/, such as \"default\"",
            );
        }
        let new_path_text = raw.new.path.unwrap_or_else(|| NEW_PATH.to_string());
        let new_path = Permalink::parse(&format!("/{}/", new_path_text.trim_end_matches(".md")))
            .ok()
            .filter(|_| new_path_text.ends_with(".md") && !new_path_text.starts_with('/'))
            .unwrap_or_else(|| {
                fail(
                    "path",
                    format!("`new.path` is not a file pattern: {new_path_text:?}"),
                    "for example \"{section}/{year}/{month}/{slug}.md\"",
                );
                Permalink::parse(Permalink::DEFAULT).expect("the default pattern is valid")
            });
        let paginate = raw.paginate.unwrap_or(20);
        if paginate == 0 {
            fail("paginate", "must be at least 1".into(), "the default is 20");
        }
        let feed_full_content = match raw.feeds.content.as_deref() {
            None | Some("full") => true,
            Some("summary") => false,
            Some(other) => {
                fail(
                    "content",
                    format!("{other:?} is not a feed content"),
                    "write \"full\" or \"summary\"",
                );
                true
            }
        };
        let week_start = match raw.archive.week_start.as_deref().map(str::parse::<Weekday>) {
            None => Weekday::Mon,
            Some(Ok(day)) => day,
            Some(Err(_)) => {
                fail(
                    "week_start",
                    "not a day of the week".into(),
                    "write \"monday\", \"sunday\" or another weekday in English",
                );
                Weekday::Mon
            }
        };
        if overrides.base_url.is_some()
            && errors.iter().any(|e| e.to_string().contains("base_url: "))
        {
            return Err(Error::Usage {
                message: format!("--base-url is not a full address: {base_url_text:?}"),
                hint: Some("write it in full, such as \"https://news.example.org/\"".into()),
            });
        }
        Error::collect(errors)?;
        let now = match &overrides.now {
            Some(text) => {
                crate::content::dates::parse(text, timezone).map_err(|message| Error::Usage {
                    message: format!("--now: {message}"),
                    hint: Some(crate::content::dates::FORMS.into()),
                })?
            }
            None => chrono::Utc::now().with_timezone(&timezone),
        };
        let locale = crate::i18n::Locale::load(&root, &language)?;
        let output_dir = match &overrides.output {
            Some(dir) => std::path::absolute(dir).map_err(Error::io("resolve", dir))?,
            None => root.join("output"),
        };
        Ok(Config {
            content_dir: root.join("content"),
            output_dir,
            title: raw.title.unwrap_or_else(|| "Bulletin".into()),
            description: raw.description.filter(|d| !d.trim().is_empty()),
            base_url,
            base_path,
            language,
            locale,
            timezone,
            theme,
            date_items: StrftimeItems::new(&date_format)
                .parse_to_owned()
                .unwrap_or_default(),
            date_format,
            permalink,
            home_latest: raw.home.latest.unwrap_or(10).max(1),
            paginate,
            week_start,
            per_section_archives: raw.archive.per_section.unwrap_or(true),
            safe_html: raw.markdown.safe_html.unwrap_or(false),
            extra: raw.extra,
            new_path,
            feed_limit: raw.feeds.limit.unwrap_or(20).max(1),
            feed_full_content,
            search: raw.search.enabled.unwrap_or(true),
            max_title: raw.check.max_title.unwrap_or(110),
            drafts: overrides.drafts,
            force: overrides.force,
            future: overrides.future,
            now,
            now_given: overrides.now.is_some(),
            root,
        })
    }

    /// The absolute URL of a root-relative path such as `/news/`.
    pub fn absolute_url(&self, path: &str) -> String {
        let tail = path.strip_prefix(&self.base_path).unwrap_or(path);
        format!("{}{}", self.base_url, tail.trim_start_matches('/'))
    }

    /// Where `key` is written in `bulletin.toml`, for errors found after loading.
    pub fn key_location(&self, key: &str) -> Location {
        let text = std::fs::read_to_string(self.root.join(CONFIG_FILE)).unwrap_or_default();
        match crate::content::front_matter::find_key(&text, key) {
            Some((line, column)) => Location::at(CONFIG_FILE, line, column),
            None => Location::file(CONFIG_FILE),
        }
    }

    /// Shows a path relative to the site root, as error messages do.
    pub fn display_path<'a>(&self, path: &'a Path) -> &'a Path {
        relative_to(path, &self.root).unwrap_or(path)
    }
}

/// Whether a file named `name` is an editor's backup, swap or autosave file (`notes.md~`,
/// `.notes.md.swp`, `#notes.md#`, `notes.md___jb_tmp___`): the site is not made from them.
pub fn is_scratch_file(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Whether a part of the path `text` starts with a dot: `.`, `..`, or a hidden name.
pub fn has_dot_part(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| {
        byte == b'.' && (at == 0 || std::path::is_separator(char::from(bytes[at - 1])))
    })
}

/// `path` without the leading folder `base`, as [`Path::strip_prefix`] gives it. Paths made by
/// joining onto `base` are told by their text alone; others are compared part by part.
pub fn relative_to<'a>(path: &'a Path, base: &Path) -> Option<&'a Path> {
    // A `.` part, a name that starts with a dot, a trailing separator or a Windows verbatim
    // prefix is left to the comparison part by part.
    let odd = |text: &str| {
        text.ends_with(std::path::is_separator)
            || has_dot_part(text)
            || (cfg!(windows) && text.starts_with(r"\\?\"))
    };
    let quick = path.to_str().zip(base.to_str()).and_then(|(text, base)| {
        let rest = text.strip_prefix(base)?;
        if rest.is_empty() {
            return Some(rest);
        }
        let separated =
            base.ends_with(std::path::is_separator) || rest.starts_with(std::path::is_separator);
        let base_plain = !odd(base.trim_end_matches(std::path::is_separator));
        (separated && !base.is_empty() && base_plain)
            .then(|| rest.trim_start_matches(std::path::is_separator))
            .filter(|rest| !odd(rest))
    });
    match quick {
        Some(rest) => Some(Path::new(rest)),
        None => path.strip_prefix(base).ok(),
    }
}

/// Where `bulletin new` puts an article by default.
const NEW_PATH: &str = "{section}/{year}/{slug}.md";

const ALLOWED_KEYS: &str = "title, description, base_url, language, timezone, theme, \
    date_format, permalink, paginate, [home] latest, [new] path, [archive] week_start, per_section, \
    [markdown] safe_html, [feeds] limit, content, [check] max_title, [extra]";

/// Removes `.` and `..` from a path without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Splits a base URL into its normalised form (ending in `/`) and its path.
fn parse_base_url(text: &str) -> std::result::Result<(String, String), &'static str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("has no host");
    }
    if path.contains(['?', '#', ' ', '\\']) || path.split('/').any(|s| s == "..") {
        return Err("must be a plain address without query, fragment or `..`");
    }
    let path = format!("/{}", path.trim_matches('/'));
    let path = if path == "/" {
        path
    } else {
        format!("{path}/")
    };
    let scheme_end = text.len() - rest.len();
    Ok((format!("{}{host}{path}", &text[..scheme_end]), path))
}

/// Whether chrono can format dates with this pattern: some patterns parse but fail when used.
fn is_date_format(format: &str) -> bool {
    use std::fmt::Write;
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return false;
    }
    let sample = chrono::DateTime::from_timestamp(1_505_700_320, 0)
        .expect("a fixed instant")
        .with_timezone(&Tz::Asia__Shanghai);
    let mut out = String::new();
    write!(out, "{}", sample.format(format)).is_ok()
}

fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// One piece of a permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Section,
    Year,
    Month,
    Day,
    Slug,
}

/// A parsed `permalink` pattern such as `/{section}/{year}/{month}/{day}/{slug}/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink {
    pub segments: Vec<Segment>,
}

impl Permalink {
    /// The pattern used when the configuration gives none.
    pub const DEFAULT: &'static str = "/{section}/{year}/{month}/{day}/{slug}/";
    /// Every placeholder a pattern may use.
    pub const PLACEHOLDERS: [&'static str; 5] =
        ["{section}", "{year}", "{month}", "{day}", "{slug}"];

    /// Parses and checks a pattern; the error says what is wrong with it.
    pub fn parse(text: &str) -> std::result::Result<Permalink, String> {
        if !text.starts_with('/') || !text.ends_with('/') {
            return Err(format!("must start and end with `/`: {text:?}"));
        }
        if text.contains("//")
            || text.contains('\\')
            || text.split('/').any(|s| s == ".." || s == ".")
        {
            return Err(format!(
                "must not hold `//`, `\\`, `.` or `..` segments: {text:?}"
            ));
        }
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("has an unclosed `{{`: {text:?}"))?;
            let name = &rest[open..open + close + 1];
            segments.push(match name {
                "{section}" => Segment::Section,
                "{year}" => Segment::Year,
                "{month}" => Segment::Month,
                "{day}" => Segment::Day,
                "{slug}" => Segment::Slug,
                other => return Err(format!("has an unknown placeholder `{other}`")),
            });
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("has a `}}` without `{{`: {text:?}"));
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~');
        for segment in &segments {
            if let Segment::Text(text) = segment
                && let Some(bad) = text.chars().find(|&c| !plain(c))
            {
                return Err(format!("has {bad:?}, which does not belong in a URL path"));
            }
        }
        if !segments.contains(&Segment::Slug) {
            return Err(format!(
                "must contain {{slug}} so that every article gets its own URL: {text:?}"
            ));
        }
        Ok(Permalink { segments })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_to_agrees_with_strip_prefix() {
        let cases = [
            ("/site/content/news/a.md", "/site"),
            ("/site/content/news/a.md", "/site/"),
            ("/site/content/news/a.md", "/site/content/news/a.md"),
            ("/site/content", "/site/content/news"),
            ("/sitemap/a.md", "/site"),
            ("/site//content/a.md", "/site"),
            ("/site/./content/a.md", "/site"),
            ("/site/.hidden/a.md", "/site"),
            ("/site/content/", "/site"),
            ("/site/a/.", "/site"),
            ("/site/./", "/site"),
            ("/site/x", "/site/."),
            ("/a/../x", "/a/.."),
            ("site/content/a.md", "site"),
            ("content/a.md", ""),
            ("/a.md", "/"),
            ("./site/a.md", "site"),
        ];
        for (path, base) in cases {
            let (path, base) = (Path::new(path), Path::new(base));
            assert_eq!(
                relative_to(path, base).map(Path::as_os_str),
                path.strip_prefix(base).ok().map(Path::as_os_str),
                "{path:?} under {base:?}"
            );
        }
    }

    fn check(raw: &str) -> Result<Config> {
        let raw: RawConfig = toml::from_str(raw).expect("test config is valid TOML");
        Config::check(
            PathBuf::from("/site"),
            raw,
            &Overrides::default(),
            |key: &str| Location::file(key),
        )
    }

    #[test]
    fn every_key_has_a_default() {
        let config = check("").unwrap();
        assert_eq!(config.language, "en");
        assert_eq!(config.timezone, Tz::UTC);
        assert_eq!(config.theme, "default");
        assert_eq!(config.date_format, "%Y-%m-%d %H:%M:%S");
        assert_eq!(
            config.permalink,
            Permalink::parse(Permalink::DEFAULT).unwrap()
        );
        assert_eq!(config.output_dir, PathBuf::from("/site/output"));
        assert_eq!(config.base_path, "/");
    }

    #[test]
    fn unknown_key_is_rejected_by_name() {
        let err = toml::from_str::<RawConfig>("titel = \"x\"").unwrap_err();
        assert!(err.message().contains("titel"), "{}", err.message());
    }

    #[test]
    fn bad_time_zone_names_the_key() {
        let err = check("timezone = \"Mars/Olympus\"").unwrap_err();
        assert!(
            err.to_string().contains("timezone: not a known time zone"),
            "{err}"
        );
        assert!(err.hint().unwrap().contains("Asia/Shanghai"));
    }

    #[test]
    fn bad_date_format_is_rejected() {
        let err = check("date_format = \"%Y-%Q\"").unwrap_err();
        assert!(err.to_string().contains("date_format"), "{err}");
        let err = check("date_format = \"%Y %#z\"").unwrap_err();
        assert!(
            err.to_string().contains("date_format"),
            "a pattern that fails when used: {err}"
        );
    }

    #[test]
    fn every_bad_key_is_reported_at_once() {
        let err =
            check("timezone = \"Nowhere\"\nlanguage = \"a b\"\ntheme = \"../x\"").unwrap_err();
        assert_eq!(err.problems().len(), 3, "{err:?}");
    }

    #[test]
    fn week_start_is_a_weekday() {
        assert_eq!(
            check("[archive]\nweek_start = \"sunday\"")
                .unwrap()
                .week_start,
            Weekday::Sun
        );
        assert!(check("[archive]\nweek_start = \"someday\"").is_err());
    }

    #[test]
    fn permalink_with_unknown_placeholder_is_rejected() {
        let err = Permalink::parse("/{section}/{author}/{slug}/").unwrap_err();
        assert!(err.contains("{author}"), "{err}");
        let err = check("permalink = \"/{section}/{id}/{slug}/\"").unwrap_err();
        assert!(err.hint().unwrap().contains("{slug}"));
    }

    #[test]
    fn permalink_must_hold_slug_and_slashes() {
        assert!(Permalink::parse("/{section}/{year}/").is_err());
        assert!(Permalink::parse("{section}/{slug}/").is_err());
        assert!(Permalink::parse("/{section}/{slug}").is_err());
        assert!(Permalink::parse("/../{slug}/").is_err());
        assert!(Permalink::parse("/a/{slug/").is_err());
        assert!(Permalink::parse("/a b/{slug}/").is_err());
        assert!(Permalink::parse("/a/{slug}?x/").is_err());
        let parsed = Permalink::parse("/n/{year}-{month}/{slug}/").unwrap();
        assert_eq!(
            parsed.segments,
            vec![
                Segment::Text("/n/".into()),
                Segment::Year,
                Segment::Text("-".into()),
                Segment::Month,
                Segment::Text("/".into()),
                Segment::Slug,
                Segment::Text("/".into()),
            ]
        );
    }

    #[test]
    fn base_url_keeps_its_path_and_gains_a_slash() {
        assert_eq!(
            parse_base_url("https://example.org/bulletin").unwrap(),
            ("https://example.org/bulletin/".into(), "/bulletin/".into())
        );
        assert_eq!(
            parse_base_url("http://example.org").unwrap(),
            ("http://example.org/".into(), "/".into())
        );
        assert!(parse_base_url("example.org").is_err());
        assert!(parse_base_url("https:///x").is_err());
    }

    #[test]
    fn absolute_url_joins_base_and_path() {
        let config = check("base_url = \"https://example.org/b/\"").unwrap();
        assert_eq!(
            config.absolute_url("/b/news/"),
            "https://example.org/b/news/"
        );
    }

    #[test]
    fn normalize_resolves_parent_segments() {
        assert_eq!(
            normalize(Path::new("/s/content/news/2017/../2018/./x.md")),
            PathBuf::from("/s/content/news/2018/x.md")
        );
    }

    #[test]
    fn language_must_be_a_tag() {
        assert!(check("language = \"zh-Hans\"").is_ok());
        assert!(check("language = \"English please\"").is_err());
    }
}
