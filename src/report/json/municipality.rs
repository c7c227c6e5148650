//! The `municipalities[]` objects of `itcost.summary/1`: everything computed for one municipality and year.

use super::*;

/// Everything computed for one municipality and year (the `municipalities[]` objects of the JSON contract).
#[derive(Serialize)]
pub struct Municipality<'a> {
    /// Name.
    pub name: &'a str,
    /// Fiscal year.
    pub year: Option<i32>,
    /// Ledger files read.
    pub files: &'a [String],
    /// Lines read.
    pub lines: u64,
    /// Months present (`YYYY-MM`).
    pub months: &'a [String],
    /// Months of the year missing from the ledger (`YYYY-MM`); non-empty means the ledger is incomplete.
    /// Empty when the ledger has no dates at all (see `months_note`).
    pub months_missing: &'a [String],
    /// Set when no line has a date or period: [`crate::guards::NO_DATES`] (the ledger is treated as one year;
    /// nothing is said to be missing).
    pub months_note: Option<&'static str>,
    /// The denominator every share below is a fraction of.
    pub denominator: &'static str,
    /// Its value.
    pub denominator_value: f64,
    /// Operating cost incl. depreciation, after internal eliminations.
    pub total_cost: f64,
    /// External operating revenue (negative).
    pub revenue: f64,
    /// total_cost + revenue.
    pub net_cost: f64,
    /// Depreciation included in total_cost.
    pub depreciation: f64,
    /// External total from the config, if given.
    pub external_total: Option<f64>,
    /// Central IT cost centres, as configured.
    pub central_it_cost_centres: &'a [String],
    /// Cost on central IT cost centres.
    pub central_it_cost: f64,
    /// central_it_cost / denominator.
    pub central_it_share: Option<f64>,
    /// IT cost outside central IT (in scope).
    pub outside_it_cost: f64,
    /// central_it_cost + outside_it_cost.
    pub it_cost: f64,
    /// it_cost / denominator.
    pub it_share: Option<f64>,
    /// central_it_cost / it_cost: how much of the IT sits in central IT.
    pub central_part_of_it: Option<f64>,
    /// IT lines outside central IT whose pool is not in the run's scope (e.g. IT consultants with the narrow scope).
    pub outside_it_out_of_scope: f64,
    /// Internal costs eliminated from total cost.
    pub internal_eliminated: f64,
    /// Internal transactions in detail.
    pub internal: Internal,
    /// Excluded lines' sum (balance sheet, class 8, investment, unknown accounts, rule exclusions).
    pub excluded: f64,
    /// Excluded by reason (rule id).
    pub excluded_by: Map<&'a str, f64>,
    /// Not-IT operating cost.
    pub not_it_cost: f64,
    /// Sum of IT-suspect lines (part of not_it_cost).
    pub unclassified_it_suspect: f64,
    /// The suspects in detail.
    pub unclassified_it_suspect_detail: Suspects<'a>,
    /// Per TBM pool: central and outside.
    pub pools: Map<&'static str, PoolSplit>,
    /// Per rule id: amount and lines decided by it.
    pub rules_fired: Map<&'a str, (f64, u64)>,
    /// Population, if configured.
    pub population: Option<u64>,
    /// True when a ledger holds external purchases only (open supplier ledger): total and net cost are then
    /// not the municipality's, and shares are given only against an external total.
    pub external_purchases_only: bool,
    /// Things the reader of the figures must know (a central IT cost centre that occurs nowhere, …).
    pub warnings: &'a [String],
    /// The conservation check.
    pub conservation: Conservation,
    /// IT cost per TBM tower (from the rules), inside and outside central IT; "Unassigned" where no rule gave one.
    pub towers: Map<&'static str, PoolSplit>,
    /// Per department or company, largest total cost first.
    pub departments: Vec<DepartmentResult<'a>>,
}

