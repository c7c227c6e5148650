//! The TBM v4 vocabulary: cost pools, sub-pools and towers (English names in data, Swedish labels in reports).

use serde::{Serialize, Serializer};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $en:literal, $sv:literal, [$($alias:literal),*];)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in the order reports list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The TBM name used in data and JSON.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $en,)* }
            }

            /// The Swedish label used in reports.
            pub fn label_sv(self) -> &'static str {
                match self { $($name::$variant => $sv,)* }
            }

            /// Parses the TBM name, the Swedish label or an alias, ignoring case, spaces and punctuation.
            pub fn parse(raw: &str) -> Option<$name> {
                let k = crate::ingest::columns::normalize(raw);
                $(
                    if k == crate::ingest::columns::normalize($en)
                        || k == crate::ingest::columns::normalize($sv)
                        $(|| k == crate::ingest::columns::normalize($alias))* {
                        return Some($name::$variant);
                    }
                )*
                None
            }

            /// The accepted names, for error messages.
            pub fn names() -> String {
                [$($en),*].join(", ")
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

vocabulary! {
    /// A TBM cost pool (Finance layer).
    Pool {
        /// Employee wages, benefits and expenses.
        InternalLabor => "Internal Labor", "Intern arbetskraft", ["Labor", "Egen personal"];
        /// Contractors and hired staff.
        ExternalLabor => "External Labor", "Extern arbetskraft", ["Konsulter", "Inhyrd personal"];
        /// Managed services bought from external providers.
        OutsideServices => "Outside Services", "Externa tjänster", ["Service Providers"];
        /// Hardware bought, leased, depreciated or maintained.
        Hardware => "Hardware", "Hårdvara", ["Hardvara"];
        /// Software licences, subscriptions, amortisation and maintenance.
        Software => "Software", "Mjukvara", ["Programvara"];
        /// Data-centre space and power.
        FacilitiesPower => "Facilities & Power", "Anläggningar och energi", ["Facilities and Power", "Facilities"];
        /// Voice and data connectivity.
        Telecom => "Telecom", "Telekom", ["Telecommunications"];
        /// Anything else.
        Other => "Other", "Annat", ["Övrigt"];
        /// Charges from other internal units.
        InternalServices => "Internal Services", "Interna tjänster", [];
    }
}

vocabulary! {
    /// A cost sub-pool (Apptio practice).
    SubPool {
        /// Bought and expensed.
        Expense => "expense", "kostnad", [];
        /// Depreciation (hardware) or amortisation (software).
        Depreciation => "depreciation", "avskrivning", ["amortization", "amortisation"];
        /// Leased or rented.
        Lease => "lease", "leasing", ["hyra"];
        /// Maintenance and support contracts.
        Maintenance => "maintenance", "underhåll och support", ["maintenance & support", "maint & support", "support"];
    }
}

vocabulary! {
    /// A TBM v4 IT tower.
    Tower {
        /// Data-centre facilities.
        DataCenter => "Data Center", "Datacenter", [];
        /// Servers.
        Compute => "Compute", "Servrar", [];
        /// Storage and backup.
        Storage => "Storage", "Lagring", [];
        /// LAN, WAN, transport, voice.
        Network => "Network", "Nätverk", [];
        /// Databases and middleware.
        Platform => "Platform", "Plattform", [];
        /// Central print.
        Output => "Output", "Utskrift", [];
        /// Workplace, devices, help desk.
        EndUser => "End User", "Slutanvändare", ["Slutanvändartjänster"];
        /// Applications: development, support, business software.
        Application => "Application", "Applikationer", [];
        /// Service management, project management.
        Delivery => "Delivery", "Leverans", [];
        /// Security, compliance, disaster recovery.
        SecurityCompliance => "Security & Compliance", "Säkerhet och regelefterlevnad", ["Security"];
        /// IT management, strategy, IT finance.
        ItManagement => "IT Management", "IT-ledning", ["Styra och stödja"];
    }
}

/// What an account is, as declared in the rules file's `[accounts]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Operating cost (verksamhetens kostnader).
    Cost,
    /// Depreciation (avskrivningar): part of total cost.
    Depreciation,
    /// Operating revenue (verksamhetens intäkter).
    Revenue,
    /// Balance sheet (classes 1–2): excluded.
    BalanceSheet,
    /// Taxes, grants, financial items (class 8): excluded.
    Financial,
    /// Investment ledger purchases: excluded from operating cost.
    Investment,
}

impl AccountKind {
    /// The key used in `[accounts]` and in output.
    pub fn key(self) -> &'static str {
        match self {
            AccountKind::Cost => "cost",
            AccountKind::Depreciation => "depreciation",
            AccountKind::Revenue => "revenue",
            AccountKind::BalanceSheet => "balance_sheet",
            AccountKind::Financial => "financial",
            AccountKind::Investment => "investment",
        }
    }

    /// True for kinds that lie outside operating cost and revenue (always excluded).
    pub fn is_excluded(self) -> bool {
        matches!(
            self,
            AccountKind::BalanceSheet | AccountKind::Financial | AccountKind::Investment
        )
    }
}
