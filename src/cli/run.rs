//! `itcost run`: ledgers (or a run config) in, the summary out — on the terminal, as JSON, as files, as HTML.

use super::emit;
use crate::config::{Denominator, Numerator, RunConfig, RunFlags};
use crate::error::Result;
use crate::ingest::Reject;
use crate::report::{self, tables::Lang};
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Ledger files of one municipality (CSV/semicolon/TAB exports). Not needed with --config.
    ledgers: Vec<PathBuf>,
    /// Run config (TOML) listing municipalities, ledgers and central IT cost centres.
    #[arg(short, long)]
    config: Option<PathBuf>,
    /// Cost centres of the central IT department, comma- or space-separated (`1510,1511`, `'15*'` quoted so the
    /// shell leaves it alone, `1500-1599`).
    #[arg(long, value_name = "LIST")]
    central_it: Vec<String>,
    /// Municipality name for ledgers given on the command line (default: the first file's name).
    #[arg(long)]
    municipality: Option<String>,
    /// Fiscal year (default: the most common year of the ledger's dates).
    #[arg(long)]
    year: Option<i32>,
    /// Rules file (default: the embedded Kommun-Bas 13 rules; `builtin:bas` for company ledgers).
    #[arg(short, long)]
    rules: Option<PathBuf>,
    /// Denominator of every share (default: total_cost, or the config's).
    #[arg(long, value_enum)]
    denominator: Option<Denominator>,
    /// IT cost compared (default: central_it, or the config's).
    #[arg(long, value_enum)]
    numerator: Option<Numerator>,
    /// Target share for the cost-to-target table, e.g. 2.5%.
    #[arg(long)]
    target: Option<String>,
    /// Pools counted as IT outside central IT: narrow (Hardware, Software, Telecom; default), wide (narrow plus
    /// Internal Labor, External Labor, Outside Services), or a comma-separated list of pools from Internal Labor,
    /// External Labor, Outside Services, Hardware, Software, Facilities & Power, Telecom, Other, Internal Services
    /// (Swedish names too: Hårdvara, Mjukvara, …).
    #[arg(long, value_name = "SCOPE")]
    scope: Option<String>,
    /// Map an export's column: FIELD=HEADER (e.g. cost_centre=Ansvarsenhet); repeatable. FIELD is one of account,
    /// account_text, cost_centre, department, function, activity, project, object, counterpart, supplier, text,
    /// voucher, date, period, amount, debit, credit.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// Print the JSON summary instead of the terminal report.
    #[arg(long)]
    json: bool,
    /// Write summary.json, report.html, report.xlsx, benchmark.csv, pools.csv, tables/*.csv and classified.parquet into DIR.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the self-contained HTML report to FILE (opens from disk, no network).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the Excel workbook to FILE: a summary sheet, then one sheet per table (the CSV tables' values).
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    /// No progress bar (it is shown only on a terminal, for runs longer than a second).
    #[arg(long, short)]
    quiet: bool,
    /// Language of the HTML report.
    #[arg(long, value_enum, default_value_t = Lang::Sv)]
    lang: Lang,
    /// Spreadsheet sheet to read (ledgers on the command line; default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Unbalanced SIE vouchers are errors, not warnings.
    #[arg(long)]
    strict: bool,
    /// Set unreadable lines aside in a rejects file instead of stopping at the first one.
    #[arg(long)]
    lenient: bool,
    /// Where --lenient writes the rejected lines (default: DIR/rejects.csv with --out, else ./rejects.csv).
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// CSV files of --out: machine (default: `,`, decimal point, fractions) or excel-sv (for Swedish Excel: `;`,
    /// decimal comma, percentages, UTF-8 with BOM). Overrides csv_dialect in the config.
    #[arg(long, value_enum, value_name = "DIALECT")]
    csv_dialect: Option<crate::report::csv::CsvDialect>,
    /// Where Parquet ledgers are summed per key: local (default), datafusion (in this process) or
    /// ballista://HOST:PORT (a Ballista cluster's scheduler). The last two need itcost built with
    /// `--features cluster` and canonical Parquet ledgers (`itcost convert`); see docs/cluster.md. Overrides
    /// engine in the config.
    #[arg(long, value_name = "ENGINE")]
    engine: Option<String>,
}

