//! The SYNTHETIC Fyrbodal 2019 sample (issue 13): 14 municipalities in 12 central IT organisations, SML-IT
//! serving Sotenäs, Munkedal and Lysekil, as the Fyrbodal study describes them (studies.md A1, F3).
//!
//! The study published only group figures: the 12 organisations' central IT shares of total cost averaged about
//! 1.04 %, 11 of 12 lay below the research level of about 2 %, and one lay at 2.17 % with hardware 40 % of its IT
//! cost against 23 % on average. Per-organisation shares were charts only. So every per-municipality figure
//! here is INVENTED — sizes, shares, which organisation is the outlier — chosen only so that the group figures
//! come out as published; nothing here is the study's figure for a named municipality. The file names, the
//! config's title and comments, and README say so.

use super::samples::{build_sample, kr, render, Layout, SampleSpec};
use crate::error::{Error, Result};
use std::path::Path;

/// One synthetic municipality: name, file stem, net cost (kr), central IT share (hundredths of a per cent),
/// computers on central IT (‰), its IT organisation (None: its own).
struct Synthetic {
    name: &'static str,
    stem: &'static str,
    net_kr: i64,
    share_bp: i64,
    hw_pm: i64,
    org: Option<&'static str>,
}

/// The 14 municipalities. Shares (of total cost): the 12 organisations' shares sum to 12.48 %, so their mean is
/// 1.04 %; one is 2.17 %, the rest below 2 %. SML-IT's members all have 0.93 %, so the organisation has 0.93 %.
/// Hardware: computers on central IT of 473 ‰ give the outlier hardware ≈ 40 % of its IT (narrow scope); the
/// others' 150–320 ‰ (mean 234 ‰) bring the group's mean hardware share to ≈ 23 %.
const MUNICIPALITIES: [Synthetic; 14] = [
    Synthetic {
        name: "Bengtsfors",
        stem: "bengtsfors",
        net_kr: 600_000_000,
        share_bp: 118,
        hw_pm: 150,
        org: None,
    },
    Synthetic {
        name: "Dals-Ed",
        stem: "dals-ed",
        net_kr: 320_000_000,
        share_bp: 217,
        hw_pm: 473,
        org: None,
    },
    Synthetic {
        name: "Färgelanda",
        stem: "fargelanda",
        net_kr: 420_000_000,
        share_bp: 134,
        hw_pm: 170,
        org: None,
    },
    Synthetic {
        name: "Lysekil",
        stem: "lysekil",
        net_kr: 900_000_000,
        share_bp: 93,
        hw_pm: 190,
        org: Some("SML-IT"),
    },
    Synthetic {
        name: "Mellerud",
        stem: "mellerud",
        net_kr: 600_000_000,
        share_bp: 78,
        hw_pm: 210,
        org: None,
    },
    Synthetic {
        name: "Munkedal",
        stem: "munkedal",
        net_kr: 640_000_000,
        share_bp: 93,
        hw_pm: 190,
        org: Some("SML-IT"),
    },
    Synthetic {
        name: "Orust",
        stem: "orust",
        net_kr: 940_000_000,
        share_bp: 106,
        hw_pm: 230,
        org: None,
    },
    Synthetic {
        name: "Sotenäs",
        stem: "sotenas",
        net_kr: 580_000_000,
        share_bp: 93,
        hw_pm: 190,
        org: Some("SML-IT"),
    },
    Synthetic {
        name: "Strömstad",
        stem: "stromstad",
        net_kr: 800_000_000,
        share_bp: 101,
        hw_pm: 234,
        org: None,
    },
    Synthetic {
        name: "Tanum",
        stem: "tanum",
        net_kr: 780_000_000,
        share_bp: 97,
        hw_pm: 250,
        org: None,
    },
    Synthetic {
        name: "Trollhättan",
        stem: "trollhattan",
        net_kr: 3_900_000_000,
        share_bp: 71,
        hw_pm: 260,
        org: None,
    },
    Synthetic {
        name: "Uddevalla",
        stem: "uddevalla",
        net_kr: 3_600_000_000,
        share_bp: 83,
        hw_pm: 270,
        org: None,
    },
    Synthetic {
        name: "Vänersborg",
        stem: "vanersborg",
        net_kr: 2_500_000_000,
        share_bp: 88,
        hw_pm: 290,
        org: None,
    },
    Synthetic {
        name: "Åmål",
        stem: "amal",
        net_kr: 800_000_000,
        share_bp: 62,
        hw_pm: 320,
        org: None,
    },
];

