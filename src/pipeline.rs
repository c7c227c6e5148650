//! The whole job, stage after stage: ingest → rules → classify → aggregate → compare. `cli` and tests call this;
//! `report` renders what it returns.

use crate::aggregate::{aggregate, MunicipalityInput, MunicipalityResult};
use crate::classify::{
    classified_lines, classify, suspect_lines, with_text_signatures, Classified, MunicipalityKeys,
    SuspectTexts,
};
use crate::compare::{benchmark, Benchmark};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::guards::{CentralItUnit, Notice};
use crate::ingest::ledger::KeyPlan;
use crate::ingest::{read_ledger, IngestReport, ReadOptions};
use crate::rules::RuleSet;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// The outcome of a run.
pub struct RunResult {
    /// The run's config (resolved).
    pub config: RunConfig,
    /// The rules used.
    pub rules: RuleSet,
    /// What was read, per file.
    pub inputs: Vec<IngestReport>,
    /// Per municipality and year.
    pub municipalities: Vec<MunicipalityResult>,
    /// The comparison.
    pub benchmark: Benchmark,
    /// The analyses of the studies (views, mix, work areas, suppliers, what-ifs, trends, data quality).
    pub analyses: crate::compare::Analyses,
    /// Distinct key tuples the rules were evaluated on.
    pub distinct_keys: usize,
    /// The canonical ledger of the run (lazy).
    pub ledger: LazyFrame,
    /// The decisions per distinct key, with sums.
    pub classified: Classified,
    /// What `--lenient` let through that the reader must see beside the figures (both languages).
    pub notices: Vec<Notice>,
    /// The audit trail: version, rules, config and input files with their SHA-256.
    pub audit: crate::audit::Audit,
    /// The engine that computed the per-key sums: `local` (this crate's readers); the cluster engines set theirs.
    pub engine: String,
    /// The IT organisations of the benchmark (empty without `[[it_org]]`).
    pub it_orgs: Vec<crate::aggregate::it_org::OrgResult>,
    /// The municipalities (indices into `municipalities`) the benchmark covers: its year and kind.
    pub benchmarked: Vec<usize>,
    /// Budgets and forecasts against outcome, where both exist.
    pub budget: Vec<crate::compare::budget::BudgetComparison>,
}

