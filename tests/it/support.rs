//! Helpers shared by the integration tests: temporary sites, the binary, golden trees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The `bulletin` binary built by cargo.
pub fn bulletin() -> Command {
    Command::cargo_bin("bulletin").expect("cargo builds the binary for integration tests")
}

/// A tiny theme whose templates print the variables the tests look for.
pub const MINI_THEME: &[(&str, &str)] = &[
    (
        "themes/mini/templates/base.html",
        "<!doctype html><html lang=\"{{ lang }}\"><head><title>{% block title %}{{ site.title }}{% endblock title %}</title>\
<link rel=\"canonical\" href=\"{{ page.permalink }}\">{% include \"seo.html\" %}</head>\n<body class=\"{{ page.kind }}\">\n\
{% for c in breadcrumbs %}<a class=\"crumb\" href=\"{{ c.url }}\">{{ c.title }}</a> &gt; {% endfor %}\n\
{% block content %}{% endblock content %}\n</body></html>\n",
    ),
    (
        "themes/mini/templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<ul>\n{% for a in articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a> \
<time datetime=\"{{ a.date_iso }}\">{{ a.date }}</time> {{ a.section_title }}: {{ a.summary }}</li>\n{% endfor %}</ul>\n\
{% for s in sections %}<a href=\"{{ s.url }}\">{{ s.title }}{% if s.count %} ({{ s.count }}){% endif %}</a>\n{% endfor %}{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/section.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}{% if section.count %} ({{ section.count }}){% endif %}</h1>\n\
{% for a in articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a></li>\n{% endfor %}{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/article.html",
        "{% extends \"base.html\" %}{% block title %}{{ article.title }}{% endblock title %}{% block content %}\
<h1>{{ article.title }}</h1>\n<a href=\"{{ article.day_url }}\"><time datetime=\"{{ article.date_iso }}\">{{ article.date }}</time></a>\n\
{% if article.author %}<p>By {{ article.author }}</p>{% endif %}{% if article.source %}<p>Source: {{ article.source }}</p>{% endif %}\n\
{{ article.content | safe }}\n<a href=\"{{ article.print_url }}\" target=\"_blank\">[Print]</a> [Close]\n\
{% if prev %}<a rel=\"prev\" href=\"{{ prev.url }}\">{{ prev.title }}</a>{% endif %}\n\
{% if next %}<a rel=\"next\" href=\"{{ next.url }}\">{{ next.title }}</a>{% endif %}\n{% endblock content %}",
    ),
    (
        "themes/mini/templates/print.html",
        "<!doctype html><html lang=\"{{ lang }}\"><body>{{ site.title }}\n<h1>{{ article.title }}</h1>\n{{ article.date }}\n\
{{ article.content | safe }}\n<p>{{ article.permalink }}</p></body></html>\n",
    ),
    (
        "themes/mini/templates/nav.html",
        "{% if pagination and (pagination.prev or pagination.next) %}<nav class=\"pages\">\
{% if pagination.prev %}<a rel=\"prev\" href=\"{{ pagination.prev }}\">prev</a>{% endif %}\
{% for p in pagination.pages %} {% if p.current %}[{{ p.number }}]{% else %}<a href=\"{{ p.url }}\">{{ p.number }}</a>{% endif %}{% endfor %} \
{% if pagination.next %}<a rel=\"next\" href=\"{{ pagination.next }}\">next</a>{% endif %}</nav>\n{% endif %}\
{% if period %}<p class=\"periods\">{% if period.prev %}<a class=\"earlier\" href=\"{{ period.prev.url }}\">{{ period.prev.label }}</a>{% endif %} | \
{% if period.next %}<a class=\"later\" href=\"{{ period.next.url }}\">{{ period.next.label }}</a>{% endif %}</p>\n\
{% if period.print_url %}<a class=\"edition\" href=\"{{ period.print_url }}\">print</a>\n{% endif %}{% endif %}",
    ),
    (
        "themes/mini/templates/archive.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Archive {{ archive.count }}</h1>\n\
{% for y in archive.years %}<h2><a href=\"{{ y.url }}\">{{ y.label }}</a> ({{ y.count }})</h2>\n\
{% for m in y.months %}<a class=\"month\" href=\"{{ m.url }}\">{{ m.label }} ({{ m.count }})</a>\n{% endfor %}{% endfor %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/archive_year.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ period.label }} ({{ period.count }})</h1>\n\
{% for m in months %}<a class=\"month\" href=\"{{ m.url }}\">{{ m.name }} ({{ m.count }})</a>\n{% endfor %}\
{% for g in groups %}<h2><a href=\"{{ g.url }}\">{{ g.label }}</a></h2>\n{% for a in g.articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a></li>\n{% endfor %}{% endfor %}\
{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/archive_month.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ period.label }} ({{ period.count }})</h1>\n\
<table><tr>{% for d in calendar.weekdays %}<th>{{ d }}</th>{% endfor %}</tr>\n\
{% for w in calendar.weeks %}<tr>{% for c in w %}<td>{% if c %}{% if c.url %}<a href=\"{{ c.url }}\">{{ c.day }}:{{ c.count }}</a>{% else %}{{ c.day }}{% endif %}{% endif %}</td>{% endfor %}</tr>\n{% endfor %}</table>\n\
{% for a in articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a></li>\n{% endfor %}\
{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/archive_day.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ period.label }} ({{ period.count }})</h1>\n\
{% for a in articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a> {{ a.date }}</li>\n{% endfor %}\
{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/print_edition.html",
        "<!doctype html><html lang=\"{{ lang }}\"><body>{{ site.title }}: {{ period.label }}\n\
<ol>{% for a in articles %}<li><a href=\"#{{ a.slug }}\">{{ a.title }}</a></li>{% endfor %}</ol>\n\
{% for a in articles %}<article id=\"{{ a.slug }}\"><h2>{{ a.title }}</h2>{{ a.content | safe }}</article>\n{% endfor %}</body></html>\n",
    ),
    (
        "themes/mini/templates/taxonomy.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ taxonomy.title }}</h1>\n\
{% for t in taxonomy.terms %}<li><a href=\"{{ t.url }}\">{{ t.name }}</a> ({{ t.count }})</li>\n{% endfor %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/term.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ term.name }}{% if term.count %} ({{ term.count }}){% endif %}</h1>\n\
{% for a in articles %}<li><a href=\"{{ a.url }}\">{{ a.title }}</a></li>\n{% endfor %}{% include \"nav.html\" %}{% endblock content %}",
    ),
    (
        "themes/mini/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Not found</h1>{% endblock content %}",
    ),
    ("themes/mini/static/style.css", "body { color: black; }\n"),
];

