//! Borrowed, serialisable views of the site that templates receive.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::config::Config;
use crate::content::Article;
use crate::i18n::Locale;
use crate::render::Theme;
use crate::site::categories::Kind;
use crate::site::dates::CalendarDay;
use crate::site::pagination::{WINDOW, horizon, page_url};
use crate::site::{SectionIndex, Site};

/// `site`: the same on every page.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub base_url: &'a str,
    pub root: &'a str,
    pub language: &'a str,
    pub timezone: &'static str,
    /// The sections, without counts: `site` is the same on every page, so adding an article
    /// does not change it (the home page has `sections` with counts).
    pub sections: Vec<SectionLink<'a>>,
    /// The theme's `extra` defaults overlaid with the site's `[extra]`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The site-wide date archive.
    pub archive_url: String,
    /// The site's Atom and RSS feeds.
    pub feeds: Vec<crate::render::feeds::FeedLink>,
    /// The categories and tags pages, for taxonomies that have terms.
    pub taxonomies: Vec<TaxonomyLink>,
    /// The search page, unless the site has none.
    pub search_url: Option<String>,
}

/// `search` on the search page: where its script finds the index, and its shape (see
/// [`crate::render::search`]).
#[derive(Debug, Serialize)]
pub struct SearchView {
    pub index_url: String,
    pub script_url: String,
    /// Articles in the index.
    pub count: usize,
    /// Files of terms.
    pub shards: usize,
    /// Articles per file of titles and summaries.
    pub per_file: usize,
    /// A stamp of this build's index files, for their addresses.
    pub version: String,
}

/// A taxonomy in `site.taxonomies`.
#[derive(Debug, Serialize)]
pub struct TaxonomyLink {
    pub name: &'static str,
    pub title: String,
    pub url: String,
}

/// A section in `site.sections`.
#[derive(Debug, Serialize)]
pub struct SectionLink<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub archive_url: Option<String>,
}

impl<'a> From<SectionView<'a>> for SectionLink<'a> {
    fn from(view: SectionView<'a>) -> Self {
        SectionLink {
            name: view.name,
            title: view.title,
            description: view.description,
            url: view.url,
            archive_url: view.archive_url,
        }
    }
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, site: &'a Site, theme: &Theme) -> Self {
        let mut extra = theme.extra.clone();
        extra.extend(config.extra.clone());
        SiteView {
            extra,
            archive_url: format!("{}archive/", config.base_path),
            search_url: config
                .search
                .then(|| format!("{}search/", config.base_path)),
            feeds: Vec::new(),
            taxonomies: Kind::ALL
                .into_iter()
                .filter(|&kind| !site.taxonomy(kind).terms.is_empty())
                .map(|kind| TaxonomyLink {
                    name: kind.name(),
                    title: config.locale.label(kind.name()).to_string(),
                    url: format!("{}{}/", config.base_path, kind.name()),
                })
                .collect(),
            title: &config.title,
            description: config.description.as_deref(),
            base_url: &config.base_url,
            root: &config.base_path,
            language: &config.language,
            timezone: config.timezone.name(),
            sections: site
                .sections
                .iter()
                .map(|s| SectionLink::from(SectionView::new(config, s)))
                .collect(),
        }
    }
}

/// A section, in `site.sections` and as `section` on its listing.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    /// How many articles it has; none on the numbered pages of its listing (see
    /// [`PaginationView`]).
    pub count: Option<usize>,
    /// The section's own date archive, when it has one.
    pub archive_url: Option<String>,
}

impl<'a> SectionView<'a> {
    pub fn new(config: &Config, index: &'a SectionIndex) -> Self {
        let url = index.section.url(&config.base_path);
        SectionView {
            name: &index.section.name,
            title: &index.section.title,
            description: index.section.description.as_deref(),
            archive_url: index.has_archive.then(|| format!("{url}archive/")),
            url,
            count: Some(index.articles.len()),
        }
    }
}

/// `page`: what this output page is.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub kind: &'static str,
    pub url: String,
    pub permalink: String,
    pub title: String,
    pub description: Option<String>,
    pub image: Option<String>,
    /// `article` for articles, `website` for everything else (Open Graph).
    pub og_type: &'static str,
    pub feeds: Vec<crate::render::feeds::FeedLink>,
    pub json_ld: Option<String>,
}

/// One step of the breadcrumb trail.
#[derive(Debug, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

