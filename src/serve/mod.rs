//! `itcost serve`: the local web app. A person uploads ledgers, sets them up through forms (the column mapping,
//! the central IT cost centres, every setting of a run config), runs, reads the same report as `--html` with its
//! figures clickable down to keys and lines, turns IT suspects into rules, and downloads the report, the tables
//! and the `config.toml` + `rules.toml` that reproduce the run from the command line.
//!
//! One module per concern: [`auth`] (token and Host check), [`uploads`] (streamed to disk), [`state`] (the
//! workspace), [`config_toml`] (the workspace as the CLI's files), [`pages`] (server-rendered HTML, sv and en),
//! [`runs`] (a bounded queue of runs on the blocking pool), [`drill`] (keys and lines behind a figure),
//! [`suspects`] (a rule from a suspect, with its effect before saving).
//!
//! Security: binds 127.0.0.1 unless `--host` says otherwise (then with a warning); every request needs the token
//! and a Host header naming this server; uploads are limited (`--max-upload`) and stored in a private (0700)
//! temporary directory removed on exit (also on Ctrl-C and SIGTERM); no path a client sends is ever opened.

mod auth;
mod config_toml;
mod drill;
mod pages;
mod runs;
mod state;
mod suspects;
mod uploads;

use crate::error::{Error, Result};
use crate::report::tables::Lang;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What `itcost serve` was told.
pub struct Options {
    /// Address to listen on (None: 127.0.0.1).
    pub host: Option<String>,
    /// Port (0: any free port).
    pub port: u16,
    /// Largest upload accepted, in bytes.
    pub max_upload: u64,
    /// Runs at once; the others wait in a queue.
    pub max_runs: usize,
    /// Language of the pages.
    pub lang: Lang,
}

/// The server's state, shared by every request.
pub struct App {
    /// The token every request must carry.
    token: String,
    /// The Host header values this server answers to (lower case, with port).
    allowed_hosts: Vec<String>,
    /// The private directory (uploads/, runs/).
    dir: PathBuf,
    /// Largest upload, bytes.
    max_upload: u64,
    /// The workspace.
    ws: Mutex<state::Workspace>,
    /// The runs.
    runs: runs::Runs,
    /// File counter (stored names).
    files: AtomicU64,
}

impl App {
    fn next_file(&self) -> u64 {
        self.files.fetch_add(1, Ordering::Relaxed)
    }

    fn lang(&self) -> Lang {
        self.ws
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .settings
            .lang
    }
}

/// A request that failed: its status and a message for the person.
#[derive(Debug)]
pub struct Fail {
    status: StatusCode,
    message: String,
}

impl Fail {
    fn bad(message: String) -> Fail {
        Fail {
            status: StatusCode::BAD_REQUEST,
            message,
        }
    }
    fn internal(message: String) -> Fail {
        Fail {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message,
        }
    }
    fn not_found() -> Fail {
        Fail {
            status: StatusCode::NOT_FOUND,
            message: "not found".into(),
        }
    }
    fn too_large(limit: u64) -> Fail {
        Fail {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!("the upload is larger than the limit of {limit} bytes (--max-upload)"),
        }
    }
    fn multipart(e: axum::extract::multipart::MultipartError) -> Fail {
        Fail {
            status: e.status(),
            message: e.body_text(),
        }
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let body = pages::error_page(self.status, &self.message);
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

fn routes(app: Arc<App>) -> Router {
    let limit = usize::try_from(app.max_upload).unwrap_or(usize::MAX);
    let uploads = Router::new()
        .route("/upload", post(uploads::upload))
        .route("/config", post(uploads::config))
        .layer(DefaultBodyLimit::max(limit));
    Router::new()
        .route("/", get(pages::home))
        .route("/static/app.js", get(pages::app_js))
        .route("/static/report.js", get(pages::report_js))
        .route("/settings", post(pages::save_settings))
        .route("/lang", post(pages::set_lang))
        .route(
            "/m/{id}",
            get(pages::municipality).post(pages::save_municipality),
        )
        .route("/m/{id}/delete", post(pages::delete_municipality))
        .route("/run", post(runs::start))
        .route("/runs/{id}", get(runs::page))
        .route("/runs/{id}/status", get(runs::status))
        .route("/runs/{id}/report", get(runs::report))
        .route("/runs/{id}/files/{name}", get(runs::download))
        .route("/runs/{id}/drill", get(drill::page))
        .route("/runs/{id}/suspects", get(suspects::page))
        .route("/runs/{id}/rule", post(suspects::preview))
        .route("/rules/save", post(suspects::save))
        .route("/rules/{n}/delete", post(suspects::delete))
        .merge(uploads)
        .fallback(|| async { Fail::not_found() })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::guard,
        ))
        .with_state(app)
}

/// Is this a loopback address?
fn is_loopback(h: &str) -> bool {
    matches!(h, "127.0.0.1" | "localhost" | "::1" | "[::1]")
}

/// Runs the server until Ctrl-C or SIGTERM; removes the upload directory on the way out.
pub fn serve(o: Options) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("starting the server: {e}")))?;
    let r = rt.block_on(serve_async(o));
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    r
}

async fn serve_async(o: Options) -> Result<()> {
    let tmp = tempfile::Builder::new()
        .prefix("itcost-serve-")
        .tempdir()
        .map_err(|e| Error::internal(format!("creating the upload directory: {e}")))?;
    private(tmp.path())?;
    for d in ["uploads", "runs"] {
        let p = tmp.path().join(d);
        std::fs::create_dir(&p).map_err(|e| Error::io(&p, e))?;
    }
    let host = o.host.clone().unwrap_or_else(|| "127.0.0.1".into());
    let bind = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let listener = tokio::net::TcpListener::bind((bind.as_str(), o.port))
        .await
        .map_err(|e| Error::io(std::path::Path::new(&format!("{host}:{}", o.port)), e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::internal(e.to_string()))?
        .port();
    let token = auth::new_token().map_err(|e| Error::internal(format!("making the token: {e}")))?;
    let mut allowed: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect();
    let shown = if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.clone()
    };
    if !is_loopback(&bind) {
        allowed.push(format!("{}:{port}", shown.to_ascii_lowercase()));
        eprintln!(
            "itcost serve: WARNING: listening on {shown}:{port}, not only on this computer: anyone who can reach it \
             and has the token can read the uploaded ledgers (the connection is not encrypted)"
        );
    }
    let shown = if is_loopback(&bind) {
        "127.0.0.1".to_string()
    } else {
        shown
    };
    let app = Arc::new(App {
        token: token.clone(),
        allowed_hosts: allowed,
        dir: tmp.path().to_path_buf(),
        max_upload: o.max_upload,
        ws: Mutex::new(state::Workspace::new(o.lang)),
        runs: runs::Runs::new(o.max_runs.max(1)),
        files: AtomicU64::new(1),
    });
    println!("itcost serve: open http://{shown}:{port}/?token={token}");
    println!(
        "itcost serve: uploads are kept in {} until the server stops (Ctrl-C)",
        tmp.path().display()
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let served = axum::serve(listener, routes(app))
        .with_graceful_shutdown(shutdown())
        .await;
    drop(tmp);
    println!("itcost serve: stopped; the uploaded files are removed");
    served.map_err(|e| Error::internal(format!("serving: {e}")))
}

/// Only the owner may enter the upload directory.
fn private(p: &std::path::Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(p, e))?;
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
