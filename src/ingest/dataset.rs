//! A Hive-partitioned Parquet dataset, exactly the directory `itcost convert --config … --out DIR` (and
//! `itcost generate --national DIR`) writes: `DIR/municipality=NAME/year=YYYY/*.parquet`, `NAME` escaped by
//! [`hive_escape`] (UTF-8 bytes as `%XX`), `year=unknown` for a ledger without a known year.
//!
//! A run config names it with `dataset = "DIR"`; [`resolve`] then gives each `[[municipality]]` entry its
//! ledgers from the partitions (see `README.md`, "Parquet datasets", for the rules of selection). The local
//! engine and the cluster engines read the same files; [`FileStamp`] is how the audit trail names them (path,
//! size, modification time), since a cluster engine's client never sees their bytes.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One `municipality=…/year=…` partition of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The municipality, url-decoded from the directory name.
    pub municipality: String,
    /// The year (None for `year=unknown`).
    pub year: Option<i32>,
    /// The partition's directory.
    pub dir: PathBuf,
    /// Its `.parquet` files, sorted by name.
    pub files: Vec<PathBuf>,
}

/// Escapes a partition value for a Hive-style directory name: letters, digits, `-`, `_` and space stay, every
/// other character becomes its UTF-8 bytes as `%XX` (as URLs and Hive escape them; [`hive_unescape`] reverses it).
pub fn hive_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Decodes a partition value: `%XX` byte escapes (UTF-8) to characters; None when an escape is malformed or the
/// bytes are not UTF-8.
pub fn hive_unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Every partition of the dataset at `root`, sorted by municipality and year. Refused: a root that is not a
/// directory, a `municipality=` directory holding anything but `year=` directories, a year that is not a number
/// (or `unknown`), a partition without `.parquet` files, and a `.parquet` file outside a partition (it would be
/// left out). Other entries of the root (hidden files, `_SUCCESS` markers, a README) are ignored.
pub fn partitions(root: &Path) -> Result<Vec<Partition>> {
    if crate::engine::store::is_url(root) {
        return partitions_in_store(root);
    }
    if !root.is_dir() {
        return Err(Error::input(format!(
            "{}: not a directory; expected a Parquet dataset as `itcost convert --config … --out DIR` writes it \
             (DIR/municipality=NAME/year=YYYY/ledger.parquet)",
            root.display()
        )));
    }
    let mut out = Vec::new();
    for (mdir, mname) in entries(root)? {
        let Some(value) = mname.strip_prefix("municipality=") else {
            if mname.ends_with(".parquet") {
                return Err(outside(&mdir));
            }
            continue;
        };
        let municipality = hive_unescape(value).ok_or_else(|| {
            Error::input(format!(
                "{}: expected municipality=NAME with %XX escapes of UTF-8 bytes, found a malformed escape",
                mdir.display()
            ))
        })?;
        if !mdir.is_dir() {
            return Err(Error::input(format!(
                "{}: expected a directory of year=YYYY partitions, found a file",
                mdir.display()
            )));
        }
        for (ydir, yname) in entries(&mdir)? {
            let year = match yname.strip_prefix("year=") {
                Some("unknown") => None,
                Some(y) => Some(y.parse::<i32>().map_err(|_| {
                    Error::input(format!(
                        "{}: expected year=YYYY (or year=unknown), found year={y}",
                        ydir.display()
                    ))
                })?),
                None if yname.starts_with('.') || yname.starts_with('_') => continue,
                None => {
                    return Err(Error::input(format!(
                        "{}: expected only year=YYYY directories in {}, found '{yname}'",
                        ydir.display(),
                        mdir.display()
                    )))
                }
            };
            let mut files = Vec::new();
            for (f, fname) in entries(&ydir)? {
                if f.is_dir() {
                    return Err(Error::input(format!(
                        "{}: expected .parquet files in the partition, found a directory",
                        f.display()
                    )));
                }
                if fname.ends_with(".parquet") {
                    files.push(f);
                }
            }
            if files.is_empty() {
                return Err(Error::input(format!(
                    "{}: a partition without .parquet files (a conversion that did not finish?)",
                    ydir.display()
                )));
            }
            out.push(Partition {
                municipality: municipality.clone(),
                year,
                dir: ydir,
                files,
            });
        }
    }
    out.sort_by(|a, b| (&a.municipality, a.year).cmp(&(&b.municipality, b.year)));
    Ok(out)
}