/// Runs the whole pipeline for a config.
pub fn run(mut config: RunConfig) -> Result<RunResult> {
    config.engine.available()?;
    let rules = RuleSet::load(config.rules.as_deref())?;
    // A municipality may appear once per year: (name, year) identifies a unit of the run, and the ledger lines are
    // stamped with a unit id (the name, or "name year" when the name occurs for several years).
    let mut seen = std::collections::HashSet::new();
    let mut name_count: HashMap<&str, usize> = HashMap::new();
    for m in &config.municipalities {
        *name_count.entry(m.name.as_str()).or_default() += 1;
    }
    for m in &config.municipalities {
        if name_count[m.name.as_str()] > 1 && m.year.is_none() {
            return Err(Error::rules(format!(
                "municipality '{}' is listed several times: give each entry its year = … so they can be told apart",
                m.name
            )));
        }
        if !seen.insert((m.name.clone(), m.year, m.kind)) {
            return Err(Error::rules(format!(
                "municipality '{}'{} is listed twice in the config{}",
                m.name,
                m.year.map(|y| format!(" {y}")).unwrap_or_default(),
                if m.kind == crate::config::FigureKind::Outcome {
                    String::new()
                } else {
                    format!(" with kind = \"{}\"", m.kind.key())
                }
            )));
        }
    }
    // A (name, year) given with several kinds (outcome and budget): the ids say which.
    let kinds_of = |m: &crate::config::Municipality| {
        config
            .municipalities
            .iter()
            .filter(|x| x.name == m.name && x.year == m.year)
            .count()
    };
    let unit_ids: Vec<String> = config
        .municipalities
        .iter()
        .map(|m| {
            let id = match (name_count[m.name.as_str()] > 1, m.year) {
                (true, Some(y)) => format!("{} {y}", m.name),
                _ => m.name.clone(),
            };
            if kinds_of(m) > 1 && m.kind != crate::config::FigureKind::Outcome {
                format!("{id} {}", m.kind.key())
            } else {
                id
            }
        })
        .collect();
    // The run's units in config order: `ClassifiedKey::unit` and the results index them alike.
    let units: Vec<(String, MunicipalityKeys)> = config
        .municipalities
        .iter()
        .zip(&unit_ids)
        .map(|(m, id)| {
            let mut keys = MunicipalityKeys::from(m);
            keys.member_counterparts = config.it_orgs.iter().any(|o| {
                o.members.contains(&m.name)
                    && o.member_codes.values().any(|c| !c.counterparts.is_empty())
            });
            (id.clone(), keys)
        })
        .collect();
    // What the readers keep of a line's free text: its keyword signature, and the texts of suspect keys only.
    let shared_rules = std::sync::Arc::new(rules.clone());
    let plans: Vec<KeyPlan> = unit_ids
        .iter()
        .map(|id| KeyPlan {
            keywords: rules.text_keywords.clone(),
            keep_texts: Some(std::sync::Arc::new(SuspectTexts::new(
                shared_rules.clone(),
                &config.outside_scope,
                units
                    .iter()
                    .find(|(u, _)| u == id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default(),
            ))),
        })
        .collect();
    // Read every file in parallel (each file is parsed by one thread).
    let jobs: Vec<(usize, &std::path::PathBuf)> = config
        .municipalities
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.ledgers.iter().map(move |l| (i, l)))
        .collect();
    let trace = Trace::new();
    let read: Vec<Result<(usize, crate::ingest::Ingested, crate::audit::FileAudit)>> = jobs
        .par_iter()
        .map(|(i, path)| {
            let m = &config.municipalities[*i];
            let opts = ReadOptions {
                municipality: Some(unit_ids[*i].clone()),
                year: m.year,
                columns: m.columns.clone(),
                sheet: m.sheet.clone(),
                strict: config.strict,
                lenient: config.lenient,
                summed: !config.keep_lines,
                vouchers: m.ledgers.len() > 1,
                plan: Some(plans[*i].clone()),
                engine: config.engine.clone(),
            };
            // The audit trail's hash (a SHA-256 pass over the file) runs beside the reading, on a thread of its
            // own: it is serial, and would otherwise add its whole time to the run's.
            let in_store = crate::engine::store::is_url(path);
            let hashing = config.dataset.is_none() && !in_store;
            let (ing, hashed) = std::thread::scope(|scope| {
                let hash = hashing.then(|| scope.spawn(|| crate::audit::hash_file(path)));
                let ing = read_ledger(path, &opts);
                let hashed = hash.map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(crate::error::Error::input(format!(
                            "{}: hashing the file for the audit trail failed",
                            path.display()
                        )))
                    })
                });
                (ing, hashed)
            });
            let ing = ing?;
            // (SHA-256, bytes, lines, modification, ETag): how each kind of input is named in the audit trail.
            let (sha256, bytes, lines, modified, etag) = if in_store {
                // An object is named by its URL, size, last modification and ETag: its bytes never reach the
                // client (the engine reads them), so there is no SHA-256.
                let o =
                    crate::engine::store::audit_of(&path.to_string_lossy(), &ing.report.objects);
                (
                    String::new(),
                    o.bytes,
                    ing.report.lines as u64,
                    Some(o.modified),
                    Some(o.etag),
                )
            } else if config.dataset.is_some() {
                // A dataset file is named by its size and modification time, as the cluster engines name it
                // (their client never sees its bytes): the same audit whichever engine ran.
                let stamp = crate::ingest::dataset::file_stamp(path)?;
                (
                    String::new(),
                    stamp.bytes,
                    ing.report.lines as u64,
                    Some(stamp.modified),
                    None,
                )
            } else {
                let (sha256, bytes, text_lines) =
                    hashed.unwrap_or_else(|| crate::audit::hash_file(path))?;
                let lines = match ing.report.format {
                    crate::ingest::Format::DelimitedText | crate::ingest::Format::Sie => text_lines,
                    _ => ing.report.lines as u64,
                };
                (sha256, bytes, lines, None, None)
            };
            let audit = crate::audit::FileAudit {
                file: ing.report.file.clone(),
                sha256,
                bytes,
                lines,
                modified,
                etag,
            };
            Ok((*i, ing, audit))
        })
        .collect();
    let mut frames = Vec::new();
    let mut inputs = Vec::new();
    let mut owner = Vec::new();
    let mut eager = Vec::new();
    let mut file_audits = Vec::new();
    for r in read {
        let (i, ing, audit) = r?;
        file_audits.push(audit);
        if let Some(e) = crate::guards::empty_ledger(&ing.report) {
            return Err(e);
        }
        eager.push(ing.frame);
        inputs.push(ing.report);
        owner.push(i);
    }
    let problems = overlaps(&config, &jobs, &owner, &inputs, &eager)?;
    for p in problems {
        if !config.lenient {
            return Err(Error::input(format!(
                "{p} (run with --lenient to go on with a warning)"
            )));
        }
        let i = inputs.len() - 1;
        inputs[i].warnings.push(p);
    }
    for f in eager {
        let f = with_text_signatures(f, &rules)?;
        // Line-by-line frames count one line per row; summed frames carry their own `lines`.
        let lf = if f.get_column_names().iter().any(|c| c.as_str() == "lines") {
            f.lazy()
        } else {
            f.lazy().with_column(lit(1i64).alias("lines"))
        };
        frames.push(lf);
    }
    let ledger = concat(frames, UnionArgs::default())?;
    trace.mark("read");
    let classified = classify(ledger.clone(), &rules, &config.outside_scope, &units)?;
    trace.mark("classify");
    let distinct_keys = classified.keys.len();
    let suspects = suspect_lines(&ledger, &rules, &classified)?;
    trace.mark("suspects");
    let agg_inputs: Vec<MunicipalityInput<'_>> = config
        .municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| MunicipalityInput {
            id: &unit_ids[i],
            name: &m.name,
            year: m.year,
            kind: m.kind,
            reports: inputs
                .iter()
                .zip(&owner)
                .filter(|(_, o)| **o == i)
                .map(|(r, _)| r)
                .collect(),
            central_it_raw: m.central_it_raw.clone(),
            external_total_ore: m.external_total_ore,
            population: m.population,
            employees: m.employees,
            users: m.users,
            devices: m.devices,
            departments: &m.departments,
            digitalisation: &m.sundsvall.digitalisation,
        })
        .collect();
    let mut municipalities = aggregate(&classified, &suspects, &agg_inputs, config.denominator)?;
    let mut notices = check_central_it(&config, &classified, &inputs, &owner, &mut municipalities)?;

    // The benchmark and the group analyses cover one year when `benchmark_year` is set (trends and data quality
    // cover every unit).
    crate::aggregate::label_benchmarked(&mut municipalities, config.analysis.benchmark_year, None);
    if !municipalities.iter().any(|m| m.benchmarked) {
        return Err(Error::rules(format!(
            "benchmark_year = {}: no municipality of the run has that year",
            config.analysis.benchmark_year.unwrap_or_default()
        )));
    }
    // One kind of figures per benchmark (outcome, budget or forecast), and its rows: municipalities or IT
    // organisations.
    let of_year: Vec<usize> = (0..municipalities.len())
        .filter(|&i| municipalities[i].benchmarked)
        .collect();
    let (kind, idx) =
        crate::compare::it_org::select_kind(&municipalities, &of_year, config.benchmark_kind)?;
    crate::aggregate::label_benchmarked(
        &mut municipalities,
        config.analysis.benchmark_year,
        Some(kind),
    );
    let units = crate::compare::it_org::units(&config.it_orgs, &municipalities, &idx)?;
    let org_inputs: Vec<crate::aggregate::it_org::OrgInput<'_>> = units
        .iter()
        .filter_map(|u| match u {
            crate::compare::it_org::Unit::Org(o, members) => Some((o, members)),
            crate::compare::it_org::Unit::Municipality(_) => None,
        })
        .map(|(&o, members)| crate::aggregate::it_org::OrgInput {
            org: &config.it_orgs[o],
            id: format!(
                "it_org:{}{}",
                config.it_orgs[o].name,
                municipalities[members[0]]
                    .year
                    .map(|y| format!(" {y}"))
                    .unwrap_or_default()
            ),
            members: members
                .iter()
                .map(|&j| MunicipalityInput {
                    id: agg_inputs[j].id,
                    name: agg_inputs[j].name,
                    year: agg_inputs[j].year,
                    kind: agg_inputs[j].kind,
                    reports: agg_inputs[j].reports.clone(),
                    central_it_raw: agg_inputs[j].central_it_raw.clone(),
                    external_total_ore: agg_inputs[j].external_total_ore,
                    population: agg_inputs[j].population,
                    employees: agg_inputs[j].employees,
                    users: agg_inputs[j].users,
                    devices: agg_inputs[j].devices,
                    departments: agg_inputs[j].departments,
                    digitalisation: agg_inputs[j].digitalisation,
                })
                .collect(),
        })
        .collect();
    let it_orgs = crate::aggregate::it_org::aggregate_orgs(
        &classified,
        &suspects,
        &org_inputs,
        config.denominator,
    )?;
    drop(org_inputs);
    drop(agg_inputs);
    // Anonymised: names become letters before anything is built from them (compare::anonymise).
    let letters = config.analysis.anonymise.then(|| {
        let letters = crate::compare::anonymise::letters(
            &municipalities,
            config.numerator,
            config.analysis.highlight.as_deref(),
        );
        crate::compare::anonymise::apply(&letters, &mut config, &mut municipalities, &mut inputs);
        for n in notices.iter_mut() {
            n.en = crate::compare::anonymise::replace_names(&n.en, &letters, &[]);
            n.sv = crate::compare::anonymise::replace_names(&n.sv, &letters, &[]);
        }
        letters
    });
    // Labels are made after anonymisation: a lettered unit is labelled by its letter.
    crate::aggregate::label_benchmarked(
        &mut municipalities,
        config.analysis.benchmark_year,
        Some(kind),
    );
    let mut orgs_left = it_orgs.iter();
    let selected: Vec<MunicipalityResult> = units
        .iter()
        .filter_map(|u| match u {
            crate::compare::it_org::Unit::Municipality(i) => Some(municipalities[*i].clone()),
            crate::compare::it_org::Unit::Org(..) => orgs_left.next().map(|o| o.result.clone()),
        })
        .collect();
    trace.mark("aggregate");
    let mut benchmark = benchmark(
        &selected,
        config.numerator,
        &config.references,
        config.target_ppm,
    );
    if !config.it_orgs.is_empty() {
        benchmark.unit = "it_org";
        let mut orgs_left = it_orgs.iter();
        for (row, u) in benchmark.rows.iter_mut().zip(&units) {
            if let crate::compare::it_org::Unit::Org(..) = u {
                if let Some(o) = orgs_left.next() {
                    row.members = o.members.clone();
                }
            }
        }
        benchmark.total.members = benchmark
            .rows
            .iter()
            .flat_map(|r| r.members.iter().cloned())
            .collect();
    }
    // The group analyses cover the benchmark's rows; a highlighted member highlights its organisation.
    let analysis_config = match &config.analysis.highlight {
        Some(h) if !config.it_orgs.is_empty() => {
            let mut c = config.clone();
            if let Some(o) = config.it_orgs.iter().find(|o| o.members.contains(h)) {
                c.analysis.highlight = Some(o.name.clone());
            }
            std::borrow::Cow::Owned(c)
        }
        _ => std::borrow::Cow::Borrowed(&config),
    };
    let sel: Vec<&MunicipalityResult> = selected.iter().collect();
    let mut analyses =
        crate::compare::analyse_units(&analysis_config, &rules, &municipalities, &sel, &benchmark);
    drop(analysis_config);
    trace.mark("analyses");
    let budget = crate::compare::budget::compare(&config.municipalities, &municipalities);
    let audit = crate::audit::Audit {
        itcost_version: env!("CARGO_PKG_VERSION"),
        rules: crate::audit::rules_audit(config.rules.as_deref(), &rules.name, &rules.source)?,
        config: config
            .config_file
            .as_ref()
            .map(|(file, sha256)| crate::audit::FileAudit {
                file: file.clone(),
                sha256: sha256.clone(),
                bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
                lines: std::fs::read(file)
                    .map(|b| {
                        b.iter().filter(|&&c| c == b'\n').count() as u64
                            + u64::from(b.last().is_some_and(|&c| c != b'\n'))
                    })
                    .unwrap_or(0),
                modified: None,
                etag: None,
            }),
        // As `inputs[].file` names them (anonymised: without the municipalities' names).
        inputs: file_audits
            .into_iter()
            .zip(&inputs)
            .map(|(a, i)| crate::audit::FileAudit {
                file: i.file.clone(),
                ..a
            })
            .collect(),
    };
    if let Some(letters) = &letters {
        crate::compare::anonymise::scrub_suppliers(&mut analyses.suppliers, letters);
    }
    Ok(RunResult {
        engine: config.engine.name().into(),
        config,
        rules,
        inputs,
        municipalities,
        benchmark,
        analyses,
        distinct_keys,
        ledger,
        classified,
        notices,
        audit,
        it_orgs,
        benchmarked: idx,
        budget,
    })
}

