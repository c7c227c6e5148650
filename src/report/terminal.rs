//! The readable terminal summary (the default output of `itcost run`).

use crate::aggregate::MunicipalityResult;
use crate::classify::Scope;
use crate::compare::Benchmark;
use crate::config::{Denominator, Numerator};
use crate::money::{format_kr, format_sv};
use crate::pipeline::RunResult;
use crate::rules::taxonomy::Pool;
use std::fmt::Write as _;

/// A share as `1.82 %` (two decimals), or `n/a`.
pub fn pct(s: Option<f64>) -> String {
    match s {
        Some(v) => format!("{:.2} %", v * 100.0),
        None => "n/a".into(),
    }
}

/// How a denominator reads in text.
pub fn denominator_label(d: Denominator) -> &'static str {
    match d {
        Denominator::TotalCost => "total cost",
        Denominator::NetCost => "net cost",
        Denominator::External => "external total",
    }
}

/// Renders the whole run for a terminal.
pub fn render(r: &RunResult) -> String {
    let mut o = String::new();
    let c = &r.config;
    let _ = writeln!(o, "itcost — {}", c.title);
    let _ = writeln!(
        o,
        "rules: {} ({}, {} rules) · outside-IT scope: {} ({}) · shares of {}",
        r.rules.source,
        r.rules.name,
        r.rules.rules.len(),
        c.scope_name,
        c.outside_scope
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", "),
        denominator_label(c.denominator)
    );
    for m in &r.municipalities {
        o.push('\n');
        municipality(&mut o, m);
    }
    o.push('\n');
    benchmark(&mut o, &r.benchmark);
    drivers(&mut o, r);
    o
}

/// Why a unit stands out (A2): for every unit above a comparable reference or the group's Q3, the pools that
/// drive its excess over the group median.
fn drivers(o: &mut String, r: &RunResult) {
    let d = &r.analyses.diagnostics;
    if d.drivers.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "Why it stands out (pools driving the excess over the group median)"
    );
    for x in &d.drivers {
        let _ = writeln!(
            o,
            "  {} {}: {} kr above the median share",
            x.municipality,
            pct(Some(x.share)),
            format_kr(x.excess.0)
        );
        for p in &x.drivers {
            let _ = writeln!(o, "    {}", p.text_en);
        }
    }
}

fn line(o: &mut String, label: &str, ore: i64, extra: &str) {
    let text = format!("  {label:<44} {:>16} kr  {extra}", format_kr(ore));
    o.push_str(text.trim_end());
    o.push('\n');
}

