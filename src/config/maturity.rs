//! The optional DiMiOS maturity file (A20, study 002; issue 13, item 8): a CSV `kommun;år;dimension;nivå` with one
//! score per municipality, year and dimension (a principle, a category or a DiMiOS dimension, as the organisation
//! has it; levels on the scale it was measured on: 0–6 for the survey statements, 1–4 for the maturity steps).

use super::small_csv::SmallCsv;
use crate::error::{Error, Result};
use std::path::Path;

/// One score.
#[derive(Debug, Clone)]
pub struct MaturityScore {
    /// Municipality name.
    pub municipality: String,
    /// Year.
    pub year: i32,
    /// Dimension (principle, category …), as written.
    pub dimension: String,
    /// The level.
    pub level: f64,
    /// `file:line`.
    pub source: String,
}

/// The maturity settings of a run.
#[derive(Debug, Clone, Default)]
pub struct MaturityConfig {
    /// The scores.
    pub scores: Vec<MaturityScore>,
    /// Only this dimension (None: the mean over the dimensions given).
    pub dimension: Option<String>,
    /// The file, as written.
    pub file: String,
}

/// Reads the maturity CSV (`;`, `,` or TAB; UTF-8 or Windows-1252; levels with a decimal point or comma).
pub fn read_maturity(path: &Path) -> Result<Vec<MaturityScore>> {
    let csv = SmallCsv::read(
        path,
        "maturity file; expected a header kommun;år;dimension;nivå",
    )?;
    let shown = &csv.shown;
    let (Some(m), Some(y), Some(d), Some(v)) = (
        csv.column(&["kommun", "municipality", "organisation"]),
        csv.column(&["ar", "year"]),
        csv.column(&["dimension", "princip", "principle", "kategori", "category"]),
        csv.column(&["niva", "level", "poang", "score"]),
    ) else {
        return Err(Error::input(format!(
            "{shown}:1: expected the columns kommun, år, dimension and nivå, found '{}'",
            csv.header
        )));
    };
    let mut out = Vec::new();
    for row in csv.rows() {
        let n = row.n;
        let get = |c: usize| row.get(c);
        let municipality = get(m).to_string();
        if municipality.is_empty() {
            return Err(Error::input(format!(
                "{shown}:{n}: expected a municipality name, found an empty field"
            )));
        }
        let year = get(y).parse::<i32>().map_err(|_| {
            Error::input(format!(
                "{shown}:{n}: expected a year like 2023, found '{}'",
                get(y)
            ))
        })?;
        let dimension = get(d).to_string();
        if dimension.is_empty() {
            return Err(Error::input(format!(
                "{shown}:{n}: expected a dimension (e.g. Ekonomiska ramar), found an empty field"
            )));
        }
        let raw = get(v);
        let level = raw
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && (0.0..=10.0).contains(x))
            .ok_or_else(|| {
                Error::input(format!(
                    "{shown}:{n}: expected a level like 3 or 3,5 (0–6 or 1–4), found '{raw}'"
                ))
            })?;
        out.push(MaturityScore {
            municipality,
            year,
            dimension,
            level,
            source: format!("{shown}:{n}"),
        });
    }
    Ok(out)
}
