//! Markdown stage: pulldown-cmark to HTML, with heading ids, rewritten links and a summary.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::content::slug::slugify;

/// Longest summary taken from the first paragraph, in characters.
pub const SUMMARY_CHARS: usize = 300;

/// Decides where a link or image written in an article points to.
pub trait Links {
    /// Returns the new destination for a relative link, or `None` to keep it.
    fn rewrite(&mut self, dest: &str) -> Option<String>;
}

/// What the Markdown of one article turns into.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// The plain text of the first paragraph, shortened to [`SUMMARY_CHARS`].
    pub first_paragraph: String,
    /// The ids given to headings, in order.
    pub heading_ids: Vec<String>,
    /// Where the first image points, after rewriting: for link previews.
    pub first_image: Option<String>,
}

/// What loading an article needs from its Markdown, without rendering it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Scan {
    /// The plain text of the first paragraph, shortened to [`SUMMARY_CHARS`].
    pub first_paragraph: String,
    /// Where the first image points, as written.
    pub first_image: Option<String>,
    /// Relative link and image destinations, as written, in order.
    pub links: Vec<String>,
}

/// Scans `body` for its first paragraph, first image and relative links.
pub fn scan(body: &str, safe_html: bool) -> Scan {
    let events: Vec<Event> = Parser::new_ext(body, options())
        .filter(|event| !(safe_html && matches!(event, Event::Html(_) | Event::InlineHtml(_))))
        .collect();
    let mut links = Vec::new();
    let mut first_image = None;
    for event in &events {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                first_image.get_or_insert_with(|| dest_url.to_string());
                if is_relative(dest_url) {
                    links.push(dest_url.to_string());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if is_relative(dest_url) => {
                links.push(dest_url.to_string());
            }
            _ => {}
        }
    }
    Scan {
        first_paragraph: summarize(&first_paragraph_text(&events), SUMMARY_CHARS),
        first_image,
        links,
    }
}

/// A link or image in an article, for `bulletin check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The destination as written.
    pub dest: String,
    pub image: bool,
    /// For an image: whether its alternative text is empty.
    pub no_alt: bool,
    /// Byte offset in the body where the link or image starts.
    pub offset: usize,
}

/// What `bulletin check` needs of a body: every link and image, and the ids a link can reach
/// with `#fragment` (headings, footnotes, and `id` attributes in raw HTML).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub references: Vec<Reference>,
    pub anchors: HashSet<String>,
}

/// Lists the links, images and anchors of `body`.
pub fn inspect(body: &str, safe_html: bool) -> Inspection {
    let mut offsets = Vec::new();
    let mut events = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if safe_html && matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            continue;
        }
        offsets.push(range.start);
        events.push(event);
    }
    let mut anchors: HashSet<String> = assign_heading_ids(&mut events).into_iter().collect();
    let mut references = Vec::new();
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => references.push(Reference {
                dest: dest_url.to_string(),
                image: false,
                no_alt: false,
                offset: offsets[i],
            }),
            Event::Start(Tag::Image { dest_url, .. }) => {
                let alt = plain_text(&events[i + 1..], |e| matches!(e, Event::End(TagEnd::Image)));
                references.push(Reference {
                    dest: dest_url.to_string(),
                    image: true,
                    no_alt: alt.trim().is_empty(),
                    offset: offsets[i],
                });
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                anchors.insert(label.to_string());
            }
            Event::Html(html) | Event::InlineHtml(html) => anchors.extend(html_ids(html)),
            _ => {}
        }
    }
    Inspection {
        references,
        anchors,
    }
}

