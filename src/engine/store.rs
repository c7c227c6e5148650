//! Object stores for the distributed engines: a dataset or ledger named `s3://bucket/prefix` (issue 15, item 3).
//!
//! The client never reads a ledger's lines: it lists the objects under the prefix, reads each Parquet footer
//! (to check it is a canonical ledger and to describe it) and names each object in the audit trail by its URL,
//! size, last modification and ETag. The executors read the objects themselves: DataFusion through the store
//! registered on the session, Ballista's executors (and its scheduler, which lists the files of a plan) through
//! [`Registry`], which `itcost-ballista` installs.
//!
//! Credentials, region and endpoint come from the usual environment variables, read by
//! `object_store`'s `AmazonS3Builder::from_env` (every `AWS_*` variable it knows: `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT` or `AWS_ENDPOINT_URL` for an
//! S3-compatible store such as MinIO, `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint, web identity and container
//! credentials, or the instance's metadata endpoint when none is given). A request that fails is retried
//! [`RETRIES`] times within [`RETRY_WITHIN`], so that a wrong endpoint or missing credentials end the run with
//! the store's message within seconds, not minutes.
//!
//! The local engine does not read object stores (its reader works on files); a run that names one on the local
//! engine is refused with a usage error ([`local_refusal`]).

use crate::error::{Error, Result};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, RetryConfig};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The URL scheme of the S3 stores (`s3://bucket/key`).
pub const SCHEME: &str = "s3://";

/// Retries of a failed request to the store.
pub const RETRIES: usize = 4;

/// The time after which a failing request is no longer retried.
pub const RETRY_WITHIN: Duration = Duration::from_secs(30);

/// True when a ledger or dataset is an object-store URL (`s3://…`) rather than a path.
pub fn is_url(p: &Path) -> bool {
    p.to_str().is_some_and(|s| {
        s.get(..SCHEME.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(SCHEME))
    })
}

/// The usage error of the local engine given an object-store dataset or ledger.
pub fn local_refusal(what: &Path) -> Error {
    Error::usage(format!(
        "{}: the local engine reads files, not object stores; run it with --engine datafusion (in this process) \
         or --engine ballista://HOST:PORT (a Ballista cluster), in a build with the cluster feature (see \
         docs/cluster.md, \"Object stores (S3)\"), or copy the dataset to a filesystem",
        what.display()
    ))
}

/// An object-store URL taken apart: `s3://BUCKET/KEY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The bucket.
    pub bucket: String,
    /// The key (or prefix) within the bucket, without a leading or trailing `/`.
    pub key: String,
}

impl Located {
    /// Parses `s3://bucket/key…`: an input error naming the URL when it has no bucket.
    pub fn parse(url: &str) -> Result<Located> {
        let rest = url
            .get(SCHEME.len()..)
            .filter(|_| is_url(Path::new(url)))
            .ok_or_else(|| {
                Error::input(format!(
                    "{url}: expected an object-store URL s3://BUCKET/PREFIX"
                ))
            })?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(Error::input(format!(
                "{url}: expected s3://BUCKET/PREFIX, found no bucket"
            )));
        }
        Ok(Located {
            bucket: bucket.to_string(),
            key: key.trim_matches('/').to_string(),
        })
    }

    /// The key as the store's path, byte for byte (a key holds `%XX` as written: the partitions' escapes).
    pub fn path(&self, url: &str) -> Result<StorePath> {
        StorePath::parse(&self.key)
            .map_err(|e| Error::input(format!("{url}: not a valid object key: {e}")))
    }

    /// The URL of a key of the same bucket.
    pub fn url_of(&self, key: &str) -> String {
        format!("{SCHEME}{}/{key}", self.bucket)
    }
}

/// What the client knows of one object without reading it: the audit trail's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// `s3://bucket/key`.
    pub url: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Last modification (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub modified: String,
    /// The store's ETag (quotes removed); empty when the store gave none.
    pub etag: String,
}

impl ObjectInfo {
    fn of(bucket: &str, m: &object_store::ObjectMeta) -> ObjectInfo {
        ObjectInfo {
            url: format!("{SCHEME}{bucket}/{}", m.location),
            bytes: m.size,
            modified: m.last_modified.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            etag: m
                .e_tag
                .as_deref()
                .unwrap_or("")
                .trim_matches('"')
                .to_string(),
        }
    }
}

/// The runtime the store's requests run on (the store's client is async; the pipeline is not). Never entered
/// from another runtime: the engines' async code only builds stores ([`s3`]), which needs none.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("itcost-store")
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| Error::internal(format!("could not start the object store's runtime: {e}")))
}

