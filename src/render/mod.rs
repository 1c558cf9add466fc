//! Render stage: load the templates (site first, then theme) and render every output page.

pub mod context;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::site::Site;
use context::{ArticleView, Crumb, PageView, SectionView, SiteView};

/// A page rendered into memory, waiting to be written.
#[derive(Debug)]
pub struct OutputFile {
    /// Relative to the output folder.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The configured theme, found on disk.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub dir: PathBuf,
}

impl Theme {
    /// Finds `themes/<name>` under the root; if it is missing, the error lists the themes there.
    pub fn locate(config: &Config) -> Result<Theme> {
        let themes = config.root.join("themes");
        let dir = themes.join(&config.theme);
        if dir.join("templates").is_dir() {
            return Ok(Theme {
                name: config.theme.clone(),
                dir,
            });
        }
        let mut found: Vec<String> = std::fs::read_dir(&themes)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().join("templates").is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        let hint = if found.is_empty() {
            "there are no themes in themes/; add one with a templates/ folder".to_string()
        } else {
            format!("themes found: {}", found.join(", "))
        };
        Err(Error::at(
            Location::file(crate::config::CONFIG_FILE),
            format!("`theme` {:?} does not exist in themes/", config.theme),
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

/// Decides which file serves each template name: the site's `templates/` wins over the theme's.
/// Theme templates are also available as `theme/<name>`, so a site template can extend them.
pub fn resolve_templates(
    site_dir: &Path,
    theme_dir: &Path,
) -> Result<BTreeMap<String, TemplateSource>> {
    let mut chosen = BTreeMap::new();
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
}

impl Templates {
    /// Compiles the site's and the theme's templates. Every template that fails to parse is
    /// reported, with its file and line.
    pub fn load(config: &Config, theme: &Theme) -> Result<Templates> {
        let sources =
            resolve_templates(&config.root.join("templates"), &theme.dir.join("templates"))?;
        let mut errors = Vec::new();
        for (name, source) in &sources {
            if let Err(e) = tera::Template::new(name, None, &source.text) {
                errors.push(parse_error(config.display_path(&source.path), &e));
            }
        }
        Error::collect(errors)?;
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, s)| (name.as_str(), s.text.as_str())),
        )
        .map_err(|e| Error::Template {
            template: "(inheritance)".into(),
            page: None,
            detail: describe(&e),
        })?;
        Ok(Templates { tera })
    }

    fn render(&self, name: &str, context: &tera::Context, page: &str) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| Error::Template {
                template: name.to_string(),
                page: Some(page.to_string()),
                detail: describe(&e),
            })
    }
}

/// Escapes text for HTML. Unlike Tera's default it leaves `/` alone, so URLs stay readable.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

/// One output page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Section(usize),
    Article(usize),
    Print(usize),
}

/// Renders every page of the site, in parallel. All template errors are reported together.
pub fn render_site(config: &Config, site: &Site, templates: &Templates) -> Result<Vec<OutputFile>> {
    let mut jobs = vec![Job::Home];
    jobs.extend((0..site.sections.len()).map(Job::Section));
    for index in 0..site.articles.len() {
        jobs.push(Job::Article(index));
        jobs.push(Job::Print(index));
    }
    let shared = Shared {
        config,
        site,
        templates,
        site_view: tera::to_value(SiteView::new(config, site)).expect("site views serialise"),
    };
    let results: Vec<Result<OutputFile>> = jobs.par_iter().map(|job| shared.render(*job)).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(e) => errors.push(e),
        }
    }
    Error::collect(errors)?;
    Ok(files)
}

/// What every render job reads.
struct Shared<'a> {
    config: &'a Config,
    site: &'a Site,
    templates: &'a Templates,
    site_view: tera::Value,
}

impl Shared<'_> {
    fn render(&self, job: Job) -> Result<OutputFile> {
        let config = self.config;
        let home = Crumb {
            title: "Home",
            url: config.base_path.clone(),
        };
        let mut context = tera::Context::new();
        context.insert("site", &self.site_view);
        context.insert("lang", &config.language);
        let (template, url, title, kind) = match job {
            Job::Home => {
                let latest: Vec<_> = self
                    .site
                    .latest(config.home_latest)
                    .map(|i| ArticleView::new(config, self.site, i, false))
                    .collect();
                context.insert("articles", &latest);
                context.insert("breadcrumbs", &Vec::<Crumb>::new());
                (
                    "index.html",
                    config.base_path.clone(),
                    config.title.as_str(),
                    "home",
                )
            }
            Job::Section(index) => {
                let section = &self.site.sections[index];
                let view = SectionView::new(config, section);
                let articles: Vec<_> = section
                    .articles
                    .iter()
                    .map(|&i| ArticleView::new(config, self.site, i, false))
                    .collect();
                context.insert("articles", &articles);
                context.insert("breadcrumbs", &[home]);
                let url = view.url.clone();
                context.insert("section", &view);
                (
                    "section.html",
                    url,
                    section.section.title.as_str(),
                    "section",
                )
            }
            Job::Article(index) | Job::Print(index) => {
                let article = &self.site.articles[index];
                let section = &self.site.section_of(index).section;
                let (older, newer) = self.site.neighbours(index);
                let summary =
                    |i: Option<usize>| i.map(|i| ArticleView::new(config, self.site, i, false));
                context.insert("article", &ArticleView::new(config, self.site, index, true));
                context.insert("prev", &summary(older));
                context.insert("next", &summary(newer));
                let trail = [
                    home,
                    Crumb {
                        title: &section.title,
                        url: section.url(&config.base_path),
                    },
                ];
                context.insert("breadcrumbs", &trail);
                match job {
                    Job::Print(_) => (
                        "print.html",
                        article.print_url(),
                        article.title.as_str(),
                        "print",
                    ),
                    _ => (
                        "article.html",
                        article.url.clone(),
                        article.title.as_str(),
                        "article",
                    ),
                }
            }
        };
        context.insert(
            "page",
            &PageView {
                kind,
                permalink: config.absolute_url(&url),
                url: url.clone(),
                title,
            },
        );
        let html = self.templates.render(template, &context, &url)?;
        Ok(OutputFile {
            path: output_path(config, &url),
            bytes: html.into_bytes(),
        })
    }
}

/// The file a URL is served from: `/news/` is `news/index.html` in the output folder.
pub fn output_path(config: &Config, url: &str) -> PathBuf {
    let relative = url
        .strip_prefix(&config.base_path)
        .unwrap_or(url)
        .trim_matches('/');
    let mut path = PathBuf::from(relative);
    path.push("index.html");
    path
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
    fn escaping_keeps_slashes() {
        assert_eq!(
            escape_html("<a href=\"/x/\">'&'</a>"),
            "&lt;a href=&quot;/x/&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
