//! Recognising an export's columns by their usual Swedish and English names, or by an explicit mapping.

use std::collections::BTreeMap;

/// A column of the canonical ledger that an export's column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Konto: the account number.
    Account,
    /// Kontotext: the account's name.
    AccountText,
    /// Ansvar / kostnadsställe: the cost centre.
    CostCentre,
    /// Förvaltning / bolag: the department or company.
    Department,
    /// Verksamhet: the municipal function (RS verksamhet code).
    Function,
    /// Aktivitet.
    Activity,
    /// Projekt.
    Project,
    /// Objekt.
    Object,
    /// Motpart: the counterpart code.
    Counterpart,
    /// Leverantör: the supplier's name.
    Supplier,
    /// Text on the line (transaction or voucher text).
    Text,
    /// Verifikation: the voucher number.
    Voucher,
    /// Bokföringsdatum: the posting date.
    Date,
    /// Period (YYYYMM).
    Period,
    /// Belopp: a signed amount (debit positive).
    Amount,
    /// Debet: the debit amount.
    Debit,
    /// Kredit: the credit amount.
    Credit,
}

impl Field {
    /// Every field, in canonical order.
    pub const ALL: [Field; 17] = [
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
        Field::Date,
        Field::Period,
        Field::Amount,
        Field::Debit,
        Field::Credit,
    ];

