//! Sundsvall's optional per-municipality inputs (A11–A13, A15, M8; issue 13, item 5): turnover (omslutning), FTE,
//! the digitalisation cost centres, the cost centres of IT staff outside central IT (`staff_it`, Sundsvall's third
//! category, counted with `--scope wide`) and the cost-plus uplift whose renewal cycle A15 reads.

use crate::rules::pattern::CodePattern;

/// The inputs, all optional.
#[derive(Debug, Clone, Default)]
pub struct SundsvallInputs {
    /// Turnover (omslutning), öre.
    pub omslutning_ore: Option<i64>,
    /// IT FTE (årsarbetare), all IT staff.
    pub fte_it: Option<f64>,
    /// Digitalisation FTE (part of the IT FTE, as Sundsvall counts them).
    pub fte_digitalisation: Option<f64>,
    /// Temporary staff (consultants, borrowed internal staff) among the digitalisation FTE.
    pub fte_temporary: Option<f64>,
    /// All staff of the municipality, FTE.
    pub fte_total: Option<f64>,
    /// Cost centres (or projects coded as cost centres) of digitalisation: digitalisation budget, business
    /// development, digital strategists.
    pub digitalisation: Vec<CodePattern>,
    /// The same, as written.
    pub digitalisation_raw: Vec<String>,
    /// Cost centres of IT staff outside central IT (IT pedagogues, IT coordinators, system owners): their Internal
    /// Labor is IT outside central IT when the scope counts Internal Labor (`--scope wide`).
    pub staff_it: Vec<CodePattern>,
    /// Cost-plus uplift for modernisation, parts per million (Sundsvall: 2 %).
    pub uplift_ppm: Option<i64>,
}

impl SundsvallInputs {
    /// True when any input is given (the analysis is shown only then).
    pub fn any(&self) -> bool {
        self.omslutning_ore.is_some()
            || self.fte_it.is_some()
            || self.fte_total.is_some()
            || !self.digitalisation.is_empty()
            || !self.staff_it.is_empty()
            || self.uplift_ppm.is_some()
    }
}

/// Reads an FTE value: a number (integer or decimal), not negative.
pub fn fte(v: &toml::Value) -> std::result::Result<f64, String> {
    let f = match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        toml::Value::String(s) => s.trim().replace(',', ".").parse::<f64>().map_err(|_| {
            format!("expected a number of full-time equivalents like 12.5, found '{s}'")
        })?,
        o => {
            return Err(format!(
                "expected a number of full-time equivalents like 12.5, found {o}"
            ))
        }
    };
    if f.is_finite() && f >= 0.0 {
        Ok(f)
    } else {
        Err(format!(
            "expected a number of full-time equivalents ≥ 0, found {f}"
        ))
    }
}
