//! Summing a Parquet ledger per key, one row group per task: each distinct dictionary value's contribution to the
//! key is computed once ([`Coded`]; for the line text, its keyword signature under the run's [`KeyPlan`]), lines
//! are summed per tuple of value ids, and only those pre-summed tuples reach [`KeySums`] as strings. The keys whose
//! lines keep their texts (the IT suspects) are summed per distinct text as well, in a second pass over their
//! rows only.
//!
//! Each core sums its row groups into one [`Part`] for the whole read (not one per task), and each tuple is
//! resolved to its key in that part's table, which decides once per key whether the key keeps its texts: a file
//! whose row groups each hold many keys (the clustered windows `itcost convert` writes) pays the rules once per
//! key and core, not once per key and row group (which cost a third of the CPU at 10M lines).

use super::cells::{Coded, Kind};
use super::row_groups::{Batch, ParquetFile};
use crate::error::{Error, Result};
use crate::ingest::ledger::{KeyPlan, KeySums, CODED, KEY_FIELDS};
use crate::rules::keywords::SigScratch;
use polars::prelude::PlHashMap;
use std::collections::BTreeMap;

/// What the tasks of one read add up to (merged in row-group order, so the result does not depend on which core
/// read which row group).
pub struct Part {
    /// Sums per key, with periods and vouchers.
    pub sums: KeySums,
    /// Sum of every amount, öre.
    pub sum_ore: i64,
    /// The canonical municipality and year of the first row of the earliest task read.
    pub stamp: (Option<String>, Option<i32>),
    /// The task (row group in file order) `stamp` was taken from.
    stamp_task: Option<usize>,
    scratch: SigScratch,
}

impl Part {
    /// An empty part summing with `plan` (see [`KeySums::with_plan`]).
    pub fn new(plan: Option<KeyPlan>, vouchers: bool) -> Part {
        let mut sums = KeySums::with_plan(plan);
        sums.keep_vouchers = vouchers;
        Part {
            sums,
            sum_ore: 0,
            stamp: (None, None),
            stamp_task: None,
            scratch: SigScratch::default(),
        }
    }

    /// Adds another part (the stamp of the earlier task wins, so the order of merging does not matter).
    pub fn merge(mut self, other: Part, shown: &str) -> Result<Part> {
        self.sums.merge(other.sums);
        self.sum_ore = self
            .sum_ore
            .checked_add(other.sum_ore)
            .ok_or_else(|| Error::input(format!("{shown}: the sum of the amounts overflows")))?;
        if other
            .stamp_task
            .is_some_and(|o| self.stamp_task.is_none_or(|s| o < s))
        {
            self.stamp = other.stamp;
            self.stamp_task = other.stamp_task;
        }
        Ok(self)
    }
}

/// One tuple of value ids with its lines' sum.
struct Tuple {
    first_line: u32,
    first_row: usize,
    sum: i64,
    lines: u64,
}

/// What the line text contributes to the key, once per distinct text of the batch: with a plan its keyword
/// signature (interned: `ids[text id]` is the signature's id in `sigs`), without one the text itself.
fn text_signatures(
    text: &Coded<'_>,
    plan: Option<&KeyPlan>,
    scratch: &mut SigScratch,
) -> (Vec<u32>, Vec<Vec<u8>>) {
    let Some(plan) = plan else {
        return ((0..text.values.len() as u32).collect(), Vec::new());
    };
    // Signatures are short bit sets (one bit per keyword): those under 16 bytes are interned as one integer,
    // with no compare of bytes behind a pointer (one lookup per distinct text: per line with unique texts).
    let mut small: PlHashMap<u128, u32> = PlHashMap::default();
    let mut seen: PlHashMap<Vec<u8>, u32> = PlHashMap::default();
    let mut sigs: Vec<Vec<u8>> = Vec::new();
    let mut sig = Vec::new();
    let mut ids = Vec::with_capacity(text.values.len());
    for t in &text.values {
        plan.keywords.signature_into(t, scratch, &mut sig);
        let next = sigs.len() as u32;
        let id = if sig.len() < 16 {
            let mut b = [0u8; 16];
            b[..sig.len()].copy_from_slice(&sig);
            b[15] = sig.len() as u8;
            *small.entry(u128::from_le_bytes(b)).or_insert(next)
        } else {
            *seen.entry_ref(sig.as_slice()).or_insert(next)
        };
        if id == next {
            sigs.push(sig.clone());
        }
        ids.push(id);
    }
    (ids, sigs)
}

/// Sums row group `rg` of `file` into `part`; `task` is the row group's place among every file's row groups.
pub fn sum_row_group(file: &ParquetFile, rg: usize, task: usize, part: &mut Part) -> Result<()> {
    let vouchers = part.sums.keep_vouchers;
    let mut fields: Vec<usize> = KEY_FIELDS.to_vec();
    if vouchers {
        fields.push(11);
    }
    let projection = file.layout.projection(&fields);
    file.read_row_group(rg, &projection, |b| sum_batch(&b, task, vouchers, part))?;
    crate::progress::advance(
        file.bytes * file.meta.row_group(rg).num_rows().max(0) as u64 / file.rows().max(1),
    );
    Ok(())
}

