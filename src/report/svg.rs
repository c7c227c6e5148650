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

/// The narrowest and widest label column.
const LABEL_MIN: f64 = 90.0;
const LABEL_MAX: f64 = 300.0;
const WIDTH: f64 = 760.0;

/// A safe upper estimate of the width of `s` at 12 px system-ui (no font is measured: the report has no script):
/// wide letters and digits count more than narrow ones.
pub fn text_width(s: &str, font_px: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | 'í' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.4,
            'm' | 'w' | 'M' | 'W' | '%' | '—' => 0.95,
            c if c.is_uppercase() => 0.72,
            _ => 0.6,
        })
        .sum();
    em * font_px
}

/// `s` shortened with "…" so that it fits `max_px`; the second value is true when it was cut (the full text then
/// goes into a `<title>`).
pub fn fit(s: &str, max_px: f64, font_px: f64) -> (String, bool) {
    if text_width(s, font_px) <= max_px {
        return (s.to_string(), false);
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if text_width(&out, font_px) + text_width("…", font_px) > max_px {
            out.pop();
            break;
        }
    }
    (format!("{}…", out.trim_end()), true)
}

/// A `<text>` element holding `label` fitted to `max_px` (the full label in its `<title>` when cut).
fn label_text(s: &mut String, x: f64, y: f64, attrs: &str, label: &str, max_px: f64) {
    let (shown, cut) = fit(label, max_px, 12.0);
    let title = if cut {
        format!("<title>{}</title>", esc(label))
    } else {
        String::new()
    };
    let _ = write!(
        s,
        r#"<text x="{x:.2}" y="{y:.2}"{attrs}>{title}{}</text>"#,
        esc(&shown)
    );
}

/// The label column's width for these labels: as wide as the longest (within bounds).
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    labels
        .map(|l| text_width(l, 12.0) + 12.0)
        .fold(LABEL_MIN, f64::max)
        .min(LABEL_MAX)
}

/// The colour of a series: a TBM pool (by its TBM name or Swedish label) always has the same colour, in every
/// chart and every report; other series take the palette in order.
pub fn series_colour(i: usize, name: &str) -> &'static str {
    match crate::rules::taxonomy::Pool::parse(name) {
        Some(p) => {
            let k = crate::rules::taxonomy::Pool::ALL
                .iter()
                .position(|q| *q == p)
                .unwrap_or(0);
            POOL_COLOURS[k % POOL_COLOURS.len()]
        }
        None => PALETTE[i % PALETTE.len()],
    }
}

