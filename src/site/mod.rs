//! Site stage: the articles sorted once, and the indexes over them. Built once, read-only after.

pub mod categories;
pub mod dates;
pub mod pagination;

use crate::content::links::LinkIndex;
use crate::content::{Article, Content, Section};
use categories::{Kind, Taxonomy};
use dates::Archive;

/// A section with the indices of its articles, newest first.
#[derive(Debug)]
pub struct SectionIndex {
    pub section: Section,
    pub articles: Vec<usize>,
    /// Whether the section has a date archive of its own.
    pub has_archive: bool,
}

/// The whole site as data: what every render job reads.
#[derive(Debug)]
pub struct Site {
    /// Every published article, newest first; ties are ordered by URL so output is stable.
    pub articles: Vec<Article>,
    /// Sections in navigation order.
    pub sections: Vec<SectionIndex>,
    /// Date archives: the whole site's first, then one per section when they are enabled.
    pub archives: Vec<Archive>,
    pub categories: Taxonomy,
    pub tags: Taxonomy,
    /// Where links between articles and to files lead, to render bodies.
    pub links: LinkIndex,
    /// For each article: its section's index in `sections` and its place in that section.
    placement: Vec<(usize, usize)>,
    /// Every article's index, newest first: the list the home pages and the site's feeds show.
    pub everything: Vec<usize>,
}

impl Site {
    /// Sorts the articles and builds the indexes. `per_section` adds an archive per section
    /// when there are several: a site's only section has the site's archive.
    pub fn new(content: Content, per_section: bool) -> Site {
        let mut articles = content.articles;
        put_in_order(&mut articles);
        let mut sections: Vec<SectionIndex> = content
            .sections
            .into_iter()
            .map(|section| SectionIndex {
                section,
                articles: Vec::new(),
                has_archive: false,
            })
            .collect();
        let mut placement = Vec::with_capacity(articles.len());
        for (index, article) in articles.iter().enumerate() {
            let section = sections
                .iter()
                .position(|s| s.section.name == article.section)
                .expect("the content stage creates a section for every article");
            placement.push((section, sections[section].articles.len()));
            sections[section].articles.push(index);
        }
        let all: Vec<usize> = (0..articles.len()).collect();
        let mut archives = vec![Archive::new(None, &articles, &all)];
        if per_section && sections.len() > 1 {
            for (index, section) in sections.iter_mut().enumerate() {
                archives.push(Archive::new(Some(index), &articles, &section.articles));
                section.has_archive = true;
            }
        }
        Site {
            links: content.links,
            categories: Taxonomy::new(Kind::Categories, &articles),
            tags: Taxonomy::new(Kind::Tags, &articles),
            everything: (0..articles.len()).collect(),
            articles,
            sections,
            archives,
            placement,
        }
    }

    /// Where `article` goes among the site's articles, in their order.
    pub fn position_of(&self, article: &Article) -> usize {
        self.articles
            .partition_point(|a| in_order(a, article) == std::cmp::Ordering::Less)
    }

    /// The content the site was laid out from, to lay it out again with another article.
    pub fn into_content(self) -> Content {
        Content {
            articles: self.articles,
            sections: self.sections.into_iter().map(|s| s.section).collect(),
            links: self.links,
            ..Content::default()
        }
    }

    /// The categories or the tags.
    pub fn taxonomy(&self, kind: Kind) -> &Taxonomy {
        match kind {
            Kind::Categories => &self.categories,
            Kind::Tags => &self.tags,
        }
    }

    /// The site-wide archive.
    pub fn archive(&self) -> &Archive {
        &self.archives[0]
    }

    /// The section an article belongs to.
    pub fn section_of(&self, article: usize) -> &SectionIndex {
        &self.sections[self.placement[article].0]
    }

    /// The older and the newer article of the same section, if any.
    pub fn neighbours(&self, article: usize) -> (Option<usize>, Option<usize>) {
        let (section, place) = self.placement[article];
        let list = &self.sections[section].articles;
        let older = list.get(place + 1).copied();
        let newer = place.checked_sub(1).map(|p| list[p]);
        (older, newer)
    }

