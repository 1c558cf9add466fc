//! `bulletin`: a static site generator for news bulletin archives.
//!
//! The build is a straight line, one module per stage: configuration, content, Markdown, site
//! indexes, rendering, output. [`build`] is the map of the program.

pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod i18n;
pub mod markdown;
pub mod output;
pub mod render;
pub mod site;

use std::time::{Duration, Instant};

pub use config::{Config, Overrides};
pub use error::{Error, Location, Result};

/// What a successful build did, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub articles: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
}

/// Builds the site described by `config` into its output folder. Nothing is written unless
/// every article and every page succeeded.
pub fn build(config: &Config) -> Result<Report> {
    let started = Instant::now();
    output::check_target(config)?;
    let theme = render::Theme::locate(config);
    let templates = theme
        .as_ref()
        .ok()
        .map(|t| render::Templates::load(config, t));
    let content = content::load(config);
    let (theme, templates, content) = match (theme, templates, content) {
        (Ok(theme), Some(Ok(templates)), Ok(content)) => (theme, templates, content),
        (theme, templates, content) => {
            let errors = [theme.err(), templates.and_then(Result::err), content.err()];
            return Err(Error::Many(errors.into_iter().flatten().collect()));
        }
    };
    let site = site::Site::new(content, config.per_section_archives);
    let mut templates = templates;
    templates.register_helpers(config, &site);
    let pages = render::render_site(config, &site, &templates)?;
    let mut copies = output::static_files(config, &theme)?;
    copies.extend(site.articles.iter().flat_map(|article| {
        let dir = render::jobs::output_path(config, &article.url);
        let dir = dir
            .parent()
            .expect("an article page lies in its own folder")
            .to_path_buf();
        article
            .assets
            .iter()
            .map(move |(from, name)| output::CopiedFile {
                from: from.clone(),
                to: dir.join(name),
            })
    }));
    let written = output::write(config, &pages, &copies)?;
    Ok(Report {
        articles: site.articles.len(),
        pages: written.pages,
        files: written.pages + written.copied,
        elapsed: started.elapsed(),
    })
}