/// An article as templates see it. Listings leave out `content`.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub print_url: String,
    pub permalink: String,
    pub slug: &'a str,
    pub section: &'a str,
    pub section_title: &'a str,
    pub section_url: String,
    pub date: String,
    pub date_iso: String,
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The site-wide archive pages of the article's date.
    pub year_url: String,
    pub month_url: String,
    pub day_url: String,
    /// "September 2017", for the link to the month.
    pub month_label: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub author: Option<&'a str>,
    pub source: Option<&'a str>,
    pub category: Option<&'a str>,
    pub category_url: Option<String>,
    pub tags: &'a [String],
    pub tag_links: Vec<TagLink<'a>>,
    pub summary: &'a str,
    pub draft: bool,
    /// Dated after the build time, and published only because of `--future` (or `serve`).
    pub scheduled: bool,
    pub lang: &'a str,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> ArticleView<'a> {
    /// The view of article `index`, without its body (pages that show it add `content`).
    pub fn new(config: &Config, site: &'a Site, index: usize) -> Self {
        let article: &'a Article = &site.articles[index];
        let section = &site.section_of(index).section;
        let archive = format!("{}archive/", config.base_path);
        let format = |d: &chrono::DateTime<chrono_tz::Tz>| {
            d.format_with_items(config.date_items.iter()).to_string()
        };
        ArticleView {
            title: &article.title,
            url: &article.url,
            print_url: article.print_url(),
            permalink: config.absolute_url(&article.url),
            slug: &article.slug,
            section: &section.name,
            section_title: &section.title,
            section_url: section.url(&config.base_path),
            date: format(&article.date),
            date_iso: article.date.to_rfc3339(),
            year: article.date.year(),
            month: article.date.month(),
            day: article.date.day(),
            year_url: format!("{archive}{:04}/", article.date.year()),
            month_url: format!(
                "{archive}{:04}/{:02}/",
                article.date.year(),
                article.date.month()
            ),
            day_url: format!(
                "{archive}{:04}/{:02}/{:02}/",
                article.date.year(),
                article.date.month(),
                article.date.day()
            ),
            month_label: config
                .locale
                .month_heading(article.date.year(), article.date.month()),
            updated: article.updated.as_ref().map(format),
            updated_iso: article.updated.map(|d| d.to_rfc3339()),
            author: article.author.as_deref(),
            source: article.source.as_deref(),
            category: article.category.as_deref(),
            category_url: article
                .category
                .as_deref()
                .and_then(|name| term_link(config, site, Kind::Categories, name)),
            tags: &article.tags,
            tag_links: article
                .tags
                .iter()
                .filter_map(|name| {
                    let url = term_link(config, site, Kind::Tags, name)?;
                    Some(TagLink { name, url })
                })
                .collect(),
            summary: &article.summary,
            draft: article.draft,
            scheduled: article.date > config.now,
            lang: &article.lang,
            extra: &article.extra,
        }
    }
}

/// The page of the term a category or tag name belongs to.
fn term_link(config: &Config, site: &Site, kind: Kind, name: &str) -> Option<String> {
    let term = site.taxonomy(kind).find(name)?;
    Some(format!(
        "{}{}/{}/",
        config.base_path,
        kind.name(),
        term.slug
    ))
}

/// `pagination`: links to the other pages of a listing. Pages are numbered from the oldest,
/// and the listing's own URL (the front, `current` 0) shows the newest articles (see
/// [`crate::site::pagination`]). A page links to the front, the oldest page, the pages next
/// to it and those whose number is near its own, listed newest first; it shows nothing that
/// depends on pages far newer than itself, so that publishing leaves it as it was.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    /// This page's number; 0 on the front.
    pub current: usize,
    /// The front: the newest articles.
    pub first: String,
    /// Page 1: the oldest articles (the front, when there is no numbered page).
    pub last: String,
    /// The page of newer articles, none on the front.
    pub prev: Option<String>,
    /// The page of older articles, none on page 1.
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

/// One numbered link of a pagination.
#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

impl PaginationView {
    /// The pagination of page `current` of a listing at `base` with `numbered` numbered pages.
    pub fn new(base: &str, current: usize, numbered: usize) -> Self {
        let url = |n: usize| page_url(base, n);
        // All a numbered page shows of the newer pages: see `pagination::horizon`.
        let newest = horizon(current, numbered);
        let (high, low) = if current == 0 {
            (numbered, (numbered + 1).saturating_sub(WINDOW).max(1))
        } else {
            (newest, current.saturating_sub(WINDOW).max(1))
        };
        PaginationView {
            current,
            first: url(0),
            last: url(numbered.min(1)),
            prev: (current > 0).then(|| url(if current == newest { 0 } else { current + 1 })),
            next: match current {
                0 => (numbered > 0).then(|| url(numbered)),
                1 => None,
                n => Some(url(n - 1)),
            },
            pages: (low..=high)
                .rev()
                .filter(|_| numbered > 0)
                .map(|number| PageLink {
                    number,
                    url: url(number),
                    current: number == current,
                })
                .collect(),
        }
    }
}

