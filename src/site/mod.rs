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
        // Newest first, then by URL; indices are sorted rather than the large articles.
        let all = &content.articles;
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&all[a], &all[b]);
            b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url))
        });
        let mut slots: Vec<Option<Article>> = content.articles.into_iter().map(Some).collect();
        let articles: Vec<Article> = order
            .into_iter()
            .map(|i| slots[i].take().expect("each article is placed once"))
            .collect();
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
}