/// The S3 store of a bucket, configured from the environment (one per bucket and process).
pub fn s3(bucket: &str) -> Result<Arc<dyn ObjectStore>> {
    static STORES: OnceLock<Mutex<HashMap<String, Arc<dyn ObjectStore>>>> = OnceLock::new();
    let stores = STORES.get_or_init(Default::default);
    let mut stores = stores
        .lock()
        .map_err(|_| Error::internal("the object stores' table was poisoned"))?;
    if let Some(s) = stores.get(bucket) {
        return Ok(s.clone());
    }
    let retry = RetryConfig {
        max_retries: RETRIES,
        retry_timeout: RETRY_WITHIN,
        ..Default::default()
    };
    let store = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_retry(retry)
        .build()
        .map_err(|e| {
            Error::input(format!(
                "{SCHEME}{bucket}: could not configure the S3 store from the environment (AWS_REGION, \
                 AWS_ENDPOINT, AWS_ACCESS_KEY_ID …): {e}"
            ))
        })?;
    let store: Arc<dyn ObjectStore> = Arc::new(store);
    stores.insert(bucket.to_string(), store.clone());
    Ok(store)
}

/// The store's failure in the reader's terms: the URL, what was being done, the store's message and where the
/// settings come from.
fn failed(url: &str, doing: &str, e: &dyn std::fmt::Display) -> Error {
    Error::input(format!(
        "{url}: {doing} failed: {e} (the S3 store is configured by AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
         AWS_REGION, AWS_ENDPOINT and AWS_ALLOW_HTTP; see docs/cluster.md)"
    ))
}

/// Every object under the prefix `url` (a "directory": `s3://bucket/prefix` lists `prefix/…`), sorted by key.
pub fn list(url: &str) -> Result<Vec<ObjectInfo>> {
    use futures::TryStreamExt;
    let at = Located::parse(url)?;
    let store = s3(&at.bucket)?;
    let prefix = if at.key.is_empty() {
        None
    } else {
        Some(at.path(url)?)
    };
    let metas: Vec<object_store::ObjectMeta> = runtime()?
        .block_on(store.list(prefix.as_ref()).try_collect())
        .map_err(|e| failed(url, "listing the objects", &e))?;
    let mut out: Vec<ObjectInfo> = metas
        .iter()
        .map(|m| ObjectInfo::of(&at.bucket, m))
        .collect();
    out.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(out)
}

/// One object's size, last modification and ETag.
pub fn head(url: &str) -> Result<ObjectInfo> {
    let at = Located::parse(url)?;
    let store = s3(&at.bucket)?;
    let m = runtime()?
        .block_on(store.head(&at.path(url)?))
        .map_err(|e| failed(url, "reading the object's size and ETag", &e))?;
    Ok(ObjectInfo::of(&at.bucket, &m))
}

/// The Parquet footer of an object (its last bytes only: the metadata, never the rows). Reads the last 64 KiB,
/// then as much more as the footer says it needs.
pub fn footer(info: &ObjectInfo) -> Result<parquet::file::metadata::ParquetMetaData> {
    use parquet::errors::ParquetError;
    let at = Located::parse(&info.url)?;
    let store = s3(&at.bucket)?;
    let path = at.path(&info.url)?;
    let len = info.bytes;
    let bad = |e: &dyn std::fmt::Display| {
        Error::input(format!(
            "{}: expected a readable Parquet file: {e}",
            info.url
        ))
    };
    let get = |from: u64| {
        runtime()?
            .block_on(store.get_range(&path, from..len))
            .map_err(|e| failed(&info.url, "reading the Parquet footer", &e))
    };
    let mut bytes = get(len.saturating_sub(64 * 1024))?;
    let mut reader = parquet::file::metadata::ParquetMetaDataReader::new();
    loop {
        match reader.try_parse_sized(&bytes, len) {
            Ok(()) => break,
            Err(ParquetError::NeedMoreData(n)) if n > bytes.len() && n as u64 <= len => {
                bytes = get(len - n as u64)?;
            }
            Err(e) => return Err(bad(&e)),
        }
    }
    reader.finish().map_err(|e| bad(&e))
}

/// The `.parquet` objects of a ledger URL: the object itself when it names one, else every `.parquet` object
/// under it (a partition or a dataset), sorted by key.
pub fn parquet_objects(url: &str) -> Result<Vec<ObjectInfo>> {
    if url.ends_with(".parquet") {
        return Ok(vec![head(url)?]);
    }
    let found: Vec<ObjectInfo> = list(url)?
        .into_iter()
        .filter(|o| o.url.ends_with(".parquet"))
        .collect();
    if found.is_empty() {
        return Err(Error::input(format!(
            "{url}: no .parquet object under this prefix; expected a ledger object or a Parquet dataset"
        )));
    }
    Ok(found)
}

/// The URL DataFusion is given for an object: DataFusion percent-decodes a URL's path into the object's key, so
/// the `%` of the key's escapes (`municipality=%C3%85m%C3%A5l`), and `#` and `?`, are written as `%25`, `%23` and
/// `%3F`.
pub fn engine_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len() + 16);
    for c in url.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// The audit trail's entry of a ledger URL: the object's own when it names one; for a prefix (every `.parquet`
