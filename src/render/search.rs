//! The site's search, which needs no server: an index of every article's title, summary,
//! category, tags and byline, cut into files that a reader's browser fetches a few at a time,
//! and the script that searches them (`search.js`, which must tokenise a query exactly as
//! [`terms`] does).
//!
//! Articles are numbered from the oldest, so that a new article adds a number and leaves the
//! others as they were. A term's entry is the list of the articles it occurs in, as
//! `number * 2 + 1` when it occurs in the title and `number * 2` otherwise, ascending and each
//! written as its difference from the one before. The entries are spread over
//! [`shard_count`] files by the first three characters of the term, so that every term
//! beginning with the same three characters (every completion of what a reader typed) is in
//! one file. The articles' titles, dates and summaries, which a result shows, are in files of
//! [`DOCS_PER_FILE`] articles.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::config::Config;
use crate::content::Article;
use crate::site::Site;

/// Articles per file of titles, dates and summaries.
pub const DOCS_PER_FILE: usize = 100;

/// The script of the search page.
pub const SCRIPT: &str = include_str!("../templates/search.js");

/// Terms longer than this (in characters) are not indexed: addresses, numbers of reference.
const LONGEST_TERM: usize = 40;

/// How many files the terms are spread over: about one per 128 articles, as a power of two
/// between 1 and 1,024.
pub fn shard_count(articles: usize) -> usize {
    (articles / 128).clamp(1, 1024).next_power_of_two()
}

/// The file of `term`: the 32-bit FNV-1a hash of the UTF-8 bytes of its first three
/// characters, modulo `shards`.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let key = term
        .char_indices()
        .nth(3)
        .map_or(term, |(end, _)| &term[..end]);
    let mut hash: u32 = 0x811c_9dc5;
    for &byte in key.as_bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % shards
}

/// Letters of scripts written without spaces between words (Chinese and Japanese): a run of
/// them is indexed as its pairs of neighbouring characters, which a query of two or more of
/// them matches wherever they stand.
fn unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The text as terms are made from: in lower case, in compatibility forms (full-width
/// letters and digits as ordinary ones, ligatures as their letters), without accents and
/// other marks, with the final sigma as any other.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded
}

/// [`fold`], onto the end of `out`. Character by character: once the marks are gone, the
/// compatibility decomposition (NFKD) of a text is that of its characters, in order.
fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            decompose_compatible(lower, |part| {
                if !is_combining_mark(part) {
                    out.push(if part == 'ς' { 'σ' } else { part });
                }
            });
        }
    }
}

/// The terms of a query once folded (see [`fold`]), in order, repeats included: each run of
/// letters and digits of two characters or more is a term; a run of Chinese or Japanese
/// characters gives each pair of neighbours instead, or the character when it stands
/// alone. A lone letter is none. (An article's terms also have each of its Chinese and
/// Japanese characters, which a query of one finds: see [`Singles`].)
pub fn terms(folded: &str) -> Vec<&str> {
    let mut found = Vec::new();
    each_term(folded, Singles::Alone, |start, end| {
        found.push(&folded[start..end]);
    });
    found
}

/// Which single Chinese or Japanese characters are terms: every one (of an article, so that
/// a query of one character finds it), or only one standing alone (of a query: in a longer
/// run, its pairs say more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Singles {
    Every,
    Alone,
}

/// Calls `found` with the start and end of each term of `folded` (see [`terms`]), in one
/// pass.
fn each_term(folded: &str, singles: Singles, mut found: impl FnMut(usize, usize)) {
    // The run of letters and digits going on: where it starts, whether of unspaced
    // characters, how many characters so far, and where its last character starts.
    let mut run: Option<(usize, bool, usize, usize)> = None;
    for (at, c) in folded.char_indices() {
        let (in_run, kind) = if c.is_ascii() {
            (c.is_ascii_alphanumeric(), false)
        } else {
            (c.is_alphanumeric(), unspaced(c))
        };
        match &mut run {
            Some((_, run_kind, count, last)) if in_run && *run_kind == kind => {
                if kind {
                    found(*last, at + c.len_utf8());
                    if singles == Singles::Every {
                        found(at, at + c.len_utf8());
                    }
                }
                *count += 1;
                *last = at;
            }
            _ => {
                if let Some(run) = run {
                    close(run, at, singles, &mut found);
                }
                if in_run && kind && singles == Singles::Every {
                    found(at, at + c.len_utf8());
                }
                run = in_run.then_some((at, kind, 1, at));
            }
        }
    }
    if let Some(run) = run {
        close(run, folded.len(), singles, &mut found);
    }
}

