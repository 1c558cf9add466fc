//! What news sites carry: taxonomies, feeds, sitemaps, robots.txt, redirects, metadata, 404.

use std::path::Path;

use crate::support::{build_fails, build_ok, build_sample, bulletin, read, site, site_of, tree};

fn article(title: &str, date: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = {title:?}\ndate = \"{date}\"\n{extra}+++\nFirst paragraph of {title}.\n\n[Next](/news/)\n"
    )
}

/// A small site: two sections, categories with one written two ways, tags, an image.
fn news_site() -> tempfile::TempDir {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\ntitle = \"Press & Notices\"\nbase_url = \"https://example.org/\"\ntimezone = \"Asia/Shanghai\"\n",
        ),
        (
            "content/news/a.md",
            &article(
                "Agreement Signed",
                "2017-09-18 10:05:20",
                "category = \"Public Notice\"\ntags = [\"trade\", \"BRICS\"]\n",
            ),
        ),
        (
            "content/news/b.md",
            &article(
                "Trade Grows",
                "2017-09-17 09:00:00",
                "category = \"public notice\"\ntags = [\"trade\"]\nauthor = \"Statistics Office\"\n",
            ),
        ),
        (
            "content/news/c.md",
            &article("Old Story", "2017-09-10 09:00:00", "category = \"经济\"\n"),
        ),
        (
            "content/notices/d.md",
            &article(
                "Road Closure",
                "2017-09-16 20:00:00",
                "tags = [\"transport\"]\n",
            ),
        ),
        (
            "content/news/e/index.md",
            "+++\ntitle = \"With Image\"\ndate = \"2017-08-01\"\n+++\n![Plan](plan.svg)\n",
        ),
        (
            "content/news/e/plan.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]);
    build_ok(dir.path(), &[]);
    dir
}

fn out(dir: &Path, path: &str) -> String {
    read(dir, &format!("output/{path}"))
}

#[test]
fn categories_and_tags_have_index_and_term_pages() {
    let dir = news_site();
    let categories = out(dir.path(), "categories/index.html");
    assert!(
        categories.contains("<a href=\"/categories/public-notice/\">Public Notice</a> (2)"),
        "{categories}"
    );
    assert!(
        categories.contains("<a href=\"/categories/jing-ji/\">经济</a> (1)"),
        "non-Latin terms get ASCII slugs"
    );
    let term = out(dir.path(), "categories/public-notice/index.html");
    assert!(term.contains("<h1>Public Notice (2)</h1>"), "{term}");
    assert!(
        term.find("Agreement Signed").unwrap() < term.find("Trade Grows").unwrap(),
        "newest first"
    );
    let tags = out(dir.path(), "tags/index.html");
    assert!(
        tags.contains("<a href=\"/tags/trade/\">trade</a> (2)"),
        "{tags}"
    );
    assert!(out(dir.path(), "tags/brics/index.html").contains("Agreement Signed"));
}

#[test]
fn term_pages_are_paginated_like_other_listings() {
    let mut files = vec![(
        "bulletin.toml".to_string(),
        "theme = \"mini\"\npaginate = 2\n".to_string(),
    )];
    for i in 0..5 {
        files.push((
            format!("content/news/a{i}.md"),
            article(
                &format!("A{i}"),
                &format!("2017-01-0{}", i + 1),
                "tags = [\"x\"]\n",
            ),
        ));
    }
    let dir = site_of(&files);
    build_ok(dir.path(), &[]);
    // Five articles, two to a page: pages 1 and 2 hold the oldest four; the front the newest two.
    assert!(dir.path().join("output/tags/x/page/2/index.html").exists());
    assert!(!dir.path().join("output/tags/x/page/3").exists());
    let oldest = out(dir.path(), "tags/x/page/1/index.html");
    assert!(
        oldest.contains(">A0<") && oldest.contains(">A1<"),
        "{oldest}"
    );
    let front = out(dir.path(), "tags/x/index.html");
    assert!(front.contains(">A4<") && front.contains(">A3<"), "{front}");
    assert!(front.contains("<a rel=\"next\" href=\"/tags/x/page/2/\">"));
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"))
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    node.children()
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()))
}

