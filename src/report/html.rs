//! `run --html FILE` (and `report.html` in `--out DIR`): one self-contained HTML file — inline CSS and SVG, no
//! script, no font or image from the network — with the charts of the studies, the table behind every chart,
//! the data-quality panel and the method. Deterministic: the same run gives the same bytes (no timestamps).

use super::svg::{self, esc, Bar, RefLine, Stack};
use super::tables::{self, pct, Lang, Table};
use super::withhold::Withhold;
use crate::config::WorkArea;
use crate::money::format_kr;
use crate::pipeline::RunResult;
use crate::rules::taxonomy::Pool;
use std::fmt::Write;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa;line-height:1.45}
header{background:#0b3d5c;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:24px}header p{margin:2px 0;opacity:.9}
nav{background:#eef3f6;padding:8px 28px;position:sticky;top:0;border-bottom:1px solid #d5dde3;font-size:14px}nav a{margin-right:14px;color:#0b3d5c}
main{max-width:1100px;margin:0 auto;padding:10px 28px 40px}section{background:#fff;border:1px solid #e1e5e8;border-radius:6px;padding:14px 20px;margin:18px 0}
h2{font-size:19px;margin:4px 0 8px;color:#0b3d5c}h3{font-size:15px;margin:16px 0 6px}
.kpis{display:flex;flex-wrap:wrap;gap:12px}.kpi{flex:1 1 180px;background:#f3f7fa;border-radius:6px;padding:10px 14px}.kpi b{display:block;font-size:22px;color:#0b3d5c}
table{border-collapse:collapse;font-size:13px;margin:6px 0 4px;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #e6e9ec;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}tr.total td{font-weight:700;border-top:2px solid #999}
.note{color:#555;font-size:13px}.warn{color:#8a4b00}.muted{color:#999}details{margin:6px 0}summary{cursor:pointer;color:#0b3d5c}
.ok{color:#006b3c;font-weight:600}.bad{color:#a00;font-weight:600}svg.chart{max-width:980px;display:block;margin:6px 0}
@media print{nav{display:none}section{break-inside:avoid}}
"#;

/// Writes a table (title, header, rows, a bold total row) and where its CSV is; nothing for an empty table.
fn table_html(out: &mut String, r: &RunResult, l: Lang, mut t: Table) {
    // Anonymised: the letters' amounts are withheld here as in the CSV files (report::withhold).
    super::withhold::tables(r, l, std::slice::from_mut(&mut t));
    let t = &t;
    if t.rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        r#"<h3>{}</h3><table id="t-{}"><thead><tr>"#,
        esc(&t.title),
        t.id
    );
    for (h, k) in t.headers.iter().zip(&t.keys) {
        let _ = write!(out, r#"<th data-k="{k}">{}</th>"#, esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    let n = t.rows.len();
    for (i, row) in t.rows.iter().enumerate() {
        if t.total_row && i + 1 == n {
            out.push_str(r#"<tr class="total">"#);
        } else {
            out.push_str("<tr>");
        }
        for c in row {
            let _ = write!(
                out,
                r#"<td{} data-v="{}">{}</td>"#,
                if c.numeric() { r#" class="n""# } else { "" },
                esc(&c.plain()),
                esc(&c.display())
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    let _ = write!(
        out,
        r#"<p class="note">CSV: <code>tables/{}.csv</code></p>"#,
        t.id
    );
}

/// What every section reads: the run, the language, and the numerator's and denominator's names.
struct Ctx<'a> {
    /// The run.
    r: &'a RunResult,
    /// The report's language.
    l: Lang,
    /// The numerator's name.
    num: &'static str,
    /// The denominator's name.
    den: String,
}

/// A section of the report: its anchor, its title in Swedish and English, and the function writing its body.
struct Section {
    /// The anchor id (`#summary`).
    id: &'static str,
    /// Swedish title.
    sv: &'static str,
    /// English title.
    en: &'static str,
    /// Writes the section's content (between its title and its end).
    body: fn(&mut String, &Ctx<'_>),
}

/// The sections of the report, in order (the navigation bar lists them).
const SECTIONS: [Section; 14] = [
    Section {
        id: "summary",
        sv: "Sammanfattning",
        en: "Summary",
        body: summary,
    },
    Section {
        id: "benchmark",
        sv: "Jämförelse",
        en: "Benchmark",
        body: benchmark,
    },
    Section {
        id: "pools",
        sv: "Kostnadspooler",
        en: "Cost pools",
        body: pools,
    },
    Section {
        id: "inside",
        sv: "Inom/utanför central IT",
        en: "Inside/outside central IT",
        body: inside,
    },
    Section {
        id: "diagnostics",
        sv: "Varför sticker någon ut?",
        en: "Why a unit stands out",
        body: diagnostics,
    },
    Section {
        id: "investment",
        sv: "IT-investeringar",
        en: "IT investment",
        body: investment,
    },
    Section {
        id: "sundsvall",
        sv: "Sundsvalls mått",
        en: "Sundsvall's measures",
        body: sundsvall,
    },
    Section {
        id: "maturity",
        sv: "Mognad",
        en: "Maturity",
        body: maturity,
    },
    Section {
        id: "work-areas",
        sv: "Arbetsområden",
        en: "Work areas",
        body: work_areas,
    },
    Section {
        id: "suppliers",
        sv: "Leverantörer",
        en: "Suppliers",
        body: suppliers,
    },
    Section {
        id: "what-if",
        sv: "Tänk om",
        en: "What if",
        body: what_if,
    },
    Section {
        id: "trends",
        sv: "Utveckling",
        en: "Trends",
        body: trends,
    },
    Section {
        id: "quality",
        sv: "Datakvalitet",
        en: "Data quality",
        body: quality,
    },
    Section {
        id: "method",
        sv: "Metod",
        en: "Method",
        body: method,
    },
];

/// Renders the report for `--html FILE`: no CSV is written beside it, so no table links to one.
pub fn render(r: &RunResult, lang: Lang) -> String {
    strip_csv_links(render_with_csv(r, lang))
}

/// Removes the "CSV: tables/….csv" notes (the report is written without its CSV files).
fn strip_csv_links(mut html: String) -> String {
    const OPEN: &str = r#"<p class="note">CSV: <code>tables/"#;
    while let Some(start) = html.find(OPEN) {
        match html[start..].find("</p>") {
            Some(end) => html.replace_range(start..start + end + 4, ""),
            None => break,
        }
    }
    html
}

/// Renders the report for `--out DIR`, where every table's CSV is written to `tables/` (each table links to it).
pub fn render_with_csv(r: &RunResult, lang: Lang) -> String {
    let l = lang;
    let mut o = String::with_capacity(200_000);
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{CSS}</style></head><body>"#,
        l.t("sv", "en"),
        esc(&r.config.title)
    );
    let c = Ctx {
        r,
        l,
        num: match r.benchmark.numerator {
            crate::config::Numerator::CentralIt => l.t("central IT-kostnad", "central IT cost"),
            crate::config::Numerator::It => l.t(
                "IT-kostnad (central och utanför)",
                "IT cost (central and outside)",
            ),
        },
        den: den_label(r, l),
    };
    header(&mut o, &c);
    o.push_str("<nav>");
    for s in &SECTIONS {
        let _ = write!(o, "<a href=\"#{}\">{}</a>", s.id, l.t(s.sv, s.en));
    }
    o.push_str("</nav><main>");
    for s in &SECTIONS {
        let _ = write!(o, r#"<section id="{}"><h2>{}</h2>"#, s.id, l.t(s.sv, s.en));
        (s.body)(&mut o, &c);
        o.push_str("</section>");
    }
    o.push_str("</main></body></html>\n");
    o
}

/// The header: the title, the measure (numerator / denominator), the rules, the scope and itcost's version.
fn header(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let _ = write!(
        o,
        "<header><h1>{}</h1><p>{}: {} / {}. {} {} · {} {} · {} {}</p></header>",
        esc(&r.config.title),
        l.t("Mått", "Measure"),
        c.num,
        c.den,
        l.t("Regler:", "Rules:"),
        esc(&r.rules.name),
        l.t("Omfång:", "Scope:"),
        esc(&scope_label(r, l)),
        l.t("itcost", "itcost"),
        env!("CARGO_PKG_VERSION")
    );
}

/// The summary: the key figures, the conservation check and how many lie below each reference line (A1, A2, A8,
/// A9).
fn summary(o: &mut String, c: &Ctx<'_>) {
    kpis(o, c);
    conservation(o, c);
    below_reference(o, c);
}

/// The key figures: the group's share, the median, the IT cost, the cost to the target and how much of all IT sits
/// in central IT (A1, A4, A8, A9).
fn kpis(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let b = &c.r.benchmark;
    let a = &c.r.analyses;
    let num = c.num;
    o.push_str(r#"<div class="kpis">"#);
    let kpi = |o: &mut String, v: String, label: &str| {
        let _ = write!(
            o,
            r#"<div class="kpi"><b>{}</b>{}</div>"#,
            esc(&v),
            esc(label)
        );
    };
    kpi(
        o,
        b.pooled_share.map(pct).unwrap_or("–".into()),
        &format!(
            "{} ({} {})",
            l.t("gruppens andel", "the group's share"),
            b.n,
            l.t("organisationer", "organisations")
        ),
    );
    kpi(
        o,
        a.view.distribution.median.map(pct).unwrap_or("–".into()),
        l.t("median", "median"),
    );
    kpi(
        o,
        format!("{} kr", format_kr(b.total.it_cost.0)),
        &format!("{} {}", num, l.t("totalt", "in total")),
    );
    if let (Some(c), Some(target)) = (b.total.cost_to_target, b.target_share) {
        if c.0 >= 0 {
            kpi(
                o,
                format!("{} kr", format_kr(c.0)),
                &format!(
                    "{} {}",
                    l.t("ökning för att nå", "increase to reach"),
                    pct(target)
                ),
            );
        } else {
            // Above the target: say so, and by how much (never a negative "increase").
            let points = b
                .pooled_share
                .map(|s| format!("{:.2}", (s - target) * 100.0))
                .unwrap_or_default();
            kpi(
                o,
                format!("{} kr", format_kr(-c.0)),
                &format!(
                    "{} {} ({} {} {})",
                    l.t("över målet", "above the target"),
                    pct(target),
                    l.t("andelen ligger", "the share is"),
                    if l == Lang::Sv {
                        points.replace('.', ",")
                    } else {
                        points
                    },
                    l.t("procentenheter över", "percentage points above")
                ),
            );
        }
    }
    let it_total: i64 = r.municipalities.iter().map(|m| m.it_cost.0).sum();
    let central_total: i64 = r.municipalities.iter().map(|m| m.central_it_cost.0).sum();
    kpi(
        o,
        crate::money::share(central_total, it_total)
            .map(pct)
            .unwrap_or("–".into()),
        l.t(
            "av all IT ligger i central IT",
            "of all IT sits in central IT",
        ),
    );
    o.push_str("</div>");
}

/// Whether every krona is accounted for, in every municipality (the conservation check).
fn conservation(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let ok = r.municipalities.iter().all(|m| m.conservation.ok);
    let _ = write!(
        o,
        r#"<p class="{}">{}</p>"#,
        if ok { "ok" } else { "bad" },
        if ok {
            l.t(
                "Varje krona är redovisad: summan av det som lästes är lika med summan av där raderna hamnade, i varje kommun.",
                "Every krona is accounted for: the sum read equals the sum of where the lines landed, in every municipality.",
            )
        } else {
            l.t(
                "Bevarandekontrollen misslyckades.",
                "The conservation check failed.",
            )
        }
    );
    for n in &r.notices {
        let _ = write!(o, r#"<p class="bad">{}</p>"#, esc(l.t(&n.sv, &n.en)));
    }
}

/// How many organisations lie below each reference line (A2).
fn below_reference(o: &mut String, c: &Ctx<'_>) {
    let (l, a, b) = (c.l, &c.r.analyses, &c.r.benchmark);
    for (label, n) in &a.view.below_reference {
        let label = b
            .references
            .iter()
            .find(|rf| &rf.label == label)
            .map(|rf| rf.label_in(l == Lang::Sv))
            .unwrap_or(label);
        let _ = write!(
            o,
            r#"<p class="note">{n} {} {} {}.</p>"#,
            l.t("av", "of"),
            a.view.rows.len(),
            esc(&format!("{} {label}", l.t("ligger under", "lie below")))
        );
    }
}

/// A reference's name on the chart: its label without a closing parenthetical (" (som studien använde det: …)"),
/// which the list under the chart gives in full; a parenthesis inside the name ("Forskningsnivå (SCDI): …") stays.
fn chart_name(label: &str) -> &str {
    match label.rfind(" (") {
        Some(i) if i > 0 && label.ends_with(')') => &label[..i],
        _ => label,
    }
}

/// The benchmark: the bar chart against the reference lines, the published view, the distribution and the named
/// table (A1, A2, A6, A8, A9, A19).
fn benchmark(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let b = &c.r.benchmark;
    let a = &c.r.analyses;
    let num = c.num;
    let den = &c.den;
    let bars: Vec<Bar> = a
        .view
        .rows
        .iter()
        .map(|row| Bar {
            label: row.label.clone(),
            value: row.share.unwrap_or(0.0),
            text: row.share.map(pct).unwrap_or("–".into()),
            highlight: row.highlighted,
        })
        .collect();
    let sv = l == Lang::Sv;
    // Only references that measure what the run measures are drawn; the target (a goal the user chose) always is.
    let mut refs: Vec<RefLine> = b
        .references
        .iter()
        .filter(|rf| rf.comparable)
        .map(|rf| RefLine {
            label: format!("{} {}", pct(rf.share), chart_name(rf.label_in(sv))),
            value: rf.share,
        })
        .collect();
    if let Some(t) = b.target_share {
        refs.push(RefLine {
            label: format!("{} {}", l.t("Mål", "Target"), pct(t)),
            value: t,
        });
    }
    o.push_str(&svg::bars(
        &format!("{num} / {den} ({})", b.kind.label(sv)),
        &bars,
        &refs,
    ));
    // What the figures are and what a row is: the kind is never mixed within one benchmark.
    let _ = write!(
        o,
        r#"<p class="note">{}: {}. {}</p>"#,
        l.t("Siffrorna är", "The figures are"),
        b.kind.label(sv),
        if b.unit == "it_org" {
            l.t(
                "Varje rad är en IT-organisation: medlemmarnas centrala IT-kostnader och nämnare summerade, med debiteringar mellan medlemmarna eliminerade på båda sidor.",
                "Each row is an IT organisation: its members' central IT costs and denominators summed, with charges between members eliminated on both sides.",
            )
        } else {
            ""
        }
    );
    for rf in &b.references {
        if rf.comparable {
            let _ = write!(
                o,
                r#"<p class="note">{} {}: {}</p>"#,
                pct(rf.share),
                esc(rf.label_in(sv)),
                esc(&rf.source)
            );
        } else {
            let _ = write!(
                o,
                r#"<p class="note muted">{} {} — {} {} ({})</p>"#,
                pct(rf.share),
                esc(rf.label_in(sv)),
                l.t("inte jämförbar: mäter", "not comparable: measures"),
                esc(&rf.measure().text(sv)),
                esc(&rf.source)
            );
        }
    }
    table_html(o, r, l, tables::benchmark_view(r, l));
    table_html(o, r, l, tables::distribution(r, l));
    if !a.view.anonymised {
        table_html(o, r, l, tables::benchmark(r, l));
        table_html(o, r, l, tables::it_orgs(r, l));
        table_html(o, r, l, tables::budget_outcome(r, l));
    } else {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Rapporten är anonymiserad: de andra organisationerna visas som bokstäver i varje avsnitt, i CSV-filerna och i JSON; deras invånartal, leverantörer som bara de har och den gemensamma organisationens fördelning visas inte.",
                "The report is anonymised: the other organisations are letters in every section, in the CSV files and in the JSON; their populations, suppliers only they use and the joint organisation's split are not shown.",
            )
        );
    }
}

/// IT cost per cost pool: the 100 % stacked chart per municipality and its table (A3).
fn pools(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let a = &c.r.analyses;
    let pools_used: Vec<Pool> = Pool::ALL
        .iter()
        .copied()
        .filter(|p| {
            a.mix
                .municipalities
                .iter()
                .any(|m| m.pools.contains_key(p.name()))
        })
        .collect();
    let series: Vec<String> = pools_used.iter().map(|p| l.pool(p.name())).collect();
    // Anonymised: a letter's amounts are withheld (report::withhold); its shares stay.
    let withhold = Withhold::of(r);
    let hidden = |label: &str| withhold.as_ref().is_some_and(|w| w.unit(label));
    let stacks: Vec<Stack> = a
        .mix
        .municipalities
        .iter()
        .map(|m| Stack {
            label: m.municipality.clone(),
            parts: pools_used
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let s = m.pools.get(p.name()).copied().unwrap_or_default();
                    let v = s.central.0 + s.outside.0;
                    (
                        k,
                        v as f64,
                        if hidden(&m.municipality) {
                            format!(
                                "{} · {}: {}",
                                m.municipality,
                                l.pool(p.name()),
                                Withhold::text(l)
                            )
                        } else {
                            format!(
                                "{} · {}: {} kr",
                                m.municipality,
                                l.pool(p.name()),
                                format_kr(v)
                            )
                        },
                    )
                })
                .collect(),
        })
        .collect();
    o.push_str(&svg::stacked(
        l.t(
            "IT-kostnad per kostnadspool, 100 %",
            "IT cost per cost pool, 100 %",
        ),
        &series,
        &stacks,
    ));
    table_html(o, r, l, tables::pools(r, l));
}

/// Inside and outside central IT per pool, against the Fyrbodal 2019 figures, and per department or company (A4,
/// A14).
fn inside(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let a = &c.r.analyses;
    let io_series = vec![
        l.t("Central IT", "Central IT").to_string(),
        l.t("Utanför central IT", "Outside central IT").to_string(),
    ];
    let io: Vec<Stack> = a
        .mix
        .group
        .iter()
        .map(|g| Stack {
            label: l.pool(g.pool),
            parts: vec![
                (
                    0,
                    g.central.0 as f64,
                    format!("{}: {} kr", io_series[0], format_kr(g.central.0)),
                ),
                (
                    1,
                    g.outside.0 as f64,
                    format!("{}: {} kr", io_series[1], format_kr(g.outside.0)),
                ),
            ],
        })
        .collect();
    o.push_str(&svg::stacked(
        l.t(
            "Inom och utanför central IT per pool",
            "Inside and outside central IT per pool",
        ),
        &io_series,
        &io,
    ));
    let _ = write!(
        o,
        r#"<p class="note">{}</p>"#,
        l.t(
            "Fyrbodal 2019 (alla deltagare): Hårdvara 82/18, Mjukvara 38/62, Telekom 59/41 (central/utanför).",
            "Fyrbodal 2019 (all participants): Hardware 82/18, Software 38/62, Telecom 59/41 (central/outside).",
        )
    );
    table_html(o, r, l, tables::inside_outside(r, l));
    table_html(o, r, l, tables::departments(r, l));
}

/// Central IT per work area against the group mean, run against development, and the towers (A5).
fn work_areas(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let a = &c.r.analyses;
    let wa = &a.work_areas;
    let mut wseries: Vec<String> = wa
        .municipalities
        .iter()
        .map(|m| m.municipality.clone())
        .collect();
    wseries.push(l.t("Gruppens medel", "Group mean").to_string());
    let cats: Vec<(String, Vec<f64>)> = WorkArea::ALL
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let mut v: Vec<f64> = wa
                .municipalities
                .iter()
                .map(|m| m.areas[i].share.unwrap_or(0.0))
                .collect();
            v.push(
                wa.group_mean
                    .iter()
                    .find(|g| g.0 == *area)
                    .map(|g| g.1)
                    .unwrap_or(0.0),
            );
            (l.area(*area).to_string(), v)
        })
        .collect();
    o.push_str(&svg::grouped(
        l.t(
            "Andel av central IT per arbetsområde",
            "Share of central IT per work area",
        ),
        &wseries,
        &cats,
    ));
    let _ = write!(
        o,
        r#"<p class="note">{}</p>"#,
        l.t(
            "Som studierna: fördelningsnycklarna (IT-chefens personalfördelning) fördelar central IT:s egen personal (all Intern arbetskraft, vilket torn en regel än gav den); övriga poster behåller tornet från reglerna (telefoni hör till Slutanvändartjänster) eller visas som ej fördelat. Gruppens medel gäller organisationer med nycklar. Drift = Infrastruktur + Slutanvändartjänster.",
            "As the studies did: the allocation keys (the IT manager's staff split) spread central IT's own staff (all Internal Labor, whatever tower a rule gave it); other pools keep the tower from the rules (telephony belongs to End-user services) or are shown as unallocated. The group mean is over organisations with keys. Run = Infrastructure + End-user services.",
        )
    );
    table_html(o, r, l, tables::run_development(r, l));
    table_html(o, r, l, tables::work_areas(r, l));
    table_html(o, r, l, tables::towers(r, l));
}

/// IT suppliers above the threshold, the largest and the shared ones (A7); an empty section says why.
fn suppliers(o: &mut String, c: &Ctx<'_>) {
    let (r, l, a) = (c.r, c.l, &c.r.analyses);
    let supplier_column = r.inputs.iter().any(|i| {
        i.layout.as_ref().is_some_and(|l| {
            l.columns
                .get(crate::ingest::columns::Field::Supplier)
                .is_some()
        }) || matches!(i.format, crate::ingest::Format::Parquet)
    });
    if a.suppliers.largest.is_empty() {
        // An empty section says why.
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            if supplier_column {
                l.t(
                    "Ingen IT-kostnad har en leverantör angiven i huvudböckerna.",
                    "No IT cost has a supplier named in these ledgers.",
                )
            } else {
                l.t(
                    "Ingen leverantörskolumn i huvudböckerna: leverantörer kan inte visas.",
                    "No supplier column in these ledgers: suppliers cannot be shown.",
                )
            }
        );
    } else {
        table_html(o, r, l, tables::supplier_counts(r, l));
        table_html(o, r, l, tables::suppliers_largest(r, l));
        table_html(o, r, l, tables::suppliers_shared(r, l));
    }
}

/// What if: the cost of reaching the target share, the savings scenarios and the joint organisation's split (A9,
/// A10, A17).
fn what_if(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let a = &c.r.analyses;
    cost_to_target(o, c);
    for sv in &a.savings {
        let _ = write!(
            o,
            r#"<p><b>{}</b>: {} kr {} {} kr.</p>"#,
            esc(&sv.scenario.label),
            format_kr(sv.total_base.0),
            l.t("kostnad ger en besparing på", "of cost gives a saving of"),
            format_kr(sv.total_saving.0)
        );
    }
    if let Some(j) = &a.joint_org {
        let _ = write!(
            o,
            r#"<p><b>{}</b>: {} kr {}.</p>"#,
            esc(&j.label),
            format_kr(j.cost.0),
            if j.cost_is_sum_of_members {
                l.t(
                    "(summan av kommunernas centrala IT-kostnad)",
                    "(the members' summed central IT cost)",
                )
            } else {
                l.t("(angiven kostnad)", "(given cost)")
            }
        );
    }
    table_html(o, r, l, tables::savings(r, l));
    table_html(o, r, l, tables::joint_org(r, l));
    hybrid_key(o, c);
}

/// The joint organisation's hybrid key (A17): base shared equally, the rest by use; with the studies' caution.
fn hybrid_key(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let Some(h) = &r.analyses.hybrid_key else {
        return;
    };
    let _ = write!(
        o,
        r#"<p><b>{}</b>: {} {}: {} kr {} {} kr {} {}.</p><p class="note">{}</p>"#,
        esc(l.t("Hybridnyckel", "Hybrid key")),
        pct(h.base_share),
        l.t("bas delas lika", "base shared equally"),
        format_kr(h.base_total.0),
        l.t("· förbrukning", "· consumption"),
        format_kr(h.consumption_total.0),
        l.t("efter", "by"),
        esc(&tables::key_label(l, h.consumption_key)),
        l.t(
            "Dalslands förslag: bas-IT delas lika, förbrukning debiteras efter användning. Sundsvall och DiMiOS avråder från användningsbaserad debitering; jämför med de andra nycklarna.",
            "Dalsland's proposal: base IT shared equally, consumption charged by use. Sundsvall and DiMiOS advise against usage-based charging; compare with the other keys.",
        )
    );
    table_html(o, r, l, tables::hybrid_key(r, l));
}

/// The cost of raising each municipality to the target share: the bars and the total's arithmetic (A9); nothing
/// without a target.
fn cost_to_target(o: &mut String, c: &Ctx<'_>) {
    let (l, b, a) = (c.l, &c.r.benchmark, &c.r.analyses);
    if b.target_share.is_none() {
        return;
    }
    let withhold = Withhold::of(c.r);
    let hidden = |label: &str| withhold.as_ref().is_some_and(|w| w.unit(label));
    // Bars only for those below the target (an organisation at or above it has nothing to add: no empty bar).
    let above: Vec<String> = b
        .rows
        .iter()
        .filter(|row| row.cost_to_target.is_some_and(|k| k.0 <= 0))
        .map(|row| crate::compare::row_label(&b.rows, row))
        .collect();
    let tb: Vec<Bar> = b
        .rows
        .iter()
        .filter(|row| row.cost_to_target.is_some_and(|k| k.0 > 0))
        .map(|row| Bar {
            label: crate::compare::row_label(&b.rows, row),
            // Anonymised: a letter's bar would give its amount away against the named one's; withheld.
            value: if hidden(&row.name) {
                0.0
            } else {
                row.cost_to_target
                    .map(|k| k.0 as f64)
                    .unwrap_or(0.0)
                    .max(0.0)
            },
            text: format!(
                "{} ({})",
                match row.cost_to_target {
                    Some(_) if hidden(&row.name) => Withhold::text(l).to_string(),
                    Some(k) => format!("{} kr", format_kr(k.0)),
                    None => String::new(),
                },
                row.increase
                    .map(|x| format!("+{}", pct(x)))
                    .unwrap_or_default()
            ),
            highlight: a.view.highlight.as_deref() == Some(row.name.as_str()),
        })
        .collect();
    if !tb.is_empty() {
        o.push_str(&svg::bars(
            &format!(
                "{} {}",
                l.t("Ökning för att nå", "Increase to reach"),
                b.target_share.map(pct).unwrap_or_default()
            ),
            &tb,
            &[],
        ));
    }
    if !above.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{} {}: {}.</p>"#,
            l.t(
                "Redan på eller över målet",
                "Already at or above the target"
            ),
            b.target_share.map(pct).unwrap_or_default(),
            esc(&above.join(", "))
        );
    }
    let _ = write!(
        o,
        r#"<p class="note">{}: {} kr × {} = {} kr; {} kr − {} kr = {} kr.</p>"#,
        l.t("Totalt", "Total"),
        format_kr(b.total.denominator_value.0),
        b.target_share.map(pct).unwrap_or_default(),
        b.total
            .at_target
            .map(|k| format_kr(k.0))
            .unwrap_or_default(),
        b.total
            .at_target
            .map(|k| format_kr(k.0))
            .unwrap_or_default(),
        format_kr(b.total.it_cost.0),
        b.total
            .cost_to_target
            .map(|k| format_kr(k.0))
            .unwrap_or_default(),
    );
}

/// Trends over the years: the share per municipality and year, and its change split into IT cost and denominator
/// (A18).
fn trends(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let b = &c.r.benchmark;
    let a = &c.r.analyses;
    let num = c.num;
    let den = &c.den;
    if a.trends.years.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Ingen kommun finns med för mer än ett år i körningen.",
                "No municipality appears for more than one year in this run.",
            )
        );
    } else {
        let mut series: Vec<(String, Vec<(i32, f64)>)> = Vec::new();
        for y in &a.trends.years {
            let v = match b.numerator {
                crate::config::Numerator::CentralIt => y.central_it_share,
                crate::config::Numerator::It => y.it_share,
            };
            let Some(v) = v else { continue };
            match series.iter_mut().find(|s| s.0 == y.municipality) {
                Some(s) => s.1.push((y.year, v)),
                None => series.push((y.municipality.clone(), vec![(y.year, v)])),
            }
        }
        o.push_str(&svg::lines(&format!("{num} / {den}"), &series));
        table_html(o, r, l, tables::trends(r, l));
        table_html(o, r, l, tables::trend_changes(r, l));
    }
}

/// Data quality: incomplete years, rules that never fired, the quality table, the suspects and the rule coverage
/// (M1, M3, M10).
fn quality(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let a = &c.r.analyses;
    for q in &a.quality.rows {
        if q.months_note.is_some() {
            let _ = write!(
                o,
                r#"<p class="warn">{}: {}</p>"#,
                esc(&q.municipality),
                l.t(crate::guards::NO_DATES_SV, crate::guards::NO_DATES)
            );
        }
        if q.incomplete {
            let _ = write!(
                o,
                r#"<p class="warn">{}: {} {} ({}){}</p>"#,
                esc(&q.municipality),
                q.months_present,
                l.t("månader av 12; saknas", "months of 12; missing"),
                esc(&q.months_missing.join(", ")),
                if q.annualised_central_it_cost.is_some() {
                    l.t(
                        " — helårsomräknade belopp i tabellen är märkta",
                        " — annualised amounts in the table are labelled",
                    )
                } else {
                    ""
                }
            );
        }
    }
    if !a.quality.never_fired.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{}: {}</p>"#,
            l.t("Regler som aldrig slog till", "Rules that never fired"),
            esc(&a.quality.never_fired.join(", "))
        );
    }
    table_html(o, r, l, tables::data_quality(r, l));
    table_html(o, r, l, tables::suspects(r, l));
    let t = tables::rule_coverage(r, l);
    let _ = write!(o, "<details><summary>{}</summary>", esc(&t.title));
    table_html(o, r, l, t);
    o.push_str("</details>");
}

/// The method: where lines land, the rules file, numerator, denominator and scope (M2, M3, M5).
fn method(o: &mut String, c: &Ctx<'_>) {
    let r = c.r;
    let l = c.l;
    let num = c.num;
    let den = &c.den;
    let scope_pools: Vec<String> = r
        .config
        .outside_scope
        .iter()
        .map(|p| l.pool(p.name()))
        .collect();
    let _ = write!(
        o,
        "<p>{}</p><ul><li>{}: <code>{}</code> ({}, {} {})</li><li>{}: {}</li><li>{}: {}</li><li>{}: {}</li></ul><p class=\"note\">{}</p>",
        method_intro(l),
        l.t("Regelfil", "Rules file"),
        esc(&r.rules.source),
        esc(&r.rules.name),
        r.rules.rules.len(),
        l.t("regler", "rules"),
        l.t("Täljare", "Numerator"),
        num,
        l.t("Nämnare", "Denominator"),
        den,
        l.t("IT utanför central IT räknas i poolerna", "IT outside central IT counts in the pools"),
        esc(&scope_pools.join(", ")),
        method_note(l)
    );
    audit(o, c);
}

/// The audit trail (issue 13, item 9): version, rules, config and every input file with its SHA-256, size and
/// line count, so a figure can be traced to the exact inputs.
fn audit(o: &mut String, c: &Ctx<'_>) {
    let a = &c.r.audit;
    let l = c.l;
    let _ = write!(
        o,
        "<h3>{}</h3><p class=\"note\">{}</p><ul><li>itcost {}</li><li>{}: {} (<code>{}</code>) SHA-256 <code>{}</code></li>",
        l.t("Spårbarhet", "Audit trail"),
        l.t(
            "Med dessa kontrollsummor kan en siffra spåras till exakt de filer den räknades från.",
            "With these checksums a figure can be traced to the exact files it was computed from.",
        ),
        esc(a.itcost_version),
        l.t("Regelfil", "Rules file"),
        esc(&a.rules.name),
        esc(&a.rules.source),
        a.rules.sha256
    );
    if let Some(f) = &a.config {
        let _ = write!(
            o,
            "<li>{}: <code>{}</code> SHA-256 <code>{}</code></li>",
            l.t("Konfiguration", "Config"),
            esc(&f.file),
            f.sha256
        );
    }
    o.push_str("</ul><table id=\"t-audit\"><thead><tr>");
    for h in [
        l.t("Fil", "File"),
        "SHA-256",
        l.t("Byte", "Bytes"),
        l.t("Rader", "Lines"),
    ] {
        let _ = write!(o, "<th>{h}</th>");
    }
    o.push_str("</tr></thead><tbody>");
    for f in &a.inputs {
        let _ = write!(
            o,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&f.file),
            match &f.modified {
                // A dataset file is named by its size and modification time (no hash: see audit.rs).
                Some(t) if f.sha256.is_empty() => match &f.etag {
                    // An object in an object store: also its ETag.
                    Some(e) => format!("ETag {} · {} {t}", esc(e), l.t("ändrad", "modified")),
                    None => format!("{} {t}", l.t("ändrad", "modified")),
                },
                _ => f.sha256.clone(),
            },
            f.bytes,
            f.lines
        );
    }
    o.push_str("</tbody></table>");
}

/// The method's first paragraph: where lines land and how rules decide (also the Excel summary sheet's).
pub(crate) fn method_intro(l: Lang) -> &'static str {
    l.t(
        "Varje rad i huvudboken hamnar på exakt ett ställe: central IT, IT utanför central IT, inte IT, internt (elimineras) eller utanför driften (balansräkning, finansiella poster, investeringar). Reglerna avgörs per unik nyckel (konto, ansvar, leverantör, text) och den första regeln som matchar bestämmer.",
        "Every ledger line lands in exactly one place: central IT, IT outside central IT, not IT, internal (eliminated) or outside operations (balance sheet, financial items, investments). Rules are decided per distinct key (account, cost centre, supplier, text) and the first matching rule decides.",
    )
}

