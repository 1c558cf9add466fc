//! Themes: site templates and static files override the theme's.

use crate::support::{build_ok, read, site};

const ARTICLE: &str = "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\nText\n";

#[test]
fn site_template_overrides_the_theme_template() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        ("templates/section.html", "site section {{ section.title }}"),
    ]);
    build_ok(dir.path(), &[]);
    assert_eq!(
        read(dir.path(), "output/news/index.html"),
        "site section News"
    );
}

#[test]
fn site_template_can_extend_the_theme_template_and_override_one_block() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        (
            "templates/article.html",
            "{% extends \"theme/article.html\" %}{% block title %}Custom {{ article.title }}{% endblock title %}",
        ),
    ]);
    build_ok(dir.path(), &[]);
    let page = read(dir.path(), "output/news/2017/01/01/a/index.html");
    assert!(page.contains("<title>Custom A</title>"), "{page}");
    assert!(
        page.contains("<h1>A</h1>"),
        "the theme's content block stays: {page}"
    );
}

#[test]
fn site_static_files_override_the_theme_and_both_are_copied() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        ("static/style.css", "site"),
        ("static/img/logo.svg", "<svg/>"),
    ]);
    build_ok(dir.path(), &[]);
    assert_eq!(read(dir.path(), "output/style.css"), "site");
    assert_eq!(read(dir.path(), "output/img/logo.svg"), "<svg/>");
}

#[test]
fn default_theme_ships_every_template() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for name in [
        "base.html",
        "index.html",
        "section.html",
        "article.html",
        "print.html",
    ] {
        assert!(root.join("templates").join(name).is_file(), "{name}");
    }
    assert!(root.join("static/css/bulletin.css").is_file());
}

#[test]
fn theme_extra_values_are_defaults_the_site_overrides() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        (
            "themes/mini/theme.toml",
            "name = \"mini\"\n[extra]\nlogo = \"theme.svg\"\ncolour = \"blue\"\n",
        ),
        (
            "bulletin.toml",
            "theme = \"mini\"\n[extra]\ncolour = \"green\"\n",
        ),
        (
            "templates/section.html",
            "{{ site.extra.logo }} {{ site.extra.colour }}",
        ),
    ]);
    build_ok(dir.path(), &[]);
    assert_eq!(
        read(dir.path(), "output/news/index.html"),
        "theme.svg green"
    );
}

#[test]
fn theme_without_archive_templates_falls_back_to_the_built_in_ones() {
    let dir = site(&[("content/news/a.md", ARTICLE)]);
    for name in [
        "archive.html",
        "archive_year.html",
        "archive_month.html",
        "archive_day.html",
        "print_edition.html",
    ] {
        std::fs::remove_file(dir.path().join("themes/mini/templates").join(name)).unwrap();
    }
    build_ok(dir.path(), &[]);
    let month = read(dir.path(), "output/archive/2017/01/index.html");
    assert!(month.contains("class=\"calendar\""), "{month}");
    assert!(
        month.starts_with("<!doctype html><html lang=\"en\">"),
        "it extends the theme's base.html"
    );
}

#[test]
fn plain_theme_builds_the_sample_site_with_every_page() {
    let (repo, dir) = (repo(), sample_with_theme("plain"));
    let config = std::fs::read_to_string(repo.join("bulletin.toml"))
        .unwrap()
        .replace("theme = \"default\"", "theme = \"plain\"");
    assert!(config.contains("theme = \"plain\""));
    std::fs::write(dir.path().join("bulletin.toml"), config).unwrap();
    build_ok(dir.path(), &[]);
    let out = dir.path().join("output");
    let url = "news/2017/09/18/zhejiang-signs-cooperative-agreement-with-aqsiq/";
    let article = read(&out, &format!("{url}index.html"));
    assert!(article.contains("<h1>Zhejiang Signs Cooperative Agreement with AQSIQ</h1>"));
    assert!(article.contains("[Print]") && article.contains("[Close]"));
    assert!(article.contains("href=\"/css/bulletin.css\""));
    assert!(read(&out, "css/bulletin.css").contains("The plain theme"));
    let print = read(&out, &format!("{url}print/index.html"));
    assert!(!print.contains("<nav"), "print pages have no navigation");
    // Pages the theme has no template for come from the built-in ones, in its base.html.
    let month = read(&out, "archive/2017/09/index.html");
    assert!(month.contains("class=\"calendar"), "{month}");
    assert!(month.contains("<footer><p>Zhejiang Provincial Bulletin."));
}

#[test]
fn default_theme_pages_listings_from_the_oldest() {
    // The sample site with two articles to a page.
    let (repo, dir) = (repo(), sample_with_theme("default"));
    let config = std::fs::read_to_string(repo.join("bulletin.toml")).unwrap();
    std::fs::write(
        dir.path().join("bulletin.toml"),
        format!("paginate = 2\n{config}"),
    )
    .unwrap();
    build_ok(dir.path(), &[]);
    let out = dir.path().join("output");
    let newest = (1..)
        .take_while(|n| out.join(format!("news/page/{n}/index.html")).exists())
        .last()
        .expect("the news section has numbered pages");
    assert!(newest >= 3, "{newest}");
    let front = read(&out, "news/index.html");
    assert!(
        front.contains(&format!(
            "<a href=\"/news/page/{newest}/\" rel=\"next\">Older"
        )),
        "{front}"
    );
    assert!(!front.contains("rel=\"prev\"") && !front.contains("pagination__status"));
    assert!(
        front.contains("<a href=\"/news/page/1/\">Oldest</a>"),
        "{front}"
    );
    let oldest = read(&out, "news/page/1/index.html");
    assert!(oldest.contains("<title>NEWS - Page 1 - "), "{oldest}");
    assert!(oldest.contains("<p class=\"pagination__status\">Page 1</p>"));
    assert!(oldest.contains("<a href=\"/news/\">Newest</a>"));
    assert!(oldest.contains("<a href=\"/news/page/2/\" rel=\"prev\">"));
    assert!(oldest.contains("<span aria-current=\"page\">1</span>"));
    assert!(!oldest.contains("rel=\"next\"") && !oldest.contains(">Oldest<"));
    // Page 2 leads to page 1 as the older page, once: "Oldest" would repeat it.
    let second = read(&out, "news/page/2/index.html");
    assert!(second.contains("<a href=\"/news/page/1/\" rel=\"next\">Older"));
    assert!(!second.contains(">Oldest<"), "{second}");
    // Only the listing's own page counts the section's articles.
    assert!(front.contains("<p class=\"count\">"));
    assert!(!second.contains("<p class=\"count\">"), "{second}");
}

fn repo() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample site's articles and the repository's theme `name`, in a temporary folder.
fn sample_with_theme(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .chain(walkdir::WalkDir::new(repo().join("themes").join(name)))
    {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(repo()).unwrap();
            let bytes = std::fs::read(entry.path()).unwrap();
            crate::support::write(dir.path(), &relative.to_string_lossy(), &bytes);
        }
    }
    dir
}
