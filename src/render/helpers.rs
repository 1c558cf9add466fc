//! Template helpers available to every template, for sites that write their own archive pages:
//! `group_by_period` (a filter) and `calendar` (a function).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Weekday};
use serde::Serialize;
use tera::{Value, from_value, to_value};

use super::context::CalendarView;
use super::jobs::archive_url;
use crate::config::Config;
use crate::i18n::Locale;
use crate::site::Site;
use crate::site::dates::{self, Period};

/// Registers the helpers on `tera`, with the site's archive counts.
pub fn register(tera: &mut tera::Tera, config: &Config, site: &Site) {
    let archive_root = format!("{}archive/", config.base_path);
    tera.register_filter(
        "group_by_period",
        GroupByPeriod {
            locale: config.locale.clone(),
            archive_root,
        },
    );
    tera.register_filter("scope_ids", ScopeIds);
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
    tera.register_function(
        "calendar",
        Calendar {
            locale: config.locale.clone(),
            week_start: config.week_start,
            archives,
        },
    );
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

impl tera::Filter for GroupByPeriod {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let period = args
            .get("period")
            .and_then(Value::as_str)
            .unwrap_or("month");
        let depth = match period {
            "year" => 1,
            "month" => 2,
            "day" => 3,
            other => {
                return Err(tera::Error::msg(format!(
                    "group_by_period: period must be \"year\", \"month\" or \"day\", not {other:?}"
                )));
            }
        };
        let articles: Vec<Value> = from_value(value.clone())
            .map_err(|_| tera::Error::msg("group_by_period expects a list of articles"))?;
        let mut groups: Vec<Group> = Vec::new();
        for article in articles {
            let field = |name: &str| article.get(name).and_then(Value::as_i64);
            let (Some(year), Some(month), Some(day)) =
                (field("year"), field("month"), field("day"))
            else {
                return Err(tera::Error::msg(
                    "group_by_period expects articles with year, month and day",
                ));
            };
            let key = (
                year,
                (depth > 1).then_some(month),
                (depth > 2).then_some(day),
            );
            match groups.last_mut() {
                Some(group) if (group.year, group.month, group.day) == key => {
                    group.articles.push(article)
                }
                _ => groups.push(self.group(key, article)),
            }
        }
        Ok(to_value(groups)?)
    }
}

impl GroupByPeriod {
    fn group(&self, (year, month, day): (i64, Option<i64>, Option<i64>), first: Value) -> Group {
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

impl tera::Filter for ScopeIds {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let html = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("scope_ids expects HTML text"))?;
        let prefix = match args.get("prefix") {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => {
                return Err(tera::Error::msg(
                    "scope_ids needs a prefix, as in scope_ids(prefix=\"a1\")",
                ));
            }
        };
        let scoped = html
            .replace(" id=\"", &format!(" id=\"{prefix}-"))
            .replace(" href=\"#", &format!(" href=\"#{prefix}-"));
        Ok(Value::String(scoped))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `calendar(year=2017, month=9, section="news")`: the weeks of a month with the number of
/// articles of each day, as on the month pages. `section` picks a section's archive.
struct Calendar {
    locale: Locale,
    week_start: Weekday,
    /// Archive URL and day counts, by section name (`None` for the whole site).
    archives: HashMap<Option<String>, (String, BTreeMap<NaiveDate, usize>)>,
}

impl tera::Function for Calendar {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let number = |name: &str| args.get(name).and_then(Value::as_i64);
        let (Some(year), Some(month)) = (number("year"), number("month")) else {
            return Err(tera::Error::msg(
                "calendar needs year and month, as in calendar(year=2017, month=9)",
            ));
        };
        let section = args
            .get("section")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some((root, counts)) = self.archives.get(&section) else {
            return Err(tera::Error::msg(format!(
                "calendar: no archive for section {section:?}"
            )));
        };
        let weeks = dates::calendar(
            |date| counts.get(&date).copied().unwrap_or(0),
            year as i32,
            month as u32,
            self.week_start,
        );
        let view = CalendarView::new(&self.locale, self.week_start, &weeks, |date| {
            format!("{root}{}", Period::Day(date).path())
        });
        Ok(to_value(view)?)
    }

    fn is_safe(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use tera::{Filter, Function};

    fn english() -> Locale {
        Locale::load(Path::new("/nonexistent"), "en").unwrap()
    }

    fn article(year: i64, month: i64, day: i64, title: &str) -> Value {
        serde_json::json!({ "year": year, "month": month, "day": day, "title": title })
    }

    #[test]
    fn group_by_month_keeps_the_order_and_labels_each_group() {
        let filter = GroupByPeriod {
            locale: english(),
            archive_root: "/archive/".into(),
        };
        let list = Value::Array(vec![
            article(2017, 9, 20, "c"),
            article(2017, 9, 18, "b"),
            article(2017, 8, 1, "a"),
        ]);
        let groups = filter.filter(&list, &HashMap::new()).unwrap();
        assert_eq!(groups[0]["label"], "September 2017");
        assert_eq!(groups[0]["url"], "/archive/2017/09/");
        assert_eq!(groups[0]["articles"].as_array().unwrap().len(), 2);
        assert_eq!(groups[1]["label"], "August 2017");
        let by_year = filter
            .filter(
                &list,
                &HashMap::from([("period".into(), Value::from("year"))]),
            )
            .unwrap();
        assert_eq!(by_year.as_array().unwrap().len(), 1);
        assert_eq!(by_year[0]["url"], "/archive/2017/");
    }

    #[test]
    fn group_by_period_rejects_an_unknown_period() {
        let filter = GroupByPeriod {
            locale: english(),
            archive_root: "/archive/".into(),
        };
        let args = HashMap::from([("period".into(), Value::from("week"))]);
        assert!(filter.filter(&Value::Array(vec![]), &args).is_err());
    }

    #[test]
    fn scope_ids_prefixes_ids_and_same_page_links() {
        let html = Value::from(
            "<h2 id=\"x\">X</h2><sup><a href=\"#1\">1</a></sup><a href=\"/p/#y\">p</a>",
        );
        let args = HashMap::from([("prefix".into(), Value::from("a2"))]);
        let scoped = ScopeIds.filter(&html, &args).unwrap();
        assert_eq!(
            scoped,
            "<h2 id=\"a2-x\">X</h2><sup><a href=\"#a2-1\">1</a></sup><a href=\"/p/#y\">p</a>"
        );
    }

    #[test]
    fn calendar_function_counts_days_of_the_chosen_archive() {
        let date = NaiveDate::from_ymd_opt(2017, 9, 18).unwrap();
        let calendar = Calendar {
            locale: english(),
            week_start: Weekday::Mon,
            archives: HashMap::from([(
                None,
                ("/archive/".to_string(), BTreeMap::from([(date, 3)])),
            )]),
        };
        let args = HashMap::from([
            ("year".into(), Value::from(2017)),
            ("month".into(), Value::from(9)),
        ]);
        let view = calendar.call(&args).unwrap();
        assert_eq!(view["weekdays"][0], "Mon");
        let monday = &view["weeks"][3][0];
        assert_eq!(monday["count"], 3);
        assert_eq!(monday["url"], "/archive/2017/09/18/");
        let news = HashMap::from([
            ("year".into(), Value::from(2017)),
            ("month".into(), Value::from(9)),
            ("section".into(), Value::from("news")),
        ]);
        assert!(calendar.call(&news).is_err(), "no such archive");
    }
}
