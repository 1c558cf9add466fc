//! Templates: where each one comes from (the site, then the theme, then the built-in default),
//! loading them once, and reporting their errors with file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::site::Site;

/// The configured theme, found on disk.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub dir: PathBuf,
    /// Default values for `site.extra`, from `theme.toml`; the site's `[extra]` wins.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `theme.toml` as written.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(rename = "name")]
    _name: Option<String>,
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

fn read_theme_file(
    config: &Config,
    dir: &Path,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let path = dir.join("theme.toml");
    if !path.is_file() {
        return Ok(Default::default());
    }
    let text = std::fs::read_to_string(&path).map_err(Error::io("read", &path))?;
    let file: ThemeFile = toml::from_str(&text)
        .map_err(|e| crate::error::from_toml(config.display_path(&path), &text, 1, &e))?;
    Ok(file.extra)
}

impl Theme {
    /// Finds `themes/<name>` under the root; if it is missing, the error lists the themes there.
    pub fn locate(config: &Config) -> Result<Theme> {
        let themes = config.root.join("themes");
        let dir = themes.join(&config.theme);
        if dir.join("templates").is_dir() {
            let extra = read_theme_file(config, &dir)?;
            return Ok(Theme {
                name: config.theme.clone(),
                dir,
                extra,
            });
        }
        let mut found = Vec::new();
        if themes.is_dir() {
            for entry in std::fs::read_dir(&themes).map_err(Error::io("list", &themes))? {
                let entry = entry.map_err(Error::io("list", &themes))?;
                if entry.path().join("templates").is_dir() {
                    found.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
        found.sort();
        let hint = if found.is_empty() {
            "there are no themes in themes/; add one with a templates/ folder".to_string()
        } else {
            format!("themes found: {}", found.join(", "))
        };
        Err(Error::at(
            config.key_location("theme"),
            format!("theme: {:?} does not exist in themes/", config.theme),
        )
        .with_hint(hint))
    }

    /// The theme's static folder.
    pub fn static_dir(&self) -> PathBuf {
        self.dir.join("static")
    }
}

/// Where a template comes from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub path: PathBuf,
    pub text: String,
}

/// The default theme's templates, built in: a theme that lacks one of them (an older theme,
/// or a minimal one) still gets every page.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "archive.html",
        include_str!("../../themes/default/templates/archive.html"),
    ),
    (
        "archive_day.html",
        include_str!("../../themes/default/templates/archive_day.html"),
    ),
    (
        "archive_month.html",
        include_str!("../../themes/default/templates/archive_month.html"),
    ),
    (
        "archive_year.html",
        include_str!("../../themes/default/templates/archive_year.html"),
    ),
    (
        "article.html",
        include_str!("../../themes/default/templates/article.html"),
    ),
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "print_base.html",
        include_str!("../../themes/default/templates/print_base.html"),
    ),
    (
        "print_edition.html",
        include_str!("../../themes/default/templates/print_edition.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "taxonomy.html",
        include_str!("../../themes/default/templates/taxonomy.html"),
    ),
    (
        "term.html",
        include_str!("../../themes/default/templates/term.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("rss.xml", include_str!("../templates/rss.xml")),
    ("seo.html", include_str!("../templates/seo.html")),
    ("alias.html", include_str!("../templates/alias.html")),
];

/// Decides which file serves each template name: the site's `templates/` wins over the theme's,
/// which wins over the built-in default. Theme templates are also available as
/// `theme/<name>`, so a site template can extend them.
pub fn resolve_templates(
    site_dir: &Path,
    theme_dir: &Path,
) -> Result<BTreeMap<String, TemplateSource>> {
    let mut chosen = BTreeMap::new();
    for (name, text) in BUILT_IN {
        let source = TemplateSource {
            path: PathBuf::from(format!("(built-in default theme)/{name}")),
            text: text.to_string(),
        };
        chosen.insert(name.to_string(), source);
    }
    for (name, source) in read_templates(theme_dir)? {
        chosen.insert(format!("theme/{name}"), source.clone());
        chosen.insert(name, source);
    }
    for (name, source) in read_templates(site_dir)? {
        chosen.insert(name, source);
    }
    Ok(chosen)
}

fn read_templates(dir: &Path) -> Result<Vec<(String, TemplateSource)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Error::at(
                Location::file(e.path().unwrap_or(dir)),
                format!("cannot be read: {e}"),
            )
        })?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(dir)
            .expect("the walk starts in dir");
        let name = relative
            .to_str()
            .ok_or_else(|| {
                Error::at(
                    Location::file(entry.path()),
                    "the file name is not valid UTF-8",
                )
            })?
            .replace('\\', "/");
        let text =
            std::fs::read_to_string(entry.path()).map_err(Error::io("read", entry.path()))?;
        found.push((
            name,
            TemplateSource {
                path: entry.path().to_path_buf(),
                text,
            },
        ));
    }
    Ok(found)
}

