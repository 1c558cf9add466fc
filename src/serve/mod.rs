//! `bulletin serve`: builds the site (drafts and scheduled articles included), serves it over
//! HTTP, rebuilds when a source changes, and reloads the open pages. A build that fails keeps
//! the last good site served and shows its errors in the terminal and over the pages.

mod http;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{self, RecursiveMode};
use tokio::sync::broadcast;

use crate::config::{CONFIG_FILE, Config, Overrides};
use crate::error::{Error, Result};

/// Options of the preview server.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// The port asked for; `None` takes the default, or the next free one after it.
    pub port: Option<u16>,
    pub open: bool,
    /// Where the preview is built [default: a folder in the system's temporary folder].
    pub output: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: bool,
}

/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;

/// How many ports after the default are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// What the browser is told.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Signal {
    /// Files changed: load the page again.
    Reload,
    /// The build works again, and no file changed: hide the errors.
    Fixed,
    /// The build failed: the problems, as a JSON list.
    Problem(String),
}

/// What the server and the rebuild loop share.
struct Shared {
    output: PathBuf,
    signals: broadcast::Sender<Signal>,
    /// The problems of the failed last build, as JSON; none when it succeeded.
    problem: Mutex<Option<String>>,
}

/// The folders and files a site is made from, relative to its root.
const WATCHED: &[&str] = &["content", "templates", "static", "themes", "i18n"];

/// Runs the server until the process is stopped.
pub fn run(options: Options) -> Result<()> {
    // Resolved, links and all: watchers report resolved paths (`/private/tmp` on macOS).
    let root = options
        .root
        .canonicalize()
        .map_err(Error::io("resolve", &options.root))?;
    let listener = bind(&options)?;
    let address = listener.local_addr().map_err(Error::io(
        "read the address of",
        Path::new("the server socket"),
    ))?;
    let url = site_url(address);
    let output = match &options.output {
        Some(dir) => dir.clone(),
        None => default_output(&root),
    };
    let overrides = Overrides {
        output: Some(output.clone()),
        base_url: Some(url.clone()),
        drafts: true,
        future: true,
        ..Overrides::default()
    };
    let output = std::path::absolute(&output).map_err(Error::io("resolve", &output))?;
    let (signals, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        output,
        signals,
        problem: Mutex::new(None),
    });
    let builder = Builder {
        root: root.clone(),
        overrides,
        shared: shared.clone(),
        verbose: options.verbose,
        quiet: options.quiet,
        kept: Mutex::new(None),
    };
    builder.rebuild(None, &[]);
    watch(&root, builder)?;
    say(
        options.quiet,
        &format!(
            "Serving {} at {url} (drafts and scheduled articles included); press Ctrl-C to stop",
            root.display()
        ),
    );
    if !address.ip().is_loopback() {
        say(
            options.quiet,
            "warning: the server is reachable from other machines; it is meant for previews",
        );
    }
    if options.open
        && let Err(e) = open::that_detached(&url)
    {
        eprintln!("warning: cannot open a browser: {e}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::io("start", Path::new("the HTTP server")))?;
    let served = runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(Error::io("configure", Path::new("the server socket")))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(Error::io("listen on", Path::new("the server socket")))?;
        // Ctrl-C stops at once: a graceful shutdown would wait for the event streams of open
        // pages, which never end.
        let server = std::pin::pin!(axum::serve(listener, http::router(shared)).into_future());
        let stop = std::pin::pin!(tokio::signal::ctrl_c());
        match futures_util::future::select(server, stop).await {
            futures_util::future::Either::Left((result, _)) => {
                result.map_err(Error::io("serve", Path::new("HTTP")))
            }
            futures_util::future::Either::Right(_) => Ok(()),
        }
    });
    // Open connections are dropped, not waited for.
    runtime.shutdown_background();
    served
}

