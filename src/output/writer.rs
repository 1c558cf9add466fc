//! Writing a build. Files are staged in a folder beside the output and moved in only when the
//! whole build has succeeded, so a failed build changes nothing. With the cache of the last
//! build, only files whose bytes changed are moved in: the others keep their modification
//! time, and files that are no longer produced are removed.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_128;

use super::cache::{Cache, Entry};
use super::present::Folder;
use crate::config::Config;
use crate::error::{Error, Result};

/// What happened to one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub path: PathBuf,
    pub entry: Entry,
    /// Whether new bytes were staged (and will replace or create the file).
    pub staged: bool,
    /// Whether the file was made again (rendered or copied) rather than reused from the cache.
    pub made: bool,
    /// How `entry` compares with the last build's entry for the path.
    pub before: Before,
}

/// What the last build recorded for an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// The last build made no such file.
    Nothing,
    /// The same entry.
    Same,
    /// Another entry.
    Other,
}

impl Before {
    fn of(previous: Option<Entry>, entry: Entry) -> Before {
        match previous {
            None => Before::Nothing,
            Some(old) if old == entry => Before::Same,
            Some(_) => Before::Other,
        }
    }
}

/// Counts of a finished build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files the build produces.
    pub files: usize,
    /// Files made again because their inputs changed.
    pub made: usize,
    /// Files whose bytes were written.
    pub written: usize,
    /// Files of the last build that are gone.
    pub removed: usize,
}

/// A build in progress.
pub struct Writer {
    output: PathBuf,
    /// Where new files wait for the end of the build; none for a dry run.
    staging: Option<tempfile::TempDir>,
    /// The last build's cache, when the output folder is known to be made by it.
    previous: Option<Cache>,
    /// The output folder, to tell whether the last build's files are still there.
    present: Folder,
    /// The staging folder, opened to make files and folders relative to it.
    staged: Option<Folder>,
    /// Whether every folder the pages need exists in the staging folder already.
    folders_made: bool,
    /// Whether the last build's files are taken to be in the output without asking: they
    /// were written by this process (see [`Writer::resume`]).
    trusting: bool,
}

impl Writer {
    /// Prepares the staging folder. Without a usable cache (or with `--force`), the whole
    /// output is rebuilt in the staging folder and swapped in at the end.
    pub fn start(config: &Config) -> Result<Writer> {
        let load = || Cache::load(&Cache::location(&config.output_dir));
        Writer::begin(config, load)
    }

    /// [`Writer::start`] for a build that follows one made in the same process: the last
    /// build's cache is made from its outcomes (see [`Writer::cache_of`]) rather than read
    /// from its file, and its
    /// files are taken to be in the output without asking for each. Whoever resumes asks
    /// afterwards (see [`Folder::missing`]).
    pub fn resume(config: &Config, previous: Cache) -> Result<Writer> {
        let mut writer = Writer::begin(config, || Some(previous))?;
        writer.trusting = true;
        Ok(writer)
    }

    /// The cache a build's `outcomes` make, for [`Writer::resume`].
    pub fn cache_of(outcomes: &[Outcome]) -> Cache {
        Cache::of(outcomes.iter().map(|o| (o.path.as_os_str(), o.entry)))
    }

    fn begin(config: &Config, previous: impl FnOnce() -> Option<Cache>) -> Result<Writer> {
        let output = config.output_dir.clone();
        let parent = output
            .parent()
            .expect("check_target refuses a root output folder");
        std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        let staging = tempfile::Builder::new()
            .prefix(".bulletin-staging-")
            .tempdir_in(parent)
            .map_err(Error::io("create a staging folder in", parent))?;
        let previous = if output.is_dir() && !config.force {
            previous()
        } else {
            None
        };
        Ok(Writer {
            present: Folder::open(&output),
            output,
            staged: Some(Folder::open(staging.path())),
            staging: Some(staging),
            previous,
            folders_made: false,
            trusting: false,
        })
    }

    /// A writer that writes nothing and reuses nothing, so that every page is rendered: for
    /// `bulletin check`.
    pub fn dry(config: &Config) -> Writer {
        Writer {
            output: config.output_dir.clone(),
            present: Folder::open(&config.output_dir),
            staging: None,
            staged: None,
            previous: None,
            folders_made: false,
            trusting: false,
        }
    }

    /// Without a cache every page is written: their folders are made at once, each once,
    /// a level at a time (in parallel within a level), rather than looked for again before
    /// every file.
    pub fn make_folders(&mut self, paths: &[PathBuf]) -> Result<()> {
        use rayon::prelude::*;
        let (None, Some(staged)) = (&self.previous, &self.staged) else {
            return Ok(());
        };
        let mut levels: Vec<rustc_hash::FxHashSet<&Path>> = Vec::new();
        for folder in paths.iter().filter_map(|p| p.parent()) {
            let depth = folder.components().count();
            for (up, dir) in folder.ancestors().enumerate().take(depth) {
                let level = depth - 1 - up;
                if levels.len() <= level {
                    levels.resize_with(level + 1, Default::default);
                }
                if !levels[level].insert(dir) {
                    // Its ancestors are in already.
                    break;
                }
            }
        }
        for level in levels {
            level.par_iter().try_for_each(|dir| {
                staged
                    .create_dir(dir)
                    .map_err(Error::io("create", &staged.root().join(dir)))
            })?;
        }
        self.folders_made = true;
        Ok(())
    }

    /// The last build's entry for `path`.
    fn previous(&self, path: &Path) -> Option<Entry> {
        self.previous.as_ref()?.get(path.as_os_str())
    }

