//! Issue 15: one plan, three places. Every config (the samples, the fixtures, a generated million lines over 20
//! municipalities × 3 years) is converted to canonical Parquet and run through the `local` engine, DataFusion in
//! process and a real Ballista cluster (a scheduler and two executors of `itcost-ballista`, child processes on
//! loopback, real gRPC and Arrow Flight, `target_partitions` ≥ 4): summary.json must be byte-identical apart from
//! the `engine` field, and the per-key tables equal. An executor killed with SIGKILL mid-run: the run completes
//! with the same figures or fails cleanly (non-zero, the engine's message, no report written).

use crate::util::{itcost, root, temp_dir};
use itcost::config::RunConfig;
use itcost::engine::Engine;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Ballista scheduler and two executors on loopback, killed when dropped.
pub struct Cluster {
    /// The scheduler's port.
    pub port: u16,
    scheduler: Child,
    /// The executors, in start order.
    pub executors: Vec<Child>,
    work: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

/// Waits (at most 60 s) until something listens on a loopback port.
pub(crate) fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not listen on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The stock Ballista executor to run the cluster tests' executors with, instead of `itcost-ballista executor`:
/// `ITCOST_TEST_EXECUTOR=$(which ballista-executor)` (from `cargo install --locked ballista-executor`), to check
/// that stock executors run itcost's plans and read its S3 datasets (docs/cluster.md, "Tests").
fn stock_executor() -> Option<PathBuf> {
    std::env::var_os("ITCOST_TEST_EXECUTOR").map(PathBuf::from)
}

fn ballista(args: &[String], log: &Path, env: &[(&str, String)]) -> Child {
    let bin = assert_cmd::cargo::cargo_bin("itcost-ballista");
    spawn_logged(&bin, args, log, env)
}

/// Starts `bin` with `args`, its stderr into `log`, Ballista's log level and `env` set.
fn spawn_logged(bin: &Path, args: &[String], log: &Path, env: &[(&str, String)]) -> Child {
    let log = std::fs::File::create(log).expect("a log file");
    let mut cmd = Command::new(bin);
    // Ballista's warnings in the logs (ITCOST_TEST_BALLISTA_LOG=info for every job and stage); `env` may set
    // RUST_LOG itself.
    cmd.args(args)
        .env(
            "RUST_LOG",
            std::env::var("ITCOST_TEST_BALLISTA_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .envs(env.iter().cloned())
        .stdout(Stdio::null())
        .stderr(log);
    // The child dies with the test process even when a test panics before the cluster is dropped.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn()
        .unwrap_or_else(|e| panic!("{} starts: {e}", bin.display()))
}

/// One executor: `itcost-ballista executor`, or the stock `ballista-executor` ([`stock_executor`]) with the same
/// settings under its own option names.
fn executor(
    scheduler: u16,
    flight: u16,
    grpc: u16,
    dir: &Path,
    log: &Path,
    env: &[(&str, String)],
) -> Child {
    let s = |v: &str| v.to_string();
    match stock_executor() {
        Some(bin) => spawn_logged(
            &bin,
            &[
                s("--scheduler-port"),
                scheduler.to_string(),
                s("--bind-host"),
                s("127.0.0.1"),
                s("--bind-port"),
                flight.to_string(),
                s("--bind-grpc-port"),
                grpc.to_string(),
                s("--bind-health-port"),
                free_port().to_string(),
                s("--work-dir"),
                dir.display().to_string(),
                s("--concurrent-tasks"),
                s("2"),
                s("--executor-heartbeat-interval-seconds"),
                s("2"),
            ],
            log,
            env,
        ),
        None => ballista(
            &[
                s("executor"),
                s("--scheduler-port"),
                scheduler.to_string(),
                s("--port"),
                flight.to_string(),
                s("--grpc-port"),
                grpc.to_string(),
                s("--work-dir"),
                dir.display().to_string(),
                s("--concurrency"),
                s("2"),
                s("--heartbeat"),
                s("2"),
            ],
            log,
            env,
        ),
    }
}

impl Cluster {
    /// Starts the scheduler and two executors (two task slots each) and waits until they listen.
    pub fn start() -> Cluster {
        Cluster::start_with_env(&[])
    }

    /// [`Cluster::start`] with environment variables for every process (an object store's `AWS_*`).
    pub fn start_with_env(env: &[(&str, String)]) -> Cluster {
        Cluster::start_with(2, env)
    }

    /// A scheduler and `executors` executors, with `env` for every process.
    fn start_with(executors_wanted: usize, env: &[(&str, String)]) -> Cluster {
        let work = temp_dir();
        let port = free_port();
        let scheduler = ballista(
            &[
                "scheduler".into(),
                "--port".into(),
                port.to_string(),
                "--executor-timeout".into(),
                "10".into(),
            ],
            &work.path().join("scheduler.log"),
            env,
        );
        wait_for_port(port, "the Ballista scheduler");
        let mut executors = Vec::new();
        for i in 0..executors_wanted {
            let (flight, grpc) = (free_port(), free_port());
            let dir = work.path().join(format!("executor-{i}"));
            std::fs::create_dir_all(&dir).expect("a work directory");
            executors.push(executor(
                port,
                flight,
                grpc,
                &dir,
                &work.path().join(format!("executor-{i}.log")),
                env,
            ));
            wait_for_port(flight, "a Ballista executor");
        }
        // Registration follows the first heartbeat.
        std::thread::sleep(Duration::from_secs(3));
        Cluster {
            port,
            scheduler,
            executors,
            work,
        }
    }

    /// The last lines of the scheduler's and executors' logs (Ballista's warnings), for a failure message.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        let mut names = vec!["scheduler.log".to_string()];
        names.extend((0..self.executors.len()).map(|i| format!("executor-{i}.log")));
        for name in names {
            let text = std::fs::read_to_string(self.work.path().join(&name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            out.push_str(&format!("--- {name} (last 40 lines)\n"));
            for l in &lines[lines.len().saturating_sub(40)..] {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    /// The engine for this cluster.
    pub fn engine(&self) -> Engine {
        Engine::Ballista(format!("ballista://localhost:{}", self.port))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in self
            .executors
            .iter_mut()
            .chain(std::iter::once(&mut self.scheduler))
        {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A config's ledgers converted to canonical Parquet, one `municipality=…/year=…/ledger.parquet` per entry of the
/// config (entry `i` under `DIR/i/`, so that entries of the same name and year with different kinds stay apart);
/// the config now reads those files.
fn converted(mut cfg: RunConfig, dir: &Path) -> RunConfig {
    for (i, m) in cfg.municipalities.iter_mut().enumerate() {
        let job = itcost::ingest::convert::ConvertJob {
            name: m.name.clone(),
            year: m.year,
            ledgers: m.ledgers.clone(),
            columns: m.columns.clone(),
            sheet: m.sheet.clone(),
        };
        let out = dir.join(i.to_string());
        let file = itcost::ingest::convert::convert(&job, &out, true, false, &mut |_: &str| {})
            .expect("the ledgers convert")
            .expect("a ledger written")
            .target;
        assert!(file.is_file(), "{} written", file.display());
        m.ledgers = vec![file];
        m.columns = Default::default();
        m.sheet = None;
    }
    cfg
}

/// summary.json of a run on `engine`, and its per-key table sorted.
fn run_on(cfg: &RunConfig, engine: Engine) -> (String, Vec<String>) {
    let mut cfg = cfg.clone();
    let name = engine.name();
    cfg.engine = engine;
    let r = itcost::pipeline::run(cfg).unwrap_or_else(|e| panic!("the run on {name}: {e}"));
    let json = itcost::report::json::to_string(&r);
    let mut keys: Vec<String> = r
        .classified
        .keys
        .iter()
        .map(|k| format!("{} {:?}", r.classified.units[k.unit], k))
        .collect();
    keys.sort();
    (json, keys)
}

/// The summary with its engine named `local` (the one field that may differ).
fn as_local(json: &str, engine: &str) -> String {
    json.replace(
        &format!("\"engine\": \"{engine}\""),
        "\"engine\": \"local\"",
    )
}

/// Asserts that the three engines give the same summary.json (but `engine`) and the same per-key table.
fn assert_same(what: &str, cfg: &RunConfig, cluster: &Cluster) {
    let (local, local_keys) = run_on(cfg, Engine::Local);
    assert!(!local_keys.is_empty(), "{what}: keys");
    for engine in [Engine::DataFusion, cluster.engine()] {
        let name = engine.name();
        let (json, keys) = run_on(cfg, engine);
        assert!(
            json.contains(&format!("\"engine\": \"{name}\"")),
            "{what}: engine field names {name}"
        );
        assert_eq!(keys.len(), local_keys.len(), "{what}: {name} key count");
        for (a, b) in keys.iter().zip(&local_keys) {
            assert_eq!(a, b, "{what}: {name} key differs");
        }
        assert!(
            as_local(&json, name) == local,
            "{what}: summary.json on {name} differs from local's"
        );
    }
}

/// Every bundled config and fixture config.
fn configs() -> Vec<PathBuf> {
    vec![
        root().join("sample-ledgers/dalsland-2024.toml"),
        root().join("sample-ledgers/fyrbodal-synthetic-2019.toml"),
        root().join("tests/fixtures/issue13/sundsvall-maturity.toml"),
        root().join("tests/fixtures/it_org/vk-it.toml"),
    ]
}

/// A generated ledger of `lines` lines over `munis` municipalities × `years` years (seeded per partition),
/// written as CSV, with its run config (central IT 1510, 1511).
pub fn generated(dir: &Path, lines: usize, munis: usize, years: i32) -> RunConfig {
    let parts = munis * years as usize;
    let mut toml = String::from("title = \"Generated\"\nbenchmark_year = 2024\n");
    for m in 0..munis {
        for y in 0..years {
            let year = 2024 - y;
            let i = m * years as usize + y as usize;
            let n = lines / parts + usize::from(i < lines % parts);
            let csv = dir.join(format!("m{m:02}-{year}.csv"));
            itcost::generate::write_large_with(
                &csv,
                n,
                1000 + i as u64,
                itcost::generate::LargeOptions {
                    unique_text: i.is_multiple_of(2),
                    utf8: true,
                },
            )
            .expect("a generated ledger");
            toml.push_str(&format!(
                "[[municipality]]\nname = \"Kommun {m:02}\"\nyear = {year}\nledgers = [\"{}\"]\ncentral_it = [\"1510\", \"1511\"]\n",
                csv.display()
            ));
        }
    }
    let path = dir.join("generated.toml");
    std::fs::write(&path, toml).expect("config written");
    itcost::config::load(&path).expect("the generated config loads")
}

#[test]
fn three_engines_agree_on_every_config() {
    let cluster = Cluster::start();
    for c in configs() {
        let dir = temp_dir();
        let cfg = itcost::config::load(&c).expect("config loads");
        let cfg = converted(cfg, dir.path());
        assert_same(&c.display().to_string(), &cfg, &cluster);
    }
}

#[test]
fn three_engines_agree_on_a_million_generated_lines() {
    let dir = temp_dir();
    let cfg = generated(dir.path(), 1_000_000, 20, 3);
    let cfg = converted(cfg, &dir.path().join("dataset"));
    let cluster = Cluster::start();
    assert_same("1M generated lines", &cfg, &cluster);
}

#[test]
fn distributed_engines_refuse_text_ledgers() {
    // A CSV ledger is never shipped as text: the engines read canonical Parquet datasets only.
    let out = itcost()
        .args(["run", "--engine", "datafusion", "--central-it", "1510"])
        .arg(root().join("sample-ledgers/amal-2024.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("amal-2024.csv") && err.contains("itcost convert"),
        "{err}"
    );
}

/// A generated ledger of `lines` lines over `munis` municipalities, converted to a dataset, and the run config
/// naming its files written to `dir/dataset.toml` (for a run as a child process).
fn dataset_config(dir: &Path, lines: usize, munis: usize) -> PathBuf {
    let cfg = generated(dir, lines, munis, 1);
    let cfg = converted(cfg, &dir.join("dataset"));
    let mut toml = String::from("title = \"Generated\"\n");
    for m in &cfg.municipalities {
        toml.push_str(&format!(
            "[[municipality]]\nname = \"{}\"\nyear = {}\nledgers = [\"{}\"]\ncentral_it = [\"1510\", \"1511\"]\n",
            m.name,
            m.year.unwrap_or(2024),
            m.ledgers[0].display()
        ));
    }
    let config = dir.join("dataset.toml");
    std::fs::write(&config, toml).expect("config written");
    config
}

/// Waits for a child `itcost run` at most `limit`: one that has not ended by then is killed and the test fails
/// with `logs` (the cluster's), so that a hang never holds the suite.
fn wait_bounded(
    mut run: Child,
    limit: Duration,
    logs: impl Fn() -> String,
) -> std::process::Output {
    let waited = Instant::now();
    loop {
        match run.try_wait().expect("the run can be waited for") {
            Some(_) => break,
            None if waited.elapsed() > limit => {
                let _ = run.kill();
                let _ = run.wait();
                panic!(
                    "the run did not end within {} s\n{}",
                    limit.as_secs(),
                    logs()
                );
            }
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    run.wait_with_output().expect("the run ends")
}

/// `itcost run --config CONFIG --out OUT` on `cluster` as a child process (stderr piped), with
/// `ITCOST_ENGINE_TIMEOUT` set to `limit_s`.
fn spawn_run(cluster: &Cluster, config: &Path, out: &Path, limit_s: u64) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("itcost"))
        .env("ITCOST_ENGINE_TIMEOUT", limit_s.to_string())
        .args(["run", "--quiet", "--engine"])
        .arg(format!("ballista://localhost:{}", cluster.port))
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("itcost run starts")
}

#[test]
fn an_executor_killed_mid_run_completes_or_fails_cleanly() {
    let dir = temp_dir();
    let config = dataset_config(dir.path(), 600_000, 4);
    let (local, _) = run_on(
        &itcost::config::load(&config).expect("loads"),
        Engine::Local,
    );

    let mut cluster = Cluster::start();
    let out = dir.path().join("out");
    let run = spawn_run(&cluster, &config, &out, 120);
    std::thread::sleep(Duration::from_millis(1500));
    let victim = &mut cluster.executors[0];
    unsafe {
        libc::kill(victim.id() as i32, libc::SIGKILL);
    }
    let _ = victim.wait();
    // Ballista's own recovery reruns the lost tasks after the executor's heartbeat times out (10 s here); the
    // client's time limit (ITCOST_ENGINE_TIMEOUT, 120 s here) stops a job that would wait for ever.
    let result = wait_bounded(run, Duration::from_secs(300), || cluster.logs());
    let stderr = String::from_utf8_lossy(&result.stderr);
    if result.status.success() {
        let json = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
        assert_eq!(
            as_local(&json, "ballista"),
            local,
            "figures after the executor died"
        );
        eprintln!("the run completed with the local figures after an executor died");
    } else {
        eprintln!("the run failed cleanly after an executor died: {stderr}");
        assert!(
            stderr.contains("Ballista"),
            "the engine's message: {stderr}"
        );
        assert!(
            !out.join("summary.json").exists() && !out.join("report.html").exists(),
            "no partial report after a failed run"
        );
    }
}

#[test]
fn three_engines_agree_on_a_national_dataset_named_by_its_config() {
    // `itcost generate --national` writes a Hive-partitioned dataset and its run config (`dataset = "."`): the
    // distributed engines read the partitions the config names, as the local engine does.
    let dir = temp_dir();
    let ds = dir.path().join("national");
    let out = itcost()
        .args(["generate", "--national"])
        .arg(&ds)
        .args([
            "--municipalities",
            "12",
            "--years",
            "2",
            "--lines",
            "120000",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg = itcost::config::load(&ds.join("national.toml")).expect("the national config loads");
    assert_eq!(cfg.municipalities.len(), 24);
    let cluster = Cluster::start();
    assert_same("national dataset", &cfg, &cluster);
}

#[test]
fn a_cluster_that_never_answers_is_given_up_after_the_time_limit_and_the_job_cancelled() {
    // A scheduler without executors accepts the job and never runs it: the stand-in for any job that will not
    // finish (docs/cluster.md). The run must stop after ITCOST_ENGINE_TIMEOUT, say so, cancel the job at the
    // scheduler, exit non-zero and write no report.
    let dir = temp_dir();
    let config = dataset_config(dir.path(), 20_000, 1);
    let cluster = Cluster::start_with(0, &[("RUST_LOG", "info".to_string())]);
    let out = dir.path().join("out");
    let started = Instant::now();
    let run = spawn_run(&cluster, &config, &out, 4);
    let result = wait_bounded(run, Duration::from_secs(120), || cluster.logs());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success(), "a run without an answer fails");
    assert!(
        stderr.contains("the Ballista cluster at ballista://localhost:")
            && stderr.contains("no answer within 4 s (ITCOST_ENGINE_TIMEOUT)")
            && stderr.contains("was cancelled"),
        "the message names the cluster, the limit and the cancelled job: {stderr}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "not given up before the limit"
    );
    assert!(
        !out.join("summary.json").exists() && !out.join("report.html").exists(),
        "no report after a failed run"
    );
    let log = cluster.logs();
    assert!(
        log.contains("Received cancellation request for job"),
        "the scheduler was asked to cancel the job: {log}"
    );
}
