//! One function per kind of page: each fills the template context from the site.

use std::sync::OnceLock;

use chrono::Datelike;
use tera::Value;

use super::context::{
    ArchiveView, ArticleView, CalendarView, Crumb, GroupView, MonthLink, PaginationView,
    PeriodLink, PeriodView, SectionView, YearEntry,
};
use super::context::{SearchView, TaxonomyView, TermView, Vars};
use super::feeds::{self, FeedLink, feed_links, feed_title};
use super::jobs::{FeedScope, Job, archive_url, period_url, term_url};
use super::metadata;
use crate::config::Config;
use crate::site::Site;
use crate::site::categories::Kind;
use crate::site::dates::{self, Period};
use crate::site::pagination::{Order, numbered, page_range, page_range_in};

/// What every render job reads.
pub struct Shared<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub site_view: Value,
    pub i18n: Value,
    /// Each article's listing view, made when first needed.
    pub summaries: Vec<OnceLock<Value>>,
    /// The site's Atom and RSS feeds, linked from every page.
    pub site_feeds: Vec<FeedLink>,
    /// The stamp of the search index's files (see [`super::fingerprint::Fingerprints`]).
    pub search_stamp: String,
}

impl<'a> Shared<'a> {
    /// The shared views of a build.
    pub fn new(
        config: &'a Config,
        site: &'a Site,
        site_view: Value,
        site_feeds: Vec<FeedLink>,
    ) -> Self {
        Shared {
            config,
            site,
            site_view,
            site_feeds,
            i18n: super::context::value(&config.locale),
            summaries: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
            search_stamp: String::new(),
        }
    }
}

/// The template and the `page` values a job chose.
pub struct Page {
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    /// For the description meta tags; the site's description when `None`.
    pub description: Option<String>,
    /// An absolute image URL for link previews.
    pub image: Option<String>,
    /// Schema.org JSON-LD, already safe to place in a `<script>` element.
    pub json_ld: Option<String>,
    /// Feeds of this page, besides the site's.
    pub feeds: Vec<FeedLink>,
}

impl Page {
    fn new(template: &'static str, kind: &'static str, title: impl Into<String>) -> Page {
        Page {
            template,
            kind,
            title: title.into(),
            description: None,
            image: None,
            json_ld: None,
            feeds: Vec::new(),
        }
    }
}

