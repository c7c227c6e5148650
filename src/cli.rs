//! The command line: `itcost run`, `itcost inspect`, `itcost check`, `itcost generate`. Only wiring: every
//! command calls the pipeline stages and a renderer.

use crate::config::{self, Denominator, Municipality, Numerator, RunConfig};
use crate::error::{Error, Result};
use crate::ingest::columns::Field;
use crate::ingest::{read_ledger, ReadOptions};
use crate::money::format_sv;
use crate::pipeline;
use crate::report;
use clap::{Args, Parser, Subcommand};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// itcost — what a Swedish municipality spends on IT, from its general ledger.
///
/// Reads a year's full general ledger (huvudbok), classifies every line into TBM cost pools with a rules file,
/// separates the central IT department's cost from IT bought elsewhere, and compares the IT share across
/// municipalities. Every run proves that every krona of the input is accounted for.
#[derive(Parser, Debug)]
#[command(
    name = "itcost",
    version,
    about = "What a Swedish municipality spends on IT: classify a general ledger into TBM cost pools, separate \
             central IT from IT bought elsewhere, compare municipalities.",
    max_term_width = 110
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Classify ledgers and print the IT cost summary (and the benchmark when several municipalities are given).
    #[command(
        after_help = "Examples:\n  itcost run huvudbok-2024.csv --central-it 1510,1511\n  itcost run --config sample-ledgers/dalsland-2024.toml\n  itcost run --config dalsland.toml --json > summary.json\n  itcost run --config dalsland.toml --out results/\n  itcost run --config dalsland.toml --html rapport.html --lang sv\n\nExit codes: 0 ok, 2 bad ledger input, 3 bad rules or config, 4 I/O error, 5 conservation failed, 64 usage error (unknown flag, bad value)."
    )]
    Run(Box<RunArgs>),
    /// Show what itcost reads from a ledger before classifying: format, encoding, delimiter, column mapping,
    /// line count, months, sum, totals per account and cost centre.
    #[command(
        after_help = "Examples:\n  itcost inspect huvudbok-2024.csv\n  itcost inspect export.tsv --column cost_centre=Ansvarsenhet --column amount=Utfall --all"
    )]
    Inspect(InspectArgs),
    /// Validate a rules file (and optionally a run config); every problem is reported with its line.
    #[command(
        after_help = "Examples:\n  itcost check                 (the embedded default rules)\n  itcost check my-rules.toml\n  itcost check --config dalsland.toml"
    )]
    Check(CheckArgs),
    /// Explain how one ledger line (or a made-up one) is classified: which rule decided, why, and which other
    /// rules would have matched.
    #[command(
        after_help = "Examples:\n  itcost explain --account 6412 --account-text \"Datorer och kringutrustning\" --cost-centre 3000\n  itcost explain --account 7412 --account-text IT-tjänster --cost-centre 1510 --central-it 1510,1511\n  itcost explain sample-ledgers/mellerud-2024.csv --line 120 --central-it 1510,1511"
    )]
    Explain(ExplainArgs),
    /// Convert ledgers to itcost's canonical Parquet ledger (much faster to read again).
    #[command(
        after_help = "Examples:\n  itcost convert huvudbok-2024.csv --out mellerud-2024.parquet\n  itcost convert --config dalsland.toml --out dalsland-parquet/   (municipality=NAME/year=YYYY/ledger.parquet)\n  itcost run mellerud-2024.parquet --central-it 1510,1511"
    )]
    Convert(ConvertArgs),
    /// Write synthetic ledgers: the four bundled samples, or one large ledger for benchmarks.
    #[command(
        after_help = "Examples:\n  itcost generate --samples sample-ledgers\n  itcost generate --lines 10000000 --seed 7 --out /tmp/big.csv   (prints the true totals as JSON)"
    )]
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Ledger files of one municipality (CSV/semicolon/TAB exports). Not needed with --config.
    ledgers: Vec<PathBuf>,
    /// Run config (TOML) listing municipalities, ledgers and central IT cost centres.
    #[arg(short, long)]
    config: Option<PathBuf>,
    /// Cost centres of the central IT department, comma-separated (`1510,1511`, `'15*'` quoted so the shell leaves it alone, `1500-1599`).
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
    /// Write summary.json, report.html, benchmark.csv, pools.csv, tables/*.csv and classified.parquet into DIR.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the self-contained HTML report to FILE (opens from disk, no network).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// No progress bar (it is shown only on a terminal, for runs longer than a second).
    #[arg(long, short)]
    quiet: bool,
    /// Language of the HTML report.
    #[arg(long, value_enum, default_value_t = report::tables::Lang::Sv)]
    lang: report::tables::Lang,
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
}

