//! `bulletin serve`: pages over HTTP, rebuilds with reload events, the last good site kept
//! through a broken build, drafts and scheduled articles marked, ports in use refused.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::support::{read, site, times, write};

const ARTICLE: &str = "+++\ntitle = \"Harbour Opens\"\ndate = \"2017-09-18 10:05:20\"\nsummary = \"S.\"\n+++\nFirst version.\n";
const DRAFT: &str = "+++\ntitle = \"Unfinished\"\ndate = \"2017-09-19\"\ndraft = true\n+++\nText\n";
const LATER: &str = "+++\ntitle = \"Next Year\"\ndate = \"2999-01-01\"\n+++\nText\n";

/// A running server, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    lines: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path, output: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .arg("--output")
            .arg(output)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bulletin serve starts");
        let lines = forward(child.stdout.take().expect("piped"));
        let mut server = Server {
            child,
            url: String::new(),
            lines,
        };
        let line = server.wait_for_line("Serving");
        let start = line.find("http://").expect("the address is printed");
        server.url = line[start..]
            .split_whitespace()
            .next()
            .expect("an address")
            .to_string();
        server
    }

    fn wait_for_line(&self, needle: &str) -> String {
        wait_for(&self.lines, needle, "the server's output")
    }

    fn get(&self, path: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent
            .get(&format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .expect("the server answers");
        let status = response.status().as_u16();
        let body = response.into_body().read_to_string().expect("a text body");
        (status, body)
    }

    /// The lines of the event stream, as they come.
    fn events(&self) -> Receiver<String> {
        let response = ureq::get(&format!("{}__bulletin/events", self.url))
            .call()
            .expect("the event stream opens");
        forward(response.into_body().into_reader())
    }
}

