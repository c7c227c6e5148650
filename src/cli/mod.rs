//! The command line: one file per command, each parsing its flags into a resolved options value and calling the
//! library. Nothing here computes: `run` hands a [`crate::config::RunConfig`] to [`crate::pipeline::run`] and the
//! result to [`crate::report`]; `inspect`, `explain`, `convert` and `check` call [`crate::ingest`],
//! [`crate::classify`] and [`crate::check`] the same way.
//!
//! Exit codes (made in [`main`] from [`crate::error::ErrorKind::exit_code`]): 0 ok; 1 internal (engine) error;
//! 2 bad ledger input; 3 bad rules or config; 4 I/O error; 5 conservation failed (the money did not add up);
//! 64 usage error (EX_USAGE of sysexits): a command line clap cannot parse, or a flag value that cannot be.

mod check;
mod convert;
mod explain;
mod generate;
mod inspect;
mod rules;
mod run;
mod serve;
mod sql;

use crate::error::{Error, Result};
use clap::{Parser, Subcommand};

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
    Run(Box<run::RunArgs>),
    /// Show what itcost reads from a ledger before classifying: format, encoding, delimiter, column mapping,
    /// line count, months, sum, totals per account and cost centre.
    #[command(
        after_help = "Examples:\n  itcost inspect huvudbok-2024.csv\n  itcost inspect export.tsv --column cost_centre=Ansvarsenhet --column amount=Utfall --all"
    )]
    Inspect(inspect::InspectArgs),
    /// Validate a rules file (and optionally a run config); every problem is reported with its line.
    #[command(
        after_help = "Examples:\n  itcost check                 (the embedded default rules)\n  itcost check my-rules.toml\n  itcost check --config dalsland.toml"
    )]
    Check(check::CheckArgs),
    /// Rules files of your own: `rules init` writes a starter that includes the defaults, `rules suggest`
    /// proposes rules for a ledger's largest IT suspects.
    Rules(rules::RulesArgs),
    /// DataFusion SQL over a run's --out directory (tables lines, keys, results) or a Parquet dataset; prints a
    /// table or writes CSV/Parquet. Needs itcost built with --features cluster.
    #[command(
        after_help = "Examples:\n  itcost sql \"SELECT pool, SUM(amount_ore) / 100 AS kr FROM lines GROUP BY pool ORDER BY kr DESC\" --on results/\n  itcost sql \"SELECT * FROM keys WHERE it_suspect\" --on results/ --csv suspects.csv"
    )]
    Sql(sql::SqlArgs),
    /// Explain how one ledger line (or a made-up one) is classified: which rule decided, why, and which other
    /// rules would have matched.
    #[command(
        after_help = "Examples:\n  itcost explain --account 6412 --account-text \"Datorer och kringutrustning\" --cost-centre 3000\n  itcost explain --account 7412 --account-text IT-tjänster --cost-centre 1510 --central-it 1510,1511\n  itcost explain sample-ledgers/mellerud-2024.csv --line 120 --central-it 1510,1511"
    )]
    Explain(explain::ExplainArgs),
    /// Convert ledgers to itcost's canonical Parquet ledger (much faster to read again).
    #[command(
        after_help = "Examples:\n  itcost convert huvudbok-2024.csv --out mellerud-2024.parquet\n  itcost convert --config dalsland.toml --out dalsland-parquet/   (municipality=NAME/year=YYYY/ledger.parquet)\n  itcost run mellerud-2024.parquet --central-it 1510,1511"
    )]
    Convert(convert::ConvertArgs),
    /// The local web app: upload ledgers, set them up with forms, run, read and drill into the report, turn
    /// suspects into rules, download everything (binds 127.0.0.1; prints a URL with a token).
    #[command(
        after_help = "Examples:\n  itcost serve                      (then open the printed URL)\n  itcost serve --port 0 --max-runs 4 --max-upload 8GB\n  itcost serve --host 0.0.0.0        (reachable from other computers, with the token; a warning is printed)"
    )]
    Serve(serve::ServeArgs),
    /// Write synthetic ledgers: the four bundled samples, or one large ledger for benchmarks.
    #[command(
        after_help = "Examples:\n  itcost generate --samples sample-ledgers\n  itcost generate --lines 10000000 --seed 7 --out /tmp/big.csv   (prints the true totals as JSON)"
    )]
    Generate(generate::GenerateArgs),
}

/// The exit code of a usage error (sysexits EX_USAGE).
pub const USAGE_EXIT: i32 = 64;

/// Entry point: parses the command line, runs the command and returns the process exit code.
pub fn main() -> i32 {
    // Usage errors (unknown flag, bad value) exit 64, never a code of bad input; --help and --version exit 0.
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { USAGE_EXIT } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Run(a) => run::run(*a),
        Command::Inspect(a) => inspect::run(a),
        Command::Check(a) => check::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Sql(a) => sql::run(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            // Every error carries its kind; the kind decides the code (see the module documentation).
            eprintln!("itcost: {e}");
            e.kind.exit_code()
        }
    }
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
