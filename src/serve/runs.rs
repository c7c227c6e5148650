//! Runs: a bounded queue. At most `--max-runs` pipelines run at once, each on tokio's blocking thread pool (the
//! pipeline itself uses rayon); the others wait in order. A finished run keeps its result for drill-down; only the
//! newest [`KEEP`] results are kept in memory (an older one says so and offers to run again).

use super::config_toml::{config_toml, rules_toml, Paths};
use super::{pages, App, Fail};
use crate::pipeline::RunResult;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Semaphore;

/// Finished results kept in memory.
pub const KEEP: usize = 8;

/// Ledgers up to this size are read line by line (the drill-down then shows lines); larger runs are read as sums
/// per key and the drill-down shows keys only (memory).
pub const LINES_UP_TO: u64 = 512 << 20;

/// A finished run.
pub struct Finished {
    /// The pipeline's result.
    pub result: RunResult,
    /// Files written (relative to the run's out directory).
    pub files: Vec<String>,
    /// Seconds it took.
    pub secs: f64,
}

/// Where a run is.
pub enum RunState {
    /// Waiting for a slot.
    Queued,
    /// Running.
    Running,
    /// Done.
    Done(Arc<Finished>),
    /// Failed: the CLI's message.
    Failed(String),
    /// Done, but its result was dropped to keep memory bounded.
    Expired,
}

/// One run.
pub struct Run {
    /// Its state.
    pub state: RunState,
    /// When it was asked for.
    pub asked: Instant,
    /// Its directory (config.toml, rules.toml, out/).
    pub dir: PathBuf,
    /// The config to download (ledger names, not stored paths).
    pub config_download: String,
    /// The rules file to download, when the workspace has own rules.
    pub rules_download: Option<String>,
}

/// Every run of the server.
pub struct Runs {
    slots: Arc<Semaphore>,
    map: Mutex<BTreeMap<u64, Run>>,
    /// Ids of the runs that finished with a result, in the order they finished (oldest first). Results are
    /// dropped in this order, never by id: a run asked for early may finish last.
    finished: Mutex<std::collections::VecDeque<u64>>,
}

impl Runs {
    /// A queue running at most `n` at once.
    pub fn new(n: usize) -> Runs {
        Runs {
            slots: Arc::new(Semaphore::new(n)),
            map: Mutex::new(BTreeMap::new()),
            finished: Mutex::new(std::collections::VecDeque::new()),
        }
    }