/// The values of `id` attributes in a piece of raw HTML: `id="x"`, `ID='x'`, `id = x`.
fn html_ids(html: &str) -> impl Iterator<Item = String> + '_ {
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("id").map(|(at, _)| at).collect();
    starts.into_iter().filter_map(move |at| {
        let before = html[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            return None;
        }
        let rest = html[at + 2..].trim_start().strip_prefix('=')?.trim_start();
        match rest.chars().next()? {
            quote @ ('"' | '\'') => {
                let value = &rest[1..];
                value.find(quote).map(|end| value[..end].to_string())
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .unwrap_or(rest.len());
                Some(rest[..end].to_string()).filter(|v| !v.is_empty())
            }
        }
    })
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body` to HTML. `safe_html` drops raw HTML blocks and inline tags.
pub fn render(body: &str, safe_html: bool, links: &mut dyn Links) -> Rendered {
    let mut events: Vec<Event> = Parser::new_ext(body, options())
        .filter(|event| !(safe_html && matches!(event, Event::Html(_) | Event::InlineHtml(_))))
        .collect();
    let heading_ids = assign_heading_ids(&mut events);
    for event in &mut events {
        rewrite_link(event, links, safe_html);
    }
    let first_paragraph = summarize(&first_paragraph_text(&events), SUMMARY_CHARS);
    let first_image = events.iter().find_map(|event| match event {
        Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
        _ => None,
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html,
        first_paragraph,
        heading_ids,
        first_image,
    }
}

/// Gives every heading an id: its own `{#id}` if written, else a slug of its text, made unique.
fn assign_heading_ids(events: &mut [Event]) -> Vec<String> {
    let mut used = HashSet::new();
    let mut ids = Vec::new();
    for start in 0..events.len() {
        let Event::Start(Tag::Heading { id, .. }) = &events[start] else {
            continue;
        };
        let wanted = match id {
            Some(id) => id.to_string(),
            None => {
                let text = plain_text(&events[start + 1..], |e| {
                    matches!(e, Event::End(TagEnd::Heading(_)))
                });
                let slug = slugify(&text);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            }
        };
        let mut unique = wanted.clone();
        let mut n = 1;
        while !used.insert(unique.clone()) {
            unique = format!("{wanted}-{n}");
            n += 1;
        }
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
            *id = Some(CowStr::from(unique.clone()));
        }
        ids.push(unique);
    }
    ids
}

fn rewrite_link(event: &mut Event, links: &mut dyn Links, safe_html: bool) {
    let dest = match event {
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
            dest_url
        }
        _ => return,
    };
    if is_relative(dest) {
        if let Some(new) = links.rewrite(dest) {
            *dest = CowStr::from(new);
        }
    } else if safe_html && !is_safe_scheme(dest) {
        *dest = CowStr::from("#");
    }
}

/// Whether a link destination is relative to the article's file (not absolute, not a URL,
/// not a fragment of the same page).
pub fn is_relative(dest: &str) -> bool {
    let has_scheme = dest
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '?', '#']));
    !dest.is_empty() && !has_scheme && !dest.starts_with(['/', '#', '?'])
}

/// Whether an absolute link uses a scheme that cannot run script.
fn is_safe_scheme(dest: &str) -> bool {
    let lower = dest.trim_start().to_ascii_lowercase();
    let scheme_free = lower.starts_with(['/', '#', '?']);
    scheme_free
        || ["http:", "https:", "mailto:", "tel:"]
            .iter()
            .any(|s| lower.starts_with(s))
}

/// The text of events up to the first one `end` accepts.
fn plain_text(events: &[Event], end: impl Fn(&Event) -> bool) -> String {
    let mut text = String::new();
    for event in events {
        if end(event) {
            break;
        }
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

fn first_paragraph_text(events: &[Event]) -> String {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                let text = plain_text(&events[i + 1..], |e| {
                    matches!(e, Event::End(TagEnd::Paragraph))
                });
                if !text.trim().is_empty() {
                    return text;
                }
            }
            Event::Start(Tag::Paragraph) => {}
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Paragraph) => {}
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    String::new()
}

