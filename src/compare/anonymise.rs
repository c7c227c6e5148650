//! `anonymise = true`: every municipality but the `highlight` one is a letter in every output (HTML, CSV, JSON),
//! and figures that would tell the letter back are withheld. Applied to the results before the benchmark and the
//! analyses are built, so no section can pick up a name:
//! - names → letters, in benchmark rank order (highest share = A), then the names that occur only in other years;
//!   one name keeps one letter over the years;
//! - ledger file names (which usually carry the name) → `A: ledger 1`; names and file names inside warnings too;
//! - populations are withheld (so no per-capita figure of a letter);
//! - the joint organisation's split is not computed (its key values and "today" column identify the members);
//! - supplier names that occur for one letter only are withheld ([`scrub_suppliers`]), as are the letters'
//!   supplier lists in `municipalities[]`;
//! - `classified.parquet` is not written (it holds every line).

use crate::aggregate::MunicipalityResult;
use crate::config::{Numerator, RunConfig};
use crate::ingest::IngestReport;
use std::collections::BTreeMap;

/// Name → letter for every municipality of the run except the highlighted one.
pub fn letters(
    results: &[MunicipalityResult],
    numerator: Numerator,
    highlight: Option<&str>,
) -> BTreeMap<String, String> {
    let share = |r: &MunicipalityResult| match numerator {
        Numerator::CentralIt => r.central_it_share,
        Numerator::It => r.it_share,
    };
    let mut order: Vec<usize> = (0..results.len())
        .filter(|&i| results[i].benchmarked)
        .collect();
    order.sort_by(|&a, &b| {
        share(&results[b])
            .unwrap_or(f64::MIN)
            .total_cmp(&share(&results[a]).unwrap_or(f64::MIN))
    });
    order.extend((0..results.len()).filter(|&i| !results[i].benchmarked));
    let mut out = BTreeMap::new();
    for i in order {
        let name = &results[i].name;
        if Some(name.as_str()) == highlight || out.contains_key(name) {
            continue;
        }
        let l = super::letter(out.len());
        out.insert(name.clone(), l);
    }
    out
}

/// Replaces every name (longest first, so "Dals-Ed" goes before "Ed") and the given file names in `text`.
pub fn replace_names(
    text: &str,
    letters: &BTreeMap<String, String>,
    files: &[(String, String)],
) -> String {
    let mut out = text.to_string();
    for (file, shown) in files {
        out = out.replace(file.as_str(), shown);
    }
    let mut names: Vec<(&String, &String)> = letters.iter().collect();
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    for (name, letter) in names {
        out = out.replace(name.as_str(), letter);
    }
    out
}

/// Renames the municipalities of `letters` in the config, the results (names and unit ids) and the input reports, and
/// withholds their populations and file names.
pub fn apply(
    letters: &BTreeMap<String, String>,
    config: &mut RunConfig,
    results: &mut [MunicipalityResult],
    inputs: &mut [IngestReport],
) {
    // File names of lettered municipalities, each with what is shown instead.
    let mut files: Vec<(String, String)> = Vec::new();
    for r in results.iter() {
        if let Some(l) = letters.get(&r.name) {
            for (k, f) in r.files.iter().enumerate() {
                files.push((f.clone(), format!("{l}: ledger {}", k + 1)));
                if let Some(base) = std::path::Path::new(f).file_name() {
                    let base = base.to_string_lossy().into_owned();
                    if base != *f {
                        files.push((base, format!("{l}: ledger {}", k + 1)));
                    }
                }
            }
        }
    }
    files.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
    for r in results.iter_mut() {
        let Some(l) = letters.get(&r.name).cloned() else {
            continue;
        };
        r.files = r
            .files
            .iter()
            .enumerate()
            .map(|(k, _)| format!("{l}: ledger {}", k + 1))
            .collect();
        r.population = None;
        r.suppliers.clear();
        r.warnings = r
            .warnings
            .iter()
            .map(|w| replace_names(w, letters, &files))
            .collect();
        r.name = l;
    }
    for m in config.municipalities.iter_mut() {
        if let Some(l) = letters.get(&m.name) {
            m.name = l.clone();
            m.population = None;
            m.ledgers = Vec::new();
        }
    }
    for k in config.analysis.allocation_keys.iter_mut() {
        if let Some(l) = letters.get(&k.municipality) {
            k.municipality = l.clone();
        }
    }
    for r in results.iter_mut() {
        r.id = replace_names(&r.id, letters, &[]);
    }
    for rep in inputs.iter_mut() {
        let lettered =
            letters.contains_key(&rep.municipality) || files.iter().any(|(f, _)| *f == rep.file);
        if !lettered {
            continue;
        }
        rep.file = replace_names(&rep.file, letters, &files);
        rep.municipality = replace_names(&rep.municipality, letters, &[]);
        rep.warnings = rep
            .warnings
            .iter()
            .map(|w| replace_names(w, letters, &files))
            .collect();
        rep.sie = None;
        rep.vouchers = None;
        for x in rep.rejects.iter_mut() {
            x.file = replace_names(&x.file, letters, &files);
        }
    }
}

/// Withholds supplier names that occur for one lettered municipality only (they would name it).
pub fn scrub_suppliers(
    a: &mut super::suppliers::SupplierAnalysis,
    letters: &BTreeMap<String, String>,
) {
    let lettered: Vec<&String> = letters.values().collect();
    let identifying = |row: &super::suppliers::SupplierRow| {
        row.municipalities.len() == 1
            && lettered.iter().any(|l| {
                row.municipalities[0] == **l || row.municipalities[0].starts_with(&format!("{l} "))
            })
    };
    a.largest.retain(|r| !identifying(r));
    a.shared.retain(|r| !identifying(r));
}
