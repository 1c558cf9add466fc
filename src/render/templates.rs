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
        "components.html",
        include_str!("../../themes/default/templates/components.html"),
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
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
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
        // Reachable as `theme/<name>` too, for the site's templates to extend; not a template
        // that defines components, which Tera allows once per name.
        if !defines_components(&source.text) {
            chosen.insert(format!("theme/{name}"), source.clone());
        }
        chosen.insert(name, source);
    }
    for (name, source) in read_templates(site_dir)? {
        chosen.insert(name, source);
    }
    Ok(chosen)
}

fn defines_components(text: &str) -> bool {
    text.split("{%").skip(1).any(|tag| {
        tag.trim_start_matches('-')
            .trim_start()
            .starts_with("component ")
    })
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
    /// What `calendar()` reads, once the site is loaded.
    archives: super::helpers::ArchiveCounts,
}

impl Templates {
    /// Compiles the site's and the theme's templates. Every template that fails to parse is
    /// reported, with its file, line and column.
    pub fn load(config: &Config, theme: &Theme) -> Result<Templates> {
        let sources =
            resolve_templates(&config.root.join("templates"), &theme.dir.join("templates"))?;
        let sources: BTreeMap<String, TemplateSource> = sources
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
        let mut tera = tera::Tera::new();
        tera.set_escape_fn(escape_html);
        let archives = super::helpers::register(&mut tera, config);
        let all = sources
            .iter()
            .map(|(name, s)| (name.as_str(), s.text.as_str()));
        if let Err(e) = tera.add_raw_templates(all) {
            return Err(template_errors(&sources, &e));
        }
        Ok(Templates {
            tera,
            sources,
            theme: theme.clone(),
            archives,
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

    /// Gives the template helpers the site's archives.
    pub fn register_helpers(&mut self, config: &Config, site: &Site) {
        self.archives.fill(config, site);
    }

    /// Renders one page; `page` names it in errors.
    pub fn render(&self, name: &str, context: &tera::Context, page: &str) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera.render_to(name, context, &mut out).map_err(|e| {
            let (location, detail) = self.place(&e, name);
            Error::Template {
                location,
                page: Some(page.to_string()),
                detail,
            }
        })?;
        Ok(out)
    }

    /// Where a Tera error points (the template's file, line and column when Tera knows them),
    /// and what it says.
    fn place(&self, error: &tera::Error, fallback: &str) -> (Location, String) {
        locate(&self.sources, error, fallback)
    }
}

/// The file of template `name`, as errors show it.
fn path_of(sources: &BTreeMap<String, TemplateSource>, name: &str) -> PathBuf {
    sources
        .get(name)
        .map_or_else(|| PathBuf::from(name), |s| s.path.clone())
}

/// The file, line and column a Tera error points at, and its message on one line.
fn locate(
    sources: &BTreeMap<String, TemplateSource>,
    error: &tera::Error,
    fallback: &str,
) -> (Location, String) {
    let path_of = |name: &str| path_of(sources, name);
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let location = Location::at(
                path_of(report.filename()),
                span.start_line,
                span.start_col + 1,
            );
            (location, one_line(&describe(error)))
        }
        _ => {
            if let Some((message, name, line, column)) = reports(&error.to_string()).next() {
                return (
                    Location::at(path_of(name), line, column),
                    message.to_string(),
                );
            }
            let detail = one_line(&describe(error));
            let named = quoted_names(&detail).find(|name| sources.contains_key(*name));
            (Location::file(path_of(named.unwrap_or(fallback))), detail)
        }
    }
}

/// The problems a Tera message reports in its own layout, each as `error: <message>` and
/// then `--> <template>:<line>:<column>`: the message, the template, line and column.
fn reports(text: &str) -> impl Iterator<Item = (&str, &str, usize, usize)> {
    text.split("error: ").skip(1).filter_map(|report| {
        let (message, rest) = report.split_once("-->")?;
        let place = rest.split_whitespace().next()?;
        let mut parts = place.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        Some((message.trim(), name, line, column))
    })
}

