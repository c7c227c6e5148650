//! The data-quality panel: months present (a ledger with missing months is flagged; annualised amounts only on
//! request, labelled), the unclassified IT-suspect amount, the internal imbalance, rejected lines, and rule
//! coverage (which rules fired, which never did).

use crate::aggregate::{MunicipalityResult, TopItem};
use crate::money::Kr;
use crate::rules::RuleSet;

/// One municipality and year.
#[derive(Debug, Clone)]
pub struct QualityRow {
    /// Label.
    pub municipality: String,
    /// Months with lines.
    pub months_present: usize,
    /// Months of the year without a line.
    pub months_missing: Vec<String>,
    /// Fewer than twelve months (false for a ledger without dates: see `months_note`).
    pub incomplete: bool,
    /// Set when the ledger has no dates: "no dates in this ledger; treated as one year".
    pub months_note: Option<&'static str>,
    /// Central IT cost × 12 / months (only when `annualise = true` and months are missing).
    pub annualised_central_it_cost: Option<Kr>,
    /// Total cost × 12 / months (same condition). Shares do not change: both sides scale alike.
    pub annualised_total_cost: Option<Kr>,
    /// Unclassified IT-suspect amount.
    pub suspect_amount: Kr,
    /// Its largest accounts, suppliers and texts.
    pub suspect_top: Vec<(String, TopItem)>,
    /// Internal costs + internal revenues.
    pub internal_imbalance: Kr,
    /// Lines set aside (lenient mode).
    pub rejected_lines: u64,
    /// Their amount where readable.
    pub rejected_amount: Kr,
    /// Lines read.
    pub lines: u64,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Coverage of one rule over the run.
#[derive(Debug, Clone)]
pub struct RuleCoverage {
    /// Rule id.
    pub id: String,
    /// Its reason.
    pub why: String,
    /// Its reason in Swedish, when the rules file gives one.
    pub why_sv: Option<String>,
    /// Line in the rules file.
    pub line: usize,
    /// Lines it decided, over all municipalities.
    pub lines: u64,
    /// Their amount.
    pub amount: Kr,
    /// In how many municipalities (units) it fired.
    pub units: usize,
}

/// The panel.
#[derive(Debug, Clone)]
pub struct Quality {
    /// Per municipality and year.
    pub rows: Vec<QualityRow>,
    /// Every rule of the rules file, in file order.
    pub rules: Vec<RuleCoverage>,
    /// Ids of the rules that never fired.
    pub never_fired: Vec<String>,
}

fn scale(k: Kr, months: usize) -> Kr {
    Kr(crate::money::round_div(k.0 as i128 * 12, months as i128) as i64)
}

/// Builds the panel over every unit of the run.
pub fn quality(
    results: &[MunicipalityResult],
    labels: &[String],
    rules: &RuleSet,
    annualise: bool,
) -> Quality {
    let rows = results
        .iter()
        .zip(labels)
        .map(|(r, label)| {
            let n = r.months.len();
            let partial = r.year.is_some() && n > 0 && !r.months_missing.is_empty();
            let ann = annualise && partial && n > 0;
            let d = &r.unclassified_it_suspect_detail;
            let suspect_top = [
                ("account", &d.top_accounts),
                ("supplier", &d.top_suppliers),
                ("text", &d.top_texts),
            ]
            .into_iter()
            .flat_map(|(kind, v)| v.iter().take(3).map(move |t| (kind.to_string(), t.clone())))
            .collect();
            QualityRow {
                municipality: label.clone(),
                months_present: n,
                months_missing: r.months_missing.clone(),
                incomplete: partial,
                months_note: r.months_note,
                annualised_central_it_cost: ann.then(|| scale(r.central_it_cost, n)),
                annualised_total_cost: ann.then(|| scale(r.total_cost, n)),
                suspect_amount: r.unclassified_it_suspect,
                suspect_top,
                internal_imbalance: r.internal.imbalance,
                rejected_lines: r.conservation.rejected_lines,
                rejected_amount: r.conservation.rejected_amount,
                lines: r.lines,
                warnings: r.warnings.clone(),
            }
        })
        .collect();
    let coverage: Vec<RuleCoverage> = rules
        .rules
        .iter()
        .map(|rule| {
            let mut c = RuleCoverage {
                id: rule.id.clone(),
                why: rule.why.clone(),
                why_sv: rule.why_sv.clone(),
                line: rule.line,
                lines: 0,
                amount: Kr(0),
                units: 0,
            };
            for r in results {
                if let Some((a, n)) = r.rules_fired.get(&rule.id) {
                    c.lines += n;
                    c.amount += a.0;
                    c.units += 1;
                }
            }
            c
        })
        .collect();
    Quality {
        rows,
        never_fired: coverage
            .iter()
            .filter(|c| c.lines == 0)
            .map(|c| c.id.clone())
            .collect(),
        rules: coverage,
    }
}
