//! Date archives: year, month and day pages, calendars, pagination, navigation, print editions.

use std::path::Path;

use crate::support::{build_ok, fixture, read, site, tree, write};

/// The edge-date fixture plus 45 articles on 18 September 2017, built.
fn built_edges(extra_config: &str) -> tempfile::TempDir {
    let dir = site(&[]);
    for (path, bytes) in tree(&fixture("archive_edges")) {
        write(dir.path(), &path.to_string_lossy(), &bytes);
    }
    for i in 0..45 {
        let text = format!(
            "+++\ntitle = \"Busy Day {i:02}\"\ndate = \"2017-09-18 08:{i:02}:00\"\n+++\nItem {i}.\n"
        );
        write(
            dir.path(),
            &format!("content/news/2017/busy-{i:02}.md"),
            text.as_bytes(),
        );
    }
    if !extra_config.is_empty() {
        let config = read(dir.path(), "bulletin.toml") + extra_config;
        write(dir.path(), "bulletin.toml", config.as_bytes());
    }
    build_ok(dir.path(), &[]);
    dir
}

fn page(dir: &Path, path: &str) -> String {
    read(dir, &format!("output/{path}index.html"))
}

fn items(html: &str) -> usize {
    html.lines().filter(|l| l.starts_with("<li>")).count()
}

#[test]
fn archive_lists_years_newest_first_with_months_and_counts() {
    let dir = built_edges("");
    let html = page(dir.path(), "archive/");
    assert!(html.contains("<h1>Archive 50</h1>"), "{html}");
    let y2017 = html.find("(47)</h2>").unwrap();
    let y2016 = html.find("(2)</h2>").unwrap();
    let y2015 = html.find("(1)</h2>").unwrap();
    assert!(y2017 < y2016 && y2016 < y2015, "newest year first: {html}");
    assert!(html.contains("<a class=\"month\" href=\"/archive/2017/09/\">September 2017 (46)</a>"));
    assert!(html.contains("<a class=\"month\" href=\"/archive/2015/06/\">June 2015 (1)</a>"));
}

#[test]
fn year_boundary_falls_in_the_site_time_zone() {
    let dir = built_edges("");
    assert!(page(dir.path(), "archive/2016/12/31/").contains("Year End"));
    assert!(page(dir.path(), "archive/2017/01/01/").contains("New Year"));
    let utc = page(dir.path(), "archive/2017/09/19/");
    assert!(
        utc.contains("Late in UTC") && utc.contains("2017-09-19 00:30:00"),
        "{utc}"
    );
    assert!(!page(dir.path(), "archive/2017/09/18/").contains("Late in UTC"));
}

#[test]
fn leap_day_and_single_article_month_have_pages() {
    let dir = built_edges("");
    assert!(page(dir.path(), "archive/2016/02/29/").contains("Leap Day"));
    let june = page(dir.path(), "archive/2015/06/");
    assert!(june.contains("<h1>June 2015 (1)</h1>"), "{june}");
    assert_eq!(items(&june), 1);
}

#[test]
fn periods_without_articles_have_no_page_and_no_link() {
    let dir = built_edges("");
    let out = dir.path().join("output");
    assert!(!out.join("archive/2017/02").exists());
    assert!(!out.join("archive/2017/09/17").exists());
    assert!(!out.join("archive/2018").exists());
    for (path, bytes) in tree(&out) {
        let html = String::from_utf8_lossy(&bytes);
        assert!(
            !html.contains("/archive/2017/02/"),
            "{} links to an empty month",
            path.display()
        );
        assert!(
            !html.contains("/archive/2017/09/17/"),
            "{} links to an empty day",
            path.display()
        );
    }
}

#[test]
fn day_with_45_articles_is_split_into_pages_in_time_order() {
    let dir = built_edges("");
    // Numbered from the oldest: page 1 holds the first 20 of the day, page 2 the next 20;
    // the day's own page shows the latest 20, in time order.
    let order = |html: &str, titles: &[&str]| {
        let at: Vec<usize> = titles.iter().map(|t| html.find(t).unwrap()).collect();
        at.windows(2).all(|w| w[0] < w[1])
    };
    let front = page(dir.path(), "archive/2017/09/18/");
    assert_eq!(items(&front), 20);
    assert!(
        front.contains("<h1>Monday, 18 September 2017 (45)</h1>"),
        "{front}"
    );
    assert!(order(
        &front,
        &["Busy Day 25", "Busy Day 26", "Busy Day 44"]
    ));
    assert!(!front.contains("Busy Day 24"), "{front}");
    assert!(
        front.contains("<a rel=\"next\" href=\"/archive/2017/09/18/page/2/\">next</a>"),
        "{front}"
    );
    assert!(!front.contains("rel=\"prev\""));
    let second = page(dir.path(), "archive/2017/09/18/page/2/");
    assert_eq!(items(&second), 20);
    assert!(order(&second, &["Busy Day 20", "Busy Day 39"]), "{second}");
    assert!(
        second.contains("<a rel=\"prev\" href=\"/archive/2017/09/18/\">prev</a>"),
        "{second}"
    );
    assert!(second.contains("<a rel=\"next\" href=\"/archive/2017/09/18/page/1/\">"));
    let first = page(dir.path(), "archive/2017/09/18/page/1/");
    assert_eq!(items(&first), 20);
    assert!(order(
        &first,
        &["Busy Day 00", "Busy Day 01", "Busy Day 19"]
    ));
    assert!(!first.contains("Busy Day 20") && !first.contains("rel=\"next\""));
    assert!(
        second.contains("(45)"),
        "every page of a period shows its count"
    );
    assert!(!dir.path().join("output/archive/2017/09/18/page/3").exists());
}

