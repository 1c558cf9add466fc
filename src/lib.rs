//! `bulletin`: a static site generator for news bulletin archives.
//!
//! The build is a straight line, one module per stage: configuration, content, Markdown, site
//! indexes, rendering, output. [`build`] is the map of the program.

pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod i18n;
pub mod markdown;
pub mod new;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;

use std::time::{Duration, Instant};

pub use config::{Config, Overrides};
pub use error::{Error, Location, Result};
use output::writer::Writer;
use rayon::prelude::*;
use render::jobs::Job;

/// What a successful build did, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub articles: usize,
    /// Pages the site has, and files in all (pages, feeds, copies).
    pub pages: usize,
    pub files: usize,
    /// Files made again, files written, and files of the last build removed.
    pub made: usize,
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
    /// Articles dated after the build time, held back, and when the first becomes due.
    pub embargoed: usize,
    pub next_due: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// Time spent reading and indexing, and time spent rendering (the rest is writing).
    pub loading: Duration,
    pub rendering: Duration,
    /// Whether the build found every input as the last one recorded it, and stopped there.
    pub unchanged: bool,
}

/// Follows a build, for a progress bar: how many files there will be, then one call per file.
pub trait Progress: Sync {
    fn start(&self, files: usize);
    fn advance(&self);
}

/// No progress to show.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn advance(&self) {}
}

/// Everything a build knows before it renders: the loaded site, its pages and their paths,
/// and the files it copies.
pub struct Plan {
    pub theme: render::Theme,
    pub templates: render::Templates,
    pub site: site::Site,
    pub jobs: Vec<Job>,
    /// Each job's file, relative to the output folder.
    pub paths: Vec<std::path::PathBuf>,
    pub copies: Vec<output::CopiedFile>,
    /// Scans of the Markdown to keep for the next build, when they changed.
    pub scans: Option<content::links::ScanCache>,
    /// Parsed articles to keep for the next build, when they changed.
    pub sources: Option<content::sources::SourceCache>,
    /// Articles left out of the build: drafts, and those dated after the build time.
    pub held: Vec<content::HeldBack>,
    pub embargoed: usize,
    pub next_due: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// The search index of the last render, for the next one to bring up to date.
    pub search: std::sync::Mutex<Option<render::search::Index>>,
}

impl Plan {
    /// Lays the site out again with `article`, added since: the pages, their paths and the
    /// files to copy. `None` when a whole build must read the site again (the article is in
    /// a new section, or another article linked to its file before it was there) or should
    /// report a problem (its URL, or the path of one of its files, is taken); the plan is
    /// then no longer the site of any build.
    fn add(&mut self, config: &Config, article: content::Article) -> Option<()> {
        let file = config.root.join(&article.path);
        let known_section = self
            .site
            .sections
            .iter()
            .any(|s| s.section.name == article.section);
        if !known_section || self.site.links.was_dangling(&file) {
            return None;
        }
        // Put in its place among the others, the kept articles are not sorted again.
        let at = self.site.position_of(&article);
        let empty = site::Site::new(content::Content::default(), false);
        let mut content = std::mem::replace(&mut self.site, empty).into_content();
        content.links.add(config, &article);
        self.copies.extend(article_copies(config, &article));
        content.articles.insert(at, article);
        self.site = site::Site::new(content, config.per_section_archives);
        self.templates.register_helpers(config, &self.site);
        (self.jobs, self.paths) = pages_of(config, &self.site).ok()?;
        output::check_collisions(config, &self.paths, &self.copies).ok()
    }

    /// Fails when an article's file changed while its pages were being made.
    fn check_unchanged_sources(&self) -> Result<()> {
        Error::collect(
            self.site
                .articles
                .iter()
                .filter(|a| {
                    a.rendering
                        .changed
                        .load(std::sync::atomic::Ordering::Relaxed)
                })
                .map(|a| {
                    Error::at(
                        Location::file(&a.path),
                        "changed while the site was being built",
                    )
                    .with_hint("build again")
                })
                .collect(),
        )
    }