/// Writes `files` into a fresh temporary site. The mini theme is added, and selected in
/// `bulletin.toml` unless the files give a configuration of their own.
/// [`site`], from files whose paths and texts were made at run time.
pub fn site_of(files: &[(String, String)]) -> TempDir {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site(&refs)
}

pub fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let has_config = files.iter().any(|(p, _)| *p == "bulletin.toml");
    let config = [("bulletin.toml", "theme = \"mini\"\n")];
    let extra: &[(&str, &str)] = if has_config { &[] } else { &config };
    for (path, text) in MINI_THEME.iter().chain(extra).chain(files) {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

/// Writes one file, creating its folders.
pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
    std::fs::write(path, bytes).expect("write file");
}

/// Reads a file of a built site as text.
pub fn read(root: &Path, path: &str) -> String {
    let path = root.join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds the site in `root` into `root/output`, expecting success.
pub fn build_ok(root: &Path, args: &[&str]) {
    bulletin()
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .assert()
        .success();
}

/// Builds the site in `root`, expecting a content or template error; returns the report.
pub fn build_fails(root: &Path) -> String {
    let output = bulletin()
        .arg("build")
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .assert()
        .code(1);
    String::from_utf8(output.get_output().stderr.clone()).expect("reports are UTF-8")
}

/// Builds the repository's sample site into a temporary folder, quietly: a quiet build
/// prints nothing.
pub fn build_sample() -> TempDir {
    let out = tempfile::tempdir().expect("temporary folder");
    let assert = bulletin()
        .args([
            "build",
            "--quiet",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
        ])
        .arg(out.path())
        .assert()
        .success();
    assert!(
        assert.get_output().stdout.is_empty(),
        "--quiet prints nothing"
    );
    out
}

/// Every file under `dir`, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the tree");
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(dir)
                .expect("inside dir")
                .to_path_buf();
            files.insert(relative, std::fs::read(entry.path()).expect("read file"));
        }
    }
    files
}

/// The folder of a test's fixture site.
pub fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// Compares a whole built tree with `tests/golden/<case>/`; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden_tree(case: &str, built: &Path) {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(case);
    let actual = tree(built);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (path, bytes) in &actual {
            write(&golden, &path.to_string_lossy(), bytes);
        }
        return;
    }
    let expected = tree(&golden);
    let names = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&actual),
        names(&expected),
        "the set of files differs from tests/golden/{case}"
    );
    for (path, bytes) in &expected {
        assert_eq!(
            String::from_utf8_lossy(&actual[path]),
            String::from_utf8_lossy(bytes),
            "{} differs from tests/golden/{case} (UPDATE_GOLDEN=1 rewrites it)",
            path.display()
        );
    }
}

/// Compares text with `tests/golden/<name>`; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden_text(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        write(
            path.parent().expect("golden folder"),
            &path.file_name().unwrap().to_string_lossy(),
            actual.as_bytes(),
        );
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        actual,
        expected,
        "differs from {} (UPDATE_GOLDEN=1 rewrites it)",
        path.display()
    );
}

/// Every file under `dir`, by path relative to it, with its modification time.
pub fn times(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    tree(dir)
        .into_keys()
        .map(|p| {
            let time = std::fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
            (p, time)
        })
        .collect()
}