#[derive(Args, Debug)]
struct InspectArgs {
    /// Ledger files.
    #[arg(required = true)]
    ledgers: Vec<PathBuf>,
    /// Map an export's column: FIELD=HEADER; repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// List every account and cost centre (default: the 20 largest of each).
    #[arg(long)]
    all: bool,
    /// Spreadsheet sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Unbalanced SIE vouchers are errors, not warnings.
    #[arg(long)]
    strict: bool,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// A ledger to take the line from (with --line).
    ledger: Option<PathBuf>,
    /// The line number in the ledger (as in error messages and classified.parquet).
    #[arg(long, requires = "ledger")]
    line: Option<u32>,
    /// Account.
    #[arg(long)]
    account: Option<String>,
    /// Account text.
    #[arg(long, default_value = "")]
    account_text: String,
    /// Cost centre.
    #[arg(long, default_value = "")]
    cost_centre: String,
    /// Supplier.
    #[arg(long, default_value = "")]
    supplier: String,
    /// Line text.
    #[arg(long, default_value = "")]
    text: String,
    /// Counterpart (Motpart).
    #[arg(long, default_value = "")]
    counterpart: String,
    /// Central IT cost centres.
    #[arg(long, value_name = "LIST")]
    central_it: Vec<String>,
    /// Pools counted outside central IT: narrow (default), wide, or a list.
    #[arg(long, default_value = "narrow")]
    scope: String,
    /// Rules file (default: the embedded Kommun-Bas 13 rules).
    #[arg(short, long)]
    rules: Option<PathBuf>,
    /// Map an export's column: FIELD=HEADER; repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
}

#[derive(Args, Debug)]
struct ConvertArgs {
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

/// What `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ConvertTo {
    /// itcost's canonical Parquet ledger.
    Parquet,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Rules file (default: the embedded Kommun-Bas 13 rules).
    rules: Option<PathBuf>,
    /// Also validate this run config (and the rules it names).
    #[arg(short, long)]
    config: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct GenerateArgs {
    /// Write the four Dalsland sample ledgers and dalsland-2024.toml into DIR.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["lines", "out"])]
    samples: Option<PathBuf>,
    /// Number of ledger lines for one large ledger.
    #[arg(long)]
    lines: Option<usize>,
    /// Output file for --lines.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// The exit code of a usage error (sysexits EX_USAGE).
pub const USAGE_EXIT: i32 = 64;

/// Entry point: runs the command line and returns the exit code (errors are printed as `itcost: …`).
pub fn main() -> i32 {
    // Usage errors (unknown flag, bad value) exit 64 (EX_USAGE of sysexits), never a code of bad input.
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { USAGE_EXIT } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Run(a) => cmd_run(*a),
        Command::Inspect(a) => cmd_inspect(a),
        Command::Check(a) => cmd_check(a),
        Command::Generate(a) => cmd_generate(a),
        Command::Convert(a) => cmd_convert(a),
        Command::Explain(a) => cmd_explain(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("itcost: {e}");
            e.kind.exit_code()
        }
    }
}

/// Appends a formatted line to a String.
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}

/// Writes to stdout; a closed pipe (`itcost … | head`) ends the output quietly instead of failing.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(std::path::Path::new("<stdout>"), e)),
    }
}

fn parse_column_args(args: &[String]) -> Result<BTreeMap<Field, String>> {
    let mut map = BTreeMap::new();
    for a in args {
        let (k, v) = a.split_once('=').ok_or_else(|| {
            Error::usage(format!(
                "--column '{a}': expected FIELD=HEADER, e.g. cost_centre=Ansvarsenhet"
            ))
        })?;
        let f = Field::from_key(k).ok_or_else(|| {
            Error::usage(format!(
                "--column '{a}': unknown field '{k}'; expected one of {}",
                Field::keys()
            ))
        })?;
        map.insert(f, v.to_string());
    }
    Ok(map)
}