    /// The first date at which the same inputs make other pages (seconds since 1970): an
    /// embargoed article is due, or a scheduled one loses its badge.
    fn valid_until(&self, config: &Config) -> Option<i64> {
        self.site
            .articles
            .iter()
            .map(|a| a.date)
            .filter(|&date| date > config.now)
            .chain(self.next_due)
            .min()
            .map(|date| date.timestamp())
    }

    fn report(
        &self,
        written: output::writer::Written,
        started: Instant,
        loaded: Duration,
        rendered: Duration,
    ) -> Report {
        Report {
            articles: self.site.articles.len(),
            pages: self.jobs.len(),
            files: written.files,
            made: written.made,
            written: written.written,
            removed: written.removed,
            elapsed: started.elapsed(),
            embargoed: self.embargoed,
            next_due: self.next_due,
            loading: loaded,
            rendering: rendered - loaded,
            unchanged: false,
        }
    }

    /// Renders every page through `writer`; `progress` is called once per page.
    pub fn render(
        &self,
        config: &Config,
        writer: &Writer,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<output::writer::Outcome>> {
        render::render_site(config, self, writer, progress)
    }
}

/// Reads the theme and the content and lays out every page; `listing` is the listing of
/// `content/` this build took, with the stamps of its files, when it could read it whole.
/// Every problem found on the way is returned together.
pub fn plan(config: &Config, listing: Option<&[content::sources::Listed]>) -> Result<Plan> {
    let theme = render::Theme::locate(config);
    let (templates, content) = rayon::join(
        || {
            theme
                .as_ref()
                .ok()
                .map(|t| render::Templates::load(config, t))
        },
        || content::load(config, listing),
    );
    let (theme, mut templates, mut content) = match (theme, templates, content) {
        (Ok(theme), Some(Ok(templates)), Ok(content)) => (theme, templates, content),
        (theme, templates, content) => {
            let errors = [theme.err(), templates.and_then(Result::err), content.err()];
            return Err(Error::Many(errors.into_iter().flatten().collect()));
        }
    };
    let scans = content
        .scans_changed
        .then(|| std::mem::take(&mut content.scans));
    let (embargoed, next_due) = (content.embargoed, content.next_due);
    let held = std::mem::take(&mut content.held);
    let sources = content.sources.take();
    let site = site::Site::new(content, config.per_section_archives);
    templates.register_helpers(config, &site);
    let (jobs, paths) = pages_of(config, &site)?;
    let copies = copied_files(config, &site, &theme)?;
    output::check_collisions(config, &paths, &copies)?;
    Ok(Plan {
        theme,
        templates,
        site,
        jobs,
        paths,
        copies,
        scans,
        sources,
        held,
        embargoed,
        next_due,
        search: Default::default(),
    })
}

/// Builds the site described by `config` into its output folder. Nothing is written unless
/// every article and every page succeeded.
pub fn build(config: &Config, progress: &dyn Progress) -> Result<Report> {
    let (report, kept) = build_keeping(config, progress)?;
    // Freeing the site's tens of thousands of strings is no part of the build: it is left to
    // another thread (which the process need not wait for when it ends). Should no thread
    // start, it is freed here, with the refused closure.
    if let Some(kept) = kept {
        let _ = std::thread::Builder::new().spawn(move || drop(kept));
    }
    Ok(report)
}

/// The laid-out site of a build, kept by `bulletin serve` so that a change to one article that
/// leaves its place in the site is built again without loading the site: see
/// [`rebuild_article`].
pub struct Kept {
    plan: Plan,
    /// Seconds since 1970 of the first date at which the same inputs make other pages.
    valid_until: Option<i64>,
    /// Every file the build made, as its cache records them.
    outcomes: Vec<output::writer::Outcome>,
    /// The stamp of the cache file the build left: when it differs, another build wrote the
    /// output since, and what this one knows of the files is out of date.
    cache: Option<content::sources::Stamp>,
}

/// [`build`], handing back the laid-out site (none when nothing had changed).
pub fn build_keeping(config: &Config, progress: &dyn Progress) -> Result<(Report, Option<Kept>)> {
    let started = Instant::now();
    output::check_target(config)?;
    let _lock = output::lock(config)?;
    let inputs = output::unchanged::Inputs::read(config, std::time::SystemTime::now());
    if let Some(same) = inputs.unchanged(config) {
        let elapsed = started.elapsed();
        let report = Report {
            articles: same.counts.articles,
            pages: same.counts.pages,
            files: same.files,
            made: 0,
            written: 0,
            removed: 0,
            elapsed,
            embargoed: same.counts.embargoed,
            next_due: same
                .counts
                .next_due
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.with_timezone(&config.timezone)),
            loading: elapsed,
            rendering: Duration::ZERO,
            unchanged: true,
        };
        return Ok((report, None));
    }
    let (plan, writer) = rayon::join(|| plan(config, inputs.content()), || Writer::start(config));
    let (plan, mut writer) = (plan?, writer?);
    writer.make_folders(&plan.paths)?;
    let loaded = started.elapsed();
    progress.start(plan.jobs.len());
    let mut outcomes = plan.render(config, &writer, &|| progress.advance())?;
    let rendered = started.elapsed();
    plan.check_unchanged_sources()?;
    for copy in &plan.copies {
        outcomes.push(writer.copy(&copy.from, &copy.to, copy.fingerprint())?);
    }
    let (written, saved) = rayon::join(
        || writer.commit(&outcomes),
        || -> Result<()> {
            if let Some(scans) = &plan.scans {
                scans.save(config)?;
            }
            if let Some(sources) = &plan.sources {
                sources.save(config)?;
            }
            Ok(())
        },
    );
    let (written, ()) = (written?, saved?);
    let mut plan = plan;
    (plan.scans, plan.sources) = (None, None);
    let valid_until = plan.valid_until(config);
    inputs.record(
        config,
        output::unchanged::Counts {
            articles: plan.site.articles.len(),
            pages: plan.jobs.len(),
            embargoed: plan.embargoed,
            next_due: plan.next_due.map(|date| date.timestamp()),
        },
        valid_until,
        outcomes.iter().map(|o| o.path.as_path()),
    )?;
    let report = plan.report(written, started, loaded, rendered);
    let kept = Kept {
        plan,
        valid_until,
        outcomes,
        cache: cache_stamp(config),
    };
    Ok((report, Some(kept)))
}

