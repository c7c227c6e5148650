//! itcost's integration tests: one test binary (so polars is linked once), one module per concern.

mod analyses;
mod anonymised;
mod bad_input;
mod classified;
mod cli;
mod column_names;
mod contract;
mod csv_dialects;
mod dalsland;
mod excel_out;
mod formats;
mod guides;
mod inputs;
mod manners;
mod memory;
mod parquet_exports;
mod properties;
mod refusals;
mod report_text;
mod rules_files;
mod rules_include;
mod size;
mod study_measures;
mod util;
mod wordings;
