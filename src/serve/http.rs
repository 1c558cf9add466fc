//! The HTTP side of `bulletin serve`: files of the output folder, with the live-reload script
//! added to HTML pages, and the stream of build events the script listens to.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast;

use super::{Shared, Signal};

/// Where the script and the event stream are served; no site has pages there.
const LIVE_JS: &str = "/__bulletin/live.js";
const EVENTS: &str = "/__bulletin/events";

/// The routes of the preview server.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(LIVE_JS, get(script))
        .route(EVENTS, get(events))
        .fallback(get(file))
        .with_state(shared)
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        include_str!("live.js"),
    )
        .into_response()
}

/// Server-sent events: `problem` (with the errors as JSON) when a build fails, `fixed` when a
/// build succeeds again without changing a file, `reload` when files changed. A page that
/// connects while the build is broken gets the problem at once.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.signals.subscribe();
    let current = shared
        .problem
        .lock()
        .expect("no thread panics holding the problem")
        .clone();
    let first = Some(match current {
        Some(json) => Event::default().event("problem").data(json),
        None => Event::default().event("hello").data(""),
    });
    let stream =
        futures_util::stream::unfold((first, receiver), |(first, mut receiver)| async move {
            if let Some(event) = first {
                return Some((Ok(event), (None, receiver)));
            }
            let event = match receiver.recv().await {
                Ok(Signal::Reload) => Event::default().event("reload").data(""),
                Ok(Signal::Fixed) => Event::default().event("fixed").data(""),
                Ok(Signal::Problem(json)) => Event::default().event("problem").data(json),
                // A page that fell behind may have missed a reload: reload it.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    Event::default().event("reload").data("")
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            Some((Ok(event), (None, receiver)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the output folder: `index.html` for a folder, the site's `404.html` (or a short
/// text) for what does not exist. HTML gets the live-reload script.
async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let Some(relative) = relative_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let mut path = shared.output.join(&relative);
    if path.is_dir() {
        if !uri.path().ends_with('/') {
            // One leading slash: `//news` must not become a link to the host `news`.
            let mut location = format!("/{}/", uri.path().trim_start_matches('/'));
            if let Some(query) = uri.query() {
                location.push('?');
                location.push_str(query);
            }
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        path.push("index.html");
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => respond(StatusCode::OK, &path, bytes),
        Err(_) => {
            let page = shared.output.join("404.html");
            match tokio::fs::read(&page).await {
                Ok(bytes) => respond(StatusCode::NOT_FOUND, &page, bytes),
                Err(_) => respond(
                    StatusCode::NOT_FOUND,
                    Path::new("404.txt"),
                    b"not found".to_vec(),
                ),
            }
        }
    }
}

fn respond(status: StatusCode, path: &Path, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let html = mime.essence_str() == "text/html";
    let body = if html { with_script(bytes) } else { bytes };
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str().ends_with("xml") || mime.essence_str().ends_with("json") => {
            format!("{}; charset=utf-8", mime.essence_str())
        }
        _ => mime.essence_str().to_string(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload script before `</body>`, or at the end.
fn with_script(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_JS}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.bytes());
    html
}

/// The file a request path names, relative to the output folder; `None` for a path that
/// would leave it.
fn relative_path(uri_path: &str) -> Option<PathBuf> {
    let decoded = crate::content::links::percent_decode(uri_path);
    if decoded.contains('\0') {
        return None;
    }
    let mut relative = PathBuf::new();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>a</p></BODY></html>".to_vec();
        let out = String::from_utf8(with_script(html)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>a</p><script src=\"/__bulletin/live.js\"></script></BODY></html>"
        );
        let bare = String::from_utf8(with_script(b"<p>x".to_vec())).unwrap();
        assert!(bare.ends_with("<script src=\"/__bulletin/live.js\"></script>"));
    }

    #[test]
    fn request_paths_stay_inside_the_output() {
        assert_eq!(
            relative_path("/news/a%20b/index.html"),
            Some(PathBuf::from("news/a b/index.html"))
        );
        assert_eq!(relative_path("/"), Some(PathBuf::new()));
        assert_eq!(relative_path("/news/../../etc/passwd"), None);
        assert_eq!(relative_path("/%2e%2e/secret"), None);
    }
}