/// The stamp of the output's build cache, which every build that changes the output writes.
fn cache_stamp(config: &Config) -> Option<content::sources::Stamp> {
    content::sources::stamp(&output::cache::Cache::location(&config.output_dir))
}

/// Builds again after the file `changed` (its full path) changed, with the site `kept` from
/// the last build, when it is one of its articles and keeps its place in the site (its body,
/// title, summary or byline changed; not its URL, date, section, category, tags or anything
/// else that orders or indexes it: see [`content::Article::same_place`]), or when it is a new
/// article of one of its sections. The site is not loaded again, and laid out again only for
/// a new article; every page is fingerprinted as in any build, and those whose fingerprint
/// changed are made again.
///
/// `None` when a whole build is needed: the change is not of that kind, the clock has reached
/// a date that changes pages, another build wrote the output since, another article's file
/// changed too (it is the same file, through a link, or was saved in the meantime), or a new
/// article changes what others show (one linked to its file before it was there).
/// After `None` or an error, `kept` is no longer the site of any build: drop it.
pub fn rebuild_article(
    config: &Config,
    kept: &mut Kept,
    changed: &std::path::Path,
) -> Option<Result<Report>> {
    let started = Instant::now();
    if kept
        .valid_until
        .is_some_and(|until| config.now.timestamp() >= until)
    {
        return None;
    }
    let plan = &mut kept.plan;
    let shown = config.display_path(changed);
    let Some(index) = plan.site.articles.iter().position(|a| a.path == shown) else {
        if plan.held.iter().any(|held| held.path == shown) {
            return None;
        }
        let article = content::read_added(config, &plan.site.links, changed)?;
        // The last build's cache is made while the site is laid out again.
        let (added, previous) = rayon::join(
            || plan.add(config, article),
            || Writer::cache_of(&kept.outcomes),
        );
        added?;
        kept.valid_until = kept.plan.valid_until(config);
        return rebuild_kept(config, kept, started, Some(previous)).transpose();
    };
    let old = &plan.site.articles[index];
    // Two articles from one file (a link to it, or a copy): both change with it.
    let twin = plan
        .site
        .articles
        .iter()
        .enumerate()
        .any(|(i, a)| i != index && a.source_hash == old.source_hash);
    let article = content::reread(config, &plan.site.links, changed)?;
    if twin || !old.same_place(&article) {
        return None;
    }
    plan.site.articles[index] = article;
    rebuild_kept(config, kept, started, None).transpose()
}

