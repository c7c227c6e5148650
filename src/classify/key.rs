//! The key a rule sees: built the same way for every distinct key of a ledger ([`super::classify`]) and for one
//! line explained on its own (`itcost explain`), so that an explanation cannot disagree with a run.

use super::MunicipalityKeys;
use crate::ingest::totals::LineFields;
use crate::rules::keywords::{FreeText, TextSig};
use crate::rules::pattern::any_code;
use crate::rules::{KeyView, RuleSet};

/// The key of one distinct key tuple: `account_text` and `supplier` must already be lower case (the rules match
/// them lower-cased), the line text is seen only through its keyword signature ([`FreeText`]); whether the cost
/// centre is central IT is decided from the municipality's patterns.
pub fn key_view<'a>(
    muni: &MunicipalityKeys,
    account: &'a str,
    account_text_lower: &'a str,
    cost_centre: &'a str,
    supplier_lower: &'a str,
    text: FreeText<'a>,
    counterpart: &'a str,
) -> KeyView<'a> {
    KeyView {
        account,
        account_text: account_text_lower,
        cost_centre,
        supplier: supplier_lower,
        text,
        counterpart,
        central_it: is_central_it(muni, cost_centre),
    }
}

/// Whether a cost centre is one of the municipality's central IT cost centres (an empty one never is).
pub fn is_central_it(muni: &MunicipalityKeys, cost_centre: &str) -> bool {
    !cost_centre.is_empty() && any_code(&muni.central_it, cost_centre)
}

/// One line's key fields, owned and lower-cased where the rules need it: what [`KeyView`] borrows from when a
/// single line is classified outside a run.
#[derive(Debug, Clone)]
pub struct OwnedKey {
    account: String,
    account_text: String,
    cost_centre: String,
    supplier: String,
    text: TextSig,
    counterpart: String,
}

impl OwnedKey {
    /// The key of a line's fields as written in the ledger; the line text is reduced to its signature under
    /// `rules`, exactly as a run reduces it.
    pub fn new(line: &LineFields, rules: &RuleSet) -> OwnedKey {
        OwnedKey {
            account: line.account.clone(),
            account_text: line.account_text.to_lowercase(),
            cost_centre: line.cost_centre.clone(),
            supplier: line.supplier.to_lowercase(),
            text: rules.text_keywords.signature(&line.text),
            counterpart: line.counterpart.clone(),
        }
    }

    /// The key as the rules see it, for a municipality (`rules` must be the rule set the key was made with).
    pub fn view<'a>(&'a self, rules: &'a RuleSet, muni: &MunicipalityKeys) -> KeyView<'a> {
        key_view(
            muni,
            &self.account,
            &self.account_text,
            &self.cost_centre,
            &self.supplier,
            rules.free_text(self.text.as_bytes()),
            &self.counterpart,
        )
    }
}
