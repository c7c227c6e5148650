//! Free text seen through the rules: one automaton over every keyword the rules and the suspect list look for
//! in a free-text field (the line text), and the *signature* of a text — which of those keywords (and regexes)
//! it holds. Classification decides from the signature, never from the text, so a ledger's per-key sums need
//! not keep what people typed: a million distinct invoice texts have a handful of distinct signatures.
//!
//! The semantics are exactly [`TextMatch`]'s (see [`super::pattern`]): the text is lower-cased (Unicode, so
//! `Å Ä Ö` become `å ä ö`); a keyword of more than three characters matches anywhere; one of three characters or
//! fewer matches when some occurrence of it (overlapping ones included) is not preceded by a letter or digit, nor
//! (when the keyword ends in a letter or digit) followed by one; a regex matches as `Regex::is_match` on the
//! lower-cased text (the empty text included). Letters and digits are `char::is_alphanumeric`. The same atoms as
//! regular expressions, for engines that compute signatures themselves, are [`super::keyword_regex`]'s. `tests/it/properties.rs` checks signature decisions
//! against text matching on random texts with Swedish letters, digits, hyphens and underscores.
//!
//! Use: build [`TextKeywords`] once from a rule set (it is built by the rules parser: [`RuleSet::text_keywords`]),
//! compute each distinct text's signature once ([`TextKeywords::signature`], or
//! [`TextKeywords::signature_into`] with a reused [`SigScratch`] on hot paths), and ask
//! [`TextKeywords::matches`] (or [`FreeText::matches`]) whether a matcher accepts it.
//!
//! [`RuleSet::text_keywords`]: super::RuleSet::text_keywords

use super::pattern::TextMatch;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

/// Which keywords and regexes of a [`TextKeywords`] a text holds: a bit set (bit `i` = atom `i`, keywords
/// first, then regexes) in bytes, without trailing zero bytes, so equal signatures are equal byte strings and a
/// text with no keyword has the empty signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextSig(pub Vec<u8>);

impl TextSig {
    /// The signature's bytes (what per-key sums store and compare).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// True when bit `i` is set in a signature's bytes.
pub fn has_bit(sig: &[u8], i: usize) -> bool {
    sig.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
}

fn set_bit(sig: &mut Vec<u8>, i: usize) {
    if sig.len() <= i / 8 {
        sig.resize(i / 8 + 1, 0);
    }
    sig[i / 8] |= 1 << (i % 8);
}

/// Writes `text` lower-cased into `out` (cleared first), as `str::to_lowercase` does, in one pass without
/// allocating: ASCII bytes directly, other characters with `char::to_lowercase`; a text with a capital sigma
/// (which `str::to_lowercase` lowers by its position in the word) goes through `str::to_lowercase` itself.
pub fn lower_into(text: &str, out: &mut String) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    // ASCII runs are copied and lowered in bulk; each other character is lowered on its own.
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - i);
        if run > 0 {
            let start = out.len();
            out.push_str(&text[i..i + run]);
            // Lowering ASCII letters in place keeps the string valid UTF-8.
            out[start..].make_ascii_lowercase();
            i += run;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c == 'Σ' {
            *out = text.to_lowercase();
            return;
        }
        out.extend(c.to_lowercase());
        i += c.len_utf8();
    }
}

/// Reusable buffers for [`TextKeywords::signature_into`] (one per thread): no allocation per text.
#[derive(Debug, Default)]
pub struct SigScratch {
    lower: String,
}

/// The keywords and regexes the rules look for in one kind of free text, compiled into one automaton.
#[derive(Debug, Clone, Default)]
pub struct TextKeywords {
    ac: Option<AhoCorasick>,
    /// Keyword → its atom id.
    word_ids: HashMap<String, u32>,
    /// Per keyword atom: its length in bytes, whether it is short (≤ 3 characters: whole words), and whether its
    /// last character is a letter or digit (then the character after it is checked too).
    words: Vec<(usize, bool, bool)>,
    /// Regex source → its atom id (after the keywords).
    regex_ids: HashMap<String, u32>,
    regexes: Vec<regex::Regex>,
}

