//! Building sites: pages, URLs, links, attachments, drafts and determinism.

use crate::support::{
    assert_golden_tree, build_ok, build_sample, bulletin, fixture, read, site, tree, write,
};

/// Copies a fixture and the mini theme into a temporary folder.
fn copy_fixture(case: &str) -> tempfile::TempDir {
    let dir = site(&[]);
    for (path, bytes) in tree(&fixture(case)) {
        write(dir.path(), &path.to_string_lossy(), &bytes);
    }
    dir
}

#[test]
fn basic_fixture_builds_the_expected_tree() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    // The search script is the program's own, whatever the site: checked against it, and
    // kept out of the golden tree rather than copied there.
    let output = dir.path().join("output");
    assert_eq!(
        read(&output, "search/search.js"),
        bulletin::render::search::SCRIPT
    );
    std::fs::remove_file(output.join("search/search.js")).unwrap();
    assert_golden_tree("basic", &output);
}

#[test]
fn sample_site_has_the_seed_article_with_its_controls() {
    let out = build_sample();
    let url = "news/2017/09/18/zhejiang-signs-cooperative-agreement-with-aqsiq/";
    let page = read(out.path(), &format!("{url}index.html"));
    assert!(page.contains("<h1>Zhejiang Signs Cooperative Agreement with AQSIQ</h1>"));
    assert!(
        page.contains("<time datetime=\"2017-09-18T10:05:20+08:00\">2017-09-18 10:05:20</time>")
    );
    assert!(page.contains("aria-label=\"Breadcrumb\""));
    assert!(
        page.contains("<a href=\"/\">Home</a>") && page.contains("<a href=\"/news/\">NEWS</a>")
    );
    assert!(
        page.contains(&format!("href=\"/{url}print/\" target=\"_blank\"")),
        "[Print] opens the print page in a new window"
    );
    assert!(page.contains("[Print]") && page.contains("[Close]"));
    assert!(page.contains("“One Belt One Road” Initiative"));
    let print = read(out.path(), &format!("{url}print/index.html"));
    assert!(print.contains("window.print()") && print.contains("window.close()"));
    assert!(
        !print.contains("aria-label=\"Sections\""),
        "no navigation on the print page"
    );
    assert!(
        print.contains(&format!("https://bulletin.example.org/{url}")),
        "the full URL is printed"
    );
    let sections = ["news", "notices", "events"];
    for section in sections {
        assert!(
            out.path().join(section).join("index.html").is_file(),
            "{section} listing"
        );
    }
    let articles = tree(out.path())
        .keys()
        .filter(|p| p.ends_with("print/index.html"))
        .count();
    assert!(
        articles >= 13,
        "at least 13 published sample articles, found {articles}"
    );
}

#[test]
fn article_pages_show_the_site_time_zone_and_breadcrumb() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let page = read(dir.path(), "output/news/2017/09/19/late-evening/index.html");
    assert!(
        page.contains("<time datetime=\"2017-09-19T07:30:00+08:00\">2017-09-19 07:30:00</time>"),
        "{page}"
    );
    assert!(page.contains(
        "<a class=\"crumb\" href=\"/\">Home</a> &gt; <a class=\"crumb\" href=\"/news/\">NEWS</a>"
    ));
    assert!(page.contains("<p>By Press Office</p>"));
}

#[test]
fn front_matter_text_is_escaped() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let page = read(dir.path(), "output/news/2017/09/19/late-evening/index.html");
    assert!(
        page.contains("<h1>Late &lt;Evening&gt; Statement &amp; Notes</h1>"),
        "{page}"
    );
    assert!(!page.contains("<Evening>"));
}

#[test]
fn links_to_article_files_become_article_urls() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let page = read(
        dir.path(),
        "output/news/2017/09/18/agreement-signed/index.html",
    );
    assert!(
        page.contains("href=\"/news/2018/10/15/expo-opens/#schedule\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"/notices/2019/01/07/heating/\""),
        "{page}"
    );
}

#[test]
fn attachments_are_copied_beside_the_page() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let out = dir.path().join("output/news/2018/10/15/expo-opens");
    assert!(out.join("plan.svg").is_file());
    assert!(out.join("brochure.pdf").is_file());
    let page = read(&out, "index.html");
    assert!(
        page.contains("src=\"/news/2018/10/15/expo-opens/plan.svg\""),
        "{page}"
    );
    let print = read(&out, "print/index.html");
    assert!(
        print.contains("src=\"/news/2018/10/15/expo-opens/plan.svg\""),
        "the print page finds it too"
    );
    assert!(page.contains("<h2 id=\"schedule\">"));
    assert!(page.contains("<table>"));
}

