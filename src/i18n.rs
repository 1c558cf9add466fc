//! Names of months and weekdays, date headings and interface labels, per language. Each language
//! is a TOML file: the built-in ones live in `src/locales/`, and a site may add or replace one
//! with `i18n/<language>.toml`. Adding a language is adding names, not code.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{self, Error, Location, Result};

const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("locales/en.toml")),
    ("zh", include_str!("locales/zh.toml")),
];

/// The names and labels of one language, handed to templates as `i18n`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locale {
    pub months: Vec<String>,
    pub months_short: Vec<String>,
    /// Monday first.
    pub weekdays: Vec<String>,
    pub weekdays_short: Vec<String>,
    pub formats: Formats,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// How the headings of a year, month and day are written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    pub year: String,
    pub month: String,
    pub day: String,
    pub day_short: String,
}

impl Locale {
    /// The locale for a language tag such as `zh-Hans`: the site's `i18n/zh-Hans.toml`, else its
    /// `i18n/zh.toml`, else the built-in `zh`, else English. Labels a site's file leaves out come
    /// from the built-in locale of its language, where there is one, then from English.
    pub fn load(root: &Path, language: &str) -> Result<Locale> {
        let english = parse(Path::new("en.toml"), BUILT_IN[0].1)?;
        let primary = language.split('-').next().unwrap_or(language);
        // The site's own file, the first there is, and the built-in locale of the language.
        let mut own = None;
        for tag in [language, primary] {
            let path = root.join("i18n").join(format!("{tag}.toml"));
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(Error::io("read", &path))?;
                own = Some((path.strip_prefix(root).unwrap_or(&path).to_path_buf(), text));
                break;
            }
        }
        let built_in = [language, primary]
            .iter()
            .find_map(|tag| BUILT_IN.iter().find(|(name, _)| name == tag))
            .map(|(name, text)| parse(Path::new(&format!("src/locales/{name}.toml")), text))
            .transpose()?;
        // Labels the site's file leaves out: the built-in locale's first, then English.
        let (mut locale, built_in) = match (own, built_in) {
            (Some((path, text)), built_in) => (parse(&path, &text)?, built_in),
            (None, Some(built_in)) => (built_in, None),
            (None, None) => return Ok(english),
        };
        for labels in built_in
            .into_iter()
            .map(|l| l.labels)
            .chain([english.labels])
        {
            for (key, value) in labels {
                locale.labels.entry(key).or_insert(value);
            }
        }
        Ok(locale)
    }

    /// The name of month `month` (1 to 12).
    pub fn month_name(&self, month: u32) -> &str {
        &self.months[(month as usize).clamp(1, 12) - 1]
    }

    /// "2017", or "2017年".
    pub fn year_heading(&self, year: i32) -> String {
        self.fill(&self.formats.year, year, 1, 1)
    }

    /// "September 2017", or "2017年9月".
    pub fn month_heading(&self, year: i32, month: u32) -> String {
        self.fill(&self.formats.month, year, month, 1)
    }

    /// "Monday, 18 September 2017", or "2017年9月18日".
    pub fn day_heading(&self, year: i32, month: u32, day: u32) -> String {
        self.fill(&self.formats.day, year, month, day)
    }

    /// "18", or "18日", as in a breadcrumb below the month.
    pub fn day_short(&self, year: i32, month: u32, day: u32) -> String {
        self.fill(&self.formats.day_short, year, month, day)
    }

    /// A label of the interface, or the key itself if no locale defines it.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }

    /// Fills `{year}`, `{month_name}`, `{month}`, `{day}` and `{weekday}` in `format`, in one
    /// pass; other text, and braces around other words, stay as written.
    fn fill(&self, format: &str, year: i32, month: u32, day: u32) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(format.len() + 16);
        let mut rest = format;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let name = after.find('}').map(|close| &after[1..close]);
            let _ = match name {
                Some("year") => write!(out, "{year}"),
                Some("month_name") => write!(out, "{}", self.month_name(month)),
                Some("month") => write!(out, "{month}"),
                Some("day") => write!(out, "{day}"),
                Some("weekday") => {
                    let weekday = NaiveDate::from_ymd_opt(year, month, day).map_or("", |d| {
                        self.weekdays[d.weekday().num_days_from_monday() as usize].as_str()
                    });
                    write!(out, "{weekday}")
                }
                _ => {
                    out.push('{');
                    rest = &after[1..];
                    continue;
                }
            };
            rest = &after[name.map_or(1, |n| n.len() + 2)..];
        }
        out.push_str(rest);
        out
    }
}

