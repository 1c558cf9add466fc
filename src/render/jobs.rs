//! The list of output files: one render job per file, each with its URL and its path.

use std::ffi::OsStr;
use std::path::PathBuf;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::site::Site;
use crate::site::categories::Kind;
use crate::site::dates::Period;
use crate::site::pagination::{page_numbers, page_range, page_range_in, page_url};

/// Most URLs one sitemap file may hold, as the sitemap protocol requires.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Whose articles a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    Site,
    Section(usize),
    /// An index into `Site::categories.terms`.
    Category(usize),
}

/// The two feed formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Atom,
    Rss,
}

impl FeedFormat {
    /// The file name and the template name.
    pub fn file(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Rss => "rss.xml",
        }
    }

    /// The format's name, for a link's text.
    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Atom => "Atom",
            FeedFormat::Rss => "RSS",
        }
    }

    /// The media type, for `<link rel="alternate">`.
    pub fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
        }
    }
}

/// One output file: what it shows decides its template and its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Page `page` of the home listing: 0 for the front, then numbered from the oldest (see
    /// [`crate::site::pagination`]); the same for the other listings.
    Home {
        page: usize,
    },
    Section {
        section: usize,
        page: usize,
    },
    Article(usize),
    Print(usize),
    /// The list of years of archive `archive` (an index into `Site::archives`).
    Archive {
        archive: usize,
    },
    Period {
        archive: usize,
        period: Period,
        page: usize,
    },
    /// The print edition of a month or a day.
    Edition {
        archive: usize,
        period: Period,
    },
    /// Every term of a taxonomy.
    Taxonomy {
        kind: Kind,
    },
    Term {
        kind: Kind,
        term: usize,
        page: usize,
    },
    Feed {
        scope: FeedScope,
        format: FeedFormat,
    },
    /// A redirect from an article's old URL: alias `alias` of article `article`.
    Alias {
        article: usize,
        alias: usize,
    },
    NotFound,
    /// Sitemap file `part` (from 1), when the sitemap is split; part 0 is `sitemap.xml`.
    Sitemap {
        part: usize,
    },
    NewsSitemap,
    Robots,
    /// The search page.
    Search,
    /// The search page's script.
    SearchScript,
    /// File `file` of the search index's titles, dates and summaries.
    SearchDocs {
        file: usize,
    },
    /// File `shard` of the search index's terms.
    SearchTerms {
        shard: usize,
    },
}

impl Job {
    /// Every file of the site, in a fixed order.
    pub fn all(config: &Config, site: &Site) -> Vec<Job> {
        let mut jobs = listing_jobs(config, site);
        for index in 0..site.articles.len() {
            jobs.push(Job::Article(index));
            jobs.push(Job::Print(index));
            let aliases = site.articles[index].aliases.len();
            jobs.extend((0..aliases).map(|alias| Job::Alias {
                article: index,
                alias,
            }));
        }
        archive_jobs(config, site, &mut jobs);
        taxonomy_jobs(config, site, &mut jobs);
        feed_jobs(site, &mut jobs);
        if config.search {
            search_jobs(site, &mut jobs);
        }
        jobs.push(Job::NotFound);
        let indexed = jobs.iter().filter(|job| job.in_sitemap()).count();
        if indexed > SITEMAP_LIMIT {
            jobs.extend((1..=indexed.div_ceil(SITEMAP_LIMIT)).map(|part| Job::Sitemap { part }));
        }
        jobs.extend([Job::Sitemap { part: 0 }, Job::NewsSitemap, Job::Robots]);
        group_by_day(site, &mut jobs);
        jobs
    }

    /// Whether the file is the search page or one of its files.
    pub fn is_search(self) -> bool {
        matches!(
            self,
            Job::Search | Job::SearchScript | Job::SearchDocs { .. } | Job::SearchTerms { .. }
        )
    }

    /// Whether the page belongs in the sitemap: pages for readers, not print views, redirects
    /// or machine files.
    pub fn in_sitemap(self) -> bool {
        matches!(
            self,
            Job::Home { .. }
                | Job::Section { .. }
                | Job::Article(_)
                | Job::Archive { .. }
                | Job::Period { .. }
                | Job::Taxonomy { .. }
                | Job::Term { .. }
        )
    }

