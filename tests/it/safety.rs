//! Output safety: a failed build changes nothing, and the output folder never holds sources.

use crate::support::{build_fails, build_ok, bulletin, read, site, tree, write};

const ARTICLE: &str = "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\nText\n";

#[test]
fn failed_build_leaves_the_previous_output_exactly_as_it_was() {
    let dir = site(&[("content/news/a.md", ARTICLE)]);
    build_ok(dir.path(), &[]);
    let before = tree(&dir.path().join("output"));
    let modified = std::fs::metadata(dir.path().join("output/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    write(
        dir.path(),
        "content/news/b.md",
        b"+++\ntitle = \"B\"\ndate = \"not a date\"\n+++\n",
    );
    write(
        dir.path(),
        "content/news/a.md",
        b"+++\ntitle = \"A changed\"\ndate = \"2017-01-01\"\n+++\n",
    );
    bulletin()
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .assert()
        .code(1);
    assert_eq!(before, tree(&dir.path().join("output")));
    let after = std::fs::metadata(dir.path().join("output/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(modified, after);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".bulletin"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind");
}

#[test]
fn removed_articles_disappear_from_the_output() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        ("content/news/b.md", &ARTICLE.replace("A", "B")),
    ]);
    build_ok(dir.path(), &[]);
    assert!(
        dir.path()
            .join("output/news/2017/01/01/b/index.html")
            .exists()
    );
    std::fs::remove_file(dir.path().join("content/news/b.md")).unwrap();
    build_ok(dir.path(), &[]);
    assert!(!dir.path().join("output/news/2017/01/01/b").exists());
    assert!(read(dir.path(), "output/news/2017/01/01/a/index.html").contains("Text"));
}

#[test]
fn output_folder_that_would_destroy_sources_is_refused() {
    let dir = site(&[("content/news/a.md", ARTICLE)]);
    let root = dir.path();
    for output in [
        root.to_path_buf(),
        root.join("content"),
        root.join("themes"),
        root.join("content/news/out"),
        root.parent().unwrap().to_path_buf(),
    ] {
        let assert = bulletin()
            .arg("build")
            .arg("--root")
            .arg(root)
            .arg("--output")
            .arg(&output)
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains("refusing to use"),
            "{}: {stderr}",
            output.display()
        );
    }
    assert_eq!(
        read(root, "content/news/a.md"),
        ARTICLE,
        "sources are untouched"
    );
}

#[test]
fn slug_or_section_that_leaves_the_output_is_an_error() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\nslug = \"../../escape\"\n+++\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2017-01-01\"\nsection = \"../up\"\n+++\n",
        ),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("content/news/a.md:4:8: slug: must be one URL segment"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/news/b.md:4:11: section: not usable in a URL"),
        "{stderr}"
    );
    assert!(!dir.path().join("escape").exists() && !dir.path().join("output").exists());
}

#[test]
fn output_reached_through_a_link_into_content_is_refused() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        ("content/news/sub/keep.txt", "keep"),
    ]);
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("link");
    std::os::unix::fs::symlink(dir.path().join("content"), &link).unwrap();
    bulletin()
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .arg("--output")
        .arg(link.join("news/sub"))
        .assert()
        .code(2);
    assert_eq!(read(dir.path(), "content/news/sub/keep.txt"), "keep");
}

#[test]
fn attachment_linking_outside_content_is_refused() {
    let dir = site(&[(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\n+++\n[x](secret.txt)\n",
    )]);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", b"secret");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("content/news/secret.txt"),
    )
    .unwrap();
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains("content/news/secret.txt: is a link to something outside content/"),
        "{stderr}"
    );
}

#[test]
fn two_pages_at_one_url_are_an_error_naming_both() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\npermalink = \"/{slug}/\"\n",
        ),
        ("content/news/news.md", ARTICLE),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains(
            "the listing of section `news` and content/news/news.md would both be written to news/index.html"
        ),
        "{stderr}"
    );
}

#[test]
fn static_file_that_would_overwrite_a_page_is_an_error() {
    let dir = site(&[
        ("content/news/a.md", ARTICLE),
        ("static/news/index.html", "mine"),
    ]);
    let stderr = build_fails(dir.path());
    assert!(
        stderr.contains(
            "static/news/index.html: would be written to news/index.html, as a generated page is"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("output").exists());
}