/// A central IT cost centre, prefix or range that matches no line of its municipality-year's ledgers would make
/// the headline say 0 %: an error (exit 3), or with `--lenient` a warning on the municipality and a notice for the
/// report's summary. No central IT setting at all is a warning.
fn check_central_it(
    config: &RunConfig,
    classified: &Classified,
    inputs: &[IngestReport],
    owner: &[usize],
    municipalities: &mut [MunicipalityResult],
) -> Result<Vec<Notice>> {
    let mut codes: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); classified.units.len()];
    for k in &classified.keys {
        if let Some(c) = codes.get_mut(k.unit) {
            c.insert(&*k.cost_centre);
        }
    }
    let mut problems = Vec::new();
    // No central IT cost centres at all: not an error (a run may ask only for IT outside central IT), but the 0 %
    // it gives is said where the number stands, in the reader's language.
    let mut none_given = Vec::new();
    for (i, (m, id)) in config
        .municipalities
        .iter()
        .zip(&classified.units)
        .enumerate()
    {
        let unit = CentralItUnit {
            label: id,
            patterns: m
                .central_it
                .iter()
                .zip(m.central_it_raw.iter().map(String::as_str))
                .collect(),
            codes: codes.get_mut(i).map(std::mem::take).unwrap_or_default(),
            reports: inputs
                .iter()
                .zip(owner)
                .filter(|(_, o)| **o == i)
                .map(|(r, _)| r)
                .collect(),
        };
        let found = crate::guards::central_it(&unit);
        if let Some(result) = municipalities.get_mut(i) {
            result.warnings.extend(found.iter().map(|n| n.en.clone()));
            if m.central_it.is_empty() {
                let n = Notice {
                    en: format!(
                        "no central IT cost centres given for {}: central IT cost is 0",
                        m.name
                    ),
                    sv: format!(
                        "inga centrala IT-ansvar angivna för {}: central IT-kostnad är 0",
                        m.name
                    ),
                };
                result.warnings.push(n.en.clone());
                none_given.push(n);
            }
        }
        problems.extend(found);
    }
    if !problems.is_empty() && !config.lenient {
        let text: Vec<&str> = problems.iter().map(|n| n.en.as_str()).collect();
        return Err(Error::rules(format!(
            "{}\ncorrect the central IT cost centres (--central-it, or central_it in the config), or run with --lenient to go on with a warning",
            text.join("\n")
        )));
    }
    problems.extend(none_given);
    Ok(problems)
}

