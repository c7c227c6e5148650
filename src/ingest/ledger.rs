//! The canonical ledger: one columnar table every input format becomes, and the builder that fills it.
//!
//! Columns (polars dtypes), in this order:
//!
//! | column | dtype | meaning |
//! |---|---|---|
//! | `file` | String | the input file the line came from |
//! | `line` | UInt32 | its 1-based line number in that file |
//! | `municipality` | String | from the config or `--municipality` (default: the file stem) |
//! | `year` | Int32 | from the config or `--year`, else the most common year of the dates |
//! | `account` … `voucher` | String | the text fields of [`Field`](super::columns::Field), `""` when absent |
//! | `date` | Date (nullable) | posting date |
//! | `period` | Int32 (nullable) | `YYYYMM`, from the period column or the date |
//! | `amount_ore` | Int64 | signed amount in öre, debit positive (debet − kredit) |

use super::columns::Field;
use crate::error::Result;
use crate::rules::keywords::{SigScratch, TextKeywords};
use polars::prelude::*;

/// The text fields of the canonical ledger, in column order.
pub const TEXT_FIELDS: [Field; 12] = [
    Field::Account,
    Field::AccountText,
    Field::CostCentre,
    Field::Department,
    Field::Function,
    Field::Activity,
    Field::Project,
    Field::Object,
    Field::Counterpart,
    Field::Supplier,
    Field::Text,
    Field::Voucher,
];

/// Accumulates ledger lines column by column.
pub struct LedgerBuilder {
    text: Vec<StringChunkedBuilder>,
    line: Vec<u32>,
    date: Vec<Option<i32>>,
    period: Vec<Option<i32>>,
    amount: Vec<i64>,
}

/// One line's values, borrowed from the reader's record.
pub struct LineValues<'a> {
    /// Text values in [`TEXT_FIELDS`] order (`""` when absent).
    pub text: [&'a str; 12],
    /// Line number in the file.
    pub line: u32,
    /// Date as days since 1970-01-01.
    pub date: Option<i32>,
    /// Period `YYYYMM`.
    pub period: Option<i32>,
    /// Amount in öre.
    pub amount_ore: i64,
}

impl LedgerBuilder {
    /// An empty builder with room for `capacity` lines.
    pub fn with_capacity(capacity: usize) -> Self {
        LedgerBuilder {
            text: TEXT_FIELDS
                .iter()
                .map(|f| StringChunkedBuilder::new(f.key().into(), capacity))
                .collect(),
            line: Vec::with_capacity(capacity),
            date: Vec::with_capacity(capacity),
            period: Vec::with_capacity(capacity),
            amount: Vec::with_capacity(capacity),
        }
    }

    /// Appends one line.
    pub fn push(&mut self, v: &LineValues<'_>) {
        for (b, s) in self.text.iter_mut().zip(v.text.iter()) {
            b.append_value(s);
        }
        self.line.push(v.line);
        self.date.push(v.date);
        self.period.push(v.period);
        self.amount.push(v.amount_ore);
    }

    /// Number of lines so far.
    pub fn len(&self) -> usize {
        self.amount.len()
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        self.amount.is_empty()
    }

    /// The periods seen so far (for choosing the year).
    pub fn periods(&self) -> &[Option<i32>] {
        &self.period
    }

    /// Builds the canonical table, stamping every line with its file, municipality and year.
    pub fn finish(self, file: &str, municipality: &str, year: Option<i32>) -> Result<DataFrame> {
        let n = self.amount.len();
        let mut cols: Vec<Column> = Vec::with_capacity(20);
        cols.push(Column::new_scalar(
            "file".into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(file.into())),
            n,
        ));
        cols.push(Column::new("line".into(), self.line));
        cols.push(Column::new_scalar(
            "municipality".into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(municipality.into())),
            n,
        ));
        let year_val = match year {
            Some(y) => AnyValue::Int32(y),
            None => AnyValue::Null,
        };
        cols.push(Column::new_scalar(
            "year".into(),
            Scalar::new(DataType::Int32, year_val),
            n,
        ));
        for b in self.text {
            cols.push(b.finish().into_series().into());
        }
        let date = Int32Chunked::from_iter_options("date".into(), self.date.into_iter())
            .into_series()
            .into_date();
        cols.push(date.into());
        cols.push(Column::new("period".into(), self.period));
        cols.push(Column::new("amount_ore".into(), self.amount));
        Ok(DataFrame::new(n, cols)?)
    }
}