fn build_config(a: &RunArgs) -> Result<RunConfig> {
    let mut cfg = match &a.config {
        Some(p) => {
            if !a.ledgers.is_empty() {
                return Err(Error::usage(
                    "give either ledger files or --config, not both",
                ));
            }
            config::load(p)?
        }
        None => {
            let Some(first) = a.ledgers.first() else {
                return Err(Error::usage(
                    "no ledger given: itcost run LEDGER... --central-it LIST, or itcost run --config FILE (see itcost run --help)",
                ));
            };
            let name = a.municipality.clone().unwrap_or_else(|| {
                first
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "ledger".into())
            });
            let (central_it, central_it_raw) = config::cli_codes("--central-it", &a.central_it)?;
            RunConfig {
                title: name.clone(),
                rules: None,
                denominator: Denominator::TotalCost,
                numerator: Numerator::CentralIt,
                target_ppm: None,
                outside_scope: config::narrow_scope(),
                scope_name: "narrow".into(),
                strict: false,
                lenient: false,
                references: config::default_references(),
                municipalities: vec![Municipality {
                    name,
                    year: a.year,
                    ledgers: a.ledgers.clone(),
                    central_it,
                    central_it_raw,
                    internal_counterparts: Vec::new(),
                    external_total_ore: None,
                    population: None,
                    columns: parse_column_args(&a.columns)?,
                    sheet: a.sheet.clone(),
                    departments: Vec::new(),
                    employees: None,
                    users: None,
                    devices: None,
                }],
                analysis: Default::default(),
                keep_lines: false,
                csv_dialect: Default::default(),
            }
        }
    };
    if let Some(r) = &a.rules {
        cfg.rules = Some(r.clone());
    }
    if let Some(d) = a.denominator {
        cfg.denominator = d;
        if cfg.denominator == Denominator::External
            && cfg
                .municipalities
                .iter()
                .any(|m| m.external_total_ore.is_none())
        {
            return Err(Error::rules(
                "--denominator external needs external_total for every municipality in the config",
            ));
        }
    }
    if let Some(n) = a.numerator {
        cfg.numerator = n;
    }
    if let Some(t) = &a.target {
        cfg.target_ppm = Some(
            crate::money::parse_share_ppm(t).map_err(|e| Error::usage(format!("--target: {e}")))?,
        );
    }
    if let Some(s) = &a.scope {
        let (pools, name) =
            config::parse_scope(s).map_err(|e| Error::usage(format!("--scope: {e}")))?;
        cfg.outside_scope = pools;
        cfg.scope_name = name;
    }
    if a.config.is_some() && (!a.central_it.is_empty() || !a.columns.is_empty()) {
        return Err(Error::usage("--central-it and --column apply to ledgers on the command line; with --config, set them per municipality"));
    }
    Ok(cfg)
}

fn cmd_run(a: RunArgs) -> Result<()> {
    let lang = a.lang;
    let mut cfg = build_config(&a)?;
    cfg.strict = cfg.strict || a.strict;
    cfg.lenient = cfg.lenient || a.lenient;
    if let Some(d) = a.csv_dialect {
        cfg.csv_dialect = d;
    }
    // classified.parquet needs every line; otherwise text ledgers are read as sums per key (streaming).
    cfg.keep_lines = a.out.is_some();
    let total: u64 = cfg
        .municipalities
        .iter()
        .flat_map(|m| m.ledgers.iter())
        .filter_map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum();
    crate::progress::start(total, a.quiet);
    let result = pipeline::run(cfg);
    crate::progress::finish();
    let result = result?;
    for r in &result.inputs {
        for w in &r.warnings {
            eprintln!("itcost: warning: {w}");
        }
    }
    for m in &result.municipalities {
        for w in &m.warnings {
            eprintln!("itcost: warning: {w}");
        }
    }
    let rejects: Vec<&crate::ingest::Reject> = result
        .inputs
        .iter()
        .flat_map(|r| r.rejects.iter())
        .collect();
    if !rejects.is_empty() {
        let path = a.rejects.clone().unwrap_or_else(|| {
            a.out
                .as_ref()
                .map(|d| d.join("rejects.csv"))
                .unwrap_or_else(|| PathBuf::from("rejects.csv"))
        });
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        report::files::write_atomic(&path, report::files::rejects_csv(&rejects).as_bytes())?;
        eprintln!(
            "itcost: {} unreadable line(s) set aside in {}",
            rejects.len(),
            path.display()
        );
    }
    if let Some(dir) = &a.out {
        let written = report::files::write_all(&result, dir, lang)?;
        for w in written {
            eprintln!("itcost: wrote {}", w.display());
        }
    }
    if let Some(path) = &a.html {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        report::files::write_atomic(path, report::html::render(&result, lang).as_bytes())?;
        eprintln!("itcost: wrote {}", path.display());
    }
    if a.json {
        emit(&(report::json::to_string(&result) + "\n"))
    } else {
        emit(&report::terminal::render(&result))
    }
}