/// Where and how `run` writes its results, resolved from the flags.
struct Outputs {
    /// Print JSON instead of the terminal report.
    json: bool,
    /// The directory of summary.json, report.html, the CSV tables and classified.parquet.
    out: Option<PathBuf>,
    /// The HTML report's file.
    html: Option<PathBuf>,
    /// The Excel workbook's file.
    xlsx: Option<PathBuf>,
    /// Language of the HTML report and the tables.
    lang: Lang,
    /// No progress bar.
    quiet: bool,
    /// Where unreadable lines go in lenient mode.
    rejects: PathBuf,
}

impl RunArgs {
    /// The run config and the outputs the flags ask for.
    fn resolve(self) -> Result<(RunConfig, Outputs)> {
        let lang = self.lang;
        let cfg = RunConfig::from_flags(&RunFlags {
            ledgers: self.ledgers,
            config: self.config,
            central_it: self.central_it,
            municipality: self.municipality,
            year: self.year,
            rules: self.rules,
            denominator: self.denominator,
            numerator: self.numerator,
            target: self.target,
            scope: self.scope,
            columns: self.columns,
            sheet: self.sheet,
            strict: self.strict,
            lenient: self.lenient,
            // Ledgers are read as sums per key; --out's classified.parquet reads them a second time, streaming.
            keep_lines: false,
            csv_dialect: self.csv_dialect,
            engine: self
                .engine
                .as_deref()
                .map(crate::engine::Engine::parse)
                .transpose()?,
        })?;
        let rejects = self.rejects.unwrap_or_else(|| {
            self.out
                .as_ref()
                .map(|d| d.join("rejects.csv"))
                .unwrap_or_else(|| PathBuf::from("rejects.csv"))
        });
        Ok((
            cfg,
            Outputs {
                json: self.json,
                out: self.out,
                html: self.html,
                xlsx: self.xlsx,
                lang,
                quiet: self.quiet,
                rejects,
            },
        ))
    }
}

/// Runs the pipeline and writes what the flags ask for; warnings and the files written go to stderr.
pub fn run(a: RunArgs) -> Result<()> {
    let (cfg, o) = a.resolve()?;
    crate::progress::start(cfg.ledger_bytes(), o.quiet);
    let result = crate::pipeline::run(cfg);
    crate::progress::finish();
    let result = result?;
    let warnings = result.inputs.iter().flat_map(|r| r.warnings.iter());
    for w in warnings.chain(result.municipalities.iter().flat_map(|m| m.warnings.iter())) {
        eprintln!("itcost: warning: {w}");
    }
    let rejects: Vec<&Reject> = result
        .inputs
        .iter()
        .flat_map(|r| r.rejects.iter())
        .collect();
    if !rejects.is_empty() {
        report::files::write_rejects(&o.rejects, &rejects)?;
        eprintln!(
            "itcost: {} unreadable line(s) set aside in {}",
            rejects.len(),
            o.rejects.display()
        );
    }
    if let Some(dir) = &o.out {
        for w in report::files::write_all(&result, dir, o.lang)? {
            eprintln!("itcost: wrote {}", w.display());
        }
        if report::files::in_object_store(&result) {
            eprintln!(
                "itcost: note: no classified.parquet: the ledgers' lines stay in the object store (docs/cluster.md)"
            );
        }
    }
    if let Some(path) = &o.html {
        report::files::write_html(&result, path, o.lang)?;
        eprintln!("itcost: wrote {}", path.display());
    }
    if let Some(path) = &o.xlsx {
        report::xlsx::write(path, &result, o.lang)?;
        eprintln!("itcost: wrote {}", path.display());
    }
    if o.json {
        emit(&(report::json::to_string(&result) + "\n"))
    } else {
        emit(&report::terminal::render(&result))
    }
}