/// The canonical column names, in order.
pub fn column_names() -> Vec<&'static str> {
    let mut v = vec!["file", "line", "municipality", "year"];
    v.extend(TEXT_FIELDS.iter().map(|f| f.key()));
    v.extend(["date", "period", "amount_ore"]);
    v
}

/// Where a reader puts the lines it parses: the full ledger ([`LedgerBuilder`]) or sums per key ([`KeySums`]).
pub trait LineSink {
    /// Takes one parsed line.
    fn push(&mut self, v: &LineValues<'_>);
}

impl LineSink for LedgerBuilder {
    fn push(&mut self, v: &LineValues<'_>) {
        LedgerBuilder::push(self, v);
    }
}

/// The text fields (indexes into [`TEXT_FIELDS`]) that a summed ledger keeps per key: the coded values rules,
/// departments, suppliers and suspects look at (account, account text, cost centre, department, project,
/// counterpart, supplier), then the line text. Function, activity, object and voucher are not kept.
pub const KEY_FIELDS: [usize; 8] = [0, 1, 2, 3, 6, 8, 9, 10];

/// How many of [`KEY_FIELDS`] are coded values (the line text comes last).
pub const CODED: usize = 7;

/// Decides, once per new key, whether the lines of a key keep their texts (a summed reader asks it; `classify`
/// implements it: the key's lines are unclassified IT suspects, whose top texts the report lists exactly).
pub trait KeepTexts: Send + Sync {
    /// True when the lines with these coded values (in [`KEY_FIELDS`] order, the first [`CODED`]) and this line
    /// text signature must keep a sum per distinct text.
    fn keeps_texts(&self, coded: &[&str; CODED], sig: &[u8]) -> bool;

    /// The signature bits (atoms) that can make a key keep its texts; `None` when any signature can (the
    /// default). With [`KeepTexts::value_keeps`] this is a condition an engine can test on every line before it
    /// knows the keys: [`KeepTexts::keeps_texts`] is false for a key whose signature has none of these bits and
    /// whose account text and supplier are not `value_keeps`.
    fn text_atoms(&self) -> Option<Vec<usize>> {
        None
    }

    /// Whether a coded value (an account text or a supplier, trimmed) can make a key keep its texts whatever its
    /// signature; true (the default) when this cannot be said.
    fn value_keeps(&self, _value: &str) -> bool {
        true
    }
}

/// What a summed reader needs from the rules, set before reading: the free-text automaton (the line text is
/// kept only as its signature) and which keys keep their texts.
#[derive(Clone)]
pub struct KeyPlan {
    /// The rule set's free-text keywords ([`crate::rules::RuleSet::text_keywords`]).
    pub keywords: std::sync::Arc<TextKeywords>,
    /// Which keys keep a sum per distinct text (None: none do).
    pub keep_texts: Option<std::sync::Arc<dyn KeepTexts>>,
}

impl std::fmt::Debug for KeyPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPlan")
            .field("keywords", &self.keywords.len())
            .field("keep_texts", &self.keep_texts.is_some())
            .finish()
    }
}

/// Per distinct text of a key that keeps its texts: sum, lines, first line.
type TextSums = PlHashMap<Box<str>, (i64, u64, u32)>;

/// Distinct values of one field, numbered in the order met: a key is then a few small integers, compared and
/// hashed without chasing a pointer per field.
#[derive(Default)]
struct Dict<K: std::hash::Hash + Eq> {
    ids: PlHashMap<K, u32>,
    values: Vec<K>,
}

impl Dict<Box<str>> {
    fn id(&mut self, v: &str) -> u32 {
        if let Some(&i) = self.ids.get(v) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(v.into());
        self.ids.insert(v.into(), i);
        i
    }
}

