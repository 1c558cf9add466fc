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

    /// Makes the folder `relative` (inside the folder, below folders that exist); one that
    /// exists already is no error.
    pub fn create_dir(&self, relative: &Path) -> std::io::Result<()> {
        #[cfg(unix)]
        let made = match &self.opened {
            Some(folder) => rustix::fs::mkdirat(folder, relative, rustix::fs::Mode::from(0o777))
                .map_err(std::io::Error::from),
            None => std::fs::create_dir(self.root.join(relative)),
        };
        #[cfg(not(unix))]
        let made = std::fs::create_dir(self.root.join(relative));
        match made {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        }
    }

    /// Writes `bytes` as the file `relative` (inside the folder, in a folder that exists),
    /// replacing what it held.
    pub fn write(&self, relative: &Path, bytes: &[u8]) -> std::io::Result<()> {
        #[cfg(unix)]
        if let Some(folder) = &self.opened {
            use rustix::fs::OFlags;
            let file = rustix::fs::openat(
                folder,
                relative,
                OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC,
                rustix::fs::Mode::from(0o666),
            )?;
            return std::io::Write::write_all(&mut std::fs::File::from(file), bytes);
        }
        std::fs::write(self.root.join(relative), bytes)
    }

    /// How many of `items` name (through `path`, relative to the folder) no file, asked in
    /// parallel.
    pub fn missing<T: Sync>(&self, items: &[T], path: impl Fn(&T) -> &Path + Sync) -> usize {
        use rayon::prelude::*;
        items
            .par_iter()
            .filter(|item| !self.has_file(path(item)))
            .count()
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

    #[test]
    fn folders_and_files_are_made_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path());
        folder.create_dir(Path::new("news")).unwrap();
        folder.create_dir(Path::new("news")).unwrap();
        folder.create_dir(Path::new("news/a")).unwrap();
        folder
            .write(Path::new("news/a/index.html"), b"first")
            .unwrap();
        folder
            .write(Path::new("news/a/index.html"), b"new")
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("news/a/index.html")).unwrap(),
            b"new"
        );
        // No folder is made above one that is missing, and no file in it.
        assert!(folder.create_dir(Path::new("missing/b")).is_err());
        assert!(folder.write(Path::new("missing/index.html"), b"x").is_err());
    }
}
