//! Matchers for codes (accounts, cost centres, counterparts) and texts (account text, supplier, line text).

/// A code matcher, written in the rules file as
/// `"6841"` (exactly this code), `"68*"` (every code starting with 68) or `"6400-6499"` (every code whose first four
/// characters are a number from 6400 to 6499; so `64105` matches too, as municipal sub-accounts go below the group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodePattern {
    /// The code must equal this string (after trimming).
    Exact(String),
    /// The first `digits` characters of the code must be a number in `lo..=hi`.
    Range {
        /// How many leading characters are compared.
        digits: usize,
        /// Lowest value.
        lo: u64,
        /// Highest value.
        hi: u64,
    },
    /// The code starts with this (non-numeric) prefix.
    Prefix(String),
}

impl CodePattern {
    /// Parses `6841`, `68*` or `6400-6499`.
    pub fn parse(raw: &str) -> Result<CodePattern, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(
                "expected a code like 6841, 68* or 6400-6499, found an empty string".into(),
            );
        }
        let spaced_range = s.split_once('-').is_some_and(|(a, b)| {
            !a.trim().contains(char::is_whitespace) && !b.trim().contains(char::is_whitespace)
        });
        if s.contains(char::is_whitespace) && !spaced_range {
            return Err(format!(
                "expected one code like 6540, 65* or 6500-6599, found '{s}': a code has no spaces \
                 (write it without the space, or as separate codes)"
            ));
        }
        if let Some(p) = s.strip_suffix('*') {
            if p.is_empty() {
                return Err("'*' alone matches everything; leave the condition out instead".into());
            }
            if p.bytes().all(|b| b.is_ascii_digit()) {
                let v: u64 = p
                    .parse()
                    .map_err(|_| format!("code prefix '{p}' is too long"))?;
                return Ok(CodePattern::Range {
                    digits: p.len(),
                    lo: v,
                    hi: v,
                });
            }
            return Ok(CodePattern::Prefix(p.to_string()));
        }
        if let Some((a, b)) = s.split_once('-') {
            let (a, b) = (a.trim(), b.trim());
            if !a.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
            {
                if a.len() != b.len() {
                    return Err(format!(
                        "range '{s}': both ends need the same number of digits"
                    ));
                }
                let lo: u64 = a.parse().map_err(|_| format!("range '{s}' is too long"))?;
                let hi: u64 = b.parse().map_err(|_| format!("range '{s}' is too long"))?;
                if lo > hi {
                    return Err(format!(
                        "range '{s}': the first end is larger than the second"
                    ));
                }
                return Ok(CodePattern::Range {
                    digits: a.len(),
                    lo,
                    hi,
                });
            }
        }
        Ok(CodePattern::Exact(s.to_string()))
    }

    /// True when `code` matches.
    pub fn matches(&self, code: &str) -> bool {
        match self {
            CodePattern::Exact(e) => code == e,
            CodePattern::Prefix(p) => code.starts_with(p.as_str()),
            CodePattern::Range { digits, lo, hi } => {
                let Some(head) = code.get(..*digits) else {
                    return false;
                };
                if !head.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
                head.parse::<u64>()
                    .map(|v| v >= *lo && v <= *hi)
                    .unwrap_or(false)
            }
        }
    }

    /// How specific the pattern is (more leading characters = more specific; exact beats any range).
    pub fn specificity(&self) -> usize {
        match self {
            CodePattern::Exact(_) => usize::MAX,
            CodePattern::Prefix(p) => p.len(),
            CodePattern::Range { digits, .. } => *digits,
        }
    }

    /// True when every code matched by `other` is also matched by `self`.
    pub fn covers(&self, other: &CodePattern) -> bool {
        match (self, other) {
            (_, CodePattern::Exact(e)) => self.matches(e),
            (CodePattern::Prefix(a), CodePattern::Prefix(b)) => b.starts_with(a.as_str()),
            (
                CodePattern::Range {
                    digits: da,
                    lo: la,
                    hi: ha,
                },
                CodePattern::Range {
                    digits: db,
                    lo: lb,
                    hi: hb,
                },
            ) => {
                if db < da {
                    return false;
                }
                let scale = 10u64.pow((db - da) as u32);
                lb / scale >= *la && hb / scale <= *ha
            }
            _ => false,
        }
    }
}

