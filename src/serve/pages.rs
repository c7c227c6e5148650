//! The pages, rendered on the server in Swedish or English (the workspace's language, switched on every page).
//! Forms post back to the server; `assets/app.js` adds drag and drop, progress bars and the cost-centre search.

use super::state::{Inspect, Muni, OwnRule};
use super::{App, Fail};
use crate::ingest::columns::{ColumnMap, Field};
use crate::money::format_kr;
use crate::pipeline::RunResult;
use crate::report::svg::esc;
use crate::report::tables::Lang;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2730;background:#fafbfc}
header{background:#0b3d5c;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}header a{color:#fff}
header form{margin-left:auto}main{max-width:1100px;margin:0 auto;padding:12px 24px}
section{background:#fff;border:1px solid #e1e5e9;border-radius:6px;padding:12px 18px;margin:14px 0}
h1{font-size:20px;margin:0}h2{font-size:17px;color:#0b3d5c;margin:4px 0 10px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #e6e9ec;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
label{display:inline-block;margin:4px 14px 4px 0}input[type=text],input[type=number],select{padding:3px 6px}
textarea{width:100%;font-family:monospace;font-size:12px}button{background:#0b3d5c;color:#fff;border:0;border-radius:4px;padding:6px 14px;cursor:pointer}
.drop{border:2px dashed #9ab;border-radius:6px;padding:18px;text-align:center;color:#567;margin:6px 0}.drop.over{background:#eef5fa}
.bad{color:#a00}.ok{color:#006b3c}.note{color:#555;font-size:13px}progress{width:100%}.pager a{margin-right:12px}
code{background:#f3f5f7;padding:0 3px}
"#;

/// A whole page.
fn layout(l: Lang, title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} · itcost</title><style>{CSS}</style></head><body><header><h1><a href="/">itcost</a></h1><span>{}</span><form method="post" action="/lang"><button name="lang" value="{}">{}</button></form></header><main>{body}</main><script src="/static/app.js"></script></body></html>"#,
        l.t("sv", "en"),
        esc(title),
        esc(title),
        l.t("en", "sv"),
        l.t("English", "Svenska"),
    ))
}

/// The page of a failed request: the message, in a page with a way back.
pub fn error_page(status: StatusCode, message: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{status}</title><style>{CSS}</style></head><body><main><section><h2>{status}</h2><p class="bad" id="error">{}</p><p><a href="/">itcost</a></p></section></main></body></html>"#,
        esc(message)
    )
}

/// `GET /static/app.js`.
pub async fn app_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/app.js"),
    )
        .into_response()
}

/// `GET /static/report.js`.
pub async fn report_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/report.js"),
    )
        .into_response()
}

fn selected(a: &str, b: &str) -> &'static str {
    if a == b {
        " selected"
    } else {
        ""
    }
}