    /// The file's URL, including the base path.
    pub fn url(self, config: &Config, site: &Site) -> String {
        let root = &config.base_path;
        match self {
            Job::Home { page } => page_url(root, page),
            Job::Section { section, page } => {
                page_url(&site.sections[section].section.url(root), page)
            }
            Job::Article(index) => site.articles[index].url.clone(),
            Job::Print(index) => site.articles[index].print_url(),
            Job::Archive { archive } => archive_url(config, site, archive),
            Job::Period {
                archive,
                period,
                page,
            } => page_url(&period_url(config, site, archive, period), page),
            Job::Edition { archive, period } => {
                format!("{}print/", period_url(config, site, archive, period))
            }
            Job::Taxonomy { kind } => format!("{root}{}/", kind.name()),
            Job::Term { kind, term, page } => page_url(&term_url(config, site, kind, term), page),
            Job::Feed { scope, format } => {
                format!("{}{}", feed_base(config, site, scope), format.file())
            }
            Job::Alias { article, alias } => {
                format!(
                    "{}{}",
                    root.trim_end_matches('/'),
                    site.articles[article].aliases[alias]
                )
            }
            Job::NotFound => format!("{root}404.html"),
            Job::Sitemap { part: 0 } => format!("{root}sitemap.xml"),
            Job::Sitemap { part } => format!("{root}sitemap-{part}.xml"),
            Job::NewsSitemap => format!("{root}news-sitemap.xml"),
            Job::Robots => format!("{root}robots.txt"),
            Job::Search => format!("{root}search/"),
            Job::SearchScript => format!("{root}search/search.js"),
            Job::SearchDocs { file } => format!("{root}search/docs-{file}.json"),
            Job::SearchTerms { shard } => format!("{root}search/terms-{shard}.json"),
        }
    }

    /// The file the URL is served from: `/news/` is `news/index.html`; `/atom.xml` is itself;
    /// an old URL without an extension (`/news/123`) becomes `news/123/index.html`.
    pub fn output_path(self, config: &Config, site: &Site) -> PathBuf {
        output_path(config, &self.url(config, site))
    }

    /// What the file comes from, for error messages.
    pub fn origin(self, config: &Config, site: &Site) -> String {
        match self {
            Job::Home { page: 0 } => "the home page".into(),
            Job::Section { section, page: 0 } => {
                format!(
                    "the listing of section `{}`",
                    site.sections[section].section.name
                )
            }
            Job::Article(index) => site.articles[index].path.display().to_string(),
            Job::Print(index) => {
                format!("the print page of {}", site.articles[index].path.display())
            }
            Job::Alias { article, alias } => {
                let item = &site.articles[article];
                format!(
                    "the alias {:?} of {}",
                    item.aliases[alias],
                    item.path.display()
                )
            }
            other => format!("the page {}", other.url(config, site)),
        }
    }

    /// When the content of the page last changed: the newest publication or update among the
    /// articles it shows. `None` for pages that show no article.
    pub fn last_modified(self, config: &Config, site: &Site) -> Option<DateTime<Tz>> {
        let newest = |list: &[usize]| list.iter().map(|&i| site.articles[i].last_modified()).max();
        match self {
            Job::Home { page } => {
                let range = page_range(site.articles.len(), config.home_latest, page);
                range.map(|i| site.articles[i].last_modified()).max()
            }
            Job::Section { section, page } => {
                let list = &site.sections[section].articles;
                newest(&list[page_range(list.len(), config.paginate, page)])
            }
            Job::Article(index) | Job::Print(index) => Some(site.articles[index].last_modified()),
            Job::Archive { archive } => site.archives[archive]
                .years
                .values()
                .filter_map(|y| newest(&y.articles))
                .max(),
            Job::Period {
                archive,
                period,
                page,
            } => {
                let list = site.archives[archive].articles(period);
                let order = crate::site::dates::Archive::order(period);
                newest(&list[page_range_in(order, list.len(), config.paginate, page)])
            }
            Job::Taxonomy { kind } => site
                .taxonomy(kind)
                .terms
                .iter()
                .filter_map(|t| newest(&t.articles))
                .max(),
            Job::Term { kind, term, page } => {
                let list = &site.taxonomy(kind).terms[term].articles;
                newest(&list[page_range(list.len(), config.paginate, page)])
            }
            _ => None,
        }
    }
}

