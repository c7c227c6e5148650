//! itcost's integration tests: one test binary (so polars is linked once), one module per concern.

mod analyses;
mod anonymised;
mod bad_input;
mod classified;
mod cli;
#[cfg(feature = "cluster")]
mod cluster;
#[cfg(feature = "cluster")]
mod cluster_s3;
#[cfg(feature = "cluster")]
mod cluster_sql;
mod column_names;
mod contract;
mod csv_dialects;
mod dalsland;
mod dataset;
mod engine_flag;
mod excel_out;
mod formats;
mod fyrbodal;
mod guides;
mod inputs;
mod it_orgs;
mod manners;
mod memory;
mod national;
mod parquet_exports;
mod properties;
mod refusals;
mod report_text;
mod rules_files;
mod rules_include;
mod serve;
mod serve_browser;
mod serve_load;
mod serve_support;
mod size;
mod study_measures;
mod util;
mod wordings;
