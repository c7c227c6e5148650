//! Synthetic municipal ledgers: the four bundled Dalsland samples (whose central IT cost and net cost reproduce
//! the Dalsland 2024 study to the krona), large ledgers of any size for benchmarks, and national Parquet datasets.
//!
//! Every generated line carries the place the generator *meant* it to land (its truth), computed from the
//! generator's own chart, never from the rules engine, so a run can be checked against it.

mod fyrbodal;
mod large;
mod national;
mod samples;

use crate::error::{Error, Result};
use crate::money::format_sv;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// A small, fast, seedable PRNG (SplitMix64): deterministic output for a seed on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for this seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Where the generator meant a line to land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// Cost on a central IT cost centre.
    CentralIt,
    /// IT hardware, software or telecom outside central IT.
    OutsideIt,
    /// Other operating cost.
    NotItCost,
    /// External operating revenue.
    Revenue,
    /// Internal cost.
    InternalCost,
    /// Internal revenue.
    InternalRevenue,
    /// Balance sheet, class 8, investment.
    Excluded,
}

/// What an account is in the generator's chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Staff,
    Purchase,
    ItHardware,
    ItSoftware,
    ItTelecom,
    ItServices,
    Depreciation,
    Revenue,
    InternalCost,
    InternalRevenue,
    Excluded,
}

#[derive(Debug, Clone, Copy)]
struct Account {
    code: &'static str,
    text: &'static str,
    class: Class,
}

const fn acc(code: &'static str, text: &'static str, class: Class) -> Account {
    Account { code, text, class }
}

// The sample chart (Kommun-Bas 13 groups, sub-accounts as a municipality might number them).
const SALARY: Account = acc("5011", "Månadsavlönade", Class::Staff);
const SOCIAL: Account = acc("5611", "Arbetsgivaravgifter", Class::Staff);
const PENSION: Account = acc("5711", "Pensionskostnader", Class::Staff);
const RENT_EXT: Account = acc("6011", "Lokalhyror externa", Class::Purchase);
const RENT_INT: Account = acc("6013", "Interna lokalhyror", Class::InternalCost);
const RENT_INT_F: Account = acc("6013", "Lokalhyror egna fastigheter", Class::InternalCost);
const POWER: Account = acc("6211", "El", Class::Purchase);
const IT_LEASE: Account = acc("6311", "Leasing av IT-utrustning", Class::ItHardware);
const CAR_LEASE: Account = acc("6312", "Leasing av fordon", Class::Purchase);
const INVENTORY: Account = acc("6411", "Förbrukningsinventarier", Class::Purchase);
const COMPUTERS: Account = acc("6412", "Datorer och kringutrustning", Class::ItHardware);
const SOFTWARE: Account = acc("6413", "Programvaror och licenser", Class::ItSoftware);
const SUPPLIES: Account = acc("6451", "Förbrukningsmaterial", Class::Purchase);
const FOOD: Account = acc("6461", "Livsmedel", Class::Purchase);
const REPAIRS: Account = acc("6611", "Reparation och underhåll maskiner", Class::Purchase);
const SW_MAINT: Account = acc("6612", "Underhåll och support IT-system", Class::ItSoftware);
const PHONE: Account = acc("6811", "Telefoni", Class::ItTelecom);
const MOBILE: Account = acc("6812", "Mobiltelefoni", Class::ItTelecom);
const DATACOM: Account = acc("6813", "Datakommunikation", Class::ItTelecom);
const POSTAGE: Account = acc("6851", "Porto", Class::Purchase);
const TRAVEL: Account = acc("7011", "Resor", Class::Purchase);
const CONSULT: Account = acc("7411", "Konsulttjänster", Class::Purchase);
const IT_SERVICES: Account = acc("7412", "IT-tjänster", Class::ItServices);
const CLOUD: Account = acc("7413", "Molntjänster och SaaS", Class::ItSoftware);
const OTHER_SERVICES: Account = acc("7461", "Köp av tjänster övrigt", Class::Purchase);
const IT_CHARGE: Account = acc("7465", "Intern IT-debitering", Class::InternalCost);
const HIRED: Account = acc("7511", "Inhyrd personal", Class::Purchase);
const MAIN_PURCHASE: Account = acc("4611", "Köp av huvudverksamhet", Class::Purchase);
const GRANTS_GIVEN: Account = acc("4511", "Lämnade bidrag", Class::Purchase);
const DEPRECIATION: Account = acc(
    "7911",
    "Avskrivningar maskiner och inventarier",
    Class::Depreciation,
);
const AMORTISATION: Account = acc(
    "7921",
    "Avskrivningar immateriella tillgångar",
    Class::Depreciation,
);
const FEES: Account = acc("3411", "Taxor och avgifter", Class::Revenue);
const SALES: Account = acc("3511", "Försäljning av verksamhet", Class::Revenue);
const RENT_REV: Account = acc("3611", "Hyresintäkter externa", Class::Revenue);
const STATE_GRANTS: Account = acc("3711", "Statsbidrag", Class::Revenue);
const RENT_REV_INT: Account = acc("3613", "Interna hyresintäkter", Class::InternalRevenue);
const RENT_REV_INT_F: Account = acc("3613", "Hyresintäkter egna lokaler", Class::InternalRevenue);
const IT_REV_INT: Account = acc(
    "3591",
    "Interna intäkter IT-tjänster",
    Class::InternalRevenue,
);
const BANK: Account = acc("1930", "Bank", Class::Excluded);
const PAYABLES: Account = acc("2440", "Leverantörsskulder", Class::Excluded);
const TAX_WITHHELD: Account = acc("2710", "Personalens källskatt", Class::Excluded);
const TAX: Account = acc("8011", "Kommunalskatt", Class::Excluded);
const EQUALISATION: Account = acc("8211", "Inkomstutjämning", Class::Excluded);
const INTEREST_IN: Account = acc("8411", "Ränteintäkter", Class::Excluded);
const INTEREST_OUT: Account = acc("8511", "Räntekostnader", Class::Excluded);
const INVEST_PC: Account = acc("4023", "Datorer", Class::Excluded);

