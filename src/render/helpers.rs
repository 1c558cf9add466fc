//! Template helpers available to every template, for sites that write their own archive pages:
//! `group_by_period` and `scope_ids` and `date` (filters) and `calendar` (a function).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use chrono::{NaiveDate, Weekday};
use serde::Serialize;
use tera::{Kwargs, State, TeraResult, Value};

use super::context::{CalendarView, value};
use super::jobs::archive_url;
use crate::config::Config;
use crate::i18n::Locale;
use crate::site::Site;
use crate::site::dates::{self, Period};

/// Registers the helpers on `tera`. `calendar()` reads the archives given later to the
/// returned [`ArchiveCounts`], once the site is loaded: Tera wants every helper a template
/// names before it takes the templates.
pub fn register(tera: &mut tera::Tera, config: &Config) -> ArchiveCounts {
    let archive_root = format!("{}archive/", config.base_path);
    let grouping = GroupByPeriod {
        locale: config.locale.clone(),
        archive_root,
    };
    tera.register_filter(
        "group_by_period",
        move |list: Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let period = kwargs.get::<&str>("period")?.unwrap_or("month");
            grouping.group(&list, period).map_err(tera::Error::message)
        },
    );
    tera.register_filter("scope_ids", ScopeIds);
    tera.register_filter(
        "date",
        |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
            format_date(text, format).map_err(tera::Error::message)
        },
    );
    let counts = ArchiveCounts::default();
    let slot = counts.clone();
    let (locale, week_start) = (config.locale.clone(), config.week_start);
    tera.register_function(
        "calendar",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let year = kwargs.get::<i64>("year")?;
            let month = kwargs.get::<i64>("month")?;
            let section = kwargs.get::<&str>("section")?;
            let archives = slot.0.get().ok_or_else(|| {
                tera::Error::message("calendar() is only available when pages are rendered")
            })?;
            let calendar = Calendar {
                locale: &locale,
                week_start,
                archives,
            };
            calendar
                .month(year, month, section)
                .map_err(tera::Error::message)
        },
    );
    counts
}

/// Archive URL and day counts, by section name (`None` for the whole site).
type Archives = HashMap<Option<String>, (String, BTreeMap<NaiveDate, usize>)>;

/// The archives `calendar()` counts from, given once the site is loaded.
#[derive(Clone, Default)]
pub struct ArchiveCounts(Arc<OnceLock<Archives>>);

impl ArchiveCounts {
    /// Counts the articles of every day of every archive of `site`.
    pub fn fill(&self, config: &Config, site: &Site) {
        let mut archives = HashMap::new();
        for (index, archive) in site.archives.iter().enumerate() {
            let key = archive
                .section
                .map(|s| site.sections[s].section.name.clone());
            let counts: BTreeMap<NaiveDate, usize> = archive
                .periods()
                .filter_map(|period| match period {
                    Period::Day(date) => Some((date, archive.articles(period).len())),
                    _ => None,
                })
                .collect();
            archives.insert(key, (archive_url(config, site, index), counts));
        }
        // A second build of the same templates keeps the first site's counts; every build
        // loads its templates afresh.
        let _ = self.0.set(archives);
    }
}

/// `date | date(format="%H:%M")`: an RFC 3339 date and time (`date_iso`, as the article
/// views give it) formatted with chrono's `strftime` codes, in the time zone it was written
/// with.
fn format_date(text: &str, format: &str) -> Result<String, String> {
    let date = chrono::DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("date: {text:?} is not an RFC 3339 date and time ({e})"))?;
    let items: Vec<chrono::format::Item> = chrono::format::StrftimeItems::new(format).collect();
    if items.contains(&chrono::format::Item::Error) {
        return Err(format!("date: {format:?} is not a valid format"));
    }
    Ok(date.format_with_items(items.into_iter()).to_string())
}

/// `articles | group_by_period(period="month")`: consecutive articles of the same year, month
/// or day gathered under a heading, in the order given.
struct GroupByPeriod {
    locale: Locale,
    archive_root: String,
}

#[derive(Serialize)]
struct Group {
    label: String,
    url: String,
    year: i64,
    month: Option<i64>,
    day: Option<i64>,
    articles: Vec<Value>,
}

