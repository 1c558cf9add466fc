//! Category and tag indexes. Terms are keyed by their ASCII slug, so two spellings that slug
//! alike (`Public Notice`, `public notice`) are one term.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::content::Article;
use crate::content::slug::slugify;

/// The two taxonomies, as they appear in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Categories,
    Tags,
}

impl Kind {
    /// The URL segment and the name templates see.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Categories => "categories",
            Kind::Tags => "tags",
        }
    }

    /// Both kinds, in display order.
    pub const ALL: [Kind; 2] = [Kind::Categories, Kind::Tags];
}

/// One category or tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The spelling shown: the most used one, the first in sort order on a tie.
    pub name: String,
    pub slug: String,
    /// Its articles, newest first.
    pub articles: Vec<usize>,
}

/// All terms of one taxonomy, sorted by slug.
#[derive(Debug, Default)]
pub struct Taxonomy {
    pub terms: Vec<Term>,
    /// Every name the articles spell a term with (trimmed), and its term.
    names: FxHashMap<String, usize>,
}

impl Taxonomy {
    /// Gathers the terms of `kind` from articles sorted newest first.
    pub fn new(kind: Kind, articles: &[Article]) -> Taxonomy {
        // Names repeat across articles: each is slugged once, and each slug numbered once.
        let mut by_name: FxHashMap<&str, Option<usize>> = FxHashMap::default();
        let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
        let mut found: Vec<(String, BTreeMap<&str, usize>, Vec<usize>)> = Vec::new();
        let mut seen = Vec::new();
        for (index, article) in articles.iter().enumerate() {
            let names = match kind {
                Kind::Categories => article.category.as_slice(),
                Kind::Tags => &article.tags,
            };
            seen.clear();
            for name in names {
                let name = name.trim();
                let term = *by_name.entry(name).or_insert_with(|| {
                    let slug = term_slug(name);
                    (!slug.is_empty()).then(|| {
                        *by_slug.entry(slug).or_insert_with_key(|slug| {
                            found.push((slug.clone(), BTreeMap::new(), Vec::new()));
                            found.len() - 1
                        })
                    })
                });
                let Some(term) = term.filter(|term| !seen.contains(term)) else {
                    continue;
                };
                let (_, spellings, list) = &mut found[term];
                *spellings.entry(name).or_default() += 1;
                list.push(index);
                seen.push(term);
            }
        }
        // Terms are sorted by slug; the names keep pointing at theirs.
        let mut found: Vec<_> = found.into_iter().enumerate().collect();
        found.sort_unstable_by(|(_, a), (_, b)| a.0.cmp(&b.0));
        let mut place = vec![0; found.len()];
        for (to, (from, _)) in found.iter().enumerate() {
            place[*from] = to;
        }
        let names = by_name
            .into_iter()
            .filter_map(|(name, term)| Some((name.to_string(), place[term?])))
            .collect();
        let terms = found
            .into_iter()
            .map(|(_, (slug, spellings, articles))| {
                let name = spellings
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(name, _)| name.to_string())
                    .unwrap_or_else(|| slug.clone());
                Term {
                    name,
                    slug,
                    articles,
                }
            })
            .collect();
        Taxonomy { terms, names }
    }

    /// The term a name belongs to.
    pub fn find(&self, name: &str) -> Option<&Term> {
        let name = name.trim();
        if let Some(&term) = self.names.get(name) {
            return Some(&self.terms[term]);
        }
        let slug = term_slug(name);
        self.terms
            .binary_search_by(|t| t.slug.as_str().cmp(&slug))
            .ok()
            .map(|i| &self.terms[i])
    }
}

/// The slug of a term; a name with no letters or digits (`!!!`) has none and is left out.
pub fn term_slug(name: &str) -> String {
    slugify(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use std::path::Path;

    fn article(category: &str, tags: &[&str], n: usize) -> Article {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let tags: Vec<String> = tags.iter().map(|t| format!("{t:?}")).collect();
        let text = format!(
            "+++\ntitle = \"T{n}\"\ndate = \"2017-01-0{n}\"\ncategory = {category:?}\ntags = [{}]\n+++\n",
            tags.join(", ")
        );
        Article::parse(
            &config,
            Path::new(&format!("content/news/t{n}.md")),
            "news",
            &text,
        )
        .unwrap()
    }

    #[test]
    fn names_that_slug_alike_are_one_term() {
        let articles = vec![
            article("Public Notice", &["Road", "road"], 3),
            article("public notice", &["ROAD"], 2),
            article("Public Notice", &[], 1),
        ];
        let categories = Taxonomy::new(Kind::Categories, &articles);
        assert_eq!(categories.terms.len(), 1);
        assert_eq!(
            categories.terms[0].name, "Public Notice",
            "the most used spelling"
        );
        assert_eq!(categories.terms[0].slug, "public-notice");
        assert_eq!(categories.terms[0].articles, [0, 1, 2]);
        let tags = Taxonomy::new(Kind::Tags, &articles);
        assert_eq!(
            tags.terms[0].articles,
            [0, 1],
            "an article counts once per term"
        );
    }

    #[test]
    fn a_term_is_found_by_any_spelling() {
        let articles = vec![
            article("Public Notice", &["Road", "water"], 3),
            article("Budget", &["ROAD"], 2),
        ];
        let tags = Taxonomy::new(Kind::Tags, &articles);
        assert_eq!(tags.terms.len(), 2);
        for name in ["Road", "ROAD", " road ", "rOaD"] {
            assert_eq!(tags.find(name).map(|t| t.slug.as_str()), Some("road"));
        }
        assert_eq!(
            tags.find("Water").map(|t| t.articles.clone()),
            Some(vec![0])
        );
        assert!(tags.find("fire").is_none());
        let categories = Taxonomy::new(Kind::Categories, &articles);
        assert_eq!(
            categories.find("budget").map(|t| t.name.as_str()),
            Some("Budget")
        );
        assert_eq!(
            categories.find("Public Notice").map(|t| t.slug.as_str()),
            Some("public-notice")
        );
    }

    #[test]
    fn non_latin_terms_get_ascii_slugs() {
        let articles = vec![article("新闻", &["标准化"], 1)];
        let categories = Taxonomy::new(Kind::Categories, &articles);
        assert_eq!(categories.terms[0].slug, "xin-wen");
        assert_eq!(categories.terms[0].name, "新闻");
        assert!(categories.find("新闻").is_some());
        assert!(categories.find("Other").is_none());
    }

    #[test]
    fn terms_are_sorted_by_slug() {
        let articles = vec![article("Zeta", &["b", "a"], 1), article("Alpha", &[], 2)];
        let slugs: Vec<String> = Taxonomy::new(Kind::Categories, &articles)
            .terms
            .into_iter()
            .map(|t| t.slug)
            .collect();
        assert_eq!(slugs, ["alpha", "zeta"]);
    }
}