    /// The newest `count` articles of the whole site.
    pub fn latest(&self, count: usize) -> impl Iterator<Item = usize> {
        0..count.min(self.articles.len())
    }
}

/// The order of a site's articles: newest first, then by URL.
fn in_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url))
}

/// Sorts `articles` into the site's order. Articles are large: their indices are sorted, and
/// the articles moved into place along the cycles of that permutation, with no second vector
/// of them; articles in order already (as a kept site's, with one added in its place) are not
/// moved at all.
fn put_in_order(articles: &mut [Article]) {
    if articles.is_sorted_by(|a, b| in_order(a, b).is_le()) {
        return;
    }
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_unstable_by(|&a, &b| in_order(&articles[a], &articles[b]));
    // Position `i` takes the article at `order[i]`; `order[i] == i` marks a placed one.
    for start in 0..articles.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            articles.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use std::path::Path;

    fn article(config: &Config, section: &str, slug: &str, date: &str) -> Article {
        let text = format!("+++\ntitle = \"{slug}\"\ndate = \"{date}\"\n+++\n");
        let path = format!("content/{section}/{slug}.md");
        Article::parse(config, Path::new(&path), section, &text).unwrap()
    }

    #[test]
    fn articles_are_newest_first_and_neighbours_stay_in_their_section() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let content = Content {
            articles: vec![
                article(&config, "news", "a", "2017-01-01"),
                article(&config, "notices", "b", "2017-01-02"),
                article(&config, "news", "c", "2017-01-03"),
                article(&config, "news", "d", "2017-01-03"),
            ],
            sections: vec![Section::untitled("news"), Section::untitled("notices")],
            ..Content::default()
        };
        let site = Site::new(content, true);
        let slugs: Vec<&str> = site.articles.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["c", "d", "b", "a"], "same date: ordered by URL");
        let a = slugs.iter().position(|s| *s == "a").unwrap();
        let d = slugs.iter().position(|s| *s == "d").unwrap();
        assert_eq!(site.neighbours(d), (Some(a), Some(0)));
        assert_eq!(site.neighbours(a), (None, Some(d)));
        assert_eq!(site.section_of(2).section.name, "notices");
        assert_eq!(site.neighbours(2), (None, None));
        assert_eq!(
            site.archives.len(),
            3,
            "the site's archive and one per section"
        );
        assert_eq!(site.archives[2].count(), 1);
    }

    #[test]
    fn articles_in_any_order_are_put_in_the_sites_order() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        // 41 articles on 7 dates, in an order made by stepping through them 17 at a time.
        let mut articles: Vec<Article> = (0..41)
            .map(|i| (i * 17) % 41)
            .map(|i| {
                article(
                    &config,
                    "news",
                    &format!("a{i:02}"),
                    &format!("2017-01-0{}", 1 + i % 7),
                )
            })
            .collect();
        let mut expected: Vec<(String, String)> = articles
            .iter()
            .map(|a| (a.date.to_rfc3339(), a.url.clone()))
            .collect();
        expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        put_in_order(&mut articles);
        let got: Vec<(String, String)> = articles
            .iter()
            .map(|a| (a.date.to_rfc3339(), a.url.clone()))
            .collect();
        assert_eq!(got, expected);

        let site = Site::new(
            Content {
                articles,
                sections: vec![Section::untitled("news")],
                ..Content::default()
            },
            false,
        );
        let newest = article(&config, "news", "z", "2018-01-01");
        let oldest = article(&config, "news", "z", "2016-01-01");
        let between = article(&config, "news", "a04b", "2017-01-05");
        assert_eq!(site.position_of(&newest), 0);
        assert_eq!(site.position_of(&oldest), 41);
        let at = site.position_of(&between);
        assert!(site.articles[at - 1].url < between.url && between.url < site.articles[at].url);
    }
}