impl GroupByPeriod {
    fn group(&self, list: &Value, period: &str) -> Result<Value, String> {
        let depth = match period {
            "year" => 1,
            "month" => 2,
            "day" => 3,
            other => {
                return Err(format!(
                    "group_by_period: period must be \"year\", \"month\" or \"day\", not {other:?}"
                ));
            }
        };
        let articles = list
            .as_array()
            .ok_or("group_by_period expects a list of articles")?;
        let mut groups: Vec<Group> = Vec::new();
        for article in articles {
            let field = |name: &str| {
                article
                    .as_map()
                    .and_then(|map| map.get(&tera::value::Key::Str(name)))
                    .and_then(Value::as_i64)
            };
            let (Some(year), Some(month), Some(day)) =
                (field("year"), field("month"), field("day"))
            else {
                return Err("group_by_period expects articles with year, month and day".into());
            };
            let key = (
                year,
                (depth > 1).then_some(month),
                (depth > 2).then_some(day),
            );
            match groups.last_mut() {
                Some(group) if (group.year, group.month, group.day) == key => {
                    group.articles.push(article.clone())
                }
                _ => groups.push(self.heading(key, article.clone())),
            }
        }
        Ok(value(&groups))
    }

    fn heading(&self, (year, month, day): (i64, Option<i64>, Option<i64>), first: Value) -> Group {
        let (y, m, d) = (
            year as i32,
            month.unwrap_or(1) as u32,
            day.unwrap_or(1) as u32,
        );
        let (label, period) = match (month, day) {
            (None, _) => (self.locale.year_heading(y), Period::Year(y)),
            (Some(_), None) => (self.locale.month_heading(y, m), Period::Month(y, m)),
            (Some(_), Some(_)) => (
                self.locale.day_heading(y, m, d),
                NaiveDate::from_ymd_opt(y, m, d).map_or(Period::Month(y, m), Period::Day),
            ),
        };
        Group {
            label,
            url: format!("{}{}", self.archive_root, period.path()),
            year,
            month,
            day,
            articles: vec![first],
        }
    }
}

/// `content | scope_ids(prefix="a1")`: prefixes every `id` and same-page `#link` in an article's
/// HTML, so that several articles can share one page (a print edition) without two elements
/// having the same id.
struct ScopeIds;

impl ScopeIds {
    fn scope(html: &str, prefix: &str) -> String {
        let mut out = String::with_capacity(html.len() + 64);
        let mut done = 0;
        // Attributes are found from their `=`, which is rare in text, so the scan is quick.
        let mut from = 0;
        while let Some(offset) = html[from..].find('=') {
            let at = from + offset;
            from = at + 1;
            let (before, after) = (&html[..at], &html[at + 1..]);
            let value_start = if before.ends_with(" id") && after.starts_with('"') {
                at + 2
            } else if before.ends_with(" href") && after.starts_with("\"#") {
                at + 3
            } else {
                continue;
            };
            out.push_str(&html[done..value_start]);
            out.push_str(prefix);
            out.push('-');
            done = value_start;
        }
        out.push_str(&html[done..]);
        out
    }
}

