//! The search page and its index, read as the page's script reads them.

use std::path::Path;

use bulletin::render::search::{fold, shard_of, terms};

use crate::support::{build_ok, read, site, times, tree};

fn article(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!("+++\ntitle = {title:?}\ndate = \"{date}\"\n{extra}+++\n{body}\n")
}

fn search_site() -> tempfile::TempDir {
    let dir = site(&[
        (
            "content/news/a.md",
            &article(
                "Agreement Signed in Hangzhou",
                "2017-09-18 10:05:20",
                "tags = [\"trade\"]\n",
                "The first paragraph is the summary.\n\nThe rest is not searched: zeppelin.",
            ),
        ),
        (
            "content/news/b.md",
            &article(
                "Trade Grows",
                "2017-09-17 09:00:00",
                "summary = \"Exports to São Paulo rose.\"\nauthor = \"Statistics Office\"\n",
                "Body.",
            ),
        ),
        (
            "content/notices/c.md",
            &article(
                "浙江省与质检总局签署合作协议",
                "2017-09-10 09:00:00",
                "category = \"经济\"\n",
                "正文。",
            ),
        ),
    ]);
    build_ok(dir.path(), &[]);
    dir
}

/// What the search page's script finds for `query`: each article's URL and title, in the
/// order the script lists them (most query terms in the title first, then the newest).
fn search(output: &Path, query: &str) -> Vec<(String, String)> {
    let page = read(output, "search/index.html");
    let attribute = |name: &str| -> usize {
        let start = page.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        page[start..start + page[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (shards, per_file) = (attribute("data-shards"), attribute("data-per-file"));
    let folded = fold(query);
    let wanted = terms(&folded);
    let mut found: Option<std::collections::BTreeMap<u64, u64>> = None;
    for term in wanted {
        let file = format!("search/terms-{}.json", shard_of(term, shards));
        let entries: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&read(output, &file)).unwrap();
        let mut this = std::collections::BTreeMap::new();
        for (word, codes) in &entries {
            let prefix = term.chars().count() >= 3 && word.starts_with(term);
            if word != term && !prefix {
                continue;
            }
            let mut code = 0;
            for difference in codes.as_array().unwrap() {
                code += difference.as_u64().unwrap();
                *this.entry(code / 2).or_insert(0) |= code % 2;
            }
        }
        found = Some(match found {
            None => this,
            Some(before) => before
                .into_iter()
                .filter_map(|(n, t)| Some((n, t + this.get(&n)?)))
                .collect(),
        });
    }
    let mut numbers: Vec<(u64, u64)> = found.unwrap_or_default().into_iter().collect();
    numbers.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    numbers
        .into_iter()
        .map(|(number, _)| {
            let number = number as usize;
            let file = format!("search/docs-{}.json", number / per_file);
            let docs: Vec<Vec<String>> = serde_json::from_str(&read(output, &file)).unwrap();
            let doc = &docs[number % per_file];
            (doc[0].clone(), doc[1].clone())
        })
        .collect()
}

/// The search page's stamp of its index files.
fn stamp(output: &Path) -> String {
    let page = read(output, "search/index.html");
    let start = page.find("data-version=\"").expect("a stamp") + "data-version=\"".len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

fn urls(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(url, _)| url.as_str()).collect()
}

const A: &str = "/news/2017/09/18/a/";
const B: &str = "/news/2017/09/17/b/";
const C: &str = "/notices/2017/09/10/c/";

#[test]
fn articles_are_found_by_title_summary_tags_category_and_byline() {
    let dir = search_site();
    let output = dir.path().join("output");
    assert_eq!(urls(&search(&output, "agreement")), [A]);
    // A word of the title ranks first; then the newest.
    assert_eq!(urls(&search(&output, "trade")), [B, A]);
    // Every word must be found; a word of three letters or more finds the words it begins.
    assert_eq!(urls(&search(&output, "Trade agree")), [A]);
    assert_eq!(urls(&search(&output, "HANGZHOU")), [A]);
    assert_eq!(urls(&search(&output, "statistics")), [B], "the byline");
    assert_eq!(urls(&search(&output, "sao paulo")), [B], "accents folded");
    assert!(
        search(&output, "zeppelin").is_empty(),
        "bodies are not indexed"
    );
    assert!(search(&output, "trade zeppelin").is_empty());
    // Chinese, by pairs of characters, in the title and the category.
    let found = search(&output, "合作协议");
    assert_eq!(urls(&found), [C]);
    assert_eq!(found[0].1, "浙江省与质检总局签署合作协议");
    assert_eq!(urls(&search(&output, "经济")), [C]);
    // One character finds the articles that have it.
    assert_eq!(urls(&search(&output, "省")), [C]);
    assert!(search(&output, "湖").is_empty());
    assert!(search(&output, "协合").is_empty());
    // The page knows where its script and index are, and links them.
    let page = read(&output, "search/index.html");
    assert!(page.contains("data-index=\"/search/\""), "{page}");
    // With a stamp of the build, for the script and the files it fetches.
    let stamp = stamp(&output);
    assert_eq!(stamp.len(), 16, "{page}");
    assert!(
        page.contains(&format!("src=\"/search/search.js?v={stamp}\"")),
        "{page}"
    );
    assert_eq!(
        read(&output, "search/search.js"),
        bulletin::render::search::SCRIPT
    );
    // The stamp follows what the files of titles show: the date format changes it.
    let config = dir.path().join("bulletin.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("date_format = \"%d/%m/%Y\"\n{text}")).unwrap();
    build_ok(dir.path(), &[]);
    assert_ne!(crate::search::stamp(&output), stamp);
    assert!(read(&output, "search/docs-0.json").contains("\"18/09/2017\""));
}

#[test]
fn search_can_be_turned_off() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"default\"\n[search]\nenabled = false\n",
        ),
        (
            "content/news/a.md",
            &article("Agreement", "2017-09-18 10:05:20", "", "Body."),
        ),
    ]);
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    copy_default_theme(dir.path());
    build_ok(dir.path(), &[]);
    let output = dir.path().join("output");
    assert!(!output.join("search").exists());
    assert!(!read(&output, "index.html").contains("/search/"));
    // Turned on (the default), the theme's navigation links the page.
    std::fs::write(dir.path().join("bulletin.toml"), "theme = \"default\"\n").unwrap();
    build_ok(dir.path(), &[]);
    assert!(output.join("search/index.html").is_file());
    assert!(read(&output, "index.html").contains("href=\"/search/\""));
}