impl Kept {
    /// How many files of the last build are no longer in `output` (deleted by hand): a
    /// rebuild from the kept site does not ask for each file before it reuses it, so this
    /// is asked after it, and a whole build restores them.
    pub fn missing(&self, output: &std::path::Path) -> usize {
        output::present::Folder::open(output).missing(&self.outcomes, |o| &o.path)
    }
}

/// The writing half of a build, for a site laid out before, with the last build's cache when
/// it was made already; `None` when another build wrote the output since, or when a file
/// changed while the pages were made: a whole build reads them again.
fn rebuild_kept(
    config: &Config,
    kept: &mut Kept,
    started: Instant,
    previous: Option<output::cache::Cache>,
) -> Result<Option<Report>> {
    let plan = &kept.plan;
    // The output folder was checked by the build that laid the site out, with the same
    // configuration.
    let _lock = output::lock(config)?;
    if kept.cache.is_none() || cache_stamp(config) != kept.cache {
        return Ok(None);
    }
    let previous = previous.unwrap_or_else(|| Writer::cache_of(&kept.outcomes));
    let mut writer = Writer::resume(config, previous)?;
    writer.make_folders(&plan.paths)?;
    let loaded = started.elapsed();
    let mut outcomes = plan.render(config, &writer, &|| {})?;
    let rendered = started.elapsed();
    if plan.check_unchanged_sources().is_err() {
        return Ok(None);
    }
    for copy in &plan.copies {
        match writer.copy(&copy.from, &copy.to, copy.fingerprint()) {
            Ok(outcome) => outcomes.push(outcome),
            // Removed since the site was laid out (a change the watcher leaves out).
            Err(_) if !copy.from.exists() => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    let written = writer.commit(&outcomes)?;
    // The caches of parsed articles and scans hold the changed file's old record, which its
    // new stamp no longer matches; the record of inputs for a build with nothing to do is
    // out of date, and goes.
    output::unchanged::forget(config)?;
    let report = plan.report(written, started, loaded, rendered);
    kept.outcomes = outcomes;
    kept.cache = cache_stamp(config);
    Ok(Some(report))
}

/// Every page of `site` and its file, relative to the output folder; an error when two pages
/// would be one file, or a page would lie below another's file.
fn pages_of(config: &Config, site: &site::Site) -> Result<(Vec<Job>, Vec<std::path::PathBuf>)> {
    let jobs = Job::all(config, site);
    let paths: Vec<_> = jobs
        .par_iter()
        .map(|job| job.output_path(config, site))
        .collect();
    render::jobs::check_unique_paths(config, site, &jobs, &paths)?;
    Ok((jobs, paths))
}

/// Static files of the theme and the site, and the files articles attach.
fn copied_files(
    config: &Config,
    site: &site::Site,
    theme: &render::Theme,
) -> Result<Vec<output::CopiedFile>> {
    let mut copies = output::static_files(config, theme)?;
    for article in &site.articles {
        copies.extend(article_copies(config, article));
    }
    Ok(copies)
}

/// The files `article` attaches, copied beside its page.
fn article_copies<'a>(
    config: &Config,
    article: &'a content::Article,
) -> impl Iterator<Item = output::CopiedFile> + 'a {
    let page = render::jobs::output_path(config, &article.url);
    let dir = page
        .parent()
        .expect("an article page lies in its own folder")
        .to_path_buf();
    article
        .assets
        .iter()
        .map(move |(from, name)| output::CopiedFile {
            from: from.clone(),
            to: dir.join(name),
        })
}