/// The compiled templates, loaded once per build.
pub struct Templates {
    tera: tera::Tera,
    /// The file behind each template name, to point errors at a line.
    sources: BTreeMap<String, TemplateSource>,
    /// The theme the templates come from.
    pub theme: Theme,
}

impl Templates {
    /// Compiles the site's and the theme's templates. Every template that fails to parse is
    /// reported, with its file and line.
    pub fn load(config: &Config, theme: &Theme) -> Result<Templates> {
        let sources =
            resolve_templates(&config.root.join("templates"), &theme.dir.join("templates"))?;
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(escape_html);
        let all = sources
            .iter()
            .map(|(name, s)| (name.as_str(), s.text.as_str()));
        if let Err(e) = tera.add_raw_templates(all) {
            return Err(template_errors(config, &sources, &e));
        }
        let sources = sources
            .into_iter()
            .map(|(name, source)| {
                let path = config.display_path(&source.path).to_path_buf();
                (
                    name,
                    TemplateSource {
                        path,
                        text: source.text,
                    },
                )
            })
            .collect();
        Ok(Templates {
            tera,
            sources,
            theme: theme.clone(),
        })
    }

    /// Whether any template's text contains `text`: whether the theme shows a summary, say.
    pub fn mention(&self, text: &str) -> bool {
        self.sources.values().any(|s| s.text.contains(text))
    }

    /// What every page reads besides its own articles, for fingerprints: the templates, the
    /// `site` and `i18n` values, and the archive counts when a template calls `calendar()`.
    pub fn global_inputs(
        &self,
        config: &Config,
        site: &Site,
        site_view: &tera::Value,
    ) -> Vec<String> {
        let mut inputs: Vec<String> = Vec::with_capacity(self.sources.len() * 2 + 3);
        let mut uses_calendar = false;
        for (name, source) in &self.sources {
            uses_calendar |= source.text.contains("calendar(");
            inputs.push(name.clone());
            inputs.push(source.text.clone());
        }
        inputs.push(site_view.to_string());
        inputs.push(format!("{:?}", config.locale));
        if uses_calendar {
            let counts: Vec<String> = site
                .archives
                .iter()
                .flat_map(|archive| {
                    archive
                        .periods()
                        .map(move |p| format!("{:?}={}", p, archive.articles(p).len()))
                })
                .collect();
            inputs.push(counts.join(","));
        }
        inputs
    }

    /// Makes the site's archive helpers available to every template.
    pub fn register_helpers(&mut self, config: &Config, site: &Site) {
        super::helpers::register(&mut self.tera, config, site);
    }

    /// Renders one page; `page` names it in errors.
    pub fn render(&self, name: &str, context: &tera::Context, page: &str) -> Result<String> {
        self.tera.render(name, context).map_err(|e| {
            let detail = describe(&e);
            Error::Template {
                location: self.locate(name, &detail),
                page: Some(page.to_string()),
                detail,
            }
        })
    }

    /// Tera does not say on which line rendering failed; the name it complains about, looked up
    /// in the template and then in the others, usually finds it.
    fn locate(&self, name: &str, detail: &str) -> Location {
        let own = self.sources.get(name);
        let fallback = own.map_or_else(|| Location::file(name), |s| Location::file(&s.path));
        let Some(wanted) = detail.split('`').nth(1) else {
            return fallback;
        };
        let others = self
            .sources
            .iter()
            .filter(|(n, _)| !n.starts_with("theme/"))
            .map(|(_, s)| s);
        own.into_iter()
            .chain(others)
            .find_map(|source| {
                source.text.lines().enumerate().find_map(|(index, line)| {
                    let byte = line.find(wanted)?;
                    Some(Location::at(
                        &source.path,
                        index + 1,
                        line[..byte].chars().count() + 1,
                    ))
                })
            })
            .unwrap_or(fallback)
    }
}

/// The names Tera quotes in a message, as in `'article.html'`.
fn quoted_names(detail: &str) -> impl Iterator<Item = &str> {
    detail.split('\'').skip(1).step_by(2)
}

/// Escapes text for HTML. Unlike Tera's default it leaves `/` alone, so URLs stay readable.
/// Control characters and the noncharacters U+FFFE and U+FFFF, which XML forbids, are
/// dropped.
fn escape_html(input: &str) -> String {
    super::replace_bytes(
        input,
        |b| SPECIAL[usize::from(b)],
        |rest| match rest {
            [b'&', ..] => Some(("&amp;", 1)),
            [b'<', ..] => Some(("&lt;", 1)),
            [b'>', ..] => Some(("&gt;", 1)),
            [b'"', ..] => Some(("&quot;", 1)),
            [b'\'', ..] => Some(("&#39;", 1)),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            [0xEF, 0xBF, 0xBE | 0xBF, ..] => Some(("", 3)),
            [0xEF, ..] => None,
            // Control characters other than tab and line ends, which XML forbids.
            _ => Some(("", 1)),
        },
    )
}