impl<'a> From<&'a crate::aggregate::MunicipalityResult> for Municipality<'a> {
    fn from(v: &'a crate::aggregate::MunicipalityResult) -> Self {
        Municipality {
            name: &v.name,
            year: v.year,
            files: &v.files,
            lines: v.lines,
            months: &v.months,
            months_missing: &v.months_missing,
            months_note: v.months_note,
            denominator: denominator(v.denominator),
            denominator_value: kr(v.denominator_value),
            total_cost: kr(v.total_cost),
            revenue: kr(v.revenue),
            net_cost: kr(v.net_cost),
            depreciation: kr(v.depreciation),
            external_total: v.external_total.map(kr),
            central_it_cost_centres: &v.central_it_cost_centres,
            central_it_cost: kr(v.central_it_cost),
            central_it_share: v.central_it_share,
            outside_it_cost: kr(v.outside_it_cost),
            it_cost: kr(v.it_cost),
            it_share: v.it_share,
            central_part_of_it: v.central_part_of_it,
            outside_it_out_of_scope: kr(v.outside_it_out_of_scope),
            internal_eliminated: kr(v.internal_eliminated),
            internal: Internal::from(&v.internal),
            excluded: kr(v.excluded),
            excluded_by: v
                .excluded_by
                .iter()
                .map(|(k, x)| (k.as_str(), kr(*x)))
                .collect(),
            not_it_cost: kr(v.not_it_cost),
            unclassified_it_suspect: kr(v.unclassified_it_suspect),
            unclassified_it_suspect_detail: Suspects::from(&v.unclassified_it_suspect_detail),
            pools: v
                .pools
                .iter()
                .map(|(k, x)| (*k, PoolSplit::from(x)))
                .collect(),
            rules_fired: v
                .rules_fired
                .iter()
                .map(|(k, (a, n))| (k.as_str(), (kr(*a), *n)))
                .collect(),
            population: v.population,
            external_purchases_only: v.external_purchases_only,
            warnings: &v.warnings,
            conservation: Conservation::from(&v.conservation),
            towers: v
                .towers
                .iter()
                .map(|(k, x)| (*k, PoolSplit::from(x)))
                .collect(),
            departments: v.departments.iter().map(DepartmentResult::from).collect(),
        }
    }
}

/// Inside and outside central IT, for one pool.
#[derive(Serialize)]
pub struct PoolSplit {
    /// Booked on central IT cost centres.
    pub central: f64,
    /// IT booked elsewhere (in scope).
    pub outside: f64,
}

impl From<&crate::aggregate::PoolSplit> for PoolSplit {
    fn from(v: &crate::aggregate::PoolSplit) -> Self {
        PoolSplit {
            central: kr(v.central),
            outside: kr(v.outside),
        }
    }
}

/// Internal transactions that were eliminated.
#[derive(Serialize)]
pub struct Internal {
    /// Internal costs (debits on cost accounts): the amount removed from total cost.
    pub costs: f64,
    /// Internal revenues (credits, negative).
    pub revenues: f64,
    /// costs + revenues: zero when both sides of every internal transaction are in the ledger.
    pub imbalance: f64,
    /// Number of internal lines.
    pub lines: u64,
}

impl From<&crate::aggregate::Internal> for Internal {
    fn from(v: &crate::aggregate::Internal) -> Self {
        Internal {
            costs: kr(v.costs),
            revenues: kr(v.revenues),
            imbalance: kr(v.imbalance),
            lines: v.lines,
        }
    }
}

/// One row of a top list.
#[derive(Serialize)]
pub struct TopItem<'a> {
    /// The account, supplier or text.
    pub key: &'a str,
    /// A label (the account text for accounts).
    #[serde(skip_serializing_if = "is_empty")]
    pub label: &'a str,
    /// Sum.
    pub amount: f64,
    /// Number of lines.
    pub lines: u64,
}