impl TextKeywords {
    /// The automaton over every keyword and regex of `matchers` (duplicates are one atom).
    pub fn new<'a>(matchers: impl IntoIterator<Item = &'a TextMatch>) -> TextKeywords {
        let mut kw = TextKeywords::default();
        let mut patterns: Vec<String> = Vec::new();
        // An `Any` matcher contributes the atoms of its parts.
        let mut todo: Vec<&TextMatch> = matchers.into_iter().collect();
        todo.reverse();
        while let Some(m) = todo.pop() {
            match m {
                TextMatch::Any(ms) => todo.extend(ms.iter().rev()),
                TextMatch::Keywords(ws) => {
                    for w in ws {
                        if w.is_empty() || kw.word_ids.contains_key(w) {
                            continue;
                        }
                        kw.word_ids.insert(w.clone(), patterns.len() as u32);
                        let short = w.chars().count() <= 3;
                        let needs_end = w.chars().next_back().is_some_and(char::is_alphanumeric);
                        kw.words.push((w.len(), short, needs_end));
                        patterns.push(w.clone());
                    }
                }
                TextMatch::Regex(r, src) => {
                    if !kw.regex_ids.contains_key(src) {
                        kw.regex_ids.insert(src.clone(), kw.regexes.len() as u32);
                        kw.regexes.push(r.clone());
                    }
                }
            }
        }
        if !patterns.is_empty() {
            // Standard semantics: every occurrence of every keyword, overlapping (find_overlapping_iter).
            kw.ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok();
        }
        kw
    }

    /// Number of atoms (keywords and regexes): signatures have at most this many bits.
    pub fn len(&self) -> usize {
        self.words.len() + self.regexes.len()
    }

    /// The keyword atoms in bit order (bit `i` is the `i`-th keyword), lower-cased as the rules hold them.
    pub fn keywords(&self) -> Vec<&str> {
        let mut ws: Vec<(&str, u32)> = self
            .word_ids
            .iter()
            .map(|(w, &i)| (w.as_str(), i))
            .collect();
        ws.sort_unstable_by_key(|&(_, i)| i);
        ws.into_iter().map(|(w, _)| w).collect()
    }

    /// Whether keyword atom `i` is short (three characters or fewer: matched as a whole word) and whether its last
    /// character is a letter or digit (then the character after it must not be one); `None` past the keywords.
    pub fn keyword_shape(&self, i: usize) -> Option<(bool, bool)> {
        self.words
            .get(i)
            .map(|&(_, short, needs_end)| (short, needs_end))
    }

    /// The regex atoms in bit order (after the keywords), as compiled: case-insensitive.
    pub fn regexes(&self) -> &[regex::Regex] {
        &self.regexes
    }

    /// True when there is nothing to look for: every signature is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The signature of one text (allocates; see [`TextKeywords::signature_into`] for hot paths).
    pub fn signature(&self, text: &str) -> TextSig {
        let mut out = Vec::new();
        self.signature_into(text, &mut SigScratch::default(), &mut out);
        TextSig(out)
    }

    /// Writes the signature of `text` (as it stands in the file, any case) into `out`, replacing its content.
    pub fn signature_into(&self, text: &str, scratch: &mut SigScratch, out: &mut Vec<u8>) {
        out.clear();
        // The empty text is still matched: a regex such as `^$` accepts it.
        if self.is_empty() {
            return;
        }
        let lower = &mut scratch.lower;
        lower.clear();
        lower_into(text, lower);
        let lower = lower.as_str();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(lower) {
                let id = m.pattern().as_usize();
                if has_bit(out, id) {
                    continue;
                }
                let (len, short, needs_end) = self.words[id];
                if !short {
                    set_bit(out, id);
                    continue;
                }
                // Some occurrence, overlapping ones included, standing as a whole word.
                let start = m.start();
                let start_ok = lower[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let end_ok = !needs_end
                    || lower[start + len..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric());
                if start_ok && end_ok {
                    set_bit(out, id);
                }
            }
        }
        let base = self.words.len();
        for (i, r) in self.regexes.iter().enumerate() {
            if r.is_match(lower) {
                set_bit(out, base + i);
            }
        }
    }

    /// True when `m` accepts a text of signature `sig`. `m` must be one of the matchers this automaton was built
    /// from; a keyword or regex it does not know never matches.
    pub fn matches(&self, m: &TextMatch, sig: &[u8]) -> bool {
        if sig.is_empty() {
            return false;
        }
        match m {
            TextMatch::Keywords(ws) => ws.iter().any(|w| {
                self.word_ids
                    .get(w)
                    .is_some_and(|&i| has_bit(sig, i as usize))
            }),
            TextMatch::Regex(_, src) => self
                .regex_ids
                .get(src)
                .is_some_and(|&i| has_bit(sig, self.words.len() + i as usize)),

            TextMatch::Any(ms) => ms.iter().any(|m| self.matches(m, sig)),
        }
    }

    /// The signature bits (atoms) whose presence `m` looks at: [`TextKeywords::matches`] is false for every
    /// signature that has none of them.
    pub fn atoms_of(&self, m: &TextMatch) -> Vec<usize> {
        match m {
            TextMatch::Keywords(ws) => ws
                .iter()
                .filter_map(|w| self.word_ids.get(w).map(|&i| i as usize))
                .collect(),
            TextMatch::Regex(_, src) => self
                .regex_ids
                .get(src)
                .map(|&i| vec![self.words.len() + i as usize])
                .unwrap_or_default(),
            TextMatch::Any(ms) => ms.iter().flat_map(|m| self.atoms_of(m)).collect(),
        }
    }
}

