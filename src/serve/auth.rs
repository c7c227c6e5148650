//! Who may talk to the server: a random token (printed in the URL, as Jupyter does) and a `Host` header naming
//! this server (a page of another site that rebinds its DNS name to 127.0.0.1 sends its own name and is refused).
//!
//! The token is accepted as `?token=…` (the printed URL; the server then sets it as an HttpOnly, SameSite=Strict
//! cookie, so the address bar need not keep it), as `Authorization: token …`, or as that cookie. SameSite=Strict
//! also keeps other sites' pages from posting forms with it (CSRF).

use super::App;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The cookie that carries the token after the first visit.
pub const COOKIE: &str = "itcost_token";

/// A fresh random token: 24 bytes from the operating system, hex.
pub fn new_token() -> std::io::Result<String> {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Compares without an early exit (the time does not tell how much of a guess was right).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The token a request carries, if any: query, Authorization header or cookie.
fn token_of(req: &Request) -> (Option<String>, bool) {
    if let Some(q) = req.uri().query() {
        for (k, v) in url_pairs(q) {
            if k == "token" {
                return (Some(v), true);
            }
        }
    }
    let h = req.headers();
    if let Some(v) = h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(t) = v
            .strip_prefix("token ")
            .or_else(|| v.strip_prefix("Bearer "))
        {
            return (Some(t.trim().to_string()), false);
        }
    }
    for c in h.get_all(header::COOKIE) {
        if let Ok(s) = c.to_str() {
            for part in s.split(';') {
                if let Some((k, v)) = part.trim().split_once('=') {
                    if k == COOKIE {
                        return (Some(v.to_string()), false);
                    }
                }
            }
        }
    }
    (None, false)
}

/// The pairs of a query string, percent-decoded.
pub fn url_pairs(q: &str) -> Vec<(String, String)> {
    let uri: axum::http::Uri = match format!("/?{q}").parse() {
        Ok(u) => u,
        Err(_) => return Vec::new(),
    };
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The middleware: 421 for a foreign Host, 401 without the right token; sets the cookie when the token came in
/// the query.
pub async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.to_ascii_lowercase());
    match host {
        Some(h) if app.allowed_hosts.contains(&h) => {}
        _ => {
            return (
                StatusCode::MISDIRECTED_REQUEST,
                "itcost serve: this server answers only to its own address (Host header refused)\n",
            )
                .into_response()
        }
    }
    let (token, in_query) = token_of(&req);
    if !token.as_deref().is_some_and(|t| same(t, &app.token)) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "itcost serve: open the URL with ?token=… that the server printed when it started\n",
        )
            .into_response();
    }
    let mut resp = next.run(req).await;
    if in_query {
        let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", app.token);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp.headers_mut().insert(
        header::HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    resp
}
