//! The list of output pages: one render job per file, each with its URL.

use std::collections::HashMap;

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::site::Site;
use crate::site::dates::Period;
use crate::site::pagination::{page_count, page_url};

/// One output page: what it shows decides its template and its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Page `page` (from 1) of the home listing.
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
}

impl Job {
    /// Every page of the site, in a fixed order.
    pub fn all(config: &Config, site: &Site) -> Vec<Job> {
        let home_pages = page_count(site.articles.len(), config.home_latest);
        let mut jobs: Vec<Job> = (1..=home_pages).map(|page| Job::Home { page }).collect();
        for (section, index) in site.sections.iter().enumerate() {
            let pages = page_count(index.articles.len(), config.paginate);
            jobs.extend((1..=pages).map(|page| Job::Section { section, page }));
        }
        for index in 0..site.articles.len() {
            jobs.push(Job::Article(index));
            jobs.push(Job::Print(index));
        }
        for (archive, dates) in site.archives.iter().enumerate() {
            if dates.count() == 0 {
                continue;
            }
            jobs.push(Job::Archive { archive });
            for period in dates.periods() {
                let pages = page_count(dates.articles(period).len(), config.paginate);
                jobs.extend((1..=pages).map(|page| Job::Period {
                    archive,
                    period,
                    page,
                }));
                if !matches!(period, Period::Year(_)) {
                    jobs.push(Job::Edition { archive, period });
                }
            }
        }
        jobs
    }

    /// The page's URL, including the base path.
    pub fn url(self, config: &Config, site: &Site) -> String {
        match self {
            Job::Home { page } => page_url(&config.base_path, page),
            Job::Section { section, page } => {
                page_url(&site.sections[section].section.url(&config.base_path), page)
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
        }
    }

    /// What the page comes from, for error messages.
    pub fn origin(self, config: &Config, site: &Site) -> String {
        match self {
            Job::Home { page: 1 } => "the home page".into(),
            Job::Section { section, page: 1 } => {
                format!(
                    "the listing of section `{}`",
                    site.sections[section].section.name
                )
            }
            Job::Article(index) => site.articles[index].path.display().to_string(),
            Job::Print(index) => {
                format!("the print page of {}", site.articles[index].path.display())
            }
            other => format!("the page {}", other.url(config, site)),
        }
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
    format!("{}{}", archive_url(config, site, archive), period.path())
}

/// Two pages at one URL would overwrite each other: report both.
pub fn check_unique_urls(config: &Config, site: &Site, jobs: &[Job]) -> Result<()> {
    let mut seen: HashMap<String, Job> = HashMap::with_capacity(jobs.len());
    let mut errors = Vec::new();
    for &job in jobs {
        let url = job.url(config, site);
        if let Some(first) = seen.get(&url) {
            let location = match job {
                Job::Article(i) | Job::Print(i) => Location::file(&site.articles[i].path),
                _ => Location::file(crate::config::CONFIG_FILE),
            };
            let message = format!(
                "{} and {} both have the URL {url}",
                first.origin(config, site),
                job.origin(config, site)
            );
            errors.push(
                Error::at(location, message)
                    .with_hint("change a `slug`, or the `permalink` pattern"),
            );
        } else {
            seen.insert(url, job);
        }
    }
    Error::collect(errors)
}