impl CodePattern {
    /// True when some code matches both patterns.
    pub fn overlaps(&self, other: &CodePattern) -> bool {
        match (self, other) {
            (CodePattern::Exact(e), o) | (o, CodePattern::Exact(e)) => o.matches(e),
            (CodePattern::Prefix(a), CodePattern::Prefix(b)) => {
                a.starts_with(b.as_str()) || b.starts_with(a.as_str())
            }
            (
                CodePattern::Range {
                    digits: da,
                    lo: la,
                    hi: ha,
                },
                CodePattern::Range {
                    digits: db,
                    lo: lb,
                    hi: hb,
                },
            ) => {
                // Compare on the longer number of digits: "64*" is 6400–6499 against a 4-digit range.
                let d = (*da).max(*db);
                let widen = |digits: usize, lo: u64, hi: u64| {
                    let scale = 10u64.saturating_pow((d - digits) as u32);
                    (
                        lo.saturating_mul(scale),
                        hi.saturating_add(1).saturating_mul(scale).saturating_sub(1),
                    )
                };
                let (a0, a1) = widen(*da, *la, *ha);
                let (b0, b1) = widen(*db, *lb, *hb);
                a0 <= b1 && b0 <= a1
            }
            // A non-numeric prefix never meets a numeric range.
            _ => false,
        }
    }
}

/// A list of code patterns: matches when any matches.
pub fn any_code(patterns: &[CodePattern], code: &str) -> bool {
    patterns.iter().any(|p| p.matches(code))
}

/// True when every pattern of `inner` is covered by some pattern of `outer`.
pub fn codes_cover(outer: &[CodePattern], inner: &[CodePattern]) -> bool {
    inner.iter().all(|i| outer.iter().any(|o| o.covers(i)))
}

/// A text matcher: a list of keywords (any of them, case-insensitive) or a regular expression.
///
/// A keyword of more than three characters matches anywhere in the text (Swedish compounds: `dator` matches
/// `Skoldatorer`); a keyword of three characters or fewer (`it`, `pc`, `it-`) matches only as a whole word
/// (`it` matches `IT-tjänster` and `köpt IT` but not `Italien`; `it-` does not match `Kredit-faktura`).
#[derive(Debug, Clone)]
pub enum TextMatch {
    /// Lower-cased keywords.
    Keywords(Vec<String>),
    /// A compiled case-insensitive regular expression and its source.
    Regex(regex::Regex, String),
    /// Any of several matchers: a rules file's own keywords and those of the file it includes, when one of them
    /// is a regex (two keyword lists are joined into one list instead, see [`TextMatch::extend`]).
    Any(Vec<TextMatch>),
}