impl<'a> From<&'a crate::aggregate::TopItem> for TopItem<'a> {
    fn from(v: &'a crate::aggregate::TopItem) -> Self {
        TopItem {
            key: &v.key,
            label: &v.label,
            amount: kr(v.amount),
            lines: v.lines,
        }
    }
}

/// Lines that look like IT but that no IT rule took.
#[derive(Serialize)]
pub struct Suspects<'a> {
    /// Their sum (part of not-IT cost).
    pub amount: f64,
    /// Their number.
    pub lines: u64,
    /// Largest accounts behind them.
    pub top_accounts: Vec<TopItem<'a>>,
    /// Largest suppliers behind them.
    pub top_suppliers: Vec<TopItem<'a>>,
    /// Largest line texts behind them.
    pub top_texts: Vec<TopItem<'a>>,
}

impl<'a> From<&'a crate::aggregate::Suspects> for Suspects<'a> {
    fn from(v: &'a crate::aggregate::Suspects) -> Self {
        Suspects {
            amount: kr(v.amount),
            lines: v.lines,
            top_accounts: v.top_accounts.iter().map(TopItem::from).collect(),
            top_suppliers: v.top_suppliers.iter().map(TopItem::from).collect(),
            top_texts: v.top_texts.iter().map(TopItem::from).collect(),
        }
    }
}

/// Conservation: every öre read is accounted for in exactly one place.
#[derive(Serialize)]
pub struct Conservation {
    /// Sum of all amounts as read from the files.
    pub input_sum: f64,
    /// Sum over central IT, outside IT, not IT, internal and excluded.
    pub accounted_sum: f64,
    /// Amount per place.
    pub by_scope: Map<&'static str, f64>,
    /// Lines read from the files.
    pub lines_read: u64,
    /// Lines that were classified.
    pub lines_classified: u64,
    /// True when sums and line counts agree.
    pub ok: bool,
    /// Lines set aside in lenient mode (not in the sums above).
    pub rejected_lines: u64,
    /// Their amount, where it could be read.
    pub rejected_amount: f64,
    /// Rejected lines whose amount could not be read.
    pub rejected_without_amount: u64,
}

impl From<&crate::aggregate::Conservation> for Conservation {
    fn from(v: &crate::aggregate::Conservation) -> Self {
        Conservation {
            input_sum: kr(v.input_sum),
            accounted_sum: kr(v.accounted_sum),
            // By key, as the contract has always listed them.
            by_scope: v
                .by_scope
                .iter()
                .map(|(k, x)| (k.key(), kr(*x)))
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect(),
            lines_read: v.lines_read,
            lines_classified: v.lines_classified,
            ok: v.ok,
            rejected_lines: v.rejected_lines,
            rejected_amount: kr(v.rejected_amount),
            rejected_without_amount: v.rejected_without_amount,
        }
    }
}

/// IT inside and outside central IT, and total cost, for one department (förvaltning) or company.
#[derive(Serialize)]
pub struct DepartmentResult<'a> {
    /// The department: the ledger's department column, else the config's cost-centre mapping, else empty.
    pub department: &'a str,
    /// Total cost booked in it (cost + depreciation, after eliminations).
    pub total_cost: f64,
    /// Central IT cost booked in it.
    pub central_it: f64,
    /// In-scope IT cost outside central IT booked in it.
    pub outside_it: f64,
    /// Per pool, IT cost (central and outside).
    pub pools: Map<&'static str, PoolSplit>,
}

impl<'a> From<&'a crate::aggregate::DepartmentResult> for DepartmentResult<'a> {
    fn from(v: &'a crate::aggregate::DepartmentResult) -> Self {
        DepartmentResult {
            department: &v.department,
            total_cost: kr(v.total_cost),
            central_it: kr(v.central_it),
            outside_it: kr(v.outside_it),
            pools: v
                .pools
                .iter()
                .map(|(k, x)| (*k, PoolSplit::from(x)))
                .collect(),
        }
    }
}
