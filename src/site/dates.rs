//! Date archives: the articles of the whole site, or of one section, by year, month and day in
//! the site's time zone.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::content::Article;
use crate::site::pagination::Order;

/// A year, a month or a day of an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl Period {
    /// The path of the period below the archive's URL: `2017/`, `2017/09/`, `2017/09/18/`.
    pub fn path(self) -> String {
        let mut path = String::with_capacity(11);
        self.push_path(&mut path);
        path
    }

    /// Appends [`Period::path`] to `out`.
    pub fn push_path(self, out: &mut String) {
        use std::fmt::Write;
        let (year, rest) = match self {
            Period::Year(year) => (year, None),
            Period::Month(year, month) => (year, Some((month, None))),
            Period::Day(date) => (date.year(), Some((date.month(), Some(date.day())))),
        };
        // Writing to a String cannot fail.
        let _ = write!(out, "{year:04}/");
        for number in rest
            .into_iter()
            .flat_map(|(m, d)| std::iter::once(m).chain(d))
        {
            out.push(char::from(b'0' + (number / 10) as u8));
            out.push(char::from(b'0' + (number % 10) as u8));
            out.push('/');
        }
    }

    /// The year the period falls in.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(year) | Period::Month(year, _) => year,
            Period::Day(date) => date.year(),
        }
    }
}

/// One month of an archive.
#[derive(Debug, Default)]
pub struct Month {
    /// Each day's articles in time order, oldest first.
    pub days: BTreeMap<u32, Vec<usize>>,
    /// The month's articles, newest first.
    pub articles: Vec<usize>,
}

/// One year of an archive.
#[derive(Debug, Default)]
pub struct Year {
    pub months: BTreeMap<u32, Month>,
    /// The year's articles, newest first.
    pub articles: Vec<usize>,
}

/// The date archive of the whole site (`section` is `None`) or of one section.
#[derive(Debug)]
pub struct Archive {
    /// The index of the section in `Site::sections`, for per-section archives.
    pub section: Option<usize>,
    pub years: BTreeMap<i32, Year>,
    /// Every month and every day with articles, oldest first, to find neighbours.
    months: Vec<(i32, u32)>,
    days: Vec<NaiveDate>,
}

impl Archive {
    /// Builds the archive of the given articles; `indices` must be newest first.
    pub fn new(section: Option<usize>, articles: &[Article], indices: &[usize]) -> Archive {
        let mut years: BTreeMap<i32, Year> = BTreeMap::new();
        for &index in indices {
            let date = articles[index].date.date_naive();
            let year = years.entry(date.year()).or_default();
            year.articles.push(index);
            let month = year.months.entry(date.month()).or_default();
            month.articles.push(index);
            month.days.entry(date.day()).or_default().push(index);
        }
        let mut months = Vec::new();
        let mut days = Vec::new();
        for (&y, year) in &mut years {
            for (&m, month) in &mut year.months {
                months.push((y, m));
                for (&d, list) in &mut month.days {
                    list.reverse();
                    days.push(NaiveDate::from_ymd_opt(y, m, d).expect("taken from a real date"));
                }
            }
        }
        Archive {
            section,
            years,
            months,
            days,
        }
    }

    /// How many articles the archive holds.
    pub fn count(&self) -> usize {
        self.years.values().map(|y| y.articles.len()).sum()
    }

