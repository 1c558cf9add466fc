//! Dates of articles: parsed once, from the forms editors write, into the site's time zone.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// How a date may be written, for hints.
pub const FORMS: &str = "dates are written YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (both in the site's \
    time zone) or RFC 3339 with an offset, such as 2017-09-18T10:05:20+08:00";

/// Parses a date as written in front matter or a file name. Dates with an offset keep their
/// instant; dates without one are read in `zone`. The result is always in `zone`.
pub fn parse(text: &str, zone: Tz) -> Result<DateTime<Tz>, String> {
    let text = text.trim();
    if let Ok(fixed) = DateTime::parse_from_rfc3339(text) {
        return Ok(fixed.with_timezone(&zone));
    }
    if let Ok(fixed) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Ok(fixed.with_timezone(&zone));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(start_of_day(day, zone));
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok());
    let Some(local) = local else {
        return Err(format!("not a valid date: {text:?}"));
    };
    match zone.from_local_datetime(&local) {
        LocalResult::Single(date) => Ok(date),
        // When clocks go back, an hour happens twice: take the first.
        LocalResult::Ambiguous(first, _) => Ok(first),
        LocalResult::None => Err(format!(
            "{text:?} does not exist in {zone}: the clocks skip that time"
        )),
    }
}

/// The first instant of a day in `zone`: midnight, or the first minute after it on days when
/// the clocks skip midnight.
fn start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Tz> {
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists on every date");
    (0..=24 * 60)
        .find_map(|minutes| {
            zone.from_local_datetime(&(midnight + chrono::Duration::minutes(minutes)))
                .earliest()
        })
        .expect("every day has a valid local time")
}

/// The date at the start of a file name written `YYYY-MM-DD-rest`, and the rest.
pub fn from_file_stem(stem: &str) -> Option<(&str, &str)> {
    let date = stem.get(..10)?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    match stem.get(10..) {
        Some("") => Some((date, "")),
        Some(rest) => rest.strip_prefix('-').map(|rest| (date, rest)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};
    use chrono_tz::Asia::Shanghai;
    use chrono_tz::Europe::Paris;

    #[test]
    fn utc_evening_belongs_to_the_next_day_in_shanghai() {
        let date = parse("2017-09-18T23:30:00Z", Shanghai).unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2017, 9, 19));
        assert_eq!(date.hour(), 7);
        assert_eq!(date.to_rfc3339(), "2017-09-19T07:30:00+08:00");
    }

    #[test]
    fn local_date_time_is_read_in_the_site_zone() {
        let date = parse("2017-09-18 10:05:20", Shanghai).unwrap();
        assert_eq!(date.to_rfc3339(), "2017-09-18T10:05:20+08:00");
        let date = parse("2017-09-18T10:05:20", Shanghai).unwrap();
        assert_eq!(date.to_rfc3339(), "2017-09-18T10:05:20+08:00");
    }

    #[test]
    fn date_alone_is_midnight_in_the_site_zone() {
        let date = parse("2016-02-29", Shanghai).unwrap();
        assert_eq!(date.to_rfc3339(), "2016-02-29T00:00:00+08:00");
    }

    #[test]
    fn offset_is_kept_as_an_instant() {
        let date = parse("2017-09-18T10:05:20+02:00", Shanghai).unwrap();
        assert_eq!(date.to_rfc3339(), "2017-09-18T16:05:20+08:00");
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(
            parse("2017-02-30", Shanghai)
                .unwrap_err()
                .contains("2017-02-30")
        );
        assert!(parse("2017-02-29 10:00:00", Shanghai).is_err());
        assert!(parse("18/09/2017", Shanghai).is_err());
        assert!(parse("2017-09-18 25:00:00", Shanghai).is_err());
    }

    #[test]
    fn skipped_local_time_is_rejected_and_repeated_one_takes_the_first() {
        let err = parse("2024-03-31 02:30:00", Paris).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
        let date = parse("2024-10-27 02:30:00", Paris).unwrap();
        assert_eq!(date.to_rfc3339(), "2024-10-27T02:30:00+02:00");
    }

    #[test]
    fn date_alone_on_a_day_without_midnight_is_the_first_valid_minute() {
        let date = parse("2018-11-04", chrono_tz::America::Sao_Paulo).unwrap();
        assert_eq!(date.to_rfc3339(), "2018-11-04T01:00:00-02:00");
    }

    #[test]
    fn file_name_date_prefix_is_split_off() {
        assert_eq!(
            from_file_stem("2019-01-07-winter-heating"),
            Some(("2019-01-07", "winter-heating"))
        );
        assert_eq!(from_file_stem("2019-01-07"), Some(("2019-01-07", "")));
        assert_eq!(from_file_stem("2019-13-07-x"), None);
        assert_eq!(from_file_stem("2019-01-07x"), None);
        assert_eq!(from_file_stem("winter"), None);
    }
}
