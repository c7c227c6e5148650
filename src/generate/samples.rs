//! The four bundled Dalsland samples, rendered in four export layouts, and the config that ties them together.

use super::*;

/// A generated ledger line.
#[derive(Debug, Clone)]
struct Line {
    account: Account,
    cost_centre: String,
    counterpart: &'static str,
    supplier: String,
    text: String,
    month: u32,
    day: u32,
    voucher: u64,
    amount_ore: i64,
    truth: Truth,
}

/// The export layout a sample is written in.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// Raindance-style: `;`, Windows-1252, CRLF, title rows, space thousands, decimal comma, ISO dates.
    Raindance,
    /// Unit4-style: `,`, UTF-8 with BOM, English headers, point decimals, periods.
    Unit4,
    /// Debet/Kredit columns: `;`, UTF-8, NBSP thousands, YYYYMMDD dates.
    DebitCredit,
    /// TAB, Windows-1252, names that need an explicit mapping, periods YYYY-MM.
    Tab,
}

/// The four Dalsland municipalities: (file stem, name, layout, central IT cost centres, other cost-centre codes,
/// central IT cost in öre, net cost in öre, lines, seed, internal imbalance in öre).
struct SampleSpec {
    stem: &'static str,
    name: &'static str,
    year: i32,
    layout: Layout,
    central_it: &'static [&'static str],
    cost_centres: Vec<String>,
    property_cc: String,
    central_ore: i64,
    net_ore: i64,
    lines: usize,
    seed: u64,
    imbalance_ore: i64,
    internal_counterpart: &'static str,
    /// Size of IT outside central IT relative to the group pattern, per mille.
    outside_pm: i64,
}

/// Kronor to öre.
const fn kr(kronor: i64) -> i64 {
    kronor * 100
}

fn sample_specs() -> Vec<SampleSpec> {
    let four = |base: u32, n: u32| {
        (0..n)
            .map(|i| (base + i * 10).to_string())
            .collect::<Vec<_>>()
    };
    vec![
        SampleSpec {
            stem: "bengtsfors-2024",
            name: "Bengtsfors",
            year: 2024,
            layout: Layout::Raindance,
            central_it: &["2200", "2210"],
            cost_centres: four(3000, 30),
            property_cc: "6100".into(),
            central_ore: kr(12_496_743),
            net_ore: kr(688_000_000),
            lines: 14_000,
            seed: 11,
            imbalance_ore: 0,
            internal_counterpart: "1",
            outside_pm: 900,
        },
        SampleSpec {
            stem: "mellerud-2024",
            name: "Mellerud",
            year: 2024,
            layout: Layout::Unit4,
            central_it: &["1510", "1511"],
            cost_centres: (0..32).map(|i| (2000 + i * 25).to_string()).collect(),
            property_cc: "4100".into(),
            central_ore: kr(12_536_252),
            net_ore: kr(720_000_000),
            lines: 15_000,
            seed: 22,
            imbalance_ore: 125_000,
            internal_counterpart: "",
            outside_pm: 1150,
        },
        SampleSpec {
            stem: "amal-2024",
            name: "Åmål",
            year: 2024,
            layout: Layout::DebitCredit,
            central_it: &["171", "172"],
            cost_centres: (300..340).map(|i| i.to_string()).collect(),
            property_cc: "510".into(),
            central_ore: kr(12_531_000),
            net_ore: kr(998_000_000),
            lines: 20_000,
            seed: 33,
            imbalance_ore: 0,
            internal_counterpart: "",
            outside_pm: 1200,
        },
        SampleSpec {
            stem: "fargelanda-2024",
            name: "Färgelanda",
            year: 2024,
            layout: Layout::Tab,
            central_it: &["K310"],
            cost_centres: (0..24).map(|i| format!("K{}", 400 + i * 5)).collect(),
            property_cc: "K600".into(),
            central_ore: kr(8_376_000),
            net_ore: kr(519_350_000),
            lines: 11_000,
            seed: 44,
            imbalance_ore: 0,
            internal_counterpart: "K100",
            outside_pm: 750,
        },
        // Not from a study: a synthetic 2023 ledger for Mellerud so that the sample run shows a trend.
        SampleSpec {
            stem: "mellerud-2023",
            name: "Mellerud",
            year: 2023,
            layout: Layout::Unit4,
            central_it: &["1510", "1511"],
            cost_centres: (0..32).map(|i| (2000 + i * 25).to_string()).collect(),
            property_cc: "4100".into(),
            central_ore: kr(11_874_000),
            net_ore: kr(692_500_000),
            lines: 12_000,
            seed: 21,
            imbalance_ore: 0,
            internal_counterpart: "",
            outside_pm: 1050,
        },
    ]
}