#[test]
fn every_feed_is_well_formed_with_the_required_elements() {
    let dir = news_site();
    let files = tree(&dir.path().join("output"));
    let atoms: Vec<_> = files.keys().filter(|p| p.ends_with("atom.xml")).collect();
    let rsses: Vec<_> = files.keys().filter(|p| p.ends_with("rss.xml")).collect();
    assert_eq!(
        atoms.len(),
        1 + 2 + 2,
        "the site, two sections, two categories"
    );
    assert_eq!(rsses.len(), atoms.len());
    for path in atoms {
        let text = String::from_utf8(files[path].clone()).unwrap();
        let doc = parse(&text);
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(
            feed.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        for required in ["id", "title", "updated"] {
            child(feed, required);
        }
        for entry in feed.children().filter(|c| c.has_tag_name("entry")) {
            for required in ["id", "title", "updated", "link", "author"] {
                child(entry, required);
            }
            let updated = child(entry, "updated").text().unwrap();
            assert!(
                updated.ends_with("+08:00"),
                "dates carry the site's offset: {updated}"
            );
            assert!(
                child(entry, "link")
                    .attribute("href")
                    .unwrap()
                    .starts_with("https://example.org/")
            );
        }
    }
    for path in rsses {
        let text = String::from_utf8(files[path].clone()).unwrap();
        let doc = parse(&text);
        let rss = doc.root_element();
        assert_eq!(
            (rss.tag_name().name(), rss.attribute("version")),
            ("rss", Some("2.0"))
        );
        let channel = child(rss, "channel");
        for required in ["title", "link", "description"] {
            child(channel, required);
        }
        for item in channel.children().filter(|c| c.has_tag_name("item")) {
            for required in ["title", "link", "guid", "pubDate", "description"] {
                child(item, required);
            }
            assert!(child(item, "pubDate").text().unwrap().ends_with("+0800"));
        }
    }
}

#[test]
fn feed_content_has_absolute_links_and_stable_ids() {
    let dir = news_site();
    let atom = out(dir.path(), "atom.xml");
    let doc = parse(&atom);
    let entry = doc.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    assert_eq!(child(entry, "title").text(), Some("Agreement Signed"));
    let id = child(entry, "id").text().unwrap().to_string();
    assert_eq!(id, "tag:example.org,2017-09-18:news/a.md");
    let content = child(entry, "content").text().unwrap();
    assert!(
        content.contains("href=\"https://example.org/news/\""),
        "{content}"
    );
    let image = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .find(|e| child(*e, "title").text() == Some("With Image"))
        .unwrap();
    assert!(
        child(image, "content")
            .text()
            .unwrap()
            .contains("src=\"https://example.org/news/2017/08/01/e/plan.svg\"")
    );
    // A new title keeps the id.
    let path = dir.path().join("content/news/a.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Agreement Signed", "Agreement Signed Today");
    std::fs::write(&path, text).unwrap();
    build_ok(dir.path(), &[]);
    let again = out(dir.path(), "atom.xml");
    assert!(again.contains("<title>Agreement Signed Today</title>") && again.contains(&id));
}

#[test]
fn feeds_escape_once_and_drop_characters_xml_forbids() {
    let dir = news_site();
    let rss = out(dir.path(), "rss.xml");
    assert!(
        rss.contains("<description>Press &amp; Notices</description>"),
        "{rss}"
    );
    assert!(out(dir.path(), "atom.xml").contains("<name>Press &amp; Notices</name>"));
    let text = "+++\ntitle = \"Tab\\u000Bbed\"\ndate = \"2017-01-01\"\n+++\nx\n";
    let dir = site(&[("content/news/x.md", text)]);
    build_ok(dir.path(), &[]);
    for file in ["atom.xml", "rss.xml", "news-sitemap.xml"] {
        parse(&out(dir.path(), file));
    }
    assert!(out(dir.path(), "atom.xml").contains("<title>Tabbed</title>"));
}

#[test]
fn feeds_honour_limit_and_summary_mode() {
    let dir = news_site();
    let config = read(dir.path(), "bulletin.toml") + "[feeds]\nlimit = 2\ncontent = \"summary\"\n";
    std::fs::write(dir.path().join("bulletin.toml"), config).unwrap();
    build_ok(dir.path(), &[]);
    let atom = out(dir.path(), "atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 2);
    assert!(!atom.contains("<content"), "{atom}");
    let rss = out(dir.path(), "rss.xml");
    assert_eq!(rss.matches("<item>").count(), 2);
    assert!(!rss.contains("content:encoded>"));
}

#[test]
fn feeds_are_linked_from_every_page_head() {
    let dir = news_site();
    let page = out(dir.path(), "news/2017/09/18/a/index.html");
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Press &amp; Notices (Atom)\" href=\"https://example.org/atom.xml\">"), "{page}");
    assert!(page.contains("type=\"application/rss+xml\""));
    let section = out(dir.path(), "news/index.html");
    assert!(
        section.contains("href=\"https://example.org/news/atom.xml\""),
        "{section}"
    );
}

