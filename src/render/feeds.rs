//! Feeds: the context of the built-in `atom.xml` and `rss.xml` templates, with absolute URLs
//! everywhere and ids that stay the same when a title changes.

use serde::Serialize;

use super::jobs::{FeedFormat, FeedScope, feed_base};
use crate::config::Config;
use crate::content::Article;
use crate::site::Site;

/// `feed`: the channel itself.
#[derive(Debug, Serialize)]
pub struct FeedView {
    pub title: String,
    pub description: Option<String>,
    /// The feed's own absolute URL, also its Atom id.
    pub url: String,
    /// The HTML page the feed follows.
    pub page_url: String,
    pub updated: String,
    pub updated_rfc2822: String,
}

/// One entry of a feed.
#[derive(Debug, Serialize)]
pub struct FeedItem<'a> {
    pub title: &'a str,
    pub url: String,
    pub id: String,
    pub published: String,
    pub published_rfc2822: String,
    pub updated: String,
    pub author: Option<&'a str>,
    pub category: Option<&'a str>,
    pub tags: &'a [String],
    pub summary: &'a str,
    /// The body with absolute links, or `None` when feeds carry summaries only.
    pub content: Option<String>,
}

/// A feed link for `page.feeds`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    /// "Atom" or "RSS", for a link's text.
    pub label: &'static str,
    pub url: String,
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

/// The articles of a scope, newest first.
pub fn articles_of(site: &Site, scope: FeedScope) -> Vec<usize> {
    match scope {
        FeedScope::Site => site.everything.clone(),
        FeedScope::Section(index) => site.sections[index].articles.clone(),
        FeedScope::Category(term) => site.categories.terms[term].articles.clone(),
    }
}

/// The title of a scope's feeds.
pub fn feed_title(config: &Config, site: &Site, scope: FeedScope) -> String {
    match scope {
        FeedScope::Site => config.title.clone(),
        FeedScope::Section(index) => {
            format!("{}: {}", config.title, site.sections[index].section.title)
        }
        FeedScope::Category(term) => {
            format!("{}: {}", config.title, site.categories.terms[term].name)
        }
    }
}

/// The Atom and RSS links of a scope.
pub fn feed_links(config: &Config, site: &Site, scope: FeedScope) -> Vec<FeedLink> {
    let base = feed_base(config, site, scope);
    let title = feed_title(config, site, scope);
    [FeedFormat::Atom, FeedFormat::Rss]
        .into_iter()
        .map(|format| FeedLink {
            label: format.label(),
            title: format!("{title} ({})", format.label()),
            url: config.absolute_url(&format!("{base}{}", format.file())),
            media_type: format.media_type(),
        })
        .collect()
}

/// Fills the context of one feed.
pub fn fill(
    config: &Config,
    site: &Site,
    scope: FeedScope,
    format: FeedFormat,
    context: &mut super::context::Vars,
) {
    let list = articles_of(site, scope);
    let shown = &list[..list.len().min(config.feed_limit)];
    let base = feed_base(config, site, scope);
    let updated = shown
        .iter()
        .map(|&i| site.articles[i].last_modified())
        .max()
        .or_else(|| site.articles.first().map(Article::last_modified))
        .unwrap_or(config.now);
    let feed = FeedView {
        title: feed_title(config, site, scope),
        description: match scope {
            FeedScope::Site => config.description.clone(),
            FeedScope::Section(index) => site.sections[index].section.description.clone(),
            FeedScope::Category(_) => None,
        },
        url: config.absolute_url(&format!("{base}{}", format.file())),
        page_url: config.absolute_url(&base),
        updated: updated.to_rfc3339(),
        updated_rfc2822: updated.to_rfc2822(),
    };
    let items: Vec<FeedItem> = shown
        .iter()
        .map(|&i| item(config, site, &site.articles[i]))
        .collect();
    context.insert("feed", &feed);
    context.insert("items", &items);
}

fn item<'a>(config: &Config, site: &Site, article: &'a Article) -> FeedItem<'a> {
    FeedItem {
        title: &article.title,
        url: config.absolute_url(&article.url),
        id: stable_id(config, article),
        published: article.date.to_rfc3339(),
        published_rfc2822: article.date.to_rfc2822(),
        updated: article.last_modified().to_rfc3339(),
        author: article.author.as_deref(),
        category: article.category.as_deref(),
        tags: &article.tags,
        summary: &article.summary,
        content: config.feed_full_content.then(|| {
            let html = article.shared_html(&site.links);
            article.release_html();
            absolute_links(
                &html,
                &origin(&config.base_url),
                &config.absolute_url(&article.url),
            )
        }),
    }
}

