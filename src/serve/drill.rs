//! The keys and lines behind a figure of the report: `GET /runs/{id}/drill?unit=…&pool=…&part=…&page=…`. The
//! filter is made from the clicked cell (municipality, pool, central IT / outside / all IT / the denominator's
//! lines); the page shows the sum (the clicked figure), the keys by amount and the lines, 50 at a time.

use super::runs::finished;
use super::{pages, App, Fail};
use crate::pipeline::RunResult;
use crate::report::tables::Lang;
use crate::rules::taxonomy::Pool;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use polars::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Rows per page.
pub const PAGE: usize = 50;

/// The unit id the key table and the ledger carry, from a label shown in a table (`Mellerud`, `Mellerud 2023`)
/// and a year.
fn unit_id(r: &RunResult, shown: &str, year: Option<i32>) -> String {
    let ms = &r.municipalities;
    ms.iter()
        .find(|m| m.id == shown || m.label == shown)
        .or_else(|| {
            ms.iter()
                .find(|m| m.name == shown && (year.is_none() || m.year == year))
        })
        .map(|m| m.id.clone())
        .unwrap_or_else(|| shown.to_string())
}

/// A pool from its name in either language.
fn pool_of(label: &str) -> Option<Pool> {
    Pool::ALL.iter().copied().find(|p| {
        p.name() == label || Lang::Sv.pool(p.name()) == label || Lang::En.pool(p.name()) == label
    })
}

/// What a clicked figure covers: a unit, optionally a pool, and a part (central IT, outside, all IT, or the
/// denominator's lines).
struct Pick {
    unit: String,
    pool: Option<Pool>,
    part: &'static str,
    what: String,
}

impl Pick {
    fn of(r: &RunResult, q: &HashMap<String, String>, l: Lang) -> Result<Pick, Fail> {
        let unit = q.get("unit").cloned().unwrap_or_default();
        let year = q.get("year").and_then(|y| y.parse::<i32>().ok());
        let unit = unit_id(r, &unit, year);
        if !r.classified.units.contains(&unit) {
            return Err(Fail::bad(format!("no municipality '{unit}' in this run")));
        }
        let pool = match q.get("pool").filter(|p| !p.is_empty()) {
            Some(p) => Some(pool_of(p).ok_or_else(|| Fail::bad(format!("unknown pool '{p}'")))?),
            None => None,
        };
        let (part, label) = match q.get("part").map(String::as_str).unwrap_or("it") {
            "central" => ("central_it", l.t("central IT", "central IT")),
            "outside" => ("outside_it", l.t("IT utanför central IT", "IT outside central IT")),
            "den" => (
                "den",
                l.t(
                    "nämnarens rader (central IT, IT utanför, ej IT; inte interna eller exkluderade)",
                    "the denominator's lines (central IT, outside IT, not IT; not internal or excluded)",
                ),
            ),
            _ => ("it", l.t("all IT", "all IT")),
        };
        let mut what = vec![unit.clone()];
        if let Some(p) = pool {
            what.push(l.pool(p.name()));
        }
        what.push(label.to_string());
        Ok(Pick {
            unit,
            pool,
            part,
            what: what.join(" · "),
        })
    }

    /// Does a key's decision fall under the pick (its unit aside)?
    fn decision(&self, scope: &str, pool: Option<Pool>, it: bool) -> bool {
        let part = match self.part {
            "it" => it,
            "den" => matches!(scope, "central_it" | "outside_it" | "not_it"),
            p => scope == p,
        };
        part && (self.pool.is_none() || self.pool == pool)
    }

    /// The same filter on the classified ledger's columns.
    fn expr(&self) -> Expr {
        let mut e = col("municipality").eq(lit(self.unit.clone()));
        if let Some(p) = self.pool {
            e = e.and(col("pool").eq(lit(p.name())));
        }
        let part = match self.part {
            "it" => col("is_it").eq(lit(true)),
            "den" => col("scope")
                .eq(lit("central_it"))
                .or(col("scope").eq(lit("outside_it")))
                .or(col("scope").eq(lit("not_it"))),
            p => col("scope").eq(lit(p)),
        };
        e.and(part)
    }
}

