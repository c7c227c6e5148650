//! `anonymise = true`, the amounts: a letter's exact central IT cost, net cost or total cost re-identifies it from
//! its public annual report, so every amount (anything in kronor) of a unit other than the highlighted one is
//! withheld in every output, after the shares have been computed from the exact amounts:
//! - tables (HTML and `tables/*.csv`): the amount cells of a letter's row or column become [`Cell::Withheld`]
//!   (HTML "dolt (anonymiserat)" / "withheld (anonymised)", CSV an empty cell), as do texts in such a row that
//!   carry a figure of five digits or more (an arithmetic line);
//! - JSON: in an object that belongs to a letter (its `name`, `municipality`, `label` or `unit` is a letter, or
//!   its key is), every number but a share, rank, year or month count becomes `null` and every text with a
//!   figure of five digits or more too; the fields stay (the contract keeps its fields);
//! - group totals stay when they sum at least [`MIN_GROUP`] units, otherwise they are withheld too.
//!
//! Shares (percentages) stay: they are what the benchmark compares.

use super::tables::{Cell, Lang, Table};
use crate::pipeline::RunResult;
use serde_json::Value;

/// The fewest units a group total may sum and still be shown in an anonymised report.
pub const MIN_GROUP: usize = 3;

/// What an anonymised run withholds: the letters, and whether group totals may be shown.
#[derive(Debug, Clone)]
pub struct Withhold {
    letters: Vec<String>,
    /// Group totals sum at least [`MIN_GROUP`] units.
    pub group_ok: bool,
}

impl Withhold {
    /// `None` when the run is not anonymised.
    pub fn of(r: &RunResult) -> Option<Withhold> {
        if !r.config.analysis.anonymise {
            return None;
        }
        let highlight = r.config.analysis.highlight.as_deref();
        let mut letters: Vec<String> = r
            .municipalities
            .iter()
            .map(|m| m.name.clone())
            .filter(|n| Some(n.as_str()) != highlight)
            .collect();
        letters.sort();
        letters.dedup();
        Some(Withhold {
            letters,
            group_ok: r.benchmark.rows.len() >= MIN_GROUP,
        })
    }

    /// True when `label` names a letter: `A`, `A 2024`, `A: ledger 1`, `A · Hardware`.
    pub fn unit(&self, label: &str) -> bool {
        let label = label.trim();
        self.letters.iter().any(|l| {
            label == l
                || label
                    .strip_prefix(l.as_str())
                    .is_some_and(|rest| rest.starts_with([' ', ':', '\u{a0}']))
        })
    }

    /// What stands where a withheld number would.
    pub fn text(lang: Lang) -> &'static str {
        lang.t("dolt (anonymiserat)", "withheld (anonymised)")
    }
}

/// A text that carries a figure of five digits or more (an amount in a sentence).
fn has_amount(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else if !(c == ' ' || c == '\u{a0}' || c == '\u{202f}') || run == 0 {
            run = 0;
        }
    }
    false
}

/// Withholds the letters' amounts in every table (HTML and CSV are rendered from these).
pub fn tables(r: &RunResult, lang: Lang, tables: &mut [Table]) {
    let Some(w) = Withhold::of(r) else {
        return;
    };
    for t in tables.iter_mut() {
        w.rows(Withhold::text(lang), &t.headers, &mut t.rows, t.total_row);
    }
}

/// Withholds the letters' amounts in rows written as CSV directly (`benchmark.csv`, `pools.csv`); `total_row`:
/// the last row is a group total.
pub fn csv_rows(r: &RunResult, rows: &mut [Vec<Cell>], total_row: bool) {
    if let Some(w) = Withhold::of(r) {
        w.rows("", &[], rows, total_row);
    }
}

impl Withhold {
    /// The amount cells of a letter's row (a text cell names it) or column (its header names it), and of the
    /// total row when it sums too few units.
    fn rows(
        &self,
        shown: &'static str,
        headers: &[String],
        rows: &mut [Vec<Cell>],
        total_row: bool,
    ) {
        let lettered_cols: Vec<bool> = headers.iter().map(|h| self.unit(h)).collect();
        let n = rows.len();
        for (i, row) in rows.iter_mut().enumerate() {
            let total = total_row && i + 1 == n;
            let lettered_row = (total && !self.group_ok)
                || row
                    .iter()
                    .any(|c| matches!(c, Cell::Text(s) if self.unit(s)));
            for (j, c) in row.iter_mut().enumerate() {
                let lettered = lettered_row || lettered_cols.get(j).copied().unwrap_or(false);
                let withhold = lettered
                    && match c {
                        Cell::Kr(_) | Cell::Num(..) => true,
                        Cell::Text(s) => has_amount(s),
                        _ => false,
                    };
                if withhold {
                    *c = Cell::Withheld(shown);
                }
            }
        }
    }
}

/// Keys whose numbers are not amounts and stay in a letter's object.
fn keeps(key: &str) -> bool {
    key.contains("share")
        || key.contains("_part")
        || matches!(
            key,
            "year" | "years" | "rank" | "increase" | "months" | "lines" | "n"
        )
}

/// Keys that name the unit an object belongs to.
const NAME_KEYS: [&str; 4] = ["name", "municipality", "label", "unit"];

/// Withholds the letters' amounts in the JSON document (fields stay, values become `null`).
pub fn json(r: &RunResult, doc: &mut Value) {
    let Some(w) = Withhold::of(r) else {
        return;
    };
    walk(&w, doc, false, "");
    if !w.group_ok {
        if let Some(total) = doc.pointer_mut("/benchmark/total") {
            walk(&w, total, true, "total");
        }
        if let Some(s) = doc.pointer_mut("/analyses/savings") {
            if let Some(o) = s.as_object_mut() {
                for k in ["total_base", "total_saving"] {
                    if let Some(v) = o.get_mut(k) {
                        walk(&w, v, true, k);
                    }
                }
            }
        }
    }
}

fn walk(w: &Withhold, v: &mut Value, withheld: bool, key: &str) {
    match v {
        Value::Number(_) if withheld && !keeps(key) => *v = Value::Null,
        Value::String(s) if withheld && !NAME_KEYS.contains(&key) && has_amount(s) => {
            *v = Value::Null
        }
        Value::Array(items) => {
            for x in items {
                walk(w, x, withheld, key);
            }
        }
        Value::Object(o) => {
            let mine = withheld
                || NAME_KEYS
                    .iter()
                    .any(|k| o.get(*k).and_then(Value::as_str).is_some_and(|s| w.unit(s)));
            for (k, x) in o.iter_mut() {
                let child = mine || w.unit(k);
                walk(w, x, child, k);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_text_are_recognised_but_years_are_not() {
        assert!(has_amount("30 % × 12 496 743 kr"));
        assert!(has_amount("12496743.00"));
        assert!(!has_amount("2024"));
        assert!(!has_amount("A: ledger 1, 2024-01"));
    }

    #[test]
    fn a_letter_label_is_recognised_with_its_year_or_ledger() {
        let w = Withhold {
            letters: vec!["A".into(), "B".into()],
            group_ok: true,
        };
        assert!(w.unit("A") && w.unit("B 2024") && w.unit("A: ledger 1"));
        assert!(!w.unit("Mellerud") && !w.unit("Arbetsmarknad") && !w.unit("AB"));
    }
}