/// A link to a year, month or day of an archive.
#[derive(Debug, Serialize)]
pub struct PeriodLink {
    pub label: String,
    pub url: String,
}

/// `period`: the year, month or day an archive page or print edition shows.
#[derive(Debug, Serialize)]
pub struct PeriodView<'a> {
    pub kind: &'static str,
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub label: String,
    pub url: String,
    pub count: usize,
    pub print_url: Option<String>,
    pub prev: Option<PeriodLink>,
    pub next: Option<PeriodLink>,
    pub section: Option<SectionView<'a>>,
    pub archive_url: String,
    /// The year page above this period, and the month page above a day.
    pub year_url: String,
    pub month_url: Option<String>,
}

/// A month in an archive listing.
#[derive(Debug, Serialize)]
pub struct MonthLink<'a> {
    pub month: u32,
    pub name: &'a str,
    pub label: String,
    pub url: String,
    pub count: usize,
}

/// A year in the archive listing, with its months.
#[derive(Debug, Serialize)]
pub struct YearEntry<'a> {
    pub year: i32,
    pub label: String,
    pub url: String,
    pub count: usize,
    pub months: Vec<MonthLink<'a>>,
}

/// `archive`: every year of an archive with its months, newest first.
#[derive(Debug, Serialize)]
pub struct ArchiveView<'a> {
    pub url: String,
    pub section: Option<SectionView<'a>>,
    pub count: usize,
    pub years: Vec<YearEntry<'a>>,
}

/// Articles of one month within a year's page.
#[derive(Debug, Serialize)]
pub struct GroupView {
    pub label: String,
    pub url: String,
    pub articles: Vec<tera::Value>,
}

/// `calendar`: a month as weeks of seven cells.
#[derive(Debug, Serialize)]
pub struct CalendarView<'a> {
    pub weekdays: Vec<&'a str>,
    pub weekdays_long: Vec<&'a str>,
    pub weeks: Vec<Vec<Option<CalendarCell>>>,
}

/// One day of a calendar; `url` is set only when the day has articles.
#[derive(Debug, Serialize)]
pub struct CalendarCell {
    pub day: u32,
    pub count: usize,
    pub url: Option<String>,
    pub date_iso: String,
    pub label: String,
}

impl<'a> CalendarView<'a> {
    /// The view of a month's weeks; `day_url` gives the page of a day that has articles.
    pub fn new(
        locale: &'a Locale,
        week_start: Weekday,
        weeks: &[[Option<CalendarDay>; 7]],
        day_url: impl Fn(NaiveDate) -> String,
    ) -> Self {
        let first = week_start.num_days_from_monday() as usize;
        let in_order = |names: &'a [String]| -> Vec<&'a str> {
            (0..7).map(|i| names[(first + i) % 7].as_str()).collect()
        };
        let cell = |day: &CalendarDay| CalendarCell {
            day: day.date.day(),
            count: day.count,
            url: (day.count > 0).then(|| day_url(day.date)),
            date_iso: format!(
                "{:04}-{:02}-{:02}",
                day.date.year(),
                day.date.month(),
                day.date.day()
            ),
            label: locale.day_heading(day.date.year(), day.date.month(), day.date.day()),
        };
        CalendarView {
            weekdays: in_order(&locale.weekdays_short),
            weekdays_long: in_order(&locale.weekdays),
            weeks: weeks
                .iter()
                .map(|week| week.iter().map(|d| d.as_ref().map(cell)).collect())
                .collect(),
        }
    }
}

/// `taxonomy`: the categories or the tags.
#[derive(Debug, Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'static str,
    pub title: String,
    pub url: String,
    pub terms: Vec<TermView<'a>>,
}

/// One category or tag.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    /// How many articles it has; none on the numbered pages of its listing.
    pub count: Option<usize>,
    pub feed_url: Option<String>,
}

/// A tag of an article, with its page.
#[derive(Debug, Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// The variables of one page, as Tera values. Tera shares what a value holds (strings, lists,
/// maps) between copies, so a view made once (an article's listing entry) goes into every
/// page that lists it without being copied.
#[derive(Debug, Default)]
pub struct Vars(tera::Context);

/// A view as a Tera value.
pub fn value<T: Serialize + ?Sized>(view: &T) -> tera::Value {
    tera::Value::from_serializable(view)
}

impl Vars {
    /// Adds a view.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, view: &T) {
        self.0.insert_value(key, value(view));
    }

    /// Adds a value made already.
    pub fn put(&mut self, key: &'static str, value: tera::Value) {
        self.0.insert_value(key, value);
    }

    /// The Tera context.
    pub fn into_context(self) -> tera::Context {
        self.0
    }
}
