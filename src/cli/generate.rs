//! `itcost generate`: the bundled sample ledgers, one large synthetic ledger for benchmarks, or a national
//! Parquet dataset.

use crate::error::{Error, Result};
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost generate`.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Write the four Dalsland sample ledgers and dalsland-2024.toml into DIR.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["lines", "out"])]
    samples: Option<PathBuf>,
    /// Write the SYNTHETIC Fyrbodal 2019 sample (14 municipalities, 12 IT organisations; only the study's group
    /// figures match) into DIR: fyrbodal-synthetic-2019.toml and fyrbodal-synthetic-2019/*.csv.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["lines", "out", "samples"])]
    fyrbodal: Option<PathBuf>,
    /// Write a national Parquet dataset into DIR (with --municipalities, --years, --lines): the partitions as
    /// `itcost convert` writes them, national.toml (the run config) and truth.json (what the run must give).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "samples", "fyrbodal", "unique_text", "utf8"])]
    national: Option<PathBuf>,
    /// With --national: how many municipalities.
    #[arg(long, default_value_t = 290, requires = "national")]
    municipalities: usize,
    /// With --national: how many years (ending with --last-year).
    #[arg(long, default_value_t = 10, requires = "national")]
    years: usize,
    /// With --national: the last year.
    #[arg(long, default_value_t = 2024, requires = "national")]
    last_year: i32,
    /// Number of ledger lines: of one large ledger, or of a national dataset in all.
    #[arg(long)]
    lines: Option<usize>,
    /// Output file for --lines.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// With --lines: every line's text names its own invoice (as many distinct texts as lines).
    #[arg(long)]
    unique_text: bool,
    /// With --lines: write UTF-8 instead of Windows-1252.
    #[arg(long)]
    utf8: bool,
}

/// Writes the samples (one line printed per file) or the large ledger (its true totals printed as JSON).
pub fn run(a: GenerateArgs) -> Result<()> {
    if let Some(dir) = &a.samples {
        let mut out = String::new();
        for line in crate::generate::write_samples(dir)? {
            out.push_str(&line);
            out.push('\n');
        }
        return super::emit(&out);
    }
    if let Some(dir) = &a.fyrbodal {
        let mut out = String::new();
        for line in crate::generate::write_fyrbodal(dir)? {
            out.push_str(&line);
            out.push('\n');
        }
        return super::emit(&out);
    }
    if let Some(dir) = &a.national {
        let Some(lines) = a.lines else {
            return Err(Error::usage(
                "generate --national DIR: give --lines N (the ledger lines of all municipalities and years)",
            ));
        };
        let o = crate::generate::NationalOptions {
            municipalities: a.municipalities,
            years: a.years,
            last_year: a.last_year,
            lines: lines as u64,
            seed: a.seed,
        };
        let truth = crate::generate::write_national(dir, &o)?;
        return super::emit(&format!(
            "{} partitions, {} lines, sum {} kr → {}
run config: {}
truth: {}
",
            truth.partitions.len(),
            truth.lines,
            crate::money::format_sv(truth.input_sum_ore),
            dir.display(),
            dir.join(crate::generate::NATIONAL_CONFIG).display(),
            dir.join(crate::generate::NATIONAL_TRUTH).display()
        ));
    }
    match (a.lines, &a.out) {
        (Some(n), Some(out)) => {
            let opts = crate::generate::LargeOptions {
                unique_text: a.unique_text,
                utf8: a.utf8,
            };
            let truth = crate::generate::write_large_with(out, n, a.seed, opts)?;
            super::emit(&(serde_json::to_string_pretty(&truth).unwrap_or_default() + "\n"))
        }
        _ => Err(Error::usage(
            "generate: give --samples DIR, --fyrbodal DIR, --lines N --out FILE, or --national DIR --lines N",
        )),
    }
}