#[test]
fn sitemap_lists_every_page_with_its_last_modification() {
    let dir = news_site();
    let xml = out(dir.path(), "sitemap.xml");
    let doc = parse(&xml);
    let urls: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            (
                child(u, "loc").text().unwrap().to_string(),
                u.children()
                    .find(|c| c.has_tag_name("lastmod"))
                    .and_then(|c| c.text())
                    .map(String::from),
            )
        })
        .collect();
    let locs: Vec<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    for expected in [
        "https://example.org/",
        "https://example.org/news/2017/09/18/a/",
        "https://example.org/archive/2017/09/18/",
        "https://example.org/categories/public-notice/",
    ] {
        assert!(locs.contains(&expected), "{expected} missing");
    }
    assert!(
        !locs.iter().any(|l| l.contains("/print/")),
        "print views are left out"
    );
    let article = urls
        .iter()
        .find(|(l, _)| l.ends_with("/news/2017/09/18/a/"))
        .unwrap();
    assert_eq!(article.1.as_deref(), Some("2017-09-18T10:05:20+08:00"));
    let pages = tree(&dir.path().join("output"))
        .keys()
        .filter(|p| p.ends_with("index.html") && !p.to_string_lossy().contains("print"))
        .filter(|p| !p.starts_with("search"))
        .count();
    assert_eq!(
        urls.len(),
        pages,
        "every page (but print views, the search page and 404) is listed once"
    );
}

#[test]
fn news_sitemap_covers_two_days_up_to_the_newest_article_or_now() {
    let dir = news_site();
    let xml = out(dir.path(), "news-sitemap.xml");
    parse(&xml);
    assert!(xml.contains("<news:title>Agreement Signed</news:title>"));
    assert!(
        xml.contains("<news:title>Trade Grows</news:title>"),
        "one day earlier"
    );
    assert!(
        xml.contains("<news:title>Road Closure</news:title>"),
        "38 hours earlier"
    );
    assert!(!xml.contains("Old Story"), "eight days earlier");
    assert!(
        xml.contains("<news:name>Press &amp; Notices</news:name><news:language>en</news:language>")
    );
    bulletin()
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .args(["--now", "2017-09-11 08:00:00"])
        .assert()
        .success();
    let xml = out(dir.path(), "news-sitemap.xml");
    assert!(
        xml.contains("Old Story") && !xml.contains("Agreement Signed"),
        "{xml}"
    );
}

#[test]
fn robots_txt_points_to_the_sitemaps() {
    let dir = news_site();
    let robots = out(dir.path(), "robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml\n"));
    assert!(robots.contains("Sitemap: https://example.org/news-sitemap.xml\n"));
}

#[test]
fn head_carries_canonical_open_graph_and_twitter_tags() {
    let dir = news_site();
    let page = out(dir.path(), "news/2017/08/01/e/index.html");
    assert!(
        page.contains("<meta property=\"og:type\" content=\"article\">"),
        "{page}"
    );
    assert!(page.contains(
        "<meta property=\"og:image\" content=\"https://example.org/news/2017/08/01/e/plan.svg\">"
    ));
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(page.contains(
        "<meta property=\"article:published_time\" content=\"2017-08-01T00:00:00+08:00\">"
    ));
    let home = out(dir.path(), "index.html");
    assert!(home.contains("<meta property=\"og:type\" content=\"website\">"));
    assert!(
        !home.contains("application/ld+json"),
        "JSON-LD is for articles"
    );
}

fn json_ld(page: &str) -> serde_json::Value {
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD present")
        + 35;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap_or_else(|e| panic!("invalid JSON-LD: {e}"))
}

#[test]
fn articles_carry_news_article_and_breadcrumb_json_ld() {
    let dir = news_site();
    let page = out(dir.path(), "news/2017/09/17/b/index.html");
    let graph = json_ld(&page);
    let news = &graph["@graph"][0];
    assert_eq!(news["@type"], "NewsArticle");
    assert_eq!(news["headline"], "Trade Grows");
    assert_eq!(news["datePublished"], "2017-09-17T09:00:00+08:00");
    assert_eq!(news["dateModified"], "2017-09-17T09:00:00+08:00");
    assert_eq!(news["author"]["name"], "Statistics Office");
    assert_eq!(news["publisher"]["name"], "Press & Notices");
    assert_eq!(
        news["mainEntityOfPage"]["@id"],
        "https://example.org/news/2017/09/17/b/"
    );
    let crumbs = &graph["@graph"][1];
    assert_eq!(crumbs["@type"], "BreadcrumbList");
    assert_eq!(crumbs["itemListElement"][0]["name"], "Home");
    assert_eq!(crumbs["itemListElement"][1]["name"], "News");
    assert_eq!(
        crumbs["itemListElement"][1]["item"],
        "https://example.org/news/"
    );
}

