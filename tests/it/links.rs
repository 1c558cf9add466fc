//! Links: every internal `href` and `src` of a built site names a file, and every `#fragment` an id.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;
use std::process;

use crate::support::{bulletin, write};

// The tests.

#[test]
fn sample_site_has_no_broken_links() {
    let out = tempfile::tempdir().unwrap();
    build(Path::new(env!("CARGO_MANIFEST_DIR")), out.path());
    let crawl = crawl(out.path(), "/");
    assert_no_broken_links(&crawl);
    assert!(
        crawl.links > 200,
        "only {} internal links were checked",
        crawl.links
    );
}

#[test]
fn generated_corpus_of_2000_articles_has_no_broken_links() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = tempfile::tempdir().unwrap();
    let generated = process::Command::new("python3")
        .arg(repo.join("../shared/bench/gen_corpus.py"))
        .arg("2000")
        .arg(root.path())
        .args(["--seed", "1", "--flavor", "bulletin"])
        .output()
        .expect("python3 runs the corpus generator");
    assert!(
        generated.status.success(),
        "gen_corpus.py failed: {}",
        String::from_utf8_lossy(&generated.stderr)
    );
    copy_tree(&repo.join("themes"), &root.path().join("themes"));
    let config = "title = \"Generated\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"https://example.org/\"\n";
    write(root.path(), "bulletin.toml", config.as_bytes());
    let out = root.path().join("output");
    build(root.path(), &out);
    let crawl = crawl(&out, "/");
    assert_no_broken_links(&crawl);
    assert!(
        crawl.pages > 2000,
        "only {} pages were checked",
        crawl.pages
    );
}

#[test]
fn crawler_reports_a_link_to_a_missing_page() {
    let out = pages(&[
        (
            "index.html",
            "<a href=\"/present/\">ok</a> <a href=\"/missing/\">gone</a> <img src=\"../../up.png\">",
        ),
        ("present/index.html", "<p>here</p>"),
    ]);
    assert_eq!(
        broken_links(out.path(), "/"),
        ["index.html: ../../up.png", "index.html: /missing/"]
    );
}

#[test]
fn crawler_reports_a_fragment_missing_from_an_existing_page() {
    let out = pages(&[
        (
            "index.html",
            "<h2 id=\"self\">Self</h2><a href=\"#self\">1</a> <a href=\"#nowhere\">2</a>\n\
             <a href=\"/a/#here\">3</a> <a href=\"/a/#gone\">4</a> <a href=\"a/#old\">5</a>",
        ),
        (
            "a/index.html",
            "<h2 id=\"here\">Here</h2><a name=\"old\"></a>",
        ),
    ]);
    assert_eq!(
        broken_links(out.path(), "/"),
        ["index.html: #nowhere", "index.html: /a/#gone"]
    );
}

#[test]
fn crawler_accepts_relative_links_and_percent_encoded_names() {
    let out = pages(&[
        (
            "news/a/index.html",
            "<a href=\"../b/\">1</a> <a href=\"../b/index.html\">2</a> <a href=\"./\">3</a>\n\
             <a href=\"../b/?page=2#top\">4</a> <a href=\"..\">5</a> <a href=\"../../\">6</a>\n\
             <img src=\"map%20one.png\"> <img src=\"%E5%9C%B0%E5%9B%BE.png\"> <a href=\"\">7</a>",
        ),
        ("news/b/index.html", "<h1 id=\"top\">B</h1>"),
        ("news/index.html", "<h1>News</h1>"),
        ("index.html", "<h1>Home</h1>"),
        ("news/a/map one.png", ""),
        ("news/a/地图.png", ""),
    ]);
    let crawl = crawl(out.path(), "/");
    assert_eq!(crawl.broken, Vec::<String>::new());
    assert_eq!(crawl.links, 9);
}

#[test]
fn crawler_skips_external_and_protocol_relative_links() {
    let out = pages(&[(
        "index.html",
        "<a href=\"https://example.org/missing/\">1</a> <a href=\"mailto:a@example.org\">2</a>\n\
         <a href=\"tel:+8657100000\">3</a> <a href=\"javascript:window.close()\">4</a>\n\
         <script src=\"//cdn.example.org/x.js\"></script> <img src=\"data:image/png;base64,AAAA\">",
    )]);
    let crawl = crawl(out.path(), "/");
    assert_eq!(crawl.broken, Vec::<String>::new());
    assert_eq!(crawl.links, 0);
}

#[test]
fn crawler_honours_the_base_path() {
    let out = pages(&[
        (
            "index.html",
            "<a href=\"/sub/\">1</a> <a href=\"/sub\">2</a> <a href=\"/sub/news/\">3</a>\n\
             <a href=\"/news/\">4</a>",
        ),
        ("news/index.html", "<h1>News</h1>"),
    ]);
    assert_eq!(broken_links(out.path(), "/sub/"), ["index.html: /news/"]);
}

