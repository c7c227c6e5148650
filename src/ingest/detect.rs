//! Sniffing a text export: its encoding and its field delimiter.

/// The character encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 starting with the byte-order mark `EF BB BF` (what Excel writes as "CSV UTF-8").
    Utf8Bom,
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-16 with a byte-order mark (Excel's "Unicode text").
    Utf16,
    /// Windows-1252 (the sv-SE Windows code page; a superset of ISO-8859-1 for printable text).
    Windows1252,
    /// A binary format with its own encoding (spreadsheet, Parquet).
    Binary,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Binary => "binary",
        })
    }
}

/// Detects the encoding and returns the text as UTF-8.
///
/// A BOM decides; otherwise valid UTF-8 is UTF-8 and anything else is Windows-1252 (every byte sequence is valid
/// Windows-1252, so this never fails; the few undefined bytes become U+FFFD, which later shows in the data).
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (text.into_owned(), Encoding::Utf16);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

/// Candidate delimiters, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b';', b'\t', b',', b'|'];

/// Counts each candidate delimiter outside double quotes in `line` and returns the most frequent one
/// (`;` on a tie or when none occurs, as Swedish exports mostly use it).
pub fn sniff_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut in_quotes = false;
    for b in line.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..DELIMITERS.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// A printable name for a delimiter byte.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => ";",
        b'\t' => "TAB",
        b',' => ",",
        b'|' => "|",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let (s, e) = decode(b"\xEF\xBB\xBFKonto;Belopp");
        assert_eq!((s.as_str(), e), ("Konto;Belopp", Encoding::Utf8Bom));
        let (s, e) = decode("Leverantör".as_bytes());
        assert_eq!((s.as_str(), e), ("Leverantör", Encoding::Utf8));
        let (s, e) = decode(b"Leverant\xF6r");
        assert_eq!((s.as_str(), e), ("Leverantör", Encoding::Windows1252));
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("Konto;Ansvar;Belopp"), b';');
        assert_eq!(sniff_delimiter("Account,Cost centre,\"Amount; SEK\""), b',');
        assert_eq!(sniff_delimiter("Konto\tAnsvar\tBelopp"), b'\t');
    }
}