#[test]
fn attachment_referenced_from_another_folder_is_copied_under_its_name() {
    let dir = site(&[
        (
            "content/news/2017/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n![Map](../images/map%20one.png)\n",
        ),
        ("content/news/images/map one.png", "png"),
    ]);
    build_ok(dir.path(), &[]);
    let page = read(dir.path(), "output/news/2017/01/01/a/index.html");
    assert!(
        page.contains("src=\"/news/2017/01/01/a/map%20one.png\""),
        "{page}"
    );
    assert_eq!(
        read(dir.path(), "output/news/2017/01/01/a/map one.png"),
        "png"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    assert!(!dir.path().join("output/notices/2019/02/01/draft").exists());
    assert!(!read(dir.path(), "output/notices/index.html").contains("Not Yet"));
    build_ok(dir.path(), &["--drafts"]);
    assert!(
        dir.path()
            .join("output/notices/2019/02/01/draft/index.html")
            .is_file()
    );
}

#[test]
fn base_url_option_overrides_the_configuration() {
    let dir = copy_fixture("basic");
    build_ok(
        dir.path(),
        &["--base-url", "https://news.example.com/archive"],
    );
    let page = read(
        dir.path(),
        "output/news/2017/09/18/agreement-signed/index.html",
    );
    assert!(
        page.contains(
            "href=\"https://news.example.com/archive/news/2017/09/18/agreement-signed/\""
        ),
        "{page}"
    );
    assert!(
        page.contains("href=\"/archive/news/\""),
        "links carry the base path: {page}"
    );
}

#[test]
fn home_shows_the_latest_articles_with_summaries() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let home = read(dir.path(), "output/index.html");
    let titles: Vec<&str> = home.lines().filter(|l| l.starts_with("<li>")).collect();
    assert_eq!(titles.len(), 3, "home.latest = 3: {home}");
    assert!(
        titles[0].contains("Winter Heating Subsidy"),
        "newest first: {home}"
    );
    assert!(home.contains("A statement issued late in the evening, UTC."));
    assert!(
        home.contains("Households may apply for the subsidy from 7 January."),
        "summary from the first paragraph"
    );
    assert!(home.contains("NEWS (3)") && home.contains("Notices (1)"));
}

#[test]
fn custom_permalink_pattern_is_used() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\npermalink = \"/{section}/{year}-{month}/{slug}/\"\n",
        ),
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\n+++\nx\n",
        ),
    ]);
    build_ok(dir.path(), &[]);
    assert!(
        dir.path()
            .join("output/news/2017-09/a/index.html")
            .is_file()
    );
    assert!(
        dir.path()
            .join("output/news/2017-09/a/print/index.html")
            .is_file()
    );
}

#[test]
fn safe_html_removes_raw_html() {
    let body = "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\n+++\n<script>alert(1)</script>\n\nText <b>bold</b>\n";
    let dir = site(&[("content/news/a.md", body)]);
    build_ok(dir.path(), &[]);
    assert!(
        read(dir.path(), "output/news/2017/09/18/a/index.html")
            .contains("<script>alert(1)</script>")
    );
    write(
        dir.path(),
        "bulletin.toml",
        b"theme = \"mini\"\n[markdown]\nsafe_html = true\n",
    );
    build_ok(dir.path(), &[]);
    let page = read(dir.path(), "output/news/2017/09/18/a/index.html");
    assert!(
        !page.contains("<script>") && !page.contains("<b>"),
        "{page}"
    );
}

#[test]
fn two_builds_give_identical_bytes_whatever_the_file_order() {
    let dir = copy_fixture("basic");
    build_ok(dir.path(), &[]);
    let first = tree(&dir.path().join("output"));
    build_ok(dir.path(), &[]);
    assert_eq!(first, tree(&dir.path().join("output")));
    // The same files created in the opposite order give the same site.
    let reversed = tempfile::tempdir().unwrap();
    let files: Vec<_> = tree(dir.path())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("output"))
        .collect();
    for (path, bytes) in files.iter().rev() {
        write(reversed.path(), &path.to_string_lossy(), bytes);
    }
    build_ok(reversed.path(), &[]);
    assert_eq!(first, tree(&reversed.path().join("output")));
}