fn cmd_inspect(a: InspectArgs) -> Result<()> {
    let columns = parse_column_args(&a.columns)?;
    let mut docs = Vec::new();
    for path in &a.ledgers {
        let opts = ReadOptions {
            columns: columns.clone(),
            sheet: a.sheet.clone(),
            strict: a.strict,
            ..Default::default()
        };
        let ing = read_ledger(path, &opts)?;
        let totals = |key: &str| -> Result<Vec<(String, i64, u64)>> {
            let df = ing
                .frame
                .clone()
                .lazy()
                .group_by([col(key)])
                .agg([
                    col("amount_ore").sum().alias("amount"),
                    len().alias("lines"),
                ])
                .sort([key], SortMultipleOptions::default())
                .collect()?;
            let k = df.column(key)?.str()?.clone();
            let s = df.column("amount")?.i64()?.clone();
            let n = df.column("lines")?.cast(&DataType::UInt64)?.u64()?.clone();
            Ok(k.iter()
                .zip(s.iter())
                .zip(n.iter())
                .map(|((k, s), n)| (k.unwrap_or("").to_string(), s.unwrap_or(0), n.unwrap_or(0)))
                .collect())
        };
        let accounts = totals("account")?;
        let centres = totals("cost_centre")?;
        docs.push((ing.report, accounts, centres));
    }
    if a.json {
        let v: Vec<serde_json::Value> = docs
            .iter()
            .map(|(r, acc, cc)| {
                let list = |v: &Vec<(String, i64, u64)>| -> Vec<serde_json::Value> {
                    v.iter()
                        .map(|(k, s, n)| serde_json::json!({"key": k, "amount": crate::money::ore_to_kr_f64(*s), "lines": n}))
                        .collect()
                };
                let mut doc = serde_json::to_value(r).unwrap_or_default();
                doc["sum"] = serde_json::json!(crate::money::ore_to_kr_f64(r.sum_ore));
                doc["months"] = serde_json::json!(r.months.iter().map(|p| format!("{}-{:02}", p / 100, p % 100)).collect::<Vec<_>>());
                doc["accounts"] = serde_json::json!(list(acc));
                doc["cost_centres"] = serde_json::json!(list(cc));
                doc
            })
            .collect();
        return emit(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
    }
    let mut o = String::new();
    for (r, acc, cc) in &docs {
        outln!(o, "{}", r.file);
        outln!(o, "  format      {} — {}", r.format.name(), r.detected_by);
        if let Some(l) = &r.layout {
            if l.delimiter.is_empty() {
                outln!(
                    o,
                    "  sheet       '{}', header on row {}",
                    r.sheet.clone().unwrap_or_default(),
                    l.header_line
                );
            } else {
                outln!(
                    o,
                    "  text        {}, delimiter {}, header on line {}",
                    l.encoding,
                    l.delimiter,
                    l.header_line
                );
            }
            outln!(
                o,
                "  columns     {}",
                l.columns
                    .fields
                    .iter()
                    .map(|(f, (_, h))| format!("{} ← '{}'", f.key(), h))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !l.columns.unused.is_empty() {
                outln!(o, "  not used    {}", l.columns.unused.join(", "));
            }
        }
        if let Some(s) = &r.sie {
            outln!(
                o,
                "  SIE         {} · {} {} · {} · {} vouchers",
                s.kind,
                s.organisation,
                s.orgnr,
                s.program,
                s.vouchers
            );
            if !s.dimensions.is_empty() {
                outln!(
                    o,
                    "  dimensions  {}",
                    s.dimensions
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        if r.external_purchases_only {
            outln!(o, "  kind        open supplier ledger: external purchases only (no total cost without external_total)");
        }
        outln!(o, "  lines       {}", r.lines);
        outln!(o, "  sum         {} kr", format_sv(r.sum_ore));
        outln!(
            o,
            "  year        {}",
            r.year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "unknown (no dates or periods)".into())
        );
        let months: Vec<String> = r
            .months
            .iter()
            .map(|p| format!("{}-{:02}", p / 100, p % 100))
            .collect();
        outln!(o, "  months      {} ({})", months.len(), months.join(" "));
        for w in &r.warnings {
            outln!(o, "  warning     {w}");
        }
        for (title, list) in [("accounts", acc), ("cost centres", cc)] {
            let mut shown: Vec<&(String, i64, u64)> = list.iter().collect();
            if !a.all {
                shown.sort_by_key(|(_, s, _)| std::cmp::Reverse(s.unsigned_abs()));
                shown.truncate(20);
            }
            outln!(
                o,
                "  {title} ({} distinct{})",
                list.len(),
                if a.all || list.len() <= 20 {
                    ""
                } else {
                    "; the 20 largest, --all for every one"
                }
            );
            for (k, s, n) in shown {
                outln!(
                    o,
                    "    {:<14} {:>22} kr {:>9} lines",
                    if k.is_empty() { "(empty)" } else { k },
                    format_sv(*s),
                    n
                );
            }
        }
    }
    emit(&o)
}

fn cmd_explain(a: ExplainArgs) -> Result<()> {
    use crate::classify::{decide, MunicipalityKeys};
    use crate::rules::KeyView;
    let rules = crate::rules::RuleSet::load(a.rules.as_deref())?;
    let (scope_pools, scope_name) =
        config::parse_scope(&a.scope).map_err(|e| Error::usage(format!("--scope: {e}")))?;
    let (central, _) = config::cli_codes("--central-it", &a.central_it)?;
    let mut v: [String; 6] = [
        a.account.clone().unwrap_or_default(),
        a.account_text.clone(),
        a.cost_centre.clone(),
        a.supplier.clone(),
        a.text.clone(),
        a.counterpart.clone(),
    ];
    let mut origin = String::from("as given on the command line");
    if let (Some(ledger), Some(line)) = (&a.ledger, a.line) {
        let ing = read_ledger(
            ledger,
            &ReadOptions {
                columns: parse_column_args(&a.columns)?,
                ..Default::default()
            },
        )?;
        let lines = ing.frame.column("line")?.u32()?.clone();
        let idx = lines.iter().position(|l| l == Some(line)).ok_or_else(|| {
            Error::input(format!(
                "{}:{line}: no ledger line there (header, title or blank line, or past the end)",
                ledger.display()
            ))
        })?;
        for (slot, col) in v.iter_mut().zip([
            "account",
            "account_text",
            "cost_centre",
            "supplier",
            "text",
            "counterpart",
        ]) {
            *slot = ing
                .frame
                .column(col)?
                .str()?
                .get(idx)
                .unwrap_or("")
                .to_string();
        }
        let amount = ing.frame.column("amount_ore")?.i64()?.get(idx).unwrap_or(0);
        origin = format!(
            "{}:{line}, amount {} kr",
            ledger.display(),
            format_sv(amount)
        );
    } else if a.account.is_none() {
        return Err(Error::usage("explain: give --account … (and optionally --account-text, --cost-centre, …) or LEDGER --line N"));
    }
    let lower: Vec<String> = v.iter().map(|x| x.to_lowercase()).collect();
    let is_central = !v[2].is_empty() && crate::rules::pattern::any_code(&central, &v[2]);
    let key = KeyView {
        account: &v[0],
        account_text: &lower[1],
        cost_centre: &v[2],
        supplier: &lower[3],
        text: &lower[4],
        counterpart: &v[5],
        central_it: is_central,
    };
    let m = MunicipalityKeys {
        central_it: central.clone(),
        internal_counterparts: Vec::new(),
    };
    let d = decide(&rules, &scope_pools, &m, &key);
    let mut o = String::new();
    outln!(o, "line        {origin}");
    outln!(o, "            account {} '{}', cost centre '{}'{}, supplier '{}', text '{}', counterpart '{}'", v[0], v[1], v[2], if is_central { " (central IT)" } else { "" }, v[3], v[4], v[5]);
    outln!(o, "rules       {} ({})", rules.source, rules.name);
    outln!(
        o,
        "kind        {}",
        d.kind
            .map(|k| k.key())
            .unwrap_or("none: the account is in no [accounts] class")
    );
    let rule = rules.rules.iter().find(|r| r.id == d.rule_id);
    match rule {
        Some(r) => outln!(
            o,
            "decided by  rule '{}' (line {}): {}",
            r.id,
            r.line,
            r.why
        ),
        None => outln!(o, "decided by  {}", d.rule_id),
    }
    outln!(
        o,
        "result      place {} · pool {} · sub-pool {} · tower {} · IT rule: {} · outside-IT scope {} ({})",
        d.scope.key(),
        d.pool.map(|p| p.name()).unwrap_or("-"),
        d.sub_pool.unwrap_or("-"),
        d.tower.unwrap_or("-"),
        if d.it { "yes" } else { "no" },
        scope_name,
        scope_pools.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
    );
    if d.suspect {
        outln!(
            o,
            "suspect     yes: looks like IT (a [suspect] keyword) but no IT rule took it"
        );
    }
    let others: Vec<String> = rules
        .matching(&key)
        .filter(|r| r.id != d.rule_id)
        .map(|r| format!("'{}' (line {})", r.id, r.line))
        .collect();
    if d.rule_id.starts_with("accounts.")
        || d.rule_id.starts_with("internal.")
        || d.rule_id.starts_with("config.")
    {
        if !others.is_empty() {
            outln!(
                o,
                "not reached {} (the [accounts]/[internal] declarations come first)",
                others.join(", ")
            );
        }
    } else if others.is_empty() {
        outln!(o, "also match  none");
    } else {
        outln!(
            o,
            "also match  {} (later in the file, so they do not decide)",
            others.join(", ")
        );
    }
    emit(&o)
}

/// One municipality to convert: name, year, ledgers, column mapping, sheet.
type ConvertJob = (
    String,
    Option<i32>,
    Vec<PathBuf>,
    BTreeMap<Field, String>,
    Option<String>,
);

fn cmd_convert(a: ConvertArgs) -> Result<()> {
    debug_assert_eq!(a.to, ConvertTo::Parquet);
    let jobs: Vec<ConvertJob> = match &a.config {
        Some(c) => config::load(c)?
            .municipalities
            .into_iter()
            .map(|m| (m.name, m.year, m.ledgers, m.columns, m.sheet))
            .collect(),
        None => {
            let Some(first) = a.ledgers.first() else {
                return Err(Error::usage("convert: give ledger files or --config"));
            };
            let name = a.municipality.clone().unwrap_or_else(|| {
                first
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            vec![(
                name,
                a.year,
                a.ledgers.clone(),
                parse_column_args(&a.columns)?,
                a.sheet.clone(),
            )]
        }
    };
    let several =
        jobs.len() > 1 || a.out.is_dir() || a.out.extension().is_none_or(|e| e != "parquet");
    let mut o = String::new();
    for (name, year, ledgers, columns, sheet) in jobs {
        let mut frame: Option<DataFrame> = None;
        let mut lines = 0;
        let mut sum = 0i64;
        let mut year_seen = year;
        for l in &ledgers {
            let ing = read_ledger(
                l,
                &ReadOptions {
                    summed: false,
                    vouchers: false,
                    municipality: Some(name.clone()),
                    year,
                    columns: columns.clone(),
                    sheet: sheet.clone(),
                    strict: a.strict,
                    lenient: false,
                },
            )?;
            for w in &ing.report.warnings {
                eprintln!("itcost: warning: {w}");
            }
            lines += ing.report.lines;
            sum += ing.report.sum_ore;
            year_seen = year_seen.or(ing.report.year);
            frame = Some(match frame {
                None => ing.frame,
                Some(mut acc) => {
                    acc.vstack_mut(&ing.frame)?;
                    acc
                }
            });
        }
        let Some(mut frame) = frame else { continue };
        let target = if several {
            let y = year_seen
                .map(|y| y.to_string())
                .unwrap_or_else(|| "unknown".into());
            a.out
                .join(format!("municipality={}", hive_escape(&name)))
                .join(format!("year={y}"))
                .join("ledger.parquet")
        } else {
            a.out.clone()
        };
        crate::ingest::parquet::write(&mut frame, &target)?;
        outln!(
            o,
            "{}: {} lines, sum {} kr → {}",
            name,
            lines,
            format_sv(sum),
            target.display()
        );
    }
    emit(&o)
}

/// Escapes a partition value for a Hive-style directory name.
fn hive_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect()
}

fn cmd_check(a: CheckArgs) -> Result<()> {
    let rules_path = match (&a.rules, &a.config) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(c)) => config::load(c)?.rules,
        (None, None) => None,
    };
    if let Some(r) = &a.rules {
        if is_run_config(r) {
            return Err(Error::usage(format!(
                "{0} is a run config (it has [[municipality]]), not a rules file: check it with itcost check --config {0}",
                r.display()
            )));
        }
    }
    let rules = crate::rules::RuleSet::load(rules_path.as_deref())?;
    let mut o = String::new();
    outln!(
        o,
        "{}: ok — {} rules, {} account classes, chart '{}'",
        rules.source,
        rules.rules.len(),
        rules.accounts.len(),
        rules.chart
    );
    for n in &rules.notes {
        eprintln!("itcost: note: {n}");
    }
    if let Some(c) = &a.config {
        let cfg = config::load(c)?;
        let mut problems = Vec::new();
        for m in &cfg.municipalities {
            for l in &m.ledgers {
                if !l.exists() {
                    problems.push(format!(
                        "{}: municipality '{}': ledger {} does not exist",
                        c.display(),
                        m.name,
                        l.display()
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::rules(problems.join("\n")));
        }
        // Read the ledgers too: what a run would warn about is a problem here, all of it reported at once.
        let n = cfg.municipalities.len();
        let mut cfg = cfg;
        cfg.lenient = true;
        let result = pipeline::run(cfg)?;
        for r in &result.inputs {
            problems.extend(r.warnings.iter().cloned());
            for x in &r.rejects {
                problems.push(format!("{}:{}: {}", x.file, x.line, x.reason));
            }
        }
        for m in &result.municipalities {
            problems.extend(m.warnings.iter().map(|w| format!("{}: {w}", c.display())));
            if !m.months_missing.is_empty() && !m.months.is_empty() {
                problems.push(format!(
                    "{}: municipality '{}': months missing from the ledger: {}",
                    c.display(),
                    m.name,
                    m.months_missing.join(", ")
                ));
            }
        }
        if !problems.is_empty() {
            let k = problems.len();
            return Err(Error::rules(format!(
                "{}: {k} problem{}:\n  {}",
                c.display(),
                if k == 1 { "" } else { "s" },
                problems.join("\n  ")
            )));
        }
        let undated: Vec<&str> = result
            .municipalities
            .iter()
            .filter(|m| m.months_note.is_some())
            .map(|m| m.name.as_str())
            .collect();
        let months = match (undated.len(), n) {
            (0, _) => "12 months each".to_string(),
            (u, n) if u == n => crate::checks::NO_DATES.to_string(),
            _ => format!(
                "12 months each, except {} ({})",
                undated.join(", "),
                crate::checks::NO_DATES
            ),
        };
        outln!(o, "{}: ok — {n} municipalities, their ledgers read, every central IT cost centre found, {months}", c.display());
    }
    emit(&o)
}

/// True when `path` is TOML with `[[municipality]]`: a run config given where a rules file was expected.
fn is_run_config(path: &std::path::Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("municipality"))
}

fn cmd_generate(a: GenerateArgs) -> Result<()> {
    if let Some(dir) = &a.samples {
        let mut o = String::new();
        for line in crate::generate::write_samples(dir)? {
            outln!(o, "{line}");
        }
        return emit(&o);
    }
    match (a.lines, &a.out) {
        (Some(n), Some(out)) => {
            let truth = crate::generate::write_large(out, n, a.seed)?;
            emit(&(serde_json::to_string_pretty(&truth).unwrap_or_default() + "\n"))
        }
        _ => Err(Error::usage(
            "generate: give --samples DIR, or --lines N --out FILE",
        )),
    }
}