    /// Every field's config key, comma-separated (for error messages).
    pub fn keys() -> String {
        Field::ALL
            .iter()
            .map(|f| f.key())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The name used in configs (`[municipality.columns]`) and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Field::Account => "account",
            Field::AccountText => "account_text",
            Field::CostCentre => "cost_centre",
            Field::Department => "department",
            Field::Function => "function",
            Field::Activity => "activity",
            Field::Project => "project",
            Field::Object => "object",
            Field::Counterpart => "counterpart",
            Field::Supplier => "supplier",
            Field::Text => "text",
            Field::Voucher => "voucher",
            Field::Date => "date",
            Field::Period => "period",
            Field::Amount => "amount",
            Field::Debit => "debit",
            Field::Credit => "credit",
        }
    }

    /// Parses a config key (`cost_centre`, also `cost_center`).
    pub fn from_key(key: &str) -> Option<Field> {
        let k = normalize(key);
        Field::ALL
            .into_iter()
            .find(|f| normalize(f.key()) == k)
            .or(match k.as_str() {
                "costcenter" => Some(Field::CostCentre),
                _ => None,
            })
    }

    /// The headers of `headers` closest to this field's usual names, best first (at most three, similarity of at
    /// least 0.85 by Jaro-Winkler on the normalised names, or an abbreviation such as `Kto` for konto): what a "no header recognised" message suggests.
    pub fn closest(self, headers: &[String]) -> Vec<&str> {
        let mut scored: Vec<(f64, &str)> = headers
            .iter()
            .filter(|h| normalize(h).len() >= 2)
            .map(|h| {
                let n = normalize(h);
                let best = self
                    .synonyms()
                    .iter()
                    .map(|s| {
                        // An abbreviation (`Kto` for konto, `Ansv` for ansvar) is close whatever its length.
                        if abbreviates(&n, s) {
                            0.9
                        } else {
                            strsim::jaro_winkler(&n, s)
                        }
                    })
                    .fold(0.0, f64::max);
                (best, h.as_str())
            })
            .filter(|(score, _)| *score >= 0.85)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, h)| h).collect()
    }

    /// The usual header names (already normalised: lower case, no accents, letters and digits only).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Account => &[
                "konto",
                "kontonr",
                "kontonummer",
                "account",
                "accountno",
                "accountnumber",
                "kontokod",
                "huvudkonto",
            ],
            Field::AccountText => &[
                "kontotext",
                "kontonamn",
                "kontobenamning",
                "kontobeskrivning",
                "accounttext",
                "accountname",
                "accountdescription",
            ],
            Field::CostCentre => &[
                "ansvar",
                "ansvarskod",
                "ansvarsomrade",
                "kostnadsstalle",
                "kst",
                "kostnadsstallenr",
                "costcentre",
                "costcenter",
                "resultatenhet",
                "resultatstalle",
                "resultatstallekod",
                "resultatenhetskod",
                "ansvarsnummer",
                "ansvarsenhet",
                "ren",
                "ansvarnr",
                "ansvarsnr",
                "ansvarsenhetskod",
                "ansvarsstalle",
                "kostnadsstallekod",
                "kststalle",
                "ansvarsomradeskod",
            ],
            Field::Department => &[
                "forvaltning",
                "forvaltningnamn",
                "department",
                "bolag",
                "company",
                "enhet",
                "forvaltningskod",
                "forvaltningsnr",
                "bolagskod",
                "firma",
            ],
            Field::Function => &[
                "verksamhet",
                "verksamhetskod",
                "vsh",
                "function",
                "operation",
                "verksamhetsnr",
                "verks",
                "vht",
            ],
            Field::Activity => &["aktivitet", "activity"],
            Field::Project => &["projekt", "project", "projektnr"],
            Field::Object => &["objekt", "object"],
            Field::Counterpart => &[
                "motpart",
                "counterpart",
                "counterparty",
                "motpartskod",
                "motpartnr",
                "motpartsnr",
                "motpartid",
                "intmotpart",
            ],
            Field::Supplier => &[
                "leverantor",
                "leverantorsnamn",
                "leverantornamn",
                "supplier",
                "suppliername",
                "vendor",
                "vendorname",
                "leverantorensnamn",
                "levnamn",
            ],
            Field::Text => &[
                "text",
                "beskrivning",
                "description",
                "transtext",
                "radtext",
                "verifikationstext",
                "fakturatext",
                "vertext",
                "specifikation",
                "fritext",
                "transaktionstext",
                "radbeskrivning",
                "konteringstext",
            ],
            Field::Voucher => &[
                "verifikation",
                "verifikationsnummer",
                "verifikationsnr",
                "vernr",
                "ver",
                "voucher",
                "voucherno",
                "vouchernumber",
                "vernummer",
                "dokumentnr",
                "dokumentnummer",
                "transnr",
                "bilaga",
                "bilagenr",
            ],
            Field::Date => &[
                "datum",
                "bokforingsdatum",
                "bokfdatum",
                "transaktionsdatum",
                "verifikationsdatum",
                "date",
                "postingdate",
                "transdatum",
                "bokforingsdag",
                "verdatum",
                "registreringsdatum",
                "dokumentdatum",
                "transaktionsdag",
            ],
            Field::Period => &[
                "period",
                "manad",
                "bokforingsperiod",
                "month",
                "perioden",
                "bokfperiod",
                "redovisningsperiod",
                "arperiod",
                "periodnr",
            ],
            Field::Amount => &[
                "belopp",
                "amount",
                "summa",
                "konteratbelopp",
                "beloppsek",
                "beloppkr",
                "sek",
                "kronor",
                "value",
                "utfall",
                "utfallperiod",
                "utfallsek",
                "periodensutfall",
                "beloppisek",
                "nettobelopp",
                "redovisatbelopp",
                "bokfortbelopp",
            ],
            Field::Debit => &["debet", "debit"],
            Field::Credit => &["kredit", "credit"],
        }
    }
}

/// Headers (normalised) that are amounts but not the amount of the period: year-to-date and accumulated
/// outcomes. Beside an amount column they make the amount ambiguous (an error naming both), never a silent pick.
const AMOUNT_LIKE: &[&str] = &[
    "utfallack",
    "ackutfall",
    "utfallackumulerat",
    "ackumuleratutfall",
    "ackumulerat",
    "utfallhittills",
    "utfallhittillsiar",
    "beloppack",
    "ackbelopp",
    "utfallar",
    "arsutfall",
    "utfallhelar",
    "ytd",
    "amountytd",
];

