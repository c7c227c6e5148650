//! Large Raindance-style ledgers of any size, streamed to disk, for benchmarks and tests at size.

use super::*;

/// How a large ledger is written (see [`write_large_with`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct LargeOptions {
    /// Every line's text names its own invoice (`Faktura 1004711 Dustin datorer mars`), as exports from Raindance,
    /// Unit4 and Visma do: as many distinct texts as lines. Off: texts repeat (13 variants).
    pub unique_text: bool,
    /// Write UTF-8 instead of Windows-1252.
    pub utf8: bool,
}

/// Swedish month names, for invoice texts.
pub(super) const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// The accounts a generated line is drawn from: account, weight, typical amount in öre (`write_large` and the
/// national generator).
pub(super) const CATALOGUE: [(Account, u64, i64); 24] = [
    (SALARY, 120, 3_000_000),
    (SOCIAL, 60, 1_000_000),
    (PENSION, 30, 500_000),
    (RENT_EXT, 20, 2_000_000),
    (RENT_INT, 30, 1_500_000),
    (RENT_REV_INT, 2, -20_000_000),
    (POWER, 15, 800_000),
    (COMPUTERS, 25, 1_200_000),
    (SOFTWARE, 15, 900_000),
    (MOBILE, 20, 40_000),
    (DATACOM, 5, 300_000),
    (POSTAGE, 5, 50_000),
    (INVENTORY, 40, 400_000),
    (SUPPLIES, 60, 150_000),
    (FOOD, 60, 300_000),
    (CONSULT, 15, 2_500_000),
    (IT_SERVICES, 10, 1_500_000),
    (OTHER_SERVICES, 50, 700_000),
    (IT_CHARGE, 10, 300_000),
    (DEPRECIATION, 10, 2_000_000),
    (FEES, 30, -500_000),
    (SALES, 15, -900_000),
    (PAYABLES, 20, -5_000_000),
    (TAX, 2, -100_000_000),
];

/// Writes one large Raindance-style ledger of `n` lines (central IT cost centres `1510`, `1511`), streaming;
/// returns its truth. Windows-1252, texts that repeat: [`write_large_with`] for other options.
pub fn write_large(path: &Path, n: usize, seed: u64) -> Result<GeneratedTruth> {
    write_large_with(path, n, seed, LargeOptions::default())
}

/// [`write_large`] with options. The amounts, accounts, cost centres and suppliers drawn for a seed are the same
/// whatever the options (the text of a unique-text line is built from values drawn anyway), so the truth of a
/// seed is the same too.
pub fn write_large_with(
    path: &Path,
    n: usize,
    seed: u64,
    opts: LargeOptions,
) -> Result<GeneratedTruth> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut rng = Rng::new(seed);
    let central: [&str; 2] = ["1510", "1511"];
    let ccs: Vec<String> = (0..400)
        .map(|i| (2000 + i * 5).to_string())
        .chain(central.iter().map(|s| s.to_string()))
        .collect();
    let total_w: u64 = CATALOGUE.iter().map(|c| c.1).sum();
    let mut truth = GeneratedTruth {
        file: path.display().to_string(),
        ..Default::default()
    };
    let io = |e: std::io::Error| Error::io(path, e);
    let encode = |s: &str| -> Vec<u8> {
        if opts.utf8 {
            s.as_bytes().to_vec()
        } else {
            encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
        }
    };
    w.write_all(&encode("Konto;Kontotext;Ansvar;Verksamhet;Motpart;Verifikationsnummer;Bokföringsdatum;Leverantör;Text;Belopp\r\n"))
        .map_err(io)?;
    let mut buf = String::with_capacity(256);
    let mut text = String::with_capacity(96);
    for i in 0..n {
        let mut x = rng.below(total_w);
        let mut pick = CATALOGUE[0];
        for c in CATALOGUE {
            if x < c.1 {
                pick = c;
                break;
            }
            x -= c.1;
        }
        let (a, _, base) = pick;
        let amount = (base as f64 * (0.2 + rng.unit() * 1.6)) as i64;
        let cc = if a.class == Class::Excluded {
            ""
        } else {
            rng.pick(&ccs).as_str()
        };
        let is_central = central.contains(&cc);
        let truth_of = match a.class {
            Class::Excluded => Truth::Excluded,
            Class::Revenue => Truth::Revenue,
            Class::InternalCost => Truth::InternalCost,
            Class::InternalRevenue => Truth::InternalRevenue,
            _ if is_central => Truth::CentralIt,
            Class::ItHardware | Class::ItSoftware | Class::ItTelecom => Truth::OutsideIt,
            _ => Truth::NotItCost,
        };
        truth.add(truth_of, amount);
        let supplier = match a.class {
            Class::ItHardware | Class::ItSoftware | Class::ItServices => *rng.pick(IT_SUPPLIERS),
            Class::ItTelecom => *rng.pick(TELECOM_SUPPLIERS),
            Class::Purchase => *rng.pick(OTHER_SUPPLIERS),
            _ => "",
        };
        let month = 1 + (i * 12 / n.max(1)) as u32;
        let day = 1 + rng.below(28);
        let department = 100 + rng.below(900);
        let base_text = *rng.pick(NON_IT_TEXTS);
        let voucher = 1_000_000 + i;
        text.clear();
        if opts.unique_text {
            // "Faktura 1004711 Dustin Månadsfaktura mars": the invoice (voucher) number makes every text distinct.
            use std::fmt::Write as _;
            // One purchase in 40 is a computer accessory bought on a non-IT account ("Faktura 1004760 Dustin
            // datortillbehör mars"): an unclassified IT suspect (it stays in not-IT, so the truth is unchanged).
            let accessory = a.class == Class::Purchase && i % 40 == 0;
            let who = if accessory {
                "Dustin"
            } else {
                supplier.split_whitespace().next().unwrap_or("")
            };
            let what = if accessory {
                "datortillbehör"
            } else {
                base_text
            };
            let _ = write!(text, "Faktura {voucher} ");
            if !who.is_empty() {
                let _ = write!(text, "{who} ");
            }
            let _ = write!(text, "{} {}", what, MONTHS[(month - 1) as usize]);
        } else {
            text.push_str(base_text);
        }
        buf.clear();
        buf.push_str(&format!(
            "{};{};{};{};;{};2024-{:02}-{:02};{};{};{}\r\n",
            a.code,
            a.text,
            cc,
            department,
            voucher,
            month,
            day,
            supplier,
            text,
            format_sv(amount)
        ));
        if opts.utf8 {
            w.write_all(buf.as_bytes()).map_err(io)?;
        } else {
            w.write_all(&encoding_rs::WINDOWS_1252.encode(&buf).0)
                .map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    Ok(truth)
}