/// `GET /`: uploads, municipalities, settings, own rules, runs.
pub async fn home(State(app): State<Arc<App>>) -> Html<String> {
    let ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    let l = ws.settings.lang;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><form class="upload" id="upload" method="post" action="/upload" enctype="multipart/form-data">
<label>{} <input type="text" name="municipality" id="up-name" placeholder="Mellerud"></label>
<label>{} <input type="number" name="year" id="up-year" placeholder="2024"></label>
<div class="drop"><span>{}</span><br><input type="file" name="ledger" id="up-files" multiple></div>
<button id="up-send">{}</button> <progress hidden value="0"></progress><div class="msg bad"></div></form>
<details><summary>{}</summary><form class="upload" id="config-upload" method="post" action="/config" enctype="multipart/form-data">
<label>config.toml <input type="file" name="config" id="cfg-file"></label><div class="drop"><span>{}</span><br><input type="file" name="ledger" id="cfg-ledgers" multiple></div>
<button>{}</button> <progress hidden value="0"></progress><div class="msg bad"></div></form></details></section>"#,
        l.t("1. Ladda upp huvudböcker", "1. Upload ledgers"),
        l.t("Kommun", "Municipality"),
        l.t("År", "Year"),
        l.t(
            "Dra filerna hit (CSV, TSV, Excel, SIE, Parquet) eller välj dem:",
            "Drop the files here (CSV, TSV, Excel, SIE, Parquet) or choose them:"
        ),
        l.t("Ladda upp", "Upload"),
        l.t(
            "… eller en config.toml med sina huvudböcker",
            "… or a config.toml with its ledgers"
        ),
        l.t(
            "Huvudböckerna och filerna som config.toml nämner:",
            "The ledgers and files the config.toml names:"
        ),
        l.t("Ladda upp", "Upload"),
    );
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><table id="munis"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>"#,
        l.t(
            "2. Kommuner och år (regional jämförelse)",
            "2. Municipalities and years (regional benchmark)"
        ),
        l.t("Kommun", "Municipality"),
        l.t("År", "Year"),
        l.t("Filer", "Files"),
        l.t("Central IT", "Central IT"),
    );
    for m in &ws.munis {
        let files: Vec<String> = m
            .files
            .iter()
            .map(|f| match &f.inspect {
                Inspect::Read(_) => format!(r#"<span class="ok">{}</span>"#, esc(&f.name)),
                Inspect::Failed(_) => format!(r#"<span class="bad">{} ✗</span>"#, esc(&f.name)),
            })
            .collect();
        let _ = write!(
            o,
            r#"<tr><td><a id="m-{}" href="/m/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td><a href="/m/{}">{}</a></td></tr>"#,
            m.id,
            m.id,
            esc(&m.name),
            m.year.map(|y| y.to_string()).unwrap_or_default(),
            files.join(", "),
            if m.central_it.is_empty() {
                format!(
                    r#"<span class="bad">{}</span>"#,
                    l.t("inte vald", "not chosen")
                )
            } else {
                esc(&m.central_it.join(", "))
            },
            m.id,
            l.t("ställ in", "set up"),
        );
    }
    o.push_str("</tbody></table></section>");
    settings_form(&mut o, &ws, l);
    let _ = write!(
        o,
        r#"<section id="rules"><h2>{}</h2>"#,
        l.t(
            "Egna regler (prövas före standardreglerna)",
            "Own rules (tried before the default rules)"
        )
    );
    if ws.rules.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Inga ännu: gör en regel från en körnings IT-misstankar.",
                "None yet: make one from a run's IT suspects."
            )
        );
    }
    for (i, r) in ws.rules.iter().enumerate() {
        let _ = write!(
            o,
            r#"<form method="post" action="/rules/{i}/delete"><pre>{}</pre><button>{}</button></form>"#,
            esc(&super::config_toml::rule_block(r)),
            l.t("Ta bort", "Delete")
        );
    }
    o.push_str("</section>");
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><form method="post" action="/run"><button id="run">{}</button></form><ul id="runs">"#,
        l.t("4. Kör", "4. Run"),
        l.t("Kör", "Run"),
    );
    drop(ws);
    for (id, r) in app.runs_list() {
        let _ = write!(o, r#"<li><a href="/runs/{id}">#{id}</a> {}</li>"#, esc(&r));
    }
    o.push_str("</ul></section>");
    layout(
        l,
        l.t("Kommunens IT-kostnad", "The municipality's IT cost"),
        &o,
    )
}

fn settings_form(o: &mut String, ws: &super::state::Workspace, l: Lang) {
    let s = &ws.settings;
    let opt = |v: &str, label: &str, cur: &str| {
        format!(
            r#"<option value="{v}"{}>{label}</option>"#,
            selected(v, cur)
        )
    };
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><form id="settings" method="post" action="/settings">
<label>{} <input type="text" name="title" value="{}"></label>
<label>{} <select name="denominator" id="denominator">{}{}{}</select></label>
<label>{} <select name="numerator" id="numerator">{}{}</select></label>
<label>{} <input type="text" name="target" id="target" value="{}" placeholder="2,5 %"></label>
<label>{} <input type="text" name="scope" id="scope" value="{}" title="narrow, wide, {}"></label>
<label>{} <input type="number" name="benchmark_year" value="{}"></label>
<label>{} <input type="text" name="highlight" value="{}"></label>
<p class="note">{}</p><textarea name="extra" rows="8">{}</textarea>
<button id="save-settings">{}</button></form></section>"#,
        l.t("3. Inställningar för körningen", "3. Run settings"),
        l.t("Titel", "Title"),
        esc(&s.title),
        l.t("Nämnare", "Denominator"),
        opt("total_cost", l.t("Total kostnad", "Total cost"), &s.denominator),
        opt("net_cost", l.t("Nettokostnad", "Net cost"), &s.denominator),
        opt("external", l.t("Extern total (årsredovisning)", "External total (annual report)"), &s.denominator),
        l.t("Täljare", "Numerator"),
        opt("central_it", l.t("Central IT", "Central IT"), &s.numerator),
        opt("it", l.t("All IT", "All IT"), &s.numerator),
        l.t("Målandel", "Target share"),
        esc(&s.target),
        l.t("IT utanför central IT (scope)", "IT outside central IT (scope)"),
        esc(&s.scope),
        esc(&crate::rules::taxonomy::Pool::names()),
        l.t("Jämförelseår", "Benchmark year"),
        s.benchmark_year.map(|y| y.to_string()).unwrap_or_default(),
        l.t("Markera kommun", "Highlight"),
        esc(&s.highlight),
        l.t(
            "Övriga inställningar som i config.toml (referenser [[reference]], besparingar [[savings]], [joint_org], supplier_threshold, allocation_keys, csv_dialect, anonymise …):",
            "Other settings as in config.toml (references [[reference]], savings [[savings]], [joint_org], supplier_threshold, allocation_keys, csv_dialect, anonymise …):"
        ),
        esc(&toml::to_string(&s.extra).unwrap_or_default()),
        l.t("Spara inställningar", "Save settings"),
    );
}

