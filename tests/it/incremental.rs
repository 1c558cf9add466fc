//! Rebuilds: the output after any change equals a clean build, and only changed files are
//! written.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::support::{build_ok, bulletin, read, site, site_of, times, tree, write};

fn article(title: &str, date: &str, tags: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = \"{date}\"\ncategory = \"Notices\"\ntags = [{tags}]\n+++\nAbout {title}.\n\nSee [the other](b.md).\n"
    )
}

fn starting_site() -> tempfile::TempDir {
    site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\npaginate = 2\n[home]\nlatest = 2\n",
        ),
        (
            "content/news/a.md",
            &article("Alpha", "2017-09-18 10:00:00", "\"x\""),
        ),
        (
            "content/news/b.md",
            &article("Beta", "2017-09-19 10:00:00", "\"x\", \"y\""),
        ),
        (
            "content/news/c.md",
            &article("Gamma", "2017-10-02 10:00:00", ""),
        ),
        (
            "content/notices/d.md",
            &article("Delta", "2018-01-05 10:00:00", "\"y\""),
        ),
        (
            "content/news/e/index.md",
            "+++\ntitle = \"Epsilon\"\ndate = \"2016-05-05\"\n+++\n![p](p.svg)\n",
        ),
        ("content/news/e/p.svg", "<svg/>"),
    ])
}

/// Dates every file under `folder` an hour back, but the output and the caches, as files not
/// touched since an earlier session are: caches trust only files that settled.
fn age(folder: &Path) {
    let past = SystemTime::now() - std::time::Duration::from_secs(3600);
    let walk = walkdir::WalkDir::new(folder).into_iter().filter_entry(|e| {
        e.file_name() != "output" && !e.file_name().to_string_lossy().starts_with(".output")
    });
    for entry in walk {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .append(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(past).unwrap();
        }
    }
}

/// Ages the articles: the cache of parsed articles then keeps them.
fn age_sources(root: &Path) {
    age(&root.join("content"));
}

/// Applies `change` to a built site, rebuilds it, and checks that the output equals a clean
/// build of the changed sources. Before the change, the sources are aged and built again, so
/// that unchanged articles come from the cache of parsed articles, bodies left on disk.
fn rebuild_matches_clean_build(change: impl Fn(&Path)) {
    let dir = starting_site();
    build_ok(dir.path(), &[]);
    age_sources(dir.path());
    build_ok(dir.path(), &[]);
    assert!(
        dir.path().join(".output.bulletin-sources").is_file(),
        "settled articles are kept"
    );
    change(dir.path());
    build_ok(dir.path(), &[]);
    assert_matches_clean_build(dir.path());
}