/// Sends each line read from `reader` down a channel, from a thread.
fn forward(reader: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits (at most a minute, for slow machines) for a line containing `needle`.
fn wait_for(lines: &Receiver<String>, needle: &str, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    panic!("no line with {needle:?} in {what}; saw {seen:#?}");
}

#[test]
fn serve_rebuilds_reloads_and_keeps_the_last_good_site_through_errors() {
    let dir = site(&[
        ("content/news/harbour.md", ARTICLE),
        ("content/news/draft.md", DRAFT),
        ("content/news/later.md", LATER),
    ]);
    let output = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), output.path());
    let page = "news/2017/09/18/harbour/";

    let (status, html) = server.get(page);
    assert_eq!(status, 200);
    assert!(html.contains("First version."), "{html}");
    assert!(
        html.contains("<script src=\"/__bulletin/live.js\"></script></body>"),
        "{html}"
    );
    let on_disk = read(output.path(), &format!("{page}index.html"));
    assert!(
        !on_disk.contains("__bulletin"),
        "the script is added when serving only"
    );
    let (status, script) = server.get("__bulletin/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"));
    let (status, _) = server.get("news/2017/09/19/draft/");
    assert_eq!(status, 200, "drafts are served");
    let (status, _) = server.get("news/2999/01/01/later/");
    assert_eq!(status, 200, "scheduled articles are served");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let moved = agent
        .get(&format!("{}/news?x=1", server.url))
        .call()
        .expect("the server answers");
    assert_eq!(moved.status().as_u16(), 301);
    assert_eq!(
        moved.headers().get("location").unwrap(),
        "/news/?x=1",
        "a folder's address gets its slash, and never two leading ones"
    );
    let (status, missing) = server.get("no/such/page/");
    assert_eq!(status, 404);
    assert!(missing.contains("__bulletin/live.js"));

    let events = server.events();
    wait_for(&events, "event: hello", "the event stream");
    let source = dir.path().join("content/news/harbour.md");
    let before = times(output.path());
    std::fs::write(&source, ARTICLE.replace("First", "Second")).unwrap();
    wait_for(&events, "event: reload", "the event stream");
    let rebuilt = server.wait_for_line("Rebuilt after a change to content/news/harbour.md");
    assert!(
        rebuilt.contains(" s: "),
        "the rebuild time is shown: {rebuilt}"
    );
    assert!(server.get(page).1.contains("Second version."));
    // Only the files whose bytes changed were written: the others keep their times.
    let after = times(output.path());
    let changed: Vec<&std::path::PathBuf> = after
        .iter()
        .filter(|(file, time)| before.get(*file) != Some(time))
        .map(|(file, _)| file)
        .collect();
    let written: usize = rebuilt
        .split(" s: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of written files: {rebuilt}"));
    assert_eq!(changed.len(), written, "{changed:?} against {rebuilt}");
    assert!(
        changed.contains(&&Path::new(page).join("index.html")),
        "{changed:?}"
    );
    assert!(written < after.len() / 2, "{changed:?}");
    assert_eq!(
        before.get(Path::new("news/2017/09/19/draft/index.html")),
        after.get(Path::new("news/2017/09/19/draft/index.html")),
        "a page that does not show the article keeps its time"
    );

    std::fs::write(
        &source,
        ARTICLE.replace("2017-09-18 10:05:20", "2017-02-30"),
    )
    .unwrap();
    wait_for(&events, "event: problem", "the event stream");
    let data = wait_for(&events, "data: ", "the event stream");
    let problems: serde_json::Value =
        serde_json::from_str(data.trim_start_matches("data: ")).unwrap();
    assert_eq!(problems[0]["file"], "content/news/harbour.md");
    assert_eq!(problems[0]["line"], 3);
    let (status, html) = server.get(page);
    assert_eq!(status, 200);
    assert!(
        html.contains("Second version."),
        "the last good page is still served"
    );
    let late = server.events();
    wait_for(
        &late,
        "event: problem",
        "a stream opened while the build is broken",
    );

    std::fs::write(&source, ARTICLE.replace("First", "Third")).unwrap();
    wait_for(&events, "event: reload", "the event stream");
    assert!(server.get(page).1.contains("Third version."));

    // A body edit is made from the site kept in memory, without asking for every file
    // first: a file deleted by hand is found missing afterwards, and built again.
    let draft_page = output.path().join("news/2017/09/19/draft/index.html");
    std::fs::remove_file(&draft_page).unwrap();
    std::fs::write(&source, ARTICLE.replace("First", "Fourth")).unwrap();
    server.wait_for_line("1 file was missing from");
    server.wait_for_line("Rebuilt after a change to the preview folder");
    assert!(draft_page.is_file(), "the deleted page is made again");
    assert!(server.get(page).1.contains("Fourth version."));
}

#[test]
fn serve_marks_drafts_and_scheduled_articles_in_the_default_theme() {
    let dir = site(&[
        ("bulletin.toml", ""),
        ("content/news/draft.md", DRAFT),
        ("content/news/later.md", LATER),
    ]);
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    copy_default_theme(dir.path());
    let output = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), output.path());
    let (_, draft) = server.get("news/2017/09/19/draft/");
    assert!(
        draft.contains("<strong class=\"badge\">Draft</strong>"),
        "{draft}"
    );
    let (_, later) = server.get("news/2999/01/01/later/");
    assert!(
        later.contains("<strong class=\"badge\">Scheduled</strong>"),
        "{later}"
    );
    // Ctrl-C stops the server even while a page listens for reloads.
    let mut server = server;
    let events = server.events();
    wait_for(&events, "event: hello", "the event stream");
    let interrupted = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

fn copy_default_theme(root: &Path) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for entry in walkdir::WalkDir::new(&theme) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&theme).unwrap();
            let target = format!("themes/default/{}", relative.display());
            write(root, &target, &std::fs::read(entry.path()).unwrap());
        }
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = site(&[("content/news/harbour.md", ARTICLE)]);
    let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["serve", "--port", &port, "--root"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "cannot serve on 127.0.0.1:{port}: the port is in use"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--port"), "{stderr}");
}
