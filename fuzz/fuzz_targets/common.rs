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
        let full = itcost::ingest::read_ledger(&path, &opts);
        if let Ok(ing) = &full {
            assert_eq!(ing.frame.height(), ing.report.lines, "reported line count differs");
        }
        // The streaming reader (sums per key, tiny blocks to cross block boundaries) agrees with the full one.
        let summed =
            itcost::ingest::csv_text::read_summed_blocks(&path, &Default::default(), lenient, true, 64);
        if let (Ok(ing), Ok(Some(s))) = (&full, &summed) {
            if ing.report.format == itcost::ingest::Format::DelimitedText {
                assert_eq!(s.sum, ing.report.sum_ore, "streaming sum differs");
                assert_eq!(s.sums.lines as usize, ing.report.lines, "streaming line count differs");
            }
        }
    }
}
