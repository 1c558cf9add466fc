//! Render stage: load the templates (site first, then theme) and render every output page.

pub mod context;
pub mod feeds;
pub mod fingerprint;
pub mod helpers;
pub mod jobs;
pub mod metadata;
pub mod pages;
pub mod search;
pub mod sitemap;
pub mod templates;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::output::writer::{Outcome, Writer};
use crate::site::Site;
use context::{PageView, SiteView, Vars};
use fingerprint::Fingerprints;
use jobs::Job;
use pages::Shared;
pub use templates::{Templates, Theme, needs_escape};

/// Renders every page of the site `plan` laid out, in parallel. A template error that
/// repeats on many pages is reported once, with the number of pages.
pub fn render_site(
    config: &Config,
    plan: &crate::Plan,
    writer: &Writer,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Outcome>> {
    let (site, templates) = (&plan.site, &plan.templates);
    let (jobs, paths) = (&plan.jobs[..], &plan.paths[..]);
    let mut site_view = SiteView::new(config, site, &templates.theme);
    let site_feeds = feeds::feed_links(config, site, jobs::FeedScope::Site);
    site_view.feeds = site_feeds.clone();
    let site_view = context::value(&site_view);
    let field_hashes = if config.search {
        search::field_hashes(site)
    } else {
        Vec::new()
    };
    let fingerprints = Fingerprints::new(
        config,
        site,
        &templates.global_inputs(config, site, &site_view),
        search::combined(&field_hashes),
    );
    // Every sitemap file lists the same pages: they are fingerprinted once.
    let sitemap_pages = Fingerprints::sitemap_pages(config, site, jobs, paths);
    // The search index is made (or brought up to date) before the pages when any of its term
    // files must be made again, and kept for the next build of the same process.
    let mut search = plan
        .search
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let search_stale = search_stale(config, site, jobs, paths, writer, &fingerprints);
    if search_stale {
        *search = Some(search::Index::update(search.take(), site, &field_hashes));
    }
    let search_index = search.as_ref().filter(|_| search_stale);
    let mut shared = Shared::new(config, site, site_view, site_feeds);
    shared.search_stamp = fingerprints.search_stamp();
    let mut uses = vec![0u32; site.articles.len()];
    for &job in jobs {
        for index in jobs::html_users(config, site, job) {
            uses[index] += 1;
        }
    }
    for (article, count) in site.articles.iter().zip(uses) {
        article
            .rendering
            .uses
            .store(count, std::sync::atomic::Ordering::Release);
    }
    let results: Vec<Result<Outcome>> = jobs
        .par_iter()
        .zip(paths)
        .map(|(&job, path)| {
            progress();
            let inputs = match job {
                Job::Sitemap { .. } => fingerprints.sitemap(path, sitemap_pages),
                _ => fingerprints.of(job, path, config, site),
            };
            // The news sitemap and robots.txt are cheaper to make than to fingerprint.
            let cached = !matches!(job, Job::NewsSitemap | Job::Robots);
            match writer.reuse(path, inputs).filter(|_| cached) {
                Some(outcome) => {
                    // A page not made again shows no article: its share of their HTML goes.
                    for index in jobs::html_users(config, site, job) {
                        site.articles[index].release_html();
                    }
                    Ok(outcome)
                }
                None => {
                    let bytes = render_one(&shared, templates, jobs, job, search_index)?;
                    writer.put(path, inputs, &bytes)
                }
            }
        })
        .collect();
    let mut outcomes = Vec::with_capacity(results.len());
    let mut errors: Vec<(Error, usize)> = Vec::new();
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => match errors
                .iter_mut()
                .find(|(seen, _)| same_problem(seen, &error))
            {
                Some((_, count)) => *count += 1,
                None => errors.push((error, 0)),
            },
        }
    }
    Error::collect(
        errors
            .into_iter()
            .map(|(error, more)| with_more_pages(error, more))
            .collect(),
    )?;
    Ok(outcomes)
}

