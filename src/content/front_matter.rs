//! Front matter stage: split the header block from the body, parse it as TOML or YAML, and map
//! every parser error to a line of the file.

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::{self, Error, Location, Result};

/// The front matter fields, as written. Unknown fields are an error, so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub title: Option<String>,
    pub date: Option<DateText>,
    pub updated: Option<DateText>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub section: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Every field name, for hints.
pub const FIELDS: &str = "title, date, updated, slug, summary, section, category, tags, author, \
    source, draft, aliases, extra";

/// A date as written: a string, or a TOML date-time value, kept as text for `dates` to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DateText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date such as 2017-09-18 10:05:20 or 2017-09-18T10:05:20+08:00")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            // TOML date-times arrive as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<DateText, A::Error> {
                let (_, text) = map
                    .next_entry::<String, String>()?
                    .ok_or_else(|| serde::de::Error::custom("empty date"))?;
                Ok(DateText(text))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The format of a header block, known from its delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A file split into its header block and its body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub header: &'a str,
    /// The line on which the header text starts (the line after the opening delimiter).
    pub header_line: usize,
    pub body: &'a str,
    /// The line on which the body starts.
    pub body_line: usize,
}

/// Splits `text` into header and body; `path` is only for the error message.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let (format, delimiter) = match first_line {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            return Err(Error::at(
                Location::at(path, 1, 1),
                "the file does not start with front matter",
            )
            .with_hint("begin with a line `+++` (TOML) or `---` (YAML), then `title = \"...\"`"));
        }
    };
    let header_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = header_start;
    for (line, raw_line) in (2..).zip(text[header_start..].split_inclusive('\n')) {
        if raw_line.trim_end() == delimiter {
            let body = &text[offset + raw_line.len()..];
            return Ok(Split {
                format,
                header: &text[header_start..offset],
                header_line: 2,
                body,
                body_line: line + 1,
            });
        }
        offset += raw_line.len();
    }
    Err(Error::at(
        Location::at(path, 1, 1),
        format!("the front matter opened here with `{delimiter}` is never closed"),
    )
    .with_hint(format!("end the front matter with a line `{delimiter}`")))
}

/// Parses the header block into the raw fields.
pub fn parse(path: &Path, split: &Split) -> Result<RawFrontMatter> {
    let parsed = match split.format {
        Format::Toml => toml::from_str::<RawFrontMatter>(split.header)
            .map_err(|e| error::from_toml(path, split.header, split.header_line, &e)),
        Format::Yaml => parse_yaml(path, split),
    };
    parsed.map_err(|e| {
        let e = name_the_field(e, split);
        if e.to_string().contains("unknown field") {
            e.with_hint(format!(
                "front matter fields: {FIELDS}; free values go under `extra`"
            ))
        } else {
            e
        }
    })
}

