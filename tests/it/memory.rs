//! Memory at size: peak RSS of a run is bounded by what the rules can see, not by how many distinct texts people
//! typed (issue 11, item 5). The child's peak RSS is read with `wait4` (`ru_maxrss`), not limited with
//! `ulimit -v` (which limits address space, not memory).

use crate::util::temp_dir;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the itcost binary with `args` and returns (exit status, peak RSS in MB of the child).
// The child is reaped by wait4 (which also gives its rusage), not by Child::wait.
#[allow(clippy::zombie_processes)]
fn run_measured(args: &[&std::ffi::OsStr]) -> (i32, f64) {
    let child = Command::new(assert_cmd::cargo::cargo_bin("itcost"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in kilobytes on Linux.
    (code, usage.ru_maxrss as f64 / 1024.0)
}

fn generate(path: &Path, lines: usize) {
    itcost::generate::write_large_with(
        path,
        lines,
        7,
        itcost::generate::LargeOptions {
            unique_text: true,
            utf8: true,
        },
    )
    .unwrap();
}

/// 2M lines whose every text names its own invoice: `itcost run` must stay under 400 MB. Before the key held
/// only what the rules can see (commit "keywords: …"), the same run (main's binary at 29c501d) peaked at
/// 1 276 MB, with 2M keys (one per distinct text); now it holds the same ~70 000 keys as with repeating
/// texts (179 MB on this project's 2-core machine).
#[test]
fn run_memory_does_not_grow_with_distinct_texts() {
    let dir = temp_dir();
    let csv = dir.path().join("unique-2m.csv");
    generate(&csv, 2_000_000);
    let (code, mb) = run_measured(&[
        "run".as_ref(),
        csv.as_os_str(),
        "--central-it".as_ref(),
        "1510,1511".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(code, 0, "itcost run failed");
    assert!(mb < 400.0, "peak RSS {mb:.0} MB, expected under 400 MB");
}