/// object under it), the objects' summed size, the latest modification and, as `etag`, the SHA-256 of the lines
/// `ETAG  relative/key` in key order (as a directory's files are hashed, [`crate::audit::hash_file`]). `objects`
/// are those ingest listed under `url` and read ([`crate::ingest::IngestReport`]'s `objects`): the store is not
/// asked again.
pub fn audit_of(url: &str, objects: &[ObjectInfo]) -> ObjectInfo {
    if url.ends_with(".parquet") || (objects.len() == 1 && objects[0].url == url) {
        if let Some(o) = objects.first() {
            return o.clone();
        }
    }
    let base = format!("{}/", url.trim_end_matches('/'));
    let mut list = String::new();
    for o in objects {
        let rel = o.url.strip_prefix(&base).unwrap_or(&o.url);
        list.push_str(&format!("{}  {rel}\n", o.etag));
    }
    ObjectInfo {
        url: url.to_string(),
        bytes: objects.iter().map(|o| o.bytes).sum(),
        modified: objects
            .iter()
            .map(|o| o.modified.clone())
            .max()
            .unwrap_or_default(),
        etag: crate::audit::sha256_hex(list.as_bytes()),
    }
}

/// An object-store registry for DataFusion sessions: the S3 store of any bucket an `s3://` URL names, made on
/// first use from the environment ([`s3`]); other URLs (files) as DataFusion's default registry resolves them.
/// `itcost-ballista` gives it to its scheduler (which lists a plan's files) and executors (which read them).
#[cfg(feature = "cluster")]
#[derive(Debug, Default)]
pub struct Registry {
    inner: datafusion::execution::object_store::DefaultObjectStoreRegistry,
}

#[cfg(feature = "cluster")]
impl datafusion::execution::object_store::ObjectStoreRegistry for Registry {
    fn register_store(
        &self,
        url: &url::Url,
        store: Arc<dyn ObjectStore>,
    ) -> Option<Arc<dyn ObjectStore>> {
        self.inner.register_store(url, store)
    }

    fn deregister_store(&self, url: &url::Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        self.inner.deregister_store(url)
    }

    fn get_store(&self, url: &url::Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        if url.scheme() != "s3" {
            return self.inner.get_store(url);
        }
        let bucket = url.host_str().unwrap_or("");
        s3(bucket).map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))
    }
}

/// A DataFusion runtime whose object stores come from [`Registry`] (spill files under `temp`, when given).
#[cfg(feature = "cluster")]
pub fn runtime_env(
    temp: Option<&str>,
) -> datafusion::error::Result<Arc<datafusion::execution::runtime_env::RuntimeEnv>> {
    let mut b = datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
        .with_object_store_registry(Arc::new(Registry::default()));
    if let Some(t) = temp {
        b = b.with_temp_file_path(t);
    }
    Ok(Arc::new(b.build()?))
}

/// Registers the S3 store of every bucket the files name on a DataFusion (or Ballista client) session.
#[cfg(feature = "cluster")]
pub fn register(
    ctx: &datafusion::prelude::SessionContext,
    files: &[std::path::PathBuf],
) -> Result<()> {
    let mut done: Vec<String> = Vec::new();
    for f in files.iter().filter(|f| is_url(f)) {
        let at = Located::parse(&f.to_string_lossy())?;
        if done.contains(&at.bucket) {
            continue;
        }
        let u = url::Url::parse(&format!("{SCHEME}{}", at.bucket))
            .map_err(|e| Error::input(format!("{}: not a URL: {e}", f.display())))?;
        ctx.register_object_store(&u, s3(&at.bucket)?);
        done.push(at.bucket);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths_and_taken_apart() {
        assert!(is_url(Path::new("s3://b/x")));
        assert!(is_url(Path::new("S3://b")));
        assert!(!is_url(Path::new("/data/s3://b")));
        assert!(!is_url(Path::new("s3/b")));
        let at = Located::parse("s3://ledgers/sweden/").unwrap();
        assert_eq!(
            at,
            Located {
                bucket: "ledgers".into(),
                key: "sweden".into()
            }
        );
        assert_eq!(at.url_of("a/b.parquet"), "s3://ledgers/a/b.parquet");
        assert_eq!(Located::parse("s3://b").unwrap().key, "");
        assert_eq!(
            engine_url("s3://b/municipality=%C3%85m%C3%A5l/year=2024/x#1?.parquet"),
            "s3://b/municipality=%25C3%2585m%25C3%25A5l/year=2024/x%231%3F.parquet"
        );
        let at = Located::parse("s3://b/m=%C3%85/l.parquet").unwrap();
        assert_eq!(at.path("u").unwrap().as_ref(), "m=%C3%85/l.parquet");
        assert!(Located::parse("s3:///x")
            .unwrap_err()
            .to_string()
            .contains("no bucket"));
    }
}
