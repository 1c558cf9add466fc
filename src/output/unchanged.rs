//! The short way through a build that has nothing to do. A successful build records, beside
//! the output, the stamps of every file it read (as they were when it started), the settings
//! it ran with, the first article date after its build time, and the files it wrote. The next
//! build compares: when no input changed, the clock has not reached a date that publishes an
//! article or ends its "scheduled" badge, and every file is still in the output, there is
//! nothing to render or write, and nothing else is read.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::content::sources;

/// What a build records for the next one.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    inputs: u128,
    /// Seconds since 1970 of the first article date after the build time.
    valid_until: Option<i64>,
    counts: Counts,
    /// Every file of the output, relative to it, one per line.
    files: String,
}

/// What a build reports besides its files, kept for a build that finds nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub articles: usize,
    pub pages: usize,
    pub embargoed: usize,
    /// Seconds since 1970 of the first embargoed article's date.
    pub next_due: Option<i64>,
}

/// The inputs of a build as it starts.
#[derive(Debug)]
pub struct Inputs {
    key: u128,
    /// The listing of `content/`, which the build reads next, with the stamp of every file;
    /// none when an entry could not be read.
    content: Option<Vec<sources::Listed>>,
    /// Whether every input has [`sources::settled`]: a file changed within the same tick of
    /// the file system's clock as the build could keep its stamp, so then nothing is recorded.
    settled: bool,
}

/// What an unchanged build reports: the last build's counts and how many files it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unchanged {
    pub counts: Counts,
    pub files: usize,
}

fn location(config: &Config) -> PathBuf {
    super::cache_path(&config.output_dir, "build")
}

/// The folders and files a build reads, besides the program itself.
fn sources(config: &Config) -> Vec<PathBuf> {
    vec![
        config.root.join("bulletin.toml"),
        config.content_dir.clone(),
        config.root.join("templates"),
        config.root.join("static"),
        config.root.join("i18n"),
        config.root.join("themes").join(&config.theme),
    ]
}

impl Inputs {
    /// Stamps every file and folder the build reads, with the settings given on the command
    /// line.
    pub fn read(config: &Config, started: SystemTime) -> Inputs {
        let mut settings = Xxh3::new();
        let now = config.now_given.then(|| config.now.to_rfc3339());
        let text = format!(
            "{}\n{:x}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}\n{:?}",
            env!("CARGO_PKG_VERSION"),
            crate::render::fingerprint::program_fingerprint(),
            config.root,
            config.content_dir,
            config.output_dir,
            config.base_url,
            config.drafts,
            config.future,
            now,
        );
        settings.update(text.as_bytes());
        let roots = sources(config);
        let trees: Vec<Tree> = roots
            .par_iter()
            .map(|source| stamp_tree(source, started))
            .collect();
        let mut settled = true;
        let mut content = None;
        for (root, tree) in roots.iter().zip(trees) {
            settings.update(&tree.digest.to_le_bytes());
            settled &= tree.settled;
            if *root == config.content_dir {
                content = tree.listing;
            }
        }
        Inputs {
            key: settings.digest128(),
            settled,
            content,
        }
    }

    /// The listing of `content/` with the stamps of its files, as they were when the build
    /// started; none when an entry could not be read.
    pub fn content(&self) -> Option<&[sources::Listed]> {
        self.content.as_deref()
    }

    /// The last build's report when it had these inputs and its output is intact.
    pub fn unchanged(&self, config: &Config) -> Option<Unchanged> {
        if config.force {
            return None;
        }
        let record: Record = super::load_cache(&location(config))?;
        if record.inputs != self.key {
            return None;
        }
        if record
            .valid_until
            .is_some_and(|until| config.now.timestamp() >= until)
        {
            return None;
        }
        let files: Vec<&str> = record.files.lines().collect();
        let output = super::present::Folder::open(&config.output_dir);
        let all_there = output.missing(&files, |file| Path::new(*file)) == 0;
        all_there.then_some(Unchanged {
            counts: record.counts,
            files: files.len(),
        })
    }

    /// Records a successful build for the next one; or, when an input was changed too recently
    /// to be told apart from a later change (or a file name cannot be listed), removes the
    /// record, so that the next build is a full one.
    pub fn record<'a>(
        &self,
        config: &Config,
        counts: Counts,
        valid_until: Option<i64>,
        files: impl IntoIterator<Item = &'a Path>,
    ) -> crate::error::Result<()> {
        let mut list = String::new();
        let listed = files.into_iter().all(|file| {
            file.to_str()
                .map(|text| {
                    list.push_str(text);
                    list.push('\n');
                })
                .is_some()
        });
        match (self.settled && listed).then_some(list) {
            Some(files) => super::save_cache(
                &location(config),
                &Record {
                    inputs: self.key,
                    valid_until,
                    counts,
                    files,
                },
            ),
            None => forget(config),
        }
    }
}

/// Removes the record of the last build, so that the next build is a full one.
pub fn forget(config: &Config) -> crate::error::Result<()> {
    let path = location(config);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(crate::error::Error::io("remove", &path)(e))
        }
        _ => Ok(()),
    }
}

/// What [`stamp_tree`] found.
struct Tree {
    /// A digest of the names, sizes, times and inodes of everything in the tree.
    digest: u128,
    /// Whether all of it has [`sources::settled`].
    settled: bool,
    /// Every entry with the stamp of every file, when every entry could be read.
    listing: Option<Vec<sources::Listed>>,
}

/// Stamps everything under `root` (or `root` itself when it is a file) at `started`.
fn stamp_tree(root: &Path, started: SystemTime) -> Tree {
    // Listed first, then stamped in parallel: listing reads folders, stamping each file
    // (through a link, the file it leads to). Linked folders are not entered, as the build
    // does not enter them either.
    let mut whole = true;
    let mut listed: Vec<sources::Listed> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| {
            entry.map(sources::Listed::from).unwrap_or_else(|_| {
                // Unreadable: a marker, so that it differs from any readable state.
                whole = false;
                sources::Listed {
                    path: PathBuf::from("?"),
                    depth: 0,
                    is_dir: true,
                    is_link: false,
                    stamp: None,
                }
            })
        })
        .collect();
    // Folders have no stamp; a file that cannot be stamped has the empty one.
    let folder = super::present::Folder::open(root);
    listed
        .par_iter_mut()
        .filter(|entry| !entry.is_dir)
        .for_each(|entry| entry.stamp = sources::stamp_below(&folder, &entry.path));
    let mut order: Vec<usize> = (0..listed.len()).collect();
    order.sort_unstable_by_key(|&i| listed[i].path.as_os_str().as_encoded_bytes());
    let mut digest = Xxh3::new();
    let mut settled = true;
    for entry in order.into_iter().map(|i| &listed[i]) {
        let name = entry.path.as_os_str().as_encoded_bytes();
        digest.update(&(name.len() as u64).to_le_bytes());
        digest.update(name);
        if !entry.is_dir {
            let stamp @ (len, modified, more) = entry.stamp.unwrap_or_default();
            digest.update(&len.to_le_bytes());
            digest.update(&modified.to_le_bytes());
            digest.update(&more.to_le_bytes());
            settled &= sources::settled(&stamp, started);
        }
    }
    Tree {
        digest: digest.digest128(),
        settled,
        listing: whole.then_some(listed),
    }
}
