//! The optional DiMiOS maturity file (A20, study 002; issue 13, item 8): a CSV `kommun;år;dimension;nivå` with one
//! score per municipality, year and dimension (a principle, a category or a DiMiOS dimension, as the organisation
//! has it; levels on the scale it was measured on: 0–6 for the survey statements, 1–4 for the maturity steps).

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
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(Error::input(format!(
            "{shown}: empty maturity file; expected a header kommun;år;dimension;nivå"
        )));
    };
    let delim = [';', '\t', ',']
        .into_iter()
        .max_by_key(|d| header.matches(*d).count())
        .unwrap_or(';');
    let cols: Vec<String> = header
        .split(delim)
        .map(crate::ingest::columns::normalize)
        .collect();
    let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
    let (Some(m), Some(y), Some(d), Some(v)) = (
        find(&["kommun", "municipality", "organisation"]),
        find(&["ar", "year"]),
        find(&["dimension", "princip", "principle", "kategori", "category"]),
        find(&["niva", "level", "poang", "score"]),
    ) else {
        return Err(Error::input(format!(
            "{shown}:1: expected the columns kommun, år, dimension and nivå, found '{header}'"
        )));
    };
    let mut out = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        // A decimal comma in a ','-separated file cannot be told from the separator: such files must quote or use ';'.
        let f: Vec<&str> = line.split(delim).map(str::trim).collect();
        let get = |c: usize| f.get(c).copied().unwrap_or("");
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