/// Prints a line on standard output unless quiet, at once (tests and tools read it).
fn say(quiet: bool, line: &str) {
    if !quiet {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// Opens the listening socket: the port asked for, or the default or the next free one.
fn bind(options: &Options) -> Result<TcpListener> {
    let try_port = |port: u16| TcpListener::bind(SocketAddr::new(options.bind, port));
    match options.port {
        Some(port) => try_port(port).map_err(|e| in_use(options.bind, port, &e)),
        None => {
            let mut first_error = None;
            for port in DEFAULT_PORT..DEFAULT_PORT + PORT_TRIES {
                match try_port(port) {
                    Ok(listener) => {
                        if port != DEFAULT_PORT {
                            say(
                                options.quiet,
                                &format!("port {DEFAULT_PORT} is in use; using port {port}"),
                            );
                        }
                        return Ok(listener);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                        first_error.get_or_insert(e);
                    }
                    Err(e) => return Err(in_use(options.bind, port, &e)),
                }
            }
            let e = first_error.expect("at least one port was tried");
            Err(in_use(options.bind, DEFAULT_PORT, &e))
        }
    }
}

fn in_use(bind: IpAddr, port: u16, error: &std::io::Error) -> Error {
    let address = SocketAddr::new(bind, port);
    if error.kind() == std::io::ErrorKind::AddrInUse {
        Error::Usage {
            message: format!("cannot serve on {address}: the port is in use"),
            hint: Some(
                "stop the program that uses it, or choose another with --port (0 picks any free port)"
                    .into(),
            ),
        }
    } else {
        Error::Usage {
            message: format!("cannot serve on {address}: {error}"),
            hint: Some("--bind takes an address of this machine, such as 127.0.0.1".into()),
        }
    }
}

/// The address pages link to. A server on every interface is reached as `localhost` here.
fn site_url(address: SocketAddr) -> String {
    let host = match address.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", address.port())
}

/// A folder of the system's temporary folder, one per site, kept between runs so that a
/// restart rebuilds only what changed.
fn default_output(root: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes());
    std::env::temp_dir()
        .join(format!("bulletin-serve-{key:016x}"))
        .join("site")
}

/// Rebuilds the site and tells the browsers.
struct Builder {
    root: PathBuf,
    overrides: Overrides,
    shared: Arc<Shared>,
    verbose: bool,
    quiet: bool,
    /// The site as the last build laid it out, when it succeeded.
    kept: Mutex<Option<crate::Kept>>,
}

impl Builder {
    /// Builds once, prints the outcome, and signals the pages. `changed` names what changed,
    /// for the message; `paths` are the files that changed. A change to one article that
    /// leaves its place in the site, and a new article, are made from the site kept since
    /// the last build.
    fn rebuild(&self, changed: Option<&str>, paths: &[&Path]) {
        let started = Instant::now();
        let mut kept = self.kept.lock().expect("no thread panics holding the site");
        let mut quick = false;
        let result = Config::load(&self.root, &self.overrides).and_then(|config| {
            // A change to one article that keeps its place is made from the kept site.
            if let (Some(site), [path]) = (kept.as_mut(), paths)
                && let Some(result) = crate::rebuild_article(&config, site, path)
            {
                quick = true;
                return result;
            }
            *kept = None;
            let (report, site) = crate::build_keeping(&config, &crate::Silent)?;
            *kept = site;
            Ok(report)
        });
        if result.is_err() {
            *kept = None;
        }
        let mut problem = self
            .shared
            .problem
            .lock()
            .expect("no thread panics holding the problem");
        match result {
            Ok(report) => {
                let seconds = started.elapsed().as_secs_f64();
                let what = match changed {
                    Some(changed) => format!("Rebuilt after a change to {changed}"),
                    None => format!("Built {} articles", report.articles),
                };
                say(
                    self.quiet,
                    &format!(
                        "{what} in {seconds:.2} s: {} files written, {} removed",
                        report.written, report.removed
                    ),
                );
                if self.verbose {
                    say(
                        self.quiet,
                        &format!(
                            "loading {:.2} s, rendering {:.2} s",
                            report.loading.as_secs_f64(),
                            report.rendering.as_secs_f64()
                        ),
                    );
                }
                let was_broken = problem.take().is_some();
                let signal = if report.written + report.removed > 0 {
                    Some(Signal::Reload)
                } else {
                    was_broken.then_some(Signal::Fixed)
                };
                if let Some(signal) = signal {
                    let _ = self.shared.signals.send(signal);
                }
                // Made from the kept site, the pages were reloaded without asking whether each
                // file of the last build is still there; it is asked now, and a whole build
                // restores what was deleted.
                let missing = match kept.as_ref() {
                    Some(site) if quick => site.missing(&self.shared.output),
                    _ => 0,
                };
                if missing > 0 {
                    let files = if missing == 1 {
                        "file was"
                    } else {
                        "files were"
                    };
                    let output = self.shared.output.display();
                    say(
                        self.quiet,
                        &format!("{missing} {files} missing from {output}; building again"),
                    );
                    *kept = None;
                    drop((kept, problem));
                    self.rebuild(Some("the preview folder"), &[]);
                }
            }
            Err(error) => {
                crate::cli::print_error(&error, "the last good site is still served");
                let problems = crate::check::Problem::from_error(&error);
                let json = serde_json::to_string(&problems).expect("problems serialise to JSON");
                *problem = Some(json.clone());
                let _ = self.shared.signals.send(Signal::Problem(json));
            }
        }
    }

    /// Whether a changed path is one the site is made from.
    fn matters(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = relative.components();
        let first = parts.next().map(|c| c.as_os_str().to_string_lossy());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let scratch = name.starts_with('.') || crate::config::is_scratch_file(&name);
        match first.as_deref() {
            Some(CONFIG_FILE) => parts.next().is_none(),
            Some(top) => WATCHED.contains(&top) && !scratch,
            None => false,
        }
    }
}

/// Watches the site's sources for as long as the process runs; every burst of changes leads
/// to one rebuild. A watched folder made while serving (a first template, say) is watched from
/// the change that made it on.
fn watch(root: &Path, builder: Builder) -> Result<()> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut debouncer =
        notify_debouncer_full::new_debouncer(Duration::from_millis(100), None, sender)
            .map_err(|e| watch_error(root, e))?;
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(root, e))?;
    let mut watched = Vec::new();
    for dir in WATCHED.iter().map(|name| root.join(name)) {
        if dir.is_dir() {
            debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&dir, e))?;
            watched.push(dir);
        }
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        while let Ok(batch) = receiver.recv() {
            let Ok(events) = batch else { continue };
            for dir in WATCHED.iter().map(|name| root.join(name)) {
                if dir.is_dir() && !watched.contains(&dir) {
                    if let Err(e) = debouncer.watch(&dir, RecursiveMode::Recursive) {
                        eprintln!("warning: {}", watch_error(&dir, e));
                    }
                    watched.push(dir);
                }
            }
            let mut changed: Vec<&Path> = events
                .iter()
                .filter(|e| is_change(&e.kind))
                .flat_map(|e| e.paths.iter().map(PathBuf::as_path))
                .filter(|p| builder.matters(p))
                .collect();
            changed.sort_unstable();
            changed.dedup();
            let Some(first) = changed.first() else {
                continue;
            };
            let shown = first
                .strip_prefix(&root)
                .unwrap_or(first)
                .display()
                .to_string();
            let label = match changed.len() {
                1 => shown,
                n => format!("{shown} and {} other files", n - 1),
            };
            builder.rebuild(Some(&label), &changed);
        }
    });
    Ok(())
}

/// Whether an event changes a file: reading one (as every build does) is not a change.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(what)) => {
            matches!(what, MetadataKind::WriteTime | MetadataKind::Any)
        }
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

fn watch_error(path: &Path, error: notify::Error) -> Error {
    Error::Usage {
        message: format!("cannot watch {} for changes: {error}", path.display()),
        hint: Some(
            "on Linux, raise fs.inotify.max_user_watches if the site has very many folders".into(),
        ),
    }
}