/// The names Tera quotes in a message, as in `'article.html'`.
fn quoted_names(detail: &str) -> impl Iterator<Item = &str> {
    detail.split(['\'', '`', '"']).skip(1).step_by(2)
}

/// A Tera error and its causes. Syntax and rendering errors carry their own message (the
/// place is reported separately); the others say what they are.
fn describe(error: &tera::Error) -> String {
    let mut parts = vec![match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            report.message().to_string()
        }
        _ => error.to_string(),
    }];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML. Unlike Tera's default it leaves `/` alone, so URLs stay readable.
/// Control characters and the noncharacters U+FFFE and U+FFFF, which XML forbids, are
/// dropped.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::replace_bytes_into(
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
        out,
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

/// Every template that fails to parse, with its file, line and column; or, when they all
/// parse, the problem Tera found between them (a missing parent, say).
fn template_errors(sources: &BTreeMap<String, TemplateSource>, error: &tera::Error) -> Error {
    let errors: Vec<Error> = sources
        .iter()
        .filter(|(name, _)| !name.starts_with("theme/"))
        .filter_map(|(name, source)| {
            let mut alone = tera::Tera::new();
            let error = alone.add_raw_template(name, &source.text).err()?;
            matches!(error.kind(), tera::ErrorKind::SyntaxError(_)).then(|| {
                let (location, detail) = locate(sources, &error, name);
                let line = location
                    .line
                    .and_then(|n| source.text.lines().nth(n - 1))
                    .unwrap_or("");
                let error = Error::at(location, format!("template syntax error: {detail}"));
                if ["import", "macro", "endmacro"].iter().any(|tag| {
                    line.contains(&format!("{{% {tag}")) || line.contains(&format!("{{%- {tag}"))
                }) || line.contains("macros::")
                {
                    error.with_hint(
                        "templates are Tera 2 templates: macros are now components, defined with \
                         {% component name(args) %} and called without an import, as \
                         {{ <name arg={value} /> }} (README: Writing or overriding a theme)",
                    )
                } else {
                    error
                }
            })
        })
        .collect();
    if let Err(error) = Error::collect(errors) {
        return error;
    }
    let text = error.to_string();
    let reported: Vec<Error> = reports(&text)
        .map(|(message, name, line, column)| {
            Error::at(
                Location::at(path_of(sources, name), line, column),
                format!("template error: {message}"),
            )
        })
        .collect();
    if let Err(error) = Error::collect(reported) {
        return error;
    }
    let (location, detail) = locate(sources, error, "templates");
    Error::Template {
        location,
        page: None,
        detail,
    }
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
    fn a_template_defining_components_has_no_theme_twin() {
        let dir = tempfile::tempdir().unwrap();
        let components = "{%- component badge(text) %}<b>{{ text }}</b>{% endcomponent badge %}";
        write(dir.path(), "theme/components.html", components);
        write(dir.path(), "theme/base.html", "base");
        let chosen =
            resolve_templates(&dir.path().join("site"), &dir.path().join("theme")).unwrap();
        assert_eq!(chosen["components.html"].text, components);
        assert!(!chosen.contains_key("theme/components.html"));
        assert_eq!(chosen["theme/base.html"].text, "base");
    }

    #[test]
    fn template_syntax_error_names_file_line_and_column() {
        let mut sources = BTreeMap::new();
        sources.insert(
            "a.html".to_string(),
            TemplateSource {
                path: PathBuf::from("templates/a.html"),
                text: "<p>\n  {% if %}\n".to_string(),
            },
        );
        let err = tera::Tera::new()
            .add_raw_template("a.html", &sources["a.html"].text)
            .unwrap_err();
        let shown = template_errors(&sources, &err).to_string();
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

    fn escape(text: &str) -> String {
        let mut out = Vec::new();
        escape_html(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escaping_drops_control_characters_xml_forbids() {
        assert_eq!(escape("a\u{b}b\tc\u{0}"), "ab\tc");
        assert_eq!(escape("x\u{fffe}y\u{ffff}z\u{fffd}é浙"), "xyz\u{fffd}é浙");
    }

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(
            escape("<a href=\"/x/\">'&'</a>"),
            "&lt;a href=&quot;/x/&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
