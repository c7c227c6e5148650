//! The key table of a canonical Parquet ledger computed by Apache DataFusion, in this process or on an Apache
//! Ballista cluster (the same logical plan: Ballista ships it to its executors).
//!
//! The plan, per ledger file (one `municipality=…/year=…/ledger.parquet` of a dataset), two queries:
//! 1. **Profile.** The file's lines grouped by period (`COALESCE(period, YYYYMM of date)`), municipality, year
//!    and, when some keys may keep their texts, account text and supplier as written: `COUNT(*)`, `MIN(line)`.
//!    A few hundred groups: the months, the stamp (the first non-empty municipality and year, by line), and the
//!    account texts and suppliers in which the rules' suspect keywords occur ([`KeepTexts::value_keeps`]).
//! 2. **Keys.** Project the seven coded fields as written, the line text's keyword signature, the amount and the
//!    line; group by the coded fields, the signature and, for the lines that could belong to a key that keeps a
//!    sum per distinct text (a suspect keyword's bit in the signature, or an account text or supplier from 1:
//!    [`KeepTexts::text_atoms`]), the text; `SUM(amount_ore)`, `COUNT(*)`, `MIN(line)`, `MAX(ABS(amount_ore))`.
//!    The client decides with the same Rust code as the local engine which of those keys keep their texts
//!    (unclassified IT suspects: the report lists their top texts) and adds up the texts of the others. It
//!    trims the coded values of each key (Unicode white space, as the local reader trims every value) and adds up
//!    keys that meet after trimming: trimming once per key, not per line.
//!    The signature is computed by DataFusion's built-ins over `lower(text)`: `contains` for a keyword of more
//!    than three characters, `regexp_like` for a short keyword (whole word) or a rule's regex
//!    ([`crate::rules::keyword_regex::atom_tests`], equal to the Rust matcher), packed into 63 bits per `Int64`
//!    word (`CASE WHEN … THEN 2^b`), behind one combined pattern that skips texts holding no keyword. So stock
//!    executors run it: no user-defined function, no second copy of the rules.
//!
//! (When a municipality has several files, a third query reads its distinct voucher numbers.)
//!
//! Money stays integer öre: each group's sum is trusted only when `COUNT × MAX|amount| < 2⁶³` (no `i64`
//! overflow can have happened on the way); otherwise the run stops with an error naming the file and the key.
//! The client adds the keys into [`KeySums`] in the order of their first lines, as the local reader's table is
//! ordered, so the frame handed to classification is the same row for row.

use super::{Engine, EngineSums};
use crate::error::{Error, Result};
use crate::ingest::ledger::{KeepTexts, KeyPlan, KeySums, CODED, KEY_FIELDS, TEXT_FIELDS};
use crate::ingest::ReadOptions;
use crate::rules::keyword_regex::AtomTest;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SessionStateBuilder;
use datafusion::functions::expr_fn::{btrim, coalesce, contains, date_part, lower, regexp_like};
use datafusion::functions_aggregate::expr_fn::{count, max, min, sum};
use datafusion::prelude::*;
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Unicode white space (`char::is_whitespace`, what `str::trim` removes): the local reader trims every value.
pub const WHITE_SPACE: &str =
    "\u{9}\u{a}\u{b}\u{c}\u{d}\u{20}\u{85}\u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\
\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// Signature bits per `Int64` word (the sign bit is left alone).
const BITS: usize = 63;

/// Rows per record batch. DataFusion's `regexp_like` compiles its pattern once per batch: at the default 8 192
/// rows, compiling the signature's patterns took a tenth of the engine's time (perf, 500 000 lines).
const BATCH_ROWS: usize = 65_536;

/// Partitions of a DataFusion plan (and of a Ballista stage): at least 4, else the machine's cores.
pub fn target_partitions() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(4)
        .max(4)
}

/// The runtime the engine's futures run on (DataFusion and Ballista are async; the pipeline is not).
pub fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("itcost-engine")
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| Error::internal(format!("could not start the engine's runtime: {e}")))
}

/// A session on the engine: in-process DataFusion, or a Ballista client connected to the scheduler.
pub async fn session(engine: &Engine) -> Result<SessionContext> {
    match engine {
        Engine::Ballista(url) => {
            use ballista::prelude::{SessionConfigExt, SessionContextExt};
            // Ballista's static planner, not its adaptive one (on by default in Ballista 55): the adaptive path
            // does not recover from a lost executor (apache/datafusion-ballista#1986, #2150): a job whose
            // executor died mid-stage stayed "running" for ever in our tests, where the static path reruns the
            // lost tasks. A plan of itcost is one aggregation per file: adaptive planning has nothing to choose.
            // The client polls for each job's state (pull mode) rather than waiting for the scheduler's pushed
            // updates: it then knows the job's id from the moment the job is accepted, and can cancel a job that
            // outlives [`time_limit`] (a pushed id arrives only with the job's first update).
            let config = SessionConfig::new_with_ballista()
                .with_target_partitions(target_partitions())
                .with_batch_size(BATCH_ROWS)
                .set_str("ballista.planner.adaptive.enabled", "false")
                .set_str("ballista.client.pull", "true");
            let state = SessionStateBuilder::new()
                .with_config(config)
                .with_default_features()
                .build();
            SessionContext::remote_with_state(url, state)
                .await
                .map_err(|e| engine_error(engine, "connecting to the scheduler", &e))
        }
        _ => Ok(SessionContext::new_with_config(
            SessionConfig::new()
                .with_target_partitions(target_partitions())
                .with_batch_size(BATCH_ROWS),
        )),
    }
}