/// Checks that the output of the site in `root` equals a clean build of its sources.
fn assert_matches_clean_build(root: &Path) {
    let clean = tempfile::tempdir().unwrap();
    let sources: Vec<_> = tree(root)
        .into_iter()
        .filter(|(p, _)| {
            !p.starts_with("output") && !p.to_string_lossy().contains(".output.bulletin-")
        })
        .collect();
    for (path, bytes) in &sources {
        write(clean.path(), &path.to_string_lossy(), bytes);
    }
    build_ok(clean.path(), &[]);
    let rebuilt = tree(&root.join("output"));
    let fresh = tree(&clean.path().join("output"));
    assert_eq!(
        rebuilt.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &fresh {
        assert!(
            rebuilt[path] == *bytes,
            "{} differs from a clean build",
            path.display()
        );
    }
}

/// The site `bulletin serve` keeps between builds: a change to one article that keeps its
/// place (its body, title, summary, links) is built from it, with the output of a clean
/// build; a change to what places or indexes it is left to a whole build.
#[test]
fn an_edit_that_keeps_the_article_in_place_is_built_from_the_kept_site() {
    let dir = starting_site();
    let root = dir.path();
    let config = || bulletin::Config::load(root, &bulletin::Overrides::default()).unwrap();
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.expect("a build lays the site out");
    let path = root.join("content/news/b.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let before = times(&root.join("output"));
    std::fs::write(&path, format!("{original}\nA later paragraph.\n")).unwrap();
    let report = bulletin::rebuild_article(&config(), &mut kept, &path)
        .expect("a body edit is built from the kept site")
        .unwrap();
    let after = times(&root.join("output"));
    let changed = after
        .iter()
        .filter(|(file, time)| before.get(*file) != Some(time))
        .count();
    assert_eq!(changed, report.written);
    assert!(
        (1..after.len() / 3).contains(&report.written),
        "{} of {} files written",
        report.written,
        after.len()
    );
    assert_matches_clean_build(root);

    // The title, the summary (the first paragraph), a link: shown on other pages too, which
    // are made again from the kept site.
    for other in [
        original.replace("Beta", "Beta Revised"),
        original.replace("About Beta.", "About something else."),
        original.replace("(b.md)", "(a.md)"),
    ] {
        std::fs::write(&path, &other).unwrap();
        bulletin::rebuild_article(&config(), &mut kept, &path)
            .unwrap_or_else(|| panic!("made from the kept site: {other}"))
            .unwrap();
        assert_matches_clean_build(root);
    }
    // The date, the tags, the category; not an article (an attachment); a file that cannot
    // be parsed: the site must be laid out again.
    let cases = [
        (
            "content/news/b.md",
            original.replace("2017-09-19", "2017-09-20"),
        ),
        (
            "content/news/b.md",
            original.replace("\"x\", \"y\"", "\"x\""),
        ),
        ("content/news/b.md", original.replace("Notices", "Reports")),
        ("content/news/b.md", "+++\ntitle = \n+++\n".to_string()),
        ("content/news/e/p.svg", "<svg></svg>".to_string()),
    ];
    for (file, text) in cases {
        std::fs::write(&path, &original).unwrap();
        let (_, fresh) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
        let mut fresh = fresh.expect("a build lays the site out");
        std::fs::write(root.join(file), &text).unwrap();
        assert!(
            bulletin::rebuild_article(&config(), &mut fresh, &root.join(file)).is_none(),
            "{file}: {text}"
        );
    }

    // A file deleted by hand is reused without asking, then found missing.
    std::fs::write(&path, &original).unwrap();
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.expect("a build lays the site out");
    std::fs::write(&path, format!("{original}\nAnother paragraph.\n")).unwrap();
    assert_eq!(kept.missing(&root.join("output")), 0);
    std::fs::remove_file(root.join("output/news/2017/09/18/a/index.html")).unwrap();
    bulletin::rebuild_article(&config(), &mut kept, &path)
        .expect("a body edit is built from the kept site")
        .unwrap();
    assert_eq!(kept.missing(&root.join("output")), 1);
}

/// An article added to a section is laid out with the kept site, without loading it again,
/// with the output of a clean build; an addition that changes what other articles show, or
/// that a build must report or hold back, is left to a whole build.
#[test]
fn an_added_article_is_laid_out_with_the_kept_site() {
    let dir = starting_site();
    let root = dir.path();
    let config = || bulletin::Config::load(root, &bulletin::Overrides::default()).unwrap();
    // A newest article, one in the middle of the listings, one with an attachment it links
    // (the attachment there before the site is laid out).
    write(root, "content/news/f/photo.svg", b"<svg/>");
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.expect("a build lays the site out");
    let added = [
        (
            "content/news/z.md",
            article("Zeta", "2019-02-02 10:00:00", "\"x\", \"new\""),
        ),
        (
            "content/notices/m.md",
            article("Mu", "2017-09-20 08:00:00", "\"y\""),
        ),
        (
            "content/news/f/index.md",
            "+++\ntitle = \"Phi\"\ndate = \"2018-03-03\"\n+++\n![A photo](photo.svg)\n".to_string(),
        ),
    ];
    for (file, text) in &added {
        write(root, file, text.as_bytes());
        let report = bulletin::rebuild_article(&config(), &mut kept, &root.join(file))
            .unwrap_or_else(|| panic!("{file} is laid out with the kept site"))
            .unwrap();
        assert!(report.written > 0);
        assert_matches_clean_build(root);
    }
    assert!(read(root, "output/news/2018/03/03/f/photo.svg").contains("svg"));

    // Left to a whole build: an article another one linked to before it was there (`b.md`,
    // linked from every article of the starting site, is written again under a new name
    // first), an article of a new section, one whose URL is taken, a draft, an embargoed
    // one, a file that is not an article.
    let beta = root.join("content/news/b.md");
    let beta_text = std::fs::read_to_string(&beta).unwrap();
    std::fs::remove_file(&beta).unwrap();
    let (_, fresh) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut fresh = fresh.unwrap();
    std::fs::write(&beta, &beta_text).unwrap();
    assert!(bulletin::rebuild_article(&config(), &mut fresh, &beta).is_none());
    let cases = [
        (
            "content/reports/r.md",
            article("Rho", "2019-01-01 10:00:00", ""),
        ),
        (
            "content/news/a-copy.md",
            article("Alpha", "2017-09-18 10:00:00", "")
                .replace("+++\nAbout", "slug = \"a\"\n+++\nAbout"),
        ),
        (
            "content/news/draft.md",
            article("Draft", "2019-01-01 10:00:00", "")
                .replace("+++\nAbout", "draft = true\n+++\nAbout"),
        ),
        (
            "content/news/later.md",
            article("Later", "2999-01-01 10:00:00", ""),
        ),
        ("content/news/notes.txt", "Not an article.".to_string()),
    ];
    for (file, text) in cases {
        let (_, fresh) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
        let mut fresh = fresh.unwrap();
        write(root, file, text.as_bytes());
        assert!(
            bulletin::rebuild_article(&config(), &mut fresh, &root.join(file)).is_none(),
            "{file}"
        );
        std::fs::remove_file(root.join(file)).unwrap();
    }
}

/// The kept site is not used when it may be out of date: another build wrote the output
/// since, or the changed file is also another article's (through a link).
#[test]
fn the_kept_site_is_left_for_a_whole_build_when_it_may_be_out_of_date() {
    let dir = starting_site();
    let root = dir.path();
    let preview = bulletin::Overrides {
        base_url: Some("http://127.0.0.1:9/".into()),
        ..bulletin::Overrides::default()
    };
    let config = || bulletin::Config::load(root, &preview).unwrap();
    let path = root.join("content/news/b.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let edit = |n: usize| {
        std::fs::write(&path, format!("{original}\nParagraph {n}.\n")).unwrap();
    };

    // Another build into the same folder, with other settings.
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.unwrap();
    build_ok(root, &[]);
    edit(1);
    assert!(bulletin::rebuild_article(&config(), &mut kept, &path).is_none());
    // The whole build that follows gives the output of a clean build with its settings.
    bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let clean = tempfile::tempdir().unwrap();
    let target = clean.path().join("site");
    let url = ["--base-url", "http://127.0.0.1:9/", "--output"];
    build_ok(root, &[&url[..], &[target.to_str().unwrap()]].concat());
    assert!(tree(&root.join("output")) == tree(&target));

    // A static file removed since (a change serve's watcher may leave out: a swap file).
    write(root, "static/.extra.css.un~x", b"p {}");
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.unwrap();
    std::fs::remove_file(root.join("static/.extra.css.un~x")).unwrap();
    edit(3);
    assert!(bulletin::rebuild_article(&config(), &mut kept, &path).is_none());

    // An article that is the same file as another, through a link.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(root.join("content/world")).unwrap();
        std::os::unix::fs::symlink("../news/b.md", root.join("content/world/b.md")).unwrap();
        let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
        let mut kept = kept.unwrap();
        edit(2);
        assert!(bulletin::rebuild_article(&config(), &mut kept, &path).is_none());
    }
}

/// A change of `updated` by a fraction of a second reaches the sitemap and the feeds, which
/// write it to the fraction: in a rebuild, and from serve's kept site.
#[test]
fn a_fractional_change_of_updated_reaches_the_sitemap_and_feeds() {
    let with_updated = |text: &str, fraction: &str| {
        text.replace(
            "+++\nAbout",
            &format!("updated = \"2019-03-04 05:06:07.{fraction}\"\n+++\nAbout"),
        )
    };
    rebuild_matches_clean_build(|root| {
        let path = root.join("content/news/a.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, with_updated(&text, "1")).unwrap();
        build_ok(root, &[]);
        std::fs::write(&path, with_updated(&text, "2")).unwrap();
    });

    // The newest article, whose date a section without articles gives its feeds.
    let dir = starting_site();
    let root = dir.path();
    write(root, "content/empty/_section.toml", b"title = \"Empty\"\n");
    let path = root.join("content/notices/d.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, with_updated(&text, "1")).unwrap();
    let config = || bulletin::Config::load(root, &bulletin::Overrides::default()).unwrap();
    let (_, kept) = bulletin::build_keeping(&config(), &bulletin::Silent).unwrap();
    let mut kept = kept.expect("a build lays the site out");
    std::fs::write(&path, with_updated(&text, "2")).unwrap();
    bulletin::rebuild_article(&config(), &mut kept, &path)
        .expect("a change of `updated` keeps the article in place")
        .unwrap();
    assert!(read(root, "output/sitemap.xml").contains("05:06:07.200"));
    assert!(read(root, "output/empty/atom.xml").contains("05:06:07.200"));
    assert_matches_clean_build(root);
}

/// A build waits while another holds the output: it neither reads nor writes it meanwhile.
#[test]
fn a_build_waits_for_another_build_of_the_same_output() {
    let dir = starting_site();
    let lock_path = dir.path().join(".output.bulletin-lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["build", "--quiet", "--root"])
        .arg(dir.path())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "the build waits");
    assert!(!dir.path().join("output").exists());
    drop(lock);
    assert!(child.wait().unwrap().success());
    assert!(dir.path().join("output/index.html").is_file());
}

#[test]
fn unchanged_rebuild_writes_no_file() {
    let dir = starting_site();
    build_ok(dir.path(), &[]);
    let before = times(&dir.path().join("output"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    build_ok(dir.path(), &[]);
    assert_eq!(before, times(&dir.path().join("output")));
}

#[test]
fn publishing_an_article_leaves_the_older_numbered_pages_as_they_were() {
    // One article to a page: eleven numbered pages in the section and tag listings, and
    // twelve on the home page.
    let mut files = vec![(
        "bulletin.toml".to_string(),
        "theme = \"mini\"\npaginate = 1\n[home]\nlatest = 1\n".to_string(),
    )];
    // A second section gives each its own date archive too.
    files.push((
        "content/notices/n.md".to_string(),
        article("N", "2016-01-01 10:00:00", ""),
    ));
    for day in 1..=12 {
        files.push((
            format!("content/news/a{day:02}.md"),
            article(
                &format!("A{day}"),
                &format!("2017-01-{day:02} 10:00:00"),
                "\"t\"",
            ),
        ));
    }
    let dir = site_of(&files);
    build_ok(dir.path(), &[]);
    let before = times(&dir.path().join("output"));
    let old_page = read(dir.path(), "output/news/page/3/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(
        dir.path(),
        "content/news/a13.md",
        article("A13", "2017-01-13 10:00:00", "\"t\"").as_bytes(),
    );
    let output = bulletin()
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    // Pages are rendered again only where something they show changed: nearly every page
    // made is written (a page rendered to the same bytes is not, and would go unseen below).
    let count = |what: &str| -> usize {
        let before = said.split(&format!(" {what}")).next().unwrap();
        before.rsplit(['(', ' ']).next().unwrap().parse().unwrap()
    };
    assert!(count("made") - count("written") < 10, "{said}");
    let after = times(&dir.path().join("output"));
    assert_matches_clean_build(dir.path());
    // Pages far from the newest keep their articles, links and bytes, and are not written.
    for (listing, newest) in [("news/", 12), ("tags/t/", 12), ("", 13)] {
        for number in 1..=8 {
            let path = PathBuf::from(format!("{listing}page/{number}/index.html"));
            assert_eq!(
                before.get(&path),
                after.get(&path),
                "{} was written",
                path.display()
            );
        }
        let newest = PathBuf::from(format!("{listing}page/{newest}/index.html"));
        assert!(!before.contains_key(&newest) && after.contains_key(&newest));
        let front = PathBuf::from(format!("{listing}index.html"));
        assert_ne!(before.get(&front), after.get(&front), "{listing} front");
    }
    assert_eq!(read(dir.path(), "output/news/page/3/index.html"), old_page);
    assert!(old_page.contains(">A3<"), "{old_page}");
}

/// A seeded run of publications, back-dated additions, deletions, new dates and new tags
/// over two sections, three articles to a page: after each, a rebuild gives the output of a
/// clean build.
#[test]
fn a_run_of_random_changes_rebuilds_as_clean_builds_do() {
    let dir = site(&[(
        "bulletin.toml",
        "theme = \"mini\"\npaginate = 3\n[home]\nlatest = 2\n",
    )]);
    let root = dir.path();
    let mut seed: u64 = 0x5eed_2017;
    let mut next = |below: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % below
    };
    let mut files: Vec<String> = Vec::new();
    for step in 0..30 {
        let choice = if files.len() < 4 { 0 } else { next(5) };
        let date = format!("2017-{:02}-{:02} 10:00:00", 1 + next(3), 1 + next(28));
        let tags = ["", "\"x\"", "\"y\"", "\"x\", \"y\""][next(4) as usize];
        match choice {
            // A new article, most often the newest.
            0 | 1 => {
                let section = ["news", "notices"][next(2) as usize];
                let date = if next(3) > 0 {
                    format!("2018-01-01 {:02}:00:00", step % 24)
                } else {
                    date
                };
                let file = format!("content/{section}/s{step}.md");
                write(
                    root,
                    &file,
                    article(&format!("S{step}"), &date, tags).as_bytes(),
                );
                files.push(file);
            }
            2 => {
                let file = files.remove(next(files.len() as u64) as usize);
                std::fs::remove_file(root.join(&file)).unwrap();
            }
            // A new date, or new tags: the text between `open` and `close` replaced.
            choice => {
                let (open, close, value) = match choice {
                    3 => ("date = \"", '"', date.as_str()),
                    _ => ("tags = [", ']', tags),
                };
                let file = &files[next(files.len() as u64) as usize];
                let text = std::fs::read_to_string(root.join(file)).unwrap();
                let start = text.find(open).unwrap() + open.len();
                let end = start + text[start..].find(close).unwrap();
                let changed = format!("{}{value}{}", &text[..start], &text[end..]);
                write(root, file, changed.as_bytes());
            }
        }
        build_ok(root, &[]);
        assert_matches_clean_build(root);
    }
}

#[test]
fn editing_an_article_rewrites_only_what_shows_it() {
    let dir = starting_site();
    build_ok(dir.path(), &[]);
    let before = times(&dir.path().join("output"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let path = dir.path().join("content/notices/d.md");
    let text = std::fs::read_to_string(&path).unwrap() + "\nA new paragraph.\n";
    std::fs::write(&path, text).unwrap();
    build_ok(dir.path(), &[]);
    let after = times(&dir.path().join("output"));
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    let changed: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
    assert!(
        changed.contains(&"notices/2018/01/05/d/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|p| p.starts_with("news/2017")),
        "other articles untouched: {changed:?}"
    );
    assert!(!changed.contains(&"style.css".to_string()));
    assert!(
        changed.len() < after.len() / 3,
        "{} of {} files rewritten: {changed:?}",
        changed.len(),
        after.len()
    );
}

#[test]
fn edit_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        let path = root.join("content/news/b.md");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("Beta", "Beta Revised");
        std::fs::write(path, text).unwrap();
    });
}

#[test]
fn added_article_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        write(
            root,
            "content/news/f.md",
            article("Zeta", "2017-09-18 12:00:00", "\"z\"").as_bytes(),
        );
    });
}

#[test]
fn deleted_article_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        std::fs::remove_file(root.join("content/news/c.md")).unwrap()
    });
}