/// A tag URI (RFC 4151) from the site's host, the publication date and the source file: it
/// does not change when the title, the slug or the permalink pattern does.
pub fn stable_id(config: &Config, article: &Article) -> String {
    let host = origin(&config.base_url);
    let host = host.split("://").nth(1).unwrap_or(&host);
    let host = host.split(':').next().unwrap_or(host);
    let source = article
        .path
        .strip_prefix("content")
        .unwrap_or(&article.path)
        .to_string_lossy()
        .replace('\\', "/");
    format!("tag:{host},{}:{source}", article.date.format("%Y-%m-%d"))
}

/// `https://example.org` from `https://example.org/bulletin/`.
pub fn origin(base_url: &str) -> String {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(slash) => base_url[..after_scheme + slash].to_string(),
        None => base_url.to_string(),
    }
}

/// Makes the `href` and `src` values of an entry absolute, for readers that show it away from
/// the site: root-relative ones get the site's origin, the others are resolved against the
/// article's own address (`page`).
pub fn absolute_links(html: &str, origin: &str, page: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find("=\"") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let attribute = before.trim_end_matches("=\"");
        let is_link = attribute.ends_with(" href") || attribute.ends_with(" src");
        let value_end = after.find('"').unwrap_or(after.len());
        let value = &after[..value_end];
        if is_link {
            out.push_str(&resolve(value, origin, page));
        } else {
            out.push_str(value);
        }
        rest = &after[value_end..];
    }
    out.push_str(rest);
    out
}

/// Resolves a link found in an article against the article's absolute address.
pub fn resolve(link: &str, origin: &str, page: &str) -> String {
    let has_scheme = link.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        return link.to_string();
    }
    if let Some(rest) = link.strip_prefix("//") {
        let scheme = origin.split("://").next().unwrap_or("https");
        return format!("{scheme}://{rest}");
    }
    if link.starts_with('/') {
        return format!("{origin}{link}");
    }
    if link.starts_with('#') || link.is_empty() {
        return format!("{page}{link}");
    }
    let mut base: Vec<&str> = page.trim_end_matches('/').split('/').collect();
    let mut parts = link.split('/').peekable();
    while let Some(part) = parts.next() {
        match part {
            "." => {}
            ".." if base.len() > 3 => {
                base.pop();
            }
            ".." => {}
            other => {
                base.push(other);
                if parts.peek().is_none() {
                    break;
                }
            }
        }
    }
    base.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_links_become_absolute() {
        let html = r#"<a href="/news/x/">x</a> <img src="/news/x/p.svg" alt="p"> <a href="//cdn.org/y">y</a> <a href="https://z.org/">z</a> <p data-x="/no">"/"</p>"#;
        let absolute = absolute_links(html, "https://example.org", "https://example.org/news/a/");
        assert!(
            absolute.contains(r#"href="https://example.org/news/x/""#),
            "{absolute}"
        );
        assert!(absolute.contains(r#"src="https://example.org/news/x/p.svg""#));
        assert!(absolute.contains(r#"href="https://cdn.org/y""#));
        assert!(absolute.contains(r#"data-x="/no""#));
        assert!(absolute.contains(r#"href="https://z.org/""#));
    }

    #[test]
    fn relative_links_resolve_against_the_article() {
        let page = "https://example.org/news/2017/09/18/a/";
        let origin = "https://example.org";
        assert_eq!(
            resolve("pic.png", origin, page),
            "https://example.org/news/2017/09/18/a/pic.png"
        );
        assert_eq!(
            resolve("../b/", origin, page),
            "https://example.org/news/2017/09/18/b/"
        );
        assert_eq!(
            resolve("#x", origin, page),
            "https://example.org/news/2017/09/18/a/#x"
        );
        assert_eq!(resolve("mailto:a@b.org", origin, page), "mailto:a@b.org");
    }

    #[test]
    fn origin_drops_the_path() {
        assert_eq!(
            origin("https://example.org/bulletin/"),
            "https://example.org"
        );
        assert_eq!(origin("http://localhost:1111/"), "http://localhost:1111");
    }
}