/// The engine's failure in the reader's terms: which engine, doing what, and the engine's own message.
pub fn engine_error(engine: &Engine, doing: &str, e: &dyn std::fmt::Display) -> Error {
    let at = match engine {
        Engine::Ballista(url) => format!("the Ballista cluster at {url}"),
        _ => "DataFusion".to_string(),
    };
    Error::input(format!("{at}, {doing}: {e}"))
}

/// The longest wait for one query's answer from a Ballista cluster: `ITCOST_ENGINE_TIMEOUT` seconds, 1 800 (half
/// an hour) when unset. A backstop, not a tuning knob: one query sums one file (a municipality-year, 1–5 million
/// lines: seconds on one executor), so an answer that takes half an hour is a cluster that will not answer (a
/// job left waiting for an executor that died, docs/cluster.md).
fn time_limit() -> std::time::Duration {
    let secs = std::env::var("ITCOST_ENGINE_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(1800);
    std::time::Duration::from_secs(secs)
}

/// Times a query is submitted to a Ballista cluster when its answer was lost with an executor.
const TRIES: usize = 3;

/// A query's batches. On a Ballista cluster:
/// - the wait is bounded by [`time_limit`]: past it the job is cancelled at the scheduler and the query fails
///   saying so, so that a run never waits for ever and leaves no job behind;
/// - a job whose answer was lost with an executor ([`answer_lost`]: Ballista reruns lost work inside a job, but
///   not the final results the client reads from an executor) is submitted again, at most [`TRIES`] times in
///   all, within the same time limit. The answer is the same whichever executor computes it.
async fn answer(df: DataFrame, engine: &Engine) -> datafusion::error::Result<Vec<RecordBatch>> {
    let Engine::Ballista(url) = engine else {
        return df.collect().await;
    };
    let limit = time_limit();
    let deadline = tokio::time::Instant::now() + limit;
    let mut tries = 0;
    loop {
        tries += 1;
        match answer_by(df.clone(), url, deadline, limit).await {
            Err(e) if tries < TRIES && answer_lost(&e) => continue,
            done => return done,
        }
    }
}

/// Whether a Ballista query failed because an executor it read from was gone: the client could not connect to
/// it for the job's results, or a stage could not fetch another's shuffle output (Ballista's own messages).
fn answer_lost(e: &datafusion::error::DataFusionError) -> bool {
    let m = e.to_string();
    m.contains("Error connecting to Ballista scheduler or executor")
        || m.contains("Shuffle fetch partition error")
}

/// One submission of a query to the Ballista cluster at `url`, answered by `deadline` (the job is cancelled
/// otherwise; `limit` is the whole wait, named in the message).
async fn answer_by(
    df: DataFrame,
    url: &str,
    deadline: tokio::time::Instant,
    limit: std::time::Duration,
) -> datafusion::error::Result<Vec<RecordBatch>> {
    let task = Arc::new(df.task_ctx());
    let plan = df.create_physical_plan().await?;
    let run = datafusion::physical_plan::collect(Arc::clone(&plan), task);
    match tokio::time::timeout_at(deadline, run).await {
        Ok(done) => done,
        Err(_) => {
            let job = plan
                .downcast_ref::<ballista_core::execution_plans::DistributedQueryExec<
                    datafusion_proto::protobuf::LogicalPlanNode,
                >>()
                .and_then(|d| d.job_id());
            let fate = match job {
                Some(id) => match cancel(url, id.as_str()).await {
                    true => format!("job {id} was cancelled"),
                    false => {
                        format!("job {id} could not be cancelled: the scheduler did not answer")
                    }
                },
                None => "the job was never accepted by the scheduler".to_string(),
            };
            Err(datafusion::error::DataFusionError::Execution(format!(
                "no answer within {} s (ITCOST_ENGINE_TIMEOUT); {fate}. The scheduler's log says why: an \
                 executor lost during the job is the usual cause",
                limit.as_secs()
            )))
        }
    }
}

/// Asks the scheduler at `url` (`ballista://HOST:PORT`) to cancel a job; false when it did not answer within 10 s.
async fn cancel(url: &str, job: &str) -> bool {
    use ballista_core::serde::protobuf::{
        scheduler_grpc_client::SchedulerGrpcClient, CancelJobParams,
    };
    let addr = url.replacen("ballista://", "http://", 1);
    let asked = async {
        let mut client = SchedulerGrpcClient::connect(addr).await.ok()?;
        let params = CancelJobParams {
            job_id: job.to_string(),
        };
        client
            .cancel_job(params)
            .await
            .ok()
            .map(|r| r.into_inner().cancelled)
    };
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(10), asked).await,
        Ok(Some(true))
    )
}

