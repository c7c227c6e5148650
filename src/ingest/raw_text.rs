//! A chunk of a delimited text file read as raw bytes in the file's encoding: fields are split and compared as
//! bytes, and only the values that are kept are decoded to text.
//!
//! Windows-1252 maps every byte to one character, so equal bytes decode to equal text and a field's bytes can
//! stand for its text in a key; the delimiters, quotes and line ends are ASCII in both encodings, so a split on
//! bytes is a split on characters.

use std::borrow::Cow;

/// The bytes of one parse chunk with the encoding they are in.
#[derive(Clone, Copy, Debug)]
pub enum Chunk<'a> {
    /// Valid UTF-8 (validated once per chunk).
    Utf8(&'a str),
    /// Windows-1252, not decoded.
    Windows1252(&'a [u8]),
}

/// Turns a field's raw bytes into text in a chunk's encoding.
pub type Decode = fn(&[u8]) -> Cow<'_, str>;

impl<'a> Chunk<'a> {
    /// The raw bytes.
    pub fn bytes(self) -> &'a [u8] {
        match self {
            Chunk::Utf8(s) => s.as_bytes(),
            Chunk::Windows1252(b) => b,
        }
    }

    /// The bytes `a..b` (a field, split at ASCII bytes) as text, decoded when they must be.
    pub fn text(self, (a, b): (usize, usize)) -> Cow<'a, str> {
        match self {
            Chunk::Utf8(s) => Cow::Borrowed(s.get(a..b).unwrap_or("")),
            Chunk::Windows1252(bytes) => decode_1252(&bytes[a..b]),
        }
    }

    /// The bytes `a..b` with the whitespace around them cut off, as `str::trim` cuts it from their text.
    pub fn trimmed(self, (a, b): (usize, usize)) -> &'a [u8] {
        match self {
            Chunk::Utf8(s) => trim_utf8(s.get(a..b).unwrap_or("")).as_bytes(),
            Chunk::Windows1252(bytes) => trim_1252(&bytes[a..b]),
        }
    }

    /// The bytes `a..b`, trimmed, as text: borrowed when they are UTF-8 or ASCII, else decoded into `buf`.
    pub fn trimmed_text<'b>(self, range: (usize, usize), buf: &'b mut String) -> &'b str
    where
        'a: 'b,
    {
        match self {
            Chunk::Utf8(s) => trim_utf8(s.get(range.0..range.1).unwrap_or("")),
            Chunk::Windows1252(_) => decode_1252_into(self.trimmed(range), buf),
        }
    }

    /// How this chunk's field bytes become text.
    pub fn decoder(self) -> Decode {
        match self {
            Chunk::Utf8(_) => decode_utf8,
            Chunk::Windows1252(_) => decode_1252,
        }
    }
}

/// UTF-8 bytes as text (lossy, never met for bytes cut from a validated chunk at ASCII bytes).
pub fn decode_utf8(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Windows-1252 bytes as text (borrowed when they are ASCII).
pub fn decode_1252(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
}

/// Windows-1252 bytes as text, decoded into a reused buffer unless they are ASCII (no allocation per line).
fn decode_1252_into<'b>(bytes: &'b [u8], buf: &'b mut String) -> &'b str {
    if bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return s;
        }
    }
    buf.clear();
    let mut decoder = encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling();
    // Every Windows-1252 byte decodes to one character of at most 3 UTF-8 bytes.
    buf.reserve(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let _ = decoder.decode_to_string_without_replacement(bytes, buf, true);
    buf
}

/// The bytes that decode to whitespace (`char::is_whitespace`) in Windows-1252: TAB, LF, VT, FF, CR, space and
/// NBSP (0xA0). Byte 0x85 is `…` there, not NEL.
fn is_space_1252(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0xA0)
}

/// `s.trim()`, with the ASCII whitespace cut as bytes first: `str::trim` decodes character by character, and only a
/// value that then starts or ends with a non-ASCII character can have more (NBSP, say) to cut.
pub fn trim_utf8(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(|&c| !is_ascii_space(c))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_ascii_space(c))
        .map_or(start, |p| p + 1);
    // Both ends are next to ASCII bytes (or the ends of `s`): character boundaries.
    let t = s.get(start..end).unwrap_or(s);
    let edge = |c: Option<&u8>| c.is_some_and(|&c| !c.is_ascii());
    if edge(t.as_bytes().first()) || edge(t.as_bytes().last()) {
        t.trim()
    } else {
        t
    }
}

/// The ASCII characters `char::is_whitespace` accepts: VT included, which `u8::is_ascii_whitespace` (and so
/// `<[u8]>::trim_ascii`) leaves, hence this predicate rather than the standard library's.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Windows-1252 bytes with the whitespace around them cut off: the bytes of `decode(bytes).trim()`.
pub fn trim_1252(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_space_1252(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space_1252(b))
        .map_or(start, |p| p + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_1252_bytes_equals_trimming_their_text() {
        // Every byte, alone and around a word: the trimmed bytes decode to the trimmed text.
        for b in 0u8..=255 {
            for raw in [vec![b], vec![b, b'a', b], vec![b'x', b, b' ', b'y', b]] {
                let text = decode_1252(&raw);
                assert_eq!(
                    decode_1252(trim_1252(&raw)),
                    text.trim(),
                    "byte {b:#04x} in {raw:?}"
                );
            }
        }
    }

    #[test]
    fn trimming_utf8_equals_str_trim() {
        for c in [
            '\t', '\u{b}', '\u{1c}', ' ', '\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', 'å', 'x',
        ] {
            for s in [
                format!("{c}"),
                format!("{c}a{c}"),
                format!(" {c} b {c} "),
                format!("{c}\u{a0} ö{c}"),
            ] {
                assert_eq!(trim_utf8(&s), s.trim(), "{s:?}");
            }
        }
    }

    #[test]
    fn decodes_1252_into_a_buffer_as_the_decoder_does() {
        let mut buf = String::new();
        let raw: Vec<u8> = (0u8..=255).collect();
        assert_eq!(decode_1252_into(&raw, &mut buf), decode_1252(&raw));
        assert_eq!(decode_1252_into(b"plain", &mut buf), "plain");
        let chunk = Chunk::Windows1252(b" L\xf6ner\xa0;x");
        assert_eq!(chunk.trimmed_text((0, 7), &mut buf), "Löner");
        assert_eq!(chunk.text((0, 7)), " Löner\u{a0}");
    }
}
