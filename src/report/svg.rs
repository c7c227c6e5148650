//! Hand-built SVG charts for the HTML report (no JavaScript, no fonts, no network): horizontal bars with reference
//! lines, 100 % stacked bars, grouped bars, and lines over years. Every mark carries a `<title>` with its exact
//! figure, so hovering a bar shows what the table says.

use std::fmt::Write;

/// Colours of the series, in order (colour-blind-safe Okabe–Ito palette, then greys).
pub const PALETTE: [&str; 10] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#666666",
];

/// Escapes text for SVG/HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar of a horizontal bar chart.
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Value (≥ 0; negative values are drawn as 0).
    pub value: f64,
    /// Text right of the bar.
    pub text: String,
    /// Drawn in the accent colour.
    pub highlight: bool,
}

/// A vertical reference line.
pub struct RefLine {
    /// Label.
    pub label: String,
    /// Value on the same scale as the bars.
    pub value: f64,
}

const LABEL_W: f64 = 170.0;
const WIDTH: f64 = 760.0;

fn open(out: &mut String, h: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" width="100%" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="12">"#,
        esc(title)
    );
}

/// Horizontal bars (one per row) with vertical reference lines.
pub fn bars(title: &str, rows: &[Bar], refs: &[RefLine]) -> String {
    let row_h = 26.0;
    let top = 10.0 + 16.0 * refs.len() as f64;
    let h = top + row_h * rows.len() as f64 + 24.0;
    let max = rows
        .iter()
        .map(|b| b.value)
        .chain(refs.iter().map(|r| r.value))
        .fold(0.0f64, f64::max)
        .max(1e-12)
        * 1.12;
    let plot_w = WIDTH - LABEL_W - 90.0;
    let x = |v: f64| LABEL_W + plot_w * (v.max(0.0) / max);
    let mut s = String::new();
    open(&mut s, h, title);
    for (i, b) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let fill = if b.highlight { "#D55E00" } else { "#0072B2" };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end"{}>{}</text><rect class="mark" x="{LABEL_W}" y="{}" width="{:.2}" height="{}" fill="{fill}"><title>{}: {}</title></rect><text x="{:.2}" y="{}">{}</text>"#,
            LABEL_W - 6.0,
            y + 16.0,
            if b.highlight {
                r#" font-weight="bold""#
            } else {
                ""
            },
            esc(&b.label),
            y + 4.0,
            (x(b.value) - LABEL_W).max(0.5),
            row_h - 8.0,
            esc(&b.label),
            esc(&b.text),
            x(b.value) + 4.0,
            y + 16.0,
            esc(&b.text)
        );
    }
    for (i, r) in refs.iter().enumerate() {
        let rx = x(r.value);
        // Labels stack above the bars; right of the line when there is room, else left of it.
        let (tx, anchor) = if rx > WIDTH * 0.55 {
            (rx - 4.0, "end")
        } else {
            (rx + 4.0, "start")
        };
        let _ = write!(
            s,
            r##"<line x1="{rx:.2}" x2="{rx:.2}" y1="{}" y2="{}" stroke="#333" stroke-dasharray="4 3"/><text x="{tx:.2}" y="{}" fill="#333" text-anchor="{anchor}">{}</text>"##,
            4.0 + 16.0 * i as f64,
            h - 20.0,
            14.0 + 16.0 * i as f64,
            esc(&r.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// One stacked row: its label and (series index, value, tooltip) segments.
pub struct Stack {
    /// Row label.
    pub label: String,
    /// Segments.
    pub parts: Vec<(usize, f64, String)>,
}

/// 100 % stacked horizontal bars with a legend of the series.
pub fn stacked(title: &str, series: &[String], rows: &[Stack]) -> String {
    let row_h = 28.0;
    let legend_rows = series.len().div_ceil(3);
    let top = 8.0;
    let h = top + row_h * rows.len() as f64 + 18.0 * legend_rows as f64 + 26.0;
    let plot_w = WIDTH - LABEL_W - 20.0;
    let mut s = String::new();
    open(&mut s, h, title);
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let total: f64 = row.parts.iter().map(|p| p.1.max(0.0)).sum();
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_W - 6.0,
            y + 17.0,
            esc(&row.label)
        );
        let mut x = LABEL_W;
        for (k, v, tip) in &row.parts {
            if total <= 0.0 || *v <= 0.0 {
                continue;
            }
            let w = plot_w * v / total;
            let _ = write!(
                s,
                r#"<rect class="mark" x="{x:.2}" y="{}" width="{w:.2}" height="{}" fill="{}"><title>{}</title></rect>"#,
                y + 4.0,
                row_h - 8.0,
                PALETTE[k % PALETTE.len()],
                esc(tip)
            );
            if w > 34.0 {
                let _ = write!(
                    s,
                    r##"<text x="{:.2}" y="{}" fill="#fff" text-anchor="middle" font-size="11">{:.0} %</text>"##,
                    x + w / 2.0,
                    y + 18.0,
                    100.0 * v / total
                );
            }
            x += w;
        }
    }
    legend(&mut s, series, top + row_h * rows.len() as f64 + 14.0);
    s.push_str("</svg>");
    s
}

fn legend(s: &mut String, series: &[String], y0: f64) {
    for (i, name) in series.iter().enumerate() {
        let x = LABEL_W + 190.0 * (i % 3) as f64;
        let y = y0 + 18.0 * (i / 3) as f64;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{}" width="11" height="11" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            y - 10.0,
            PALETTE[i % PALETTE.len()],
            x + 15.0,
            y,
            esc(name)
        );
    }
}