const IT_SUPPLIERS: &[&str] = &[
    "Atea Sverige AB",
    "Dustin Sverige AB",
    "Tietoevry Sweden AB",
    "CGI Sverige AB",
    "Visma Public AB",
    "Advania Sverige AB",
    "Sokigo AB",
    "Inera AB",
    "Microsoft Ireland Operations Ltd",
];
const TELECOM_SUPPLIERS: &[&str] = &[
    "Telia Sverige AB",
    "Tele2 Sverige AB",
    "Telenor Sverige AB",
    "IP-Only Networks AB",
];
const OTHER_SUPPLIERS: &[&str] = &[
    "Skanska Sverige AB",
    "Martin & Servera AB",
    "Sodexo AB",
    "Lyreco Sverige AB",
    "Ahlsell Sverige AB",
    "Attendo Sverige AB",
    "Humana Assistans AB",
    "Västtrafik AB",
    "Dalslands Bygg & Måleri AB",
    "Menigo Foodservice AB",
    "Apoteket AB",
    "Bravida Sverige AB",
    "Securitas Sverige AB",
    "Ramirent AB",
    "Swedbank AB",
    "Elektroskandia AB",
];
const NON_IT_TEXTS: &[&str] = &[
    "Faktura",
    "Material",
    "Månadsfaktura",
    "Leverans enligt avtal",
    "Städmaterial",
    "Reparation",
    "Kontorsmaterial",
    "Arbetskläder",
    "Transport",
    "Hyra maskin",
    "Utbildning",
    "Konferens",
    "Tjänster enligt avtal",
];

/// The generator's truth for a ledger: what a correct run must report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GeneratedTruth {
    /// File written.
    pub file: String,
    /// Lines written.
    pub lines: u64,
    /// Sum of all amounts, öre.
    pub input_sum_ore: i64,
    /// Central IT cost, öre.
    pub central_it_ore: i64,
    /// IT outside central IT (Hardware, Software, Telecom accounts), öre.
    pub outside_it_ore: i64,
    /// Other operating cost, öre.
    pub not_it_cost_ore: i64,
    /// External revenue, öre (negative).
    pub revenue_ore: i64,
    /// Total cost (central + outside + not IT), öre.
    pub total_cost_ore: i64,
    /// Net cost, öre.
    pub net_cost_ore: i64,
    /// Internal costs, öre.
    pub internal_costs_ore: i64,
    /// Internal revenues, öre.
    pub internal_revenues_ore: i64,
    /// Excluded, öre.
    pub excluded_ore: i64,
}

impl GeneratedTruth {
    fn add(&mut self, truth: Truth, amount: i64) {
        self.lines += 1;
        self.input_sum_ore += amount;
        match truth {
            Truth::CentralIt => self.central_it_ore += amount,
            Truth::OutsideIt => self.outside_it_ore += amount,
            Truth::NotItCost => self.not_it_cost_ore += amount,
            Truth::Revenue => self.revenue_ore += amount,
            Truth::InternalCost => self.internal_costs_ore += amount,
            Truth::InternalRevenue => self.internal_revenues_ore += amount,
            Truth::Excluded => self.excluded_ore += amount,
        }
        self.total_cost_ore = self.central_it_ore + self.outside_it_ore + self.not_it_cost_ore;
        self.net_cost_ore = self.total_cost_ore + self.revenue_ore;
    }
}

pub use fyrbodal::{fyrbodal_config, write_fyrbodal, FYRBODAL_CONFIG_FILE, FYRBODAL_DIR};
pub use large::{write_large, write_large_with, LargeOptions};
pub use national::{
    write_national, NationalOptions, NationalTruth, PartitionTruth, NATIONAL_CONFIG, NATIONAL_TRUTH,
};
pub use samples::{sample_truths, write_samples, DALSLAND_CONFIG, DALSLAND_WORK_AREAS};