/// Shortens `text` to at most `max` characters, on a word boundary where one is near, ending
/// with an ellipsis. Never cuts inside a character.
pub fn summarize(text: &str, max: usize) -> String {
    // Runs of white space become one space, gathered only as far as the summary can reach.
    let mut flat = String::with_capacity(text.len().min(max * 4 + 8));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            break;
        }
    }
    let text = flat;
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text;
    };
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if head[space..].chars().count() < 40 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keep;
    impl Links for Keep {
        fn rewrite(&mut self, _: &str) -> Option<String> {
            None
        }
    }

    struct Record(Vec<String>);
    impl Links for Record {
        fn rewrite(&mut self, dest: &str) -> Option<String> {
            self.0.push(dest.to_string());
            dest.strip_suffix(".md").map(|s| format!("/news/{s}/"))
        }
    }

    #[test]
    fn tables_footnotes_strikethrough_and_tasks_render() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: note\n\n- [x] done\n";
        let html = render(md, false, &mut Keep).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
    }

    #[test]
    fn headings_get_unique_ids_and_keep_written_ones() {
        let md = "## Schedule {#schedule}\n\n## Contact us\n\n## Contact us\n";
        let rendered = render(md, false, &mut Keep);
        assert_eq!(
            rendered.heading_ids,
            ["schedule", "contact-us", "contact-us-1"]
        );
        assert!(
            rendered.html.contains("<h2 id=\"contact-us-1\">"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn relative_links_are_offered_for_rewriting() {
        let md = "[a](../2017/other.md) [b](https://x.org/a.md) [c](#top) [d](/abs.md) ![i](p.png)";
        let mut links = Record(Vec::new());
        let html = render(md, false, &mut links).html;
        assert_eq!(links.0, ["../2017/other.md", "p.png"]);
        assert!(html.contains("href=\"/news/../2017/other/\""), "{html}");
        assert!(html.contains("href=\"https://x.org/a.md\""));
    }

    #[test]
    fn scan_finds_relative_links_first_paragraph_and_image() {
        let md = "## Title\n\nFirst *words*.\n\n[a](../x.md#p) [b](https://x.org/) ![i](p.png) ![j](q.png)";
        let found = scan(md, false);
        assert_eq!(found.first_paragraph, "First words.");
        assert_eq!(found.first_image.as_deref(), Some("p.png"));
        assert_eq!(found.links, ["../x.md#p", "p.png", "q.png"]);
    }

    #[test]
    fn raw_html_passes_unless_safe_html() {
        let md = "<div class=\"x\">raw</div>\n\ntext <span>inline</span>\n";
        assert!(
            render(md, false, &mut Keep)
                .html
                .contains("<div class=\"x\">")
        );
        let safe = render(md, true, &mut Keep).html;
        assert!(!safe.contains("<div") && !safe.contains("<span>"), "{safe}");
        assert!(safe.contains("inline"));
    }

    #[test]
    fn summary_is_the_first_paragraph_not_a_heading_or_list() {
        let md = "## Heading\n\n- item\n\nFirst *real* paragraph.\n\nSecond.";
        assert_eq!(
            render(md, false, &mut Keep).first_paragraph,
            "First real paragraph."
        );
    }

    #[test]
    fn summary_is_cut_on_a_character_boundary() {
        let text = "浙".repeat(400);
        let summary = summarize(&text, 300);
        assert_eq!(summary.chars().count(), 301);
        assert!(summary.ends_with('…'));
        let short = summarize("short text", 300);
        assert_eq!(short, "short text");
    }

    #[test]
    fn summary_prefers_a_word_boundary() {
        let text = "alpha beta gamma delta";
        assert_eq!(summarize(text, 13), "alpha beta…");
    }

    #[test]
    fn safe_html_disarms_script_links() {
        let md = "[js](javascript:alert(1)) [ok](https://x.org/) [mail](mailto:a@b.org)";
        let html = render(md, true, &mut Keep).html;
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("https://x.org/") && html.contains("mailto:a@b.org"));
        assert!(render(md, false, &mut Keep).html.contains("javascript:"));
    }

    #[test]
    fn inspect_lists_links_images_and_every_kind_of_anchor() {
        let md = "## Plan\n\nSee [x](other.md#a) and [y](#plan).\n\n![](a.png) ![Map](b.png)\n\n\
                  <div id=\"raw\" data-id=\"no\"></div> <span ID = 'up'></span><a id=bare>x</a>\n\n\
                  Note[^n].\n\n[^n]: foot\n";
        let found = inspect(md, false);
        let dests: Vec<_> = found.references.iter().map(|r| r.dest.as_str()).collect();
        assert_eq!(dests, ["other.md#a", "#plan", "a.png", "b.png"]);
        let no_alt: Vec<_> = found.references.iter().map(|r| r.no_alt).collect();
        assert_eq!(no_alt, [false, false, true, false]);
        assert_eq!(&md[found.references[0].offset..][..3], "[x]");
        for id in ["plan", "raw", "n", "up", "bare"] {
            assert!(found.anchors.contains(id), "{id} in {:?}", found.anchors);
        }
        assert!(!found.anchors.contains("no"));
        assert!(!inspect(md, true).anchors.contains("raw"));
    }

    #[test]
    fn relative_means_neither_url_nor_absolute() {
        assert!(is_relative("other.md"));
        assert!(is_relative("../x.md#part"));
        assert!(!is_relative("mailto:a@b.org"));
        assert!(!is_relative("https://x.org"));
        assert!(!is_relative("/news/"));
        assert!(!is_relative("#top"));
    }
}