#[test]
fn renamed_article_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        std::fs::rename(
            root.join("content/news/a.md"),
            root.join("content/news/a-renamed.md"),
        )
        .unwrap();
    });
}

#[test]
fn changed_template_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        write(
            root,
            "templates/section.html",
            b"section {{ section.title }} {{ articles | length }}",
        );
    });
}

#[test]
fn changed_config_gives_the_same_output_as_a_clean_build() {
    rebuild_matches_clean_build(|root| {
        write(
            root,
            "bulletin.toml",
            b"theme = \"mini\"\npaginate = 3\ntitle = \"Renamed\"\n",
        );
    });
}

#[test]
fn changed_attachment_and_static_file_are_copied_again() {
    rebuild_matches_clean_build(|root| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(root, "content/news/e/p.svg", b"<svg id=\"new\"/>");
        write(
            root,
            "themes/mini/static/style.css",
            b"body { color: navy; }\n",
        );
    });
}

#[test]
fn files_removed_from_the_sources_leave_the_output() {
    let dir = starting_site();
    build_ok(dir.path(), &[]);
    assert!(
        dir.path()
            .join("output/notices/2018/01/05/d/index.html")
            .exists()
    );
    std::fs::remove_file(dir.path().join("content/notices/d.md")).unwrap();
    build_ok(dir.path(), &[]);
    assert!(
        !dir.path().join("output/notices/2018/01/05/d").exists(),
        "its folder is gone too"
    );
    assert!(
        !dir.path().join("output/tags/y/index.html").exists()
            || read(dir.path(), "output/tags/y/index.html").contains("Beta")
    );
}