fn listing_jobs(config: &Config, site: &Site) -> Vec<Job> {
    let home_pages = page_numbers(site.articles.len(), config.home_latest);
    let mut jobs: Vec<Job> = home_pages.map(|page| Job::Home { page }).collect();
    for (section, index) in site.sections.iter().enumerate() {
        let pages = page_numbers(index.articles.len(), config.paginate);
        jobs.extend(pages.map(|page| Job::Section { section, page }));
    }
    jobs
}

fn archive_jobs(config: &Config, site: &Site, jobs: &mut Vec<Job>) {
    for (archive, dates) in site.archives.iter().enumerate() {
        if dates.count() == 0 {
            continue;
        }
        jobs.push(Job::Archive { archive });
        for period in dates.periods() {
            let pages = page_numbers(dates.articles(period).len(), config.paginate);
            jobs.extend(pages.map(|page| Job::Period {
                archive,
                period,
                page,
            }));
            if !matches!(period, Period::Year(_)) {
                jobs.push(Job::Edition { archive, period });
            }
        }
    }
}

fn taxonomy_jobs(config: &Config, site: &Site, jobs: &mut Vec<Job>) {
    for kind in Kind::ALL {
        let terms = &site.taxonomy(kind).terms;
        if terms.is_empty() {
            continue;
        }
        jobs.push(Job::Taxonomy { kind });
        for (term, entry) in terms.iter().enumerate() {
            let pages = page_numbers(entry.articles.len(), config.paginate);
            jobs.extend(pages.map(|page| Job::Term { kind, term, page }));
        }
    }
}

/// The search page, its script and its index: the files of titles come first, as the
/// pages that list articles do.
fn search_jobs(site: &Site, jobs: &mut Vec<Job>) {
    jobs.extend([Job::Search, Job::SearchScript]);
    let files = site.articles.len().div_ceil(super::search::DOCS_PER_FILE);
    jobs.extend((0..files).map(|file| Job::SearchDocs { file }));
    let shards = super::search::shard_count(site.articles.len());
    jobs.extend((0..shards).map(|shard| Job::SearchTerms { shard }));
}

fn feed_jobs(site: &Site, jobs: &mut Vec<Job>) {
    let mut scopes = vec![FeedScope::Site];
    scopes.extend((0..site.sections.len()).map(FeedScope::Section));
    scopes.extend((0..site.categories.terms.len()).map(FeedScope::Category));
    for scope in scopes {
        for format in [FeedFormat::Atom, FeedFormat::Rss] {
            jobs.push(Job::Feed { scope, format });
        }
    }
}

/// The articles whose body a page shows as HTML.
pub fn html_users(config: &Config, site: &Site, job: Job) -> Vec<usize> {
    match job {
        Job::Article(index) | Job::Print(index) => vec![index],
        Job::Edition { archive, period } => site.archives[archive].articles(period).to_vec(),
        Job::Feed { scope, .. } if config.feed_full_content => {
            let mut list = super::feeds::articles_of(site, scope);
            list.truncate(config.feed_limit);
            list
        }
        _ => Vec::new(),
    }
}