fn sum_batch(b: &Batch<'_>, task: usize, vouchers: bool, part: &mut Part) -> Result<()> {
    let n = b.rows();
    if n == 0 {
        return Ok(());
    }
    if part.stamp_task.is_none_or(|t| task < t) {
        part.stamp = b.stamp();
        part.stamp_task = Some(task);
    }
    let amounts = b.amounts()?;
    let lines = b.lines();
    let dates = b.dates()?;
    let periods = b.periods(dates.as_deref())?;
    let coded: Vec<Coded<'_>> = KEY_FIELDS[..CODED]
        .iter()
        .map(|&s| b.coded(s, Kind::Code))
        .collect();
    let plan = part.sums.plan().cloned();
    // With a plan only the text's signature enters the key: a plain (not dictionary) text column is taken row by
    // row rather than interned, since its texts are mostly distinct (an invoice per line).
    let text = match plan {
        Some(_) => b.coded_rows(KEY_FIELDS[CODED]),
        None => b.coded(KEY_FIELDS[CODED], Kind::Text),
    };
    let (sig_of_text, sigs) = text_signatures(&text, plan.as_ref(), &mut part.scratch);

    let mut batch_sum = 0i64;
    for (r, a) in amounts.iter().enumerate() {
        batch_sum = batch_sum
            .checked_add(*a)
            .ok_or_else(|| Error::input(format!("{}: the running sum overflows", b.at(r))))?;
    }
    part.sum_ore = part
        .sum_ore
        .checked_add(batch_sum)
        .ok_or_else(|| Error::input(format!("{}: the running sum overflows", b.at(n - 1))))?;

    // Lines per period: a handful of distinct periods, counted in runs.
    let mut per_period: BTreeMap<i32, u64> = BTreeMap::new();
    let (mut last, mut run) = (None::<i32>, 0u64);
    for p in &periods {
        if *p != last {
            if let Some(l) = last {
                *per_period.entry(l).or_default() += run;
            }
            last = *p;
            run = 0;
        }
        run += 1;
    }
    if let Some(l) = last {
        *per_period.entry(l).or_default() += run;
    }
    for (p, c) in per_period {
        part.sums.add_period(p, c);
    }

    // Sum per tuple of ids (coded values, text signature); consecutive rows with the same tuple (a sorted file)
    // skip the hash.
    let mut index: PlHashMap<[u32; CODED + 1], u32> = PlHashMap::default();
    let mut tuples: Vec<([u32; CODED + 1], Tuple)> = Vec::new();
    let mut row_tuple: Vec<u32> = Vec::with_capacity(n);
    let mut prev: Option<([u32; CODED + 1], u32)> = None;
    for r in 0..n {
        let key: [u32; CODED + 1] = std::array::from_fn(|k| match k {
            CODED => sig_of_text[text.ids[r] as usize],
            k => coded[k].ids[r],
        });
        let at = match prev {
            Some((k, at)) if k == key => at,
            _ => {
                let next = tuples.len() as u32;
                let at = *index.entry(key).or_insert(next);
                if at == next {
                    tuples.push((
                        key,
                        Tuple {
                            first_line: lines[r],
                            first_row: r,
                            sum: 0,
                            lines: 0,
                        },
                    ));
                }
                prev = Some((key, at));
                at
            }
        };
        row_tuple.push(at);
        let t = &mut tuples[at as usize].1;
        t.sum = t
            .sum
            .checked_add(amounts[r])
            .ok_or_else(|| Error::input(format!("{}: the running sum overflows", b.at(r))))?;
        t.lines += 1;
        t.first_line = t.first_line.min(lines[r]);
    }

    // Each tuple's key in the part's table, and whether it keeps its texts (decided once per key and part).
    let values = |key: &[u32; CODED + 1]| -> [&str; CODED] {
        std::array::from_fn(|k| coded[k].values[key[k] as usize].as_ref())
    };
    let mut resolved = Vec::with_capacity(tuples.len());
    for (key, t) in &tuples {
        let vals = values(key);
        if let Some(e) = b.account_error(t.first_row, vals[0]) {
            return Err(e);
        }
        let last: &[u8] = match plan {
            Some(_) => &sigs[key[CODED] as usize],
            None => text.values[key[CODED] as usize].as_bytes(),
        };
        resolved.push(part.sums.resolve(&vals, last));
    }

    // The keys whose lines keep their texts (IT suspects) get one sum per distinct text: a second pass over
    // their rows only.
    let mut per_text: PlHashMap<(u32, u32), Tuple> = PlHashMap::default();
    let mut per_text_order: Vec<(u32, u32)> = Vec::new();
    if resolved.iter().any(|&(_, k)| k) {
        for r in 0..n {
            let at = row_tuple[r];
            if !resolved[at as usize].1 {
                continue;
            }
            let k = (at, text.ids[r]);
            let e = per_text.entry(k).or_insert_with(|| {
                per_text_order.push(k);
                Tuple {
                    first_line: lines[r],
                    first_row: r,
                    sum: 0,
                    lines: 0,
                }
            });
            e.sum += amounts[r];
            e.lines += 1;
            e.first_line = e.first_line.min(lines[r]);
        }
    }
    for ((_, t), &(key, keeps)) in tuples.iter().zip(&resolved) {
        if !keeps {
            part.sums
                .add_resolved(key, "", t.first_line, t.sum, t.lines);
        }
    }
    for k in &per_text_order {
        let t = &per_text[k];
        part.sums.add_resolved(
            resolved[k.0 as usize].0,
            text.values[k.1 as usize].as_ref(),
            t.first_line,
            t.sum,
            t.lines,
        );
    }
    if vouchers {
        let v = b.coded(11, Kind::Code);
        for s in v.values.iter().filter(|s| !s.is_empty()) {
            if !part.sums.vouchers.contains(s.as_ref()) {
                part.sums.vouchers.insert(Box::from(s.as_ref()));
            }
        }
    }
    Ok(())
}