fn parse(path: &Path, text: &str) -> Result<Locale> {
    let locale: Locale = toml::from_str(text).map_err(|e| error::from_toml(path, text, 1, &e))?;
    let counts = [
        ("months", locale.months.len(), 12),
        ("months_short", locale.months_short.len(), 12),
        ("weekdays", locale.weekdays.len(), 7),
        ("weekdays_short", locale.weekdays_short.len(), 7),
    ];
    for (key, found, wanted) in counts {
        if found != wanted {
            return Err(Error::at(
                Location::file(path),
                format!("`{key}` has {found} names; it needs {wanted}"),
            ));
        }
    }
    Ok(locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(language: &str) -> Locale {
        Locale::load(Path::new("/nonexistent"), language).unwrap()
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        let en = load("en");
        assert_eq!(
            en.fill(
                "{weekday}, {day} {month_name} {year} ({month}) {other} {",
                2017,
                9,
                18
            ),
            "Monday, 18 September 2017 (9) {other} {"
        );
        assert_eq!(
            en.fill("{year}年{month}月{day}日", 2017, 9, 18),
            "2017年9月18日"
        );
    }

    #[test]
    fn english_headings() {
        let en = load("en");
        assert_eq!(en.month_heading(2017, 9), "September 2017");
        assert_eq!(en.day_heading(2017, 9, 18), "Monday, 18 September 2017");
        assert_eq!(en.label("home"), "Home");
    }

    #[test]
    fn chinese_headings_for_any_chinese_tag() {
        let zh = load("zh-Hans");
        assert_eq!(zh.day_heading(2017, 9, 18), "2017年9月18日");
        assert_eq!(zh.month_heading(2017, 9), "2017年9月");
        assert_eq!(zh.weekdays_short[0], "一");
        assert_eq!(zh.label("archive"), "归档");
    }

    #[test]
    fn unknown_language_falls_back_to_english() {
        assert_eq!(load("tlh").month_name(1), "January");
    }

    #[test]
    fn a_site_adds_a_language_with_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        let french = BUILT_IN[0]
            .1
            .replace("\"September\"", "\"septembre\"")
            .replace("home = \"Home\"\n", "");
        std::fs::write(dir.path().join("i18n/fr.toml"), french).unwrap();
        let fr = Locale::load(dir.path(), "fr").unwrap();
        assert_eq!(fr.month_name(9), "septembre");
        assert_eq!(fr.label("home"), "Home", "missing labels come from English");
    }

    #[test]
    fn a_site_file_for_a_built_in_language_takes_missing_labels_from_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        let zh = BUILT_IN[1].1;
        let start = zh.find("[labels]").unwrap();
        let own = format!("{}[labels]\nhome = \"本站首页\"\n", &zh[..start]);
        std::fs::write(dir.path().join("i18n/zh.toml"), own).unwrap();
        let site = Locale::load(dir.path(), "zh-Hans").unwrap();
        assert_eq!(site.label("home"), "本站首页", "the site's own label");
        assert_eq!(
            site.label("archive"),
            "归档",
            "left out: the built-in Chinese label"
        );
    }

    #[test]
    fn wrong_number_of_names_is_an_error() {
        let text = BUILT_IN[0]
            .1
            .replace("\"Sunday\"]", "]")
            .replace("\"Sun\"]", "]");
        let err = parse(Path::new("i18n/xx.toml"), &text.replace(", ]", "]")).unwrap_err();
        assert!(err.to_string().contains("needs 7"), "{err}");
    }
}