/// The method's closing note: exact amounts, shares with two decimals, deterministic output.
pub(crate) fn method_note(l: Lang) -> &'static str {
    l.t(
        "Beloppen räknas exakt i öre; andelar visas med två decimaler. Samma körning ger samma fil.",
        "Amounts are exact to the öre; shares are shown with two decimals. The same run gives the same file.",
    )
}

/// The scope's name in the report's language, with its pools.
pub(crate) fn scope_label(r: &RunResult, l: Lang) -> String {
    let name = match r.config.scope_name.as_str() {
        "narrow" => l.t("smalt", "narrow"),
        "wide" => l.t("brett", "wide"),
        _ => l.t("eget", "custom"),
    };
    let pools: Vec<String> = r
        .config
        .outside_scope
        .iter()
        .map(|p| l.pool(p.name()))
        .collect();
    format!("{name} ({})", pools.join(", "))
}

/// The denominator as the report names it.
pub(crate) fn den_label(r: &RunResult, l: Lang) -> String {
    match r.config.denominator {
        crate::config::Denominator::TotalCost => l.t(
            "total kostnad (verksamhetens kostnader inkl. avskrivningar, efter interna elimineringar)",
            "total cost (operating cost incl. depreciation, after internal eliminations)",
        ),
        crate::config::Denominator::NetCost => l.t(
            "nettokostnad (total kostnad minus verksamhetens intäkter)",
            "net cost (total cost minus operating revenue)",
        ),
        crate::config::Denominator::External => l.t(
            "extern totalkostnad (årsredovisning/SCB)",
            "external total cost (annual report/SCB)",
        ),
    }
    .to_string()
}