#[test]
fn a_section_named_search_is_told_how_to_keep_it() {
    let dir = site(&[(
        "content/search/index.md",
        &article("Search and Rescue", "2017-09-18 10:05:20", "", "Body."),
    )]);
    let report = crate::support::build_fails(dir.path());
    assert!(report.contains("search/index.html"), "{report}");
    assert!(report.contains("`[search] enabled = false`"), "{report}");
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "theme = \"mini\"\n[search]\nenabled = false\n",
    )
    .unwrap();
    build_ok(dir.path(), &[]);
}

fn copy_default_theme(root: &Path) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for entry in walkdir::WalkDir::new(&theme) {
        let entry = entry.unwrap();
        let target = root
            .join("themes/default")
            .join(entry.path().strip_prefix(&theme).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn an_edit_remakes_the_index_only_when_an_indexed_field_changes() {
    let dir = search_site();
    let output = dir.path().join("output");
    let terms_of = |output: &Path| -> Vec<std::path::PathBuf> {
        times(output)
            .into_keys()
            .filter(|p| p.starts_with("search") && p.to_string_lossy().contains("terms-"))
            .collect()
    };
    assert!(!terms_of(&output).is_empty());
    let before = times(&output);
    let first_stamp = stamp(&output);
    std::thread::sleep(std::time::Duration::from_millis(20));
    // A new paragraph: the index is as it was, and no file of it is written.
    let file = dir.path().join("content/news/a.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nAnother paragraph.\n")).unwrap();
    build_ok(dir.path(), &[]);
    let after = times(&output);
    for path in before.keys().filter(|p| p.starts_with("search")) {
        assert_eq!(before[path], after[path], "{} was written", path.display());
    }
    // A new title: the new word is found, the old one no longer, as in a clean build.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "Agreement Signed in Hangzhou",
            "Memorandum Signed in Hangzhou",
        ),
    )
    .unwrap();
    build_ok(dir.path(), &[]);
    assert_eq!(urls(&search(&output, "memorandum")), [A]);
    assert_ne!(stamp(&output), first_stamp, "new files, a new stamp");
    assert!(search(&output, "agreement").is_empty());
    let clean = tempfile::tempdir().unwrap();
    build_ok(
        dir.path(),
        &["--output", clean.path().to_str().unwrap(), "--force"],
    );
    let (built, fresh) = (tree(&output), tree(clean.path()));
    for (path, bytes) in &fresh {
        assert_eq!(built.get(path), Some(bytes), "{}", path.display());
    }
    assert_eq!(built.len(), fresh.len());
}