/// Grouped horizontal bars: per category, one bar per series (values are fractions, shown as %).
pub fn grouped(title: &str, series: &[String], categories: &[(String, Vec<f64>)]) -> String {
    let bar_h = 12.0;
    let group_h = bar_h * series.len() as f64 + 12.0;
    let legend_rows = series.len().div_ceil(3);
    let h = 8.0 + group_h * categories.len() as f64 + 18.0 * legend_rows as f64 + 20.0;
    let max = categories
        .iter()
        .flat_map(|c| c.1.iter().copied())
        .fold(0.0f64, f64::max)
        .max(1e-12)
        * 1.15;
    let plot_w = WIDTH - LABEL_W - 70.0;
    let mut s = String::new();
    open(&mut s, h, title);
    for (ci, (cat, values)) in categories.iter().enumerate() {
        let y0 = 8.0 + group_h * ci as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_W - 6.0,
            y0 + group_h / 2.0,
            esc(cat)
        );
        for (k, v) in values.iter().enumerate() {
            let y = y0 + bar_h * k as f64;
            let w = (plot_w * v.max(0.0) / max).max(0.5);
            let _ = write!(
                s,
                r#"<rect class="mark" x="{LABEL_W}" y="{y:.2}" width="{w:.2}" height="{}" fill="{}"><title>{} · {}: {}</title></rect><text x="{:.2}" y="{:.2}" font-size="10">{}</text>"#,
                bar_h - 2.0,
                PALETTE[k % PALETTE.len()],
                esc(cat),
                esc(&series[k]),
                super::tables::pct(*v),
                LABEL_W + w + 3.0,
                y + bar_h - 3.0,
                super::tables::pct(*v)
            );
        }
    }
    legend(
        &mut s,
        series,
        8.0 + group_h * categories.len() as f64 + 14.0,
    );
    s.push_str("</svg>");
    s
}

/// Lines over years: (series name, [(year, fraction)]).
pub fn lines(title: &str, series: &[(String, Vec<(i32, f64)>)]) -> String {
    let h = 260.0 + 18.0 * series.len().div_ceil(3) as f64;
    let (x0, x1, y0, y1) = (60.0, WIDTH - 30.0, 20.0, 220.0);
    let years: Vec<i32> = {
        let mut v: Vec<i32> = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.0))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let max = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.1))
        .fold(0.0f64, f64::max)
        .max(1e-12)
        * 1.15;
    let xi = |y: i32| {
        let i = years.iter().position(|v| *v == y).unwrap_or(0) as f64;
        let n = (years.len().max(2) - 1) as f64;
        x0 + (x1 - x0) * i / n
    };
    let yv = |v: f64| y1 - (y1 - y0) * v / max;
    let mut s = String::new();
    open(&mut s, h, title);
    let _ = write!(
        s,
        r##"<line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="#999"/>"##
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.2}" text-anchor="end" fill="#555">{}</text>"##,
            x0 - 6.0,
            yv(v) + 4.0,
            super::tables::pct(v)
        );
    }
    for y in &years {
        let _ = write!(
            s,
            r#"<text x="{:.2}" y="{}" text-anchor="middle">{y}</text>"#,
            xi(*y),
            y1 + 18.0
        );
    }
    for (k, (name, pts)) in series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let d: Vec<String> = pts
            .iter()
            .map(|(y, v)| format!("{:.2},{:.2}", xi(*y), yv(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="mark" points="{}" fill="none" stroke="{c}" stroke-width="2"/>"#,
            d.join(" ")
        );
        for (y, v) in pts {
            let _ = write!(
                s,
                r#"<circle cx="{:.2}" cy="{:.2}" r="4" fill="{c}"><title>{} {y}: {}</title></circle>"#,
                xi(*y),
                yv(*v),
                esc(name),
                super::tables::pct(*v)
            );
        }
    }
    let names: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    legend(&mut s, &names, y1 + 44.0);
    s.push_str("</svg>");
    s
}