#[test]
fn counts_on_unchanged_first_pages_follow_a_growing_list() {
    let page = |title: &str, date: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = \"{date}\"\ntags = [\"t\"]\n+++\nText.\n")
    };
    let dir = site(&[
        ("bulletin.toml", "theme = \"mini\"\npaginate = 2\n"),
        ("content/news/a.md", &page("A", "2017-09-18 10:00:00")),
        ("content/news/b.md", &page("B", "2017-09-18 11:00:00")),
        ("content/news/c.md", &page("C", "2017-09-18 12:00:00")),
    ]);
    build_ok(dir.path(), &[]);
    assert!(read(dir.path(), "output/tags/t/index.html").contains("(3)"));
    write(
        dir.path(),
        "content/news/d.md",
        page("D", "2017-09-18 09:00:00").as_bytes(),
    );
    build_ok(dir.path(), &[]);
    assert!(
        read(dir.path(), "output/tags/t/index.html").contains("(4)"),
        "the first page shows the new count"
    );
    assert!(read(dir.path(), "output/archive/2017/09/18/page/1/index.html").contains("(4)"));
}

#[test]
fn force_rebuilds_files_changed_by_hand() {
    let dir = starting_site();
    build_ok(dir.path(), &[]);
    let page = dir.path().join("output/news/index.html");
    let built = std::fs::read(&page).unwrap();
    std::fs::write(&page, "edited by hand").unwrap();
    build_ok(dir.path(), &[]);
    assert_eq!(
        std::fs::read(&page).unwrap(),
        b"edited by hand",
        "the cache trusts the output"
    );
    build_ok(dir.path(), &["--force"]);
    assert_eq!(std::fs::read(&page).unwrap(), built);
}

