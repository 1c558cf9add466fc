//! `bulletin new`: the file it writes, and what it refuses.

use crate::support::{build_ok, bulletin, read, site};

fn new(root: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    bulletin()
        .arg("new")
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .assert()
}

#[test]
fn new_writes_complete_front_matter_and_prints_the_path() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\ntimezone = \"Asia/Shanghai\"\n",
    )]);
    let out = new(
        dir.path(),
        &[
            "Zhejiang Signs Cooperative Agreement with AQSIQ",
            "--date",
            "2017-09-18 10:05:20",
            "--category",
            "News",
            "--tag",
            "AQSIQ",
            "--tag",
            "BRICS",
        ],
    )
    .success();
    let printed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let path = "content/news/2017/zhejiang-signs-cooperative-agreement-with-aqsiq.md";
    assert_eq!(printed.trim(), path);
    assert_eq!(
        read(dir.path(), path),
        "+++\ntitle = \"Zhejiang Signs Cooperative Agreement with AQSIQ\"\ndate = 2017-09-18T10:05:20+08:00\n\
draft = true\nsummary = \"\"\ncategory = \"News\"\ntags = [\"AQSIQ\", \"BRICS\"]\n+++\n\n"
    );
    build_ok(dir.path(), &["--drafts"]);
    assert!(
        dir.path()
            .join(
                "output/news/2017/09/18/zhejiang-signs-cooperative-agreement-with-aqsiq/index.html"
            )
            .exists()
    );
}

#[test]
fn new_without_a_date_uses_now_in_the_site_zone() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\ntimezone = \"Asia/Shanghai\"\n",
    )]);
    new(dir.path(), &["Today"]).success();
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    let text = read(dir.path(), &format!("content/news/{year}/today.md"));
    assert!(text.contains("+08:00\n"), "{text}");
}

#[test]
fn new_never_overwrites_a_file() {
    let dir = site(&[(
        "content/news/2017/report.md",
        "+++\ntitle = \"Report\"\ndate = \"2017-01-01\"\n+++\nMine.\n",
    )]);
    let out = new(dir.path(), &["Report", "--date", "2017-05-05"]).code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("content/news/2017/report.md: already exists; nothing was written"),
        "{stderr}"
    );
    assert!(read(dir.path(), "content/news/2017/report.md").contains("Mine."));
}

#[test]
fn new_refuses_a_title_whose_url_is_taken() {
    let dir = site(&[(
        "content/news/old/flood-warning.md",
        "+++\ntitle = \"Flood Warning\"\ndate = \"2017-09-18 08:00:00\"\n+++\n",
    )]);
    let out = new(
        dir.path(),
        &["Flood Warning", "--date", "2017-09-18 12:00:00"],
    )
    .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(
            "content/news/old/flood-warning.md: already has the URL /news/2017/09/18/flood-warning/"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("content/news/2017").exists());
}

#[test]
fn new_transliterates_non_latin_titles_and_follows_new_path() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\n[new]\npath = \"{section}/{year}/{month}/{slug}.md\"\n",
    )]);
    new(
        dir.path(),
        &["浙江新闻", "--section", "notices", "--date", "2019-01-07"],
    )
    .success();
    assert!(
        dir.path()
            .join("content/notices/2019/01/zhe-jiang-xin-wen.md")
            .exists()
    );
}

#[test]
fn malformed_new_path_is_a_configuration_error() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\n[new]\npath = \"{section}/{slug}.txt\"\n",
    )]);
    let out = new(dir.path(), &["X"]).code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("`new.path` is not a file pattern"),
        "{stderr}"
    );
}

#[test]
fn articles_dated_after_the_build_time_are_held_back_unless_future() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\ntimezone = \"Asia/Shanghai\"\n",
        ),
        (
            "content/news/now.md",
            "+++\ntitle = \"Published\"\ndate = \"2017-09-18 09:00:00\"\n+++\n",
        ),
        (
            "content/news/soon.md",
            "+++\ntitle = \"Embargoed\"\ndate = \"2017-09-18 10:05:20\"\n+++\n",
        ),
        (
            "content/news/later.md",
            "+++\ntitle = \"Later\"\ndate = \"2017-10-01\"\n+++\n",
        ),
    ]);
    let out = bulletin()
        .args(["build", "--now", "2017-09-18 10:00:00", "--root"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("2 embargoed articles held back; the next is due 2017-09-18 10:05:20"),
        "{stdout}"
    );
    let outputs = crate::support::tree(&dir.path().join("output"));
    for (path, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("Embargoed") && !text.contains("Later"),
            "{} shows an embargoed article",
            path.display()
        );
    }
    assert!(read(dir.path(), "output/index.html").contains("Published"));
    bulletin()
        .args([
            "build",
            "--future",
            "--now",
            "2017-09-18 10:00:00",
            "--root",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert!(read(dir.path(), "output/index.html").contains("Embargoed"));
}

#[test]
fn new_is_quiet_or_verbose_on_request() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\nbase_url = \"https://x.org/\"\n",
    )]);
    let quiet = new(dir.path(), &["One", "--date", "2017-09-18", "--quiet"]).success();
    assert!(quiet.get_output().stdout.is_empty());
    assert!(dir.path().join("content/news/2017/one.md").exists());
    let verbose = new(dir.path(), &["Two", "--date", "2017-09-18", "--verbose"]).success();
    let stdout = String::from_utf8(verbose.get_output().stdout.clone()).unwrap();
    assert_eq!(
        stdout,
        "content/news/2017/two.md\nits page, once published: https://x.org/news/2017/09/18/two/\n"
    );
}
