//! Whether the files of the last build are still in the output folder. A rebuild asks this of
//! every file it would keep. Each question is answered relative to the output folder, opened
//! once, so the system does not walk the folders above it again for every file: on an archive
//! of tens of thousands of pages, that walk is most of the cost of the question.

use std::path::{Path, PathBuf};

/// The output folder, opened for questions about its files.
pub struct Present {
    root: PathBuf,
    #[cfg(unix)]
    folder: Option<rustix::fd::OwnedFd>,
}

impl Present {
    pub fn new(root: &Path) -> Present {
        Present {
            root: root.to_path_buf(),
            #[cfg(unix)]
            folder: rustix::fs::open(
                root,
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .ok(),
        }
    }

    /// Whether `relative` (a path inside the output folder) is a file, or a link to one.
    pub fn has_file(&self, relative: &Path) -> bool {
        #[cfg(unix)]
        if let Some(folder) = &self.folder {
            return rustix::fs::statat(folder, relative, rustix::fs::AtFlags::empty()).is_ok_and(
                |stat| {
                    rustix::fs::FileType::from_raw_mode(stat.st_mode)
                        == rustix::fs::FileType::RegularFile
                },
            );
        }
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
        let present = Present::new(dir.path());
        assert!(present.has_file(Path::new("news/a/index.html")));
        assert!(!present.has_file(Path::new("news/a")));
        assert!(!present.has_file(Path::new("news/b/index.html")));
        let gone = Present::new(&dir.path().join("missing"));
        assert!(!gone.has_file(Path::new("news/a/index.html")));
    }
}
