//! The floor for reading a delimited ledger: split lines and sum the amount per account, on every core, and do
//! nothing else (no decoding, no other field, no classification). `benches/run.sh` times it next to itcost and
//! the peers; `benches/README.md` says what it shows.
//!
//! ```sh
//! cargo run --release --example floor -- bench-data/ledger-10000000.csv
//! ```
//!
//! Reads the file 32 MB at a time (as itcost does), cuts each block into one piece per thread at line ends,
//! splits lines with `memchr`, takes the `Konto` and `Belopp` fields of a `;`-separated export with the header
//! on the first line (the layout `itcost generate --lines` writes; no quotes), parses the amount without
//! allocating, and sums per account in a per-thread map merged at the end. Prints lines, accounts and the sum.

use std::collections::HashMap;
use std::io::Read;

fn parse_amount(b: &[u8]) -> i64 {
    let (mut v, mut neg, mut frac, mut in_frac) = (0i64, false, 0u32, false);
    for &c in b {
        match c {
            b'-' => neg = true,
            b'0'..=b'9' => {
                v = v * 10 + (c - b'0') as i64;
                if in_frac {
                    frac += 1;
                }
            }
            b',' | b'.' => in_frac = true,
            _ => {}
        }
    }
    while frac < 2 {
        v *= 10;
        frac += 1;
    }
    if neg {
        -v
    } else {
        v
    }
}

fn sum_piece(piece: &[u8], konto: usize, belopp: usize, acc: &mut HashMap<Vec<u8>, i64>) -> u64 {
    let mut n = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', piece) {
        let line = &piece[start..end];
        start = end + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        // Fields by position: one memchr pass over the delimiters of the line.
        let mut fields: [&[u8]; 32] = [&[]; 32];
        let mut f = 0;
        let mut s = 0;
        for d in memchr::memchr_iter(b';', line) {
            if f < 32 {
                fields[f] = &line[s..d];
            }
            f += 1;
            s = d + 1;
        }
        if f < 32 {
            fields[f] = &line[s..];
        }
        let amount = parse_amount(fields[belopp.min(31)]);
        let account = fields[konto.min(31)];
        match acc.get_mut(account) {
            Some(v) => *v += amount,
            None => {
                acc.insert(account.to_vec(), amount);
            }
        }
        n += 1;
    }
    n
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor FILE.csv");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut file = std::fs::File::open(&path).expect("open");
    let block = 32 << 20;
    let mut pending: Vec<u8> = Vec::with_capacity(block + (1 << 20));
    let mut accs: Vec<HashMap<Vec<u8>, i64>> = vec![HashMap::new(); threads];
    let (mut konto, mut belopp) = (usize::MAX, usize::MAX);
    let mut lines = 0u64;
    loop {
        let start = pending.len();
        pending.resize(start + block, 0);
        let mut got = 0;
        while got < block {
            let n = file.read(&mut pending[start + got..]).expect("read");
            if n == 0 {
                break;
            }
            got += n;
        }
        pending.truncate(start + got);
        let eof = got < block;
        let mut body_start = 0;
        if konto == usize::MAX {
            let end = memchr::memchr(b'\n', &pending).expect("a header line");
            let header = String::from_utf8_lossy(&pending[..end]);
            for (i, h) in header.trim_end().split(';').enumerate() {
                match h {
                    "Konto" => konto = i,
                    "Belopp" => belopp = i,
                    _ => {}
                }
            }
            assert!(
                konto != usize::MAX && belopp != usize::MAX,
                "Konto and Belopp columns"
            );
            body_start = end + 1;
        }
        let cut = if eof {
            pending.len()
        } else {
            memchr::memrchr(b'\n', &pending).map_or(0, |i| i + 1)
        };
        let body = &pending[body_start..cut];
        let target = body.len() / threads + 1;
        let mut pieces = Vec::with_capacity(threads);
        let mut s = 0;
        while s < body.len() {
            let e = if s + target >= body.len() {
                body.len()
            } else {
                memchr::memchr(b'\n', &body[s + target..])
                    .map_or(body.len(), |p| s + target + p + 1)
            };
            pieces.push(&body[s..e]);
            s = e;
        }
        lines += std::thread::scope(|sc| {
            let handles: Vec<_> = pieces
                .iter()
                .zip(accs.iter_mut())
                .map(|(p, acc)| sc.spawn(move || sum_piece(p, konto, belopp, acc)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .sum::<u64>()
        });
        pending.drain(..cut);
        if eof {
            break;
        }
    }
    let mut total: HashMap<Vec<u8>, i64> = HashMap::new();
    for acc in accs {
        for (k, v) in acc {
            *total.entry(k).or_default() += v;
        }
    }
    let sum: i64 = total.values().sum();
    println!(
        "{{\"lines\": {lines}, \"accounts\": {}, \"sum_ore\": {sum}}}",
        total.len()
    );
}
