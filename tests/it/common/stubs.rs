//! An HTTP stub registry over wiremock, modelled on gh's `httpmock.Registry`: a test registers
//! (matcher, responder) pairs, and when the registry is dropped the test fails if a registered
//! stub was never used or a request matched no stub.
//!
//! ```ignore
//! let server = Registry::start().await;
//! server.register(post("/api/v1/tracker/pull/"), reply(200, body)).await;
//! server.register(get("/api/v1/tracker/status/"), status(500)).times(2).await;
//! ```
//!
//! Every stub must answer at least once unless `times`/`never` say otherwise. A request no stub
//! matches still gets wiremock's `404` (so the product sees what it always saw), but it fails the
//! test at the end, listing every request the server received.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use wiremock::matchers::{any, method, path};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate, Times};

/// A wiremock server whose stubs are all verified on drop (see the module docs).
pub struct Registry {
    server: MockServer,
}

impl Registry {
    /// A fresh server with no stubs: any request it receives fails the test.
    pub async fn start() -> Registry {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(404))
            .with_priority(u8::MAX)
            .named("a request that no registered stub matched")
            .expect(0)
            .mount(&server)
            .await;
        Registry { server }
    }

    /// Register a stub: requests matching `route` get `reply`. Await the result to mount it;
    /// before that, `times`, `never` and `up_to` adjust it.
    pub fn register(&self, route: Route, reply: impl Respond + 'static) -> Registration<'_> {
        Registration {
            server: &self.server,
            mock: route.matcher.respond_with(reply).named(route.name),
            times: (1..).into(),
        }
    }

    /// Every request received so far, in arrival order.
    pub async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests received so far whose path is `p`, in arrival order.
    pub async fn requests_to(&self, p: &str) -> Vec<Request> {
        self.received()
            .await
            .into_iter()
            .filter(|r| r.url.path() == p)
            .collect()
    }
}

impl std::ops::Deref for Registry {
    type Target = MockServer;

    /// The underlying server (`uri`, `address`).
    fn deref(&self) -> &MockServer {
        &self.server
    }
}

/// A stub not yet mounted; `.await` mounts it.
#[must_use = "a stub is registered only when awaited"]
pub struct Registration<'a> {
    server: &'a MockServer,
    mock: Mock,
    times: Times,
}

impl Registration<'_> {
    /// The stub must answer exactly `n` requests.
    pub fn times(mut self, n: u64) -> Self {
        self.times = n.into();
        self
    }

    /// The stub must answer no request (a route that must never be called).
    pub fn never(self) -> Self {
        self.times(0)
    }

    /// The stub answers at most `n` requests; later ones fall through to the next stub.
    pub fn up_to(mut self, n: u64) -> Self {
        self.mock = self.mock.up_to_n_times(n);
        self
    }
}

impl<'a> IntoFuture for Registration<'a> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mock.expect(self.times).mount(self.server))
    }
}

/// What a stub answers: a method, usually a path, and any further wiremock matchers. Its name
/// (`POST /api/v1/token/`) is what a failed verification reports.
pub struct Route {
    name: String,
    matcher: MockBuilder,
}

impl Route {
    /// Requests must also match `matcher` (a header, a query parameter, a body).
    pub fn and(self, matcher: impl Match + 'static) -> Route {
        Route {
            name: format!("{} (and more)", self.name.trim_end_matches(" (and more)")),
            matcher: self.matcher.and(matcher),
        }
    }
}

/// Requests with method `POST` and path `p`.
pub fn post(p: &str) -> Route {
    Route {
        name: format!("POST {p}"),
        matcher: Mock::given(method("POST")).and(path(p)),
    }
}

/// Requests with method `GET` and path `p`.
pub fn get(p: &str) -> Route {
    Route {
        name: format!("GET {p}"),
        matcher: Mock::given(method("GET")).and(path(p)),
    }
}

/// Requests with method `verb`, whatever their path.
pub fn any_path(verb: &str) -> Route {
    Route {
        name: format!("{verb} (any path)"),
        matcher: Mock::given(method(verb)),
    }
}

/// A reply with this status and no body.
pub fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

/// A reply with this status and a JSON body.
pub fn reply(code: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(body)
}