/// Splits `total` öre into `n` random positive-weighted parts that sum to exactly `total`.
fn split(rng: &mut Rng, total: i64, n: usize) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    let w: Vec<f64> = (0..n).map(|_| 0.3 + rng.unit() * 1.4).collect();
    let sum: f64 = w.iter().sum();
    let mut parts: Vec<i64> = w
        .iter()
        .map(|x| ((total as f64) * x / sum).floor() as i64)
        .collect();
    let diff = total - parts.iter().sum::<i64>();
    if let Some(last) = parts.last_mut() {
        *last += diff;
    }
    parts
}

fn frac(total: i64, per_mille: i64) -> i64 {
    (total as i128 * per_mille as i128 / 1000) as i64
}

struct Builder<'a> {
    rng: Rng,
    lines: Vec<Line>,
    voucher: u64,
    central: &'a [&'a str],
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        account: Account,
        cc: &str,
        supplier: &str,
        text: &str,
        month: u32,
        amount_ore: i64,
        counterpart: &'static str,
    ) {
        self.voucher += 1;
        let central = self.central.contains(&cc);
        let truth = match account.class {
            Class::Excluded => Truth::Excluded,
            Class::Revenue => Truth::Revenue,
            Class::InternalCost => Truth::InternalCost,
            Class::InternalRevenue => Truth::InternalRevenue,
            _ if central => Truth::CentralIt,
            Class::ItHardware | Class::ItSoftware | Class::ItTelecom => Truth::OutsideIt,
            _ => Truth::NotItCost,
        };
        let day = 1 + self.rng.below(28) as u32;
        self.lines.push(Line {
            account,
            cost_centre: cc.to_string(),
            counterpart,
            supplier: supplier.to_string(),
            text: text.to_string(),
            month,
            day,
            voucher: self.voucher,
            amount_ore,
            truth,
        });
    }

    /// Spreads `total` over `n` lines on random months and the given cost centres.
    #[allow(clippy::too_many_arguments)]
    fn spread(
        &mut self,
        account: Account,
        ccs: &[String],
        suppliers: &[&str],
        texts: &[&str],
        total: i64,
        n: usize,
    ) {
        let parts = split(&mut self.rng, total, n);
        for (i, a) in parts.into_iter().enumerate() {
            let cc = self.rng.pick(ccs).clone();
            let sup = if suppliers.is_empty() {
                ""
            } else {
                *self.rng.pick(suppliers)
            };
            let text = *self.rng.pick(texts);
            let month = 1 + (i % 12) as u32;
            self.push(account, &cc, sup, text, month, a, "");
        }
    }
}