#[test]
fn json_ld_stays_valid_and_safe_whatever_the_title_holds() {
    let title = "Quotes \\\" and </script><script>alert(1)</script> & <!-- more";
    let text =
        format!("+++\ntitle = \"{title}\"\ndate = \"2017-01-01\"\n+++\nLine one\nline two\n");
    let dir = site(&[("content/news/x.md", &text)]);
    build_ok(dir.path(), &[]);
    let page = out(dir.path(), "news/2017/01/01/x/index.html");
    assert_eq!(
        page.matches("</script>").count(),
        1,
        "only the JSON-LD element's own end tag"
    );
    let graph = json_ld(&page);
    assert_eq!(
        graph["@graph"][0]["headline"],
        "Quotes \" and </script><script>alert(1)</script> & <!-- more"
    );
}

#[test]
fn aliases_become_redirect_pages() {
    let dir = site(&[(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\naliases = [\"/old/path.html\", \"/news/2017-09/18/content_123.htm\", \"/legacy/42\"]\n+++\n",
    )]);
    build_ok(dir.path(), &[]);
    for path in [
        "old/path.html",
        "news/2017-09/18/content_123.htm",
        "legacy/42/index.html",
    ] {
        let page = out(dir.path(), path);
        assert!(
            page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/news/2017/09/18/a/\">"),
            "{path}: {page}"
        );
        assert!(
            page.contains("<link rel=\"canonical\" href=\"http://localhost/news/2017/09/18/a/\">")
        );
        assert!(page.contains("<a href=\"/news/2017/09/18/a/\">A</a>"));
    }
    assert!(
        !out(dir.path(), "sitemap.xml").contains("old/path"),
        "redirects are not in the sitemap"
    );
}

#[test]
fn alias_colliding_with_a_page_or_another_alias_names_both_files() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\naliases = [\"/news/\"]\n+++\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2017-09-18\"\naliases = [\"/old.html\"]\n+++\n",
        ),
        (
            "content/news/c.md",
            "+++\ntitle = \"C\"\ndate = \"2017-09-18\"\naliases = [\"/old.html\"]\n+++\n",
        ),
    ]);
    let stderr = build_fails(dir.path());
    assert!(stderr.contains("the listing of section `news` and the alias \"/news/\" of content/news/a.md would both be written to news/index.html"), "{stderr}");
    assert!(stderr.contains("the alias \"/old.html\" of content/news/b.md and the alias \"/old.html\" of content/news/c.md"), "{stderr}");
}

#[test]
fn alias_that_needs_a_file_as_its_folder_is_an_error() {
    let dir = site(&[(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\naliases = [\"/robots.txt/x.htm\"]\n+++\n",
    )]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("content/news/a.md: the alias \"/robots.txt/x.htm\" of content/news/a.md needs the folder robots.txt"),
        "{stderr}"
    );
}

#[test]
fn not_found_page_is_built() {
    let dir = news_site();
    assert!(out(dir.path(), "404.html").contains("<h1>Not found</h1>"));
    let sample = build_sample();
    let page = read(sample.path(), "404.html");
    assert!(
        page.contains("class=\"site-header\""),
        "the default theme's look: {page}"
    );
}

#[test]
fn articles_link_their_category_and_tags() {
    let dir = news_site();
    let sample = build_sample();
    let page = read(
        sample.path(),
        "news/2017/09/18/zhejiang-signs-cooperative-agreement-with-aqsiq/index.html",
    );
    assert!(page.contains("href=\"/categories/cooperation/\""), "{page}");
    assert!(page.contains("href=\"/tags/brics/\""));
    drop(dir);
}

#[test]
#[ignore = "generates and builds 60,000 articles; .ci/run runs it in release mode"]
fn sitemap_above_50000_urls_becomes_an_index_of_files_within_the_limit() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\nbase_url = \"https://example.org/\"\n",
    )]);
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    let corpus = dir.path().join("corpus");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .args(["60000"])
        .arg(&corpus)
        .args(["--seed", "1", "--flavor", "bulletin"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success());
    std::fs::rename(corpus.join("content"), dir.path().join("content")).unwrap();
    bulletin()
        .arg("build")
        .arg("--quiet")
        .arg("--root")
        .arg(dir.path())
        .assert()
        .success();
    let index = out(dir.path(), "sitemap.xml");
    let doc = parse(&index);
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let parts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert!(parts.len() >= 2, "{parts:?}");
    let mut total = 0;
    for (i, url) in parts.iter().enumerate() {
        assert_eq!(url, &format!("https://example.org/sitemap-{}.xml", i + 1));
        let part = out(dir.path(), &format!("sitemap-{}.xml", i + 1));
        let count = parse(&part)
            .descendants()
            .filter(|n| n.has_tag_name("url"))
            .count();
        assert!(count <= 50_000, "sitemap-{} has {count} URLs", i + 1);
        total += count;
    }
    let articles = walkdir::WalkDir::new(dir.path().join("output/news"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().ends_with("print/index.html"))
        .count();
    assert_eq!(articles, 60_000);
    assert!(total > 60_000, "every article and every listing: {total}");
}
