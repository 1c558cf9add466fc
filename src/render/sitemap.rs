//! Sitemaps and `robots.txt`, written directly: search engines read them, not people.

use std::fmt::Write;

use chrono::Duration;
use rayon::prelude::*;

use super::jobs::{Job, SITEMAP_LIMIT};
use crate::config::Config;
use crate::site::Site;

/// How far back the news sitemap reaches from its end, as Google News asks.
const NEWS_WINDOW_DAYS: i64 = 2;

/// The bytes of a sitemap, the news sitemap or `robots.txt`; `jobs` is every job of the build.
pub fn render(job: Job, config: &Config, site: &Site, jobs: &[Job]) -> Vec<u8> {
    let text = match job {
        Job::Sitemap { part } => sitemap(part, config, site, jobs),
        Job::NewsSitemap => news_sitemap(config, site),
        _ => robots(config),
    };
    text.into_bytes()
}

fn sitemap(part: usize, config: &Config, site: &Site, jobs: &[Job]) -> String {
    let pages: Vec<Job> = jobs
        .iter()
        .copied()
        .filter(|job| job.in_sitemap())
        .collect();
    let chunks: Vec<&[Job]> = pages.chunks(SITEMAP_LIMIT).collect();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if part == 0 && chunks.len() > 1 {
        xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (index, chunk) in chunks.iter().enumerate() {
            let url = Job::Sitemap { part: index + 1 }.url(config, site);
            let newest = chunk
                .iter()
                .filter_map(|job| job.last_modified(config, site))
                .max();
            entry(
                &mut xml,
                "sitemap",
                &config.absolute_url(&url),
                newest.map(|d| d.to_rfc3339()),
            );
        }
        xml.push_str("</sitemapindex>\n");
        return xml;
    }
    let chunk = chunks.get(part.saturating_sub(1)).copied().unwrap_or(&[]);
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    // Tens of thousands of entries, each a URL and a date to format: in pieces, in parallel.
    let pieces: Vec<String> = chunk
        .par_chunks(2048)
        .map(|jobs| {
            let mut xml = String::with_capacity(jobs.len() * 128);
            for job in jobs {
                let url = config.absolute_url(&job.url(config, site));
                entry(
                    &mut xml,
                    "url",
                    &url,
                    job.last_modified(config, site).map(|d| d.to_rfc3339()),
                );
            }
            xml
        })
        .collect();
    xml.reserve(pieces.iter().map(String::len).sum::<usize>() + 12);
    for piece in pieces {
        xml.push_str(&piece);
    }
    xml.push_str("</urlset>\n");
    xml
}

fn entry(xml: &mut String, element: &str, location: &str, modified: Option<String>) {
    let _ = write!(xml, "  <{element}><loc>");
    push_escaped(xml, location);
    xml.push_str("</loc>");
    if let Some(modified) = modified {
        let _ = write!(xml, "<lastmod>{modified}</lastmod>");
    }
    let _ = writeln!(xml, "</{element}>");
}

/// The articles published in the two days up to the newest article, or up to `--now`.
fn news_sitemap(config: &Config, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let end = if config.now_given {
        Some(config.now)
    } else {
        site.articles.first().map(|a| a.date)
    };
    if let Some(end) = end {
        let start = end - Duration::days(NEWS_WINDOW_DAYS);
        let recent = site
            .articles
            .iter()
            .filter(|a| a.date > start && a.date <= end);
        for article in recent {
            let _ = writeln!(
                xml,
                "  <url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name>\
                 <news:language>{}</news:language></news:publication>\
                 <news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
                escape(&config.absolute_url(&article.url)),
                escape(&config.title),
                escape(&config.language.to_ascii_lowercase()),
                article.date.to_rfc3339(),
                escape(&article.title),
            );
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        config.absolute_url(&format!("{}sitemap.xml", config.base_path)),
        config.absolute_url(&format!("{}news-sitemap.xml", config.base_path)),
    )
}

/// Escapes text for XML, dropping the control characters XML forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// [`escape`], onto the end of `out`.
fn push_escaped(out: &mut String, text: &str) {
    if !text.chars().any(super::needs_escape) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if super::needs_escape(c) => {}
            c => out.push(c),
        }
    }
}