fn municipality(o: &mut String, m: &MunicipalityResult) {
    let year = m
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "year unknown".into());
    let months = match m.months_note {
        Some(note) => note.to_string(),
        None => format!("{} month(s)", m.months.len()),
    };
    let _ = writeln!(
        o,
        "{} {} — {} lines, {months}, {}",
        m.name,
        year,
        m.lines,
        m.files.join(", ")
    );
    for w in &m.warnings {
        let _ = writeln!(o, "  ! {w}");
    }
    if !m.months_missing.is_empty() && !m.months.is_empty() {
        let _ = writeln!(
            o,
            "  ! months missing: {} (figures are NOT annualised)",
            m.months_missing.join(", ")
        );
    }
    let den = denominator_label(m.denominator);
    line(
        o,
        "Total operating cost (incl. depreciation)",
        m.total_cost.0,
        "",
    );
    line(o, "External operating revenue", m.revenue.0, "");
    line(o, "Net cost", m.net_cost.0, "");
    if let Some(e) = m.external_total {
        line(o, "External total (config)", e.0, "");
    }
    line(
        o,
        &format!("Central IT cost ({})", m.central_it_cost_centres.join(", ")),
        m.central_it_cost.0,
        &format!("{} of {den}", pct(m.central_it_share)),
    );
    line(o, "IT outside central IT", m.outside_it_cost.0, "");
    line(
        o,
        "IT total",
        m.it_cost.0,
        &format!("{} of {den}", pct(m.it_share)),
    );
    let _ = writeln!(
        o,
        "  {:<44} {:>16}",
        "Central IT part of all IT",
        pct(m.central_part_of_it)
    );
    let _ = writeln!(
        o,
        "  {:<28} {:>16} {:>16} {:>9}",
        "Cost pool", "central IT", "outside", "central"
    );
    for p in Pool::ALL {
        let s = m.pools.get(p.name()).copied().unwrap_or_default();
        if s.central.0 == 0 && s.outside.0 == 0 {
            continue;
        }
        let total = s.central.0 + s.outside.0;
        let _ = writeln!(
            o,
            "    {:<26} {:>16} {:>16} {:>9}",
            p.name(),
            format_kr(s.central.0),
            format_kr(s.outside.0),
            pct(crate::money::share(s.central.0, total))
        );
    }
    line(
        o,
        "IT outside central IT, out of scope",
        m.outside_it_out_of_scope.0,
        "(IT rules matched, pool not in scope; not counted)",
    );
    line(
        o,
        "Internal eliminated",
        m.internal_eliminated.0,
        &format!(
            "(imbalance {} kr, {} lines)",
            format_kr(m.internal.imbalance.0),
            m.internal.lines
        ),
    );
    let excl: Vec<String> = m
        .excluded_by
        .iter()
        .map(|(k, v)| format!("{k} {}", format_kr(v.0)))
        .collect();
    line(
        o,
        "Excluded (outside operating cost)",
        m.excluded.0,
        &excl.join(", "),
    );
    let d = &m.unclassified_it_suspect_detail;
    line(
        o,
        "Unclassified IT suspects (in not-IT)",
        m.unclassified_it_suspect.0,
        &format!("({} lines)", d.lines),
    );
    for (title, items) in [
        ("accounts", &d.top_accounts),
        ("suppliers", &d.top_suppliers),
        ("texts", &d.top_texts),
    ] {
        if items.is_empty() {
            continue;
        }
        let list: Vec<String> = items
            .iter()
            .take(3)
            .map(|t| {
                if t.label.is_empty() {
                    format!("{} {}", t.key, format_kr(t.amount.0))
                } else {
                    format!("{} {} {}", t.key, t.label, format_kr(t.amount.0))
                }
            })
            .collect();
        let _ = writeln!(o, "    top {title}: {}", list.join("; "));
    }
    let cons = &m.conservation;
    let _ = writeln!(
        o,
        "  Conservation: input {} kr = central IT {} + outside IT {} + not IT {} + internal {} + excluded {} = {} kr, {} of {} lines {}",
        format_sv(cons.input_sum.0),
        format_sv(cons.by_scope.get(&Scope::CentralIt).map(|k| k.0).unwrap_or(0)),
        format_sv(cons.by_scope.get(&Scope::OutsideIt).map(|k| k.0).unwrap_or(0)),
        format_sv(cons.by_scope.get(&Scope::NotIt).map(|k| k.0).unwrap_or(0)),
        format_sv(cons.by_scope.get(&Scope::Internal).map(|k| k.0).unwrap_or(0)),
        format_sv(cons.by_scope.get(&Scope::Excluded).map(|k| k.0).unwrap_or(0)),
        format_sv(cons.accounted_sum.0),
        cons.lines_classified,
        cons.lines_read,
        if cons.ok { "OK" } else { "MISMATCH" }
    );
    if cons.rejected_lines > 0 {
        let _ = writeln!(
            o,
            "  Rejected (--lenient, not in the sums above): {} line(s), {} kr where the amount could be read, {} without an amount",
            cons.rejected_lines,
            format_sv(cons.rejected_amount.0),
            cons.rejected_without_amount
        );
    }
}

fn benchmark(o: &mut String, b: &Benchmark) {
    let what = match b.numerator {
        Numerator::CentralIt => "central IT cost",
        Numerator::It => "IT cost (central + outside)",
    };
    let den = denominator_label(b.denominator);
    let _ = writeln!(o, "Benchmark — {what} / {den} (n = {})", b.n);
    let target = b.target_share.map(|t| pct(Some(t)));
    let mut header = format!(
        "  {:<16} {:>14} {:>16} {:>8} {:>4}",
        "Municipality", "IT cost", den, "share", "rank"
    );
    if let Some(t) = &target {
        let _ = write!(header, " {:>14} {:>20}", format!("at {t}"), "increase");
    }
    let _ = writeln!(o, "{header}");
    for row in b.rows.iter().chain(std::iter::once(&b.total)) {
        let _ = write!(
            o,
            "  {:<16} {:>14} {:>16} {:>8} {:>4}",
            crate::compare::row_label(&b.rows, row),
            format_kr(row.it_cost.0),
            format_kr(row.denominator_value.0),
            pct(row.share),
            if row.rank > 0 {
                row.rank.to_string()
            } else {
                String::new()
            }
        );
        if target.is_some() {
            let inc = match (row.cost_to_target, row.increase) {
                (Some(c), Some(i)) => format!("{} ({:+.0} %)", format_kr(c.0), i * 100.0),
                _ => String::new(),
            };
            let _ = write!(
                o,
                " {:>14} {:>20}",
                row.at_target.map(|k| format_kr(k.0)).unwrap_or_default(),
                inc
            );
        }
        let trimmed = o.trim_end_matches(' ').len();
        o.truncate(trimmed);
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "  mean {} · median {} · min {} · max {} · group as one {}",
        pct(b.mean_share),
        pct(b.median_share),
        pct(b.min_share),
        pct(b.max_share),
        pct(b.pooled_share)
    );
    for rf in &b.references {
        if !rf.comparable {
            let _ = writeln!(
                o,
                "  reference {}: {} — not comparable: measures {} ({})",
                pct(Some(rf.share)),
                rf.label,
                rf.measure().text(false),
                rf.source
            );
            continue;
        }
        let below = b
            .rows
            .iter()
            .filter(|r| r.below_references.contains(&rf.label))
            .count();
        let _ = writeln!(
            o,
            "  reference {}: {} — {below} of {} below ({})",
            pct(Some(rf.share)),
            rf.label,
            b.n,
            rf.source
        );
    }
}
