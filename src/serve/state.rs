//! The workspace the browser edits: municipalities with their uploaded ledgers and settings, the run-wide
//! settings, and the rules a person added from the suspects form. One workspace per server process (the server is
//! a single person's local tool); it lives in memory and its files in the private upload directory.

use crate::ingest::totals::Overview;
use crate::report::tables::Lang;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What reading an uploaded file gave.
pub enum Inspect {
    /// Read: what `itcost inspect` shows.
    Read(Box<Overview>),
    /// Not readable with the current settings: the CLI's message.
    Failed(String),
}

/// One uploaded file, stored under a server-chosen name in the upload directory.
pub struct Upload {
    /// Its id (unique in the workspace).
    pub id: u64,
    /// The file name as uploaded, sanitised (shown, and used in the downloaded config).
    pub name: String,
    /// Where it is stored (chosen by the server, never by the client).
    pub path: PathBuf,
    /// Bytes.
    pub size: u64,
    /// The header cells of a delimited text file (the line with the most cells among the top lines).
    pub headers: Vec<String>,
    /// What reading it gave.
    pub inspect: Inspect,
}

/// One municipality and year, as the forms set it up.
pub struct Muni {
    /// Its id (unique in the workspace).
    pub id: u64,
    /// Name.
    pub name: String,
    /// Fiscal year.
    pub year: Option<i32>,
    /// Its ledgers.
    pub files: Vec<Upload>,
    /// Explicit column mapping: field key → header.
    pub columns: BTreeMap<String, String>,
    /// Central IT cost-centre patterns.
    pub central_it: Vec<String>,
    /// Counterpart codes meaning the own organisation.
    pub internal_counterparts: Vec<String>,
    /// Inhabitants.
    pub population: Option<u64>,
    /// Every other key of its `[[municipality]]` table (departments, employees, external_total, sheet …), edited as
    /// TOML.
    pub extra: toml::Table,
}

/// The run-wide settings.
pub struct Settings {
    /// Title of the run.
    pub title: String,
    /// total_cost, net_cost or external.
    pub denominator: String,
    /// central_it or it.
    pub numerator: String,
    /// Target share as typed (`2,5 %`, `2.5%`); empty: none.
    pub target: String,
    /// narrow, wide or a list of pools.
    pub scope: String,
    /// The benchmark's year (empty: all).
    pub benchmark_year: Option<i32>,
    /// The municipality shown in its own colour.
    pub highlight: String,
    /// Every other top-level key of the config (references, savings, joint_org, supplier_threshold …), as TOML.
    pub extra: toml::Table,
    /// Language of the pages and the report.
    pub lang: Lang,
}

/// A rule made from the suspects form.
#[derive(Clone, Debug, Default)]
pub struct OwnRule {
    /// Rule id.
    pub id: String,
    /// Account code, pattern or range (`6540`, `654*`, `6540-6549`); may be empty when a keyword is given.
    pub account: String,
    /// A keyword (may be empty when an account is given).
    pub keyword: String,
    /// Where the keyword is looked for: text, supplier or account_text.
    pub field: String,
    /// The TBM pool.
    pub pool: String,
    /// Why (shown by `explain` and in the report).
    pub why: String,
}

/// Everything the browser set up.
pub struct Workspace {
    /// Run-wide settings.
    pub settings: Settings,
    /// Municipalities (and years).
    pub munis: Vec<Muni>,
    /// Files that are not ledgers but named by the config (allocation keys).
    pub aux: Vec<Upload>,
    /// The rules added from the suspects form, tried before the defaults.
    pub rules: Vec<OwnRule>,
    /// The rules file an uploaded config named (its text), the base under the own rules; None: the defaults.
    pub base_rules: Option<String>,
    /// The next id.
    next_id: u64,
}

impl Workspace {
    /// An empty workspace.
    pub fn new(lang: Lang) -> Workspace {
        Workspace {
            settings: Settings {
                title: String::new(),
                denominator: "total_cost".into(),
                numerator: "central_it".into(),
                target: String::new(),
                scope: "narrow".into(),
                benchmark_year: None,
                highlight: String::new(),
                extra: toml::Table::new(),
                lang,
            },
            munis: Vec::new(),
            aux: Vec::new(),
            rules: Vec::new(),
            base_rules: None,
            next_id: 1,
        }
    }

    /// A fresh id.
    pub fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The municipality with this id.
    pub fn muni(&mut self, id: u64) -> Option<&mut Muni> {
        self.munis.iter_mut().find(|m| m.id == id)
    }

    /// The municipality with this name and year, created when missing; returns its id.
    pub fn muni_for(&mut self, name: &str, year: Option<i32>) -> u64 {
        if let Some(m) = self
            .munis
            .iter()
            .find(|m| m.name == name && (m.year == year || year.is_none()))
        {
            return m.id;
        }
        let id = self.id();
        self.munis.push(Muni {
            id,
            name: name.to_string(),
            year,
            files: Vec::new(),
            columns: BTreeMap::new(),
            central_it: Vec::new(),
            internal_counterparts: Vec::new(),
            population: None,
            extra: toml::Table::new(),
        });
        id
    }
}

/// The header cells of a delimited text file: among its top 30 lines, the first that itcost recognises as a
/// ledger header, else the one with the most cells. Empty for spreadsheets, SIE and Parquet files.
pub fn sniff_headers(path: &std::path::Path) -> Vec<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 64 * 1024];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut buf)) {
        Ok(n) => n,
        Err(_) => return Vec::new(),
    };
    buf.truncate(n);
    if buf.starts_with(b"PK") || buf.starts_with(b"PAR1") || buf.contains(&0) {
        return Vec::new();
    }
    let (text, _) = crate::ingest::detect::decode(&buf);
    // SIE files are lines of #RECORDS, not a header and rows.
    if text.trim_start().starts_with('#') {
        return Vec::new();
    }
    let mut best: Vec<String> = Vec::new();
    for line in text.lines().take(30) {
        let d = crate::ingest::detect::sniff_delimiter(line) as char;
        let mut cells = Vec::new();
        crate::ingest::csv_text::split_record(line, d, &mut cells);
        let cells: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        let map = crate::ingest::columns::ColumnMap::from_headers(&cells, &BTreeMap::new());
        if map.is_ledger_header() {
            return cells;
        }
        if cells.len() > best.len() {
            best = cells;
        }
    }
    best
}
