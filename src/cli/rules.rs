//! `itcost rules init` (a commented starter rules file that includes the defaults) and `itcost rules suggest`
//! (rules proposed for the largest IT suspects of a ledger, printed as TOML to paste).

use crate::config::{RunConfig, RunFlags};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The flags of `itcost rules`.
#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Write a commented starter rules file that includes the default rules and holds your own rules only.
    #[command(
        after_help = "Examples:\n  itcost rules init my-rules.toml\n  itcost rules init bolag.toml --include builtin:bas --name \"Vatten AB\"\n  itcost rules init -          (to stdout)"
    )]
    Init(InitArgs),
    /// Propose rules for the largest IT suspects of a ledger (lines that look like IT but no IT rule took), as
    /// TOML to read, correct and paste into your rules file.
    #[command(
        after_help = "Examples:\n  itcost rules suggest huvudbok-2024.csv --central-it 1510,1511\n  itcost rules suggest huvudbok-2024.csv --central-it 1510,1511 --rules my-rules.toml --top 5 >> proposals.toml"
    )]
    Suggest(SuggestArgs),
}

/// The flags of `itcost rules init`.
#[derive(Args, Debug)]
struct InitArgs {
    /// The file to write (`-` for stdout). It is never overwritten unless --force is given.
    #[arg(default_value = "rules.toml")]
    file: PathBuf,
    /// The rules to build on: builtin:kommun-bas-13 (default), builtin:bas, or a path relative to FILE.
    #[arg(long, default_value = "builtin:kommun-bas-13")]
    include: String,
    /// The name of the rule set (e.g. the municipality's).
    #[arg(long, default_value = "Our rules")]
    name: String,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// The flags of `itcost rules suggest`.
#[derive(Args, Debug)]
struct SuggestArgs {
    /// Ledger files of one municipality.
    #[arg(required = true)]
    ledgers: Vec<PathBuf>,
    /// Cost centres of the central IT department (as for `run`).
    #[arg(long, value_name = "LIST")]
    central_it: Vec<String>,
    /// Rules file (default: the embedded Kommun-Bas 13 rules).
    #[arg(short, long)]
    rules: Option<PathBuf>,
    /// Map an export's column: FIELD=HEADER (as for `run`); repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// Municipality name (default: the first file's name).
    #[arg(long)]
    municipality: Option<String>,
    /// Fiscal year (default: the most common year of the ledger's dates).
    #[arg(long)]
    year: Option<i32>,
    /// Spreadsheet sheet to read.
    #[arg(long)]
    sheet: Option<String>,
    /// How many rules to propose at most.
    #[arg(long, default_value_t = 10)]
    top: usize,
}

/// Runs `itcost rules …`.
pub fn run(a: RulesArgs) -> Result<()> {
    match a.command {
        RulesCommand::Init(i) => init(i),
        RulesCommand::Suggest(s) => suggest(s),
    }
}

fn init(a: InitArgs) -> Result<()> {
    let text = crate::rules::include::starter(&a.include, &a.name);
    if a.file.as_os_str() == "-" {
        return super::emit(&text);
    }
    if a.file.exists() && !a.force {
        return Err(Error::usage(format!(
            "{} exists; itcost rules init never overwrites a rules file (give another name, or --force)",
            a.file.display()
        )));
    }
    // Refuse a starter that would not load (an unknown builtin, a missing included file) before writing it.
    let dir = a.file.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(d) = dir {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    crate::rules::parse_rules(&text, crate::rules::RulesSource::File(&a.file))?;
    crate::report::files::write_atomic(&a.file, text.as_bytes())?;
    eprintln!(
        "itcost: wrote {} (includes {}); add your rules under the line \"{}\", then: itcost check {}",
        a.file.display(),
        a.include,
        crate::rules::include::MARKER.trim_start_matches("# "),
        a.file.display()
    );
    Ok(())
}

fn suggest(a: SuggestArgs) -> Result<()> {
    let cfg = RunConfig::from_flags(&RunFlags {
        ledgers: a.ledgers.clone(),
        config: None,
        central_it: a.central_it,
        municipality: a.municipality,
        year: a.year,
        rules: a.rules,
        denominator: None,
        numerator: None,
        target: None,
        scope: None,
        columns: a.columns,
        sheet: a.sheet,
        strict: false,
        lenient: false,
        keep_lines: false,
        csv_dialect: None,
        engine: None,
    })?;
    let result = crate::pipeline::run(cfg)?;
    let sugg = crate::report::suggest::suggestions(&result, a.top);
    let source = a
        .ledgers
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    super::emit(&crate::report::suggest::to_toml(&sugg, &source))
}
