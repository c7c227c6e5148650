//! The progress bar of long runs: on stderr, only when stderr is a terminal, not with `--quiet`, and only once a
//! run has taken more than a second (short runs print nothing). Readers report bytes as they read them.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Bar {
    bar: ProgressBar,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

static BAR: OnceLock<Bar> = OnceLock::new();

/// Starts the bar for `total_bytes` of input (does nothing when stderr is not a terminal or `quiet`).
pub fn start(total_bytes: u64, quiet: bool) {
    if quiet || !std::io::stderr().is_terminal() {
        return;
    }
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "itcost: reading {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let _ = BAR.set(Bar {
        bar,
        started: Instant::now(),
        shown: false.into(),
    });
}

/// Counts `bytes` more as read; shows the bar once the run has taken a second.
pub fn advance(bytes: u64) {
    if let Some(b) = BAR.get() {
        b.bar.inc(bytes);
        if b.started.elapsed() > Duration::from_secs(1)
            && !b.shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            b.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

/// Removes the bar (before the results are printed).
pub fn finish() {
    if let Some(b) = BAR.get() {
        b.bar.finish_and_clear();
    }
}
