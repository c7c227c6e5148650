//! itcost's integration tests: one test binary (so polars is linked once), one module per concern.

mod analyses;
mod bad_input;
mod cli;
mod contract;
mod dalsland;
mod formats;
mod inputs;
mod properties;
mod rules_files;
mod size;

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled Dalsland config.
pub fn dalsland_config() -> PathBuf {
    root().join("sample-ledgers/dalsland-2024.toml")
}
