//! Fingerprints of what each output file is made from. A file whose fingerprint matches the
//! last build's is neither rendered nor written again.
//!
//! Every page reads the same global inputs (the program, the configuration, the templates, the
//! locale and the `site` variable) and the articles it shows. A page's fingerprint is the
//! global one combined with the fingerprints of those articles and the few numbers that shape
//! it (page counts, neighbouring periods, calendar counts).

use std::path::Path;

use chrono::Datelike;
use xxhash_rust::xxh3::Xxh3;

use super::jobs::{FeedScope, Job};
use crate::config::Config;
use crate::site::Site;
use crate::site::dates::Archive;
use crate::site::dates::Period;
use crate::site::pagination::{Order, horizon, numbered, page_range_in};

/// Feeds values into a hash without ambiguity between neighbouring values.
struct Feed(Xxh3);

impl Feed {
    fn new(global: u128) -> Feed {
        let mut hasher = Xxh3::new();
        hasher.update(&global.to_le_bytes());
        Feed(hasher)
    }

    fn text(&mut self, text: &str) -> &mut Feed {
        self.bytes(text.as_bytes())
    }

    fn bytes(&mut self, bytes: &[u8]) -> &mut Feed {
        self.number(bytes.len() as u128);
        self.0.update(bytes);
        self
    }

    fn path(&mut self, path: &Path) -> &mut Feed {
        self.bytes(path.as_os_str().as_encoded_bytes())
    }

    /// A period, or none: which one it is and its numbers.
    fn period(&mut self, period: Option<Period>) -> &mut Feed {
        let (kind, a, b, c) = match period {
            None => (0, 0, 0, 0),
            Some(Period::Year(year)) => (1, year, 0, 0),
            Some(Period::Month(year, month)) => (2, year, month, 0),
            Some(Period::Day(date)) => (3, date.year(), date.month(), date.day()),
        };
        self.number(kind)
            .number(a as u128)
            .number(u128::from(b))
            .number(u128::from(c))
    }

