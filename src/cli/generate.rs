//! `itcost generate`: the bundled sample ledgers, or one large synthetic ledger for benchmarks.

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
    /// Number of ledger lines for one large ledger.
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
            "generate: give --samples DIR, --fyrbodal DIR, or --lines N --out FILE",
        )),
    }
}