/// Builds one sample municipality's lines.
fn build_sample(spec: &SampleSpec) -> Vec<Line> {
    let mut b = Builder {
        rng: Rng::new(spec.seed),
        lines: Vec::with_capacity(spec.lines + 100),
        voucher: 0,
        central: spec.central_it,
    };
    let c = spec.central_ore;
    let n = spec.net_ore;
    let r = frac(n, 210);
    let t = n + r;
    let central: Vec<String> = spec.central_it.iter().map(|s| s.to_string()).collect();
    let mut others = spec.cost_centres.clone();
    others.push(spec.property_cc.clone());
    let it_sup = IT_SUPPLIERS;
    let tel_sup = TELECOM_SUPPLIERS;

    // Central IT: every pool, exact budget shares of the target cost.
    let staff_c = frac(c, 380);
    let per_staff = split(&mut b.rng, staff_c, central.len() * 12 * 3);
    let mut k = 0;
    for cc in &central {
        for m in 1..=12 {
            for a in [SALARY, SOCIAL, PENSION] {
                b.push(a, cc, "", "Lön", m, per_staff[k], "");
                k += 1;
            }
        }
    }
    b.spread(
        SOFTWARE,
        &central,
        &[
            "Microsoft Ireland Operations Ltd",
            "Visma Public AB",
            "Adobe Systems Software Ireland",
        ],
        &["Licenser", "Årslicens", "Programlicenser enligt avtal"],
        frac(c, 180),
        40,
    );
    b.spread(
        IT_SERVICES,
        &central,
        it_sup,
        &["IT-drift", "Driftavtal", "Serverdrift"],
        frac(c, 120),
        30,
    );
    b.spread(
        SW_MAINT,
        &central,
        it_sup,
        &["Support verksamhetssystem", "Underhållsavtal"],
        frac(c, 80),
        20,
    );
    b.spread(
        COMPUTERS,
        &central,
        &["Atea Sverige AB", "Dustin Sverige AB"],
        &["Servrar", "Nätverksutrustning", "Bärbara datorer"],
        frac(c, 70),
        30,
    );
    b.spread(
        DATACOM,
        &central,
        tel_sup,
        &["Stadsnät", "Internetförbindelse"],
        frac(c, 50),
        12,
    );
    b.spread(
        MOBILE,
        &central,
        tel_sup,
        &["Mobilabonnemang"],
        frac(c, 10),
        12,
    );
    b.spread(
        CONSULT,
        &central,
        &["CGI Sverige AB", "Advania Sverige AB"],
        &["IT-konsult", "Projektledning IT"],
        frac(c, 40),
        8,
    );
    b.spread(
        POWER,
        &central,
        &["Vattenfall AB"],
        &["El serverhall"],
        frac(c, 10),
        12,
    );
    b.spread(
        DEPRECIATION,
        &central,
        &[],
        &["Avskrivning IT-utrustning"],
        frac(c, 30),
        12,
    );
    b.spread(
        AMORTISATION,
        &central,
        &[],
        &["Avskrivning programvara"],
        frac(c, 5),
        12,
    );
    b.spread(
        TRAVEL,
        &central,
        &["Västtrafik AB"],
        &["Resa"],
        frac(c, 5),
        10,
    );
    let so_far: i64 = b
        .lines
        .iter()
        .filter(|l| l.truth == Truth::CentralIt)
        .map(|l| l.amount_ore)
        .sum();
    b.push(
        IT_SERVICES,
        &central[0],
        "Tietoevry Sweden AB",
        "IT-drift årsavstämning",
        12,
        c - so_far,
        "",
    );

    // Outside central IT: staff, IT in departments, purchases, depreciation.
    let staff_o = frac(t, 580);
    let per_staff = split(&mut b.rng, staff_o, others.len() * 12 * 3);
    let mut k = 0;
    for cc in &others {
        for m in 1..=12 {
            for a in [SALARY, SOCIAL, PENSION] {
                b.push(a, cc, "", "Lön", m, per_staff[k], "");
                k += 1;
            }
        }
    }
    let o = frac(c, spec.outside_pm);
    // IT outside central IT, sized against central IT so that the inside/outside split per pool comes out near
    // the Fyrbodal 2019 pattern (Hardware 82/18, Software 38/62, Telecom 59/41).
    b.spread(
        COMPUTERS,
        &others,
        &["Atea Sverige AB", "Dustin Sverige AB"],
        &["Datorer till elever", "Bärbar dator", "Dockningsstation"],
        frac(o, 12),
        250,
    );
    b.spread(
        IT_LEASE,
        &others,
        &["Atea Finans AB"],
        &["Leasing datorer"],
        frac(o, 4),
        36,
    );
    b.spread(
        SOFTWARE,
        &others,
        it_sup,
        &["Licens elevsystem", "Programvara", "Licenser"],
        frac(o, 330),
        120,
    );
    b.spread(
        CLOUD,
        &others,
        it_sup,
        &["SaaS-tjänst", "Molntjänst"],
        frac(o, 100),
        30,
    );
    b.spread(
        MOBILE,
        &others,
        tel_sup,
        &["Mobilabonnemang"],
        frac(o, 25),
        180,
    );
    b.spread(PHONE, &others, tel_sup, &["Fast telefoni"], frac(o, 8), 24);
    b.spread(DATACOM, &others, tel_sup, &["Bredband"], frac(o, 9), 24);
    b.spread(
        IT_SERVICES,
        &others,
        it_sup,
        &["IT-support", "Systemdrift"],
        frac(o, 60),
        40,
    );
    // Looks like IT, booked on non-IT accounts: the suspects the report must surface.
    b.spread(
        INVENTORY,
        &others,
        &["Dustin Sverige AB", "Atea Sverige AB"],
        &["Bildskärmar", "Tangentbord och möss"],
        frac(c, 30),
        40,
    );
    b.spread(
        SUPPLIES,
        &others,
        &["Lyreco Sverige AB"],
        &["Toner till skrivare"],
        frac(c, 5),
        20,
    );
    b.spread(
        DEPRECIATION,
        &others,
        &[],
        &["Avskrivning"],
        frac(t, 25),
        96,
    );
    b.spread(AMORTISATION, &others, &[], &["Avskrivning"], frac(t, 2), 24);
    b.spread(
        GRANTS_GIVEN,
        &others,
        &["Föreningen Dalslands Kanal", "Idrottsföreningen"],
        &["Föreningsbidrag"],
        frac(t, 20),
        24,
    );
    b.spread(
        MAIN_PURCHASE,
        &others,
        &["Attendo Sverige AB", "Humana Assistans AB"],
        &["Köpt omsorg"],
        frac(t, 80),
        11,
    );
    let fixed_so_far = b.lines.len();
    let purchase_lines = spec.lines.saturating_sub(fixed_so_far + 900).max(1000);
    let purchases = [
        (RENT_EXT, 20, "Lokalhyra"),
        (POWER, 12, "El"),
        (CAR_LEASE, 5, "Leasing bil"),
        (INVENTORY, 10, "Möbler"),
        (SUPPLIES, 14, "Material"),
        (FOOD, 18, "Livsmedel"),
        (REPAIRS, 6, "Reparation"),
        (POSTAGE, 2, "Porto"),
        (TRAVEL, 3, "Resa"),
        (CONSULT, 6, "Konsultuppdrag"),
        (OTHER_SERVICES, 20, "Tjänster enligt avtal"),
        (HIRED, 4, "Inhyrd personal"),
    ];
    let weight_sum: i64 = purchases.iter().map(|p| p.1).sum();
    let purchase_total = frac(t, 195);
    for (a, w, text) in purchases {
        let lines = (purchase_lines as i64 * w / weight_sum) as usize;
        let texts = [text, *b.rng.pick(NON_IT_TEXTS)];
        b.spread(
            a,
            &others,
            OTHER_SUPPLIERS,
            &texts,
            purchase_total * w / weight_sum,
            lines.max(1),
        );
    }
    // The residual purchase makes the net cost exact.
    let cost: i64 = b
        .lines
        .iter()
        .filter(|l| {
            matches!(
                l.truth,
                Truth::CentralIt | Truth::OutsideIt | Truth::NotItCost
            )
        })
        .map(|l| l.amount_ore)
        .sum();
    let residual = t - cost;
    let care = others[others.len() / 2].clone();
    b.push(
        MAIN_PURCHASE,
        &care,
        "Attendo Sverige AB",
        "Köpt omsorg, helårsavräkning",
        12,
        residual,
        "",
    );

    // External revenue (credits).
    let cc_rev: Vec<String> = others.clone();
    for (a, share, n_lines, text) in [
        (FEES, 350, 300, "Barnomsorgsavgift"),
        (SALES, 250, 150, "Försäljning"),
        (STATE_GRANTS, 300, 30, "Statsbidrag"),
        (RENT_REV, 100, 120, "Hyra"),
    ] {
        let parts = split(&mut b.rng, frac(r, share), n_lines);
        for (i, p) in parts.into_iter().enumerate() {
            let cc = b.rng.pick(&cc_rev).clone();
            b.push(a, &cc, "", text, 1 + (i % 12) as u32, -p, "");
        }
    }
    let rev: i64 = b
        .lines
        .iter()
        .filter(|l| l.truth == Truth::Revenue)
        .map(|l| l.amount_ore)
        .sum();
    if rev != -r {
        let cc = others[0].clone();
        b.push(FEES, &cc, "", "Avgifter, avstämning", 12, -r - rev, "");
    }

    // Internal rent and internal IT charges: both sides booked, eliminated by the rules.
    let (rent_cost, rent_rev) = if spec.internal_counterpart == "K100" {
        (RENT_INT_F, RENT_REV_INT_F)
    } else {
        (RENT_INT, RENT_REV_INT)
    };
    let cp = spec.internal_counterpart;
    for m in 1..=12 {
        let mut month_total = 0;
        for cc in &spec.cost_centres {
            let a = 2_000_000 + b.rng.below(18_000_000) as i64;
            month_total += a;
            b.push(rent_cost, cc, "", "Internhyra", m, a, cp);
        }
        let short = if m == 12 { spec.imbalance_ore } else { 0 };
        b.push(
            rent_rev,
            &spec.property_cc,
            "",
            "Internhyra",
            m,
            -(month_total - short),
            cp,
        );
        let mut it_total = 0;
        for cc in spec.cost_centres.iter().take(10) {
            let a = 500_000 + b.rng.below(4_000_000) as i64;
            it_total += a;
            b.push(IT_CHARGE, cc, "", "IT-debitering arbetsplatser", m, a, cp);
        }
        b.push(
            IT_REV_INT,
            &central[0],
            "",
            "IT-debitering arbetsplatser",
            m,
            -it_total,
            cp,
        );
    }

    // Outside the income statement.
    for m in 1..=12 {
        let r: Vec<i64> = [500_000u64, 5_000_000, 900_000_000, 900_000_000, 100_000_000]
            .iter()
            .map(|&x| b.rng.below(x) as i64)
            .collect();
        b.push(TAX, "", "", "Skatteintäkter", m, -frac(n, 800) / 12, "");
        b.push(EQUALISATION, "", "", "Utjämning", m, -frac(n, 150) / 12, "");
        b.push(INTEREST_IN, "", "", "Ränta", m, -(100_000 + r[0]), "");
        b.push(INTEREST_OUT, "", "", "Ränta lån", m, 1_000_000 + r[1], "");
        b.push(
            PAYABLES,
            "",
            "",
            "Leverantörsskulder",
            m,
            -(100_000_000 + r[2]),
            "",
        );
        b.push(BANK, "", "", "Utbetalningar", m, 90_000_000 + r[3], "");
        b.push(
            TAX_WITHHELD,
            "",
            "",
            "Källskatt",
            m,
            -(50_000_000 + r[4]),
            "",
        );
    }
    for m in [3, 6, 9, 11] {
        let cc = central[0].clone();
        let a = 20_000_000 + b.rng.below(80_000_000) as i64;
        b.push(
            INVEST_PC,
            &cc,
            "Atea Sverige AB",
            "Investering datorer",
            m,
            a,
            "",
        );
    }
    // Ledger order: by month, then voucher.
    let mut lines = b.lines;
    lines.sort_by_key(|l| (l.month, l.day, l.voucher));
    lines
}

