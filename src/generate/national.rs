//! A national dataset (issue 15, item 4): `itcost generate --national DIR --municipalities M --years Y --lines N`
//! writes N ledger lines spread over M synthetic municipalities × Y years as a Hive-partitioned Parquet dataset in
//! exactly `itcost convert`'s layout (`DIR/municipality=NAME/year=YYYY/ledger.parquet`, the canonical schema,
//! lines clustered by account and cost centre), the run config for it (`DIR/national.toml`: `dataset = "."`,
//! each municipality's central IT cost centres and population) and the truth (`DIR/truth.json`: per
//! municipality and year what a correct run reports, from the generator's own chart as for [`super::write_large`]).
//!
//! Sizes are uneven as Sweden's are: a municipality's weight falls with its rank as a power law (the largest
//! about 150 times the smallest), and each year is 2 % larger than the one before; every partition gets at least
//! 24 lines (every month, and a line on each central IT cost centre). Lines are written block by block through the convert writer, so memory holds one window whatever N.

use super::large::CATALOGUE;
use super::*;
use crate::ingest::dataset::hive_escape;
use crate::ingest::ledger::{LedgerBuilder, LineValues};
use crate::ingest::parquet::writer::ClusteredWriter;

/// What `generate --national` is asked for.
#[derive(Debug, Clone, Copy)]
pub struct NationalOptions {
    /// Municipalities (1 to 2 000).
    pub municipalities: usize,
    /// Consecutive years, ending with [`NationalOptions::last_year`].
    pub years: usize,
    /// The last year.
    pub last_year: i32,
    /// Ledger lines in all.
    pub lines: u64,
    /// Random seed.
    pub seed: u64,
}

/// The truth of one municipality and year.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionTruth {
    /// Municipality.
    pub municipality: String,
    /// Year.
    pub year: i32,
    /// Its central IT cost centres.
    pub central_it: Vec<String>,
    /// What a run must report for it (`file`: the partition's Parquet file, relative to the dataset).
    #[serde(flatten)]
    pub truth: GeneratedTruth,
}

/// The truth file of a national dataset.
#[derive(Debug, Clone, Serialize)]
pub struct NationalTruth {
    /// Lines in all.
    pub lines: u64,
    /// Sum of all amounts, öre.
    pub input_sum_ore: i64,
    /// Per municipality and year, in the config's order.
    pub partitions: Vec<PartitionTruth>,
}

/// The run config's name in the dataset directory.
pub const NATIONAL_CONFIG: &str = "national.toml";
/// The truth file's name in the dataset directory.
pub const NATIONAL_TRUTH: &str = "truth.json";

const PREFIXES: [&str; 20] = [
    "Å", "Ö", "Väster", "Öster", "Norr", "Söder", "Stor", "Lill", "Berg", "Sjö", "Skog", "Ljung",
    "Hälle", "Mark", "Falk", "Rön", "Ek", "Björk", "Sand", "Kungs",
];
const SUFFIXES: [&str; 15] = [
    "mål", "sund", "by", "köping", "hamn", "ås", "dal", "fors", "vik", "holm", "näs", "torp",
    "berga", "lunda", "ö",
];

/// The name of municipality `i`: a prefix and a suffix (300 distinct; beyond, a number is added).
fn name(i: usize) -> String {
    let p = PREFIXES[i % PREFIXES.len()];
    let s = SUFFIXES[(i / PREFIXES.len()) % SUFFIXES.len()];
    let round = i / (PREFIXES.len() * SUFFIXES.len());
    let mut n = format!("{p}{s}");
    if round > 0 {
        n = format!("{n} {}", round + 1);
    }
    n
}

/// The fewest lines of a partition: every month, and each central IT cost centre, has a line.
const MIN_LINES: u64 = 24;

/// Lines per partition (municipality-major): `lines` spread by weight, at least [`MIN_LINES`] each, summing to
/// `lines`.
fn sizes(o: &NationalOptions) -> Vec<u64> {
    let parts = o.municipalities * o.years;
    let floor = MIN_LINES;
    let weights: Vec<f64> = (0..o.municipalities)
        .flat_map(|m| {
            // Rank m+1 among municipalities; power 0.9 gives ~150× between the first and the 290th.
            let w = 1.0 / ((m + 1) as f64).powf(0.9);
            (0..o.years).map(move |y| w * 1.02f64.powi(y as i32))
        })
        .collect();
    let total_w: f64 = weights.iter().sum();
    let rest = o.lines - floor * parts as u64;
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| floor + (rest as f64 * w / total_w).floor() as u64)
        .collect();
    // What flooring left over goes to the largest partitions, one line each, so the sum is exact.
    let mut missing = o.lines - out.iter().sum::<u64>();
    let mut i = 0;
    while missing > 0 {
        out[i % parts] += 1;
        missing -= 1;
        i += 1;
    }
    out
}