/// Puts each article's pages, and the print editions of its day and month, close together in
/// the list of jobs, newest first: jobs are rendered in about that order, so an article's HTML
/// is kept for a short while rather than the whole build. Other jobs keep their order.
fn group_by_day(site: &Site, jobs: &mut [Job]) {
    let day = |index: usize| site.articles[index].date.date_naive();
    let key = |job: &Job| -> Option<(std::cmp::Reverse<chrono::NaiveDate>, u8)> {
        match *job {
            Job::Article(i) | Job::Print(i) | Job::Alias { article: i, .. } => {
                Some((std::cmp::Reverse(day(i)), 0))
            }
            Job::Edition {
                period: Period::Day(date),
                ..
            } => Some((std::cmp::Reverse(date), 1)),
            Job::Edition {
                period: Period::Month(year, month),
                ..
            } => {
                let first = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
                Some((std::cmp::Reverse(first), 2))
            }
            _ => None,
        }
    };
    let grouped_here: Vec<bool> = jobs.iter().map(|job| key(job).is_some()).collect();
    let Some(first) = grouped_here.iter().position(|&g| g) else {
        return;
    };
    let mut grouped: Vec<Job> = jobs
        .iter()
        .zip(&grouped_here)
        .filter(|(_, g)| **g)
        .map(|(job, _)| *job)
        .collect();
    grouped.sort_by_key(|job| key(job));
    // The grouped jobs take the place of the first of them, in one run; the others follow.
    let others: Vec<Job> = jobs[first..]
        .iter()
        .zip(&grouped_here[first..])
        .filter(|(_, g)| !**g)
        .map(|(job, _)| *job)
        .collect();
    let tail = &mut jobs[first..];
    for (slot, job) in tail.iter_mut().zip(grouped.into_iter().chain(others)) {
        *slot = job;
    }
}

/// The root of an archive: `/archive/`, or `/news/archive/` for a section's.
pub fn archive_url(config: &Config, site: &Site, archive: usize) -> String {
    match site.archives[archive].section {
        None => format!("{}archive/", config.base_path),
        Some(section) => format!(
            "{}archive/",
            site.sections[section].section.url(&config.base_path)
        ),
    }
}

/// The first page of a year, month or day of an archive.
pub fn period_url(config: &Config, site: &Site, archive: usize, period: Period) -> String {
    let mut url = archive_url(config, site, archive);
    period.push_path(&mut url);
    url
}

/// The first page of a category or tag.
pub fn term_url(config: &Config, site: &Site, kind: Kind, term: usize) -> String {
    let slug = &site.taxonomy(kind).terms[term].slug;
    format!("{}{}/{slug}/", config.base_path, kind.name())
}

/// The folder a scope's feeds live in: the site root, a section's or a category's page.
pub fn feed_base(config: &Config, site: &Site, scope: FeedScope) -> String {
    match scope {
        FeedScope::Site => config.base_path.clone(),
        FeedScope::Section(index) => site.sections[index].section.url(&config.base_path),
        FeedScope::Category(term) => term_url(config, site, Kind::Categories, term),
    }
}

/// The file a URL is served from: `/news/` is `news/index.html` in the output folder, a URL
/// with an extension is that file, and one without (`/news/123`) is `news/123/index.html`.
pub fn output_path(config: &Config, url: &str) -> PathBuf {
    let relative = url
        .strip_prefix(&config.base_path)
        .unwrap_or(url)
        .trim_start_matches('/');
    let last = relative.rsplit('/').next().unwrap_or("");
    if relative.is_empty() || relative.ends_with('/') || !last.contains('.') {
        // Made as one text, as `Path::join` would make it.
        let folder = relative.trim_end_matches('/');
        let mut path = String::with_capacity(folder.len() + 11);
        path.push_str(folder);
        if !folder.is_empty() {
            path.push(std::path::MAIN_SEPARATOR);
        }
        path.push_str("index.html");
        PathBuf::from(path)
    } else {
        PathBuf::from(relative)
    }
}

/// The file to blame for a problem with a job's output.
fn job_location(site: &Site, job: Job) -> Location {
    match job {
        Job::Article(i) | Job::Print(i) | Job::Alias { article: i, .. } => {
            Location::file(&site.articles[i].path)
        }
        _ => Location::file(crate::config::CONFIG_FILE),
    }
}

