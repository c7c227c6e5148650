//! Stage 6: rendering results — terminal summary, JSON contract, CSV/Parquet files.

pub mod files;
pub mod json;
pub mod terminal;