fn form_get<'a>(f: &'a [(String, String)], k: &str) -> &'a str {
    f.iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn codes(s: &str) -> Vec<String> {
    s.split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn extra_table(s: &str) -> Result<toml::Table, Fail> {
    s.parse::<toml::Table>()
        .map_err(|e| Fail::bad(format!("TOML: {}", e.message())))
}

/// `POST /settings`.
pub async fn save_settings(
    State(app): State<Arc<App>>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, Fail> {
    let extra = extra_table(form_get(&f, "extra"))?;
    let year = match form_get(&f, "benchmark_year") {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .map_err(|_| Fail::bad(format!("benchmark year: '{y}'")))?,
        ),
    };
    let target = form_get(&f, "target").to_string();
    if let Some(t) = super::config_toml::target_value(&target) {
        crate::money::parse_share_ppm(&t).map_err(|_| {
            Fail::bad(format!(
                "target share: expected a percentage such as 2,5 %, found '{target}'"
            ))
        })?;
    }
    let scope = form_get(&f, "scope").to_string();
    crate::config::parse_scope(if scope.is_empty() { "narrow" } else { &scope })
        .map_err(Fail::bad)?;
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    let s = &mut ws.settings;
    s.title = form_get(&f, "title").to_string();
    s.denominator = form_get(&f, "denominator").to_string();
    s.numerator = form_get(&f, "numerator").to_string();
    s.target = target;
    s.scope = if scope.is_empty() {
        "narrow".into()
    } else {
        scope
    };
    s.benchmark_year = year;
    s.highlight = form_get(&f, "highlight").to_string();
    s.extra = extra;
    Ok(Redirect::to("/").into_response())
}

/// `POST /lang`.
pub async fn set_lang(
    State(app): State<Arc<App>>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(l) = Lang::parse(form_get(&f, "lang")) {
        app.ws
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .settings
            .lang = l;
    }
    Redirect::to("/").into_response()
}

/// The headers of a municipality's files (the first file's), and the field each feeds.
fn mapping(m: &Muni) -> Vec<(String, Option<Field>)> {
    let Some(f) = m.files.first() else {
        return Vec::new();
    };
    let explicit: BTreeMap<Field, String> = m
        .columns
        .iter()
        .filter_map(|(k, v)| Field::from_key(k).map(|f| (f, v.clone())))
        .collect();
    if !f.headers.is_empty() {
        let map = ColumnMap::from_headers(&f.headers, &explicit);
        return f
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    h.clone(),
                    map.fields
                        .iter()
                        .find(|(_, (j, _))| *j == i)
                        .map(|(f, _)| *f),
                )
            })
            .collect();
    }
    match &f.inspect {
        Inspect::Read(o) => match &o.report.layout {
            Some(lay) => lay
                .columns
                .fields
                .iter()
                .map(|(f, (_, h))| (h.clone(), Some(*f)))
                .chain(lay.columns.unused.iter().map(|h| (h.clone(), None)))
                .collect(),
            None => Vec::new(),
        },
        Inspect::Failed(_) => Vec::new(),
    }
}

