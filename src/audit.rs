//! The audit trail (issue 13, item 9): the itcost version, the rules file's name and SHA-256, the config's
//! SHA-256, and each input file's SHA-256, size and line count, so a figure can be traced to the exact inputs a
//! year later. Written in `summary.json` (`audit`) and in the report's method section; nothing in it depends on
//! the time or the machine, so identical inputs still give byte-identical outputs.
//!
//! SHA-256 comes from the `sha2` crate (RustCrypto; already in the build (polars-plan builds with it)).

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The rules used: name, where they came from and the SHA-256 of their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesAudit {
    /// The rules' name (from the file).
    pub name: String,
    /// The path as given, or `builtin:NAME`.
    pub source: String,
    /// SHA-256 of the file's bytes (built-in rules: of the embedded text), lower-case hex.
    pub sha256: String,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAudit {
    /// The file as given (relative paths stay relative).
    pub file: String,
    /// SHA-256 of its bytes, lower-case hex; empty for a file of a Parquet dataset (`dataset = "DIR"`), whose
    /// bytes a cluster engine's client never sees: [`FileAudit::modified`] and the size name it instead.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lines in the file as `wc -l` counts them, plus a last line without a line break (text files: CSV, SIE);
    /// for spreadsheets and Parquet, which have no text lines, the ledger rows read.
    pub lines: u64,
    /// A dataset file's last modification (UTC, `YYYY-MM-DDTHH:MM:SSZ`); None for other inputs.
    pub modified: Option<String>,
    /// An object-store object's ETag (`s3://…` inputs, whose bytes the client never reads: no SHA-256); None
    /// for files.
    pub etag: Option<String>,
}

/// Everything a figure can be traced to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The itcost version that computed it.
    pub itcost_version: &'static str,
    /// The rules.
    pub rules: RulesAudit,
    /// The run config (None: a run from command-line flags, which has no config file).
    pub config: Option<FileAudit>,
    /// Every ledger file, in the order of the config.
    pub inputs: Vec<FileAudit>,
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(d.len() * 2);
    for b in d {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hashes a ledger input: a file (see [`hash_one`]), or a folder of Parquet partitions: then the SHA-256 of the
/// lines `SHA-256  relative/path` of every file under it in sorted order (as `sha256sum` would list them), their
/// summed size and lines.
pub fn hash_file(path: &Path) -> Result<(String, u64, u64)> {
    if !path.is_dir() {
        return hash_one(path);
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let p = e.map_err(|e| Error::io(&d, e))?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut list, mut bytes, mut lines) = (String::new(), 0u64, 0u64);
    for f in &files {
        let (sha, b, l) = hash_one(f)?;
        let rel = f.strip_prefix(path).unwrap_or(f);
        list.push_str(&format!("{sha}  {}\n", rel.display()));
        bytes += b;
        lines += l;
    }
    Ok((sha256_hex(list.as_bytes()), bytes, lines))
}

/// Hashes one file in 1 MiB blocks (a 1 GB ledger is never held in memory): its SHA-256, size and line count
/// (line breaks, plus a last line without one).
fn hash_one(path: &Path) -> Result<(String, u64, u64)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let (mut bytes, mut breaks, mut last) = (0u64, 0u64, b'\n');
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        bytes += n as u64;
        breaks += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        last = buf[n - 1];
    }
    let lines = breaks + u64::from(bytes > 0 && last != b'\n');
    Ok((hex(&h.finalize()), bytes, lines))
}

/// The rules' audit entry: `rules` is `None` for the default rules, a path, or `builtin:NAME`.
pub fn rules_audit(rules: Option<&Path>, name: &str, source: &str) -> Result<RulesAudit> {
    let text: Vec<u8> = match rules.and_then(|p| p.to_str()) {
        None if rules.is_none() => crate::rules::KOMMUN_BAS_13.as_bytes().to_vec(),
        Some("builtin:kommun-bas-13") => crate::rules::KOMMUN_BAS_13.as_bytes().to_vec(),
        Some("builtin:bas") => crate::rules::BAS.as_bytes().to_vec(),
        _ => {
            let p = rules.unwrap_or(Path::new(""));
            std::fs::read(p).map_err(|e| Error::io(p, e))?
        }
    };
    Ok(RulesAudit {
        name: name.to_string(),
        source: source.to_string(),
        sha256: sha256_hex(&text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_texts() {
        // FIPS 180-2 test vectors.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn files_are_hashed_in_blocks_with_their_lines() {
        let dir = std::env::temp_dir().join(format!("itcost-audit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.csv");
        std::fs::write(&p, b"a;b\n1;2\n3;4").unwrap();
        let (sha, bytes, lines) = hash_file(&p).unwrap();
        assert_eq!((bytes, lines), (11, 3));
        assert_eq!(sha, sha256_hex(b"a;b\n1;2\n3;4"));
        let big: Vec<u8> = (0..3_000_000u32)
            .map(|i| if i % 100 == 99 { b'\n' } else { b'x' })
            .collect();
        std::fs::write(&p, &big).unwrap();
        assert_eq!(
            hash_file(&p).unwrap(),
            (sha256_hex(&big), 3_000_000, 30_000)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