/// A free-text field as classification sees it: its signature and the automaton that made it.
#[derive(Debug, Clone, Copy)]
pub struct FreeText<'a> {
    /// The automaton (the rule set's [`super::RuleSet::text_keywords`]).
    pub keywords: &'a TextKeywords,
    /// The text's signature bytes.
    pub sig: &'a [u8],
}

impl FreeText<'static> {
    /// An empty text (no keyword of any rule set matches it).
    pub fn empty() -> FreeText<'static> {
        static NONE: std::sync::OnceLock<TextKeywords> = std::sync::OnceLock::new();
        FreeText {
            keywords: NONE.get_or_init(TextKeywords::default),
            sig: &[],
        }
    }
}

impl FreeText<'_> {
    /// True when the matcher accepts the text.
    pub fn matches(&self, m: &TextMatch) -> bool {
        self.keywords.matches(m, self.sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_in_one_pass_equals_str_to_lowercase() {
        let mut out = String::from("left over");
        for t in [
            "",
            "Faktura 1000000 DUSTIN Datortillbehör",
            "ÅÄÖ åäö É İ ẞ",
            "ΟΔΟΣ ΣΟΦΙΑΣ",
            "IT-konsult_AB 12",
            "ǅungla ﬀ Ⅻ",
        ] {
            lower_into(t, &mut out);
            assert_eq!(out, t.to_lowercase(), "{t}");
        }
    }

    fn kw(words: &[&str]) -> TextMatch {
        TextMatch::keywords(&words.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn signature_matches_like_text() {
        let dator = kw(&["dator", "it-"]);
        let it = kw(&["it", "Dustin"]);
        let k = TextKeywords::new([&dator, &it]);
        let yes = |m: &TextMatch, t: &str| k.matches(m, k.signature(t).as_bytes());
        assert!(yes(&dator, "Skoldatorer"));
        assert!(yes(&dator, "IT-tjänster"));
        assert!(!yes(&dator, "Kredit-faktura"));
        assert!(yes(&it, "köpt IT"));
        assert!(!yes(&it, "Italien"));
        assert!(yes(&it, "Faktura 4711 DUSTIN mars"));
        assert_eq!(k.signature("Faktura 4711 Skanska mars"), TextSig::default());
        // Every occurrence counts, overlapping ones too: "a-a" in "ba-a-a" stands as a word at 3.
        let aa = kw(&["a-a"]);
        let k2 = TextKeywords::new([&aa]);
        assert!(k2.matches(&aa, k2.signature("ba-a-a").as_bytes()));
        assert!(aa.matches_lower("ba-a-a"));
        // Swedish capitals are lowered.
        let ao = kw(&["åäö"]);
        let k3 = TextKeywords::new([&ao]);
        assert!(k3.matches(&ao, k3.signature("x ÅÄÖ y").as_bytes()));
    }

    #[test]
    fn regexes_are_atoms() {
        let r = TextMatch::regex(r"\bintern(a|t)?\b").unwrap();
        let k = TextKeywords::new([&r]);
        assert!(k.matches(&r, k.signature("Interna hyror").as_bytes()));
        assert!(!k.matches(&r, k.signature("Internationell").as_bytes()));
    }
}
