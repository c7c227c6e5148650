//! The units of the benchmark (issue 13, items 1 and 3): which kind of figures it compares (outcome, budget or
//! forecast, never mixed), and whether its rows are municipalities or IT organisations.
//!
//! When any `[[it_org]]` is given, the benchmark's rows are IT organisations: an organisation's row sums its
//! members (see `aggregate::it_org`), and a municipality in no organisation is its own row. The rows keep the
//! order of the config: an organisation stands where its first member does.

use crate::aggregate::MunicipalityResult;
use crate::config::{FigureKind, ItOrg};
use crate::error::{Error, Result};

/// One row of the benchmark before it is aggregated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A municipality (index into the run's results).
    Municipality(usize),
    /// An IT organisation (index into the config's `it_orgs`) and its members (indices into the results).
    Org(usize, Vec<usize>),
}

/// The benchmarked units of one kind: `idx` (the units of the benchmark year) narrowed to `wanted`, or to the
/// one kind they have. Units of several kinds without `benchmark_kind` are refused, in English and Swedish: a
/// benchmark never mixes outcome with budget or forecast.
pub fn select_kind(
    results: &[MunicipalityResult],
    idx: &[usize],
    wanted: Option<FigureKind>,
) -> Result<(FigureKind, Vec<usize>)> {
    let mut kinds: Vec<FigureKind> = idx.iter().map(|&i| results[i].kind).collect();
    kinds.sort();
    kinds.dedup();
    let kind = match (wanted, kinds.as_slice()) {
        (Some(k), _) => k,
        (None, [one]) => *one,
        (None, []) => FigureKind::Outcome,
        (None, many) => {
            let list = |sv: bool| {
                many.iter()
                    .map(|k| k.label(sv))
                    .collect::<Vec<_>>()
                    .join(if sv { " och " } else { " and " })
            };
            return Err(Error::rules(format!(
                "the benchmark would mix {}: one benchmark compares one kind of figures; set benchmark_kind = \"{}\" (or {}) in the config\n\
                 jämförelsen skulle blanda {}: en jämförelse jämför ett slags siffror; ange benchmark_kind = \"{}\" i konfigurationen",
                list(false),
                many[0].key(),
                many[1..].iter().map(|k| format!("\"{}\"", k.key())).collect::<Vec<_>>().join(", "),
                list(true),
                many[0].key(),
            )));
        }
    };
    let sel: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| results[i].kind == kind)
        .collect();
    if sel.is_empty() {
        return Err(Error::rules(format!(
            "benchmark_kind = \"{}\": no municipality of the benchmark has {} ledgers (kind = \"{}\")\n\
             benchmark_kind = \"{}\": ingen kommun i jämförelsen har huvudböcker med {}",
            kind.key(),
            kind.label(false),
            kind.key(),
            kind.key(),
            kind.label(true)
        )));
    }
    Ok((kind, sel))
}

/// The benchmark's rows: with IT organisations, one per organisation (per year) and one per municipality in
/// none; without, one per municipality. A year for which an organisation has some members but not all is
/// refused: the row would compare a different organisation.
pub fn units(orgs: &[ItOrg], results: &[MunicipalityResult], idx: &[usize]) -> Result<Vec<Unit>> {
    if orgs.is_empty() {
        return Ok(idx.iter().map(|&i| Unit::Municipality(i)).collect());
    }
    let org_of = |name: &str| {
        orgs.iter()
            .position(|o| o.members.iter().any(|m| m == name))
    };
    let mut out: Vec<Unit> = Vec::new();
    for &i in idx {
        let r = &results[i];
        let Some(o) = org_of(&r.name) else {
            out.push(Unit::Municipality(i));
            continue;
        };
        let done = out.iter().any(|u| match u {
            Unit::Org(p, members) => *p == o && results[members[0]].year == r.year,
            Unit::Municipality(_) => false,
        });
        if done {
            continue;
        }
        let org = &orgs[o];
        // In the order the organisation lists its members.
        let mut members: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&j| results[j].year == r.year && org_of(&results[j].name) == Some(o))
            .collect();
        members.sort_by_key(|&j| org.members.iter().position(|m| *m == results[j].name));
        let missing: Vec<&str> = org
            .members
            .iter()
            .filter(|m| !members.iter().any(|&j| &results[j].name == *m))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let year = r.year.map(|y| format!(" {y}")).unwrap_or_default();
            return Err(Error::rules(format!(
                "it_org '{}': {} has no ledger of the benchmark ({}{year}): the organisation's row would leave {} out; give its ledger or set benchmark_year",
                org.name,
                missing.join(", "),
                results[i].kind.label(false),
                if missing.len() == 1 { "it" } else { "them" }
            )));
        }
        out.push(Unit::Org(o, members));
    }
    Ok(out)
}
