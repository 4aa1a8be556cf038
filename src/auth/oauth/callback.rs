//! The loopback redirect target of the browser login (RFC 8252 §7.3): an HTTP server on
//! 127.0.0.1 only, on the first free port of 28888-28898 (the ports 3.2.7 uses) or else any free
//! port, answering `GET /callback` with a small "you can close this tab" page and everything
//! else with 404. The query of the first callback is the result; the server stops once it has
//! answered it. HTTP is parsed by hyper, not here.

use crate::error::CliError;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The ports tried first, in order.
pub const PORTS: std::ops::RangeInclusive<u16> = 28888..=28898;

const PAGE: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Authentication complete</title></head>\n<body><h1>Authentication complete</h1><p>You can close this tab and return to your terminal.</p></body></html>\n";

/// Query parameters of a callback, in order.
pub type Params = Vec<(String, String)>;

/// A listening callback server.
#[derive(Debug)]
pub struct Callback {
    /// `http://127.0.0.1:<port>/callback`.
    pub redirect_uri: String,
    received: oneshot::Receiver<Params>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Callback {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Callback {
    /// Listen on 127.0.0.1 (see the module doc for the port).
    pub async fn start() -> Result<Callback, CliError> {
        let listener = bind().map_err(|e| {
            CliError::failed(
                "callback_server",
                format!("cannot listen on 127.0.0.1 for the login callback: {e}"),
            )
            .hint("use `spec-kitty-tracker auth login --headless` instead")
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let (tx, received) = oneshot::channel();
        let server = tokio::spawn(serve(listener, Arc::new(Mutex::new(Some(tx)))));
        Ok(Callback {
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
            received,
            server,
        })
    }

    /// The query of the first `GET /callback` (after its page was sent).
    pub async fn wait(mut self) -> Option<Params> {
        (&mut self.received).await.ok()
    }
}

fn bind() -> std::io::Result<TcpListener> {
    let std_listener = PORTS
        .clone()
        .find_map(|p| std::net::TcpListener::bind(("127.0.0.1", p)).ok())
        .map_or_else(|| std::net::TcpListener::bind(("127.0.0.1", 0)), Ok)?;
    std_listener.set_nonblocking(true)?;
    TcpListener::from_std(std_listener)
}

type Sender = Arc<Mutex<Option<oneshot::Sender<Params>>>>;

async fn serve(listener: TcpListener, sender: Sender) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let sender = sender.clone();
        tokio::spawn(async move {
            let got: Arc<Mutex<Option<Params>>> = Arc::new(Mutex::new(None));
            let seen = got.clone();
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let seen = seen.clone();
                async move { Ok::<_, std::convert::Infallible>(answer(&req, &seen)) }
            });
            // One request per connection: the connection ends once the page is written, so the
            // result is handed over only after the browser has its page.
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            let params = got.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(params) = params {
                let tx = sender.lock().unwrap_or_else(|p| p.into_inner()).take();
                if let Some(tx) = tx {
                    let _ = tx.send(params);
                }
            }
        });
    }
}

fn answer(req: &Request<Incoming>, seen: &Mutex<Option<Params>>) -> Response<Full<Bytes>> {
    let (status, body) = if req.method() == hyper::Method::GET && req.uri().path() == "/callback" {
        let params: Params =
            url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        seen.lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(params);
        (StatusCode::OK, PAGE)
    } else {
        (StatusCode::NOT_FOUND, "<h1>404 Not Found</h1>\n")
    };
    let mut resp = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_callback_is_the_result_and_other_paths_are_404() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async {
            let cb = Callback::start().await.expect("listen");
            assert!(cb.redirect_uri.starts_with("http://127.0.0.1:"));
            assert!(cb.redirect_uri.ends_with("/callback"));
            let base = cb.redirect_uri.trim_end_matches("/callback").to_owned();
            let client = reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client");
            let other = client
                .get(format!("{base}/favicon.ico"))
                .send()
                .await
                .expect("get");
            assert_eq!(other.status(), 404);
            let page = client
                .get(format!("{}?code=c%2B1&state=s", cb.redirect_uri))
                .send()
                .await
                .expect("get");
            assert_eq!(page.status(), 200);
            assert!(page
                .text()
                .await
                .expect("text")
                .contains("You can close this tab"));
            let params = cb.wait().await.expect("params");
            assert_eq!(
                params,
                [
                    ("code".to_owned(), "c+1".to_owned()),
                    ("state".to_owned(), "s".to_owned())
                ]
            );
        });
    }
}
