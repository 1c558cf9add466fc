//! Errors of every stage. Each one that comes from a file names it, and the line where known.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Where a problem is: a file, relative to the site root where possible, and a position in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, with no position inside it.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A position in a file; `line` and `column` count from 1 as editors do.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Every way a build can fail.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// A problem in a configuration or content file, at a known place.
    At {
        location: Location,
        message: String,
        hint: Option<String>,
        /// A short name of the kind of problem, for tools (`bulletin check --format json`).
        code: Option<&'static str>,
    },
    /// A template failed to load or to render.
    Template {
        location: Location,
        page: Option<String>,
        detail: String,
    },
    /// The command line asked for something unsafe or impossible (exit code 2).
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// Several independent problems, all reported at once.
    Many(Vec<Error>),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error that names the path it happened on.
    pub fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Error + 'a {
        move |source| Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// A problem at a place in a file.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error::At {
            location,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    /// Names the kind of problem, for tools; see [`Error::code`].
    pub fn with_code(mut self, name: &'static str) -> Self {
        if let Error::At { code, .. } = &mut self {
            *code = Some(name);
        }
        self
    }

    /// A short name of the kind of problem: the one given with [`Error::with_code`], else one
    /// from the kind of file it is in.
    pub fn code(&self) -> &'static str {
        match self {
            Error::At {
                code: Some(code), ..
            } => code,
            Error::At { location, .. } => {
                let path = &location.path;
                if path
                    .file_name()
                    .is_some_and(|n| n == crate::config::CONFIG_FILE)
                {
                    "config"
                } else if path.extension().is_some_and(|e| e == "md") {
                    "article"
                } else if path.file_name().is_some_and(|n| n == "_section.toml") {
                    "section"
                } else {
                    "content"
                }
            }
            Error::Template { .. } => "template",
            Error::Io { .. } => "io",
            Error::Usage { .. } => "usage",
            Error::Many(_) => "many",
        }
    }

    /// Adds a line that tells the user what to change; only `At` and `Usage` errors carry one.
    pub fn with_hint(mut self, text: impl Into<String>) -> Self {
        if let Error::At { hint, .. } | Error::Usage { hint, .. } = &mut self {
            *hint = Some(text.into());
        }
        self
    }

    /// Folds a list of errors into one: none is `Ok`, one stays itself, more become `Many`.
    pub fn collect(mut errors: Vec<Error>) -> Result<()> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Many(errors)),
        }
    }

    /// The individual problems inside this error, flattened.
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Many(list) => list.iter().flat_map(Error::problems).collect(),
            other => vec![other],
        }
    }

    /// Every problem's message, a line each, for tests to look into.
    #[cfg(test)]
    pub fn lines(&self) -> String {
        let lines: Vec<String> = self.problems().iter().map(|e| e.to_string()).collect();
        lines.join("\n")
    }

    /// The process exit code: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => 2,
            _ => 1,
        }
    }

    /// The hint line, when the error has one.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::At { hint, .. } | Error::Usage { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    /// The location, for errors that come from a file; used to sort reports.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::At { location, .. } | Error::Template { location, .. } => Some(location),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, action, .. } => write!(f, "{}: cannot {action}", path.display()),
            Error::At {
                location, message, ..
            } => write!(f, "{location}: {message}"),
            Error::Template {
                location,
                page,
                detail,
            } => {
                write!(f, "{location}: {detail}")?;
                if let Some(page) = page {
                    write!(f, " (rendering {page})")?;
                }
                Ok(())
            }
            Error::Usage { message, .. } => write!(f, "{message}"),
            Error::Many(list) => write!(f, "{} errors", list.len()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Turns a TOML parse error into an error at its place in `path`. `first_line` is the line of
/// the file on which `text` starts, so the number matches what the editor shows.
pub fn from_toml(path: &Path, text: &str, first_line: usize, err: &toml::de::Error) -> Error {
    let location = match err.span() {
        Some(span) => {
            let (line, column) = line_col(text, span.start);
            Location::at(path, line + first_line - 1, column)
        }
        None => Location::file(path),
    };
    Error::at(location, err.message().trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_shows_line_and_column_only_when_known() {
        assert_eq!(Location::file("content/a.md").to_string(), "content/a.md");
        assert_eq!(
            Location::at("content/a.md", 4, 8).to_string(),
            "content/a.md:4:8"
        );
    }

    #[test]
    fn collect_keeps_a_single_error_as_itself() {
        let one = Error::collect(vec![Error::at(Location::file("a.md"), "bad")]);
        assert!(matches!(one, Err(Error::At { .. })));
        let two = Error::collect(vec![
            Error::at(Location::file("a.md"), "bad"),
            Error::at(Location::file("b.md"), "bad"),
        ]);
        assert_eq!(two.unwrap_err().problems().len(), 2);
        assert!(Error::collect(Vec::new()).is_ok());
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nété = x";
        let offset = text.find('x').unwrap();
        assert_eq!(line_col(text, offset), (2, 7));
        assert_eq!(line_col(text, 0), (1, 1));
    }

    #[test]
    fn usage_errors_exit_with_two() {
        let usage = Error::Usage {
            message: "no".into(),
            hint: None,
        };
        assert_eq!(usage.exit_code(), 2);
        assert_eq!(Error::at(Location::file("a"), "x").exit_code(), 1);
    }
}