#[test]
fn month_calendar_links_days_with_their_counts() {
    let dir = built_edges("");
    let html = page(dir.path(), "archive/2017/09/");
    assert!(
        html.contains("<tr><th>Mon</th><th>Tue</th>"),
        "Monday first: {html}"
    );
    assert!(
        html.contains("<td><a href=\"/archive/2017/09/18/\">18:45</a></td>"),
        "{html}"
    );
    assert!(html.contains("<td><a href=\"/archive/2017/09/19/\">19:1</a></td>"));
    assert!(
        html.contains("<td>17</td>"),
        "a day without articles is not a link"
    );
    let first_week = html
        .lines()
        .find(|l| l.contains(">1<") || l.contains("<td>1</td>"))
        .unwrap();
    assert!(
        first_week.starts_with("<tr><td></td><td></td><td></td><td></td><td>1</td>"),
        "1 September 2017 was a Friday: {first_week}"
    );
}

#[test]
fn week_start_moves_the_calendar_columns() {
    let dir = built_edges("\n[archive]\nweek_start = \"sunday\"\n");
    let html = page(dir.path(), "archive/2017/09/");
    assert!(html.contains("<tr><th>Sun</th><th>Mon</th>"), "{html}");
    assert!(
        html.contains("<tr><td></td><td></td><td></td><td></td><td></td><td>1</td>"),
        "{html}"
    );
}

#[test]
fn previous_and_next_periods_skip_empty_ones() {
    let dir = built_edges("");
    let y2016 = page(dir.path(), "archive/2016/");
    assert!(
        y2016.contains("<a class=\"earlier\" href=\"/archive/2015/\">2015</a>"),
        "{y2016}"
    );
    assert!(y2016.contains("<a class=\"later\" href=\"/archive/2017/\">2017</a>"));
    let june = page(dir.path(), "archive/2015/06/");
    assert!(
        !june.contains("class=\"earlier\""),
        "nothing before June 2015"
    );
    assert!(
        june.contains("<a class=\"later\" href=\"/archive/2016/02/\">February 2016</a>"),
        "{june}"
    );
    let busy = page(dir.path(), "archive/2017/09/18/");
    assert!(
        busy.contains("href=\"/archive/2017/01/01/\">Sunday, 1 January 2017</a>"),
        "{busy}"
    );
    assert!(busy.contains("href=\"/archive/2017/09/19/\">Tuesday, 19 September 2017</a>"));
}

#[test]
fn breadcrumbs_lead_down_to_the_day() {
    let dir = built_edges("");
    let html = page(dir.path(), "archive/2017/09/18/");
    let trail = "<a class=\"crumb\" href=\"/\">Home</a> &gt; <a class=\"crumb\" href=\"/archive/\">Archive</a> &gt; \
<a class=\"crumb\" href=\"/archive/2017/\">2017</a> &gt; <a class=\"crumb\" href=\"/archive/2017/09/\">September</a> &gt; ";
    assert!(html.contains(trail), "{html}");
}

#[test]
fn year_page_groups_articles_by_month() {
    let dir = built_edges("");
    let html = page(dir.path(), "archive/2016/");
    let december = html
        .find("<h2><a href=\"/archive/2016/12/\">December 2016</a></h2>")
        .unwrap();
    let february = html
        .find("<h2><a href=\"/archive/2016/02/\">February 2016</a></h2>")
        .unwrap();
    assert!(december < february, "{html}");
    assert!(html.contains("<a class=\"month\" href=\"/archive/2016/02/\">February (1)</a>"));
}

#[test]
fn article_links_to_its_day() {
    let dir = built_edges("");
    let html = read(dir.path(), "output/news/2017/09/19/utc-late/index.html");
    assert!(
        html.contains("<a href=\"/archive/2017/09/19/\"><time"),
        "{html}"
    );
}

#[test]
fn print_editions_hold_every_article_of_the_period() {
    let dir = built_edges("");
    let day = page(dir.path(), "archive/2017/09/18/print/");
    assert_eq!(day.matches("<article ").count(), 45);
    assert!(day.contains("Edge Bulletin: Monday, 18 September 2017"));
    assert!(!day.contains("crumb"), "no navigation");
    let month = page(dir.path(), "archive/2017/09/print/");
    assert_eq!(month.matches("<article ").count(), 46);
    assert!(
        month.find("Busy Day 00").unwrap() < month.find("Late in UTC").unwrap(),
        "time order"
    );
    assert!(
        page(dir.path(), "archive/2017/09/18/").contains("href=\"/archive/2017/09/18/print/\"")
    );
    assert!(
        !dir.path().join("output/archive/2017/print").exists(),
        "no yearly edition"
    );
}