/// Whether any of the search index's term files must be made again (an indexed field of an
/// article changed, or a file is missing).
fn search_stale(
    config: &Config,
    site: &Site,
    jobs: &[Job],
    paths: &[PathBuf],
    writer: &Writer,
    fingerprints: &Fingerprints,
) -> bool {
    jobs.iter().zip(paths).any(|(&job, path)| {
        matches!(job, Job::SearchTerms { .. })
            && writer
                .reuse(path, fingerprints.of(job, path, config, site))
                .is_none()
    })
}

fn render_one(
    shared: &Shared,
    templates: &Templates,
    jobs: &[Job],
    job: Job,
    search_index: Option<&search::Index>,
) -> Result<Vec<u8>> {
    let (config, site) = (shared.config, shared.site);
    match job {
        Job::Sitemap { .. } | Job::NewsSitemap | Job::Robots => {
            return Ok(sitemap::render(job, config, site, jobs));
        }
        Job::SearchScript => return Ok(search::SCRIPT.as_bytes().to_vec()),
        Job::SearchDocs { file } => return Ok(search::docs_json(config, site, file)),
        Job::SearchTerms { shard } => {
            return Ok(match search_index {
                Some(index) => index.files[shard].clone(),
                // Its file went after the index was found complete: made alone.
                None => {
                    let hashes = search::field_hashes(site);
                    search::Index::update(None, site, &hashes)
                        .files
                        .swap_remove(shard)
                }
            });
        }
        _ => {}
    }
    let url = job.url(config, site);
    let mut context = Vars::default();
    let page = shared.fill(job, &mut context);
    let mut feeds = shared.site_feeds.clone();
    feeds.extend(page.feeds);
    let view = PageView {
        kind: page.kind,
        permalink: config.absolute_url(&url),
        url,
        title: page.title,
        description: page.description.or_else(|| config.description.clone()),
        image: page.image,
        og_type: if page.kind == "article" {
            "article"
        } else {
            "website"
        },
        feeds,
        json_ld: page.json_ld,
    };
    context.insert("page", &view);
    templates.render(
        page.template,
        &context.into_context(),
        &job.origin(config, site),
    )
}

fn same_problem(a: &Error, b: &Error) -> bool {
    match (a, b) {
        (
            Error::Template {
                location: la,
                detail: da,
                ..
            },
            Error::Template {
                location: lb,
                detail: db,
                ..
            },
        ) => la == lb && da == db,
        _ => false,
    }
}

fn with_more_pages(error: Error, more: usize) -> Error {
    match error {
        Error::Template {
            location,
            page,
            detail,
        } if more > 0 => Error::Template {
            location,
            page: page.map(|p| format!("{p} and {more} other pages")),
            detail,
        },
        other => other,
    }
}

/// Copies `input`, replacing characters by bytes: at each byte `candidate` accepts, `rule`
/// sees the bytes from there on and gives the replacement and how many bytes it stands for,
/// or `None` to keep the byte. Scanning bytes is safe in UTF-8 as long as candidates are ASCII
/// or the first byte of a character: neither occurs inside another character.
pub fn replace_bytes(
    input: &str,
    candidate: impl Fn(u8) -> bool,
    rule: impl Fn(&[u8]) -> Option<(&'static str, usize)>,
) -> String {
    let mut out = Vec::with_capacity(input.len() + 16);
    replace_bytes_into(input, candidate, rule, &mut out).expect("memory takes every write");
    String::from_utf8(out).expect("whole characters are copied or replaced by text")
}

/// [`replace_bytes`], writing to `out` as it goes rather than into a new string.
pub fn replace_bytes_into<W: std::io::Write + ?Sized>(
    input: &str,
    candidate: impl Fn(u8) -> bool,
    rule: impl Fn(&[u8]) -> Option<(&'static str, usize)>,
    out: &mut W,
) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(offset) = bytes[i..].iter().position(|&b| candidate(b)) {
        i += offset;
        match rule(&bytes[i..]) {
            Some((replacement, width)) => {
                out.write_all(&bytes[start..i])?;
                out.write_all(replacement.as_bytes())?;
                i += width;
                start = i;
            }
            None => i += 1,
        }
    }
    out.write_all(&bytes[start..])
}