/// Finds the same ledger given twice (same content), and, within a municipality, files whose months or vouchers
/// overlap: each would count money twice.
fn overlaps(
    config: &RunConfig,
    jobs: &[(usize, &std::path::PathBuf)],
    owner: &[usize],
    inputs: &[IngestReport],
    frames: &[DataFrame],
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    // Fingerprint without reading the files again: size, line count, sum and months.
    let mut seen: HashMap<(u64, usize, i64, Vec<i32>), &std::path::PathBuf> = HashMap::new();
    for ((_, path), report) in jobs.iter().zip(inputs) {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if report.lines == 0 {
            continue;
        }
        if let Some(first) = seen.insert(
            (size, report.lines, report.sum_ore, report.months.clone()),
            path,
        ) {
            problems.push(format!(
                "{} and {} are the same ledger (identical content): it would be counted twice",
                first.display(),
                path.display()
            ));
        }
    }
    for (m_idx, m) in config.municipalities.iter().enumerate() {
        let files: Vec<usize> = (0..inputs.len()).filter(|&k| owner[k] == m_idx).collect();
        for (a_pos, &a) in files.iter().enumerate() {
            for &b in &files[a_pos + 1..] {
                // The files of one dataset partition are parts of one ledger (a writer may split it by rows).
                if config.dataset.is_some() && jobs[a].1.parent() == jobs[b].1.parent() {
                    continue;
                }
                let months: Vec<String> = inputs[a]
                    .months
                    .iter()
                    .filter(|p| inputs[b].months.contains(p))
                    .map(|p| format!("{}-{:02}", p / 100, p % 100))
                    .collect();
                if !months.is_empty() {
                    problems.push(format!(
                        "{}: {} and {} both hold {}: overlapping periods would count money twice",
                        m.name,
                        inputs[a].file,
                        inputs[b].file,
                        months.join(", ")
                    ));
                }
                let vouchers = |k: usize| -> Result<std::collections::HashSet<String>> {
                    if let Some(v) = &inputs[k].vouchers {
                        return Ok(v.iter().map(|s| s.to_string()).collect());
                    }
                    Ok(frames[k]
                        .column("voucher")?
                        .str()?
                        .iter()
                        .flatten()
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .collect())
                };
                let (va, vb) = (vouchers(a)?, vouchers(b)?);
                let mut shared: Vec<&String> = va.intersection(&vb).collect();
                if !shared.is_empty() {
                    shared.sort();
                    problems.push(format!(
                        "{}: {} voucher(s) appear in both {} and {} (first: {})",
                        m.name,
                        shared.len(),
                        inputs[a].file,
                        inputs[b].file,
                        shared[0]
                    ));
                }
            }
        }
    }
    Ok(problems)
}

