//! `bulletin check`: every problem kind, exit codes, JSON output, and that it writes nothing.

use std::path::Path;

use serde_json::Value;

use crate::support::{bulletin, site};

const LINKS: &str = "+++
title = \"A\"
date = \"2017-01-01\"
summary = \"About A.\"
+++
Intro.

## Plan

[ok](b.md) [bad](missing.md) [anchor](b.md#nowhere) [fine](b.md#details) [self](#plan) [lost](#nope)

![](photo.png) ![Chart](missing.png) [doc](report.pdf) [gone](gone.pdf)
[draft](c.md) [later](d.md) [home](/news/) [nowhere](/news/nothing/) [web](https://example.org/x)
";

const B: &str = "+++\ntitle = \"B\"\ndate = \"2017-01-02\"\nsummary = \"B.\"\n+++\n## Details\n";
const DRAFT: &str =
    "+++\ntitle = \"C\"\ndate = \"2017-01-03\"\ndraft = true\nsummary = \"C.\"\n+++\nText\n";
const FUTURE: &str =
    "+++\ntitle = \"D\"\ndate = \"2030-05-01 09:00:00\"\nsummary = \"D.\"\n+++\nText\n";

/// Runs `check` with `args` on `root`; returns the exit code and standard output.
fn check(root: &Path, args: &[&str]) -> (i32, String) {
    let output = bulletin()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(["--now", "2020-01-01 00:00:00"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("bulletin runs");
    let code = output.status.code().expect("an exit code");
    (code, String::from_utf8(output.stdout).expect("UTF-8"))
}

fn problems(json_lines: &str) -> Vec<Value> {
    json_lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

/// (code, line, column) of every problem in one file.
fn positions(found: &[Value], file: &str) -> Vec<(String, u64, u64)> {
    found
        .iter()
        .filter(|p| p["file"] == file)
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A link to a file of content/ that the build leaves out says why.
#[test]
fn a_link_to_a_hidden_or_backup_file_says_it_is_left_out() {
    let article = "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\n+++\n[old](notes.txt~) and [secret](.plan.pdf) and [gone](gone.pdf)\n";
    let dir = site(&[
        ("content/news/a.md", article),
        ("content/news/notes.txt~", "old"),
        ("content/news/.plan.pdf", "pdf"),
    ]);
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let messages: Vec<String> = problems(&out)
        .iter()
        .filter(|p| p["code"] == "missing-attachment")
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "links to notes.txt~, which is hidden or an editor's backup, and is not published",
            "links to .plan.pdf, which is hidden or an editor's backup, and is not published",
            "links to gone.pdf, which does not exist",
        ],
        "{out}"
    );
}

#[test]
fn broken_links_anchors_images_and_attachments_are_errors_at_their_place() {
    let dir = site(&[
        ("content/news/a.md", LINKS),
        ("content/news/b.md", B),
        ("content/news/c.md", DRAFT),
        ("content/news/d.md", FUTURE),
        ("content/news/photo.png", "png"),
        ("content/news/report.pdf", "pdf"),
    ]);
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let found = problems(&out);
    let mut at = positions(&found, "content/news/a.md");
    at.sort();
    let mut expected = vec![
        ("broken-link".to_string(), 10, 12),
        ("broken-anchor".to_string(), 10, 30),
        ("broken-anchor".to_string(), 10, 88),
        ("image-alt".to_string(), 12, 1),
        ("missing-image".to_string(), 12, 16),
        ("missing-attachment".to_string(), 12, 56),
        ("broken-link".to_string(), 13, 1),
        ("broken-link".to_string(), 13, 15),
        ("broken-link".to_string(), 13, 44),
    ];
    expected.sort();
    assert_eq!(at, expected, "{out}");
    let message = |code: &str, line: u64, column: u64| {
        found
            .iter()
            .find(|p| p["code"] == code && p["line"] == line && p["column"] == column)
            .and_then(|p| p["message"].as_str())
            .unwrap()
            .to_string()
    };
    assert_eq!(
        message("broken-link", 10, 12),
        "links to missing.md, which does not exist"
    );
    assert!(message("broken-anchor", 10, 30).contains("no heading or anchor #nowhere"));
    assert!(message("broken-link", 13, 1).contains("a draft, left out of the build"));
    assert!(message("broken-link", 13, 15).contains("held back until 2030-05-01"));
    assert!(message("broken-link", 13, 44).contains("/news/nothing/"));
    let alt = found.iter().find(|p| p["code"] == "image-alt").unwrap();
    assert_eq!(alt["severity"], "warning");
    let future = positions(&found, "content/news/d.md");
    assert_eq!(future, [("future".to_string(), 3, 8)]);
    for problem in &found {
        for key in ["file", "severity", "code", "message"] {
            assert!(problem[key].is_string(), "{key} in {problem}");
        }
    }
}

#[test]
fn exit_codes_follow_errors_and_strict_warnings() {
    let long = "+++\ntitle = \"A rather long title\"\ndate = \"2017-01-01\"\nsummary = \"S.\"\n+++\nText\n";
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\n[check]\nmax_title = 10\n",
        ),
        ("content/news/a.md", long),
    ]);
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: content/news/a.md:2:9: the title is 19 characters long, more than 10 [long-title]"),
        "{out}"
    );
    assert!(out.contains("1 article"), "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    let (strict, _) = check(dir.path(), &["--strict"]);
    assert_eq!(strict, 1);
    let (quiet, out) = check(dir.path(), &["--quiet"]);
    assert_eq!((quiet, out.as_str()), (0, ""));
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "theme = \"mini\"\n[check]\nmax_title = 40\n",
    )
    .unwrap();
    let (clean, out) = check(dir.path(), &["--strict"]);
    assert_eq!(clean, 0, "{out}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn build_errors_are_reported_and_nothing_is_written() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-02-30\"\n+++\nText\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2017-01-01\"\n+++\nText\n",
        ),
    ]);
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "error: content/news/a.md:3:8: date: not a valid date: \"2017-02-30\" [article]"
        ),
        "{out}"
    );
    assert!(out.contains("1 error"), "{out}");
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        entries.iter().all(|name| !name.contains("output")),
        "{entries:?}"
    );
}

