//! Metadata for search engines and news aggregators: schema.org JSON-LD.

use serde_json::{Value, json};

use super::context::Crumb;
use crate::config::Config;
use crate::content::Article;

/// `NewsArticle` and a `BreadcrumbList` matching the visible breadcrumb, as one JSON-LD graph
/// that is safe inside `<script>`, whatever the title holds.
pub fn news_article(
    config: &Config,
    article: &Article,
    section_title: &str,
    trail: &[Crumb],
    image: Option<&str>,
) -> String {
    let permalink = config.absolute_url(&article.url);
    let publisher =
        json!({ "@type": "Organization", "name": config.title, "url": config.base_url });
    let author = match &article.author {
        Some(name) => json!({ "@type": "Person", "name": name }),
        None => publisher.clone(),
    };
    let mut news = json!({
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.to_rfc3339(),
        "dateModified": article.last_modified().to_rfc3339(),
        "author": author,
        "publisher": publisher,
        "mainEntityOfPage": { "@type": "WebPage", "@id": permalink },
        "url": permalink,
        "inLanguage": article.lang,
        "articleSection": section_title,
    });
    if !article.summary.is_empty() {
        news["description"] = Value::from(article.summary.as_str());
    }
    if !article.tags.is_empty() {
        news["keywords"] = Value::from(article.tags.join(", "));
    }
    if let Some(image) = image {
        news["image"] = json!([image]);
    }
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, crumb)| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": crumb.title,
                "item": config.absolute_url(&crumb.url),
            })
        })
        .collect();
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [news, { "@type": "BreadcrumbList", "itemListElement": items }],
    });
    script_safe(&serde_json::to_string(&graph).expect("JSON values serialise"))
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