impl Dict<Box<[u8]>> {
    fn id(&mut self, v: &[u8]) -> u32 {
        if let Some(&i) = self.ids.get(v) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(v.into());
        self.ids.insert(v.into(), i);
        i
    }
}

/// A key: the ids of its coded values (in [`KEY_FIELDS`] order) and of its last field (the line text's signature
/// with a plan, the text itself without). Valid only in the [`KeySums`] that handed it out ([`KeySums::resolve`]).
pub type Key = [u32; CODED + 1];

/// A key's sums, stored in the key table itself (one memory access per line).
struct KeyEntry {
    first_line: u32,
    sum: i64,
    lines: u64,
    /// Sums per distinct text, for the keys the plan says keep them.
    texts: Option<Box<TextSums>>,
}

/// Lines summed per distinct key, with the months, the year's periods and the vouchers seen: what a run needs, in
/// memory that grows with the distinct keys, not with the lines.
///
/// A key is the coded values of a line (account, account text, cost centre, department, project, counterpart,
/// supplier) and, with a [`KeyPlan`], only the *signature* of its line text (which of the rules' free-text
/// keywords it holds): a ledger whose every line names its own invoice has as many keys as one whose texts
/// repeat. The keys the plan marks (the IT suspects) also keep a sum per distinct text, for the report's top
/// texts. Without a plan the text itself is part of the key (readers that know no rules).
///
/// Each field's distinct values are numbered (small per-field dictionaries that stay in cache), so the key table
/// is keyed by a few integers: one probe per line, no string compared there.
#[derive(Default)]
pub struct KeySums {
    fields: [Dict<Box<str>>; CODED],
    last: Dict<Box<[u8]>>,
    entries: PlHashMap<Key, KeyEntry>,
    plan: Option<KeyPlan>,
    scratch: SigScratch,
    sig: Vec<u8>,
    /// Lines per period `YYYYMM` (for the months present and the most common year).
    pub periods: std::collections::BTreeMap<i32, u64>,
    /// Distinct voucher numbers (for the overlap check between files).
    pub vouchers: PlHashSet<Box<str>>,
    /// Lines taken.
    pub lines: u64,
    /// Whether to keep `vouchers`.
    pub keep_vouchers: bool,
}

impl KeySums {
    /// Empty sums that read line texts through `plan` (None: the text itself is part of the key).
    pub fn with_plan(plan: Option<KeyPlan>) -> KeySums {
        KeySums {
            plan,
            ..KeySums::default()
        }
    }

    /// The plan this reader sums with.
    pub fn plan(&self) -> Option<&KeyPlan> {
        self.plan.as_ref()
    }

    /// The key of these values (numbering values not met before).
    fn key(&mut self, coded: &[&str; CODED], last: &[u8]) -> Key {
        let mut k = [0u32; CODED + 1];
        for (i, v) in coded.iter().enumerate() {
            k[i] = self.fields[i].id(v);
        }
        k[CODED] = self.last.id(last);
        k
    }

    /// The coded values and the last field of a key.
    fn values(&self, k: &Key) -> ([&str; CODED], &[u8]) {
        (
            std::array::from_fn(|i| &*self.fields[i].values[k[i] as usize]),
            &self.last.values[k[CODED] as usize],
        )
    }

    /// Adds to a key; returns its entry. `keeps` says whether a new key keeps its texts when that is known
    /// already (a merge); otherwise the plan is asked, once per new key.
    fn add_key(
        &mut self,
        key: Key,
        first_line: u32,
        sum: i64,
        lines: u64,
        keeps: Option<bool>,
    ) -> &mut KeyEntry {
        // One probe per line: the entry API, with the fields the plan reads borrowed apart from the table.
        let (plan, fields, last) = (&self.plan, &self.fields, &self.last);
        self.entries
            .entry(key)
            .and_modify(|e| {
                e.sum += sum;
                e.lines += lines;
                e.first_line = e.first_line.min(first_line);
            })
            .or_insert_with(|| {
                let keeps = keeps.unwrap_or_else(|| match plan {
                    Some(KeyPlan {
                        keep_texts: Some(k),
                        ..
                    }) => {
                        let coded: [&str; CODED] =
                            std::array::from_fn(|i| &*fields[i].values[key[i] as usize]);
                        k.keeps_texts(&coded, &last.values[key[CODED] as usize])
                    }
                    _ => false,
                });
                KeyEntry {
                    first_line,
                    sum,
                    lines,
                    texts: keeps.then(Box::default),
                }
            })
    }

