//! itcost's integration tests: one test binary (so polars is linked once), one module per concern.

mod analyses;
mod anonymised;
mod bad_input;
mod cli;
mod contract;
mod csv_dialects;
mod dalsland;
mod formats;
mod inputs;
mod manners;
mod memory;
mod parquet_exports;
mod properties;
mod refusals;
mod report_text;
mod rules_files;
mod serve;
mod serve_browser;
mod serve_load;
mod serve_support;
mod size;
mod util;
