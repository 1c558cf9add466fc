//! `bulletin new`: start an article, with complete front matter, where the site expects it.

use std::path::PathBuf;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::config::Config;
use crate::content::page::expand_permalink;
use crate::content::{self, dates, slug};
use crate::error::{Error, Location, Result};

/// What the editor asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub title: String,
    pub section: String,
    /// As written on the command line; the build time when absent.
    pub date: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
}

/// What `new` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// The absolute URL the article will have once published.
    pub url: String,
}

/// Writes the new article's file. Nothing is overwritten, and a title whose article would take
/// an existing article's URL is refused.
pub fn create(config: &Config, request: &Request) -> Result<Created> {
    let usage = |message: String, hint: &str| Error::Usage {
        message,
        hint: Some(hint.to_string()),
    };
    if !slug::is_safe_segment(&request.section) {
        return Err(usage(
            format!("--section is not usable in a URL: {:?}", request.section),
            "use letters, digits and hyphens, such as \"news\"",
        ));
    }
    let date = match &request.date {
        Some(text) => dates::parse(text, config.timezone)
            .map_err(|message| usage(format!("--date {message}"), dates::FORMS))?,
        None => config.now,
    };
    let slug = slug::slugify(&request.title);
    if slug.is_empty() {
        return Err(usage(
            format!("no slug can be made from the title {:?}", request.title),
            "give the article a title with letters or digits",
        ));
    }
    let relative = expand_permalink(&config.new_path, "/", &request.section, &date, &slug);
    let relative = PathBuf::from("content").join(format!("{}.md", relative.trim_matches('/')));
    let path = config.root.join(&relative);
    if path.exists() {
        return Err(Error::at(
            Location::file(&relative),
            "already exists; nothing was written",
        )
        .with_hint("choose another title, or edit the existing file"));
    }
    let url = refuse_taken_url(config, &request.section, &date, &slug)?;
    let dir = path
        .parent()
        .expect("the article lies in a folder of content/");
    std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
    std::fs::write(&path, front_matter(request, &date)).map_err(Error::io("write", &path))?;
    Ok(Created {
        path: relative,
        url: config.absolute_url(&url),
    })
}

/// Refuses a slug whose URL an existing article (drafts included) already has; else returns
/// the URL.
fn refuse_taken_url(
    config: &Config,
    section: &str,
    date: &DateTime<Tz>,
    slug: &str,
) -> Result<String> {
    let url = expand_permalink(&config.permalink, &config.base_path, section, date, slug);
    let mut all = config.clone();
    all.drafts = true;
    let existing = content::load(&all, None)?;
    match existing.articles.iter().find(|a| a.url == url) {
        Some(article) => Err(Error::at(
            Location::file(&article.path),
            format!(
                "already has the URL {url} that the new article would take; nothing was written"
            ),
        )
        .with_hint("choose another title, or another --date")),
        None => Ok(url),
    }
}

/// The file's text: every field an editor fills in, the article a draft until published.
fn front_matter(request: &Request, date: &DateTime<Tz>) -> String {
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let tags: Vec<String> = request.tags.iter().map(|t| quote(t)).collect();
    let category = request
        .category
        .as_deref()
        .map_or_else(|| "\"\"".to_string(), quote);
    format!(
        "+++\ntitle = {}\ndate = {}\ndraft = true\nsummary = \"\"\ncategory = {category}\ntags = [{}]\n+++\n\n",
        quote(&request.title),
        date.to_rfc3339(),
        tags.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter;
    use std::path::Path;

    #[test]
    fn front_matter_parses_back_with_every_field() {
        let request = Request {
            title: "Say \"hello\" \\ world".into(),
            section: "news".into(),
            category: Some("News".into()),
            tags: vec!["a".into(), "b c".into()],
            ..Request::default()
        };
        let date = dates::parse("2017-09-18 10:05:20", chrono_tz::Asia::Shanghai).unwrap();
        let text = front_matter(&request, &date);
        let path = Path::new("content/news/x.md");
        let raw = front_matter::parse(path, &front_matter::split(path, &text).unwrap()).unwrap();
        assert_eq!(raw.title.as_deref(), Some("Say \"hello\" \\ world"));
        assert_eq!(raw.date.unwrap().0, "2017-09-18T10:05:20+08:00");
        assert!(raw.draft);
        assert_eq!(raw.tags, ["a", "b c"]);
        assert_eq!(raw.category.as_deref(), Some("News"));
    }
}