/// ` data-pool="Hardware"` when the series is a pool (the browser check verifies one colour per pool), else "".
fn pool_attr(name: &str) -> String {
    crate::rules::taxonomy::Pool::parse(name)
        .map(|p| format!(r#" data-pool="{}""#, p.name()))
        .unwrap_or_default()
}

/// One colour per TBM pool, in `Pool::ALL` order (Okabe–Ito, then a dark grey and a brown).
pub const POOL_COLOURS: [&str; 9] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555",
    "#8C564B",
];

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
    let label_w = label_width(rows.iter().map(|b| b.label.as_str()));
    // Room right of the longest bar for its value text.
    let text_w = rows
        .iter()
        .map(|b| text_width(&b.text, 12.0) + 8.0)
        .fold(40.0f64, f64::max)
        .min(WIDTH / 3.0);
    // The longest bar (max / 1.12 of the scale) ends where its text has room.
    let plot_w = (WIDTH - label_w - text_w) * 1.12;
    let x = |v: f64| label_w + plot_w * (v.max(0.0) / max);
    let mut s = String::new();
    open(&mut s, h, title);
    for (i, b) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let fill = if b.highlight { "#D55E00" } else { "#0072B2" };
        label_text(
            &mut s,
            label_w - 6.0,
            y + 16.0,
            if b.highlight {
                r#" text-anchor="end" font-weight="bold""#
            } else {
                r#" text-anchor="end""#
            },
            &b.label,
            label_w - 10.0,
        );
        let _ = write!(
            s,
            r#"<rect class="mark" x="{label_w:.2}" y="{}" width="{:.2}" height="{}" fill="{fill}"><title>{}: {}</title></rect>"#,
            y + 4.0,
            (x(b.value) - label_w).max(0.5),
            row_h - 8.0,
            esc(&b.label),
            esc(&b.text),
        );
        let tx = x(b.value) + 4.0;
        label_text(&mut s, tx, y + 16.0, "", &b.text, WIDTH - tx - 2.0);
    }
    for (i, r) in refs.iter().enumerate() {
        let rx = x(r.value);
        // Labels stack above the bars: right of the line when they fit there, else left of it; a label too long
        // for either side is shown whole across its line (within the chart), the line starting below it; only a
        // label wider than the chart is cut (the full text in its title).
        let w = text_width(&r.label, 12.0);
        let right = WIDTH - rx - 6.0;
        let left = rx - 6.0;
        let label_y = 14.0 + 16.0 * i as f64;
        let mut line_top = 4.0 + 16.0 * i as f64;
        let (tx, anchor, room) = if w <= right {
            (rx + 4.0, "start", right)
        } else if w <= left {
            (rx - 4.0, "end", left)
        } else if w <= WIDTH - 4.0 {
            line_top = label_y + 4.0;
            ((rx - w / 2.0).clamp(2.0, WIDTH - 2.0 - w), "start", w)
        } else {
            (2.0, "start", WIDTH - 4.0)
        };
        let _ = write!(
            s,
            r##"<line x1="{rx:.2}" x2="{rx:.2}" y1="{line_top}" y2="{}" stroke="#333" stroke-dasharray="4 3"/>"##,
            h - 20.0,
        );
        label_text(
            &mut s,
            tx,
            label_y,
            &format!(r##" fill="#333" text-anchor="{anchor}""##),
            &r.label,
            room,
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
    let label_w = label_width(rows.iter().map(|r| r.label.as_str()));
    let plot_w = WIDTH - label_w - 20.0;
    let mut s = String::new();
    open(&mut s, h, title);
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let total: f64 = row.parts.iter().map(|p| p.1.max(0.0)).sum();
        label_text(
            &mut s,
            label_w - 6.0,
            y + 17.0,
            r#" text-anchor="end""#,
            &row.label,
            label_w - 10.0,
        );
        let mut x = label_w;
        for (k, v, tip) in &row.parts {
            if total <= 0.0 || *v <= 0.0 {
                continue;
            }
            let w = plot_w * v / total;
            let _ = write!(
                s,
                r#"<rect class="mark" x="{x:.2}" y="{}" width="{w:.2}" height="{}" fill="{}"{}><title>{}</title></rect>"#,
                y + 4.0,
                row_h - 8.0,
                series_colour(*k, series.get(*k).map(String::as_str).unwrap_or("")),
                pool_attr(series.get(*k).map(String::as_str).unwrap_or("")),
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
    legend(&mut s, series, top + row_h * rows.len() as f64 + 14.0, 20.0);
    s.push_str("</svg>");
    s
}

/// The legend: three columns from `x0`, each name fitted to its column.
fn legend(s: &mut String, series: &[String], y0: f64, x0: f64) {
    let col = (WIDTH - x0 - 10.0) / 3.0;
    for (i, name) in series.iter().enumerate() {
        let x = x0 + col * (i % 3) as f64;
        let y = y0 + 18.0 * (i / 3) as f64;
        let _ = write!(
            s,
            r#"<rect x="{x:.2}" y="{}" width="11" height="11" fill="{}"{}/>"#,
            y - 10.0,
            series_colour(i, name),
            pool_attr(name),
        );
        label_text(s, x + 15.0, y, "", name, col - 20.0);
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
    let label_w = label_width(categories.iter().map(|c| c.0.as_str()));
    let plot_w = WIDTH - label_w - 70.0;
    let mut s = String::new();
    open(&mut s, h, title);
    for (ci, (cat, values)) in categories.iter().enumerate() {
        let y0 = 8.0 + group_h * ci as f64;
        label_text(
            &mut s,
            label_w - 6.0,
            y0 + group_h / 2.0,
            r#" text-anchor="end""#,
            cat,
            label_w - 10.0,
        );
        for (k, v) in values.iter().enumerate() {
            let y = y0 + bar_h * k as f64;
            let w = (plot_w * v.max(0.0) / max).max(0.5);
            let _ = write!(
                s,
                r#"<rect class="mark" x="{label_w:.2}" y="{y:.2}" width="{w:.2}" height="{}" fill="{}"><title>{} · {}: {}</title></rect><text x="{:.2}" y="{:.2}" font-size="10">{}</text>"#,
                bar_h - 2.0,
                series_colour(k, series.get(k).map(String::as_str).unwrap_or("")),
                esc(cat),
                esc(series.get(k).map(String::as_str).unwrap_or("")),
                super::tables::pct(*v),
                label_w + w + 3.0,
                y + bar_h - 3.0,
                super::tables::pct(*v)
            );
        }
    }
    legend(
        &mut s,
        series,
        8.0 + group_h * categories.len() as f64 + 14.0,
        20.0,
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
        let c = series_colour(k, name);
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
    legend(&mut s, &names, y1 + 44.0, 20.0);
    s.push_str("</svg>");
    s
}

/// A scatter plot: x and y with axis titles; each point (label, x, y) is a labelled dot. `y` is a fraction (shown
/// as a percentage), `x` a plain number (a maturity level).
pub fn scatter(title: &str, x_title: &str, y_title: &str, points: &[(String, f64, f64)]) -> String {
    let h = 320.0;
    let (left, right, top, bottom) = (70.0, 30.0, 16.0, 44.0);
    let (pw, ph) = (WIDTH - left - right, h - top - bottom);
    let fold = |f: fn(f64, f64) -> f64, init: f64, pick: fn(&(String, f64, f64)) -> f64| {
        points.iter().map(pick).fold(init, f)
    };
    let (x0, x1) = (
        fold(f64::min, f64::INFINITY, |p| p.1),
        fold(f64::max, f64::NEG_INFINITY, |p| p.1),
    );
    let y1 = fold(f64::max, 0.0, |p| p.2).max(1e-12) * 1.15;
    let (x0, x1) = if x1 > x0 {
        (x0 - 0.25, x1 + 0.25)
    } else {
        (x0 - 1.0, x0 + 1.0)
    };
    let sx = |x: f64| left + pw * (x - x0) / (x1 - x0);
    let sy = |y: f64| top + ph * (1.0 - y / y1);
    let mut s = String::new();
    open(&mut s, h, title);
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#999"/><line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="#999"/><text x="{}" y="{}" text-anchor="middle">{}</text><text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">{}</text><text x="{left}" y="{}" font-size="10">{:.1}</text><text x="{}" y="{}" font-size="10" text-anchor="end">{:.1}</text><text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>"##,
        top + ph,
        left + pw,
        top + ph,
        top + ph,
        left + pw / 2.0,
        h - 8.0,
        esc(x_title),
        top + ph / 2.0,
        top + ph / 2.0,
        esc(y_title),
        top + ph + 14.0,
        x0,
        left + pw,
        top + ph + 14.0,
        x1,
        left - 4.0,
        top + 10.0,
        super::tables::pct(y1)
    );
    for (i, (label, x, y)) in points.iter().enumerate() {
        let _ = write!(
            s,
            r#"<circle class="mark" cx="{:.2}" cy="{:.2}" r="5" fill="{}"><title>{}: {:.2} · {}</title></circle><text x="{:.2}" y="{:.2}" font-size="10">{}</text>"#,
            sx(*x),
            sy(*y),
            series_colour(i, label),
            esc(label),
            x,
            super::tables::pct(*y),
            sx(*x) + 7.0,
            sy(*y) + 3.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_to_fit_with_the_full_text_in_a_title() {
        let (shown, cut) = fit("Barn- och utbildningsförvaltningen Dals-Ed", 120.0, 12.0);
        assert!(cut && shown.ends_with('…'), "{shown}");
        assert!(text_width(&shown, 12.0) <= 120.0);
        assert_eq!(fit("Åmål", 120.0, 12.0), ("Åmål".to_string(), false));
        let long = "Samhällsbyggnadsförvaltningen och tekniska förvaltningen i Dals-Ed";
        let svg = bars(
            "t",
            &[Bar {
                label: long.into(),
                value: 1.0,
                text: "12 496 743 kr (+37,64 %)".into(),
                highlight: false,
            }],
            &[RefLine {
                label:
                    "Riksgenomsnitt 2021: 2,5 % av nettokostnaden på IT (som studien använde det)"
                        .into(),
                value: 1.0,
            }],
        );
        assert!(svg.contains(&format!("<title>{long}</title>")), "{svg}");
        // The reference label fits the chart's width though on neither side of its line: shown whole.
        assert!(
            svg.contains(">Riksgenomsnitt 2021: 2,5 % av nettokostnaden på IT (som studien använde det)</text>"),
            "{svg}"
        );
    }

    #[test]
    fn a_pool_has_the_same_colour_whatever_its_position() {
        assert_eq!(series_colour(0, "Hardware"), series_colour(5, "Hårdvara"));
        assert_ne!(series_colour(0, "Hardware"), series_colour(0, "Software"));
    }
}