    /// Every period with articles: years, months and days, each oldest first.
    pub fn periods(&self) -> impl Iterator<Item = Period> + '_ {
        let years = self.years.keys().map(|&y| Period::Year(y));
        let months = self.months.iter().map(|&(y, m)| Period::Month(y, m));
        years
            .chain(months)
            .chain(self.days.iter().map(|&d| Period::Day(d)))
    }

    /// The articles of a period: newest first for years and months, in time order for days.
    pub fn articles(&self, period: Period) -> &[usize] {
        let found = match period {
            Period::Year(y) => self.years.get(&y).map(|year| &year.articles),
            Period::Month(y, m) => self.month(y, m).map(|month| &month.articles),
            Period::Day(date) => self
                .month(date.year(), date.month())
                .and_then(|month| month.days.get(&date.day())),
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// The order of [`Archive::articles`] for `period`.
    pub fn order(period: Period) -> Order {
        match period {
            Period::Day(_) => Order::OldestFirst,
            _ => Order::NewestFirst,
        }
    }

    /// A month of the archive, if it has articles.
    pub fn month(&self, year: i32, month: u32) -> Option<&Month> {
        self.years.get(&year)?.months.get(&month)
    }

    /// The nearest earlier and later periods of the same kind that have articles.
    pub fn neighbours(&self, period: Period) -> (Option<Period>, Option<Period>) {
        fn around<T: Ord + Copy>(list: &[T], key: T) -> (Option<T>, Option<T>) {
            let at = list.partition_point(|&k| k < key);
            let earlier = at.checked_sub(1).map(|i| list[i]);
            let later_at = if list.get(at) == Some(&key) {
                at + 1
            } else {
                at
            };
            (earlier, list.get(later_at).copied())
        }
        match period {
            Period::Year(y) => {
                let earlier = self
                    .years
                    .range(..y)
                    .next_back()
                    .map(|(&y, _)| Period::Year(y));
                let later = self
                    .years
                    .range(y + 1..)
                    .next()
                    .map(|(&y, _)| Period::Year(y));
                (earlier, later)
            }
            Period::Month(y, m) => {
                let (earlier, later) = around(&self.months, (y, m));
                (
                    earlier.map(|(y, m)| Period::Month(y, m)),
                    later.map(|(y, m)| Period::Month(y, m)),
                )
            }
            Period::Day(date) => {
                let (earlier, later) = around(&self.days, date);
                (earlier.map(Period::Day), later.map(Period::Day))
            }
        }
    }
}

/// One day cell of a month calendar; `None` cells pad the first and last weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub count: usize,
}

impl Archive {
    /// How many articles a day has.
    pub fn day_count(&self, date: NaiveDate) -> usize {
        self.articles(Period::Day(date)).len()
    }
}