#[test]
fn every_page_has_a_language() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\nlanguage = \"zh-Hans\"\n",
        ),
        (
            "content/news/a.md",
            "+++\ntitle = \"浙江新闻\"\ndate = \"2017-09-18\"\n+++\n正文。\n",
        ),
    ]);
    build_ok(dir.path(), &[]);
    for (path, bytes) in tree(&dir.path().join("output")) {
        if path.extension().is_some_and(|e| e == "html") {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("lang=\"zh-Hans\""), "{}", path.display());
        }
    }
    let slugged = tree(&dir.path().join("output/news/2017/09/18"))
        .into_keys()
        .next()
        .unwrap();
    assert!(
        slugged.starts_with("a"),
        "the file name gives the slug: {}",
        slugged.display()
    );
}

#[test]
fn help_explains_every_option() {
    let out = bulletin()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("build"));
    let out = bulletin()
        .args(["build", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for option in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(text.contains(option), "{option} in {text}");
    }
}

#[test]
fn usage_errors_exit_with_two() {
    bulletin()
        .args(["build", "--no-such-option"])
        .assert()
        .code(2);
    bulletin().arg("frobnicate").assert().code(2);
}

#[test]
fn verbose_says_where_the_time_went_and_pipes_get_no_progress_bar() {
    let out = tempfile::tempdir().unwrap();
    let assert = bulletin()
        .args([
            "build",
            "--verbose",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with("Built 16 articles into "), "{stdout}");
    assert!(
        stdout.contains("\nloading ")
            && stdout.contains(" s, rendering ")
            && stdout.contains(" s, writing "),
        "{stdout}"
    );
    assert!(
        assert.get_output().stderr.is_empty(),
        "no progress bar off a terminal"
    );
    build_sample();
}

#[test]
fn a_root_given_with_dot_dot_still_resolves_links_between_articles() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\nSee [B](b.md#later).\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2017-01-02\"\n+++\n## Later\n",
        ),
    ]);
    let root = dir.path().join("content").join("..");
    bulletin()
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .assert()
        .success();
    let page = read(dir.path(), "output/news/2017/01/01/a/index.html");
    assert!(
        page.contains("href=\"/news/2017/01/02/b/#later\""),
        "{page}"
    );
    let checked = bulletin()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = String::from_utf8_lossy(&checked.get_output().stdout).into_owned();
    assert!(!out.contains("broken-link"), "{out}");
}

#[test]
fn hidden_and_editor_scratch_files_in_content_are_left_out() {
    let article = "+++\ntitle = \"Shown\"\ndate = \"2017-09-18 10:05:20\"\n+++\nBody\n";
    let broken = "no front matter here\n";
    let dir = site(&[
        ("content/news/a.md", article),
        ("content/news/.b.md", broken),
        ("content/news/.git/c.md", broken),
        ("content/.old/news/d.md", broken),
        ("content/news/2017/.e.md", broken),
        ("content/news/f/index.md", article),
        ("content/news/f/index.md~", broken),
        ("content/news/f/photo.svg", "<svg/>"),
        ("content/news/f/photo.svg.swp", broken),
        ("content/news/f/#index.md#", broken),
        ("static/site.css", "p {}"),
        ("static/site.css~", "p {}"),
        ("static/.site.css.swp", "p {}"),
    ]);
    build_ok(dir.path(), &[]);
    assert!(read(dir.path(), "output/news/index.html").contains("Shown"));
    let built = tree(&dir.path().join("output"));
    assert!(
        built.keys().all(|p| !p.to_string_lossy().contains(".old")),
        "{:?}",
        built.keys().collect::<Vec<_>>()
    );
    // Editors' backup, swap and autosave files are left out too, of content and of static
    // files; the bundle's own file is copied.
    let names: Vec<String> = built.keys().map(|p| p.display().to_string()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("/f/photo.svg")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "site.css"), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with('~') || n.ends_with(".swp") || n.ends_with('#')),
        "{names:?}"
    );
    // A rebuild lists the folder as it starts, like the first build; `check` walks it, and
    // agrees.
    write(dir.path(), "content/news/.f.md", broken.as_bytes());
    build_ok(dir.path(), &[]);
    bulletin()
        .args(["check", "--root"])
        .arg(dir.path())
        .assert()
        .success();
}