/// Why a unit stands out (A2, A6): the drivers of every unit above a reference line or the group's Q3 in words,
/// the pool diagnostics and the correlation with size.
fn diagnostics(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let d = &r.analyses.diagnostics;
    if d.drivers.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Ingen organisation ligger över en jämförbar referenslinje eller gruppens tredje kvartil.",
                "No organisation is above a comparable reference line or the group's third quartile.",
            )
        );
    }
    // Anonymised: a letter's amounts are withheld (report::withhold); its shares stay.
    let withhold = Withhold::of(r);
    for x in &d.drivers {
        let hidden = withhold.as_ref().is_some_and(|w| w.unit(&x.municipality));
        let excess = if hidden {
            Withhold::text(l).to_string()
        } else {
            format!("{} kr", format_kr(x.excess.0))
        };
        let _ = write!(
            o,
            "<p><b>{}</b> {} {}: {}</p><ul>",
            esc(&x.municipality),
            pct(x.share),
            l.t(
                "ligger över gruppens median med",
                "is above the group median by",
            ),
            esc(&excess)
        );
        for p in &x.drivers {
            let text = l.t(&p.text_sv, &p.text_en);
            // The sentence ends with ": +x kr"; a letter keeps the shares and loses the amount.
            let text = match (hidden, text.rfind(": +")) {
                (true, Some(i)) => format!("{}: {}", &text[..i], Withhold::text(l)),
                _ => text.to_string(),
            };
            let _ = write!(o, "<li>{}</li>", esc(&text));
        }
        o.push_str("</ul>");
        if !x.covers_half {
            let _ = write!(
                o,
                r#"<p class="note">{}</p>"#,
                l.t(
                    "Ingen poolavvikelse förklarar hälften av överskottet: skillnaden ligger i nivån, inte i fördelningen.",
                    "No pool deviation explains half of the excess: the difference is in the level, not in the mix.",
                )
            );
        }
    }
    let _ = write!(
        o,
        r#"<p class="note">{}</p>"#,
        l.t(
            "Avvikelse = (organisationens andel av IT − gruppens median) × organisationens IT-kostnad. Skillnader kan bero på konteringsrutiner (Fyrbodal): läs dem som frågor, inte som domar.",
            "Deviation = (the organisation's share of IT − the group median) × its IT cost. Differences may come from booking routines (Fyrbodal): read them as questions, not verdicts.",
        )
    );
    table_html(o, r, l, tables::drivers(r, l));
    table_html(o, r, l, tables::size_correlation(r, l));
    table_html(o, r, l, tables::pool_diagnostics(r, l));
}