/// Sums canonical Parquet ledgers per key on `engine` (see the module doc); `shown` names the input in messages.
pub fn sum_files(
    engine: &Engine,
    shown: &str,
    files: &[PathBuf],
    opts: &ReadOptions,
) -> Result<EngineSums> {
    let rt = runtime()?;
    rt.block_on(async {
        let ctx = session(engine).await?;
        // Objects in an object store (`s3://…`): the session reads them through the store (docs/cluster.md).
        super::store::register(&ctx, files)?;
        let mut sums = KeySums::with_plan(opts.plan.clone());
        sums.keep_vouchers = opts.vouchers;
        let mut sum_ore = 0i64;
        let mut stamp: (Option<String>, Option<i32>) = (None, None);
        // Two files of one input in flight (a dataset given as one path), taken in order: while this thread turns
        // one file's answer into keys (the client's share of the work), the engine's threads already sum the next
        // file. The keys still reach the run's table file by file, in the order of `files`. (A run's inputs are
        // read in parallel by the pipeline already, one per core.)
        let ctx = &ctx;
        let mut each = futures::stream::iter(files.iter())
            .map(|path| async move { (path, FileSums::of(ctx, engine, path, opts).await) })
            .buffered(2);
        while let Some((path, file)) = each.next().await {
            let file = file?;
            sum_ore = sum_ore.checked_add(file.sum_ore).ok_or_else(|| {
                Error::input(format!("{shown}: the sum of the amounts overflows"))
            })?;
            if stamp == (None, None) {
                stamp = file.stamp.clone();
            }
            file.add_to(&mut sums);
            crate::progress::advance(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        }
        Ok(EngineSums {
            sums,
            sum_ore,
            stamp,
        })
    })
}

/// One key row of the engine's answer.
struct KeyRow {
    /// The coded values as the file holds them (what the engine grouped by); [`KeyRow::coded`] trims them.
    raw: [String; CODED],
    sig: Vec<u8>,
    /// The line text as written (only in the per-text rows of the keys that keep their texts).
    text: String,
    sum: i64,
    lines: u64,
    first_line: u32,
    /// Whether the key keeps a sum per distinct text (the plan asked once, on the client).
    keeps: bool,
}

impl KeyRow {
    /// The coded values, trimmed as the local reader trims them (`str::trim`).
    fn coded(&self) -> [&str; CODED] {
        std::array::from_fn(|i| self.raw[i].trim())
    }

    /// The line text, trimmed.
    fn text(&self) -> &str {
        self.text.trim()
    }
}

/// Each query's wall time on stderr when `ITCOST_TRACE` is set (as the pipeline's stage trace): where a file's
/// time goes between the engine and the client.
struct QueryTrace {
    shown: Option<String>,
    last: std::time::Instant,
}

impl QueryTrace {
    fn new(shown: &str) -> QueryTrace {
        QueryTrace {
            shown: std::env::var_os("ITCOST_TRACE").map(|_| shown.to_string()),
            last: std::time::Instant::now(),
        }
    }

    fn mark(&mut self, step: &str) {
        if let Some(shown) = &self.shown {
            let now = std::time::Instant::now();
            eprintln!(
                "itcost: trace: {shown}: {step} {:.3} s",
                (now - self.last).as_secs_f64()
            );
            self.last = now;
        }
    }
}

/// What the engine computed for one file.
struct FileSums {
    keys: Vec<KeyRow>,
    /// The keys in the order of their first lines (then values): indices into `keys`.
    order: Vec<usize>,
    periods: Vec<(i32, u64)>,
    vouchers: Vec<String>,
    sum_ore: i64,
    stamp: (Option<String>, Option<i32>),
}

impl FileSums {
    async fn of(
        ctx: &SessionContext,
        engine: &Engine,
        path: &Path,
        opts: &ReadOptions,
    ) -> Result<FileSums> {
        let shown = path.display().to_string();
        let mut trace = QueryTrace::new(&shown);
        let fail = |doing: &str, e: &dyn std::fmt::Display| {
            engine_error(engine, &format!("{doing} {shown}"), e)
        };
        let at = path.to_string_lossy();
        let at = match super::store::is_url(path) {
            true => super::store::engine_url(&at),
            false => at.into_owned(),
        };
        let table = ctx
            .read_parquet(at.as_str(), ParquetReadOptions::default())
            .await
            .map_err(|e| fail("reading", &e))?;
        let names: Vec<String> = table
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let has = |c: &str| names.iter().any(|n| n == c);
        for c in ["account", "amount_ore"] {
            if !has(c) {
                return Err(Error::input(format!(
                    "{shown}: expected an itcost canonical ledger (written by `itcost convert`), missing column '{c}'"
                )));
            }
        }
        let trimmed = |c: &str| -> Expr {
            if has(c) {
                coalesce(vec![btrim(vec![col(c), lit(WHITE_SPACE)]), lit("")])
            } else {
                lit("")
            }
        };
        // The coded values are grouped as written and trimmed on the client, once per key: trimming every line's
        // seven values took a tenth of the engine's time. Keys that differ only in white space around a value
        // meet again in the run's table (`KeySums::add_summed` adds them up).
        let raw = |c: &str| -> Expr {
            if has(c) {
                coalesce(vec![col(c), lit("")])
            } else {
                lit("")
            }
        };
        let coded_names: Vec<&str> = KEY_FIELDS[..CODED]
            .iter()
            .map(|&i| TEXT_FIELDS[i].key())
            .collect();
        let patterns = opts
            .plan
            .as_ref()
            .map(|p| crate::rules::keyword_regex::atom_patterns(&p.keywords))
            .unwrap_or_default();
        let tests = opts
            .plan
            .as_ref()
            .map(|p| crate::rules::keyword_regex::atom_tests(&p.keywords))
            .unwrap_or_default();
        let words = patterns.len().div_ceil(BITS);
        // Per-text sums group the text as written, trimmed on the client like the coded values (DataFusion's
        // `btrim` with a set of characters collected the set again for every value: a tenth of the engine's time).
        let regex_atoms = opts
            .plan
            .as_ref()
            .is_some_and(|p| !p.keywords.regexes().is_empty());
        let mut first: Vec<Expr> = coded_names
            .iter()
            .enumerate()
            .map(|(i, c)| raw(c).alias(format!("k{i}")))
            .collect();
        first.push(raw("text").alias("text_t"));
        first.push(col("amount_ore").alias("amount"));
        first.push(if has("line") {
            coalesce(vec![cast_expr(col("line"), DataType::Int64), lit(0i64)]).alias("line")
        } else {
            lit(0i64).alias("line")
        });
        let planned = if patterns.is_empty() {
            table.clone().select(first)
        } else {
            // Keywords are trimmed, so the white space around a text changes no keyword's match; a rule's regex
            // (`^…`, `…$`) may see it: the text is trimmed for its signature only then.
            let text = if regex_atoms {
                coalesce(vec![lower(trimmed("text")), lit("")])
            } else {
                coalesce(vec![lower(raw("text")), lit("")])
            };
            // One combined pattern settles the texts holding no atom.
            let gate = regexp_like(text.clone(), lit(any_atom(&patterns)), None);
            first.extend(signature_words(&text, &gate, &tests));
            table.clone().select(first)
        };
        let rows = planned.map_err(|e| fail("planning", &e))?;
        let mut group: Vec<Expr> = (0..CODED)
            .map(|i| col(format!("k{i}")))
            .chain((0..words).map(|j| col(format!("w{j}"))))
            .collect();
        // The keys that may keep a sum per distinct text (unclassified IT suspects) are known only to the rules
        // on the client, but a condition they all meet is known before: a suspect keyword in the line text's
        // signature, the account text or the supplier. The file's distinct account texts and suppliers come
        // first (with its lines per month), then the keys' query groups the lines meeting that condition by
        // their text too, and the client adds up the texts of the keys that turn out not to keep them.
        let keep = opts
            .plan
            .as_ref()
            .and_then(|p: &KeyPlan| p.keep_texts.clone());
        let line = if has("line") {
            coalesce(vec![cast_expr(col("line"), DataType::Int64), lit(0i64)])
        } else {
            lit(0i64)
        };
        let columns = ProfileColumns {
            period: period_expr(has("period"), has("date")),
            line,
            municipality: has("municipality").then(|| coalesce(vec![col("municipality"), lit("")])),
            year: has("year").then(|| col("year")),
            values: keep
                .is_some()
                .then(|| [raw(coded_names[1]), raw(coded_names[6])]),
        };
        let profile = Profile::of(&table, columns, engine)
            .await
            .map_err(|e| fail("reading the months, municipality and year of", &e))?;
        trace.mark("months, municipality, year, account texts, suppliers");
        let hold = keep
            .as_ref()
            .and_then(|kt| texts_condition(kt.as_ref(), &profile, words));
        let with_text = hold.is_some();
        let rows = match hold {
            Some(cond) => {
                let mut cols: Vec<Expr> = group.clone();
                cols.extend([col("amount"), col("line")]);
                cols.push(
                    when(cond, col("text_t"))
                        .end()
                        .map_err(|e| fail("planning", &e))?
                        .alias("t"),
                );
                group.push(col("t"));
                rows.select(cols).map_err(|e| fail("planning", &e))?
            }
            None => rows,
        };
        let aggs = vec![
            sum(col("amount")).alias("sum"),
            count(lit(1i64)).alias("n"),
            count(col("amount")).alias("n_amount"),
            min(col("line")).alias("first_line"),
            max(datafusion::functions::math::expr_fn::abs(col("amount"))).alias("max_abs"),
        ];
        let summed = rows
            .aggregate(group, aggs)
            .map_err(|e| fail("planning", &e))?;
        let batches = answer(summed, engine)
            .await
            .map_err(|e| fail("summing", &e))?;
        trace.mark(&format!(
            "keys ({} rows)",
            batches.iter().map(|b| b.num_rows()).sum::<usize>()
        ));
        let keys = key_rows(
            &batches,
            words,
            keep.as_deref().filter(|_| with_text),
            &shown,
        )?;
        let mut sum_ore = 0i64;
        for k in &keys {
            sum_ore = sum_ore
                .checked_add(k.sum)
                .ok_or_else(|| Error::input(format!("{shown}: the running sum overflows")))?;
            account_check(&shown, k)?;
        }
        trace.mark(&format!("client: {} key rows", keys.len()));
        // In the order of first lines (then values): the order the local reader's table has.
        // Sorted as indices (a key row is ~250 bytes, which a sort would move many times); `add_to` follows them.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&keys[a], &keys[b]);
            a.first_line
                .cmp(&b.first_line)
                .then_with(|| (a.coded(), &a.sig, a.text()).cmp(&(b.coded(), &b.sig, b.text())))
        });

        trace.mark("client: sort");
        let vouchers = if opts.vouchers && has("voucher") {
            let v = trimmed("voucher").alias("v");
            let distinct = table
                .clone()
                .select(vec![v])
                .and_then(|d| d.filter(col("v").not_eq(lit(""))))
                .and_then(|d| d.distinct())
                .map_err(|e| fail("planning", &e))?;
            let b = answer(distinct, engine)
                .await
                .map_err(|e| fail("reading the vouchers of", &e))?;
            strings(&b, 0)?
        } else {
            Vec::new()
        };
        trace.mark("vouchers");
        Ok(FileSums {
            keys,
            order,
            periods: profile.periods,
            vouchers,
            sum_ore,
            stamp: profile.stamp,
        })
    }

    /// Adds the file's keys, months and vouchers to the run's sums.
    fn add_to(&self, sums: &mut KeySums) {
        for k in self.order.iter().filter_map(|&i| self.keys.get(i)) {
            sums.add_summed(
                &k.coded(),
                k.text(),
                &k.sig,
                k.first_line,
                k.sum,
                k.lines,
                Some(k.keeps),
            );
        }
        for (p, n) in &self.periods {
            sums.add_period(*p, *n);
        }
        if sums.keep_vouchers {
            for v in &self.vouchers {
                if !sums.vouchers.contains(v.as_str()) {
                    sums.vouchers.insert(Box::from(v.as_str()));
                }
            }
        }
    }
}

