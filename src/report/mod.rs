//! Stage 6: rendering results — terminal summary, JSON contract, CSV/Parquet files, the Excel workbook, the HTML report.

pub mod classified;
pub mod csv;
pub mod explain;
pub mod files;
pub mod html;
pub mod inspect;
pub mod json;
pub mod suggest;
pub mod svg;
pub mod tables;
pub mod terminal;
pub mod withhold;
pub mod xlsx;