/// IT investment beside operating IT, shares excluding and including it (issue 13, item 4; Sundsvall).
fn investment(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let _ = write!(
        o,
        r#"<p class="note">{}</p>"#,
        l.t(
            "IT köpt på investeringskonton (Kommun-Bas 40, t.ex. 4023 Datorer) är inte driftkostnad och ingår aldrig i jämförelsen. Andel inkl. investeringar = (IT-driftkostnad + IT-investeringar) / (nämnaren + alla investeringar).",
            "IT bought on investment accounts (Kommun-Bas 40, e.g. 4023 Datorer) is not operating cost and never part of the benchmark. Share incl. investment = (operating IT + IT investment) / (the denominator + all investment).",
        )
    );
    table_html(o, r, l, tables::it_investment(r, l));
    table_html(o, r, l, tables::it_investment_pools(r, l));
}

/// Sundsvall's measures (A11–A13, A15), with the scope they were counted with; a note when no input is given.
fn sundsvall(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let sv = &r.analyses.sundsvall;
    if sv.rows.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Inga av Sundsvalls indata (omslutning, årsarbetare, digitalisering, staff_it, påslag) är angivna i körningens konfiguration.",
                "None of Sundsvall's inputs (omslutning, FTE, digitalisation, staff_it, uplift) is given in the run's config.",
            )
        );
        return;
    }
    let _ = write!(
        o,
        r#"<p class="note">{} <b>{}</b>. {}</p>"#,
        l.t("IT räknad med omfånget", "IT counted with the scope"),
        esc(&scope_label(r, l)),
        l.t(
            "Sundsvall räknar fyra kategorier (central IT, extern IT i förvaltningar och bolag, lokal IT-personal, skugg-IT): multiplikatorn total IT / central IT betyder det den säger först med det breda omfånget och staff_it. Digitalisering hålls isär från IT, som Sundsvall begär.",
            "Sundsvall counts four categories (central IT, external IT in departments and companies, local IT staff, shadow IT): the multiplier total IT / central IT means what it says only with the wide scope and staff_it. Digitalisation is kept apart from IT, as Sundsvall asks.",
        )
    );
    table_html(o, r, l, tables::sundsvall(r, l));
}