/// The bytes [`escape_html`] stops at: the five it escapes, control bytes other than tab and
/// line ends, and the first byte of U+FFFE and U+FFFF.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

/// Characters that are escaped, and control characters that XML forbids, which are dropped.
pub fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{fffe}' | '\u{ffff}')
        || (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
}

/// Every template that fails to parse, with its file and line; or, when they all parse, the
/// inheritance problem Tera reported (a missing parent, say).
fn template_errors(
    config: &Config,
    sources: &BTreeMap<String, TemplateSource>,
    error: &tera::Error,
) -> Error {
    let mut errors = BTreeMap::new();
    for (name, source) in sources {
        if let Err(e) = tera::Template::new(name, None, &source.text) {
            let path = config.display_path(&source.path);
            errors.entry(path).or_insert_with(|| parse_error(path, &e));
        }
    }
    if !errors.is_empty() {
        return Error::Many(errors.into_values().collect());
    }
    let detail = describe(error);
    let location = quoted_names(&detail)
        .find_map(|name| sources.get(name))
        .map_or_else(
            || Location::file("templates"),
            |s| Location::file(config.display_path(&s.path)),
        );
    Error::Template {
        location,
        page: None,
        detail,
    }
}

/// A template syntax error at its file, line and column. Tera reports the place as `--> 4:7`
/// and the reason on a line starting with `=`.
fn parse_error(path: &Path, error: &tera::Error) -> Error {
    let full =
        std::error::Error::source(error).map_or_else(|| error.to_string(), ToString::to_string);
    let place = full.split("-->").nth(1).and_then(|rest| {
        let (line, column) = rest.split_whitespace().next()?.split_once(':')?;
        Some((line.parse().ok()?, column.parse().ok()?))
    });
    let reason = full
        .lines()
        .filter_map(|l| l.trim().strip_prefix('='))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    let location = match place {
        Some((line, column)) => Location::at(path, line, column),
        None => Location::file(path),
    };
    let reason = if reason.is_empty() {
        describe(error)
    } else {
        reason
    };
    Error::at(location, format!("template syntax error: {reason}"))
}

/// A Tera error and its causes on one line.
fn describe(error: &tera::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts
        .join(": ")
        .replace('\n', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn theme_template_is_used_when_the_site_has_none() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "theme/article.html", "theme");
        let chosen =
            resolve_templates(&dir.path().join("site"), &dir.path().join("theme")).unwrap();
        assert_eq!(chosen["article.html"].text, "theme");
    }

    #[test]
    fn site_template_overrides_the_theme_of_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "theme/article.html", "theme");
        write(dir.path(), "site/article.html", "site");
        let chosen =
            resolve_templates(&dir.path().join("site"), &dir.path().join("theme")).unwrap();
        assert_eq!(chosen["article.html"].text, "site");
    }

    #[test]
    fn theme_templates_stay_reachable_under_theme_prefix() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "theme/article.html", "theme");
        write(dir.path(), "site/article.html", "site");
        let chosen =
            resolve_templates(&dir.path().join("site"), &dir.path().join("theme")).unwrap();
        assert_eq!(chosen["theme/article.html"].text, "theme");
    }

    #[test]
    fn template_syntax_error_names_file_line_and_column() {
        let err = tera::Template::new("a.html", None, "<p>\n{% if %}\n").unwrap_err();
        let shown = parse_error(Path::new("templates/a.html"), &err).to_string();
        assert!(shown.starts_with("templates/a.html:2:"), "{shown}");
        assert!(shown.contains("template syntax error"), "{shown}");
    }

    #[test]
    fn built_in_template_fills_in_what_the_theme_lacks() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "theme/article.html", "theme");
        let chosen =
            resolve_templates(&dir.path().join("site"), &dir.path().join("theme")).unwrap();
        assert!(chosen["archive_month.html"].text.contains("calendar"));
        assert!(
            chosen["archive_month.html"]
                .path
                .starts_with("(built-in default theme)")
        );
        assert_eq!(chosen["article.html"].text, "theme");
    }

    #[test]
    fn escaping_drops_control_characters_xml_forbids() {
        assert_eq!(escape_html("a\u{b}b\tc\u{0}"), "ab\tc");
        assert_eq!(
            escape_html("x\u{fffe}y\u{ffff}z\u{fffd}é浙"),
            "xyz\u{fffd}é浙"
        );
    }

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(
            escape_html("<a href=\"/x/\">'&'</a>"),
            "&lt;a href=&quot;/x/&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
