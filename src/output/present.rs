//! Questions about the files below a folder: whether the files of the last build are still in
//! the output, and the stamps of the sources. A rebuild asks them of every file. Each is asked
//! relative to the folder, opened once, so the system does not walk the folders above it
//! again for every file: on an archive of tens of thousands of files, that walk is most of
//! the cost of the question.

use std::path::{Path, PathBuf};

/// A folder, opened for questions about its files.
pub struct Folder {
    root: PathBuf,
    #[cfg(unix)]
    opened: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    pub fn open(root: &Path) -> Folder {
        Folder {
            root: root.to_path_buf(),
            #[cfg(unix)]
            opened: rustix::fs::open(
                root,
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .ok(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the system says of `relative` (a path inside the folder; through a link, of the
    /// file it leads to), when it exists.
    #[cfg(unix)]
    pub fn stat(&self, relative: &Path) -> Option<rustix::fs::Stat> {
        match &self.opened {
            Some(folder) => rustix::fs::statat(folder, relative, rustix::fs::AtFlags::empty()),
            None => rustix::fs::stat(self.root.join(relative)),
        }
        .ok()
    }

    /// Whether `relative` (a path inside the folder) is a file, or a link to one.
    pub fn has_file(&self, relative: &Path) -> bool {
        #[cfg(unix)]
        return self.stat(relative).is_some_and(|stat| {
            rustix::fs::FileType::from_raw_mode(stat.st_mode) == rustix::fs::FileType::RegularFile
        });
        #[cfg(not(unix))]
        self.root.join(relative).is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_from_folders_and_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("news/a")).unwrap();
        std::fs::write(dir.path().join("news/a/index.html"), "x").unwrap();
        let present = Folder::open(dir.path());
        assert!(present.has_file(Path::new("news/a/index.html")));
        assert!(!present.has_file(Path::new("news/a")));
        assert!(!present.has_file(Path::new("news/b/index.html")));
        let gone = Folder::open(&dir.path().join("missing"));
        assert!(!gone.has_file(Path::new("news/a/index.html")));
    }
}
