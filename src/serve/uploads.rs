//! Uploads: ledgers (per municipality) and a `config.toml` with its ledgers. Every file is streamed to disk in the
//! server's private directory under a name the server chooses; the client's file name is only shown (sanitised),
//! and a file name that carries a path is refused.

use super::state::{sniff_headers, Inspect, Upload};
use super::{App, Fail};
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// The file name a client sent, checked: no directory part, no `..`, no control characters; None when refused.
pub fn clean_name(raw: &str) -> Option<String> {
    let n = raw.trim();
    if n.is_empty()
        || n.contains(['/', '\\', '\0'])
        || n == "."
        || n == ".."
        || n.starts_with('.')
        || n.contains(':')
        || n.chars().any(|c| c.is_control())
        || n.len() > 200
    {
        return None;
    }
    Some(n.to_string())
}

/// 413 when the declared body is larger than the limit (before anything is read).
fn too_large(app: &App, headers: &HeaderMap) -> Option<Response> {
    let len = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())?;
    (len > app.max_upload).then(|| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "itcost serve: the upload is {len} bytes; the limit is {} bytes (--max-upload)\n",
                app.max_upload
            ),
        )
            .into_response()
    })
}

/// A file field streamed to disk.
struct Saved {
    name: String,
    path: PathBuf,
    size: u64,
}

/// What a multipart form carried: its text fields and its files (already on disk).
struct Form {
    fields: Vec<(String, String)>,
    files: Vec<(String, Saved)>,
}