impl Shared<'_> {
    /// Fills `context` for one job and says which template renders it.
    pub fn fill(&self, job: Job, context: &mut Vars) -> Page {
        context.put("site", self.site_view.clone());
        context.insert("lang", &self.config.language);
        context.put("i18n", self.i18n.clone());
        match job {
            Job::Home { page } => self.home(context, page),
            Job::Section { section, page } => self.section(context, section, page),
            Job::Article(index) => self.article(context, index, false),
            Job::Print(index) => self.article(context, index, true),
            Job::Archive { archive } => self.archive(context, archive),
            Job::Period {
                archive,
                period,
                page,
            } => self.period(context, archive, period, page),
            Job::Edition { archive, period } => self.edition(context, archive, period),
            Job::Taxonomy { kind } => self.taxonomy(context, kind),
            Job::Term { kind, term, page } => self.term(context, kind, term, page),
            Job::Alias { article, .. } => self.alias(context, article),
            Job::NotFound => self.not_found(context),
            Job::Feed { scope, format } => {
                feeds::fill(self.config, self.site, scope, format, context);
                Page::new(
                    format.file(),
                    "feed",
                    feed_title(self.config, self.site, scope),
                )
            }
            Job::Search => self.search(context),
            Job::Sitemap { .. }
            | Job::NewsSitemap
            | Job::Robots
            | Job::SearchScript
            | Job::SearchDocs { .. }
            | Job::SearchTerms { .. } => {
                unreachable!(
                    "sitemaps, robots.txt and the search index are written without templates"
                )
            }
        }
    }

    /// The listing view of an article, made once per build and copied into every listing.
    fn summary(&self, index: usize) -> Value {
        self.summaries[index]
            .get_or_init(|| super::context::value(&ArticleView::new(self.config, self.site, index)))
            .clone()
    }

    /// The view of an article with its body as HTML: its listing view and `content`.
    fn with_content(&self, index: usize) -> Value {
        let article = &self.site.articles[index];
        let html = article.shared_html(&self.site.links);
        let mut view = self
            .summary(index)
            .into_map()
            .expect("an article's view is a map");
        view.insert(tera::value::Key::Str("content"), Value::from(&*html));
        drop(html);
        article.release_html();
        Value::from(view)
    }

    fn summaries(&self, indices: &[usize]) -> Vec<Value> {
        indices.iter().map(|&i| self.summary(i)).collect()
    }

    fn crumb(&self, title: impl Into<String>, url: String) -> Crumb {
        Crumb {
            title: title.into(),
            url,
        }
    }

    fn home_crumb(&self) -> Crumb {
        self.crumb(
            self.config.locale.label("home"),
            self.config.base_path.clone(),
        )
    }

    /// Inserts `articles` and `pagination` for page `page` of a listing at `base`.
    fn paginate(
        &self,
        context: &mut Vars,
        (list, order): (&[usize], Order),
        per_page: usize,
        base: &str,
        page: usize,
    ) {
        let range = page_range_in(order, list.len(), per_page, page);
        context.put("articles", Value::from(self.summaries(&list[range])));
        let view = PaginationView::new(base, page, numbered(list.len(), per_page));
        context.insert("pagination", &view);
    }

    fn home(&self, context: &mut Vars, page: usize) -> Page {
        let base = self.config.base_path.clone();
        self.paginate(
            context,
            (&self.site.everything, Order::NewestFirst),
            self.config.home_latest,
            &base,
            page,
        );
        // Counts on the front only: see `PaginationView`.
        let sections: Vec<SectionView> = self
            .site
            .sections
            .iter()
            .map(|s| SectionView::new(self.config, s))
            .map(|view| SectionView {
                count: view.count.filter(|_| page == 0),
                ..view
            })
            .collect();
        context.insert("sections", &sections);
        let trail: Vec<Crumb> = if page > 0 {
            vec![self.home_crumb()]
        } else {
            Vec::new()
        };
        context.insert("breadcrumbs", &trail);
        Page::new("index.html", "home", self.config.title.clone())
    }

    fn section(&self, context: &mut Vars, index: usize, page: usize) -> Page {
        let section = &self.site.sections[index];
        let mut view = SectionView::new(self.config, section);
        view.count = view.count.filter(|_| page == 0);
        self.paginate(
            context,
            (&section.articles, Order::NewestFirst),
            self.config.paginate,
            &view.url,
            page,
        );
        let mut trail = vec![self.home_crumb()];
        if page > 0 {
            trail.push(self.crumb(&section.section.title, view.url.clone()));
        }
        context.insert("breadcrumbs", &trail);
        context.insert("section", &view);
        let mut result = Page::new("section.html", "section", section.section.title.clone());
        result.description = section.section.description.clone();
        result.feeds = feed_links(self.config, self.site, FeedScope::Section(index));
        result
    }

    fn article(&self, context: &mut Vars, index: usize, print: bool) -> Page {
        let article = &self.site.articles[index];
        let section = &self.site.section_of(index).section;
        let (older, newer) = self.site.neighbours(index);
        context.put("article", self.with_content(index));
        context.put("prev", older.map_or_else(Value::none, |i| self.summary(i)));
        context.put("next", newer.map_or_else(Value::none, |i| self.summary(i)));
        let section_crumb = self.crumb(&section.title, section.url(&self.config.base_path));
        let trail = [self.home_crumb(), section_crumb];
        context.insert("breadcrumbs", &trail);
        let (template, kind) = if print {
            ("print.html", "print")
        } else {
            ("article.html", "article")
        };
        let mut page = Page::new(template, kind, article.title.clone());
        page.description = Some(article.summary.clone()).filter(|s| !s.is_empty());
        page.image = article.image.as_ref().map(|src| {
            feeds::resolve(
                src,
                &feeds::origin(&self.config.base_url),
                &self.config.absolute_url(&article.url),
            )
        });
        // Print pages are not indexed: they carry no structured data.
        page.json_ld = (!print).then(|| {
            metadata::news_article(
                self.config,
                article,
                &section.title,
                &trail,
                page.image.as_deref(),
            )
        });
        page
    }

    fn taxonomy(&self, context: &mut Vars, kind: Kind) -> Page {
        let terms: Vec<TermView> = (0..self.site.taxonomy(kind).terms.len())
            .map(|term| self.term_view(kind, term))
            .collect();
        let title = self.config.locale.label(kind.name()).to_string();
        let view = TaxonomyView {
            name: kind.name(),
            title: title.clone(),
            url: format!("{}{}/", self.config.base_path, kind.name()),
            terms,
        };
        context.insert("taxonomy", &view);
        context.insert("breadcrumbs", &[self.home_crumb()]);
        Page::new("taxonomy.html", "taxonomy", title)
    }

    fn term_view(&self, kind: Kind, term: usize) -> TermView<'_> {
        let entry = &self.site.taxonomy(kind).terms[term];
        let url = term_url(self.config, self.site, kind, term);
        TermView {
            name: &entry.name,
            slug: &entry.slug,
            count: Some(entry.articles.len()),
            feed_url: (kind == Kind::Categories).then(|| format!("{url}atom.xml")),
            url,
        }
    }

    fn term(&self, context: &mut Vars, kind: Kind, term: usize, page: usize) -> Page {
        let mut view = self.term_view(kind, term);
        view.count = view.count.filter(|_| page == 0);
        let list = &self.site.taxonomy(kind).terms[term].articles;
        self.paginate(
            context,
            (list, Order::NewestFirst),
            self.config.paginate,
            &view.url,
            page,
        );
        let title = self.config.locale.label(kind.name()).to_string();
        let taxonomy_url = format!("{}{}/", self.config.base_path, kind.name());
        let mut trail = vec![self.home_crumb(), self.crumb(&title, taxonomy_url.clone())];
        if page > 0 {
            trail.push(self.crumb(view.name, view.url.clone()));
        }
        context.insert("breadcrumbs", &trail);
        let taxonomy = TaxonomyView {
            name: kind.name(),
            title,
            url: taxonomy_url,
            terms: Vec::new(),
        };
        context.insert("taxonomy", &taxonomy);
        let mut result = Page::new("term.html", "term", view.name);
        context.insert("term", &view);
        if kind == Kind::Categories {
            result.feeds = feed_links(self.config, self.site, FeedScope::Category(term));
        }
        result
    }

    fn alias(&self, context: &mut Vars, index: usize) -> Page {
        let article = &self.site.articles[index];
        context.insert("target", &ArticleView::new(self.config, self.site, index));
        context.insert("breadcrumbs", &Vec::<Crumb>::new());
        Page::new("alias.html", "alias", article.title.clone())
    }

    /// The search page: the form, and where its script finds the index.
    fn search(&self, context: &mut Vars) -> Page {
        let count = self.site.articles.len();
        let root = &self.config.base_path;
        let version = self.search_stamp.clone();
        context.insert(
            "search",
            &SearchView {
                index_url: format!("{root}search/"),
                script_url: format!("{root}search/search.js?v={version}"),
                count,
                shards: super::search::shard_count(count),
                per_file: super::search::DOCS_PER_FILE,
                version,
            },
        );
        context.insert("breadcrumbs", &vec![self.home_crumb()]);
        Page::new(
            "search.html",
            "search",
            self.config.locale.label("search").to_string(),
        )
    }

    fn not_found(&self, context: &mut Vars) -> Page {
        context.insert("breadcrumbs", &Vec::<Crumb>::new());
        Page::new(
            "404.html",
            "404",
            self.config.locale.label("not_found").to_string(),
        )
    }

    /// The trail down to an archive: Home, the section for a section's archive, Archive.
    fn archive_trail(&self, archive: usize) -> Vec<Crumb> {
        let mut trail = vec![self.home_crumb()];
        if let Some(section) = self.site.archives[archive].section {
            let section = &self.site.sections[section].section;
            trail.push(self.crumb(&section.title, section.url(&self.config.base_path)));
        }
        trail
    }

    /// The section of a section's archive, without its count: an archive page shows the
    /// counts of its own periods, and does not change with every article of the section.
    fn section_view(&self, archive: usize) -> Option<SectionView<'_>> {
        let section = self.site.archives[archive].section?;
        let view = SectionView::new(self.config, &self.site.sections[section]);
        Some(SectionView {
            count: None,
            ..view
        })
    }

    fn archive(&self, context: &mut Vars, archive: usize) -> Page {
        let dates = &self.site.archives[archive];
        let locale = &self.config.locale;
        let years = dates
            .years
            .iter()
            .rev()
            .map(|(&year, entry)| YearEntry {
                year,
                label: locale.year_heading(year),
                url: period_url(self.config, self.site, archive, Period::Year(year)),
                count: entry.articles.len(),
                months: self.month_links(archive, year),
            })
            .collect();
        let view = ArchiveView {
            url: archive_url(self.config, self.site, archive),
            section: self.section_view(archive),
            count: dates.count(),
            years,
        };
        context.insert("archive", &view);
        context.insert("breadcrumbs", &self.archive_trail(archive));
        Page::new(
            "archive.html",
            "archive",
            locale.label("archive").to_string(),
        )
    }

    /// The months of a year that have articles, newest first.
    fn month_links(&self, archive: usize, year: i32) -> Vec<MonthLink<'_>> {
        let Some(entry) = self.site.archives[archive].years.get(&year) else {
            return Vec::new();
        };
        let locale = &self.config.locale;
        entry
            .months
            .iter()
            .rev()
            .map(|(&month, list)| MonthLink {
                month,
                name: locale.month_name(month),
                label: locale.month_heading(year, month),
                url: period_url(self.config, self.site, archive, Period::Month(year, month)),
                count: list.articles.len(),
            })
            .collect()
    }

    fn label(&self, period: Period) -> String {
        let locale = &self.config.locale;
        match period {
            Period::Year(year) => locale.year_heading(year),
            Period::Month(year, month) => locale.month_heading(year, month),
            Period::Day(date) => locale.day_heading(date.year(), date.month(), date.day()),
        }
    }

    fn period_view(&self, archive: usize, period: Period) -> PeriodView<'_> {
        let dates = &self.site.archives[archive];
        let url = period_url(self.config, self.site, archive, period);
        let link = |p: Option<Period>| {
            p.map(|p| PeriodLink {
                label: self.label(p),
                url: period_url(self.config, self.site, archive, p),
            })
        };
        let (earlier, later) = dates.neighbours(period);
        let (kind, month, day) = match period {
            Period::Year(_) => ("year", None, None),
            Period::Month(_, month) => ("month", Some(month), None),
            Period::Day(date) => ("day", Some(date.month()), Some(date.day())),
        };
        PeriodView {
            kind,
            year: period.year(),
            month,
            day,
            label: self.label(period),
            print_url: (kind != "year").then(|| format!("{url}print/")),
            url,
            count: dates.articles(period).len(),
            prev: link(earlier),
            next: link(later),
            section: self.section_view(archive),
            archive_url: archive_url(self.config, self.site, archive),
            year_url: period_url(self.config, self.site, archive, Period::Year(period.year())),
            month_url: month.map(|m| {
                period_url(
                    self.config,
                    self.site,
                    archive,
                    Period::Month(period.year(), m),
                )
            }),
        }
    }

    /// Home, [section,] Archive, then the year and month above `period`, and the period
    /// itself when the page is below it (a second page, a print edition).
    fn period_trail(&self, archive: usize, period: Period, with_period: bool) -> Vec<Crumb> {
        let locale = &self.config.locale;
        let mut trail = self.archive_trail(archive);
        trail.push(self.crumb(
            locale.label("archive"),
            archive_url(self.config, self.site, archive),
        ));
        let url = |p| period_url(self.config, self.site, archive, p);
        let year = period.year();
        match period {
            Period::Year(_) => {}
            Period::Month(..) => {
                trail.push(self.crumb(locale.year_heading(year), url(Period::Year(year))))
            }
            Period::Day(date) => {
                trail.push(self.crumb(locale.year_heading(year), url(Period::Year(year))));
                let month = Period::Month(year, date.month());
                trail.push(self.crumb(locale.month_name(date.month()), url(month)));
            }
        }
        if with_period {
            trail.push(self.crumb(self.label(period), url(period)));
        }
        trail
    }

    fn period(&self, context: &mut Vars, archive: usize, period: Period, page: usize) -> Page {
        let dates = &self.site.archives[archive];
        let list = dates.articles(period);
        let view = self.period_view(archive, period);
        let order = crate::site::dates::Archive::order(period);
        self.paginate(
            context,
            (list, order),
            self.config.paginate,
            &view.url,
            page,
        );
        let template = match period {
            Period::Year(year) => {
                let range = page_range(list.len(), self.config.paginate, page);
                context.insert("groups", &self.groups(archive, &list[range]));
                context.insert("months", &self.month_links(archive, year));
                ("archive_year.html", "archive_year")
            }
            Period::Month(year, month) => {
                context.insert("calendar", &self.calendar(archive, year, month));
                ("archive_month.html", "archive_month")
            }
            Period::Day(_) => ("archive_day.html", "archive_day"),
        };
        context.insert("breadcrumbs", &self.period_trail(archive, period, page > 0));
        let title = view.label.clone();
        context.insert("period", &view);
        Page::new(template.0, template.1, title)
    }

    /// A year page's articles grouped by month, in the order given (newest first).
    fn groups(&self, archive: usize, list: &[usize]) -> Vec<GroupView> {
        let mut groups: Vec<(Period, Vec<usize>)> = Vec::new();
        for &index in list {
            let date = self.site.articles[index].date;
            let month = Period::Month(date.year(), date.month());
            match groups.last_mut() {
                Some((period, members)) if *period == month => members.push(index),
                _ => groups.push((month, vec![index])),
            }
        }
        groups
            .into_iter()
            .map(|(period, members)| GroupView {
                label: self.label(period),
                url: period_url(self.config, self.site, archive, period),
                articles: self.summaries(&members),
            })
            .collect()
    }

    fn calendar(&self, archive: usize, year: i32, month: u32) -> CalendarView<'_> {
        let dates = &self.site.archives[archive];
        let weeks = dates::calendar(|d| dates.day_count(d), year, month, self.config.week_start);
        CalendarView::new(
            &self.config.locale,
            self.config.week_start,
            &weeks,
            |date| period_url(self.config, self.site, archive, Period::Day(date)),
        )
    }

    fn edition(&self, context: &mut Vars, archive: usize, period: Period) -> Page {
        let dates = &self.site.archives[archive];
        let mut list = dates.articles(period).to_vec();
        if matches!(period, Period::Month(..)) {
            list.reverse();
        }
        let articles: Vec<Value> = list.iter().map(|&i| self.with_content(i)).collect();
        context.put("articles", Value::from(articles));
        let view = self.period_view(archive, period);
        context.insert("breadcrumbs", &self.period_trail(archive, period, true));
        let title = format!(
            "{} ({})",
            view.label,
            self.config.locale.label("print_edition")
        );
        context.insert("period", &view);
        Page::new("print_edition.html", "print_edition", title)
    }
}