    /// Records how run `id` ended; keeps the results of the newest [`KEEP`] finished runs (in finishing
    /// order), the older ones become [`RunState::Expired`].
    pub fn finish(&self, id: u64, state: RunState) {
        let mut m = self.lock();
        let mut order = self.finished.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(state, RunState::Done(_)) {
            order.push_back(id);
        }
        if let Some(r) = m.get_mut(&id) {
            r.state = state;
        }
        while order.len() > KEEP {
            if let Some(old) = order.pop_front() {
                if let Some(r) = m.get_mut(&old) {
                    r.state = RunState::Expired;
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Run>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every run, newest first: id and state.
    pub fn list(&self) -> Vec<(u64, String)> {
        self.lock()
            .iter()
            .rev()
            .map(|(k, r)| {
                let s = match &r.state {
                    RunState::Queued => "queued".to_string(),
                    RunState::Running => "running".to_string(),
                    RunState::Done(f) => format!("done ({:.1} s)", f.secs),
                    RunState::Failed(e) => format!("failed: {e}"),
                    RunState::Expired => "expired".to_string(),
                };
                (*k, s)
            })
            .collect()
    }

    /// Waits for a slot (the queue) and runs `f` on the blocking pool.
    pub async fn slot<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Fail> {
        let _permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Fail::internal(e.to_string()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| Fail::internal(format!("the run stopped: {e}")))
    }
}

/// What a run needs, taken from the workspace at the moment it was asked for.
pub struct Job {
    /// Run directory.
    pub dir: PathBuf,
    /// The config with stored paths.
    pub config: String,
    /// The rules file, if any.
    pub rules: Option<String>,
    /// Write the output files (report, tables) into dir/out.
    pub write: bool,
    /// Language of the written report.
    pub lang: crate::report::tables::Lang,
}

/// Makes a job from the workspace; `extra_rule` adds a rule (the suspects form's preview).
pub fn job(
    app: &App,
    dir: PathBuf,
    extra_rule: Option<&super::state::OwnRule>,
    write: bool,
) -> Job {
    let ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    let mut own = ws.rules.clone();
    if let Some(r) = extra_rule {
        own.insert(0, r.clone());
    }
    let rules = rules_toml(&own, ws.base_rules.as_deref());
    let rules_path = dir.join("rules.toml");
    Job {
        config: config_toml(
            &ws,
            Paths::Stored,
            rules.as_ref().map(|_| rules_path.as_path()),
        ),
        rules,
        dir,
        write,
        lang: ws.settings.lang,
    }
}

/// Runs a job: writes its config (and rules), loads it as the CLI does, runs the pipeline.
pub fn execute(j: Job) -> Result<Finished, String> {
    let t = Instant::now();
    std::fs::create_dir_all(&j.dir).map_err(|e| e.to_string())?;
    let cfg_path = j.dir.join("config.toml");
    std::fs::write(&cfg_path, &j.config).map_err(|e| e.to_string())?;
    if let Some(r) = &j.rules {
        std::fs::write(j.dir.join("rules.toml"), r).map_err(|e| e.to_string())?;
    }
    let mut cfg = crate::config::load(&cfg_path).map_err(|e| e.to_string())?;
    cfg.keep_lines = j.write && cfg.ledger_bytes() <= LINES_UP_TO;
    let result = crate::pipeline::run(cfg).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    if j.write {
        let out = j.dir.join("out");
        let lang = j.lang;
        if result.config.keep_lines {
            for p in
                crate::report::files::write_all(&result, &out, lang).map_err(|e| e.to_string())?
            {
                if let Ok(rel) = p.strip_prefix(&out) {
                    files.push(rel.to_string_lossy().to_string());
                }
            }
        }
    }
    Ok(Finished {
        result,
        files,
        secs: t.elapsed().as_secs_f64(),
    })
}

/// `POST /run`: queues a run of the workspace and sends the browser to its page.
pub async fn start(State(app): State<Arc<App>>) -> Result<Response, Fail> {
    if app
        .ws
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .munis
        .is_empty()
    {
        return Err(Fail::bad("upload at least one ledger first".into()));
    }
    let id = app.next_file();
    let dir = app.dir.join("runs").join(id.to_string());
    let j = job(&app, dir.clone(), None, true);
    let (config_download, rules_download) = {
        let ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        let rules = rules_toml(&ws.rules, ws.base_rules.as_deref());
        (
            config_toml(
                &ws,
                Paths::Names,
                rules.as_ref().map(|_| std::path::Path::new("rules.toml")),
            ),
            rules,
        )
    };
    app.runs.lock().insert(
        id,
        Run {
            state: RunState::Queued,
            asked: Instant::now(),
            dir,
            config_download,
            rules_download,
        },
    );
    let a = app.clone();
    tokio::spawn(async move {
        let a2 = a.clone();
        let r = a
            .runs
            .slot(move || {
                if let Some(r) = a2.runs.lock().get_mut(&id) {
                    r.state = RunState::Running;
                }
                execute(j)
            })
            .await;
        let state = match r {
            Ok(Ok(f)) => RunState::Done(Arc::new(f)),
            Ok(Err(e)) => RunState::Failed(e),
            Err(e) => RunState::Failed(e.message),
        };
        a.runs.finish(id, state);
    });
    Ok(Redirect::to(&format!("/runs/{id}")).into_response())
}

/// The finished result of a run, or the page's reason why there is none.
pub fn finished(app: &App, id: u64) -> Result<Arc<Finished>, Fail> {
    match app.runs.lock().get(&id).map(|r| &r.state) {
        Some(RunState::Done(f)) => Ok(f.clone()),
        Some(RunState::Failed(e)) => Err(Fail::bad(e.clone())),
        Some(RunState::Expired) => Err(Fail::bad(
            "this run's result was dropped to keep memory bounded: run again".into(),
        )),
        Some(_) => Err(Fail::bad("the run has not finished yet".into())),
        None => Err(Fail::not_found()),
    }
}

/// A run's state as JSON: `{"state": "queued|running|done|failed|expired", "position": n, "error": …}`.
fn state_json(app: &App, id: u64) -> Option<serde_json::Value> {
    let m = app.runs.lock();
    let r = m.get(&id)?;
    let position = m
        .iter()
        .filter(|(k, x)| **k < id && matches!(x.state, RunState::Queued))
        .count();
    let secs = r.asked.elapsed().as_secs_f64();
    Some(match &r.state {
        RunState::Queued => {
            serde_json::json!({"state": "queued", "position": position, "seconds": secs})
        }
        RunState::Running => serde_json::json!({"state": "running", "seconds": secs}),
        RunState::Done(f) => serde_json::json!({"state": "done", "seconds": f.secs}),
        RunState::Failed(e) => serde_json::json!({"state": "failed", "error": e}),
        RunState::Expired => serde_json::json!({"state": "expired"}),
    })
}

/// `GET /runs/{id}/status`.
pub async fn status(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Result<Response, Fail> {
    let v = state_json(&app, id).ok_or_else(Fail::not_found)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response())
}

/// `GET /runs/{id}`: the progress while queued or running, then the report with the run's links.
pub async fn page(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Result<Html<String>, Fail> {
    let v = state_json(&app, id).ok_or_else(Fail::not_found)?;
    let files = match app.runs.lock().get(&id).map(|r| &r.state) {
        Some(RunState::Done(f)) => f.files.clone(),
        _ => Vec::new(),
    };
    Ok(Html(pages::run_page(app.lang(), id, &v, &files)))
}

/// `GET /runs/{id}/report`: the same report as `--html`, its pool and benchmark figures linked to the drill-down.
pub async fn report(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
) -> Result<Html<String>, Fail> {
    let f = finished(&app, id)?;
    let lang = app.lang();
    let html = crate::report::html::render(&f.result, lang);
    let bar = pages::report_bar(lang, id);
    let num = f.result.config.numerator.key();
    let html = html.replacen(
        "<body>",
        &format!("<body data-numerator=\"{num}\">{bar}"),
        1,
    );
    let html = html.replacen(
        "</body>",
        "<script src=\"/static/report.js\"></script></body>",
        1,
    );
    Ok(Html(html))
}

/// `GET /runs/{id}/files/{name}`: a file of the run. Only names the server wrote are served (config.toml,
/// rules.toml, and the files the run wrote, `tables~pools.csv` for `tables/pools.csv`).
pub async fn download(
    State(app): State<Arc<App>>,
    Path((id, name)): Path<(u64, String)>,
) -> Result<Response, Fail> {
    let (dir, cfg, rules) = {
        let m = app.runs.lock();
        let r = m.get(&id).ok_or_else(Fail::not_found)?;
        (
            r.dir.clone(),
            r.config_download.clone(),
            r.rules_download.clone(),
        )
    };
    let attach = |n: &str| format!("attachment; filename=\"{n}\"");
    match name.as_str() {
        "config.toml" => {
            return Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "text/plain; charset=utf-8".to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, attach("config.toml")),
                ],
                cfg,
            )
                .into_response())
        }
        "rules.toml" => {
            let r = rules.ok_or_else(Fail::not_found)?;
            return Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "text/plain; charset=utf-8".to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, attach("rules.toml")),
                ],
                r,
            )
                .into_response());
        }
        _ => {}
    }
    let f = finished(&app, id)?;
    let rel = name.replace('~', "/");
    // The name must be one the run wrote: nothing the client sends becomes a path.
    let Some(known) = f.files.iter().find(|x| **x == rel) else {
        return Err(Fail::not_found());
    };
    let path = dir.join("out").join(known);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| Fail::internal(e.to_string()))?;
    let ctype = match known.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    };
    let short = known.rsplit('/').next().unwrap_or(known).to_string();
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, attach(&short)),
        ],
        bytes,
    )
        .into_response())
}