/// Parsers name the line of a bad value but not its key: put the key in front of the message,
/// as in `date: ...`.
fn name_the_field(error: Error, split: &Split) -> Error {
    let Error::At {
        location,
        message,
        hint,
        code,
    } = error
    else {
        return error;
    };
    let key = location
        .line
        .and_then(|line| line.checked_sub(split.header_line))
        .and_then(|index| split.header.lines().nth(index))
        .and_then(|text| text.split(['=', ':']).next())
        .map(str::trim)
        .filter(|key| !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .filter(|key| !message.contains(&format!("`{key}`")));
    let message = match key {
        Some(key) => format!("{key}: {message}"),
        None => message,
    };
    Error::At {
        location,
        message,
        hint,
        code,
    }
}

fn parse_yaml(path: &Path, split: &Split) -> Result<RawFrontMatter> {
    if split.header.trim().is_empty() {
        return Ok(RawFrontMatter::default());
    }
    serde_saphyr::from_str::<RawFrontMatter>(split.header).map_err(|e| {
        let location = match e.location() {
            Some(at) if at.line() > 0 => Location::at(
                path,
                at.line() as usize + split.header_line - 1,
                at.column().max(1) as usize,
            ),
            _ => Location::file(path),
        };
        let message = e.without_snippet().to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").trim();
        let message = strip_position(message);
        Error::at(location, message.to_string())
    })
}

/// Drops what the YAML parser adds for programmers: a trailing "at line N column M" (the
/// location already says it, with the file's own line numbers) and advice about its options.
fn strip_position(message: &str) -> &str {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    match message.find(", set ").or_else(|| message.find("; set ")) {
        Some(i) => &message[..i],
        None => message,
    }
}

/// Finds the line and column of the value of a top-level `key` in a TOML or YAML header, for
/// errors about values that parsed but do not make sense (a date that does not exist, say).
/// Indented lines, multi-line strings and TOML tables such as `[extra]` are passed over.
pub fn find_key(header: &str, key: &str) -> Option<(usize, usize)> {
    let mut in_string = false;
    for (index, line) in header.lines().enumerate() {
        let quotes = line.matches(r#"""""#).count() + line.matches("'''").count();
        if in_string {
            in_string = quotes % 2 == 0;
            continue;
        }
        if line.starts_with('[') {
            return None;
        }
        in_string = quotes % 2 == 1;
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix('=').or_else(|| after.strip_prefix(':')) {
            let value_start = line.len() - value.trim_start().len();
            let column = line[..value_start].chars().count() + 1;
            return Some((index + 1, column));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("content/news/a.md")
    }

    #[test]
    fn toml_front_matter_is_split_from_the_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let split = split(path(), text).unwrap();
        assert_eq!(split.format, Format::Toml);
        assert_eq!(split.header, "title = \"A\"\n");
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn yaml_front_matter_is_split_and_parsed() {
        let text = "---\ntitle: \"A\"\ndate: 2018-06-01 08:00:00\ntags: [a, b]\n---\nBody";
        let split = split(path(), text).unwrap();
        assert_eq!(split.format, Format::Yaml);
        let raw = parse(path(), &split).unwrap();
        assert_eq!(raw.title.as_deref(), Some("A"));
        assert_eq!(raw.date, Some(DateText("2018-06-01 08:00:00".into())));
        assert_eq!(raw.tags, vec!["a", "b"]);
    }

    #[test]
    fn toml_date_time_values_are_read_as_text() {
        let text = "+++\ntitle = \"A\"\ndate = 2017-09-18T10:05:20+08:00\n+++\n";
        let raw = parse(path(), &split(path(), text).unwrap()).unwrap();
        assert_eq!(raw.date, Some(DateText("2017-09-18T10:05:20+08:00".into())));
    }

    #[test]
    fn missing_opening_delimiter_is_reported_on_line_one() {
        let err = split(path(), "title = \"A\"\n").unwrap_err();
        assert!(
            err.to_string().starts_with("content/news/a.md:1:1:"),
            "{err}"
        );
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let err = split(path(), "+++\ntitle = \"A\"\n").unwrap_err();
        assert!(err.to_string().contains("never closed"), "{err}");
    }

    #[test]
    fn toml_error_on_first_header_line_points_at_file_line_two() {
        let text = "+++\ntitle = \n+++\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        assert!(err.to_string().starts_with("content/news/a.md:2:"), "{err}");
    }

    #[test]
    fn toml_error_on_a_later_line_points_at_that_file_line() {
        let text = "+++\ntitle = \"A\"\ncategory = \"x\"\ntags = [\"a\",\n+++\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("content/news/a.md:") && !shown.starts_with("content/news/a.md:2:"),
            "{shown}"
        );
    }

    #[test]
    fn wrong_type_names_the_line() {
        let text = "+++\ntitle = \"A\"\ntags = \"one\"\n+++\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        assert!(
            err.to_string().starts_with("content/news/a.md:3:8: tags: "),
            "{err}"
        );
    }

    #[test]
    fn yaml_error_points_at_the_file_line() {
        let text = "---\ntitle: A\ntags: [a, b\n---\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("content/news/a.md:3:") || shown.starts_with("content/news/a.md:4:"),
            "{shown}"
        );
    }

    #[test]
    fn yaml_duplicate_key_message_speaks_to_editors() {
        let text = "---\ntitle: A\ntitle: B\n---\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("content/news/a.md:3:"), "{shown}");
        assert!(
            !shown.contains("Policy") && !shown.contains("Options"),
            "{shown}"
        );
    }

    #[test]
    fn unknown_field_gets_a_hint() {
        let text = "+++\ntitle = \"A\"\ncategroy = \"x\"\n+++\n";
        let err = parse(path(), &split(path(), text).unwrap()).unwrap_err();
        assert!(err.to_string().contains("categroy"), "{err}");
        assert!(err.hint().unwrap().contains("category"));
    }

    #[test]
    fn find_key_skips_nested_keys_and_multiline_strings() {
        let header = "summary = \"\"\"\ndate = in a string\n\"\"\"\nextra_x = 1\ndate = \"2017-13-01\"\n[extra]\ndate = 1\n";
        assert_eq!(find_key(header, "date"), Some((5, 8)));
        let yaml = "extra:\n  date: whatever\ndate: 2017-13-01\n";
        assert_eq!(find_key(yaml, "date"), Some((3, 7)));
    }

    #[test]
    fn find_key_gives_the_value_position() {
        let header = "title = \"A\"\ndate  =  \"2017-02-30\"\n";
        assert_eq!(find_key(header, "date"), Some((2, 10)));
        assert_eq!(find_key("date: x\n", "date"), Some((1, 7)));
        assert_eq!(find_key(header, "slug"), None);
    }
}