/// The weeks of a month as rows of seven cells, starting on `week_start`, with the number of
/// articles of each day as `count` gives it.
pub fn calendar(
    count: impl Fn(NaiveDate) -> usize,
    year: i32,
    number: u32,
    week_start: Weekday,
) -> Vec<[Option<CalendarDay>; 7]> {
    let Some(first) = NaiveDate::from_ymd_opt(year, number, 1) else {
        return Vec::new();
    };
    let offset =
        (first.weekday().num_days_from_monday() + 7 - week_start.num_days_from_monday()) % 7;
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    let mut slot = offset as usize;
    let mut date = first;
    while date.month() == number {
        week[slot] = Some(CalendarDay {
            date,
            count: count(date),
        });
        slot += 1;
        if slot == 7 {
            weeks.push(week);
            week = [None; 7];
            slot = 0;
        }
        date = date
            .succ_opt()
            .expect("dates in a calendar month have a successor");
    }
    if slot > 0 {
        weeks.push(week);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use std::path::Path;

    #[test]
    fn period_paths_have_fixed_width_numbers() {
        let day = NaiveDate::from_ymd_opt(2017, 9, 8).unwrap();
        assert_eq!(Period::Year(2017).path(), "2017/");
        assert_eq!(Period::Year(987).path(), "0987/");
        assert_eq!(Period::Month(2017, 9).path(), "2017/09/");
        assert_eq!(Period::Month(2017, 12).path(), "2017/12/");
        assert_eq!(Period::Day(day).path(), "2017/09/08/");
        let mut url = String::from("/archive/");
        Period::Day(day.with_day(30).unwrap()).push_path(&mut url);
        assert_eq!(url, "/archive/2017/09/30/");
    }

    fn articles(dates: &[&str]) -> Vec<Article> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bulletin.toml"),
            "timezone = \"Asia/Shanghai\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path(), &Overrides::default()).unwrap();
        let mut list: Vec<Article> = dates
            .iter()
            .enumerate()
            .map(|(i, date)| {
                let text = format!("+++\ntitle = \"T{i}\"\ndate = \"{date}\"\n+++\n");
                Article::parse(
                    &config,
                    Path::new(&format!("content/news/a{i}.md")),
                    "news",
                    &text,
                )
                .unwrap()
            })
            .collect();
        list.sort_by_key(|a| std::cmp::Reverse(a.date));
        list
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn new_year_boundary_in_the_site_zone() {
        let list = articles(&[
            "2016-12-31 23:59:00",
            "2017-01-01 00:00:00",
            "2016-12-31T16:30:00Z",
        ]);
        let archive = Archive::new(None, &list, &[0, 1, 2]);
        assert_eq!(
            archive.years.keys().copied().collect::<Vec<_>>(),
            [2016, 2017]
        );
        assert_eq!(archive.articles(Period::Year(2016)).len(), 1);
        assert_eq!(
            archive.articles(Period::Day(day(2017, 1, 1))).len(),
            2,
            "16:30 UTC is 00:30 in Shanghai"
        );
    }

    #[test]
    fn day_lists_are_in_time_order_and_months_newest_first() {
        let list = articles(&[
            "2017-09-18 10:00:00",
            "2017-09-18 08:00:00",
            "2017-09-20 09:00:00",
        ]);
        let archive = Archive::new(None, &list, &[0, 1, 2]);
        let times: Vec<String> = archive
            .articles(Period::Day(day(2017, 9, 18)))
            .iter()
            .map(|&i| list[i].date.format("%H").to_string())
            .collect();
        assert_eq!(times, ["08", "10"]);
        let month = archive.articles(Period::Month(2017, 9));
        assert_eq!(list[month[0]].date.format("%d").to_string(), "20");
    }

    #[test]
    fn neighbours_skip_empty_periods() {
        let list = articles(&["2015-03-01", "2017-09-18", "2017-11-02", "2019-01-07"]);
        let archive = Archive::new(None, &list, &[0, 1, 2, 3]);
        assert_eq!(
            archive.neighbours(Period::Year(2017)),
            (Some(Period::Year(2015)), Some(Period::Year(2019)))
        );
        assert_eq!(
            archive.neighbours(Period::Month(2017, 9)),
            (Some(Period::Month(2015, 3)), Some(Period::Month(2017, 11)))
        );
        assert_eq!(
            archive.neighbours(Period::Day(day(2019, 1, 7))),
            (Some(Period::Day(day(2017, 11, 2))), None)
        );
        assert_eq!(archive.neighbours(Period::Year(2015)).0, None);
    }

    #[test]
    fn periods_list_every_year_month_and_day_once() {
        let list = articles(&["2016-02-29", "2016-02-29 12:00:00", "2017-01-01"]);
        let archive = Archive::new(None, &list, &[0, 1, 2]);
        let periods: Vec<Period> = archive.periods().collect();
        assert_eq!(periods.len(), 2 + 2 + 2);
        assert!(periods.contains(&Period::Day(day(2016, 2, 29))));
        assert_eq!(archive.count(), 3);
    }

    #[test]
    fn calendar_of_september_2017_starts_on_friday_column_for_monday_weeks() {
        let list = articles(&["2017-09-18 10:00:00", "2017-09-18 11:00:00"]);
        let archive = Archive::new(None, &list, &[0, 1]);
        let weeks = calendar(|d| archive.day_count(d), 2017, 9, Weekday::Mon);
        assert_eq!(weeks.len(), 5);
        assert_eq!(
            weeks[0][4].unwrap().date,
            day(2017, 9, 1),
            "1 September 2017 was a Friday"
        );
        assert!(weeks[0][3].is_none());
        let eighteenth = weeks[3][0].unwrap();
        assert_eq!((eighteenth.date, eighteenth.count), (day(2017, 9, 18), 2));
        assert_eq!(weeks[4][5].unwrap().date, day(2017, 9, 30));
        let sunday_weeks = calendar(|_| 0, 2017, 9, Weekday::Sun);
        assert_eq!(sunday_weeks[0][5].unwrap().date, day(2017, 9, 1));
        assert_eq!(sunday_weeks[3][1].unwrap().count, 0);
    }

    #[test]
    fn leap_day_calendar_has_29_days() {
        let weeks = calendar(|_| 0, 2016, 2, Weekday::Mon);
        let days: Vec<_> = weeks.iter().flatten().flatten().collect();
        assert_eq!(days.len(), 29);
    }
}
