//! Lines summed by the raw bytes of their coded fields: one probe per line.
//!
//! The CSV reader meets every line's seven coded fields (account, account text, cost centre, department, project,
//! counterpart, supplier) as bytes of the file. Numbering each field in its own dictionary ([`KeySums`]) costs
//! seven string hashes and compares per line; here the line's coded bytes and its text signature are packed into
//! one buffer, hashed once (foldhash) and looked up once in a table whose slots hold the sums. Only a combination
//! not met before is decoded and numbered in [`KeySums`]; [`RawKeys::flush`] hands the sums over at the end.
//!
//! The table is hashbrown's `HashTable` (the crate std's map is built on), not a map keyed by a boxed slice: its
//! slots hold the hash, the packed bytes' place in one arena and the sums in place, so a probe compares the
//! stored hash before it touches the bytes, and no key is allocated per combination.

use super::ledger::{Key, KeySums, CODED};
use super::raw_text::Decode;
use crate::rules::keywords::SigScratch;
use hashbrown::hash_table::{Entry, HashTable};
use std::hash::BuildHasher;

/// One distinct combination of raw coded bytes and text signature.
struct Slot {
    hash: u64,
    /// The packed bytes: `arena[at..at + len]`.
    at: usize,
    len: usize,
    /// Index into [`RawKeys::keys`].
    key: u32,
    first_line: u32,
    sum: i64,
    lines: u64,
}

/// Sums per raw combination of coded bytes and text signature (per reading thread), handed to a [`KeySums`] with
/// [`RawKeys::flush`].
#[derive(Default)]
pub struct RawKeys {
    table: HashTable<Slot>,
    arena: Vec<u8>,
    /// The key in the [`KeySums`] of each combination, and whether its lines keep their texts (then its lines go
    /// to the [`KeySums`] directly, text by text).
    keys: Vec<(Key, bool)>,
    hasher: hashbrown::DefaultHashBuilder,
    packed: Vec<u8>,
    sig: Vec<u8>,
    scratch: SigScratch,
}

impl RawKeys {
    /// Adds one line: `coded` are its trimmed raw coded fields (in [`super::ledger::KEY_FIELDS`] order), `text`
    /// its trimmed line text, `decode` turns raw bytes into text (the file's encoding). `sums` numbers the
    /// combinations not met before and takes the lines of the keys that keep their texts.
    pub fn add(
        &mut self,
        sums: &mut KeySums,
        coded: &[&[u8]; CODED],
        text: &str,
        line: u32,
        amount: i64,
        decode: Decode,
    ) {
        self.pack(sums, coded, text);
        let hash = self.hasher.hash_one(&self.packed[..]);
        let (arena, packed) = (&self.arena, &self.packed);
        let slot = match self.table.entry(
            hash,
            |s| s.hash == hash && arena[s.at..s.at + s.len] == packed[..],
            |s| s.hash,
        ) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let id = self.keys.len() as u32;
                self.keys
                    .push(resolve(sums, coded, text, &self.sig, decode));
                let at = self.arena.len();
                self.arena.extend_from_slice(&self.packed);
                v.insert(Slot {
                    hash,
                    at,
                    len: self.packed.len(),
                    key: id,
                    first_line: u32::MAX,
                    sum: 0,
                    lines: 0,
                })
                .into_mut()
            }
        };
        let (key, keeps) = self.keys[slot.key as usize];
        if keeps {
            sums.add_resolved(key, text, line, amount, 1);
        } else {
            slot.sum += amount;
            slot.lines += 1;
            slot.first_line = slot.first_line.min(line);
        }
    }

    /// Packs the coded bytes (each after its length: one byte, or 255 and four bytes) and the last field of the key (the text's signature with a
    /// plan, the text without) into `self.packed`.
    fn pack(&mut self, sums: &KeySums, coded: &[&[u8]; CODED], text: &str) {
        self.packed.clear();
        for f in coded {
            match u8::try_from(f.len()) {
                Ok(n) if n < u8::MAX => self.packed.push(n),
                _ => {
                    self.packed.push(u8::MAX);
                    self.packed
                        .extend_from_slice(&(f.len() as u32).to_le_bytes());
                }
            }
            self.packed.extend_from_slice(f);
        }
        match sums.plan() {
            Some(plan) => {
                plan.keywords
                    .signature_into(text, &mut self.scratch, &mut self.sig);
                self.packed.extend_from_slice(&self.sig);
            }
            None => self.packed.extend_from_slice(text.as_bytes()),
        }
    }

    /// Hands the sums to `sums` (the keys were numbered there already) and empties the table.
    pub fn flush(&mut self, sums: &mut KeySums) {
        for s in self.table.drain() {
            if s.lines > 0 {
                let (key, _) = self.keys[s.key as usize];
                sums.add_resolved(key, "", s.first_line, s.sum, s.lines);
            }
        }
        self.arena.clear();
        self.keys.clear();
    }
}

/// The key of a combination not met before: its coded values decoded and numbered in `sums`.
fn resolve(
    sums: &mut KeySums,
    coded: &[&[u8]; CODED],
    text: &str,
    sig: &[u8],
    decode: Decode,
) -> (Key, bool) {
    let decoded: [std::borrow::Cow<'_, str>; CODED] = std::array::from_fn(|i| decode(coded[i]));
    let values: [&str; CODED] = std::array::from_fn(|i| &*decoded[i]);
    let last = match sums.plan() {
        Some(_) => sig,
        None => text.as_bytes(),
    };
    sums.resolve(&values, last)
}
