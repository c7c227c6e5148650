//! `itcost convert`: ledgers to itcost's canonical Parquet ledger.

use super::emit;
use crate::config::{self, parse_column_flags};
use crate::error::{Error, Result};
use crate::ingest::convert::{convert, writes_partitions, ConvertJob};
use crate::money::format_sv;
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What `convert` writes (clap lists the choices in --help).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ConvertTo {
    /// itcost's canonical Parquet ledger.
    Parquet,
}

/// The flags of `itcost convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Ledger files of one municipality (any readable format).
    ledgers: Vec<PathBuf>,
    /// Convert every municipality of a run config (one Hive partition each).
    #[arg(short, long)]
    config: Option<PathBuf>,
    /// Target format.
    #[arg(long, value_enum, default_value_t = ConvertTo::Parquet)]
    to: ConvertTo,
    /// Output: a .parquet file for one municipality, or a directory (Hive-style partitions).
    #[arg(short, long)]
    out: PathBuf,
    /// Municipality name stamped on the lines (default: the first file's name).
    #[arg(long)]
    municipality: Option<String>,
    /// Fiscal year stamped on the lines.
    #[arg(long)]
    year: Option<i32>,
    /// Map an export's column: FIELD=HEADER; repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// Spreadsheet sheet to read.
    #[arg(long)]
    sheet: Option<String>,
    /// Unbalanced SIE vouchers are errors, not warnings.
    #[arg(long)]
    strict: bool,
}

impl ConvertArgs {
    /// The municipalities to convert: every one of the config, or one made of the ledgers on the command line.
    fn jobs(&self) -> Result<Vec<ConvertJob>> {
        debug_assert_eq!(self.to, ConvertTo::Parquet);
        Ok(match &self.config {
            Some(c) => config::load(c)?
                .municipalities
                .into_iter()
                .map(|m| ConvertJob {
                    name: m.name,
                    year: m.year,
                    ledgers: m.ledgers,
                    columns: m.columns,
                    sheet: m.sheet,
                })
                .collect(),
            None => {
                let Some(first) = self.ledgers.first() else {
                    return Err(Error::usage("convert: give ledger files or --config"));
                };
                let name = self.municipality.clone().unwrap_or_else(|| {
                    first
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                });
                vec![ConvertJob {
                    name,
                    year: self.year,
                    ledgers: self.ledgers.clone(),
                    columns: parse_column_flags(&self.columns)?,
                    sheet: self.sheet.clone(),
                }]
            }
        })
    }
}

/// Converts every municipality, printing reading warnings as they come and one line per file written at the end.
pub fn run(a: ConvertArgs) -> Result<()> {
    let jobs = a.jobs()?;
    let partitioned = writes_partitions(jobs.len(), &a.out);
    let mut o = String::new();
    for job in &jobs {
        let mut warn = |w: &str| eprintln!("itcost: warning: {w}");
        if let Some(c) = convert(job, &a.out, partitioned, a.strict, &mut warn)? {
            let _ = writeln!(
                o,
                "{}: {} lines, sum {} kr → {}",
                c.name,
                c.lines,
                format_sv(c.sum_ore),
                c.target.display()
            );
        }
    }
    emit(&o)
}
