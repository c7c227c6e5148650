//! Where a run's per-key sums are computed (issue 15): `local` (itcost's own readers, every core of this machine),
//! `datafusion` (Apache DataFusion in-process over the Parquet dataset) or `ballista://HOST:PORT` (the same
//! DataFusion plan run by an Apache Ballista cluster). Whatever the engine, the client receives the same key table
//! (per key: the coded values, the line text's keyword signature, the sum in öre, the line count and the first
//! line) and classifies, aggregates and reports it with the same Rust code, so the three give the same figures
//! to the öre.
//!
//! The distributed engines exist only in a build with the cargo feature `cluster`
//! (`cargo build --release --features cluster`); without it, asking for them is a usage error saying so.
//! They read itcost's canonical Parquet ledgers (`itcost convert` writes them); CSV, SIE and spreadsheets are
//! converted first, never shipped as text.

#[cfg(feature = "cluster")]
pub mod datafusion;
#[cfg(feature = "cluster")]
pub mod sql;
pub mod store;

use crate::error::{Error, Result};

/// The engine that sums a run's Parquet ledgers per key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Engine {
    /// itcost's own Parquet reader (the default).
    #[default]
    Local,
    /// Apache DataFusion in this process.
    DataFusion,
    /// An Apache Ballista cluster: the scheduler's URL, `ballista://HOST:PORT`.
    Ballista(String),
}

impl Engine {
    /// Parses `local`, `datafusion` or `ballista://HOST:PORT` (what `--engine` takes): a usage error for another
    /// value, or for an engine this build lacks.
    pub fn parse(s: &str) -> Result<Engine> {
        let engine = Engine::parse_name(s)?;
        engine.available()?;
        Ok(engine)
    }

    /// Parses an engine's name without asking whether this build has it (`engine = …` in a config, which
    /// `--engine` may override; the run checks [`Engine::available`]).
    pub fn parse_name(s: &str) -> Result<Engine> {
        let t = s.trim();
        let engine = match t.to_ascii_lowercase().as_str() {
            "local" => Engine::Local,
            "datafusion" => Engine::DataFusion,
            l if l.starts_with("ballista://") => {
                let rest = &t["ballista://".len()..];
                let ok = rest
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
                if !ok {
                    return Err(Error::usage(format!(
                        "engine '{t}': expected ballista://HOST:PORT (the Ballista scheduler, e.g. \
                         ballista://localhost:50050)"
                    )));
                }
                Engine::Ballista(t.to_string())
            }
            _ => {
                return Err(Error::usage(format!(
                    "engine '{t}': expected local, datafusion or ballista://HOST:PORT"
                )))
            }
        };
        Ok(engine)
    }

    /// The engine's name in summary.json: `local`, `datafusion` or `ballista`.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Local => "local",
            Engine::DataFusion => "datafusion",
            Engine::Ballista(_) => "ballista",
        }
    }

    /// An error when this build cannot run the engine (built without the `cluster` feature).
    pub fn available(&self) -> Result<()> {
        if *self == Engine::Local || cfg!(feature = "cluster") {
            return Ok(());
        }
        Err(Error::usage(format!(
            "engine '{}' needs itcost built with the cluster feature: cargo build --release --features cluster \
             (see docs/cluster.md)",
            self.name()
        )))
    }
}

/// What an engine hands back for one Parquet ledger: the per-key sums (with the keys that keep their texts summed
/// per distinct text), the sum of every amount, and the municipality and year stamped in the file.
pub struct EngineSums {
    /// Sums per key, periods and vouchers, as the local reader fills them.
    pub sums: crate::ingest::ledger::KeySums,
    /// Sum of every amount, öre.
    pub sum_ore: i64,
    /// The canonical municipality and year of the file.
    pub stamp: (Option<String>, Option<i32>),
}

/// Sums canonical Parquet ledger files per key on a distributed engine (never [`Engine::Local`]).
#[cfg(feature = "cluster")]
pub fn sum_files(
    engine: &Engine,
    shown: &str,
    files: &[std::path::PathBuf],
    opts: &crate::ingest::ReadOptions,
) -> Result<EngineSums> {
    datafusion::sum_files(engine, shown, files, opts)
}

/// Sums canonical Parquet ledger files per key on a distributed engine: without the `cluster` feature, the
/// usage error saying how to build it.
#[cfg(not(feature = "cluster"))]
pub fn sum_files(
    engine: &Engine,
    _shown: &str,
    _files: &[std::path::PathBuf],
    _opts: &crate::ingest::ReadOptions,
) -> Result<EngineSums> {
    engine.available()?;
    Err(Error::internal("the local engine is not a distributed one"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_engines() {
        assert_eq!(Engine::parse("local").unwrap(), Engine::Local);
        assert!(Engine::parse("ballista://host").is_err());
        assert!(Engine::parse("spark").is_err());
        let df = Engine::parse("DataFusion");
        assert_eq!(df.is_ok(), cfg!(feature = "cluster"));
        if !cfg!(feature = "cluster") {
            assert!(df.unwrap_err().to_string().contains("--features cluster"));
        }
    }
}
