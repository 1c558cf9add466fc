//! Error reports: every problem at once, each naming its file and line, and exit codes.

use crate::support::{assert_golden_text, build_fails, fixture, site, tree, write};

#[test]
fn every_content_and_template_error_is_reported_in_one_run() {
    let dir = site(&[]);
    for (path, bytes) in tree(&fixture("errors")) {
        write(dir.path(), &path.to_string_lossy(), &bytes);
    }
    let stderr = build_fails(dir.path());
    assert_golden_text("errors/stderr.txt", &stderr);
    assert!(!dir.path().join("output").exists(), "nothing is written");
}

#[test]
fn unknown_config_key_is_named_with_its_line() {
    let dir = site(&[("bulletin.toml", "theme = \"mini\"\ntitel = \"Typo\"\n")]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("bulletin.toml:2:1: unknown field `titel`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: allowed keys:"), "{stderr}");
}

#[test]
fn bad_time_zone_is_named_with_its_line() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\ntimezone = \"Asia/Atlantis\"\n",
    )]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("bulletin.toml:2:12: timezone: not a known time zone: \"Asia/Atlantis\""),
        "{stderr}"
    );
}

#[test]
fn malformed_permalink_says_what_is_allowed() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\npermalink = \"/{section}/{id}/\"\n",
    )]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("bulletin.toml:2:13: permalink: has an unknown placeholder `{id}`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("{section}, {year}, {month}, {day}, {slug}"),
        "{stderr}"
    );
}

#[test]
fn missing_theme_lists_the_themes_that_exist() {
    let dir = site(&[("bulletin.toml", "theme = \"fancy\"\n")]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("bulletin.toml:1:9: theme: \"fancy\" does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("themes found: mini"), "{stderr}");
}

#[test]
fn template_render_error_names_template_line_and_page() {
    let dir = site(&[
        (
            "templates/section.html",
            "<h1>\n  {{ section.no_such_field }}",
        ),
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n",
        ),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("error: templates/section.html:2:14: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("Field `no_such_field` is not defined. Available fields: archive_url,"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(rendering the listing of section `news`)"),
        "{stderr}"
    );
}

#[test]
fn template_error_on_many_pages_is_reported_once() {
    let article = "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n";
    let dir = site(&[
        ("templates/print.html", "{{ article.nope }}"),
        ("content/news/a.md", article),
        ("content/news/b.md", article),
        ("content/news/c.md", article),
    ]);
    let stderr = build_fails(dir.path());
    assert_eq!(stderr.matches("`nope`").count(), 1, "{stderr}");
    assert!(
        stderr.contains("(rendering the print page of content/news/a.md and 2 other pages)"),
        "{stderr}"
    );
}

#[test]
fn article_outside_a_section_is_an_error() {
    let dir = site(&[(
        "content/about.md",
        "+++\ntitle = \"About\"\ndate = \"2017-01-01\"\n+++\n",
    )]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("content/about.md: an article must be inside a section folder"),
        "{stderr}"
    );
}

#[test]
fn non_utf8_file_name_is_an_error_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let dir = site(&[(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n",
    )]);
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.md");
    std::fs::write(dir.path().join("content/news").join(name), "x").unwrap();
    let stderr = build_fails(dir.path());
    assert!(stderr.contains("content/news/bad"), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
}

#[test]
fn two_articles_with_one_url_name_both_files() {
    let dir = site(&[
        (
            "content/news/2017/a.md",
            "+++\ntitle = \"Same\"\ndate = \"2017-01-01\"\n+++\n",
        ),
        (
            "content/news/2018/a.md",
            "+++\ntitle = \"Same\"\ndate = \"2017-01-01 12:00:00\"\n+++\n",
        ),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains(
            "content/news/2018/a.md: has the same URL /news/2017/01/01/a/ as content/news/2017/a.md"
        ),
        "{stderr}"
    );
}

#[test]
fn a_template_written_with_macros_is_told_about_components() {
    let dir = site(&[
        (
            "templates/section.html",
            "{% extends \"base.html\" %}\n{% import \"macros.html\" as macros %}\n{% block content %}{% endblock content %}",
        ),
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n",
        ),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("templates/section.html:2:4: template syntax error"),
        "{stderr}"
    );
    assert!(stderr.contains("macros are now components"), "{stderr}");
}
