// Shared by the ledger-reading targets: the readers take a path (format detection looks at the bytes and the
// name), so every input is written to one scratch file per process in /dev/shm (or the temp dir).
use std::path::PathBuf;

pub fn scratch(name: &str) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("itcost-fuzz-{}-{name}", std::process::id()))
}

/// Reads `data` as a ledger file named `name`, strict and lenient; any Err is fine, a panic is a finding.
pub fn read(data: &[u8], name: &str) {
    let path = scratch(name);
    if std::fs::write(&path, data).is_err() {
        return;
    }
    for lenient in [false, true] {
        let opts = itcost::ingest::ReadOptions {
            lenient,
            ..Default::default()
        };
        if let Ok(ing) = itcost::ingest::read_ledger(&path, &opts) {
            assert_eq!(ing.frame.height(), ing.report.lines, "reported line count differs");
        }
    }
}