/// Every partition of a dataset in an object store (`s3://bucket/prefix`), listed through
/// [`crate::engine::store`], with the rules of [`partitions`]: objects are `municipality=NAME/year=YYYY/*.parquet`
/// under the prefix; a `.parquet` object elsewhere is refused, other objects of the root (markers, a README, the
/// run config) are ignored. A partition's directory and files are URLs (`s3://bucket/prefix/municipality=…`).
pub fn partitions_in_store(root: &Path) -> Result<Vec<Partition>> {
    let url = root.to_string_lossy().trim_end_matches('/').to_string();
    let objects = crate::engine::store::list(&url)?;
    let mut out: Vec<Partition> = Vec::new();
    for o in &objects {
        let rel = o.url.get(url.len() + 1..).unwrap_or("");
        let parts: Vec<&str> = rel.split('/').collect();
        let Some(value) = parts[0].strip_prefix("municipality=") else {
            if rel.ends_with(".parquet") {
                return Err(outside(Path::new(&o.url)));
            }
            continue;
        };
        let municipality = hive_unescape(value).ok_or_else(|| {
            Error::input(format!(
                "{url}/{}: expected municipality=NAME with %XX escapes of UTF-8 bytes, found a malformed escape",
                parts[0]
            ))
        })?;
        let year_name = parts.get(1).copied().unwrap_or("");
        if parts.len() < 3 {
            if year_name.starts_with('.') || year_name.starts_with('_') {
                continue;
            }
            return Err(Error::input(format!(
                "{}: expected only year=YYYY directories in {url}/{}, found the object '{year_name}'",
                o.url, parts[0]
            )));
        }
        let year = match year_name.strip_prefix("year=") {
            Some("unknown") => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| {
                Error::input(format!(
                    "{url}/{}/{year_name}: expected year=YYYY (or year=unknown), found year={y}",
                    parts[0]
                ))
            })?),
            None if year_name.starts_with('.') || year_name.starts_with('_') => continue,
            None => {
                return Err(Error::input(format!(
                    "{url}/{}/{year_name}: expected only year=YYYY directories in {url}/{}, found '{year_name}'",
                    parts[0], parts[0]
                )))
            }
        };
        if parts.len() > 3 {
            return Err(Error::input(format!(
                "{}: expected .parquet files in the partition, found a directory",
                o.url
            )));
        }
        if !rel.ends_with(".parquet") {
            continue;
        }
        let dir = PathBuf::from(format!("{url}/{}/{year_name}", parts[0]));
        match out.last_mut() {
            Some(p) if p.dir == dir => p.files.push(PathBuf::from(&o.url)),
            _ => out.push(Partition {
                municipality,
                year,
                dir,
                files: vec![PathBuf::from(&o.url)],
            }),
        }
    }
    // (A partition holding only other objects has no entry: its ledgers would be missing, as in [`partitions`].)
    out.sort_by(|a, b| (&a.municipality, a.year).cmp(&(&b.municipality, b.year)));
    Ok(out)
}

fn outside(p: &Path) -> Error {
    Error::input(format!(
        "{}: a .parquet file outside the municipality=NAME/year=YYYY partitions; it would be left out of the run",
        p.display()
    ))
}

/// The entries of a directory with their names (sorted by name); names that are not UTF-8 are refused.
fn entries(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                Error::input(format!(
                    "{}: a name that is not UTF-8 in the dataset",
                    p.display()
                ))
            })?
            .to_string();
        out.push((p, name));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// How the audit trail names a dataset file: its size and modification time (UTC, RFC 3339 to the second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    /// Size in bytes.
    pub bytes: u64,
    /// Last modification, `YYYY-MM-DDTHH:MM:SSZ`.
    pub modified: String,
}

/// The size and modification time of `path`.
pub fn file_stamp(path: &Path) -> Result<FileStamp> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let secs = meta
        .modified()
        .map_err(|e| Error::io(path, e))?
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(FileStamp {
        bytes: meta.len(),
        modified: rfc3339(secs),
    })
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = super::dates::civil_from_days(days as i32);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_escaping() {
        for s in ["Åmål", "Dals-Ed kommun", "a/b=c", "x%y", "€ 5", "Σ.ς"] {
            assert_eq!(hive_unescape(&hive_escape(s)).as_deref(), Some(s), "{s}");
        }
        assert_eq!(hive_escape("a/b=c"), "a%2Fb%3Dc");
        assert_eq!(hive_escape("€"), "%E2%82%AC");
        assert_eq!(hive_unescape("%E"), None);
        assert_eq!(hive_unescape("%FF"), None);
    }

    #[test]
    fn times_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_732_838_400 + 3661), "2024-11-29T01:01:01Z");
    }

    #[test]
    fn partitions_are_listed_and_strays_refused() {
        let dir = std::env::temp_dir().join(format!("itcost-dataset-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let part = |m: &str, y: &str| {
            let d = dir
                .join(format!("municipality={m}"))
                .join(format!("year={y}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("ledger.parquet"), b"x").unwrap();
        };
        part("%C3%85m%C3%A5l", "2024");
        part("Mellerud", "2024");
        part("Mellerud", "2023");
        std::fs::write(dir.join("_SUCCESS"), b"").unwrap();
        let p = partitions(&dir).unwrap();
        let got: Vec<(&str, Option<i32>)> = p
            .iter()
            .map(|p| (p.municipality.as_str(), p.year))
            .collect();
        assert_eq!(
            got,
            [
                ("Mellerud", Some(2023)),
                ("Mellerud", Some(2024)),
                ("Åmål", Some(2024))
            ]
        );
        std::fs::write(dir.join("stray.parquet"), b"x").unwrap();
        assert!(partitions(&dir)
            .unwrap_err()
            .to_string()
            .contains("stray.parquet"));
        std::fs::remove_file(dir.join("stray.parquet")).unwrap();
        std::fs::create_dir_all(dir.join("municipality=X/year=20x4")).unwrap();
        assert!(partitions(&dir)
            .unwrap_err()
            .to_string()
            .contains("year=20x4"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