/// The period of a line: `COALESCE(period, YYYYMM of date)`.
fn period_expr(has_period: bool, has_date: bool) -> Expr {
    let from_date = if has_date {
        cast_expr(date_part(lit("year"), col("date")), DataType::Int64) * lit(100i64)
            + cast_expr(date_part(lit("month"), col("date")), DataType::Int64)
    } else {
        lit(datafusion::scalar::ScalarValue::Int64(None))
    };
    if has_period {
        coalesce(vec![cast_expr(col("period"), DataType::Int64), from_date])
    } else {
        from_date
    }
}

/// What one query over a file's low-cardinality columns tells: its lines per month, its municipality and year
/// (the first non-empty, by line), and, when keys may keep their texts, its distinct account texts and
/// suppliers as written.
struct Profile {
    periods: Vec<(i32, u64)>,
    stamp: (Option<String>, Option<i32>),
    account_texts: Vec<String>,
    suppliers: Vec<String>,
}

/// The columns of a file that [`Profile::of`] groups by: an expression each, `None` where the file lacks it.
struct ProfileColumns {
    period: Expr,
    line: Expr,
    municipality: Option<Expr>,
    year: Option<Expr>,
    /// The account text and the supplier as the keys' query groups them (`k1`, `k6`), when keys may keep
    /// their texts.
    values: Option<[Expr; 2]>,
}

