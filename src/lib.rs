//! itcost: what a Swedish municipality spends on IT, from its general ledger.
//!
//! The pipeline is the architecture, one module per stage, data flowing one way:
//! [`ingest`] → [`rules`] → [`classify`] → [`aggregate`] → [`compare`] → [`report`].
//! [`pipeline`] runs the stages in order; [`cli`] only wires command-line arguments to it.
//!
//! `docs/architecture.md` draws the module graph, names the types that flow between the stages, and says where a
//! new input format, analysis, output, command or engine goes.

pub mod aggregate;
pub mod audit;
pub mod check;
pub mod classify;
pub mod cli;
pub mod compare;
pub mod config;
pub mod engine;
pub mod error;
pub mod generate;
pub mod guards;
pub mod ingest;
pub mod money;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod rules;
pub mod serve;
