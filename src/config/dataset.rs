//! `dataset = "DIR"` in a run config: the municipalities' ledgers taken from a Hive-partitioned Parquet dataset
//! ([`crate::ingest::dataset`]) instead of `ledgers = […]`.
//!
//! Selection, per `[[municipality]]` entry (its name compared with the url-decoded partition names):
//! - with `year = Y`: the partition `municipality=NAME/year=Y`; refused when it is missing, naming the directory
//!   and the years the dataset holds for the name;
//! - without `year`: every partition of the name that no entry of the same name with a `year` claims, one unit of
//!   the run per year (each gets the entry's central IT codes, population, denominators …); refused when none is
//!   left;
//! - `ledgers` may not be given too (refused: which would count?), and `columns` and `sheet` are not used (they
//!   describe exports; a dataset holds canonical ledgers).
//!
//! Partitions of municipalities the config does not name are not read: a region is run from a national dataset
//! by naming its municipalities. A partition's `.parquet` files are the ledgers of its unit, in name order.

use super::Municipality;
use crate::error::{Error, Result};
use crate::ingest::dataset::{partitions, Partition};
use std::path::Path;

/// The config's municipalities with their ledgers from the dataset at `root`; `shown` names the config in errors.
pub fn resolve(
    root: &Path,
    municipalities: Vec<Municipality>,
    shown: &str,
) -> Result<Vec<Municipality>> {
    let parts = partitions(root).map_err(|e| {
        let message = format!("{shown}: dataset: {e}");
        match crate::engine::store::is_url(root) {
            // The store's failure (a wrong bucket, missing credentials) is not the config's: its own kind.
            true => Error {
                kind: e.kind,
                message,
            },
            false => Error::rules(message),
        }
    })?;
    let mut out = Vec::new();
    for m in &municipalities {
        if !m.ledgers.is_empty() {
            return Err(Error::rules(format!(
                "{shown}: municipality '{}': both ledgers = […] and dataset = \"{}\" are given; with a dataset the \
                 ledgers come from its partitions municipality=NAME/year=YYYY: leave ledgers out",
                m.name,
                root.display()
            )));
        }
        let of_name: Vec<&Partition> = parts.iter().filter(|p| p.municipality == m.name).collect();
        let years = || {
            let ys: Vec<String> = of_name
                .iter()
                .map(|p| p.year.map_or("unknown".into(), |y| y.to_string()))
                .collect();
            if ys.is_empty() {
                format!("no partition of '{}' at all", m.name)
            } else {
                format!("years it holds for '{}': {}", m.name, ys.join(", "))
            }
        };
        let dir_of = |year: &str| {
            root.join(format!(
                "municipality={}",
                crate::ingest::dataset::hive_escape(&m.name)
            ))
            .join(format!("year={year}"))
        };
        let take = |p: &Partition| {
            let mut u = m.clone();
            u.year = p.year;
            u.ledgers = p.files.clone();
            u.columns.clear();
            u.sheet = None;
            u
        };
        match m.year {
            Some(y) => {
                let Some(p) = of_name.iter().find(|p| p.year == Some(y)) else {
                    return Err(Error::rules(format!(
                        "{shown}: municipality '{}' {y}: the dataset has no partition {} ({})",
                        m.name,
                        dir_of(&y.to_string()).display(),
                        years()
                    )));
                };
                out.push(take(p));
            }
            None => {
                let claimed = |y: Option<i32>| {
                    y.is_some()
                        && municipalities
                            .iter()
                            .any(|o| o.name == m.name && o.year == y)
                };
                let free: Vec<&&Partition> = of_name.iter().filter(|p| !claimed(p.year)).collect();
                if free.is_empty() {
                    return Err(Error::rules(format!(
                        "{shown}: municipality '{}': the dataset has no partition {} to take ({})",
                        m.name,
                        dir_of("YYYY").display(),
                        years()
                    )));
                }
                out.extend(free.into_iter().map(|p| take(p)));
            }
        }
    }
    Ok(out)
}