/// True when `short` abbreviates `long`: the same first letter, at least two letters, `long` at most about twice
/// as long, and every letter of `short` in `long` in order (`kto` → konto, `ansv` → ansvar).
fn abbreviates(short: &str, long: &str) -> bool {
    if short.len() < 2
        || short.len() >= long.len()
        || long.len() > 2 * short.len() + 1
        || short.chars().next() != long.chars().next()
    {
        return false;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Lower-cases, folds Swedish and common accents (å ä → a, ö → o, é → e) and keeps only letters and digits.
pub fn normalize(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => Some('a'),
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => Some('o'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ü' | 'ú' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Which export column (by index) feeds which canonical field.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    /// Field → (column index, header as written in the file).
    pub fields: BTreeMap<Field, (usize, String)>,
    /// Headers that fed no field (kept out of the canonical ledger; reported by `inspect`).
    pub unused: Vec<String>,
    /// Explicit mappings (`--column`, `[municipality.columns]`) naming a header the row does not have: the readers
    /// refuse the file naming the file's headers; the field is never filled from another column instead.
    pub missing_explicit: Vec<(Field, String)>,
    /// Every column that could be the amount when more than one could and none was mapped explicitly
    /// (`Utfall period` and `Utfall ack`): the readers refuse the file naming them, never pick one.
    pub ambiguous_amount: Vec<String>,
}

impl ColumnMap {
    /// The column index feeding `f`, if any.
    pub fn get(&self, f: Field) -> Option<usize> {
        self.fields.get(&f).map(|(i, _)| *i)
    }

    /// Maps a header row: explicit mappings (`field → header name`) first, then the usual names.
    /// The first column that matches a field wins; later duplicates are listed as unused.
    pub fn from_headers(headers: &[String], explicit: &BTreeMap<Field, String>) -> ColumnMap {
        let mut map = ColumnMap::default();
        let norm: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
        let mut taken = vec![false; headers.len()];
        for (field, name) in explicit {
            let n = normalize(name);
            match norm.iter().position(|h| *h == n) {
                Some(i) => {
                    map.fields.insert(*field, (i, headers[i].clone()));
                    taken[i] = true;
                }
                None => map.missing_explicit.push((*field, name.clone())),
            }
        }
        if !explicit.contains_key(&Field::Amount) {
            let candidates: Vec<String> = norm
                .iter()
                .enumerate()
                .filter(|(i, h)| {
                    !taken[*i]
                        && (Field::Amount.synonyms().contains(&h.as_str())
                            || AMOUNT_LIKE.contains(&h.as_str()))
                })
                .map(|(i, _)| headers[i].clone())
                .collect();
            if candidates.len() > 1 {
                map.ambiguous_amount = candidates;
            }
        }
        for (i, h) in norm.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let hit = Field::ALL.into_iter().find(|f| {
                !map.fields.contains_key(f)
                    && !explicit.contains_key(f)
                    && f.synonyms().contains(&h.as_str())
            });
            match hit {
                Some(f) => {
                    map.fields.insert(f, (i, headers[i].clone()));
                }
                None => map.unused.push(headers[i].clone()),
            }
        }
        map
    }

    /// True when this looks like a ledger header: an account and some amount column.
    /// A field mapped explicitly to a header this row lacks counts as present (the reader then refuses the
    /// mapping, naming the file's headers), as long as the row has the account or an amount of its own.
    pub fn is_ledger_header(&self) -> bool {
        let wanted = |f: Field| {
            self.fields.contains_key(&f) || self.missing_explicit.iter().any(|(m, _)| *m == f)
        };
        let own = self.fields.contains_key(&Field::Account)
            || self.fields.contains_key(&Field::Amount)
            || self.fields.contains_key(&Field::Debit)
            || self.fields.contains_key(&Field::Credit)
            || !self.ambiguous_amount.is_empty();
        own && wanted(Field::Account)
            && (wanted(Field::Amount)
                || !self.ambiguous_amount.is_empty()
                || wanted(Field::Debit)
                || wanted(Field::Credit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_swedish_and_english_names() {
        let headers: Vec<String> = [
            "Konto",
            "Kontotext",
            "Kostnadsställe",
            "Leverantör",
            "Bokföringsdatum",
            "BELOPP",
            "Extra",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = ColumnMap::from_headers(&headers, &BTreeMap::new());
        assert_eq!(m.get(Field::Account), Some(0));
        assert_eq!(m.get(Field::CostCentre), Some(2));
        assert_eq!(m.get(Field::Supplier), Some(3));
        assert_eq!(m.get(Field::Date), Some(4));
        assert_eq!(m.get(Field::Amount), Some(5));
        assert_eq!(m.unused, vec!["Extra".to_string()]);
        assert!(m.is_ledger_header());
    }

    fn names(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_the_names_of_swedish_municipal_exports() {
        let h = names(&[
            "Ansvarsenhet",
            "Konto",
            "Kontobenämning",
            "Motpartskod",
            "Leverantörsnamn",
            "Fritext",
            "Bokf.datum",
            "Utfall",
        ]);
        let m = ColumnMap::from_headers(&h, &BTreeMap::new());
        for (f, i) in [
            (Field::CostCentre, 0),
            (Field::Account, 1),
            (Field::AccountText, 2),
            (Field::Counterpart, 3),
            (Field::Supplier, 4),
            (Field::Text, 5),
            (Field::Date, 6),
            (Field::Amount, 7),
        ] {
            assert_eq!(m.get(f), Some(i), "{f:?} in {h:?}");
        }
        assert!(m.unused.is_empty() && m.ambiguous_amount.is_empty());
        for (header, f) in [
            ("Utfall period", Field::Amount),
            ("Belopp SEK", Field::Amount),
            ("Ansvar nr", Field::CostCentre),
            ("REN", Field::CostCentre),
            ("Resultatställe", Field::CostCentre),
            ("Ver.nr", Field::Voucher),
            ("Bokf.period", Field::Period),
        ] {
            let m = ColumnMap::from_headers(&names(&["Konto", header]), &BTreeMap::new());
            assert_eq!(m.get(f), Some(1), "{header}");
        }
    }

    #[test]
    fn two_amount_columns_are_ambiguous_unless_one_is_mapped() {
        let h = names(&["Konto", "Ansvar", "Utfall period", "Utfall ack"]);
        let m = ColumnMap::from_headers(&h, &BTreeMap::new());
        assert_eq!(m.ambiguous_amount, names(&["Utfall period", "Utfall ack"]));
        assert!(m.is_ledger_header(), "found, then refused with both names");
        let mut ex = BTreeMap::new();
        ex.insert(Field::Amount, "Utfall period".to_string());
        let m = ColumnMap::from_headers(&h, &ex);
        assert!(m.ambiguous_amount.is_empty());
        assert_eq!(m.get(Field::Amount), Some(2));
    }

    #[test]
    fn closest_names_for_a_field() {
        let h = names(&["Kto", "Utfal", "Beskr"]);
        assert_eq!(Field::Amount.closest(&h), vec!["Utfal"]);
        assert_eq!(Field::Account.closest(&h), vec!["Kto"]);
    }

    #[test]
    fn explicit_mapping_wins() {
        let headers: Vec<String> = ["Ansvarsenhet", "Konto", "Kronor"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut ex = BTreeMap::new();
        ex.insert(Field::CostCentre, "ansvarsenhet".to_string());
        let m = ColumnMap::from_headers(&headers, &ex);
        assert_eq!(m.get(Field::CostCentre), Some(0));
        assert_eq!(m.get(Field::Amount), Some(2));
    }
}
