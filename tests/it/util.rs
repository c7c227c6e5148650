//! What every test module shares: the `itcost` command, the repository's paths, temporary directories, the
//! Dalsland run, and golden-file comparison.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `itcost` binary of this build, as a command to add arguments to.
pub fn itcost() -> Command {
    Command::cargo_bin("itcost").expect("binary built")
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled Dalsland config.
pub fn dalsland_config() -> PathBuf {
    root().join("sample-ledgers/dalsland-2024.toml")
}

/// The Dalsland config run through the library (no process).
pub fn dalsland() -> itcost::pipeline::RunResult {
    let cfg = itcost::config::load(&dalsland_config()).expect("config loads");
    itcost::pipeline::run(cfg).expect("run succeeds")
}

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Asserts that the file `got` equals `tests/golden/NAME` byte for byte (NAME: `got`'s file name).
pub fn assert_golden(got: &Path) {
    let name = got.file_name().expect("a file name");
    let golden = root().join("tests/golden").join(name);
    let got_text = std::fs::read_to_string(got).expect("output file readable");
    let want = std::fs::read_to_string(&golden).expect("golden file readable");
    assert_eq!(
        got_text,
        want,
        "{} differs from {}",
        got.display(),
        golden.display()
    );
}