#[test]
fn crawler_decodes_entities_and_reads_only_attributes_of_tags() {
    let out = pages(&[
        (
            "index.html",
            "<a href=\"/a/b&amp;c.html?x=1&amp;y=2#it&#39;s\">1</a> <a href='/a/#it&#x27;s'>2</a>\n\
             <p data-src=\"/missing/\">href=\"/missing/\"</p> <!-- <a href=\"/missing/\"> -->\n\
             <script>document.write('<a href=\"/missing/\">');</script>",
        ),
        ("a/b&c.html", "<h2 id=\"it's\">It</h2>"),
        ("a/index.html", "<h2 id=\"it's\">It</h2>"),
    ]);
    let crawl = crawl(out.path(), "/");
    assert_eq!(crawl.broken, Vec::<String>::new());
    assert_eq!(crawl.links, 2);
}

// Building and writing sites.

/// Builds the site in `root` into `output`, expecting success.
fn build(root: &Path, output: &Path) {
    bulletin()
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .assert()
        .success();
}

/// A temporary folder holding the given files, as a built site would.
fn pages(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

/// Copies the folder `from` to `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the folder");
        let target = to.join(entry.path().strip_prefix(from).expect("inside the folder"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("create folder");
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Fails with the list of broken links, if there are any.
fn assert_no_broken_links(crawl: &Crawl) {
    assert!(
        crawl.broken.is_empty(),
        "{} broken links:\n{}",
        crawl.broken.len(),
        crawl.broken.join("\n")
    );
}

// The crawler.

/// What a crawl of a built site found.
struct Crawl {
    /// The HTML pages read.
    pages: usize,
    /// The internal links checked, external ones left aside.
    links: usize,
    /// The broken links, as `"<page>: <link>"`, sorted, each once.
    broken: Vec<String>,
}

/// Every broken internal link of the site built in `output`, as `"<page>: <link>"`.
/// `base_path` is the path of the site's address, such as `/` or `/sub/`.
fn broken_links(output: &Path, base_path: &str) -> Vec<String> {
    crawl(output, base_path).broken
}

/// Checks every `href` and `src` of every HTML page under `output`.
fn crawl(output: &Path, base_path: &str) -> Crawl {
    let site = Site::read(output);
    let mut links = 0;
    let mut broken = BTreeSet::new();
    for (path, page) in &site.pages {
        for link in &page.links {
            match site.check(path, link, base_path) {
                Link::External => {}
                Link::Found => links += 1,
                Link::Broken => {
                    links += 1;
                    broken.insert(format!("{path}: {link}"));
                }
            }
        }
    }
    Crawl {
        pages: site.pages.len(),
        links,
        broken: broken.into_iter().collect(),
    }
}

enum Link {
    External,
    Found,
    Broken,
}

/// A built site: its files, by `/`-separated relative path, and its parsed HTML pages.
struct Site {
    files: HashSet<String>,
    pages: BTreeMap<String, Page>,
}

impl Site {
    fn read(output: &Path) -> Site {
        let mut files = HashSet::new();
        let mut pages = BTreeMap::new();
        for entry in walkdir::WalkDir::new(output) {
            let entry = entry.expect("walk the output");
            if !entry.file_type().is_file() {
                continue;
            }
            let path = relative(output, entry.path());
            if path.ends_with(".html") {
                let html = fs::read_to_string(entry.path())
                    .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
                pages.insert(path.clone(), Page::parse(&html));
            }
            files.insert(path);
        }
        Site { files, pages }
    }

    /// Checks one link of the page `page`.
    fn check(&self, page: &str, link: &str, base_path: &str) -> Link {
        let link = link.trim_matches(|c: char| c.is_ascii_whitespace());
        if is_external(link) {
            return Link::External;
        }
        let (address, fragment) = match link.split_once('#') {
            Some((address, fragment)) => (address, Some(fragment)),
            None => (link, None),
        };
        let path = address.split('?').next().unwrap_or_default();
        let target = if path.is_empty() {
            Some(page.to_string())
        } else {
            percent_decode(path).and_then(|path| self.locate(page, &path, base_path))
        };
        match target {
            Some(target) if fragment.is_none_or(|f| self.has_anchor(&target, f)) => Link::Found,
            _ => Link::Broken,
        }
    }

    /// The file that the decoded `path`, written in the page `page`, names, if it exists.
    fn locate(&self, page: &str, path: &str, base_path: &str) -> Option<String> {
        let (folder, relative) = if path.starts_with('/') {
            ("", within_base(path, base_path)?)
        } else {
            (page.rsplit_once('/').map_or("", |(folder, _)| folder), path)
        };
        let joined = join(folder, relative)?;
        let last = relative.rsplit('/').next().unwrap_or_default();
        let folder_only = matches!(last, "" | "." | "..");
        if !folder_only && self.files.contains(&joined) {
            return Some(joined);
        }
        let index = match joined.as_str() {
            "" => "index.html".to_string(),
            _ => format!("{joined}/index.html"),
        };
        self.files.contains(&index).then_some(index)
    }

    /// Whether `fragment` names an anchor of `target`; fragments of files that are not HTML
    /// pages are not checked.
    fn has_anchor(&self, target: &str, fragment: &str) -> bool {
        let Some(page) = self.pages.get(target) else {
            return true;
        };
        fragment.is_empty()
            || page.anchors.contains(fragment)
            || percent_decode(fragment).is_some_and(|f| page.anchors.contains(&f))
    }
}

/// The path of `path` under `root`, with `/` between its parts.
fn relative(root: &Path, path: &Path) -> String {
    let parts: Vec<_> = path
        .strip_prefix(root)
        .expect("inside the output")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Whether a link has a scheme (`https:`, `mailto:`, `data:`...) or is protocol-relative.
fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let Some(end) = link.find([':', '/', '?', '#']) else {
        return false;
    };
    let scheme = &link[..end];
    link[end..].starts_with(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A root-relative path less the base path; `None` when it lies outside the base path.
fn within_base<'a>(path: &'a str, base_path: &str) -> Option<&'a str> {
    if path == base_path.trim_end_matches('/') {
        return Some("");
    }
    path.strip_prefix(base_path)
}

/// `relative` resolved against `folder`; `None` when `..` climbs above the output folder.
fn join(folder: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes, UTF-8 sequences included; `None` when malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

// Reading HTML.

/// The links (`href` and `src` values) and anchors (`id`s, and `name`s of `<a>`) of a page.
#[derive(Default)]
struct Page {
    links: Vec<String>,
    anchors: HashSet<String>,
}

impl Page {
    /// Reads the start tags of `html`, leaving out comments and the text of scripts and styles.
    fn parse(html: &str) -> Page {
        let mut page = Page::default();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            if let Some(comment) = rest.strip_prefix("!--") {
                rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
                continue;
            }
            if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let (name, attributes, after) = start_tag(rest);
            rest = after;
            for (attribute, value) in attributes {
                match attribute.as_str() {
                    "href" | "src" => page.links.push(value),
                    "id" => {
                        page.anchors.insert(value);
                    }
                    "name" if name == "a" => {
                        page.anchors.insert(value);
                    }
                    _ => {}
                }
            }
            if name == "script" || name == "style" {
                let end = rest.to_ascii_lowercase().find(&format!("</{name}"));
                rest = end.map_or("", |end| &rest[end..]);
            }
        }
        page
    }
}

/// Reads a start tag after its `<`: its lower-case name, its attributes with their values
/// decoded, and the text after the tag.
fn start_tag(text: &str) -> (String, Vec<(String, String)>, &str) {
    let is_space = |c: char| c.is_ascii_whitespace();
    let name_end = text
        .find(|c: char| is_space(c) || c == '/' || c == '>')
        .unwrap_or(text.len());
    let name = text[..name_end].to_ascii_lowercase();
    let mut rest = &text[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| is_space(c) || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            break;
        }
        let end = rest
            .find(|c: char| is_space(c) || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len());
        let attribute = rest[..end].to_ascii_lowercase();
        rest = rest[end..].trim_start_matches(is_space);
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let (raw, after) = attribute_value(after.trim_start_matches(is_space));
            value = decode_entities(raw);
            rest = after;
        }
        attributes.push((attribute, value));
    }
    (name, attributes, rest.strip_prefix('>').unwrap_or(rest))
}

/// Splits a quoted or unquoted attribute value from the text after it.
fn attribute_value(text: &str) -> (&str, &str) {
    if let Some(quote) = text.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let inner = &text[1..];
        return match inner.find(quote) {
            Some(end) => (&inner[..end], &inner[end + 1..]),
            None => (inner, ""),
        };
    }
    let end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>')
        .unwrap_or(text.len());
    text.split_at(end)
}

/// Decodes `&amp;`, `&quot;`, `&apos;`, `&lt;`, `&gt;` and numeric references; anything else
/// is kept as written.
fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let reference = rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .and_then(|(semi, _)| Some((entity(&rest[1..semi])?, semi)));
        match reference {
            Some((c, semi)) => {
                decoded.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The character of a character reference, given without its `&` and `;`.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "lt" => Some('<'),
        "gt" => Some('>'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}