impl TextMatch {
    /// Builds a keyword matcher.
    pub fn keywords(words: &[String]) -> Result<TextMatch, String> {
        let words: Vec<String> = words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Err("expected at least one keyword".into());
        }
        Ok(TextMatch::Keywords(words))
    }

    /// Builds a regex matcher (always case-insensitive).
    pub fn regex(src: &str) -> Result<TextMatch, String> {
        regex::RegexBuilder::new(src)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map(|r| TextMatch::Regex(r, src.to_string()))
            .map_err(|e| {
                format!(
                    "bad regex '{src}': {}",
                    e.to_string().lines().last().unwrap_or("invalid")
                )
            })
    }

    /// This matcher extended by `included` (an included rules file's): own keywords first, then the included
    /// ones not already there; a regex on either side makes [`TextMatch::Any`].
    pub fn extend(self, included: &TextMatch) -> TextMatch {
        match (self, included) {
            (TextMatch::Keywords(mut own), TextMatch::Keywords(inc)) => {
                for w in inc {
                    if !own.contains(w) {
                        own.push(w.clone());
                    }
                }
                TextMatch::Keywords(own)
            }
            (TextMatch::Any(mut own), inc) => {
                own.push(inc.clone());
                TextMatch::Any(own)
            }
            (own, inc) => TextMatch::Any(vec![own, inc.clone()]),
        }
    }

    /// True when the (already lower-cased) text matches.
    pub fn matches_lower(&self, lower: &str) -> bool {
        match self {
            TextMatch::Keywords(ws) => ws.iter().any(|w| keyword_in(lower, w)),
            TextMatch::Regex(r, _) => r.is_match(lower),
            TextMatch::Any(ms) => ms.iter().any(|m| m.matches_lower(lower)),
        }
    }

    /// The first keyword that matches (for reports), or the regex source.
    pub fn first_hit(&self, lower: &str) -> Option<String> {
        match self {
            TextMatch::Keywords(ws) => ws.iter().find(|w| keyword_in(lower, w)).cloned(),
            TextMatch::Regex(r, src) => r.is_match(lower).then(|| src.clone()),
            TextMatch::Any(ms) => ms.iter().find_map(|m| m.first_hit(lower)),
        }
    }

    /// True when this matcher accepts exactly what `other` accepts (same keywords or same regex source).
    pub fn same_as(&self, other: &TextMatch) -> bool {
        match (self, other) {
            (TextMatch::Keywords(a), TextMatch::Keywords(b)) => {
                let mut a = a.clone();
                let mut b = b.clone();
                a.sort();
                b.sort();
                a == b
            }
            (TextMatch::Regex(_, a), TextMatch::Regex(_, b)) => a == b,
            (TextMatch::Any(a), TextMatch::Any(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            _ => false,
        }
    }
}

/// True when `word` (lower-cased) is in `text` (lower-cased): anywhere for a word of more than three characters;
/// for a shorter one, some occurrence (overlapping ones included) must not be preceded by a letter or digit, nor,
/// when the word ends in a letter or digit, followed by one (`char::is_alphanumeric`).
fn keyword_in(text: &str, word: &str) -> bool {
    if word.chars().count() > 3 {
        return text.contains(word);
    }
    let needs_end = word.chars().next_back().is_some_and(char::is_alphanumeric);
    let mut from = 0;
    while let Some(p) = text.get(from..).and_then(|t| t.find(word)) {
        let i = from + p;
        let start_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let end_ok = !needs_end
            || text[i + word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if start_ok && end_ok {
            return true;
        }
        // The next occurrence may overlap this one: go on from the next character.
        from = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_patterns() {
        let p = CodePattern::parse("68*").unwrap();
        assert!(p.matches("6841") && p.matches("68") && !p.matches("6941"));
        let r = CodePattern::parse("6400-6499").unwrap();
        assert!(
            r.matches("6410") && r.matches("641005") && !r.matches("650") && !r.matches("6500")
        );
        assert!(CodePattern::parse("1510").unwrap().matches("1510"));
        assert!(!CodePattern::parse("1510").unwrap().matches("15100"));
        assert!(CodePattern::parse("6500-64").is_err());
        assert!(CodePattern::parse("6500-6400").is_err());
        assert_eq!(
            CodePattern::parse("K3*").unwrap(),
            CodePattern::Prefix("K3".into())
        );
    }

    #[test]
    fn coverage() {
        let p68 = CodePattern::parse("68*").unwrap();
        assert!(p68.covers(&CodePattern::parse("6841").unwrap()));
        assert!(p68.covers(&CodePattern::parse("6800-6849").unwrap()));
        assert!(p68.covers(&CodePattern::parse("684*").unwrap()));
        assert!(!p68.covers(&CodePattern::parse("6*").unwrap()));
        assert!(!p68.covers(&CodePattern::parse("6790-6810").unwrap()));
    }

    #[test]
    fn keywords() {
        let m = TextMatch::keywords(&["dator".into(), "it-".into()]).unwrap();
        assert!(m.matches_lower("skoldatorer"));
        assert!(m.matches_lower("it-tjänster"));
        assert!(m.matches_lower("köpt it-drift"));
        assert!(!m.matches_lower("kredit-faktura"));
        let it = TextMatch::keywords(&["it".into()]).unwrap();
        assert!(
            it.matches_lower("it-tjänster")
                && it.matches_lower("köpt it")
                && !it.matches_lower("italien")
        );
        assert!(TextMatch::regex("(").is_err());
    }
}

#[cfg(test)]
mod overlap_tests {
    use super::CodePattern;

    fn p(s: &str) -> CodePattern {
        CodePattern::parse(s).unwrap()
    }

    #[test]
    fn overlapping_codes() {
        assert!(p("64*").overlaps(&p("6410-6419")));
        assert!(p("6400-6450").overlaps(&p("6450-6499")));
        assert!(!p("6400-6449").overlaps(&p("6450-6499")));
        assert!(p("6412").overlaps(&p("64*")));
        assert!(!p("6412").overlaps(&p("65*")));
        assert!(p("K3*").overlaps(&p("K31*")));
        assert!(!p("K3*").overlaps(&p("64*")));
    }
}