/// `GET /m/{id}`: what inspect sees, the column mapping, the cost centres to tick, the municipality's settings.
pub async fn municipality(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
) -> Result<Html<String>, Fail> {
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    let l = ws.settings.lang;
    let m = ws.muni(id).ok_or_else(Fail::not_found)?;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<form id="muni" method="post" action="/m/{id}"><section><h2>{}</h2>"#,
        esc(&m.name)
    );
    let _ = write!(
        o,
        r#"<label>{} <input type="text" name="name" value="{}"></label><label>{} <input type="number" name="year" value="{}"></label><label>{} <input type="number" name="population" value="{}"></label><label>{} <input type="text" name="internal" id="internal" value="{}" placeholder="K100"></label>"#,
        l.t("Namn", "Name"),
        esc(&m.name),
        l.t("År", "Year"),
        m.year.map(|y| y.to_string()).unwrap_or_default(),
        l.t("Invånare", "Population"),
        m.population.map(|y| y.to_string()).unwrap_or_default(),
        l.t("Interna motparter", "Internal counterparts"),
        esc(&m.internal_counterparts.join(", ")),
    );
    o.push_str("</section>");
    // What was read, per file.
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><table id="files"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        l.t("Filer: vad itcost läser", "Files: what itcost reads"),
        l.t("Fil", "File"),
        l.t("Format", "Format"),
        l.t("Teckenkodning", "Encoding"),
        l.t("Rader", "Lines"),
        l.t("Summa (kr)", "Sum (kr)"),
        l.t("Månader", "Months")
    );
    for f in &m.files {
        match &f.inspect {
            Inspect::Read(ov) => {
                let r = &ov.report;
                let (enc, delim) = r
                    .layout
                    .as_ref()
                    .map(|lay| (lay.encoding.to_string(), lay.delimiter.to_string()))
                    .unwrap_or_default();
                let months = match (r.months.first(), r.months.last()) {
                    (Some(a), Some(b)) => format!("{a}–{b} ({})", r.months.len()),
                    _ => String::new(),
                };
                let _ = write!(
                    o,
                    r#"<tr><td>{} <span class="note">({:.1} MB)</span></td><td>{} {}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
                    esc(&f.name),
                    f.size as f64 / 1e6,
                    r.format.name(),
                    if delim.is_empty() {
                        String::new()
                    } else {
                        format!("({})", esc(&delim))
                    },
                    esc(&enc),
                    r.lines,
                    format_kr(r.sum_ore),
                    months
                );
                for w in &r.warnings {
                    let _ = write!(
                        o,
                        r#"<tr><td></td><td colspan="5" class="note">{}</td></tr>"#,
                        esc(w)
                    );
                }
            }
            Inspect::Failed(e) => {
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td colspan="5" class="bad file-error">{}</td></tr>"#,
                    esc(&f.name),
                    esc(e)
                );
            }
        }
    }
    o.push_str("</tbody></table></section>");
    // The column mapping.
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><table id="mapping"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        l.t("Kolumner → fält", "Columns → fields"),
        l.t("Kolumn i filen", "Column in the file"),
        l.t("Fält", "Field")
    );
    for (h, f) in mapping(m) {
        let cur = f.map(|f| f.key()).unwrap_or("");
        let mut opts = format!(r#"<option value=""{}>—</option>"#, selected("", cur));
        for fl in Field::ALL {
            let _ = write!(
                opts,
                r#"<option value="{}"{}>{}</option>"#,
                fl.key(),
                selected(fl.key(), cur),
                fl.key()
            );
        }
        let _ = write!(
            o,
            r#"<tr><td>{}</td><td><select name="col:{}">{opts}</select>{}</td></tr>"#,
            esc(&h),
            esc(&h),
            if f.is_none() {
                format!(
                    r#" <span class="note">{}</span>"#,
                    l.t("inte använd", "not used")
                )
            } else {
                String::new()
            }
        );
    }
    o.push_str("</tbody></table></section>");
    // Cost centres.
    let mut cc: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for f in &m.files {
        if let Inspect::Read(ov) = &f.inspect {
            for k in &ov.cost_centres {
                let e = cc.entry(k.key.clone()).or_default();
                e.0 += k.lines;
                e.1 += k.amount_ore;
            }
        }
    }
    let patterns = crate::config::parse_codes(&m.central_it).unwrap_or_default();
    let depts: Vec<(String, Vec<crate::rules::pattern::CodePattern>)> =
        match m.extra.get("departments") {
            Some(toml::Value::Table(t)) => t
                .iter()
                .map(|(k, v)| {
                    let list: Vec<String> = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (
                        k.clone(),
                        crate::config::parse_codes(&list).unwrap_or_default(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><p class="note">{}</p><label>{} <input type="text" id="cc-search" placeholder="1510"></label><label>{} <input type="text" name="central_extra" value="{}" placeholder="15*, 1500-1599"></label>
<table id="cc"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        l.t("Kostnadsställen: kryssa för central IT", "Cost centres: tick the central IT ones"),
        l.t("Central IT är IT-avdelningens egna kostnadsställen; allt annat IT räknas som IT utanför central IT.", "Central IT is the IT department's own cost centres; all other IT counts as IT outside central IT."),
        l.t("Sök", "Search"),
        l.t("Mönster (valfritt)", "Patterns (optional)"),
        esc(&m.central_it.iter().filter(|c| !cc.contains_key(*c)).cloned().collect::<Vec<_>>().join(", ")),
        l.t("Central IT", "Central IT"),
        l.t("Kostnadsställe", "Cost centre"),
        l.t("Förvaltning", "Department"),
        l.t("Rader", "Lines"),
        l.t("Summa (kr)", "Sum (kr)"),
    );
    for (code, (lines, amount)) in &cc {
        let on = patterns.iter().any(|p| p.matches(code));
        let dept = depts
            .iter()
            .find(|(_, ps)| ps.iter().any(|p| p.matches(code)))
            .map(|(n, _)| n.as_str())
            .unwrap_or("");
        let _ = write!(
            o,
            r#"<tr><td><input type="checkbox" name="cc" value="{}" id="cc-{}"{}></td><td>{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(code),
            esc(code),
            if on { " checked" } else { "" },
            esc(code),
            esc(dept),
            lines,
            format_kr(*amount)
        );
    }
    o.push_str("</tbody></table></section>");
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><textarea name="extra" rows="5">{}</textarea><button id="save-muni">{}</button></section></form><form method="post" action="/m/{id}/delete"><button>{}</button></form>"#,
        l.t("Övrigt som i config.toml (departments, external_total, employees, users, devices, sheet …)", "Other settings as in config.toml (departments, external_total, employees, users, devices, sheet …)"),
        esc(&toml::to_string(&m.extra).unwrap_or_default()),
        l.t("Spara", "Save"),
        l.t("Ta bort kommunen", "Remove the municipality"),
    );
    let title = m.name.clone();
    Ok(layout(l, &title, &o))
}

/// `POST /m/{id}`: saves the municipality's settings and re-reads its files with the new mapping.
pub async fn save_municipality(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, Fail> {
    let extra = extra_table(form_get(&f, "extra"))?;
    let year = match form_get(&f, "year") {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .map_err(|_| Fail::bad(format!("year: '{y}'")))?,
        ),
    };
    let population = match form_get(&f, "population") {
        "" => None,
        p => Some(
            p.replace(' ', "")
                .parse::<u64>()
                .map_err(|_| Fail::bad(format!("population: '{p}'")))?,
        ),
    };
    let mut central: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "cc")
        .map(|(_, v)| v.clone())
        .collect();
    central.extend(codes(form_get(&f, "central_extra")));
    crate::config::parse_codes(&central).map_err(|e| Fail::bad(format!("central IT: {e}")))?;
    let internal = codes(form_get(&f, "internal"));
    crate::config::parse_codes(&internal)
        .map_err(|e| Fail::bad(format!("internal counterparts: {e}")))?;
    {
        let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
        let m = ws.muni(id).ok_or_else(Fail::not_found)?;
        // A mapping is kept only where it differs from what itcost recognises by itself.
        let headers = m
            .files
            .first()
            .map(|f| f.headers.clone())
            .unwrap_or_default();
        let auto = ColumnMap::from_headers(&headers, &BTreeMap::new());
        let mut columns = BTreeMap::new();
        for (k, v) in &f {
            if let (Some(h), false) = (k.strip_prefix("col:"), v.is_empty()) {
                let field =
                    Field::from_key(v).ok_or_else(|| Fail::bad(format!("unknown field '{v}'")))?;
                let auto_field = headers.iter().position(|x| x == h).and_then(|i| {
                    auto.fields
                        .iter()
                        .find(|(_, (j, _))| *j == i)
                        .map(|(f, _)| *f)
                });
                if auto_field != Some(field) {
                    columns.insert(field.key().to_string(), h.to_string());
                }
            }
        }
        let name = form_get(&f, "name");
        if !name.is_empty() {
            m.name = name.to_string();
        }
        m.year = year;
        m.population = population;
        m.central_it = central;
        m.internal_counterparts = internal;
        m.columns = columns;
        m.extra = extra;
    }
    super::uploads::reinspect(&app, id).await;
    Ok(Redirect::to(&format!("/m/{id}")).into_response())
}

/// `POST /m/{id}/delete`.
pub async fn delete_municipality(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Response {
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = ws.munis.iter().position(|m| m.id == id) {
        let m = ws.munis.remove(i);
        for f in m.files {
            let _ = std::fs::remove_file(&f.path);
        }
    }
    Redirect::to("/").into_response()
}

/// The bar above the served report: back, drill-down hint, suspects, downloads.
pub fn report_bar(l: Lang, id: u64) -> String {
    format!(
        r#"<div style="background:#0b3d5c;color:#fff;padding:8px 16px;font:14px system-ui"><a style="color:#fff" href="/">itcost</a> · <a style="color:#fff" href="/runs/{id}">{}</a> · <a style="color:#fff" href="/runs/{id}/suspects">{}</a> · {}</div>"#,
        l.t("Nedladdningar", "Downloads"),
        l.t("IT-misstankar → regler", "IT suspects → rules"),
        l.t("Klicka på en siffra i pool- och jämförelsetabellerna för att se nycklarna och raderna bakom den.", "Click a figure of the pool and benchmark tables to see the keys and lines behind it."),
    )
}

/// `GET /runs/{id}`: progress, then the links.
pub fn run_page(l: Lang, id: u64, state: &serde_json::Value, files: &[String]) -> String {
    let mut o = String::new();
    let s = state["state"].as_str().unwrap_or("");
    match s {
        "queued" | "running" => {
            let _ = write!(
                o,
                r#"<section><h2>{} #{id}</h2><div id="run-status" data-url="/runs/{id}/status"><progress></progress><p class="state">{s}</p></div></section>"#,
                l.t("Körning", "Run")
            );
        }
        "failed" => {
            let _ = write!(
                o,
                r#"<section><h2>{} #{id}</h2><p class="bad" id="error">{}</p><p><a href="/">{}</a></p></section>"#,
                l.t("Körningen misslyckades", "The run failed"),
                esc(state["error"].as_str().unwrap_or("")),
                l.t("Tillbaka till inställningarna", "Back to the settings")
            );
        }
        "expired" => {
            let _ = write!(
                o,
                r#"<section><p>{}</p></section>"#,
                l.t(
                    "Resultatet är borttaget ur minnet: kör igen.",
                    "The result was dropped from memory: run again."
                )
            );
        }
        _ => {
            let _ = write!(
                o,
                r#"<section><h2>{} #{id} ({:.1} s)</h2><p><a id="report" href="/runs/{id}/report">{}</a> · <a href="/runs/{id}/suspects">{}</a></p><h3>{}</h3><ul id="downloads"><li><a href="/runs/{id}/files/config.toml">config.toml</a></li>"#,
                l.t("Körning klar", "Run done"),
                state["seconds"].as_f64().unwrap_or(0.0),
                l.t("Läs rapporten", "Read the report"),
                l.t("IT-misstankar → regler", "IT suspects → rules"),
                l.t("Ladda ner", "Download"),
            );
            o.push_str(&format!(r#"<li><a href="/runs/{id}/files/rules.toml">rules.toml</a> <span class="note">{}</span></li>"#, l.t("(om egna regler finns)", "(when there are own rules)")));
            for f in files {
                let _ = write!(
                    o,
                    r#"<li><a href="/runs/{id}/files/{}">{}</a></li>"#,
                    esc(&f.replace('/', "~")),
                    esc(f)
                );
            }
            let _ = write!(
                o,
                r#"</ul><p class="note">{}</p></section>"#,
                l.t("Lägg config.toml (och rules.toml) bredvid huvudböckerna och kör itcost run --config config.toml för samma resultat.", "Put config.toml (and rules.toml) beside the ledgers and run itcost run --config config.toml for the same result.")
            );
        }
    }
    layout(l, &format!("{} #{id}", l.t("Körning", "Run")), &o).0
}

fn table(o: &mut String, id: &str, heads: &[String], rows: &[Vec<String>]) {
    let _ = write!(o, r#"<table id="{id}"><thead><tr>"#);
    for h in heads {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (h, c) in heads.iter().zip(r) {
            let n = h == "amount" || h == "amount_ore" || h == "lines" || h == "line";
            let _ = write!(
                o,
                "<td{}>{}</td>",
                if n { r#" class="n""# } else { "" },
                esc(c)
            );
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
}

/// The drill-down page.
#[allow(clippy::too_many_arguments)]
pub fn drill_page(
    l: Lang,
    id: u64,
    what: &str,
    total: i64,
    lines: i64,
    nkeys: usize,
    page: usize,
    qs: &[(String, String)],
    keys: (&[String], &[Vec<String>]),
    ledger: Option<(&Vec<String>, &Vec<Vec<String>>)>,
) -> String {
    let mut o = String::new();
    let q: String = qs
        .iter()
        .map(|(k, v)| format!("{}={}&", k, pct_encode(v)))
        .collect();
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><p><a href="/runs/{id}/report">← {}</a></p><p id="drill-total"><b>{} kr</b> · {lines} {} · {nkeys} {}</p><p class="pager">"#,
        esc(what),
        l.t("rapporten", "the report"),
        format_kr(total),
        l.t("rader", "lines"),
        l.t("nycklar", "keys"),
    );
    if page > 0 {
        let _ = write!(
            o,
            r#"<a href="drill?{q}page={}">← {}</a>"#,
            page - 1,
            l.t("föregående", "previous")
        );
    }
    let max = (nkeys.max(lines.max(0) as usize)).saturating_sub(1) / super::drill::PAGE;
    let _ = write!(o, "{} {} / {}", l.t("sida", "page"), page + 1, max + 1);
    if page < max {
        let _ = write!(
            o,
            r#" <a id="next" href="drill?{q}page={}">{} →</a>"#,
            page + 1,
            l.t("nästa", "next")
        );
    }
    o.push_str("</p>");
    let _ = write!(
        o,
        "<h3>{}</h3>",
        l.t("Nycklar (störst först)", "Keys (largest first)")
    );
    table(&mut o, "drill-keys", keys.0, keys.1);
    match ledger {
        Some((h, b)) => {
            let _ = write!(o, "<h3>{}</h3>", l.t("Rader", "Lines"));
            table(&mut o, "drill-lines", h, b);
        }
        None => {
            let _ = write!(o, r#"<p class="note">{}</p>"#, l.t("Körningen lästes som summor per nyckel (stora huvudböcker): raderna visas inte.", "The run was read as sums per key (large ledgers): the lines are not shown."));
        }
    }
    o.push_str("</section>");
    layout(l, what, &o).0
}

/// Percent-encodes a query value.
fn pct_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn pool_options(cur: &str) -> String {
    crate::rules::taxonomy::Pool::ALL
        .iter()
        .map(|p| {
            format!(
                r#"<option value="{}"{}>{} / {}</option>"#,
                p.name(),
                selected(p.name(), cur),
                p.name(),
                p.label_sv()
            )
        })
        .collect()
}

/// The rule form, prefilled from a rule (its id is not used).
fn rule_form(o: &mut String, l: Lang, id: u64, r: &OwnRule) {
    let (account, keyword, field, pool, why) = (
        r.account.as_str(),
        r.keyword.as_str(),
        r.field.as_str(),
        r.pool.as_str(),
        r.why.as_str(),
    );
    let fopt = |v: &str, label: &str| {
        format!(
            r#"<option value="{v}"{}>{label}</option>"#,
            selected(v, field)
        )
    };
    let _ = write!(
        o,
        r#"<form class="rule" method="post" action="/runs/{id}/rule"><label>{} <input type="text" name="account" value="{}" placeholder="6540 / 654* / 6540-6549"></label><label>{} <input type="text" name="keyword" value="{}"></label><label>{} <select name="field">{}{}{}</select></label><label>{} <select name="pool">{}</select></label><label>{} <input type="text" name="why" value="{}" size="40"></label><button>{}</button></form>"#,
        l.t("Konto eller intervall", "Account or range"),
        esc(account),
        l.t("Nyckelord", "Keyword"),
        esc(keyword),
        l.t("i", "in"),
        fopt("text", l.t("radtext", "line text")),
        fopt("supplier", l.t("leverantör", "supplier")),
        fopt("account_text", l.t("kontotext", "account text")),
        l.t("Kostnadspool", "Cost pool"),
        pool_options(pool),
        l.t("Varför", "Why"),
        esc(why),
        l.t("Visa effekten", "Show the effect"),
    );
}

/// `GET /runs/{id}/suspects`.
pub fn suspects_page(l: Lang, id: u64, r: &RunResult) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><p class="note">{}</p>"#,
        l.t("IT-misstankar", "IT suspects"),
        l.t("Rader som ser ut som IT (leverantör, text) men bokats på konton som reglerna inte räknar som IT. Gör en regel av en misstanke: effekten visas innan den sparas.", "Lines that look like IT (supplier, text) but are booked on accounts the rules do not count as IT. Turn a suspect into a rule: its effect is shown before it is saved."),
    );
    rule_form(
        &mut o,
        l,
        id,
        &OwnRule {
            field: "text".into(),
            pool: "Software".into(),
            ..Default::default()
        },
    );
    o.push_str("</section>");
    for m in &r.municipalities {
        let d = &m.unclassified_it_suspect_detail;
        let _ = write!(
            o,
            r#"<section><h2>{} {}</h2><p>{} kr · {} {}</p>"#,
            esc(&m.name),
            m.year.map(|y| y.to_string()).unwrap_or_default(),
            format_kr(d.amount.0),
            d.lines,
            l.t("rader", "lines")
        );
        for (title, items, kind) in [
            (l.t("Konton", "Accounts"), &d.top_accounts, "account"),
            (
                l.t("Leverantörer", "Suppliers"),
                &d.top_suppliers,
                "supplier",
            ),
            (l.t("Texter", "Texts"), &d.top_texts, "text"),
        ] {
            if items.is_empty() {
                continue;
            }
            let _ = write!(o, "<h3>{title}</h3><table><tbody>");
            for it in items.iter() {
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td>{}</td><td class="n">{} kr</td><td class="n">{}</td><td><details><summary>{}</summary>"#,
                    esc(&it.key),
                    esc(&it.label),
                    format_kr(it.amount.0),
                    it.lines,
                    l.t("gör en regel", "make a rule")
                );
                let why = format!("{} {}", it.key, it.label).trim().to_string();
                match kind {
                    "account" => rule_form(
                        &mut o,
                        l,
                        id,
                        &OwnRule {
                            account: it.key.clone(),
                            field: "text".into(),
                            pool: "Software".into(),
                            why,
                            ..Default::default()
                        },
                    ),
                    k => rule_form(
                        &mut o,
                        l,
                        id,
                        &OwnRule {
                            keyword: it.key.to_lowercase(),
                            field: k.into(),
                            pool: "Software".into(),
                            why,
                            ..Default::default()
                        },
                    ),
                }
                o.push_str("</details></td></tr>");
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>");
    }
    layout(l, l.t("IT-misstankar", "IT suspects"), &o).0
}

/// The effect of a rule: per municipality, IT cost, share and suspects before and after.
pub fn preview_page(
    l: Lang,
    id: u64,
    rule: &super::state::OwnRule,
    before: &RunResult,
    after: &RunResult,
    block: &str,
) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<section><h2>{}</h2><pre>{}</pre><table id="delta"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>Δ</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        l.t("Regelns effekt", "The rule's effect"),
        esc(block),
        l.t("Kommun", "Municipality"),
        l.t("IT-kostnad före", "IT cost before"),
        l.t("efter", "after"),
        l.t("Andel före", "Share before"),
        l.t("efter", "after"),
        l.t("Misstankar efter", "Suspects after"),
    );
    let pct = |s: Option<f64>| {
        s.map(|v| format!("{:.2} %", v * 100.0).replace('.', l.t(",", ".")))
            .unwrap_or_default()
    };
    for (b, a) in before.municipalities.iter().zip(&after.municipalities) {
        let _ = write!(
            o,
            r#"<tr><td>{} {}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&b.name),
            b.year.map(|y| y.to_string()).unwrap_or_default(),
            format_kr(b.it_cost.0),
            format_kr(a.it_cost.0),
            format_kr(a.it_cost.0 - b.it_cost.0),
            pct(b.it_share),
            pct(a.it_share),
            format_kr(a.unclassified_it_suspect.0),
        );
    }
    o.push_str("</tbody></table>");
    let hidden =
        |k: &str, v: &str| format!(r#"<input type="hidden" name="{k}" value="{}">"#, esc(v));
    let _ = write!(
        o,
        r#"<form method="post" action="/rules/save">{}{}{}{}{}<button id="save-rule">{}</button></form><p><a href="/runs/{id}/suspects">{}</a></p></section>"#,
        hidden("account", &rule.account),
        hidden("keyword", &rule.keyword),
        hidden("field", &rule.field),
        hidden("pool", &rule.pool),
        hidden("why", &rule.why),
        l.t("Spara regeln (prövas först)", "Save the rule (tried first)"),
        l.t("Tillbaka", "Back"),
    );
    layout(l, l.t("Regelns effekt", "The rule's effect"), &o).0
}

impl App {
    /// The runs for the home page: id and state, newest first.
    fn runs_list(&self) -> Vec<(u64, String)> {
        self.runs.list()
    }
}