/// IT share against DiMiOS maturity (A20): the scatter, the correlation with n and the studies' caveat; a note
/// when no maturity file is configured.
fn maturity(o: &mut String, c: &Ctx<'_>) {
    let (r, l) = (c.r, c.l);
    let Some(m) = &r.analyses.maturity else {
        let _ = write!(
            o,
            r#"<p class="note">{}</p>"#,
            l.t(
                "Ingen DiMiOS-fil angiven ([maturity] file = \"dimios.csv\" i körningens konfiguration).",
                "No DiMiOS file given ([maturity] file = \"dimios.csv\" in the run's config).",
            )
        );
        return;
    };
    let x_title = match &m.dimension {
        Some(d) => format!("{} ({d})", l.t("Mognad", "Maturity")),
        None => l
            .t(
                "Mognad (medel över angivna dimensioner)",
                "Maturity (mean over the dimensions given)",
            )
            .to_string(),
    };
    let points: Vec<(String, f64, f64)> = m
        .points
        .iter()
        .map(|p| (p.municipality.clone(), p.maturity, p.share))
        .collect();
    if !points.is_empty() {
        o.push_str(&svg::scatter(
            l.t(
                "IT-andel mot digital mognad",
                "IT share against digital maturity",
            ),
            &x_title,
            c.num,
            &points,
        ));
    }
    let _ = write!(
        o,
        r#"<p><b>{}</b></p><p class="note">{}</p>"#,
        esc(l.t(&m.correlation.verdict_sv, &m.correlation.verdict_en)),
        esc(l.t(m.caveat_sv, m.caveat_en))
    );
    if !m.without_scores.is_empty() {
        let _ = write!(
            o,
            r#"<p class="note">{} {}</p>"#,
            l.t("Utan poäng för sitt år:", "Without scores for their year:"),
            esc(&m.without_scores.join(", "))
        );
    }
    table_html(o, r, l, tables::maturity(r, l));
}
