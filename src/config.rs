//! Configuration stage: read `bulletin.toml`, check every key, fill in the defaults.

use std::path::{Component, Path, PathBuf};

use chrono::format::{Item, StrftimeItems};
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
    #[serde(default)]
    home: RawHome,
    #[serde(default)]
    markdown: RawMarkdown,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHome {
    latest: Option<usize>,
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
    pub permalink: Permalink,
    pub home_latest: usize,
    pub safe_html: bool,
    pub drafts: bool,
}

impl Config {
    /// Reads `bulletin.toml` under `root` (if there is one) and applies the overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        let root = std::path::absolute(root).map_err(Error::io("resolve", root))?;
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
            error::from_toml(Path::new(CONFIG_FILE), &text, 1, &e)
                .with_hint(format!("allowed keys: {ALLOWED_KEYS}"))
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
        let timezone_name = raw.timezone.unwrap_or_else(|| "UTC".into());
        let timezone: Tz = timezone_name.parse().map_err(|_| {
            Error::at(
                at("timezone"),
                format!("`timezone` is not a known time zone: {timezone_name:?}"),
            )
            .with_hint("use an IANA name such as \"Asia/Shanghai\", \"Europe/Paris\" or \"UTC\"")
        })?;
        let date_format = raw
            .date_format
            .unwrap_or_else(|| "%Y-%m-%d %H:%M:%S".into());
        if StrftimeItems::new(&date_format).any(|item| matches!(item, Item::Error)) {
            return Err(Error::at(
                at("date_format"),
                format!("`date_format` is not a valid strftime pattern: {date_format:?}"),
            )
            .with_hint("for example \"%Y-%m-%d %H:%M:%S\" or \"%d %B %Y, %H:%M\""));
        }
        let permalink_text = raw
            .permalink
            .unwrap_or_else(|| Permalink::DEFAULT.to_string());
        let permalink = Permalink::parse(&permalink_text).map_err(|message| {
            Error::at(at("permalink"), format!("`permalink` {message}")).with_hint(format!(
                "placeholders: {}; the pattern starts and ends with `/` and holds {{slug}}",
                Permalink::PLACEHOLDERS.join(", ")
            ))
        })?;
        let base_url_text = overrides
            .base_url
            .clone()
            .or(raw.base_url)
            .unwrap_or_else(|| "http://localhost/".into());
        let (base_url, base_path) = parse_base_url(&base_url_text).map_err(|message| {
            let err = format!("`base_url` {message}: {base_url_text:?}");
            let hint = "write it in full, such as \"https://news.example.org/\"";
            match overrides.base_url {
                Some(_) => Error::Usage {
                    message: format!("--base-url {message}: {base_url_text:?}"),
                    hint: Some(hint.into()),
                },
                None => Error::at(at("base_url"), err).with_hint(hint),
            }
        })?;
        let language = raw.language.unwrap_or_else(|| "en".into());
        if !is_language_tag(&language) {
            return Err(Error::at(
                at("language"),
                format!("`language` is not a language tag: {language:?}"),
            )
            .with_hint("use a BCP 47 tag such as \"en\", \"zh-Hans\" or \"pt-BR\""));
        }
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
            timezone,
            theme: raw.theme.unwrap_or_else(|| "default".into()),
            date_format,
            permalink,
            home_latest: raw.home.latest.unwrap_or(10),
            safe_html: raw.markdown.safe_html.unwrap_or(false),
            drafts: overrides.drafts,
            root,
        })
    }

    /// The absolute URL of a root-relative path such as `/news/`.
    pub fn absolute_url(&self, path: &str) -> String {
        let tail = path.strip_prefix(&self.base_path).unwrap_or(path);
        format!("{}{}", self.base_url, tail.trim_start_matches('/'))
    }

    /// Shows a path relative to the site root, as error messages do.
    pub fn display_path<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

const ALLOWED_KEYS: &str = "title, description, base_url, language, timezone, theme, \
    date_format, permalink, [home] latest, [markdown] safe_html";

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
        assert!(err.to_string().contains("`timezone`"), "{err}");
        assert!(err.hint().unwrap().contains("Asia/Shanghai"));
    }

    #[test]
    fn bad_date_format_is_rejected() {
        let err = check("date_format = \"%Y-%Q\"").unwrap_err();
        assert!(err.to_string().contains("date_format"), "{err}");
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