/// Formats a cell of a frame (amounts in öre as kronor).
fn cell(c: &Column, i: usize) -> String {
    let name = c.name().as_str();
    match c.get(i) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(v) if name == "amount" || name == "amount_ore" => match v.extract::<i64>() {
            Some(o) => crate::money::format_kr(o),
            None => v.to_string(),
        },
        Ok(AnyValue::String(s)) => s.to_string(),
        Ok(AnyValue::StringOwned(s)) => s.to_string(),
        Ok(v) => v.to_string(),
    }
}

/// A frame as rows of text, with its column names.
fn rows(df: &DataFrame, skip: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let cols: Vec<&Column> = df
        .columns()
        .iter()
        .filter(|c| !skip.contains(&c.name().as_str()))
        .collect();
    let heads = cols.iter().map(|c| c.name().to_string()).collect();
    let body = (0..df.height())
        .map(|i| cols.iter().map(|c| cell(c, i)).collect())
        .collect();
    (heads, body)
}

/// `GET /runs/{id}/drill`.
pub async fn page(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, Fail> {
    let f = finished(&app, id)?;
    let lang = app.lang();
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let qs: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| k.as_str() != "page")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let out = tokio::task::spawn_blocking(move || -> Result<String, Fail> {
        let r = &f.result;
        if r.config.analysis.anonymise {
            return Err(Fail::bad(
                "the run is anonymised: its figures have no drill-down (it would show the other organisations' lines)".into(),
            ));
        }
        let pick = Pick::of(r, &q, lang)?;
        let c = &r.classified;
        let mut keys: Vec<&crate::classify::ClassifiedKey> = c
            .keys
            .iter()
            .filter(|k| c.units[k.unit] == pick.unit)
            .filter(|k| pick.decision(k.decision.scope.key(), k.decision.pool, k.decision.it))
            .collect();
        let total: i64 = keys.iter().map(|k| k.amount).sum();
        let lines: i64 = keys.iter().map(|k| k.lines as i64).sum();
        let nkeys = keys.len();
        keys.sort_by_key(|k| std::cmp::Reverse(k.amount));
        let kh: Vec<String> = [
            "account", "account_text", "cost_centre", "department", "supplier", "counterpart", "scope", "pool",
            "rule_id", "amount", "lines",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let kb: Vec<Vec<String>> = keys
            .iter()
            .skip(page * PAGE)
            .take(PAGE)
            .map(|k| {
                vec![
                    k.account.to_string(),
                    k.account_text.to_string(),
                    k.cost_centre.to_string(),
                    k.department.to_string(),
                    k.supplier.to_string(),
                    k.counterpart.to_string(),
                    k.decision.scope.key().to_string(),
                    k.decision.pool.map(|p| lang.pool(p.name())).unwrap_or_default(),
                    k.decision.rule_id.to_string(),
                    crate::money::format_kr(k.amount),
                    k.lines.to_string(),
                ]
            })
            .collect();
        let what = pick.what.clone();
        let e = pick.expr();
        // Lines: only when the run kept them (ledgers up to LINES_UP_TO).
        let lines_html = if r.config.keep_lines {
            let lf = r
                .classified_lines()
                .map_err(|e| Fail::internal(e.to_string()))?
                .filter(e)
                .sort(["file", "line"], SortMultipleOptions::default())
                .slice((page * PAGE) as i64, PAGE as u32)
                .collect()
                .map_err(|e| Fail::internal(e.to_string()))?;
            let (lh, lb) = rows(&lf, &["text_sig", "it_suspect_candidate", "lines"]);
            Some((lh, lb))
        } else {
            None
        };
        Ok(pages::drill_page(
            lang,
            id,
            &what,
            total,
            lines,
            nkeys,
            page,
            &qs,
            (&kh, &kb),
            lines_html.as_ref().map(|(h, b)| (h, b)),
        ))
    })
    .await
    .map_err(|e| Fail::internal(e.to_string()))??;
    Ok(Html(out))
}
