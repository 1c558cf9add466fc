//! Output stage: write the rendered site into a staging folder beside the output and swap it in
//! only when everything has been written, so a failed build leaves `output/` as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, normalize};
use crate::error::{Error, Location, Result};
use crate::render::{OutputFile, Theme};

/// A file copied as it is into the output: static files and articles' attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    pub from: PathBuf,
    /// Relative to the output folder.
    pub to: PathBuf,
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub copied: usize,
}

/// Refuses an output folder whose replacement would destroy the site's sources.
pub fn check_target(config: &Config) -> Result<()> {
    let shown = normalize(&config.output_dir);
    let refuse = |why: String| Error::Usage {
        message: format!(
            "refusing to use {} as the output folder: {why}",
            shown.display()
        ),
        hint: Some("choose a folder of its own, such as output/ (the default)".into()),
    };
    // Compare both the paths as written and the paths with every link followed.
    for (output, root) in [
        (shown.clone(), normalize(&config.root)),
        (resolve(&config.output_dir), resolve(&config.root)),
    ] {
        if output.parent().is_none() {
            return Err(refuse("it is a file-system root".into()));
        }
        if root.starts_with(&output) {
            return Err(refuse("it is or contains the site folder".into()));
        }
        for name in [
            "content",
            "themes",
            "templates",
            "static",
            crate::config::CONFIG_FILE,
        ] {
            let source = resolve(&root.join(name));
            if output.starts_with(&source) {
                return Err(refuse(format!("it is inside {}", source.display())));
            }
        }
    }
    Ok(())
}

/// The path with every symbolic link followed: the longest part that exists is resolved, and
/// the rest appended.
fn resolve(path: &Path) -> PathBuf {
    let path = normalize(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path,
        }
    }
}

/// Lists the static files of the theme, then of the site, so that the site's win.
pub fn static_files(config: &Config, theme: &Theme) -> Result<Vec<CopiedFile>> {
    let mut chosen = BTreeMap::new();
    for dir in [theme.static_dir(), config.root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&dir).to_path_buf();
                Error::Io {
                    action: "read",
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("loop")),
                    path,
                }
            })?;
            if entry.file_type().is_file() {
                let relative = entry
                    .path()
                    .strip_prefix(&dir)
                    .expect("the walk starts in dir");
                chosen.insert(relative.to_path_buf(), entry.path().to_path_buf());
            }
        }
    }
    Ok(chosen
        .into_iter()
        .map(|(to, from)| CopiedFile { from, to })
        .collect())
}

/// Writes every page and copied file into a fresh folder, then swaps it in for the output.
pub fn write(config: &Config, pages: &[OutputFile], copies: &[CopiedFile]) -> Result<Written> {
    check_collisions(config, pages, copies)?;
    let output = &config.output_dir;
    let parent = output
        .parent()
        .expect("check_target refuses a root output folder");
    std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".bulletin-staging-")
        .tempdir_in(parent)
        .map_err(Error::io("create a staging folder in", parent))?;
    pages.par_iter().try_for_each(|page| {
        let path = staging.path().join(&page.path);
        create_parent(&path)?;
        std::fs::write(&path, &page.bytes).map_err(Error::io("write", &path))
    })?;
    copies.par_iter().try_for_each(|copy| {
        let path = staging.path().join(&copy.to);
        create_parent(&path)?;
        std::fs::copy(&copy.from, &path)
            .map(|_| ())
            .map_err(Error::io("copy", config.display_path(&copy.from)))
    })?;
    swap_in(staging, output)?;
    Ok(Written {
        pages: pages.len(),
        copied: copies.len(),
    })
}

fn create_parent(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .expect("output files lie inside the staging folder");
    std::fs::create_dir_all(dir).map_err(Error::io("create", dir))
}

/// Two outputs at the same path: a page and a static file or attachment.
fn check_collisions(config: &Config, pages: &[OutputFile], copies: &[CopiedFile]) -> Result<()> {
    let mut seen: BTreeMap<&Path, String> = BTreeMap::new();
    for page in pages {
        seen.insert(&page.path, "a generated page".into());
    }
    let mut errors = Vec::new();
    for copy in copies {
        let origin = config.display_path(&copy.from);
        if let Some(first) = seen.insert(&copy.to, origin.display().to_string()) {
            errors.push(
                Error::at(
                    Location::file(origin),
                    format!("would be written to {}, as {first} is", copy.to.display()),
                )
                .with_hint("rename one of them"),
            );
        }
    }
    Error::collect(errors)
}

/// Replaces `output` with the staging folder: the old output is moved aside, the new one moved
/// in, and only then is the old one deleted.
fn swap_in(staging: tempfile::TempDir, output: &Path) -> Result<()> {
    let staged = staging.keep();
    if !output.exists() {
        return std::fs::rename(&staged, output).map_err(Error::io("move the new site to", output));
    }
    if !output.is_dir() {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::Usage {
            message: format!("{} exists and is not a folder", output.display()),
            hint: Some("remove it or choose another --output".into()),
        });
    }
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = output.with_file_name(format!(".{name}.old-{}", std::process::id()));
    std::fs::rename(output, &old).map_err(Error::io("move aside", output))?;
    if let Err(e) = std::fs::rename(&staged, output) {
        let _ = std::fs::rename(&old, output);
        return Err(Error::io("move the new site to", output)(e));
    }
    std::fs::remove_dir_all(&old).map_err(Error::io("remove the previous site in", &old))
}