impl Profile {
    /// Groups the file's lines by the [`ProfileColumns`] (a few hundred groups: none of them is per line).
    async fn of(
        table: &DataFrame,
        columns: ProfileColumns,
        engine: &Engine,
    ) -> datafusion::error::Result<Profile> {
        let mut group = vec![columns.period.alias("p")];
        if let Some(m) = columns.municipality {
            group.push(m.alias("m"));
        }
        if let Some(y) = columns.year {
            group.push(cast_expr(y, DataType::Int64).alias("y"));
        }
        let with_values = columns.values.is_some();
        if let Some([account_text, supplier]) = columns.values {
            group.extend([account_text.alias("v1"), supplier.alias("v6")]);
        }
        let aggs = vec![
            count(lit(1i64)).alias("n"),
            min(columns.line).alias("first"),
        ];
        let per_group = table.clone().aggregate(group, aggs)?;
        let b = answer(per_group, engine).await?;
        let mut per_month: std::collections::BTreeMap<i32, u64> = Default::default();
        let mut muni: Option<(i64, String)> = None;
        let mut year: Option<(i64, i32)> = None;
        let mut account_texts = std::collections::BTreeSet::new();
        let mut suppliers = std::collections::BTreeSet::new();
        for batch in &b {
            let named = |c: &str| {
                batch
                    .schema()
                    .index_of(c)
                    .ok()
                    .map(|i| batch.column(i).clone())
            };
            let (Some(p), Some(n), Some(first)) = (named("p"), named("n"), named("first")) else {
                continue;
            };
            let (p, n, first) = (int64(&p)?, int64(&n)?, int64(&first)?);
            let utf8 = |c: &str| -> datafusion::error::Result<Option<ArrayRef>> {
                named(c)
                    .map(|a| cast(&a, &DataType::Utf8))
                    .transpose()
                    .map_err(Into::into)
            };
            let (m, v1, v6) = (utf8("m")?, utf8("v1")?, utf8("v6")?);
            let y = named("y").map(|a| int64(&a)).transpose()?;
            for r in 0..batch.num_rows() {
                if p.is_valid(r) {
                    *per_month.entry(p.value(r) as i32).or_default() += n.value(r).max(0) as u64;
                }
                let at = if first.is_valid(r) {
                    first.value(r)
                } else {
                    i64::MAX
                };
                if let Some(m) = &m {
                    let v = m.as_string::<i32>();
                    let v = if v.is_valid(r) { v.value(r).trim() } else { "" };
                    if !v.is_empty()
                        && muni
                            .as_ref()
                            .is_none_or(|(a, s)| (at, v) < (*a, s.as_str()))
                    {
                        muni = Some((at, v.to_string()));
                    }
                }
                if let Some(y) = &y {
                    let v = y
                        .is_valid(r)
                        .then(|| i32::try_from(y.value(r)).ok())
                        .flatten();
                    if let Some(v) = v {
                        if year.is_none_or(|(a, w)| (at, v) < (a, w)) {
                            year = Some((at, v));
                        }
                    }
                }
                if with_values {
                    for (col, set) in [(&v1, &mut account_texts), (&v6, &mut suppliers)] {
                        if let Some(c) = col {
                            let c = c.as_string::<i32>();
                            set.insert(if c.is_valid(r) { c.value(r) } else { "" }.to_string());
                        }
                    }
                }
            }
        }
        Ok(Profile {
            periods: per_month.into_iter().collect(),
            stamp: (muni.map(|(_, m)| m), year.map(|(_, y)| y)),
            account_texts: account_texts.into_iter().collect(),
            suppliers: suppliers.into_iter().collect(),
        })
    }
}