fn fmt_amount(layout: Layout, ore: i64) -> String {
    match layout {
        Layout::Raindance => format_sv(ore),
        Layout::Unit4 => crate::money::format_plain(ore),
        Layout::DebitCredit => format_sv(ore.abs()).replace(' ', "\u{a0}"),
        Layout::Tab => format_sv(ore).replace(' ', ""),
    }
}

fn quote(field: &str, delim: char) -> String {
    if field.contains(delim) || field.contains('"') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Renders lines in a layout; returns the bytes in the layout's encoding.
fn render(layout: Layout, name: &str, year: i32, lines: &[Line]) -> Vec<u8> {
    let mut out = String::with_capacity(lines.len() * 120);
    let eol = match layout {
        Layout::Raindance => "\r\n",
        _ => "\n",
    };
    let (delim, header): (char, &[&str]) = match layout {
        Layout::Raindance => (
            ';',
            &[
                "Konto",
                "Kontotext",
                "Ansvar",
                "Verksamhet",
                "Aktivitet",
                "Projekt",
                "Motpart",
                "Verifikationsnummer",
                "Bokföringsdatum",
                "Leverantör",
                "Text",
                "Belopp",
            ],
        ),
        Layout::Unit4 => (
            ',',
            &[
                "Account",
                "Account text",
                "Cost centre",
                "Activity",
                "Project",
                "Counterpart",
                "Voucher no",
                "Period",
                "Supplier",
                "Description",
                "Amount",
            ],
        ),
        Layout::DebitCredit => (
            ';',
            &[
                "Kst",
                "Konto",
                "Kontonamn",
                "Objekt",
                "Datum",
                "Vernr",
                "Leverantörsnamn",
                "Text",
                "Debet",
                "Kredit",
            ],
        ),
        Layout::Tab => (
            '\t',
            &[
                "Ansvarsenhet",
                "Konto",
                "Kontobenämning",
                "Motpart",
                "Period",
                "Verifikation",
                "Leverantör",
                "Fritext",
                "Utfall",
            ],
        ),
    };
    if let Layout::Raindance = layout {
        out.push_str(&format!(
            "Huvudbok {name} kommun{eol}Period {year}-01-01 -- {year}-12-31{eol}{eol}"
        ));
    }
    out.push_str(&header.join(&delim.to_string()));
    out.push_str(eol);
    for l in lines {
        let q = |s: &str| quote(s, delim);
        let function = if l.cost_centre.is_empty() {
            String::new()
        } else {
            format!(
                "{}",
                100 + (l.account.code.as_bytes()[0] - b'0') as u32 * 10
            )
        };
        let row: Vec<String> = match layout {
            Layout::Raindance => vec![
                l.account.code.into(),
                q(l.account.text),
                l.cost_centre.clone(),
                function,
                String::new(),
                String::new(),
                l.counterpart.into(),
                format!("{}", 100_000 + l.voucher),
                format!("{year}-{:02}-{:02}", l.month, l.day),
                q(&l.supplier),
                q(&l.text),
                fmt_amount(layout, l.amount_ore),
            ],
            Layout::Unit4 => vec![
                l.account.code.into(),
                q(l.account.text),
                l.cost_centre.clone(),
                function,
                String::new(),
                l.counterpart.into(),
                format!("{}", 2_400_000 + l.voucher),
                format!("{year}{:02}", l.month),
                q(&l.supplier),
                q(&if l.text == "Material" {
                    "Material, enligt avtal".to_string()
                } else {
                    l.text.clone()
                }),
                fmt_amount(layout, l.amount_ore),
            ],
            Layout::DebitCredit => {
                let (d, c) = if l.amount_ore >= 0 {
                    (fmt_amount(layout, l.amount_ore), String::new())
                } else {
                    (String::new(), fmt_amount(layout, l.amount_ore))
                };
                vec![
                    l.cost_centre.clone(),
                    l.account.code.into(),
                    q(l.account.text),
                    String::new(),
                    format!("{year}{:02}{:02}", l.month, l.day),
                    format!("{}", l.voucher),
                    q(&l.supplier),
                    q(&l.text),
                    d,
                    c,
                ]
            }
            Layout::Tab => vec![
                l.cost_centre.clone(),
                l.account.code.into(),
                l.account.text.into(),
                l.counterpart.into(),
                format!("{year}-{:02}", l.month),
                format!("{}", l.voucher),
                l.supplier.clone(),
                l.text.clone(),
                fmt_amount(layout, l.amount_ore),
            ],
        };
        out.push_str(&row.join(&delim.to_string()));
        out.push_str(eol);
    }
    match layout {
        Layout::Raindance | Layout::Tab => encoding_rs::WINDOWS_1252.encode(&out).0.into_owned(),
        Layout::Unit4 => {
            let mut v = vec![0xEF, 0xBB, 0xBF];
            v.extend_from_slice(out.as_bytes());
            v
        }
        Layout::DebitCredit => out.into_bytes(),
    }
}

/// The config tying the four samples together (written next to them).
pub const DALSLAND_CONFIG: &str = r#"# Dalsland 2024: the four municipalities of the Dalsland IT pre-study (Radar Group, 2024).
# IT unit cost / net cost, and the cost of raising each to the national average 2.5 % (2021).
# The ledgers are synthetic (itcost generate --samples), built so that the central IT cost and the net cost
# reproduce the study's table to the krona.
title = "Dalsland 2024"
denominator = "net_cost"
target_share = "2.5%"
scope = "narrow"
benchmark_year = 2024                 # the benchmark compares 2024; Mellerud 2023 feeds the trend view
highlight = "Mellerud"                # shown in its own colour in the report's benchmark view
supplier_threshold = 100000           # kr per supplier, pool and municipality (the study's own threshold was lost)
allocation_keys = "dalsland-2024-work-areas.csv"   # IT staff per work area, as each IT manager reports it

# The Dalsland study's savings estimate: 30 % on IT services, IT equipment, IT communication and consultants.
[[savings]]
label = "Samordnad IT-organisation (Dalsland 2024: 30 %)"
rate = "30%"
pools = ["Outside Services", "Hardware", "Telecom", "External Labor"]

# Splitting a joint IT organisation's cost (today's summed central IT cost) over the four municipalities.
[joint_org]
label = "Gemensam IT-organisation Dalsland"
keys = ["equal", "population"]
# Dalsland's hybrid key (A17): base IT shared equally, the rest by use. The base fraction is a choice, not a study
# figure (40 % is an example); the study names users or computers as the use, this sample has only population.
base_share = "40%"
consumption = "population"

# Each reference says what it measures; it is counted and drawn only beside shares measured the same way.
# The study compared the IT unit's cost (central IT) with the national average of all IT / net cost: declared
# here as the study used it, with the caveat in the label.
[[reference]]
label = "National average 2021, 2.5 % (as the study used it: IT unit cost / net cost; the average itself is all IT / net cost)"
label_sv = "Riksgenomsnitt 2021, 2,5 % (som studien använde det: IT-enhetens kostnad / nettokostnad; snittet självt är all IT / nettokostnad)"
share = "2.5%"
numerator = "central_it"
denominator = "net_cost"
source = "Radar Group, via Dalsland IT-samverkan förstudie 2024"

[[reference]]
label = "Research level (central IT / operating cost)"
label_sv = "Forskningsnivå (central IT / driftkostnad)"
share = "2.0%"
numerator = "central_it"
denominator = "total_cost"
source = "SCDI, via Fyrbodal Digital motor 2021"

[[municipality]]
name = "Bengtsfors"
year = 2024
ledgers = ["bengtsfors-2024.csv"]     # Raindance-style: ';', Windows-1252, title rows, decimal comma
central_it = ["2200", "2210"]
population = 9800                    # Fyrbodal study, 2019 (replace with SCB's current figure)
departments = { "Kommunledningsförvaltningen" = ["22*"], "Barn- och utbildningsförvaltningen" = ["30*"], "Socialförvaltningen" = ["31*", "32*"], "Samhällsbyggnadsförvaltningen" = ["61*"] }


[[municipality]]
name = "Mellerud"
year = 2024
ledgers = ["mellerud-2024.csv"]       # Unit4-style: ',', UTF-8 with BOM, English headers, periods
central_it = ["1510", "1511"]
population = 9300                    # Fyrbodal study, 2019 (replace with SCB's current figure)
departments = { "Kommunledningsförvaltningen" = ["15*"], "Barn- och utbildningsförvaltningen" = ["20*", "21*", "22*"], "Socialförvaltningen" = ["23*", "24*", "25*", "26*", "27*"], "Samhällsbyggnadsförvaltningen" = ["41*"] }


[[municipality]]
name = "Åmål"
year = 2024
ledgers = ["amal-2024.csv"]           # Debet/Kredit columns, NBSP thousands, YYYYMMDD dates
central_it = ["171", "172"]
population = 12600                    # Fyrbodal study, 2019 (replace with SCB's current figure)
departments = { "Kommunledningsförvaltningen" = ["17*"], "Barn- och utbildningsförvaltningen" = ["30*", "31*"], "Socialförvaltningen" = ["32*", "33*"], "Teknik- och serviceförvaltningen" = ["51*"] }


[[municipality]]
name = "Färgelanda"
year = 2024
ledgers = ["fargelanda-2024.tsv"]     # TAB, Windows-1252, column names that need a mapping
central_it = ["K310"]
internal_counterparts = ["K100"]      # Motpart K100 = own organisation (internal rent has no 'intern' in its text)
columns = { cost_centre = "Ansvarsenhet", amount = "Utfall", text = "Fritext", account_text = "Kontobenämning" }
population = 6600                    # Fyrbodal study, 2019 (replace with SCB's current figure)
departments = { "Kommunstyrelseförvaltningen" = ["K3*"], "Barn- och utbildningsförvaltningen" = ["K4*"], "Socialförvaltningen" = ["K5*"], "Samhällsbyggnadsförvaltningen" = ["K6*"] }

[[municipality]]
name = "Mellerud"
year = 2023
ledgers = ["mellerud-2023.csv"]       # synthetic, for the trend view (not from a study)
central_it = ["1510", "1511"]
population = 9300
departments = { "Kommunledningsförvaltningen" = ["15*"], "Barn- och utbildningsförvaltningen" = ["20*", "21*", "22*"], "Socialförvaltningen" = ["23*", "24*", "25*", "26*", "27*"], "Samhällsbyggnadsförvaltningen" = ["41*"] }
"#;

/// The sample allocation keys: IT staff per work area as an IT manager would report it (synthetic, not from a
/// study). Bengtsfors and Mellerud give staff counts (normalised), Åmål percentages that leave 5 % unallocated,
/// Färgelanda none (its central IT cost without a tower stays unallocated).
pub const DALSLAND_WORK_AREAS: &str = "kommun;år;arbetsområde;årsarbetare
Bengtsfors;2024;Infrastruktur;4
Bengtsfors;2024;Slutanvändartjänster;5
Bengtsfors;2024;Applikationsverksamhet;2
Bengtsfors;2024;Styra och stödja;1
Mellerud;;Infrastruktur;3.5
Mellerud;;Slutanvändartjänster;6
Mellerud;;Applikationsverksamhet;1.5
Mellerud;;Styra och stödja;1
Åmål;2024;Infrastruktur;35%
Åmål;2024;Slutanvändartjänster;40%
Åmål;2024;Applikationsverksamhet;15%
Åmål;2024;Styra och stödja;5%
";

/// Writes the sample ledgers, `dalsland-2024.toml` and its work-area keys into `dir`; returns one report line per file.
pub fn write_samples(dir: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut report = Vec::new();
    for spec in sample_specs() {
        let lines = build_sample(&spec);
        let ext = if let Layout::Tab = spec.layout {
            "tsv"
        } else {
            "csv"
        };
        let path = dir.join(format!("{}.{ext}", spec.stem));
        let bytes = render(spec.layout, spec.name, spec.year, &lines);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        let mut truth = GeneratedTruth {
            file: path.display().to_string(),
            ..Default::default()
        };
        for l in &lines {
            truth.add(l.truth, l.amount_ore);
        }
        report.push(serde_json::to_string(&truth).unwrap_or_default());
    }
    let cfg = dir.join("dalsland-2024.toml");
    std::fs::write(&cfg, DALSLAND_CONFIG).map_err(|e| Error::io(&cfg, e))?;
    report.push(format!("wrote {}", cfg.display()));
    let keys = dir.join("dalsland-2024-work-areas.csv");
    std::fs::write(&keys, DALSLAND_WORK_AREAS).map_err(|e| Error::io(&keys, e))?;
    report.push(format!("wrote {}", keys.display()));
    Ok(report)
}

/// The generator's truth for each bundled sample (computed without the rules engine).
pub fn sample_truths() -> Vec<(String, GeneratedTruth)> {
    sample_specs()
        .iter()
        .map(|spec| {
            let mut t = GeneratedTruth::default();
            for l in build_sample(spec) {
                t.add(l.truth, l.amount_ore);
            }
            (spec.name.to_string(), t)
        })
        .collect()
}