    /// Whether the last build's file for `path` is still in the output. Ask it after looking
    /// at the entry: it costs a system call.
    fn still_there(&self, path: &Path) -> bool {
        self.trusting || self.present.has_file(path)
    }

    /// Whether a file made from `inputs` is already in the output: then it is neither made
    /// nor written.
    pub fn reuse(&self, path: &Path, inputs: u128) -> Option<Outcome> {
        let entry = self
            .previous(path)
            .filter(|old| old.inputs == inputs && self.still_there(path))?;
        Some(Outcome {
            path: path.to_path_buf(),
            entry,
            staged: false,
            made: false,
            before: Before::Same,
        })
    }

    /// Stages new bytes for `path`, unless the output already holds exactly these bytes.
    pub fn put(&self, path: &Path, inputs: u128, bytes: &[u8]) -> Result<Outcome> {
        let entry = Entry {
            inputs,
            bytes: xxh3_128(bytes),
        };
        let previous = self.previous(path);
        let same = previous.is_some_and(|old| old.bytes == entry.bytes && self.still_there(path));
        if let (false, Some(staged)) = (same, &self.staged) {
            if !self.folders_made {
                create_parent(&staged.root().join(path))?;
            }
            staged
                .write(path, bytes)
                .map_err(Error::io("write", &staged.root().join(path)))?;
        }
        Ok(Outcome {
            path: path.to_path_buf(),
            entry,
            staged: !same,
            made: true,
            before: Before::of(previous, entry),
        })
    }

    /// Stages a copy of `from` at `path`, unless the same file is already there. `inputs`
    /// identifies the source (its path, size and modification time).
    pub fn copy(&self, from: &Path, path: &Path, inputs: u128) -> Result<Outcome> {
        if let Some(outcome) = self.reuse(path, inputs) {
            return Ok(outcome);
        }
        let previous = self.previous(path);
        if let Some(staging) = &self.staging {
            let staged = staging.path().join(path);
            create_parent(&staged)?;
            std::fs::copy(from, &staged).map_err(Error::io("copy", from))?;
        }
        let entry = Entry {
            inputs,
            bytes: inputs,
        };
        Ok(Outcome {
            path: path.to_path_buf(),
            entry,
            staged: true,
            made: true,
            before: Before::of(previous, entry),
        })
    }

    /// Moves the staged files into the output, removes the files no longer produced, and
    /// records the new cache.
    pub fn commit(self, outcomes: &[Outcome]) -> Result<Written> {
        let staging = self
            .staging
            .expect("only a writer that stages files commits them");
        let mut written = Written {
            files: outcomes.len(),
            made: outcomes.iter().filter(|o| o.made).count(),
            written: outcomes.iter().filter(|o| o.staged).count(),
            removed: 0,
        };
        // How many of the files the last build also made, and how many with the same entry:
        // when every one of its files is made again, none is stale; when all have their old
        // entries too, the new cache is the last one.
        let (mut kept, mut same) = (0, 0);
        for outcome in outcomes {
            kept += usize::from(outcome.before != Before::Nothing);
            same += usize::from(outcome.before == Before::Same);
        }
        let previous_files = self.previous.as_ref().map_or(0, Cache::len);
        let none_stale = kept == previous_files;
        let unchanged = self.previous.is_some() && none_stale && same == outcomes.len();
        match &self.previous {
            None => {
                written.removed = swap_in(staging, &self.output)?;
            }
            Some(previous) => {
                // Stale files go first: a path that turns from a file into a folder (or back)
                // is then free when the new files move in.
                if !none_stale {
                    let now: rustc_hash::FxHashSet<&std::ffi::OsStr> =
                        outcomes.iter().map(|o| o.path.as_os_str()).collect();
                    for (stale, _) in previous.entries().filter(|(p, _)| !now.contains(p)) {
                        remove_with_empty_parents(&self.output, Path::new(stale))?;
                        written.removed += 1;
                    }
                }
                for outcome in outcomes.iter().filter(|o| o.staged) {
                    let target = self.output.join(&outcome.path);
                    create_parent(&target)?;
                    let staged = staging.path().join(&outcome.path);
                    std::fs::rename(&staged, &target)
                        .map_err(Error::io("move into place", &target))?;
                }
            }
        }
        if !unchanged {
            Cache::save(
                &Cache::location(&self.output),
                outcomes.iter().map(|o| (o.path.as_os_str(), o.entry)),
            )?;
        }
        Ok(written)
    }
}

fn create_parent(path: &Path) -> Result<()> {
    let dir = path.parent().expect("output files lie inside a folder");
    std::fs::create_dir_all(dir).map_err(Error::io("create", dir))
}

/// Removes a file the last build made, then the folders it leaves empty.
fn remove_with_empty_parents(output: &Path, relative: &Path) -> Result<()> {
    let path = output.join(relative);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("remove", &path)(e)),
    }
    let mut dir = path.parent();
    while let Some(folder) = dir {
        if folder == output || std::fs::remove_dir(folder).is_err() {
            break;
        }
        dir = folder.parent();
    }
    Ok(())
}

/// Replaces `output` with the staging folder: the old output is moved aside, the new one moved
/// in, and only then is the old one deleted. Returns how many files the old output held.
fn swap_in(staging: tempfile::TempDir, output: &Path) -> Result<usize> {
    let staged = staging.keep();
    if !output.exists() {
        std::fs::rename(&staged, output).map_err(Error::io("move the new site to", output))?;
        return Ok(0);
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
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::io("move the new site to", output)(e));
    }
    let count = walkdir::WalkDir::new(&old)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count();
    std::fs::remove_dir_all(&old).map_err(Error::io("remove the previous site in", &old))?;
    Ok(count)
}