/// The condition under which the keys' query also groups a line by its text: a bit of the suspect keywords in
/// its signature, or an account text or supplier that [`KeepTexts::value_keeps`]. Every key that keeps its
/// texts meets it ([`KeepTexts::text_atoms`]); `None` when no line can.
fn texts_condition(keep: &dyn KeepTexts, profile: &Profile, words: usize) -> Option<Expr> {
    let mut any: Vec<Expr> = Vec::new();
    match keep.text_atoms() {
        None => any.push(lit(true)),
        Some(atoms) => {
            let mut masks = vec![0i64; words];
            for a in atoms {
                if let Some(m) = masks.get_mut(a / BITS) {
                    *m |= 1i64 << (a % BITS);
                }
            }
            for (j, m) in masks.into_iter().enumerate().filter(|(_, m)| *m != 0) {
                let bits = Expr::BinaryExpr(datafusion::logical_expr::BinaryExpr::new(
                    Box::new(col(format!("w{j}"))),
                    datafusion::logical_expr::Operator::BitwiseAnd,
                    Box::new(lit(m)),
                ));
                any.push(bits.not_eq(lit(0i64)));
            }
        }
    }
    for (k, values) in [(1, &profile.account_texts), (6, &profile.suppliers)] {
        let hits: Vec<Expr> = values
            .iter()
            .filter(|v| keep.value_keeps(v.trim()))
            .map(|v| lit(v.as_str()))
            .collect();
        if !hits.is_empty() {
            any.push(col(format!("k{k}")).in_list(hits, false));
        }
    }
    any.into_iter().reduce(Expr::or)
}

/// `CAST(e AS t)`.
fn cast_expr(e: Expr, t: DataType) -> Expr {
    Expr::Cast(datafusion::logical_expr::Cast::new(Box::new(e), t))
}

/// One pattern that matches when any atom's pattern matches (over the lower-cased text).
fn any_atom(patterns: &[String]) -> String {
    patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|")
}

