//! The `audit` object of `itcost.summary/1` (issue 13, item 9): what a figure can be traced to a year later.

use super::*;

/// The audit trail.
#[derive(Serialize)]
pub struct Audit<'a> {
    /// The itcost version that computed the figures.
    pub itcost_version: &'static str,
    /// The rules: name, source and SHA-256 (built-in rules: of the embedded text).
    pub rules: AuditRules<'a>,
    /// The run config (null for a run from command-line flags).
    pub config: Option<AuditFile<'a>>,
    /// Every ledger file: SHA-256, size and line count.
    pub inputs: Vec<AuditFile<'a>>,
}

/// The rules' entry.
#[derive(Serialize)]
pub struct AuditRules<'a> {
    /// Name from the file.
    pub name: &'a str,
    /// Path as given, or `builtin:NAME`.
    pub source: &'a str,
    /// SHA-256 of the file (lower-case hex).
    pub sha256: &'a str,
}

/// A file's entry.
#[derive(Serialize)]
pub struct AuditFile<'a> {
    /// The file as given.
    pub file: &'a str,
    /// SHA-256 of its bytes (lower-case hex); left out for a Parquet dataset's files (named by size and time).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub sha256: &'a str,
    /// Size in bytes.
    pub bytes: u64,
    /// Text lines (line breaks, plus a last line without one); spreadsheets and Parquet: ledger rows read.
    pub lines: u64,
    /// A dataset file's last modification (UTC, RFC 3339); left out for other inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<&'a str>,
    /// An object-store object's ETag (`s3://…` inputs); left out for files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<&'a str>,
}

impl<'a> From<&'a crate::audit::FileAudit> for AuditFile<'a> {
    fn from(v: &'a crate::audit::FileAudit) -> Self {
        AuditFile {
            file: &v.file,
            sha256: &v.sha256,
            bytes: v.bytes,
            lines: v.lines,
            modified: v.modified.as_deref(),
            etag: v.etag.as_deref(),
        }
    }
}

impl<'a> From<&'a crate::audit::Audit> for Audit<'a> {
    fn from(v: &'a crate::audit::Audit) -> Self {
        Audit {
            itcost_version: v.itcost_version,
            rules: AuditRules {
                name: &v.rules.name,
                source: &v.rules.source,
                sha256: &v.rules.sha256,
            },
            config: v.config.as_ref().map(AuditFile::from),
            inputs: v.inputs.iter().map(AuditFile::from).collect(),
        }
    }
}
