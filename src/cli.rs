//! Command line: argument structs and one small function per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Overrides};
use crate::error::Result;

/// bulletin: a static site generator for news bulletin archives.
///
/// Turns a folder of Markdown news items into a static site with article pages, print pages
/// and listings, through Tera templates and a theme.
#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    ///
    /// Everything is rendered first; the output folder is replaced only when the whole build
    /// succeeded, so a failed build leaves the previous site as it was.
    Build(BuildArgs),
    /// Start a new article: write its file with complete front matter, as a draft.
    ///
    /// The file goes to content/<section>/<year>/<slug>.md (the `new.path` setting changes
    /// that); the slug comes from the title, transliterated to ASCII. An existing file is never
    /// overwritten, and a title whose article would take an existing article's URL is refused.
    New(NewArgs),
    /// Check the site without writing anything: every error a build would report, plus links,
    /// anchors, images and attachments that lead nowhere, and warnings for editors.
    ///
    /// Exits with 0 when there is no error (warnings alone pass, unless --strict), 1 when there
    /// are errors.
    Check(CheckArgs),
    /// Preview the site: build it with drafts and scheduled articles, serve it over HTTP,
    /// rebuild on every change and reload the open pages.
    ///
    /// The preview is built in a folder of its own (never output/), with the live-reload
    /// script added to pages as they are served. A change that breaks the build keeps the last
    /// good site served and shows the errors in the terminal and over the open pages.
    Serve(ServeArgs),
}

/// Options of `bulletin serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder, holding bulletin.toml, content/ and themes/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on; only this machine can reach the default.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port [default: 1111, or the next free one]; 0 picks any free port.
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Where the preview is built [default: a folder in the system's temporary folder].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print where each rebuild's time went.
    #[arg(long, short)]
    pub verbose: bool,
}

/// How `bulletin check` prints its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One problem per line, with its hint, then a summary.
    Text,
    /// One JSON object per problem and line: file, line, column, severity, code, message, hint.
    Json,
}

/// Options of `bulletin check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder, holding bulletin.toml, content/ and themes/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Check articles marked `draft = true` as if they were published.
    #[arg(long)]
    pub drafts: bool,
    /// Check articles dated after the build time as if they were published.
    #[arg(long)]
    pub future: bool,
    /// The build time: "2017-09-18 10:00:00" in the site's time zone, or RFC 3339
    /// [default: the clock].
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only errors: no warnings, no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long the check took.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Options of `bulletin new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The article's title.
    pub title: String,
    /// The site folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The section (a folder of content/).
    #[arg(long, default_value = "news")]
    pub section: String,
    /// The publication date and time [default: now, in the site's time zone].
    #[arg(long, value_name = "TIME")]
    pub date: Option<String>,
    /// The article's category.
    #[arg(long)]
    pub category: Option<String>,
    /// A tag; repeat for several.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Print only errors, not the new file's path.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the URL the article will have.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Options of `bulletin build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder, holding bulletin.toml, content/ and themes/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/output].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The site's public address, overriding base_url in bulletin.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after the build time (embargoed, held back by default).
    #[arg(long)]
    pub future: bool,
    /// Ignore the build cache: render every page and replace the whole output folder (after
    /// files in output/ were changed by hand, say).
    #[arg(long)]
    pub force: bool,
    /// The build time, for reproducible builds: "2017-09-18 10:00:00" in the site's time
    /// zone, or RFC 3339 [default: the clock].
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print where the time went.
    #[arg(long, short)]
    pub verbose: bool,
}

/// How a command ended well: the summary line to print, if any, and whether it found
/// problems that fail it (exit code 1) though it ran to the end.
#[derive(Debug, Default)]
pub struct Finished {
    pub summary: Option<String>,
    pub failed: bool,
}

impl From<Option<String>> for Finished {
    fn from(summary: Option<String>) -> Self {
        Finished {
            summary,
            failed: false,
        }
    }
}

/// Runs the parsed command line. Errors and the summary are printed by `main`; a command
/// whose output is a report (`check`) prints it as it goes.
pub fn run(cli: Cli) -> Result<Finished> {
    match cli.command {
        Command::Build(args) => build(args).map(Finished::from),
        Command::New(args) => new(args).map(Finished::from),
        Command::Check(args) => check(args),
        Command::Serve(args) => crate::serve::run(crate::serve::Options {
            root: args.root,
            bind: args.bind,
            port: args.port,
            open: args.open,
            output: args.output,
            quiet: args.quiet,
            verbose: args.verbose,
        })
        .map(|()| Finished::default()),
    }
}

