//! itcost's integration tests: one test binary (so polars is linked once), one module per concern.

mod analyses;
mod bad_input;
mod cli;
mod contract;
mod dalsland;
mod formats;
mod inputs;
mod memory;
mod properties;
mod rules_files;
mod size;
mod util;