impl RunResult {
    /// The classified ledger: every input line with its place, kind, pool, sub-pool, tower and rule id
    /// (a lazy plan; only `--out` executes it).
    pub fn classified_lines(&self) -> Result<LazyFrame> {
        classified_lines(self.ledger.clone(), &self.rules, &self.classified)
    }
}

/// Stage timings on stderr when `ITCOST_TRACE` is set (for profiling; never part of normal output): wall seconds
/// and, on Linux, the process's CPU seconds (user + system, all threads) spent in each stage.
struct Trace {
    on: bool,
    last: std::cell::Cell<(std::time::Instant, Option<f64>)>,
}

/// The process's CPU seconds so far (user + system, from `/proc/self/stat`, in clock ticks of 1/100 s), where
/// the system says.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are the
    // 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The process's resident memory now and at its peak (`VmRSS`, `VmHWM` of `/proc/self/status`), where the system
/// says: ", RSS 812 MB (peak 1020 MB)".
fn memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |field: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(field))?;
        line[field.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some(format!(
        ", RSS {} MB (peak {} MB)",
        kb("VmRSS:")? / 1000,
        kb("VmHWM:")? / 1000
    ))
}

impl Trace {
    fn new() -> Trace {
        let on = std::env::var_os("ITCOST_TRACE").is_some();
        Trace {
            on,
            last: std::cell::Cell::new((std::time::Instant::now(), on.then(cpu_seconds).flatten())),
        }
    }

    fn mark(&self, stage: &str) {
        if self.on {
            let now = (std::time::Instant::now(), cpu_seconds());
            let (t, cpu) = self.last.get();
            let cpu = match (now.1, cpu) {
                (Some(a), Some(b)) => format!(", {:.2} s CPU", a - b),
                _ => String::new(),
            };
            eprintln!(
                "itcost: trace: {stage} {:.3} s{cpu}{}",
                (now.0 - t).as_secs_f64(),
                memory().unwrap_or_default()
            );
            self.last.set(now);
        }
    }
}
