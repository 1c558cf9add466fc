//! Borrowed, serialisable views of the site that templates receive.

use serde::Serialize;

use crate::config::Config;
use crate::content::Article;
use crate::render::Theme;
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
    pub sections: Vec<SectionView<'a>>,
    /// The theme's `extra` defaults overlaid with the site's `[extra]`.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, site: &'a Site, theme: &Theme) -> Self {
        let mut extra = theme.extra.clone();
        extra.extend(config.extra.clone());
        SiteView {
            extra,
            title: &config.title,
            description: config.description.as_deref(),
            base_url: &config.base_url,
            root: &config.base_path,
            language: &config.language,
            timezone: config.timezone.name(),
            sections: site
                .sections
                .iter()
                .map(|s| SectionView::new(config, s))
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
    pub count: usize,
}

impl<'a> SectionView<'a> {
    pub fn new(config: &Config, index: &'a SectionIndex) -> Self {
        SectionView {
            name: &index.section.name,
            title: &index.section.title,
            description: index.section.description.as_deref(),
            url: index.section.url(&config.base_path),
            count: index.articles.len(),
        }
    }
}

/// `page`: what this output page is.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    pub kind: &'static str,
    pub url: String,
    pub permalink: String,
    pub title: &'a str,
}

/// One step of the breadcrumb trail.
#[derive(Debug, Serialize)]
pub struct Crumb<'a> {
    pub title: &'a str,
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
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub author: Option<&'a str>,
    pub source: Option<&'a str>,
    pub category: Option<&'a str>,
    pub tags: &'a [String],
    pub summary: &'a str,
    pub draft: bool,
    pub lang: &'a str,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<&'a str>,
}

impl<'a> ArticleView<'a> {
    /// The view of article `index`; `with_content` adds the body HTML.
    pub fn new(config: &Config, site: &'a Site, index: usize, with_content: bool) -> Self {
        let article: &'a Article = &site.articles[index];
        let section = &site.section_of(index).section;
        let format =
            |d: &chrono::DateTime<chrono_tz::Tz>| d.format(&config.date_format).to_string();
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
            updated: article.updated.as_ref().map(format),
            updated_iso: article.updated.map(|d| d.to_rfc3339()),
            author: article.author.as_deref(),
            source: article.source.as_deref(),
            category: article.category.as_deref(),
            tags: &article.tags,
            summary: &article.summary,
            draft: article.draft,
            lang: &article.lang,
            extra: &article.extra,
            content: with_content.then_some(article.content.as_str()),
        }
    }
}