/// The signature words `w0, w1, …` of the lower-cased text: bit `b` of word `j` is atom `63 j + b`. A keyword of
/// more than three characters is tested with `contains` (a substring search), the others with `regexp_like`
/// ([`AtomTest`]); all of them only where `gate` holds (it must hold for every text holding some atom).
fn signature_words(text: &Expr, gate: &Expr, tests: &[AtomTest]) -> Vec<Expr> {
    if tests.is_empty() {
        return Vec::new();
    }
    tests
        .chunks(BITS)
        .enumerate()
        .map(|(j, chunk)| {
            let mut word: Option<Expr> = None;
            for (b, t) in chunk.iter().enumerate() {
                let test = match t {
                    AtomTest::Contains(w) => contains(text.clone(), lit(w.as_str())),
                    AtomTest::Regex(p) => regexp_like(text.clone(), lit(p.as_str()), None),
                };
                let bit = when(test, lit(1i64 << b))
                    .otherwise(lit(0i64))
                    .unwrap_or_else(|_| lit(0i64));
                word = Some(match word {
                    Some(w) => w + bit,
                    None => bit,
                });
            }
            let word = word.unwrap_or_else(|| lit(0i64));
            when(gate.clone(), word)
                .otherwise(lit(0i64))
                .unwrap_or_else(|_| lit(0i64))
                .alias(format!("w{j}"))
        })
        .collect()
}

/// The signature bytes of the words (bit `63 j + b` = bit `b` of word `j`), without trailing zero bytes.
fn sig_of_words(words: &[i64]) -> Vec<u8> {
    let mut sig: Vec<u8> = Vec::new();
    for (j, w) in words.iter().enumerate() {
        for b in 0..BITS {
            if w & (1i64 << b) != 0 {
                let i = j * BITS + b;
                if sig.len() <= i / 8 {
                    sig.resize(i / 8 + 1, 0);
                }
                sig[i / 8] |= 1 << (i % 8);
            }
        }
    }
    sig
}

/// The words of signature bytes (inverse of [`sig_of_words`]).
#[cfg(test)]
fn words_of(sig: &[u8], words: usize) -> Vec<i64> {
    let mut out = vec![0i64; words];
    for i in 0..sig.len() * 8 {
        if crate::rules::keywords::has_bit(sig, i) {
            out[i / BITS] |= 1i64 << (i % BITS);
        }
    }
    out
}

/// An Int64 view of a column (cast when the engine chose another integer type).
fn int64(c: &ArrayRef) -> datafusion::error::Result<datafusion::arrow::array::Int64Array> {
    let c = cast(c, &DataType::Int64)?;
    Ok(c.as_primitive::<Int64Type>().clone())
}

/// A column's values as strings ("" for null).
fn strings(batches: &[RecordBatch], i: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for b in batches {
        let c = text_column(b, i)?;
        out.extend((0..c.len()).map(|r| text_at(&c, r).to_string()));
    }
    Ok(out)
}

/// Column `i` of a batch as a string array the client can read in place: as it came (`Utf8View`, `Utf8`,
/// `LargeUtf8`), else cast to `Utf8`.
fn text_column(b: &RecordBatch, i: usize) -> Result<ArrayRef> {
    let c = b.column(i);
    match c.data_type() {
        DataType::Utf8View | DataType::Utf8 | DataType::LargeUtf8 => Ok(c.clone()),
        _ => cast(c, &DataType::Utf8)
            .map_err(|e| Error::internal(format!("the engine's answer: {e}"))),
    }
}

/// Row `r` of a [`text_column`] ("" for null).
fn text_at(c: &ArrayRef, r: usize) -> &str {
    if c.is_null(r) {
        return "";
    }
    match c.data_type() {
        DataType::Utf8View => c.as_string_view().value(r),
        DataType::LargeUtf8 => c.as_string::<i64>().value(r),
        _ => c.as_string::<i32>().value(r),
    }
}