/// Whether to colour what goes to `stream`: only on a terminal, never with NO_COLOR.
pub fn colour(stream: &impl std::io::IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn check(args: CheckArgs) -> Result<Finished> {
    let overrides = Overrides {
        drafts: args.drafts,
        future: args.future,
        now: args.now,
        ..Overrides::default()
    };
    let config = Config::load(&args.root, &overrides)?;
    let checked = crate::check::run(&config);
    let colour = colour(&std::io::stdout());
    let (errors, warnings) = (checked.errors(), checked.warnings());
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for problem in &checked.problems {
            if args.quiet && problem.severity == crate::check::Severity::Warning {
                continue;
            }
            let line = match args.format {
                Format::Text => crate::check::text(problem, colour),
                Format::Json => crate::check::json(problem),
            };
            writeln!(out, "{line}")
                .map_err(crate::Error::io("write", "standard output".as_ref()))?;
        }
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    let summary = (args.format == Format::Text && !args.quiet).then(|| {
        let mut line = format!(
            "Checked {} article{} and {} pages: {} error{}, {} warning{}",
            checked.articles,
            if checked.articles == 1 { "" } else { "s" },
            checked.pages,
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" },
        );
        if args.verbose {
            line.push_str(&format!(" in {:.2} s", checked.elapsed.as_secs_f64()));
        }
        line
    });
    Ok(Finished { summary, failed })
}

fn new(args: NewArgs) -> Result<Option<String>> {
    let config = Config::load(&args.root, &Overrides::default())?;
    let request = crate::new::Request {
        title: args.title,
        section: args.section,
        date: args.date,
        category: args.category,
        tags: args.tags,
    };
    let created = crate::new::create(&config, &request)?;
    if args.quiet {
        return Ok(None);
    }
    let mut line = created.path.display().to_string();
    if args.verbose {
        line.push_str(&format!("\nits page, once published: {}", created.url));
    }
    Ok(Some(line))
}

fn build(args: BuildArgs) -> Result<Option<String>> {
    let overrides = Overrides {
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        now: args.now,
        force: args.force,
        future: args.future,
    };
    let config = Config::load(&args.root, &overrides)?;
    let bar = Bar::new(!args.quiet);
    let report = crate::build(&config, &bar)?;
    bar.finish();
    if args.quiet {
        return Ok(None);
    }
    let here = std::env::current_dir().unwrap_or_default();
    let shown = config
        .output_dir
        .strip_prefix(&here)
        .unwrap_or(&config.output_dir);
    let mut line = format!(
        "Built {} articles into {}: {} files ({} made, {} written, {} removed) in {:.2} s",
        report.articles,
        shown.display(),
        report.files,
        report.made,
        report.written,
        report.removed,
        report.elapsed.as_secs_f64()
    );
    if args.verbose && report.unchanged {
        line.push_str(
            "\nnothing changed since the last build: every input as it recorded them, every \
             file in place",
        );
    } else if args.verbose {
        line.push_str(&format!(
            "\nloading {:.2} s, rendering {:.2} s, writing {:.2} s",
            report.loading.as_secs_f64(),
            report.rendering.as_secs_f64(),
            (report.elapsed - report.loading - report.rendering).as_secs_f64()
        ));
    }
    if let Some(due) = report.next_due {
        line.push_str(&format!(
            "\n{} embargoed article{} held back; the next is due {}",
            report.embargoed,
            if report.embargoed == 1 { "" } else { "s" },
            due.format(&config.date_format)
        ));
    }
    Ok(Some(line))
}

/// A progress bar on standard error, for builds of more than a few hundred files on a
/// terminal; nothing otherwise.
struct Bar(std::sync::OnceLock<indicatif::ProgressBar>, bool);

/// Builds with fewer files finish too soon for a bar to help.
const BAR_THRESHOLD: usize = 300;

impl Bar {
    fn new(wanted: bool) -> Bar {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Bar(std::sync::OnceLock::new(), wanted && terminal)
    }

    fn finish(&self) {
        if let Some(bar) = self.0.get() {
            bar.finish_and_clear();
        }
    }
}

impl crate::Progress for Bar {
    fn start(&self, files: usize) {
        if self.1 && files > BAR_THRESHOLD {
            let bar = indicatif::ProgressBar::new(files as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {eta}")
            {
                bar.set_style(style);
            }
            let _ = self.0.set(bar);
        }
    }

    fn advance(&self) {
        if let Some(bar) = self.0.get() {
            bar.inc(1);
        }
    }
}

/// Prints every problem in `error` on standard error, sorted by file, then how many there were
/// and `outcome` (what became of the output).
pub fn print_error(error: &crate::Error, outcome: &str) {
    let colour = colour(&std::io::stderr());
    let label = if colour {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    let mut problems = error.problems();
    problems.sort_by(|a, b| a.location().cmp(&b.location()));
    let mut out = String::new();
    for problem in &problems {
        out.push_str(&format!("{label}: {problem}\n"));
        if let Some(hint) = problem.hint() {
            out.push_str(&format!("  hint: {hint}\n"));
        }
        let mut source = std::error::Error::source(*problem);
        while let Some(cause) = source {
            out.push_str(&format!("  caused by: {cause}\n"));
            source = cause.source();
        }
    }
    if problems.len() > 1 {
        out.push_str(&format!("{label}: {} errors; {outcome}\n", problems.len()));
    } else {
        out.push_str(&format!("{label}: {outcome}\n"));
    }
    eprint!("{out}");
}