impl Form {
    fn get(&self, k: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Reads a multipart form, streaming each file to a new file in the upload directory.
async fn read_form(app: &App, mut mp: Multipart) -> Result<Form, Fail> {
    let mut form = Form {
        fields: Vec::new(),
        files: Vec::new(),
    };
    let result = async {
        while let Some(mut field) = mp.next_field().await.map_err(Fail::multipart)? {
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                None => {
                    let v = field.text().await.map_err(Fail::multipart)?;
                    form.fields.push((name, v));
                }
                Some(raw) if raw.is_empty() => continue,
                Some(raw) => {
                    let clean = clean_name(&raw).ok_or_else(|| {
                        Fail::bad(format!(
                            "the file name '{raw}' carries a path or is not a plain file name: refused"
                        ))
                    })?;
                    let id = app.next_file();
                    // The stored name: a server counter and the checked name (whose extension the format detection
                    // reads); never a directory of the client's.
                    let path = app.dir.join("uploads").join(format!("{id}-{clean}"));
                    let mut f = tokio::fs::File::create(&path)
                        .await
                        .map_err(|e| Fail::internal(format!("storing the upload: {e}")))?;
                    let mut size = 0u64;
                    // The partly written file is recorded first, so a failure removes it.
                    form.files.push((
                        name.clone(),
                        Saved {
                            name: clean,
                            path: path.clone(),
                            size: 0,
                        },
                    ));
                    while let Some(chunk) = field.chunk().await.map_err(Fail::multipart)? {
                        size += chunk.len() as u64;
                        if size > app.max_upload {
                            return Err(Fail::too_large(app.max_upload));
                        }
                        f.write_all(&chunk)
                            .await
                            .map_err(|e| Fail::internal(format!("storing the upload: {e}")))?;
                    }
                    f.flush()
                        .await
                        .map_err(|e| Fail::internal(format!("storing the upload: {e}")))?;
                    if let Some(last) = form.files.last_mut() {
                        last.1.size = size;
                    }
                }
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        for (_, s) in &form.files {
            let _ = std::fs::remove_file(&s.path);
        }
        return Err(e);
    }
    Ok(form)
}

/// Reads an uploaded ledger as `inspect` does (with the municipality's column mapping).
pub fn inspect(
    path: &std::path::Path,
    shown: &str,
    columns: &std::collections::BTreeMap<String, String>,
) -> Inspect {
    let cols: Vec<String> = columns.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let opts = match crate::config::parse_column_flags(&cols) {
        Ok(c) => crate::ingest::ReadOptions {
            columns: c,
            ..Default::default()
        },
        Err(e) => return Inspect::Failed(e.to_string()),
    };
    match crate::ingest::totals::overview(path, &opts) {
        Ok(o) => Inspect::Read(Box::new(o)),
        // The CLI's message, with the server's file name replaced by the uploaded one.
        Err(e) => Inspect::Failed(e.to_string().replace(&path.display().to_string(), shown)),
    }
}

/// Re-reads every ledger of a municipality (after its mapping changed).
pub async fn reinspect(app: &Arc<App>, muni: u64) {
    let (files, columns) = {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        match ws.muni(muni) {
            Some(m) => (
                m.files
                    .iter()
                    .map(|f| (f.id, f.path.clone(), f.name.clone()))
                    .collect::<Vec<_>>(),
                m.columns.clone(),
            ),
            None => return,
        }
    };
    let results = tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|(id, p, n)| (id, inspect(&p, &n, &columns)))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(m) = ws.muni(muni) {
        for (id, r) in results {
            if let Some(f) = m.files.iter_mut().find(|f| f.id == id) {
                f.inspect = r;
            }
        }
    }
}

fn wants_json(h: &HeaderMap) -> bool {
    h.get("x-requested-with").is_some()
        || h.get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

/// `POST /upload`: ledgers of one municipality (fields `municipality`, `year`, files `ledger`).
pub async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, Fail> {
    if let Some(r) = too_large(&app, &headers) {
        return Ok(r);
    }
    let form = read_form(&app, mp).await?;
    let name = form.get("municipality").map(str::to_string);
    let year =
        match form.get("year") {
            None => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| {
                Fail::bad(format!("year: expected a year such as 2024, found '{y}'"))
            })?),
        };
    if form.files.is_empty() {
        return Err(Fail::bad("no file was uploaded".into()));
    }
    // The municipality's name defaults to the first file's name without its extension and year.
    let name = name.unwrap_or_else(|| {
        let n = &form.files[0].1.name;
        let stem = n.rsplit_once('.').map(|(s, _)| s).unwrap_or(n);
        let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
        let mut c = stem.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_else(|| "Kommun".into())
    });
    let mid = {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        ws.muni_for(&name, year)
    };
    let columns = {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        ws.muni(mid).map(|m| m.columns.clone()).unwrap_or_default()
    };
    let saved: Vec<Saved> = form.files.into_iter().map(|(_, s)| s).collect();
    let uploads = tokio::task::spawn_blocking(move || {
        saved
            .into_iter()
            .map(|s| Upload {
                id: 0,
                headers: sniff_headers(&s.path),
                inspect: inspect(&s.path, &s.name, &columns),
                name: s.name,
                path: s.path,
                size: s.size,
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| Fail::internal(e.to_string()))?;
    let mut report = Vec::new();
    {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        let ids: Vec<u64> = uploads.iter().map(|_| ws.id()).collect();
        if let Some(m) = ws.muni(mid) {
            for (mut u, id) in uploads.into_iter().zip(ids) {
                u.id = id;
                let err = match &u.inspect {
                    Inspect::Failed(e) => Some(e.clone()),
                    Inspect::Read(_) => None,
                };
                report.push(serde_json::json!({"file": u.name, "error": err}));
                // A file of the same name replaces the earlier upload.
                m.files.retain(|f| f.name != u.name);
                m.files.push(u);
            }
        }
    }
    if wants_json(&headers) {
        let body =
            serde_json::json!({"municipality": mid, "url": format!("/m/{mid}"), "files": report});
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response());
    }
    Ok(Redirect::to(&format!("/m/{mid}")).into_response())
}

/// `POST /config`: a `config.toml` (field `config`) with the ledgers and files it names (field `ledger`). Every
/// file the config names is matched by its file name; the config's other settings become the workspace's.
pub async fn config(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Response, Fail> {
    if let Some(r) = too_large(&app, &headers) {
        return Ok(r);
    }
    let form = read_form(&app, mp).await?;
    let Some(cfg) = form
        .files
        .iter()
        .find(|(n, _)| n == "config")
        .map(|(n, s)| {
            (
                n.clone(),
                Saved {
                    name: s.name.clone(),
                    path: s.path.clone(),
                    size: s.size,
                },
            )
        })
    else {
        return Err(Fail::bad(
            "no config.toml was uploaded (field 'config')".into(),
        ));
    };
    let text = std::fs::read_to_string(&cfg.1.path)
        .map_err(|e| Fail::bad(format!("{}: {e}", cfg.1.name)))?;
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| Fail::bad(format!("{}: {}", cfg.1.name, e.message())))?;
    let files: Vec<Saved> = form
        .files
        .into_iter()
        .filter(|(n, _)| n != "config")
        .map(|(_, s)| s)
        .collect();
    let base = |p: &str| {
        std::path::Path::new(p)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let munis = match table.remove("municipality") {
        Some(toml::Value::Array(a)) => a,
        _ => return Err(Fail::bad(format!("{}: no [[municipality]]", cfg.1.name))),
    };
    let take = |t: &mut toml::Table, k: &str| t.remove(k);
    let strs = |v: Option<toml::Value>| -> Vec<String> {
        match v {
            Some(toml::Value::Array(a)) => a
                .into_iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Some(toml::Value::String(s)) => vec![s],
            _ => Vec::new(),
        }
    };
    let mut missing = Vec::new();
    // A rules file the config names must come with it; its text becomes the base of the workspace's rules.
    let rules_name = table
        .get("rules")
        .and_then(|v| v.as_str())
        .filter(|r| !r.starts_with("builtin:"))
        .map(&base);
    if let Some(r) = &rules_name {
        if !files.iter().any(|f| &f.name == r) {
            missing.push(format!("rules: {r}"));
        }
    }
    let mut ws_new = Vec::new();
    for m in munis {
        let toml::Value::Table(mut m) = m else {
            continue;
        };
        let name = take(&mut m, "name")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let year = take(&mut m, "year")
            .and_then(|v| v.as_integer())
            .map(|y| y as i32);
        let ledgers = strs(take(&mut m, "ledgers"));
        let central = strs(take(&mut m, "central_it"));
        let internal = strs(take(&mut m, "internal_counterparts"));
        let columns: std::collections::BTreeMap<String, String> = match take(&mut m, "columns") {
            Some(toml::Value::Table(c)) => c
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            _ => Default::default(),
        };
        let population = take(&mut m, "population")
            .and_then(|v| v.as_integer())
            .map(|p| p as u64);
        for l in &ledgers {
            if !files.iter().any(|f| f.name == base(l)) {
                missing.push(format!("{name}: {}", base(l)));
            }
        }
        ws_new.push((
            name, year, ledgers, central, internal, columns, population, m,
        ));
    }
    if !missing.is_empty() {
        for f in &files {
            let _ = std::fs::remove_file(&f.path);
        }
        return Err(Fail::bad(format!(
            "{}: these ledgers are named by the config but were not uploaded with it: {}",
            cfg.1.name,
            missing.join(", ")
        )));
    }
    let mut files: Vec<Option<Saved>> = files.into_iter().map(Some).collect();
    let mut built = Vec::new();
    for (name, year, ledgers, central, internal, columns, population, extra) in ws_new {
        let mut ups = Vec::new();
        for l in &ledgers {
            if let Some(slot) = files
                .iter_mut()
                .find(|f| f.as_ref().is_some_and(|f| f.name == base(l)))
            {
                if let Some(s) = slot.take() {
                    ups.push(s);
                }
            }
        }
        built.push((
            name, year, ups, central, internal, columns, population, extra,
        ));
    }
    let mut aux: Vec<Saved> = files.into_iter().flatten().collect();
    let base_rules = match &rules_name {
        Some(r) => match aux.iter().position(|f| &f.name == r) {
            Some(i) => {
                let f = aux.remove(i);
                let text =
                    std::fs::read_to_string(&f.path).map_err(|e| Fail::bad(format!("{r}: {e}")))?;
                crate::rules::parse_rules(
                    &text,
                    crate::rules::RulesSource::File(std::path::Path::new(r)),
                )
                .map_err(|e| Fail::bad(e.to_string()))?;
                Some(text)
            }
            None => None,
        },
        // A built-in rules set by name.
        None => match table.get("rules").and_then(|v| v.as_str()) {
            Some("builtin:bas") => Some(crate::rules::BAS.to_string()),
            _ => None,
        },
    };
    let built = tokio::task::spawn_blocking(move || {
        built
            .into_iter()
            .map(
                |(name, year, ups, central, internal, columns, population, extra)| {
                    let ups: Vec<Upload> = ups
                        .into_iter()
                        .map(|s| Upload {
                            id: 0,
                            headers: sniff_headers(&s.path),
                            inspect: inspect(&s.path, &s.name, &columns),
                            name: s.name,
                            path: s.path,
                            size: s.size,
                        })
                        .collect();
                    (
                        name, year, ups, central, internal, columns, population, extra,
                    )
                },
            )
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| Fail::internal(e.to_string()))?;
    {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut ws.settings;
        let mut str_of = |k: &str| table.remove(k).and_then(|v| v.as_str().map(str::to_string));
        if let Some(v) = str_of("title") {
            s.title = v;
        }
        if let Some(v) = str_of("denominator") {
            s.denominator = v;
        }
        if let Some(v) = str_of("numerator") {
            s.numerator = v;
        }
        if let Some(v) = str_of("scope") {
            s.scope = v;
        }
        if let Some(v) = str_of("highlight") {
            s.highlight = v;
        }
        if let Some(v) = table.remove("target_share") {
            s.target = match v {
                toml::Value::String(t) => t,
                other => other.to_string(),
            };
        }
        if let Some(y) = table.remove("benchmark_year").and_then(|v| v.as_integer()) {
            s.benchmark_year = Some(y as i32);
        }
        table.remove("rules");
        s.extra = table;
        ws.base_rules = base_rules;
        for s in aux {
            let id = ws.id();
            ws.aux.push(Upload {
                id,
                headers: Vec::new(),
                inspect: Inspect::Failed(String::new()),
                name: s.name,
                path: s.path,
                size: s.size,
            });
        }
        for (name, year, ups, central, internal, columns, population, extra) in built {
            let mid = ws.muni_for(&name, year);
            let ids: Vec<u64> = ups.iter().map(|_| ws.id()).collect();
            if let Some(m) = ws.muni(mid) {
                m.year = year;
                m.central_it = central;
                m.internal_counterparts = internal;
                m.columns = columns;
                m.population = population;
                m.extra = extra;
                for (mut u, id) in ups.into_iter().zip(ids) {
                    u.id = id;
                    m.files.retain(|f| f.name != u.name);
                    m.files.push(u);
                }
            }
        }
    }
    if wants_json(&headers) {
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            "{\"url\":\"/\"}",
        )
            .into_response());
    }
    Ok(Redirect::to("/").into_response())
}