/// The folder (under the sample directory) and file-name prefix of the synthetic ledgers.
pub const FYRBODAL_DIR: &str = "fyrbodal-synthetic-2019";

/// The config's file name.
pub const FYRBODAL_CONFIG_FILE: &str = "fyrbodal-synthetic-2019.toml";

fn spec(i: usize, m: &Synthetic) -> SampleSpec {
    let n = kr(m.net_kr);
    // Total cost = net cost + 21 % revenue (as every generated sample); central IT = share × total cost, whole kr.
    let t = n + n * 210 / 1000;
    let central = (t as i128 * m.share_bp as i128 / 10_000 / 100 * 100) as i64;
    SampleSpec {
        stem: m.stem,
        name: m.name,
        year: 2019,
        layout: [Layout::Raindance, Layout::Unit4, Layout::DebitCredit][i % 3],
        central_it: &["1500"],
        cost_centres: (0..8).map(|k| (3000 + k * 10).to_string()).collect(),
        property_cc: "6100".into(),
        central_ore: central,
        net_ore: n,
        lines: 1_500,
        seed: 1000 + i as u64,
        imbalance_ore: 0,
        internal_counterpart: "",
        outside_pm: 500,
        hw_pm: m.hw_pm,
    }
}

/// The config that ties the synthetic ledgers together (its text is the committed
/// `sample-ledgers/fyrbodal-synthetic-2019.toml`).
pub fn fyrbodal_config() -> String {
    let mut s = String::from(
        "# SYNTHETIC SAMPLE — NOT THE STUDY'S DATA. Fyrbodal 2019 (Digital motor Fyrbodal, 2021): 14 municipalities in\n\
         # 12 central IT organisations; SML-IT serves Sotenäs, Munkedal and Lysekil (as the study describes them).\n\
         # The study published only group figures: the central IT share of total cost averaged about 1.04 %, 11 of\n\
         # 12 organisations lay below the research level (~2 %), one at 2.17 % with hardware 40 % of its IT cost\n\
         # against 23 % on average. The ledgers here (itcost generate --fyrbodal) are invented so that these group\n\
         # figures come out; every figure of a named municipality — size, share, which one is the outlier — is made\n\
         # up and is NOT what the study found for it.\n\
         title = \"Fyrbodal 2019 (synthetic sample: only the group figures match the study)\"\n\
         denominator = \"total_cost\"               # Fyrbodal: operating cost incl. depreciation\n\
         scope = \"narrow\"\n",
    );
    // The IT organisations serving several municipalities, members in the order the study names SML-IT's.
    let mut orgs: Vec<&str> = MUNICIPALITIES.iter().filter_map(|m| m.org).collect();
    orgs.dedup();
    for org in orgs {
        let mut members: Vec<&str> = MUNICIPALITIES
            .iter()
            .filter(|m| m.org == Some(org))
            .map(|m| m.name)
            .collect();
        members.sort_by_key(|m| {
            ["Sotenäs", "Munkedal", "Lysekil"]
                .iter()
                .position(|x| x == m)
        });
        s.push_str(&format!(
            "\n[[it_org]]\nname = \"{org}\"\nmembers = [{}]\n",
            members
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for m in &MUNICIPALITIES {
        s.push_str(&format!(
            "\n[[municipality]]\nname = \"{}\"\nyear = 2019\nledgers = [\"{FYRBODAL_DIR}/{}-2019-synthetic.csv\"]\ncentral_it = [\"1500\"]\n",
            m.name, m.stem
        ));
    }
    s
}

/// Writes the 14 synthetic ledgers into `dir/fyrbodal-synthetic-2019/` and the config into `dir`; returns one
/// report line per file.
pub fn write_fyrbodal(dir: &Path) -> Result<Vec<String>> {
    let sub = dir.join(FYRBODAL_DIR);
    std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
    let mut report = Vec::new();
    for (i, m) in MUNICIPALITIES.iter().enumerate() {
        let spec = spec(i, m);
        let lines = build_sample(&spec);
        let path = sub.join(format!("{}-2019-synthetic.csv", m.stem));
        let bytes = render(spec.layout, spec.name, spec.year, &lines);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        report.push(format!("wrote {} (synthetic)", path.display()));
    }
    let cfg = dir.join(FYRBODAL_CONFIG_FILE);
    std::fs::write(&cfg, fyrbodal_config()).map_err(|e| Error::io(&cfg, e))?;
    report.push(format!("wrote {}", cfg.display()));
    Ok(report)
}