/// Writes the dataset, its run config and its truth into `dir`; returns the truth.
pub fn write_national(dir: &Path, o: &NationalOptions) -> Result<NationalTruth> {
    if o.municipalities == 0 || o.municipalities > 2_000 || o.years == 0 || o.years > 50 {
        return Err(Error::usage(format!(
            "generate --national: expected 1 to 2000 municipalities and 1 to 50 years, found {} and {}",
            o.municipalities, o.years
        )));
    }
    let parts = (o.municipalities * o.years) as u64;
    if o.lines < parts * MIN_LINES {
        return Err(Error::usage(format!(
            "generate --national: --lines {} is too few for {} municipalities × {} years: give at least {} \
             ({MIN_LINES} lines per municipality and year: every month and central IT cost centre)",
            o.lines,
            o.municipalities,
            o.years,
            parts * MIN_LINES
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let sizes = sizes(o);
    let mut rng = Rng::new(o.seed);
    let first_year = o.last_year - o.years as i32 + 1;
    let mut partitions = Vec::with_capacity(sizes.len());
    let mut config = format!(
        "# A synthetic national dataset: {} municipalities × {} years, {} ledger lines (itcost generate --national).\n\
         # Its truth is {NATIONAL_TRUTH}; the ledgers are the partitions of this directory.\n\
         title = \"National synthetic {}–{}\"\ndataset = \".\"\nbenchmark_year = {}\n",
        o.municipalities, o.years, o.lines, first_year, o.last_year, o.last_year
    );
    for m in 0..o.municipalities {
        let name = name(m);
        // Central IT cost centres differ between municipalities, as they do (15x0 and 15x1).
        let central = [format!("15{}0", m % 10), format!("15{}1", m % 10)];
        let population = (600_000.0 / ((m + 1) as f64).powf(0.9)).round() as u64 + 2_500;
        config.push_str(&format!(
            "\n[[municipality]]\nname = {name:?}\ncentral_it = [{:?}, {:?}]\npopulation = {population}\n",
            central[0], central[1]
        ));
        for y in 0..o.years {
            let year = first_year + y as i32;
            let n = sizes[m * o.years + y];
            let target = crate::ingest::convert::partition_path(dir, &name, Some(year));
            let truth = write_partition(&target, &name, year, n, &central, &mut rng)?;
            partitions.push(PartitionTruth {
                municipality: name.clone(),
                year,
                central_it: central.to_vec(),
                truth: GeneratedTruth {
                    file: format!(
                        "municipality={}/year={year}/ledger.parquet",
                        hive_escape(&name)
                    ),
                    ..truth
                },
            });
        }
    }
    let cfg_path = dir.join(NATIONAL_CONFIG);
    std::fs::write(&cfg_path, config).map_err(|e| Error::io(&cfg_path, e))?;
    let truth = NationalTruth {
        lines: partitions.iter().map(|p| p.truth.lines).sum(),
        input_sum_ore: partitions.iter().map(|p| p.truth.input_sum_ore).sum(),
        partitions,
    };
    let truth_path = dir.join(NATIONAL_TRUTH);
    let text = serde_json::to_string_pretty(&truth)
        .map_err(|e| Error::internal(format!("truth as JSON: {e}")))?;
    std::fs::write(&truth_path, text + "\n").map_err(|e| Error::io(&truth_path, e))?;
    Ok(truth)
}

/// Lines per block handed to the writer.
const BLOCK: u64 = 1 << 16;

/// Writes one partition's ledger of `n` lines (through a temporary file, renamed when complete, as convert does).
fn write_partition(
    target: &Path,
    municipality: &str,
    year: i32,
    n: u64,
    central: &[String; 2],
    rng: &mut Rng,
) -> Result<GeneratedTruth> {
    if let Some(d) = target.parent() {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    let tmp = target.with_extension("parquet.itcost-tmp");
    let mut writer = ClusteredWriter::create(&tmp)?;
    let ccs: Vec<String> = (0..400)
        .map(|i| (2000 + i * 5).to_string())
        .chain(central.iter().cloned())
        .collect();
    let total_w: u64 = CATALOGUE.iter().map(|c| c.1).sum();
    let mut truth = GeneratedTruth::default();
    let file = format!("generated:{municipality}-{year}");
    let mut text = String::with_capacity(96);
    let mut done = 0u64;
    while done < n {
        let block = BLOCK.min(n - done);
        let mut b = LedgerBuilder::with_capacity(block as usize);
        for k in 0..block {
            let i = done + k;
            let mut x = rng.below(total_w);
            let mut pick = CATALOGUE[0];
            for c in CATALOGUE {
                if x < c.1 {
                    pick = c;
                    break;
                }
                x -= c.1;
            }
            // Every municipality books on each of its central IT cost centres: the first two lines are a
            // computer bought by each (a run refuses a central IT code that matches no line).
            if i < 2 {
                pick = (COMPUTERS, 0, 1_200_000);
            }
            let (a, _, base) = pick;
            let amount = (base as f64 * (0.2 + rng.unit() * 1.6)) as i64;
            let cc = if i < 2 {
                central[i as usize].as_str()
            } else if a.class == Class::Excluded {
                ""
            } else {
                rng.pick(&ccs).as_str()
            };
            let truth_of = match a.class {
                Class::Excluded => Truth::Excluded,
                Class::Revenue => Truth::Revenue,
                Class::InternalCost => Truth::InternalCost,
                Class::InternalRevenue => Truth::InternalRevenue,
                _ if central.iter().any(|c| c == cc) => Truth::CentralIt,
                Class::ItHardware | Class::ItSoftware | Class::ItTelecom => Truth::OutsideIt,
                _ => Truth::NotItCost,
            };
            truth.add(truth_of, amount);
            let supplier = match a.class {
                Class::ItHardware | Class::ItSoftware | Class::ItServices => {
                    *rng.pick(IT_SUPPLIERS)
                }
                Class::ItTelecom => *rng.pick(TELECOM_SUPPLIERS),
                Class::Purchase => *rng.pick(OTHER_SUPPLIERS),
                _ => "",
            };
            let month = 1 + (i * 12 / n) as u32;
            let day = 1 + rng.below(28) as u32;
            let activity = (100 + rng.below(900)).to_string();
            let voucher = (1_000_000 + i).to_string();
            // Invoice texts as exports write them; one purchase in 40 is a computer accessory bought on a non-IT
            // account (an unclassified IT suspect: it stays not IT, so the truth holds whatever the rules say).
            let accessory = a.class == Class::Purchase && i.is_multiple_of(40);
            let who = if accessory {
                "Dustin"
            } else {
                supplier.split_whitespace().next().unwrap_or("")
            };
            let what = if accessory {
                "datortillbehör"
            } else {
                *rng.pick(NON_IT_TEXTS)
            };
            text.clear();
            text.push_str("Faktura ");
            text.push_str(&voucher);
            text.push(' ');
            if !who.is_empty() {
                text.push_str(who);
                text.push(' ');
            }
            text.push_str(what);
            text.push(' ');
            text.push_str(super::large::MONTHS[(month - 1) as usize]);
            let date = crate::ingest::dates::days_from_civil(year, month, day);
            b.push(&LineValues {
                text: [
                    a.code, a.text, cc, "", "", &activity, "", "", "", supplier, &text, &voucher,
                ],
                line: (i + 2) as u32,
                date,
                period: Some(year * 100 + month as i32),
                amount_ore: amount,
            });
        }
        writer.push(b.finish(&file, municipality, Some(year))?)?;
        done += block;
    }
    let written = writer.finish()? as u64;
    if written != n {
        return Err(Error::internal(format!(
            "{}: {written} lines written, {n} generated",
            target.display()
        )));
    }
    std::fs::rename(&tmp, target).map_err(|e| Error::io(target, e))?;
    Ok(truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_sizes_add_up() {
        let names: std::collections::BTreeSet<String> = (0..700).map(name).collect();
        assert_eq!(names.len(), 700);
        let o = NationalOptions {
            municipalities: 290,
            years: 10,
            last_year: 2024,
            lines: 3_000_000,
            seed: 1,
        };
        let s = sizes(&o);
        assert_eq!(s.iter().sum::<u64>(), 3_000_000);
        assert!(s.iter().all(|&n| n >= MIN_LINES));
        assert!(s[0] > 100 * s[289 * 10], "{} vs {}", s[0], s[2890]);
        assert!(s[9] > s[0], "later years are larger");
    }
}