/// The term a run of letters and digits ending at `end` gives when it ends, if any.
fn close(
    (start, of_unspaced, count, _): (usize, bool, usize, usize),
    end: usize,
    singles: Singles,
    found: &mut impl FnMut(usize, usize),
) {
    let whole = if of_unspaced {
        count == 1 && singles == Singles::Alone
    } else {
        (2..=LONGEST_TERM).contains(&count)
    };
    if whole {
        found(start, end);
    }
}

/// The articles of docs file `file`, as indices into `site.articles` (which are newest
/// first).
pub fn docs_of(site: &Site, file: usize) -> impl Iterator<Item = usize> + '_ {
    let count = site.articles.len();
    let first = file * DOCS_PER_FILE;
    (first..count.min(first + DOCS_PER_FILE)).map(move |n| count - 1 - n)
}

/// What an article contributes to the index, in the order the terms are taken: the title,
/// then the rest.
pub fn indexed_fields(article: &Article) -> (&str, impl Iterator<Item = &str>) {
    let rest = [article.summary.as_str()]
        .into_iter()
        .chain(article.category.as_deref())
        .chain(article.tags.iter().map(String::as_str))
        .chain(article.author.as_deref())
        .chain(article.source.as_deref());
    (article.title.as_str(), rest)
}

/// The index's term files, made together, and what they are made from.
pub struct Index {
    /// Each file's bytes.
    pub files: Vec<Vec<u8>>,
    /// Every term's articles, as the files write them (before the differences are taken).
    postings: FxHashMap<Box<str>, Vec<u32>>,
    /// Each file's terms, in order.
    terms: Vec<Vec<Box<str>>>,
    /// How many articles (the oldest ones) the index holds, and the fingerprint of their
    /// indexed fields (see [`field_hashes`]).
    count: usize,
    made_from: u128,
}

impl Index {
    /// The index of `site`, whose articles' [`field_hashes`] are `hashes`. When `previous`
    /// holds the oldest articles of `site` as they are now, the newer ones are added to it
    /// and only the files they add to are written again (a new article, in `bulletin
    /// serve`); otherwise it is made anew.
    pub fn update(previous: Option<Index>, site: &Site, hashes: &[u128]) -> Index {
        match previous {
            Some(mut index) if index.holds_oldest_of(hashes) => {
                index.extend(site, hashes);
                index
            }
            _ => Index::build(site, hashes),
        }
    }

    /// Whether the index holds the oldest articles of a site whose articles' indexed fields
    /// have `hashes` (see [`field_hashes`]), in as many files as that site needs.
    fn holds_oldest_of(&self, hashes: &[u128]) -> bool {
        self.files.len() == shard_count(hashes.len())
            && self.count <= hashes.len()
            && self.made_from == combined(&hashes[..self.count])
    }