#[test]
fn a_file_that_becomes_a_folder_and_back_rebuilds_cleanly() {
    rebuild_matches_clean_build(|root| {
        write(root, "static/foo", b"a file");
    });
    let dir = starting_site();
    write(dir.path(), "static/foo", b"a file");
    build_ok(dir.path(), &[]);
    std::fs::remove_file(dir.path().join("static/foo")).unwrap();
    write(dir.path(), "static/foo/bar.txt", b"now a folder");
    build_ok(dir.path(), &[]);
    assert_eq!(read(dir.path(), "output/foo/bar.txt"), "now a folder");
    std::fs::remove_dir_all(dir.path().join("static/foo")).unwrap();
    write(dir.path(), "static/foo", b"a file again");
    build_ok(dir.path(), &[]);
    assert_eq!(read(dir.path(), "output/foo"), "a file again");
}

/// Builds with `args` and returns the report.
fn build_report(root: &Path, args: &[&str]) -> String {
    let output = crate::support::bulletin()
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn unchanged_inputs_skip_the_build_until_anything_changes() {
    let dir = starting_site();
    let root = dir.path();
    build_ok(root, &[]);
    age(root);
    assert!(
        build_report(root, &[]).contains("made"),
        "inputs just aged: a real build"
    );
    let before = times(&root.join("output"));
    let report = build_report(root, &[]);
    assert!(
        report.contains("(0 made, 0 written, 0 removed)"),
        "nothing rendered, not even the sitemaps: {report}"
    );
    let verbose = build_report(root, &["-v"]);
    assert!(
        verbose.contains("nothing changed since the last build"),
        "{verbose}"
    );
    assert_eq!(before, times(&root.join("output")));

    // A file deleted from the output is made again.
    let page = root.join("output/news/index.html");
    let built = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    let report = build_report(root, &[]);
    assert!(!report.contains("(0 made"), "{report}");
    assert_eq!(std::fs::read(&page).unwrap(), built);

    // Every kind of input ends the short way: an article, a template, a static file, the
    // configuration, a new folder in content/.
    type Change = (&'static str, fn(&Path));
    let changes: [Change; 5] = [
        ("an article", |root| {
            let path = root.join("content/news/a.md");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("About Alpha", "About Alpha, edited")).unwrap();
        }),
        ("a template", |root| {
            write(root, "templates/404.html", b"<p>Gone, edited</p>");
        }),
        ("a static file", |root| {
            write(root, "static/robots-note.txt", b"edited");
        }),
        ("the configuration", |root| {
            let path = root.join("bulletin.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("paginate = 2", "paginate = 3")).unwrap();
        }),
        ("a section folder", |root| {
            std::fs::create_dir_all(root.join("content/edited")).unwrap();
        }),
    ];
    for (what, change) in changes {
        age(root);
        build_ok(root, &[]);
        assert!(
            build_report(root, &[]).contains("(0 made"),
            "settled before changing {what}"
        );
        change(root);
        let report = build_report(root, &[]);
        assert!(!report.contains("(0 made"), "{what}: {report}");
    }
    let all = tree(&root.join("output"));
    let text = |p: &str| String::from_utf8_lossy(&all[Path::new(p)]).into_owned();
    assert!(text("news/2017/09/18/a/index.html").contains("About Alpha, edited"));
    assert!(text("404.html").contains("Gone, edited"));
    assert!(all.contains_key(Path::new("robots-note.txt")));
    assert!(all.contains_key(Path::new("edited/index.html")));
}

#[test]
fn an_embargoed_article_is_published_when_due_though_nothing_changed() {
    let due = chrono::Utc::now() + chrono::Duration::seconds(3);
    let dir = starting_site();
    let root = dir.path();
    write(
        root,
        "content/news/later.md",
        format!(
            "+++\ntitle = \"Later\"\ndate = \"{}\"\n+++\nEmbargoed.\n",
            due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
        .as_bytes(),
    );
    age(root);
    build_ok(root, &[]);
    assert!(
        build_report(root, &[]).contains("(0 made"),
        "recorded, not yet due"
    );
    let page = root.join(format!(
        "output/news/{}/later/index.html",
        due.format("%Y/%m/%d")
    ));
    assert!(!page.exists(), "held back before its date");
    std::thread::sleep(
        (due + chrono::Duration::milliseconds(1100) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default(),
    );
    let report = build_report(root, &[]);
    assert!(!report.contains("(0 made"), "{report}");
    assert!(page.is_file(), "published once due: {report}");
}

#[test]
fn an_updated_date_reaches_the_sitemap() {
    rebuild_matches_clean_build(|root| {
        let path = root.join("content/news/a.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(
                "+++\nAbout",
                "updated = \"2019-03-04 05:06:07\"\n+++\nAbout",
            ),
        )
        .unwrap();
    });
}

#[test]
fn a_scheduled_article_loses_its_badge_when_due_though_nothing_changed() {
    let due = chrono::Utc::now() + chrono::Duration::seconds(3);
    let dir = starting_site();
    let root = dir.path();
    write(
        root,
        "templates/article.html",
        b"{% if article.scheduled %}SCHEDULED {% endif %}{{ article.title }}",
    );
    write(
        root,
        "content/news/soon.md",
        format!(
            "+++\ntitle = \"Soon\"\ndate = \"{}\"\n+++\nShown early with --future.\n",
            due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
        .as_bytes(),
    );
    let page = root.join(format!(
        "output/news/{}/soon/index.html",
        due.format("%Y/%m/%d")
    ));
    age(root);
    build_ok(root, &["--future"]);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "SCHEDULED Soon");
    let report = build_report(root, &["--future"]);
    assert!(
        report.contains("(0 made"),
        "recorded, not yet due: {report}"
    );
    std::thread::sleep(
        (due + chrono::Duration::milliseconds(1100) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default(),
    );
    build_ok(root, &["--future"]);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "Soon");
}
