//! `itcost-ballista`: a Ballista scheduler or executor built from the same crates as itcost's client, for the
//! tests and for a cluster on machines where `cargo install ballista-scheduler ballista-executor` is not wanted
//! (docs/cluster.md). The stock binaries work as well: itcost ships only standard DataFusion plans. Both roles
//! resolve `s3://` URLs through [`itcost::engine::store::Registry`] (credentials and endpoint from the `AWS_*`
//! environment variables), so a dataset in an object store is read by the executors themselves.
//!
//! ```text
//! itcost-ballista scheduler --port 50050
//! itcost-ballista executor --scheduler-port 50050 --port 50051 --grpc-port 50052 --work-dir /tmp/ex1 --concurrency 2
//! ```

use clap::{Parser, Subcommand};
use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion::prelude::SessionConfig;
use std::sync::Arc;

/// A Ballista scheduler or executor (Ballista 55, DataFusion 55).
#[derive(Parser, Debug)]
#[command(name = "itcost-ballista", version)]
struct Cli {
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// The scheduler: plans jobs into stages and hands tasks to executors (gRPC).
    Scheduler {
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind_host: String,
        /// Host name executors and clients use to reach this scheduler.
        #[arg(long, default_value = "localhost")]
        external_host: String,
        /// gRPC port.
        #[arg(long, default_value_t = 50050)]
        port: u16,
        /// Seconds without a heartbeat after which an executor is declared dead and its tasks rescheduled.
        #[arg(long, default_value_t = 180)]
        executor_timeout: u64,
    },
    /// An executor: runs tasks and serves their shuffle output over Arrow Flight.
    Executor {
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind_host: String,
        /// Host name the scheduler and other executors use to reach this one.
        #[arg(long)]
        external_host: Option<String>,
        /// Arrow Flight port (shuffle data).
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// gRPC port (tasks from the scheduler).
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// The scheduler's host.
        #[arg(long, default_value = "localhost")]
        scheduler_host: String,
        /// The scheduler's port.
        #[arg(long, default_value_t = 50050)]
        scheduler_port: u16,
        /// Directory for shuffle files (default: a temporary directory).
        #[arg(long)]
        work_dir: Option<String>,
        /// Tasks run at once (default: the machine's cores).
        #[arg(long)]
        concurrency: Option<usize>,
        /// Seconds between heartbeats to the scheduler.
        #[arg(long, default_value_t = 60)]
        heartbeat: u64,
    },
}

/// Ballista's default scheduler session, with the object stores of [`itcost::engine::store::Registry`].
fn s3_session(config: SessionConfig) -> datafusion::common::Result<SessionState> {
    let state = ballista_core::utils::default_session_builder(config)?;
    Ok(SessionStateBuilder::new_from_existing(state)
        .with_runtime_env(itcost::engine::store::runtime_env(None)?)
        .build())
}

/// Ballista's own log lines (its `log` macros) on stderr, at the level `RUST_LOG` names (`error`, `warn`, `info`,
/// `debug`, `trace` or `off`; `warn` when unset): an executor lost, a task retried, a job failed. A hand-written
/// logger of a few lines, because no logging crate is otherwise in the build.
struct Stderr;

impl log::Log for Stderr {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            eprintln!("{} {} {}", r.level(), r.target(), r.args());
        }
    }

    fn flush(&self) {}
}

/// Installs [`Stderr`] at the level of `RUST_LOG`.
fn log_to_stderr() {
    static LOGGER: Stderr = Stderr;
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.trim().parse::<log::LevelFilter>().ok())
        .unwrap_or(log::LevelFilter::Warn);
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

fn main() {
    let cli = Cli::parse();
    log_to_stderr();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("itcost-ballista: could not start a runtime: {e}");
            std::process::exit(70);
        }
    };
    let result = rt.block_on(async {
        match cli.role {
            Role::Scheduler {
                bind_host,
                external_host,
                port,
                executor_timeout,
            } => {
                use ballista_scheduler::cluster::BallistaCluster;
                use ballista_scheduler::config::SchedulerConfig;
                // Ballista's default session, whose object stores resolve `s3://` URLs (the scheduler lists
                // the files of a plan over an object-store dataset).
                let session_builder: ballista_scheduler::scheduler_server::SessionBuilder =
                    Arc::new(s3_session);
                let config = SchedulerConfig {
                    bind_host: bind_host.clone(),
                    bind_port: port,
                    external_host,
                    executor_timeout_seconds: executor_timeout,
                    expire_dead_executor_interval_seconds: (executor_timeout / 3).clamp(1, 15),
                    no_executors_grace_period_seconds: executor_timeout,
                    override_session_builder: Some(session_builder),
                    ..Default::default()
                };
                let addr = format!("{bind_host}:{port}")
                    .parse()
                    .map_err(|e| format!("--bind-host/--port: {e}"))?;
                let cluster = BallistaCluster::new_from_config(&config)
                    .await
                    .map_err(|e| e.to_string())?;
                eprintln!("itcost-ballista: scheduler listening on {addr}");
                ballista_scheduler::scheduler_process::start_server(cluster, addr, Arc::new(config))
                    .await
                    .map_err(|e| e.to_string())
            }
            Role::Executor {
                bind_host,
                external_host,
                port,
                grpc_port,
                scheduler_host,
                scheduler_port,
                work_dir,
                concurrency,
                heartbeat,
            } => {
                use ballista_executor::executor_process::{
                    start_executor_process, ExecutorProcessConfig,
                };
                // The executor's runtime reads `s3://` objects through the S3 store made from its
                // environment (AWS_* variables), as the client's does; spill files go to the work directory.
                let spill = work_dir.clone();
                let runtime_producer: ballista_core::RuntimeProducer =
                    Arc::new(move |_: &SessionConfig| {
                        itcost::engine::store::runtime_env(spill.as_deref())
                    });
                let mut config = ExecutorProcessConfig {
                    override_runtime_producer: Some(runtime_producer),
                    bind_host,
                    external_host,
                    port,
                    grpc_port,
                    scheduler_host,
                    scheduler_port,
                    work_dir,
                    executor_heartbeat_interval_seconds: heartbeat,
                    ..Default::default()
                };
                if let Some(c) = concurrency {
                    config.vcores = c.max(1);
                }
                eprintln!("itcost-ballista: executor on port {port} (gRPC {grpc_port})");
                start_executor_process(Arc::new(config))
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    });
    if let Err(e) = result {
        eprintln!("itcost-ballista: {e}");
        std::process::exit(1);
    }
}