    fn build(site: &Site, hashes: &[u128]) -> Index {
        let shards = shard_count(hashes.len());
        let found: Vec<Terms> = site.articles.par_iter().map(Terms::of).collect();
        // Every term's articles, from the oldest on: a map per run of articles, in
        // parallel, then joined in order.
        let count = found.len();
        let run = count.div_ceil(rayon::current_num_threads()).max(1);
        let parts: Vec<FxHashMap<&str, Vec<u32>>> = (0..count.div_ceil(run))
            .into_par_iter()
            .map(|part| {
                let mut postings = FxHashMap::default();
                for number in part * run..count.min(part * run + run) {
                    found[count - 1 - number].add_to(number as u32, &mut postings, |_| {});
                }
                postings
            })
            .collect();
        let mut joined: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        for part in parts {
            for (term, list) in part {
                joined.entry(term).or_default().extend(list);
            }
        }
        let mut terms: Vec<Vec<Box<str>>> = vec![Vec::new(); shards];
        let mut postings = FxHashMap::default();
        postings.reserve(joined.len());
        for (term, list) in joined {
            let term: Box<str> = term.into();
            terms[shard_of(&term, shards)].push(term.clone());
            postings.insert(term, list);
        }
        terms.par_iter_mut().for_each(|file| file.sort_unstable());
        let files = terms
            .par_iter()
            .map(|file| shard_json(file, &postings))
            .collect();
        Index {
            files,
            postings,
            terms,
            count,
            made_from: combined(hashes),
        }
    }

    /// Adds the articles of `site` newer than those the index holds.
    fn extend(&mut self, site: &Site, hashes: &[u128]) {
        let (count, shards) = (site.articles.len(), self.files.len());
        let mut touched = vec![false; shards];
        for number in self.count..count {
            let terms = Terms::of(&site.articles[count - 1 - number]);
            let (postings, files) = (&mut self.postings, &mut self.terms);
            terms.add_to(number as u32, postings, |term| {
                let file = &mut files[shard_of(term, shards)];
                if let Err(at) = file.binary_search_by(|t| (**t).cmp(term)) {
                    file.insert(at, term.into());
                }
            });
            for &(start, end) in &terms.places {
                touched[shard_of(&terms.text[start as usize..end as usize], shards)] = true;
            }
        }
        for (file, touched) in touched.into_iter().enumerate() {
            if touched {
                self.files[file] = shard_json(&self.terms[file], &self.postings);
            }
        }
        self.count = count;
        self.made_from = combined(hashes);
    }
}

/// Each article's hash of its indexed fields (see [`indexed_fields`]), URL, date and
/// section, from the oldest; made in parallel. What the index's terms are made from, and
/// what its files of titles show besides the site's settings.
pub fn field_hashes(site: &Site) -> Vec<u128> {
    site.articles
        .par_iter()
        .rev()
        .map(|article| {
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let (title, rest) = indexed_fields(article);
            let shown = [article.url.as_str(), &article.section];
            hasher.update(&article.date.timestamp().to_le_bytes());
            for field in std::iter::once(title).chain(rest).chain(shown) {
                hasher.update(&(field.len() as u64).to_le_bytes());
                hasher.update(field.as_bytes());
            }
            hasher.digest128()
        })
        .collect()
}