    fn add_text(e: &mut KeyEntry, text: &str, first_line: u32, sum: i64, lines: u64) {
        if let Some(t) = &mut e.texts {
            match t.get_mut(text) {
                Some(e) => {
                    e.0 += sum;
                    e.1 += lines;
                    e.2 = e.2.min(first_line);
                }
                None => {
                    t.insert(text.into(), (sum, lines, first_line));
                }
            }
        }
    }

    /// Adds lines summed elsewhere (a reader that sums per dictionary value, say): `coded` in [`KEY_FIELDS`]
    /// order, the line text, and its signature under the plan's keywords (computed once per distinct text with
    /// [`TextKeywords::signature_into`]; ignored without a plan, when the text itself is the key's last field).
    /// `first_line` is the first line of these lines, `sum` their amount in öre, `lines` how many; `keeps`, when
    /// the caller already asked the plan, whether the key keeps its texts (else a new key asks the plan). Periods
    /// and vouchers are added with [`KeySums::add_period`] and `vouchers`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_summed(
        &mut self,
        coded: &[&str; CODED],
        text: &str,
        sig: &[u8],
        first_line: u32,
        sum: i64,
        lines: u64,
        keeps: Option<bool>,
    ) {
        let with_plan = self.plan.is_some();
        let key = self.key(coded, if with_plan { sig } else { text.as_bytes() });
        let e = self.add_key(key, first_line, sum, lines, keeps);
        if with_plan {
            Self::add_text(e, text, first_line, sum, lines);
        }
        self.lines += lines;
    }

    /// The key of these values in this table (`coded` in [`KEY_FIELDS`] order; `last` the line text's signature
    /// with a plan, the text itself without), and whether its lines keep a sum per distinct text. The plan is asked
    /// once per key this table has not met, so a reader that meets the same key in many batches (a row group, a
    /// block) decides it once; the key is then summed with [`KeySums::add_resolved`].
    pub fn resolve(&mut self, coded: &[&str; CODED], last: &[u8]) -> (Key, bool) {
        let key = self.key(coded, last);
        let e = self.add_key(key, u32::MAX, 0, 0, None);
        (key, e.texts.is_some())
    }

    /// Adds lines summed elsewhere to a key from [`KeySums::resolve`]: `text` is their line text (kept only when
    /// the key keeps its texts), `first_line` their first line, `sum` their amount in öre, `lines` how many.
    pub fn add_resolved(&mut self, key: Key, text: &str, first_line: u32, sum: i64, lines: u64) {
        let with_plan = self.plan.is_some();
        let e = self.add_key(key, first_line, sum, lines, None);
        if with_plan {
            Self::add_text(e, text, first_line, sum, lines);
        }
        self.lines += lines;
    }

    /// Counts `lines` lines in period `YYYYMM`.
    pub fn add_period(&mut self, period: i32, lines: u64) {
        *self.periods.entry(period).or_default() += lines;
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no line was taken.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of (key, text) sums kept for the keys that keep their texts.
    pub fn kept_texts(&self) -> usize {
        self.entries
            .values()
            .filter_map(|e| e.texts.as_ref())
            .map(|t| t.len())
            .sum()
    }

    /// Adds another chunk's sums (read with the same plan).
    pub fn merge(&mut self, other: KeySums) {
        for (k, e) in &other.entries {
            let (coded, last) = other.values(k);
            let key = self.key(&coded, last);
            let at = self.add_key(key, e.first_line, e.sum, e.lines, Some(e.texts.is_some()));
            if let Some(texts) = &e.texts {
                for (t, (s, n, f)) in texts.iter() {
                    Self::add_text(at, t, *f, *s, *n);
                }
            }
        }
        for (p, n) in other.periods {
            *self.periods.entry(p).or_default() += n;
        }
        self.vouchers.extend(other.vouchers);
        self.lines += other.lines;
    }

    /// The summed ledger in the canonical columns plus `lines` (lines per row) and, with a plan, `text_sig` (the
    /// line text's signature, Binary): one row per key, or per distinct text for the keys that keep their texts
    /// (`text` is empty otherwise). `line` is the row's first line, other text fields are empty, `date` and
    /// `period` are null.
    pub fn finish(self, file: &str, municipality: &str, year: Option<i32>) -> Result<DataFrame> {
        let n = self.entries.len() + self.kept_texts();
        let mut b = LedgerBuilder::with_capacity(n);
        let mut lines = Vec::with_capacity(n);
        let mut sigs: Vec<&[u8]> = Vec::with_capacity(n);
        let with_plan = self.plan.is_some();
        // In the order of the keys' first lines, ties (lines of several files) by their values: the frame is the
        // same whatever the hash order and whichever core met a key first.
        let mut entries: Vec<(&Key, &KeyEntry)> = self.entries.iter().collect();
        entries.sort_unstable_by(|(ka, ea), (kb, eb)| {
            ea.first_line
                .cmp(&eb.first_line)
                .then_with(|| self.values(ka).cmp(&self.values(kb)))
        });
        for (k, e) in entries {
            let (coded, last) = self.values(k);
            let mut text = [""; 12];
            for (slot, f) in KEY_FIELDS.iter().zip(coded) {
                text[*slot] = f;
            }
            let mut row = |t: &str, first: u32, sum: i64, n: u64| {
                let mut v = text;
                v[10] = t;
                b.push(&LineValues {
                    text: v,
                    line: first,
                    date: None,
                    period: None,
                    amount_ore: sum,
                });
                lines.push(n as i64);
                sigs.push(last);
            };
            match (&e.texts, with_plan) {
                (Some(ts), _) => {
                    // Sorted, so the frame is the same whatever the thread that met a text first.
                    let mut ts: Vec<_> = ts.iter().collect();
                    ts.sort_unstable_by(|a, b| a.0.cmp(b.0));
                    for (t, (s, n, f)) in ts {
                        row(t, *f, *s, *n);
                    }
                }
                (None, true) => row("", e.first_line, e.sum, e.lines),
                (None, false) => row(
                    std::str::from_utf8(last).unwrap_or(""),
                    e.first_line,
                    e.sum,
                    e.lines,
                ),
            }
        }
        let mut df = b.finish(file, municipality, year)?;
        df.with_column(Column::new("lines".into(), lines))?;
        if with_plan {
            df.with_column(Column::new(TEXT_SIG.into(), sigs))?;
        }
        Ok(df)
    }
}

/// The column of a summed ledger (and of a classified key table) that holds the line text's signature.
pub const TEXT_SIG: &str = "text_sig";

impl LineSink for KeySums {
    fn push(&mut self, v: &LineValues<'_>) {
        let coded: [&str; CODED] = std::array::from_fn(|i| v.text[KEY_FIELDS[i]]);
        let text = v.text[10];
        match &self.plan {
            Some(plan) => {
                let mut sig = std::mem::take(&mut self.sig);
                plan.keywords
                    .signature_into(text, &mut self.scratch, &mut sig);
                let key = self.key(&coded, &sig);
                self.sig = sig;
                let e = self.add_key(key, v.line, v.amount_ore, 1, None);
                Self::add_text(e, text, v.line, v.amount_ore, 1);
            }
            None => {
                let key = self.key(&coded, text.as_bytes());
                self.add_key(key, v.line, v.amount_ore, 1, None);
            }
        }
        if let Some(p) = v.period {
            *self.periods.entry(p).or_default() += 1;
        }
        let voucher = v.text[11];
        if self.keep_vouchers && !voucher.is_empty() && !self.vouchers.contains(voucher) {
            self.vouchers.insert(Box::from(voucher));
        }
        self.lines += 1;
    }
}
