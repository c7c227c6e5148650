//! What `itcost inspect` prints: per ledger, what was read (format, layout, SIE details, lines, sum, year, months,
//! warnings) and the totals per account and cost centre — as text, or as JSON.

use crate::ingest::totals::{KeyTotal, Overview};
use crate::money::{format_sv, ore_to_kr_f64};
use std::fmt::Write as _;

/// Appends a formatted line to a String.
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        let _ = writeln!($o, $($arg)*);
    }};
}

/// The text report of ledgers; `all`: every account and cost centre, else the 20 largest (by absolute sum) of each.
pub fn text(docs: &[Overview], all: bool) -> String {
    let mut o = String::new();
    for d in docs {
        let r = &d.report;
        outln!(o, "{}", r.file);
        outln!(o, "  format      {} — {}", r.format.name(), r.detected_by);
        if let Some(l) = &r.layout {
            if l.delimiter.is_empty() {
                outln!(
                    o,
                    "  sheet       '{}', header on row {}",
                    r.sheet.clone().unwrap_or_default(),
                    l.header_line
                );
            } else {
                outln!(
                    o,
                    "  text        {}, delimiter {}, header on line {}",
                    l.encoding,
                    l.delimiter,
                    l.header_line
                );
            }
            outln!(
                o,
                "  columns     {}",
                l.columns
                    .fields
                    .iter()
                    .map(|(f, (_, h))| format!("{} ← '{}'", f.key(), h))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !l.columns.unused.is_empty() {
                outln!(o, "  not used    {}", l.columns.unused.join(", "));
            }
        }
        if let Some(s) = &r.sie {
            outln!(
                o,
                "  SIE         {} · {} {} · {} · {} vouchers",
                s.kind,
                s.organisation,
                s.orgnr,
                s.program,
                s.vouchers
            );
            if !s.dimensions.is_empty() {
                outln!(
                    o,
                    "  dimensions  {}",
                    s.dimensions
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        if r.external_purchases_only {
            outln!(o, "  kind        open supplier ledger: external purchases only (no total cost without external_total)");
        }
        outln!(o, "  lines       {}", r.lines);
        outln!(o, "  sum         {} kr", format_sv(r.sum_ore));
        outln!(
            o,
            "  year        {}",
            r.year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "unknown (no dates or periods)".into())
        );
        let months: Vec<String> = r
            .months
            .iter()
            .map(|p| format!("{}-{:02}", p / 100, p % 100))
            .collect();
        outln!(o, "  months      {} ({})", months.len(), months.join(" "));
        for w in &r.warnings {
            outln!(o, "  warning     {w}");
        }
        for (title, list) in [("accounts", &d.accounts), ("cost centres", &d.cost_centres)] {
            let mut shown: Vec<&KeyTotal> = list.iter().collect();
            if !all {
                shown.sort_by_key(|t| std::cmp::Reverse(t.amount_ore.unsigned_abs()));
                shown.truncate(20);
            }
            outln!(
                o,
                "  {title} ({} distinct{})",
                list.len(),
                if all || list.len() <= 20 {
                    ""
                } else {
                    "; the 20 largest, --all for every one"
                }
            );
            for t in shown {
                outln!(
                    o,
                    "    {:<14} {:>22} kr {:>9} lines",
                    if t.key.is_empty() { "(empty)" } else { &t.key },
                    format_sv(t.amount_ore),
                    t.lines
                );
            }
        }
    }
    o
}

/// The JSON report of ledgers: an array with, per ledger, what was read (the `inputs` entry of the summary) with
/// `sum` in kronor, `months` as `YYYY-MM` and the totals per account and cost centre.
pub fn json(docs: &[Overview]) -> String {
    let list = |v: &[KeyTotal]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|t| serde_json::json!({"key": t.key, "amount": ore_to_kr_f64(t.amount_ore), "lines": t.lines}))
            .collect()
    };
    let v: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            let r = &d.report;
            let mut doc = serde_json::to_value(super::json::Input::from(r)).unwrap_or_default();
            doc["sum"] = serde_json::json!(ore_to_kr_f64(r.sum_ore));
            doc["months"] = serde_json::json!(r
                .months
                .iter()
                .map(|p| format!("{}-{:02}", p / 100, p % 100))
                .collect::<Vec<_>>());
            doc["accounts"] = serde_json::json!(list(&d.accounts));
            doc["cost_centres"] = serde_json::json!(list(&d.cost_centres));
            doc
        })
        .collect();
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
