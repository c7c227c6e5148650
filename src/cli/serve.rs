//! `itcost serve`: parses the flags and starts [`crate::serve`].

use crate::error::{Error, Result};
use crate::report::tables::Lang;
use clap::Args;

/// The flags of `itcost serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Default 127.0.0.1 (this computer only); another address is served only with the token,
    /// and a warning is printed (the connection is not encrypted).
    #[arg(long)]
    host: Option<String>,
    /// Port (0: any free port).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// Largest upload accepted (a request with more is refused with 413): bytes, or with KB, MB, GB.
    #[arg(long, default_value = "4GB", value_name = "SIZE")]
    max_upload: String,
    /// Runs at once; the others wait in a queue.
    #[arg(long, default_value_t = 2, value_name = "N")]
    max_runs: usize,
    /// Language of the pages and the report (switchable on every page).
    #[arg(long, value_enum, default_value_t = Lang::Sv)]
    lang: Lang,
}

/// Parses a size: `4GB`, `500MB`, `1024`.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mul) = [
        ("GB", 1u64 << 30),
        ("G", 1 << 30),
        ("MB", 1 << 20),
        ("M", 1 << 20),
        ("KB", 1 << 10),
        ("K", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suf, m)| t.strip_suffix(suf).map(|n| (n.trim().to_string(), *m)))
    .unwrap_or((t.clone(), 1));
    num.parse::<u64>().ok()?.checked_mul(mul)
}

/// Starts the server and serves until Ctrl-C.
pub fn run(a: ServeArgs) -> Result<()> {
    let max_upload = parse_size(&a.max_upload).ok_or_else(|| {
        Error::usage(format!(
            "--max-upload '{}': expected a size such as 4GB, 500MB or 1048576",
            a.max_upload
        ))
    })?;
    if a.max_runs == 0 {
        return Err(Error::usage("--max-runs: at least 1"));
    }
    crate::serve::serve(crate::serve::Options {
        host: a.host,
        port: a.port,
        max_upload,
        max_runs: a.max_runs,
        lang: a.lang,
    })
}