/// One fingerprint of a run of articles' hashes.
pub fn combined(hashes: &[u128]) -> u128 {
    let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

/// An article's folded text (its title, then the rest on lines of their own) and where its
/// terms are in it, repeats included.
struct Terms {
    text: String,
    title_end: usize,
    places: Vec<(u32, u32)>,
}

impl Terms {
    fn of(article: &Article) -> Terms {
        let (title, rest) = indexed_fields(article);
        let mut text = fold(title);
        let title_end = text.len();
        for field in rest {
            text.push('\n');
            fold_into(field, &mut text);
        }
        let mut places = Vec::with_capacity(64);
        each_term(&text, Singles::Every, |start, end| {
            places.push((start as u32, end as u32));
        });
        Terms {
            text,
            title_end,
            places,
        }
    }

    /// Adds the article's terms to `postings` as article `number`, once each (marked as in
    /// the title when any occurrence is); `new_term` hears of each term `postings` lacked.
    fn add_to<'a, K>(
        &'a self,
        number: u32,
        postings: &mut FxHashMap<K, Vec<u32>>,
        mut new_term: impl FnMut(&'a str),
    ) where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq + From<&'a str>,
    {
        for &(start, end) in &self.places {
            let term = &self.text[start as usize..end as usize];
            let in_title = u32::from((end as usize) <= self.title_end);
            let list = match postings.get_mut(term) {
                Some(list) => list,
                None => {
                    new_term(term);
                    postings.entry(K::from(term)).or_default()
                }
            };
            match list.last_mut() {
                Some(last) if *last >> 1 == number => *last |= in_title,
                _ => list.push(number * 2 + in_title),
            }
        }
    }
}

/// A term file: `{"term":[differences],...}`, for `terms` in order.
fn shard_json(terms: &[Box<str>], postings: &FxHashMap<Box<str>, Vec<u32>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(terms.len() * 24 + 2);
    out.push(b'{');
    for (i, term) in terms.iter().enumerate() {
        let codes = &postings[term];
        if i > 0 {
            out.push(b',');
        }
        push_json_string(&mut out, term);
        out.extend_from_slice(b":[");
        let mut previous = 0;
        for (j, &code) in codes.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(itoa::Buffer::new().format(code - previous).as_bytes());
            previous = code;
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}\n");
    out
}

/// A docs file: for each of its articles, in order of number, `[url, title, date as the
/// site shows it, date in RFC 3339, section title, section URL, summary]`.
pub fn docs_json(config: &Config, site: &Site, file: usize) -> Vec<u8> {
    let mut out = vec![b'['];
    for (i, index) in docs_of(site, file).enumerate() {
        let article = &site.articles[index];
        let section = &site.section_of(index).section;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.push(b'[');
        let date = article
            .date
            .format_with_items(config.date_items.iter())
            .to_string();
        let fields = [
            article.url.as_str(),
            article.title.as_str(),
            date.as_str(),
            &article.date.to_rfc3339(),
            section.title.as_str(),
            &section.url(&config.base_path),
            article.summary.as_str(),
        ];
        for (j, field) in fields.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_json_string(&mut out, field);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]\n");
    out
}

/// Appends `text` as a JSON string.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(out, text).expect("a string serialises into memory");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content::{Content, Section};

    /// A site of articles with these titles, dated a day apart in the order given.
    fn site_of(config: &Config, titles: &[&str]) -> Site {
        let articles = titles
            .iter()
            .enumerate()
            .map(|(day, title)| {
                let text = format!(
                    "+++\ntitle = \"{title}\"\ndate = \"2017-01-{:02}\"\nslug = \"a{day}\"\n+++\nBody.\n",
                    day + 1
                );
                let path = format!("content/news/a{day}.md");
                Article::parse(config, std::path::Path::new(&path), "news", &text).unwrap()
            })
            .collect();
        let content = Content {
            articles,
            sections: vec![Section::untitled("news")],
            ..Content::default()
        };
        Site::new(content, false)
    }

    #[test]
    fn a_newer_article_is_added_to_the_index_as_a_whole_build_would_make_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let titles = [
            "Trade grows",
            "Trade talks",
            "Road closure",
            "Harbour works",
        ];
        let before = {
            let site = site_of(&config, &titles[..3]);
            Index::update(None, &site, &field_hashes(&site))
        };
        assert_eq!(before.count, 3);
        let unchanged = before.files.clone();
        let site = site_of(&config, &titles);
        assert!(before.holds_oldest_of(&field_hashes(&site)));
        let added = Index::update(Some(before), &site, &field_hashes(&site));
        let whole = Index::update(None, &site, &field_hashes(&site));
        assert_eq!(added.files, whole.files);
        assert_eq!(added.terms, whole.terms);
        assert_eq!(
            (added.count, added.made_from),
            (whole.count, whole.made_from)
        );
        // One file only, so it changed; "harbour" is in it with article 3 in its title.
        assert_ne!(added.files, unchanged);
        let text = String::from_utf8(added.files[0].clone()).unwrap();
        assert!(text.contains("\"harbour\":[7]"), "{text}");
        assert!(text.contains("\"trade\":[1,2]"), "{text}");
    }

    #[test]
    fn an_index_of_other_articles_is_made_anew() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let old = {
            let site = site_of(&config, &["Trade grows", "Road closure"]);
            Index::update(None, &site, &field_hashes(&site))
        };
        // The oldest article's title changed: nothing of the old index can be kept.
        let site = site_of(&config, &["Trade falls", "Road closure", "Harbour works"]);
        assert!(!old.holds_oldest_of(&field_hashes(&site)));
        let updated = Index::update(Some(old), &site, &field_hashes(&site));
        let whole = Index::update(None, &site, &field_hashes(&site));
        assert_eq!(updated.files, whole.files);
        let text = String::from_utf8(updated.files[0].clone()).unwrap();
        assert!(
            text.contains("\"falls\":[1]") && !text.contains("grows"),
            "{text}"
        );
    }

    fn all(text: &str) -> Vec<String> {
        terms(&fold(text)).into_iter().map(str::to_string).collect()
    }

    #[test]
    fn words_are_folded_to_lower_case_without_accents() {
        assert_eq!(
            all("Zhejiang signs Cooperative Agreement with AQSIQ"),
            [
                "zhejiang",
                "signs",
                "cooperative",
                "agreement",
                "with",
                "aqsiq"
            ]
        );
        assert_eq!(
            all("Café-Économie, São Paulo"),
            ["cafe", "economie", "sao", "paulo"]
        );
        assert_eq!(all("ΣΟΦΙΑ ΟΔΟΣ Οδός"), ["σοφια", "οδοσ", "οδοσ"]);
        assert_eq!(all("İstanbul ǅemal ﬁle"), ["istanbul", "dzemal", "file"]);
        // Full-width and half-width forms, as Chinese and Japanese text often has them.
        assert_eq!(all("２０１７年ＡＱＳＩＱ"), ["2017", "年", "aqsiq"]);
        assert_eq!(all("ｶﾀｶﾅ"), all("カタカナ"));
    }

    #[test]
    fn single_letters_and_very_long_runs_are_not_terms() {
        assert_eq!(all("a 5 G7 x-ray"), ["g7", "ray"]);
        let long = "x".repeat(LONGEST_TERM + 1);
        assert_eq!(all(&format!("{long} ok")), ["ok"]);
        assert_eq!(all(&"y".repeat(LONGEST_TERM)).len(), 1);
    }

    #[test]
    fn chinese_is_indexed_as_pairs_of_characters() {
        assert_eq!(
            all("浙江省签署合作协议"),
            [
                "浙江", "江省", "省签", "签署", "署合", "合作", "作协", "协议"
            ]
        );
        assert_eq!(all("省"), ["省"]);
        // A run of digits or Latin letters next to Chinese is a term of its own.
        assert_eq!(all("2017年9月15日"), ["2017", "年", "月", "15", "日"]);
        // An article's terms have every character too, for queries of one.
        let mut of_article = Vec::new();
        each_term("合作协议", Singles::Every, |s, e| {
            of_article.push(&"合作协议"[s..e])
        });
        assert_eq!(of_article, ["合", "合作", "作", "作协", "协", "协议", "议"]);
        assert_eq!(all("质检总局AQSIQ"), ["质检", "检总", "总局", "aqsiq"]);
    }

    #[test]
    fn shards_follow_the_first_three_characters() {
        let shards = 64;
        assert_eq!(shard_of("agreement", shards), shard_of("agr", shards));
        assert_eq!(shard_of("合作协议", shards), shard_of("合作协", shards));
        assert!(shard_of("zhejiang", shards) < shards);
        // 32-bit FNV-1a, as the script computes it: the published value for "a", and "agr".
        assert_eq!(shard_of("a", 1 << 32), 0xe40c_292c);
        assert_eq!(shard_of("agr", 1 << 32), 0x1b41_2ed9);
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(10_000), 128);
        assert_eq!(shard_count(100_000), 1024);
        assert_eq!(shard_count(10_000_000), 1024);
    }
}