/// The key rows of the keys' query (columns: k0…k6, w0…, [t], sum, n, n_amount, first_line, max_abs), with
/// the overflow guard and the missing-amount check. The strings are read in place from the engine's arrays and
/// copied once, into the key row.
///
/// With `keep`, the query grouped some lines by their text too (`t`, [`texts_condition`]); each key is decided
/// once (`KeepTexts::keeps_texts`, the answer carried in the row): a key that keeps its texts keeps one row per
/// text, the rows of any other key are added into one row without text.
fn key_rows(
    batches: &[RecordBatch],
    words: usize,
    keep: Option<&dyn KeepTexts>,
    shown: &str,
) -> Result<Vec<KeyRow>> {
    let bad = |e: datafusion::arrow::error::ArrowError| {
        Error::internal(format!("{shown}: the engine's answer: {e}"))
    };
    let mut out: Vec<KeyRow> = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
    let columns: Vec<(Vec<ArrayRef>, Option<ArrayRef>)> = batches
        .iter()
        .map(|b| {
            let coded = (0..CODED)
                .map(|i| text_column(b, i))
                .collect::<Result<_>>()?;
            let text = match keep {
                Some(_) => Some(text_column(b, CODED + words)?),
                None => None,
            };
            Ok((coded, text))
        })
        .collect::<Result<_>>()?;
    // Per key (coded values as the engine gave them, signature): whether it keeps its texts, and the row the
    // texts of a key that does not were added into.
    type Fate = (bool, Option<usize>);
    let mut fates: polars::prelude::PlHashMap<([&str; CODED], Vec<u8>), Fate> = Default::default();
    for (b, (coded, texts)) in batches.iter().zip(&columns) {
        let n_rows = b.num_rows();
        let ws: Vec<_> = (0..words)
            .map(|j| int64(b.column(CODED + j)))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::internal(format!("{shown}: the engine's answer: {e}")))?;
        let at = CODED + words + usize::from(texts.is_some());
        let col_i64 = |i: usize| -> Result<datafusion::arrow::array::Int64Array> {
            let c = cast(b.column(i), &DataType::Int64).map_err(bad)?;
            Ok(c.as_primitive::<Int64Type>().clone())
        };
        let (sums, ns, n_amounts, firsts, max_abs) = (
            col_i64(at)?,
            col_i64(at + 1)?,
            col_i64(at + 2)?,
            col_i64(at + 3)?,
            col_i64(at + 4)?,
        );
        let mut wv: Vec<i64> = vec![0; words];
        for r in 0..n_rows {
            let n = ns.value(r).max(0) as u64;
            if n_amounts.value(r) != ns.value(r) {
                return Err(Error::input(format!(
                    "{shown}: line {}: column 'amount_ore': expected an amount in öre, found an empty cell",
                    firsts.value(r)
                )));
            }
            // Overflow guard: no partial sum of this group can have left i64 when n × max|amount| < 2^63.
            let bound = (n as i128) * (max_abs.value(r).unsigned_abs() as i128);
            if bound >= i64::MAX as i128 {
                return Err(Error::input(format!(
                    "{shown}: the lines of account {} cost centre {} could overflow a 64-bit sum of öre \
                     ({n} lines, largest amount {} öre); split the ledger",
                    text_at(&coded[0], r).trim(),
                    text_at(&coded[2], r).trim(),
                    max_abs.value(r)
                )));
            }
            for (v, w) in wv.iter_mut().zip(&ws) {
                *v = w.value(r);
            }
            let raw: [&str; CODED] = std::array::from_fn(|i| text_at(&coded[i], r));
            let sig = sig_of_words(&wv);
            let (sum, first_line) = (sums.value(r), u32::try_from(firsts.value(r)).unwrap_or(0));
            let row = |keeps: bool, text: &str| KeyRow {
                raw: raw.map(str::to_string),
                sig: sig.clone(),
                text: text.to_string(),
                sum,
                lines: n,
                first_line,
                keeps,
            };
            // A row without text is a whole key that meets no condition for keeping its texts: it keeps none.
            let (Some(kt), Some(t)) = (keep, texts.as_ref().filter(|t| t.is_valid(r))) else {
                out.push(row(false, ""));
                continue;
            };
            let fate = fates.entry((raw, sig.clone())).or_insert_with(|| {
                let coded: [&str; CODED] = raw.map(str::trim);
                (kt.keeps_texts(&coded, &sig), None)
            });
            match *fate {
                (true, _) => out.push(row(true, text_at(t, r))),
                (false, Some(i)) => {
                    let o = &mut out[i];
                    o.sum = o.sum.checked_add(sum).ok_or_else(|| {
                        Error::input(format!(
                            "{shown}: the lines of account {} cost centre {} overflow a 64-bit sum of öre; \
                             split the ledger",
                            raw[0].trim(),
                            raw[2].trim()
                        ))
                    })?;
                    o.lines += n;
                    o.first_line = o.first_line.min(first_line);
                }
                (false, None) => {
                    fate.1 = Some(out.len());
                    out.push(row(false, ""));
                }
            }
        }
    }
    Ok(out)
}

/// The error the local reader gives for a line without an account code (a total row or a repeated header).
fn account_check(shown: &str, k: &KeyRow) -> Result<()> {
    let account = k.raw[0].trim();
    if account.bytes().any(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let found = if account.is_empty() {
        "an empty field".to_string()
    } else {
        format!("'{account}'")
    };
    Err(Error::input(format!(
        "{shown}: line {}: column 'account': expected an account code like 6412, found {found} (a total row or a \
         repeated header?)",
        k.first_line
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_signatures_round_trip() {
        for sig in [
            vec![],
            vec![1u8],
            vec![0, 0x80],
            vec![0xff; 9],
            vec![0, 0, 0, 0, 0, 0, 0, 0x40, 1],
        ] {
            let w = words_of(&sig, 2);
            assert_eq!(sig_of_words(&w), sig, "{sig:?}");
        }
    }

    #[test]
    fn white_space_is_what_str_trim_removes() {
        let all: String = (0..=0x10ffffu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(all, WHITE_SPACE);
    }
}
