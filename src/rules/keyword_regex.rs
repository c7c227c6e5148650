//! The atoms of a [`TextKeywords`] as regular expressions, so that an engine which cannot call the Rust matcher
//! (DataFusion's `regexp_like`, run by stock Ballista executors) computes the same text signatures.
//!
//! Semantics, exactly: for every text `t` and every atom `i` of `kw`,
//! `regex::Regex::new(&atom_patterns(kw)[i])?.is_match(&t.to_lowercase())` is true if and only if bit `i` is set
//! in `kw.signature(t)`. Bit order is the signature's: the keywords first, then the rules' regexes.
//!
//! - A keyword of more than three characters matches anywhere: its [`regex::escape`]d literal.
//! - A keyword of three characters or fewer matches as a whole word: some occurrence (overlapping ones included)
//!   not preceded by a letter or digit, nor, when the keyword ends in a letter or digit, followed by one. Letters
//!   and digits are `char::is_alphanumeric`, which is `[\p{Alphabetic}\p{N}]` in the `regex` crate's Unicode
//!   classes: `(?:^|[^\p{Alphabetic}\p{N}])KEYWORD(?:$|[^\p{Alphabetic}\p{N}])`. The Rust matcher was changed
//!   to this existential reading (it used to count only `str::match_indices`' leftmost non-overlapping
//!   occurrences, which no regex can express; the two differ only for keywords that overlap themselves, such as
//!   `a-a` in `ba-a-a`, and no figure of the samples changed).
//! - A rule's regex is its source, case-insensitive as the rules compile it: `(?i)` followed by the source.
//!
//! The text the patterns are matched against is the lower-cased text (`lower(text)` in SQL: DataFusion's `lower`
//! is `str::to_lowercase`, which [`super::keywords::lower_into`] equals, the final sigma included). A missing
//! text (SQL NULL) is the empty text: use `coalesce(lower(text), '')`, as the local engine reads a null text
//! as `""` (a regex such as `^$` matches it). Agreement with the Rust matcher holds as long as the `regex`
//! crate's Unicode tables and the standard library's are of the same Unicode version; for the characters
//! ledgers hold (Latin letters, Swedish letters, digits, punctuation) they always agree.
//! `tests/it/properties.rs` checks the agreement on random texts and keywords.

use super::keywords::TextKeywords;

/// A letter or digit as `char::is_alphanumeric` sees it, as a regex class.
const WORD_CHAR: &str = r"\p{Alphabetic}\p{N}";

/// One regex pattern per atom of `kw` (index = bit of the signature): see the module doc for the exact
/// semantics. The patterns are matched against the lower-cased text.
pub fn atom_patterns(kw: &TextKeywords) -> Vec<String> {
    let mut out = Vec::with_capacity(kw.len());
    for (i, w) in kw.keywords().into_iter().enumerate() {
        let (short, needs_end) = kw.keyword_shape(i).unwrap_or((false, false));
        out.push(keyword_pattern(w, short, needs_end));
    }
    out.extend(kw.regexes().iter().map(|r| format!("(?i){}", r.as_str())));
    out
}

/// How an engine tests one atom on the lower-cased text, as cheaply as its semantics allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtomTest {
    /// A keyword of more than three characters: a plain substring test (SQL `contains(text, word)`, which is
    /// `str::contains`), the same as its escaped-literal pattern.
    Contains(String),
    /// A short keyword (whole word) or a rule's regex: its pattern from [`atom_patterns`].
    Regex(String),
}

/// One test per atom of `kw` (index = bit of the signature), equal to [`atom_patterns`]' pattern of the same
/// index: a substring search where the pattern is a literal, so an engine need not run a regex for it.
pub fn atom_tests(kw: &TextKeywords) -> Vec<AtomTest> {
    let patterns = atom_patterns(kw);
    let words = kw.keywords();
    let mut out = Vec::with_capacity(patterns.len());
    for (i, p) in patterns.into_iter().enumerate() {
        let literal = words
            .get(i)
            .filter(|_| !kw.keyword_shape(i).unwrap_or((true, true)).0);
        out.push(match literal {
            Some(w) => AtomTest::Contains(w.to_string()),
            None => AtomTest::Regex(p),
        });
    }
    out
}

/// The pattern of one keyword: anywhere when long, as a whole word when `short`.
fn keyword_pattern(word: &str, short: bool, needs_end: bool) -> String {
    shaped(&regex::escape(word), short, needs_end)
}

/// A keyword's pattern `lit` (escaped): anywhere when long, as a whole word when `short`.
fn shaped(lit: &str, short: bool, needs_end: bool) -> String {
    let lit = lit.to_string();
    if !short {
        return lit;
    }
    let end = if needs_end {
        format!("(?:$|[^{WORD_CHAR}])")
    } else {
        String::new()
    };
    format!("(?:^|[^{WORD_CHAR}]){lit}{end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::TextMatch;

    fn agree(kw: &TextKeywords, text: &str) {
        let sig = kw.signature(text);
        let lower = text.to_lowercase();
        for (i, p) in atom_patterns(kw).iter().enumerate() {
            let r = regex::Regex::new(p).expect("pattern compiles");
            assert_eq!(
                r.is_match(&lower),
                super::super::keywords::has_bit(sig.as_bytes(), i),
                "text {text:?} atom {i} pattern {p}"
            );
        }
    }

    #[test]
    fn patterns_match_as_the_signature() {
        let words: Vec<String> = ["dator", "it", "it-", "a-a", "_x", "pc", "Åäö"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let k = TextMatch::keywords(&words).unwrap();
        let r = TextMatch::regex(r"\bIntern(a|t)?\b").unwrap();
        let e = TextMatch::regex("^$").unwrap();
        let kw = TextKeywords::new([&k, &r, &e]);
        let p = atom_patterns(&kw);
        assert_eq!(p.len(), 9);
        assert_eq!(p[0], "dator");
        assert_eq!(
            p[1],
            r"(?:^|[^\p{Alphabetic}\p{N}])it(?:$|[^\p{Alphabetic}\p{N}])"
        );
        assert_eq!(p[2], r"(?:^|[^\p{Alphabetic}\p{N}])it\-");
        assert_eq!(p[8], "(?i)^$");
        let tests = atom_tests(&kw);
        assert_eq!(tests.len(), p.len());
        assert_eq!(tests[0], AtomTest::Contains("dator".into()));
        assert_eq!(tests[1], AtomTest::Regex(p[1].clone()));
        assert_eq!(tests[8], AtomTest::Regex(p[8].clone()));
        for (t, p) in tests.iter().zip(&p) {
            if let AtomTest::Contains(w) = t {
                assert_eq!(
                    &regex::escape(w),
                    p,
                    "a literal test is its escaped pattern"
                );
            }
        }
        for t in [
            "",
            "Skoldatorer",
            "IT-tjänster",
            "Kredit-faktura",
            "köpt IT",
            "Italien",
            "ba-a-a",
            "a_x",
            "-_x1",
            "ÅÄÖ",
            "Interna hyror",
            "Internationell",
        ] {
            agree(&kw, t);
        }
    }
}
