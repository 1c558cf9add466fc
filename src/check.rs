//! `bulletin check`: everything a build does except writing, and what a build lets pass:
//! links, anchors, images and attachments that lead nowhere, and warnings for editors.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::links::{Target, percent_decode};
use crate::content::{Article, HeldBack};
use crate::error::{Error, Location, line_col};
use crate::markdown::{self, Inspection, Reference};
use crate::output::writer::Writer;
use crate::render;

/// How bad a problem is: errors fail `check` (and mostly `build`); warnings only with
/// `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, as printed and as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, relative to the site root.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    /// A short name of the kind of problem, such as `broken-link` or `long-title`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    fn new(location: Location, severity: Severity, code: &'static str, message: String) -> Self {
        Problem {
            file: location.path,
            line: location.line,
            column: location.column,
            severity,
            code,
            message,
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns every problem inside a build error into an error-severity problem.
    pub fn from_error(error: &Error) -> Vec<Problem> {
        error
            .problems()
            .into_iter()
            .map(|e| {
                let (location, message) = match e {
                    Error::At {
                        location, message, ..
                    } => (location.clone(), message.clone()),
                    Error::Template {
                        location,
                        page,
                        detail,
                    } => (
                        location.clone(),
                        match page {
                            Some(page) => format!("{detail} (rendering {page})"),
                            None => detail.clone(),
                        },
                    ),
                    Error::Io {
                        path,
                        action,
                        source,
                    } => (Location::file(path), format!("cannot {action}: {source}")),
                    other => (Location::file(""), other.to_string()),
                };
                let mut problem = Problem::new(location, Severity::Error, e.code(), message);
                problem.hint = e.hint().map(str::to_string);
                problem
            })
            .collect()
    }

    /// The location as `file:line:column`.
    pub fn location(&self) -> Location {
        Location {
            path: self.file.clone(),
            line: self.line,
            column: self.column,
        }
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Sorted by file, line and column.
    pub problems: Vec<Problem>,
    pub articles: usize,
    pub pages: usize,
    pub elapsed: Duration,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// Loads and renders the whole site without writing anything, and reports every problem.
pub fn run(config: &Config) -> Checked {
    let started = Instant::now();
    let mut checked = Checked::default();
    match crate::plan(config, None) {
        Err(error) => checked.problems = Problem::from_error(&error),
        Ok(plan) => {
            checked.articles = plan.site.articles.len();
            checked.pages = plan.jobs.len();
            let outputs: HashSet<&Path> = plan
                .paths
                .iter()
                .map(PathBuf::as_path)
                .chain(plan.copies.iter().map(|c| c.to.as_path()))
                .collect();
            let shows_summary = plan.templates.mention(".summary");
            checked.problems = articles(config, &plan.site, &plan.held, &outputs, shows_summary);
            checked.problems.extend(held_back(config, &plan.held));
            // Rendering takes the Markdown of each article, so it comes after the link checks.
            let writer = Writer::dry(config);
            if let Err(error) = plan.render(config, &writer, &|| {}) {
                checked.problems.extend(Problem::from_error(&error));
            }
        }
    }
    checked.problems.sort_by(|a, b| {
        (a.location(), a.severity, &a.message).cmp(&(b.location(), b.severity, &b.message))
    });
    checked.elapsed = started.elapsed();
    checked
}

/// The links, images, titles and summaries of every article.
fn articles(
    config: &Config,
    site: &crate::site::Site,
    held: &[HeldBack],
    outputs: &HashSet<&Path>,
    shows_summary: bool,
) -> Vec<Problem> {
    let inspections: Vec<Inspection> = site
        .articles
        .par_iter()
        .map(|a| {
            a.with_body(&config.root, |body| {
                markdown::inspect(body, config.safe_html)
            })
        })
        .collect();
    let anchors: HashMap<PathBuf, &HashSet<String>> = site
        .articles
        .iter()
        .zip(&inspections)
        .map(|(a, found)| (config.root.join(&a.path), &found.anchors))
        .collect();
    let held: HashMap<PathBuf, &HeldBack> = held
        .iter()
        .map(|h| (config.root.join(&h.path), h))
        .collect();
    let context = Context {
        config,
        site,
        anchors,
        held,
        outputs,
    };
    site.articles
        .par_iter()
        .zip(&inspections)
        .flat_map_iter(|(article, found)| {
            let mut problems = context.article(article, shows_summary);
            article.with_body(&config.root, |body| {
                for reference in &found.references {
                    let (line, column) = line_col(body, reference.offset);
                    let at = Location::at(&article.path, line + article.body_line - 1, column);
                    if let Some((code, message, hint)) =
                        context.reference(article, found, reference)
                    {
                        let severity = if code == "image-alt" {
                            Severity::Warning
                        } else {
                            Severity::Error
                        };
                        let mut problem = Problem::new(at, severity, code, message);
                        problem.hint = hint;
                        problems.push(problem);
                    }
                }
            });
            problems
        })
        .collect()
}

/// What the link checks of one build look up.
struct Context<'a> {
    config: &'a Config,
    site: &'a crate::site::Site,
    /// The anchors of each published article, by absolute source path.
    anchors: HashMap<PathBuf, &'a HashSet<String>>,
    /// Articles left out of the build, by absolute source path.
    held: HashMap<PathBuf, &'a HeldBack>,
    /// Every file the build writes, relative to the output folder.
    outputs: &'a HashSet<&'a Path>,
}

type Finding = (&'static str, String, Option<String>);

impl Context<'_> {
    /// Warnings about the article itself.
    fn article(&self, article: &Article, shows_summary: bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        let length = article.title.chars().count();
        if length > self.config.max_title {
            let location = self
                .key_location(article, "title")
                .unwrap_or_else(|| Location::file(&article.path));
            problems.push(
                Problem::new(
                    location,
                    Severity::Warning,
                    "long-title",
                    format!(
                        "the title is {length} characters long, more than {}",
                        self.config.max_title
                    ),
                )
                .hint("shorten it, or raise `max_title` under [check] in bulletin.toml"),
            );
        }
        let stand_in = match article.summary.as_str() {
            "" => Some("and no paragraph to take one from: listings show only its title"),
            cut if cut.ends_with('…') => {
                Some("and listings show its first paragraph instead, cut short")
            }
            _ => None,
        };
        if let (true, false, Some(stand_in)) = (shows_summary, article.summary_given, stand_in) {
            problems.push(
                Problem::new(
                    Location::file(&article.path),
                    Severity::Warning,
                    "missing-summary",
                    format!("has no summary, {stand_in}"),
                )
                .hint("add `summary = \"...\"` to the front matter"),
            );
        }
        problems
    }

    /// Where `key` is written in an article's front matter.
    fn key_location(&self, article: &Article, key: &str) -> Option<Location> {
        let text = std::fs::read_to_string(self.config.root.join(&article.path)).ok()?;
        let (line, column) = crate::content::front_matter::find_key(&text, key)?;
        Some(Location::at(&article.path, line, column))
    }

    /// What is wrong with one link or image of an article, if anything.
    fn reference(
        &self,
        article: &Article,
        found: &Inspection,
        reference: &Reference,
    ) -> Option<Finding> {
        let dest = reference.dest.as_str();
        if reference.image && reference.no_alt {
            return Some((
                "image-alt",
                format!("the image {dest} has no alternative text"),
                Some(
                    "describe the image between the brackets: ![A map of the site](map.png)".into(),
                ),
            ));
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            let fragment = percent_decode(fragment);
            if fragment.is_empty() || found.anchors.contains(&fragment) {
                return None;
            }
            return Some((
                "broken-anchor",
                format!("links to #{fragment}, which is not a heading or anchor of this article"),
                Some(anchor_hint(&found.anchors)),
            ));
        }
        if markdown::is_relative(dest) {
            return self.relative(article, dest, reference.image);
        }
        self.site_link(dest)
    }

    fn relative(&self, article: &Article, dest: &str, image: bool) -> Option<Finding> {
        match self.site.links.target(article, dest) {
            Target::File => None,
            Target::Article(path) => {
                let fragment = dest.split_once('#').map(|(_, f)| percent_decode(f))?;
                let anchors = self.anchors.get(&path)?;
                if fragment.is_empty() || anchors.contains(&fragment) {
                    return None;
                }
                Some((
                    "broken-anchor",
                    format!(
                        "links to {dest}, but that article has no heading or anchor #{fragment}"
                    ),
                    Some(anchor_hint(anchors)),
                ))
            }
            Target::Missing(path) => {
                if let Some(held) = self.held.get(&path) {
                    let why = if held.draft {
                        "a draft, left out of the build".to_string()
                    } else {
                        format!(
                            "held back until {}",
                            held.date.format(&self.config.date_format)
                        )
                    };
                    return Some((
                        "broken-link",
                        format!("links to {dest}, which is {why}"),
                        Some("publish that article first, or remove the link".into()),
                    ));
                }
                let exists = path.exists();
                let (code, what) = match (image, path.extension().is_some_and(|e| e == "md")) {
                    (true, _) => ("missing-image", "shows the image"),
                    (false, true) => ("broken-link", "links to"),
                    (false, false) => ("missing-attachment", "links to"),
                };
                // A file in content/ that the build leaves out: hidden, or an editor's.
                let left_out = crate::config::relative_to(&path, &self.config.content_dir)
                    .is_some_and(|inside| {
                        let name = path.file_name().unwrap_or_default().to_string_lossy();
                        crate::config::has_dot_part(&inside.to_string_lossy())
                            || crate::config::is_scratch_file(&name)
                    });
                let (why, hint) = match (exists, left_out) {
                    (false, _) => ("which does not exist", None),
                    (true, true) => (
                        "which is hidden or an editor's backup, and is not published",
                        Some("rename the file (without a leading dot or a trailing ~ or .swp)"),
                    ),
                    (true, false) => ("which is outside content/ and is not published", None),
                };
                let hint = hint.unwrap_or(
                    "links are relative to the article's file: check the path and the name",
                );
                Some((code, format!("{what} {dest}, {why}"), Some(hint.into())))
            }
        }
    }

    /// A link to a page of this site by its URL (`/news/` or the full address).
    fn site_link(&self, dest: &str) -> Option<Finding> {
        let config = self.config;
        let tail = if let Some(tail) = dest.strip_prefix(&config.base_url) {
            tail
        } else if dest.starts_with("//") {
            return None;
        } else {
            dest.strip_prefix(&config.base_path)?
        };
        let tail = tail.split(['#', '?']).next().unwrap_or("");
        let url = format!("{}{}", config.base_path, percent_decode(tail));
        let path = render::jobs::output_path(config, &url);
        if self.outputs.contains(path.as_path()) {
            return None;
        }
        Some((
            "broken-link",
            format!("links to {dest}, which is not a page or file of this site"),
            None,
        ))
    }
}

fn anchor_hint(anchors: &HashSet<String>) -> String {
    let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
    known.sort_unstable();
    match known.len() {
        0 => "it has no headings".to_string(),
        n if n <= 8 => format!("its anchors: #{}", known.join(", #")),
        _ => format!("its anchors include #{}", known[..8].join(", #")),
    }
}

/// Warnings for articles dated after the build time.
fn held_back(config: &Config, held: &[HeldBack]) -> Vec<Problem> {
    held.iter()
        .filter(|h| !h.draft)
        .map(|h| {
            let location = std::fs::read_to_string(config.root.join(&h.path))
                .ok()
                .and_then(|text| crate::content::front_matter::find_key(&text, "date"))
                .map_or_else(
                    || Location::file(&h.path),
                    |(line, column)| Location::at(&h.path, line, column),
                );
            Problem::new(
                location,
                Severity::Warning,
                "future",
                format!(
                    "is dated {}, after the build time: it is held back until then",
                    h.date.format(&config.date_format)
                ),
            )
            .hint("`build --future` publishes it now")
        })
        .collect()
}

/// One line per problem (and its hint), as `build` prints errors.
pub fn text(problem: &Problem, colour: bool) -> String {
    let label = match (problem.severity, colour) {
        (Severity::Error, true) => "\x1b[1;31merror\x1b[0m",
        (Severity::Error, false) => "error",
        (Severity::Warning, true) => "\x1b[1;33mwarning\x1b[0m",
        (Severity::Warning, false) => "warning",
    };
    let mut line = format!(
        "{label}: {}: {} [{}]",
        problem.location(),
        problem.message,
        problem.code
    );
    if let Some(hint) = &problem.hint {
        line.push_str(&format!("\n  hint: {hint}"));
    }
    line
}

/// One JSON object on one line.
pub fn json(problem: &Problem) -> String {
    serde_json::to_string(problem).expect("problems serialise to JSON")
}