    fn number(&mut self, n: u128) -> &mut Feed {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// A moment to the nanosecond, as pages write it (RFC 3339 with the fraction of a
    /// second); none is not the start of 1970.
    fn instant<Z: chrono::TimeZone>(&mut self, at: Option<chrono::DateTime<Z>>) -> &mut Self {
        match at {
            Some(at) => self
                .number(1)
                .number(at.timestamp() as u128)
                .number(u128::from(at.timestamp_subsec_nanos())),
            None => self.number(0),
        }
    }

    fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// The fingerprints of one build.
pub struct Fingerprints {
    global: u128,
    /// What `global` holds of the site (its settings, templates, locale and `site` value),
    /// without the program that reads them.
    site_inputs: u128,
    articles: Vec<u128>,
    /// What the search index is made from: every article's indexed fields, URL, date and
    /// section, in the index's order.
    search: u128,
}

impl Fingerprints {
    /// `global_inputs` holds everything every page reads: the templates, the `site` and `i18n`
    /// values as JSON, and anything else the caller knows of; `search` is the fingerprint of
    /// what the search index is made from (see [`super::search::field_hashes`]).
    pub fn new(
        config: &Config,
        site: &Site,
        global_inputs: &[String],
        search: u128,
    ) -> Fingerprints {
        let mut site_inputs = Feed::new(0);
        site_inputs.text(&settings(config));
        for input in global_inputs {
            site_inputs.text(input);
        }
        let site_inputs = site_inputs.finish();
        let global = Feed::new(0)
            .text(env!("CARGO_PKG_VERSION"))
            .number(program_fingerprint())
            .number(site_inputs)
            .finish();
        let articles = site
            .articles
            .iter()
            .map(|article| {
                Feed::new(global)
                    .path(&article.path)
                    .text(&article.url)
                    .number(article.source_hash)
                    .text(&article.summary)
                    .text(&article.link_targets.join("\n"))
                    .text(article.image.as_deref().unwrap_or(""))
                    .number(u128::from(article.date > config.now))
                    .finish()
            })
            .collect();
        Fingerprints {
            global,
            site_inputs,
            articles,
            search,
        }
    }

    /// The fingerprint of everything `job` reads.
    /// `path` is the job's output file, which identifies it.
    pub fn of(&self, job: Job, path: &Path, config: &Config, site: &Site) -> u128 {
        let mut feed = Feed::new(self.global);
        feed.path(path);
        // A listing's page: its articles and what its pagination shows (see
        // `PaginationView::new`). Only the front shows how long the list is, so a numbered
        // page does not change when an article is published.
        let list = |feed: &mut Feed, list: &[usize], order: Order, per_page: usize, page: usize| {
            feed.number(horizon(page, numbered(list.len(), per_page)) as u128);
            if page == 0 {
                feed.number(list.len() as u128);
            }
            for &index in &list[page_range_in(order, list.len(), per_page, page)] {
                feed.number(self.articles[index]);
            }
        };
        match job {
            Job::Home { page } => {
                list(
                    &mut feed,
                    &site.everything,
                    Order::NewestFirst,
                    config.home_latest,
                    page,
                );
                if page == 0 {
                    for section in &site.sections {
                        feed.number(section.articles.len() as u128);
                    }
                }
            }
            Job::Section { section, page } => list(
                &mut feed,
                &site.sections[section].articles,
                Order::NewestFirst,
                config.paginate,
                page,
            ),
            Job::Article(index) | Job::Print(index) => {
                let (older, newer) = site.neighbours(index);
                for article in [Some(index), older, newer] {
                    feed.number(article.map_or(0, |i| self.articles[i]));
                }
            }
            Job::Alias { article, .. } => {
                feed.number(self.articles[article]);
            }
            Job::Archive { archive } => {
                for (year, entry) in &site.archives[archive].years {
                    feed.number(*year as u128);
                    for (month, list) in &entry.months {
                        feed.number(*month as u128)
                            .number(list.articles.len() as u128);
                    }
                }
            }
            Job::Period {
                archive,
                period,
                page,
            } => {
                // Every page of a period shows its count.
                let items = site.archives[archive].articles(period);
                let order = Archive::order(period);
                list(&mut feed, items, order, config.paginate, page);
                feed.number(items.len() as u128);
                self.period_shape(&mut feed, site, archive, period);
            }
            Job::Edition { archive, period } => {
                let items = site.archives[archive].articles(period);
                list(&mut feed, items, Order::NewestFirst, items.len().max(1), 0);
                self.period_shape(&mut feed, site, archive, period);
            }
            Job::Taxonomy { kind } => {
                for term in &site.taxonomy(kind).terms {
                    feed.text(&term.name).number(term.articles.len() as u128);
                }
            }
            Job::Term { kind, term, page } => {
                let entry = &site.taxonomy(kind).terms[term];
                feed.text(&entry.name);
                list(
                    &mut feed,
                    &entry.articles,
                    Order::NewestFirst,
                    config.paginate,
                    page,
                );
            }
            Job::Feed { scope, .. } => {
                let items: &[usize] = match scope {
                    FeedScope::Site => &site.everything,
                    FeedScope::Section(index) => &site.sections[index].articles,
                    FeedScope::Category(term) => {
                        feed.text(&site.categories.terms[term].name);
                        &site.categories.terms[term].articles
                    }
                };
                let shown = &items[..items.len().min(config.feed_limit)];
                if site.articles.is_empty() {
                    feed.text(&config.now.to_rfc3339());
                }
                if shown.is_empty() {
                    feed.instant(
                        site.articles
                            .first()
                            .map(crate::content::Article::last_modified),
                    );
                }
                list(&mut feed, shown, Order::NewestFirst, shown.len().max(1), 0);
            }
            // The page shows the stamp of the index files (see `search_stamp`).
            Job::Search => {
                let count = site.articles.len();
                feed.number(count as u128)
                    .number(super::search::shard_count(count) as u128)
                    .number(self.search);
            }
            Job::SearchDocs { file } => {
                for index in super::search::docs_of(site, file) {
                    feed.number(self.articles[index]);
                }
            }
            // Every term file is made from the whole index.
            Job::SearchTerms { .. } => {
                feed.number(super::search::shard_count(site.articles.len()) as u128)
                    .number(self.search);
            }
            Job::NotFound
            | Job::Sitemap { .. }
            | Job::NewsSitemap
            | Job::Robots
            | Job::SearchScript => {}
        }
        feed.finish()
    }

    /// A stamp of the search index's files, which the search page adds to their addresses so
    /// that a browser or a proxy that kept another build's files does not mix them in: what
    /// the files are made from and what every page reads of the site (the settings, the
    /// sections). Not the program: the same sources give the same pages, whoever built them.
    pub fn search_stamp(&self) -> String {
        let stamp = Feed::new(self.site_inputs).number(self.search).finish();
        format!("{:016x}", stamp as u64)
    }

    /// The fingerprint of what every sitemap file reads (the sitemap and, above 50,000 URLs,
    /// its parts): the file and last modification of every page the sitemaps list (a page's
    /// URL follows from its file). Fed in pieces, in parallel, each piece's fingerprint then
    /// fed in order.
    pub fn sitemap_pages(
        config: &Config,
        site: &Site,
        jobs: &[Job],
        paths: &[std::path::PathBuf],
    ) -> u128 {
        use rayon::prelude::*;
        let pieces: Vec<u128> = jobs
            .par_chunks(4096)
            .zip(paths.par_chunks(4096))
            .map(|(jobs, paths)| {
                let mut piece = Feed::new(0);
                for (job, page) in jobs.iter().zip(paths).filter(|(job, _)| job.in_sitemap()) {
                    piece.path(page);
                    piece.instant(job.last_modified(config, site));
                }
                piece.finish()
            })
            .collect();
        let mut all = Feed::new(0);
        for piece in pieces {
            all.number(piece);
        }
        all.finish()
    }

    /// The fingerprint of the sitemap file at `path`, given [`Fingerprints::sitemap_pages`].
    pub fn sitemap(&self, path: &Path, pages: u128) -> u128 {
        Feed::new(self.global).path(path).number(pages).finish()
    }

    /// What an archive page shows besides its articles: its neighbours, and the counts of its
    /// months (a year) or days (a month).
    fn period_shape(&self, feed: &mut Feed, site: &Site, archive: usize, period: Period) {
        let dates = &site.archives[archive];
        let (earlier, later) = dates.neighbours(period);
        for neighbour in [earlier, later] {
            feed.period(neighbour);
        }
        match period {
            Period::Year(year) => {
                for (month, list) in dates
                    .years
                    .get(&year)
                    .map(|y| &y.months)
                    .into_iter()
                    .flatten()
                {
                    feed.number(*month as u128)
                        .number(list.articles.len() as u128);
                }
            }
            Period::Month(year, month) => {
                for (day, list) in dates
                    .month(year, month)
                    .map(|m| &m.days)
                    .into_iter()
                    .flatten()
                {
                    feed.number(*day as u128).number(list.len() as u128);
                }
            }
            Period::Day(date) => {
                feed.number(date.num_days_from_ce() as u128);
            }
        }
    }
}

/// The settings that shape pages, as text (the build time is left out: it changes every run).
fn settings(config: &Config) -> String {
    format!(
        "{}|{:?}|{}|{}|{}|{}|{}|{:?}|{}|{}|{:?}|{}|{}|{:?}|{}|{}|{}|{}|{}",
        config.title,
        config.description,
        config.base_url,
        config.language,
        config.timezone.name(),
        config.theme,
        config.date_format,
        config.permalink,
        config.home_latest,
        config.paginate,
        config.week_start,
        config.per_section_archives,
        config.safe_html,
        config.extra,
        config.feed_limit,
        config.feed_full_content,
        config.search,
        config.drafts,
        config.future,
    )
}

/// A fingerprint of the running program (its path, size and modification time), so that a
/// rebuilt or upgraded `bulletin` renders everything again.
pub fn program_fingerprint() -> u128 {
    static FINGERPRINT: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(read_program_fingerprint)
}

fn read_program_fingerprint() -> u128 {
    let Ok(path) = std::env::current_exe() else {
        return 0;
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        return 0;
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    let text = format!("{}|{}|{:?}", path.display(), meta.len(), modified);
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}