/// Two files at one path would overwrite each other: report both.
pub fn check_unique_paths(
    config: &Config,
    site: &Site,
    jobs: &[Job],
    paths: &[PathBuf],
) -> Result<()> {
    use rayon::prelude::*;
    // Output paths are relative and made from URLs, so their folders end at each `/`.
    const SEPARATOR: char = std::path::MAIN_SEPARATOR;
    fn name(text: &str) -> &str {
        text.rsplit(SEPARATOR).next().unwrap_or(text)
    }
    let (seen, names) = rayon::join(
        || {
            let mut seen: rustc_hash::FxHashMap<&OsStr, Job> = rustc_hash::FxHashMap::default();
            seen.reserve(jobs.len());
            let mut errors = Vec::new();
            for (&job, path) in jobs.iter().zip(paths) {
                let path = path.as_os_str();
                if let Some(first) = seen.get(&path) {
                    let location = job_location(site, job);
                    let message = format!(
                        "{} and {} would both be written to {}",
                        first.origin(config, site),
                        job.origin(config, site),
                        path.display()
                    );
                    let search = [*first, job].iter().any(|j| j.is_search());
                    let hint = if search {
                        "the search page takes /search/: rename the section, or turn search off \
                         with `[search] enabled = false`"
                    } else {
                        "change a `slug`, an alias, or the `permalink` pattern"
                    };
                    errors.push(
                        Error::at(location, message)
                            .with_hint(hint)
                            .with_code("url-collision"),
                    );
                } else {
                    seen.insert(path, job);
                }
            }
            (seen, errors)
        },
        // The names of files. A folder can be a file only if its name is one of them; there
        // are few (`index.html`, `atom.xml`...), so most folders are ruled out without being
        // looked for among the tens of thousands of files.
        || {
            paths
                .par_iter()
                .filter_map(|path| path.to_str())
                .fold(rustc_hash::FxHashSet::default, |mut names, text| {
                    names.insert(name(text));
                    names
                })
                .reduce(rustc_hash::FxHashSet::default, |mut a, b| {
                    a.extend(b);
                    a
                })
        },
    );
    let (seen, mut errors) = seen;
    // A file where another file needs a folder (`/robots.txt/x.htm`) cannot be written either.
    let below_files: Vec<Error> = jobs
        .par_iter()
        .zip(paths)
        .filter_map(|(&job, path)| Some((job, path.to_str()?)))
        .flat_map_iter(|(job, text)| {
            text.rmatch_indices(SEPARATOR)
                .map(|(end, _)| &text[..end])
                .filter(|folder| names.contains(name(folder)))
                .filter_map(|folder| Some((folder, *seen.get(OsStr::new(folder))?)))
                .map(move |(folder, owner)| {
                    let message = format!(
                        "{} needs the folder {folder}, which is the file of {}",
                        job.origin(config, site),
                        owner.origin(config, site)
                    );
                    Error::at(job_location(site, job), message)
                        .with_hint("change an alias")
                        .with_code("url-collision")
                })
        })
        .collect();
    errors.extend(below_files);
    errors.sort_by_key(ToString::to_string);
    Error::collect(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn every_page_below_a_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let site = Site::new(crate::content::Content::default(), false);
        let jobs = [
            Job::NotFound,
            Job::Robots,
            Job::NewsSitemap,
            Job::Home { page: 0 },
            Job::Home { page: 1 },
        ];
        let paths: Vec<PathBuf> = [
            "a/b/x.html",
            "a/b",
            "a/b/c/y.html",
            "a/z.html",
            "a/b/c/w.html",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let text = check_unique_paths(&config, &site, &jobs, &paths)
            .unwrap_err()
            .lines();
        // Two pages in one folder below the file: each is reported.
        assert_eq!(text.matches("needs the folder a/b,").count(), 3, "{text}");
        assert!(!text.contains("folder a,"), "{text}");
        // The same paths with the file `a/b` moved to `a/c`.
        let mut fine = paths;
        fine[1] = PathBuf::from("a/c");
        check_unique_paths(&config, &site, &jobs, &fine).unwrap();
    }

    #[test]
    fn output_paths_follow_the_url_shape() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bulletin.toml"),
            "base_url = \"https://x.org/b/\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        assert_eq!(output_path(&config, "/b/"), PathBuf::from("index.html"));
        assert_eq!(
            output_path(&config, "/b/news/"),
            PathBuf::from("news/index.html")
        );
        assert_eq!(
            output_path(&config, "/b/atom.xml"),
            PathBuf::from("atom.xml")
        );
        assert_eq!(
            output_path(&config, "/b/old/content_1.htm"),
            PathBuf::from("old/content_1.htm")
        );
        assert_eq!(
            output_path(&config, "/b/old/123"),
            PathBuf::from("old/123/index.html")
        );
    }
}
