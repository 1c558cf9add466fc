//! Metadata for search engines and news aggregators: schema.org JSON-LD.

use serde::Serialize;

use super::context::Crumb;
use crate::config::Config;
use crate::content::Article;

/// `NewsArticle` and a `BreadcrumbList` matching the visible breadcrumb, as one JSON-LD graph
/// that is safe inside `<script>`, whatever the title holds. Keys are written in sorted order.
pub fn news_article(
    config: &Config,
    article: &Article,
    section_title: &str,
    trail: &[Crumb],
    image: Option<&str>,
) -> String {
    let permalink = config.absolute_url(&article.url);
    let publisher = Party {
        kind: "Organization",
        name: &config.title,
        url: Some(&config.base_url),
    };
    let author = match &article.author {
        Some(name) => Party {
            kind: "Person",
            name,
            url: None,
        },
        None => publisher,
    };
    let keywords = (!article.tags.is_empty()).then(|| article.tags.join(", "));
    let items: Vec<ListItem> = trail
        .iter()
        .enumerate()
        .map(|(i, crumb)| ListItem {
            kind: "ListItem",
            item: config.absolute_url(&crumb.url),
            name: &crumb.title,
            position: i + 1,
        })
        .collect();
    let graph = Graph {
        context: "https://schema.org",
        graph: (
            NewsArticle {
                kind: "NewsArticle",
                article_section: section_title,
                author,
                date_modified: article.last_modified().to_rfc3339(),
                date_published: article.date.to_rfc3339(),
                description: Some(article.summary.as_str()).filter(|s| !s.is_empty()),
                headline: &article.title,
                image: image.map(|i| [i]),
                in_language: &article.lang,
                keywords: keywords.as_deref(),
                main_entity_of_page: WebPage {
                    id: &permalink,
                    kind: "WebPage",
                },
                publisher,
                url: &permalink,
            },
            Breadcrumbs {
                kind: "BreadcrumbList",
                items,
            },
        ),
    };
    script_safe(&serde_json::to_string(&graph).expect("JSON-LD serialises"))
}

#[derive(Serialize)]
struct Graph<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: (NewsArticle<'a>, Breadcrumbs<'a>),
}

#[derive(Serialize, Clone, Copy)]
struct Party<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    article_section: &'a str,
    author: Party<'a>,
    date_modified: String,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[&'a str; 1]>,
    in_language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<&'a str>,
    main_entity_of_page: WebPage<'a>,
    publisher: Party<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Breadcrumbs<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

/// JSON that cannot end its `<script>` element or open a comment: `<`, `>` and `&` and the
/// two line separators JavaScript rejects are written as `\u` escapes, which JSON allows.
pub fn script_safe(json: &str) -> String {
    super::replace_bytes(
        json,
        |b| matches!(b, b'<' | b'>' | b'&' | 0xE2),
        |rest| match rest {
            [b'<', ..] => Some(("\\u003c", 1)),
            [b'>', ..] => Some(("\\u003e", 1)),
            [b'&', ..] => Some(("\\u0026", 1)),
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            [0xE2, 0x80, 0xA8, ..] => Some(("\\u2028", 3)),
            [0xE2, 0x80, 0xA9, ..] => Some(("\\u2029", 3)),
            _ => None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn script_safe_json_still_parses_to_the_same_text() {
        let title = "He said \"no\" </script><!-- & \u{2028} line\nbreak \u{2029} 浙江 ✓";
        let json = json!({ "headline": title }).to_string();
        let safe = script_safe(&json);
        assert!(!safe.contains("</script") && !safe.contains("<!--"));
        assert!(!safe.contains('\u{2028}') && !safe.contains('\u{2029}'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["headline"], title);
    }
}