impl tera::Filter<&str, TeraResult<String>> for ScopeIds {
    fn call(&self, html: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let prefix = kwargs.get::<Value>("prefix")?.ok_or_else(|| {
            tera::Error::message("scope_ids needs a prefix, as in scope_ids(prefix=\"a1\")")
        })?;
        let prefix = match prefix.as_str() {
            Some(text) => text.to_string(),
            None => prefix.to_string(),
        };
        Ok(Self::scope(html, &prefix))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `calendar(year=2017, month=9, section="news")`: the weeks of a month with the number of
/// articles of each day, as on the month pages. `section` picks a section's archive.
struct Calendar<'a> {
    locale: &'a Locale,
    week_start: Weekday,
    archives: &'a Archives,
}

impl Calendar<'_> {
    fn month(
        &self,
        year: Option<i64>,
        month: Option<i64>,
        section: Option<&str>,
    ) -> Result<Value, String> {
        let (Some(year), Some(month)) = (year, month) else {
            return Err("calendar needs year and month, as in calendar(year=2017, month=9)".into());
        };
        let section = section.map(str::to_string);
        let Some((root, counts)) = self.archives.get(&section) else {
            return Err(format!("calendar: no archive for section {section:?}"));
        };
        let weeks = dates::calendar(
            |date| counts.get(&date).copied().unwrap_or(0),
            year as i32,
            month as u32,
            self.week_start,
        );
        let view = CalendarView::new(self.locale, self.week_start, &weeks, |date| {
            format!("{root}{}", Period::Day(date).path())
        });
        Ok(value(&view))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn english() -> Locale {
        Locale::load(Path::new("/nonexistent"), "en").unwrap()
    }

    fn article(year: i64, month: i64, day: i64, title: &str) -> serde_json::Value {
        serde_json::json!({ "year": year, "month": month, "day": day, "title": title })
    }

    fn at<'v>(value: &'v Value, path: &'v str) -> &'v Value {
        value
            .get_from_path(path)
            .unwrap_or_else(|| panic!("no {path} in {value}"))
    }

    #[test]
    fn group_by_month_keeps_the_order_and_labels_each_group() {
        let filter = GroupByPeriod {
            locale: english(),
            archive_root: "/archive/".into(),
        };
        let list = value(&[
            article(2017, 9, 20, "c"),
            article(2017, 9, 18, "b"),
            article(2017, 8, 1, "a"),
        ]);
        let groups = filter.group(&list, "month").unwrap();
        assert_eq!(at(&groups, "0.label").as_str(), Some("September 2017"));
        assert_eq!(at(&groups, "0.url").as_str(), Some("/archive/2017/09/"));
        assert_eq!(at(&groups, "0.articles").len(), Some(2));
        assert_eq!(at(&groups, "1.label").as_str(), Some("August 2017"));
        let by_year = filter.group(&list, "year").unwrap();
        assert_eq!(by_year.len(), Some(1));
        assert_eq!(at(&by_year, "0.url").as_str(), Some("/archive/2017/"));
    }

    #[test]
    fn group_by_period_rejects_an_unknown_period() {
        let filter = GroupByPeriod {
            locale: english(),
            archive_root: "/archive/".into(),
        };
        assert!(filter.group(&value(&[0u8; 0]), "week").is_err());
    }

    #[test]
    fn scope_ids_prefixes_ids_and_same_page_links() {
        let html = "<h2 id=\"x\">X</h2><sup><a href=\"#1\">1</a></sup><a href=\"/p/#y\">p</a>";
        assert_eq!(
            ScopeIds::scope(html, "a2"),
            "<h2 id=\"a2-x\">X</h2><sup><a href=\"#a2-1\">1</a></sup><a href=\"/p/#y\">p</a>"
        );
    }

    #[test]
    fn date_formats_an_rfc_3339_time_in_its_own_zone() {
        assert_eq!(
            format_date("2017-09-18T10:05:20+08:00", "%H:%M").unwrap(),
            "10:05"
        );
        assert!(format_date("yesterday", "%H:%M").is_err());
        assert!(format_date("2017-09-18T10:05:20+08:00", "%Q").is_err());
    }

    #[test]
    fn calendar_function_counts_days_of_the_chosen_archive() {
        let date = NaiveDate::from_ymd_opt(2017, 9, 18).unwrap();
        let locale = english();
        let archives =
            HashMap::from([(None, ("/archive/".to_string(), BTreeMap::from([(date, 3)])))]);
        let calendar = Calendar {
            locale: &locale,
            week_start: Weekday::Mon,
            archives: &archives,
        };
        let view = calendar.month(Some(2017), Some(9), None).unwrap();
        assert_eq!(at(&view, "weekdays.0").as_str(), Some("Mon"));
        assert_eq!(at(&view, "weeks.3.0.count").as_i64(), Some(3));
        assert_eq!(
            at(&view, "weeks.3.0.url").as_str(),
            Some("/archive/2017/09/18/")
        );
        assert!(
            calendar.month(Some(2017), Some(9), Some("news")).is_err(),
            "no such archive"
        );
        assert!(calendar.month(None, Some(9), None).is_err());
    }
}