#[test]
fn sections_get_archives_of_their_own_unless_turned_off() {
    let dir = built_edges("");
    let news = page(dir.path(), "news/archive/2017/09/");
    assert!(news.contains("<h1>September 2017 (46)</h1>"), "{news}");
    assert!(
        news.contains("<a class=\"crumb\" href=\"/news/\">NEWS</a>"),
        "{news}"
    );
    assert!(page(dir.path(), "notices/archive/").contains("<h1>Archive 2</h1>"));
    assert!(!dir.path().join("output/notices/archive/2017").exists());
    let off = built_edges("\n[archive]\nper_section = false\n");
    assert!(!off.path().join("output/news/archive").exists());
    assert!(
        off.path()
            .join("output/archive/2017/09/18/index.html")
            .exists()
    );
}

#[test]
fn section_listing_is_paginated() {
    // 48 articles: the front shows the newest 20; pages 1 and 2 hold the oldest 40.
    let dir = built_edges("");
    let front = page(dir.path(), "news/");
    assert_eq!(items(&front), 20);
    assert!(
        front.contains("<a rel=\"next\" href=\"/news/page/2/\">next</a>"),
        "{front}"
    );
    assert!(front.contains("<h1>NEWS (48)</h1>"), "{front}");
    let second = page(dir.path(), "news/page/2/");
    assert_eq!(items(&second), 20);
    assert!(
        !second.contains("(48)"),
        "only the front shows the count: {second}"
    );
    assert_eq!(items(&page(dir.path(), "news/page/1/")), 20);
    assert!(!dir.path().join("output/news/page/3").exists());
}

#[test]
fn home_more_link_uses_the_same_pagination() {
    let dir = built_edges("\n[home]\nlatest = 10\n");
    let home = page(dir.path(), "");
    // 50 articles, 10 to a page: pages 1 to 4 hold the oldest 40, and the newest 10 are on
    // the front alone (page 5 comes with the next article).
    assert_eq!(items(&home), 10);
    assert!(
        home.contains("<a rel=\"next\" href=\"/page/4/\">next</a>"),
        "{home}"
    );
    assert!(dir.path().join("output/page/1/index.html").exists());
    let fourth = page(dir.path(), "page/4/");
    assert_eq!(items(&fourth), 10);
    assert!(
        fourth.contains("<a rel=\"prev\" href=\"/\">prev</a>"),
        "{fourth}"
    );
    assert!(!dir.path().join("output/page/5").exists());
}

#[test]
fn chinese_site_names_months_and_days_in_chinese() {
    let dir = site(&[
        (
            "bulletin.toml",
            "theme = \"mini\"\nlanguage = \"zh-Hans\"\ntimezone = \"Asia/Shanghai\"\n",
        ),
        (
            "content/news/a.md",
            "+++\ntitle = \"浙江\"\ndate = \"2017-09-18 10:05:20\"\n+++\n正文。\n",
        ),
    ]);
    build_ok(dir.path(), &[]);
    assert!(page(dir.path(), "archive/2017/09/18/").contains("<h1>2017年9月18日 (1)</h1>"));
    assert!(page(dir.path(), "archive/2017/09/").contains("<tr><th>一</th><th>二</th>"));
    assert!(page(dir.path(), "archive/").contains("2017年"));
}

#[test]
fn every_template_can_group_articles_and_draw_a_calendar() {
    let dir = site(&[
        (
            "content/news/a.md",
            "+++\ntitle = \"A\"\ndate = \"2017-09-18 10:00:00\"\n+++\n",
        ),
        (
            "content/news/b.md",
            "+++\ntitle = \"B\"\ndate = \"2016-05-01 10:00:00\"\n+++\n",
        ),
        (
            "content/notices/c.md",
            "+++\ntitle = \"C\"\ndate = \"2017-09-19 10:00:00\"\n+++\n",
        ),
        (
            "templates/index.html",
            "{% for g in articles | group_by_period(period=\"year\") %}[{{ g.label }}:{{ g.articles | length }}]{% endfor %}\
{% set c = calendar(year=2017, month=9, section=\"news\") %}{% for w in c.weeks %}{% for d in w %}{% if d and d.count %}<{{ d.day }}={{ d.url }}>{% endif %}{% endfor %}{% endfor %}",
        ),
    ]);
    build_ok(dir.path(), &[]);
    assert_eq!(
        read(dir.path(), "output/index.html"),
        "[2017:2][2016:1]<18=/news/archive/2017/09/18/>"
    );
}

#[test]
fn a_single_section_shares_the_site_archive() {
    let dir = site(&[(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = \"2017-09-18\"\n+++\n",
    )]);
    build_ok(dir.path(), &[]);
    assert!(
        dir.path()
            .join("output/archive/2017/09/18/index.html")
            .exists()
    );
    assert!(
        !dir.path().join("output/news/archive").exists(),
        "no duplicate of the site archive"
    );
}