#[test]
fn template_render_errors_and_colliding_aliases_are_reported() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\nsummary = \"S.\"\naliases = [\"/old/\"]\n+++\nText\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2017-01-02\"\nsummary = \"S.\"\naliases = [\"/old/\"]\n+++\nText\n",
        ),
    ]);
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let found = problems(&out);
    assert!(found.iter().any(|p| p["code"] == "url-collision"), "{out}");

    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-01-01\"\nsummary = \"S.\"\n+++\nText\n",
        ),
        (
            "templates/section.html",
            "{% extends \"base.html\" %}{% block content %}{{ no_such_variable }}{% endblock content %}",
        ),
    ]);
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let found = problems(&out);
    let template = found
        .iter()
        .find(|p| p["code"] == "template")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(template["file"], "templates/section.html");
    assert!(
        template["message"]
            .as_str()
            .unwrap()
            .contains("no_such_variable"),
        "{template}"
    );
}

#[test]
fn the_sample_site_checks_clean() {
    let (code, out) = check(Path::new(env!("CARGO_MANIFEST_DIR")), &["--strict"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn a_summary_is_asked_for_only_where_the_first_paragraph_would_be_cut() {
    let long = "word ".repeat(80);
    let cut = format!("+++\ntitle = \"Cut\"\ndate = \"2017-01-01\"\n+++\n{long}\n");
    let short = "+++\ntitle = \"Short\"\ndate = \"2017-01-02\"\n+++\nOne short paragraph.\n";
    let dir = site(&[
        ("content/news/cut.md", &cut),
        ("content/news/short.md", short),
    ]);
    let (code, out) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 0, "warnings alone pass: {out}");
    let found = problems(&out);
    assert_eq!(
        positions(&found, "content/news/cut.md"),
        [("missing-summary".to_string(), 0, 0)],
        "{out}"
    );
    assert!(
        positions(&found, "content/news/short.md").is_empty(),
        "{out}"
    );
}
