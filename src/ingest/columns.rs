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
                "ansvarsnummer",
            ],
            Field::Department => &[
                "forvaltning",
                "forvaltningnamn",
                "department",
                "bolag",
                "company",
                "enhet",
            ],
            Field::Function => &[
                "verksamhet",
                "verksamhetskod",
                "vsh",
                "function",
                "operation",
            ],
            Field::Activity => &["aktivitet", "activity"],
            Field::Project => &["projekt", "project", "projektnr"],
            Field::Object => &["objekt", "object"],
            Field::Counterpart => &["motpart", "counterpart", "counterparty", "motpartskod"],
            Field::Supplier => &[
                "leverantor",
                "leverantorsnamn",
                "leverantornamn",
                "supplier",
                "suppliername",
                "vendor",
                "vendorname",
                "leverantorensnamn",
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
            ],
            Field::Period => &["period", "manad", "bokforingsperiod", "month"],
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
            ],
            Field::Debit => &["debet", "debit"],
            Field::Credit => &["kredit", "credit"],
        }
    }
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
            if let Some(i) = norm.iter().position(|h| *h == n) {
                map.fields.insert(*field, (i, headers[i].clone()));
                taken[i] = true;
            }
        }
        for (i, h) in norm.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let hit = Field::ALL
                .into_iter()
                .find(|f| !map.fields.contains_key(f) && f.synonyms().contains(&h.as_str()));
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
    pub fn is_ledger_header(&self) -> bool {
        self.fields.contains_key(&Field::Account)
            && (self.fields.contains_key(&Field::Amount)
                || self.fields.contains_key(&Field::Debit)
                || self.fields.contains_key(&Field::Credit))
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
