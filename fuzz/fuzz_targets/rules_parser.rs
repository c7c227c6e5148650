//! The rules-file parser and validator, then one decision over a fixed key (patterns, regexes, precedence).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = itcost::rules::parse_rules(src, itcost::rules::RulesSource::Builtin("fuzz")) else {
        return;
    };
    let key = itcost::rules::KeyView {
        account: "6412",
        account_text: "licenser programvara",
        cost_centre: "1510",
        supplier: "atea sverige ab",
        text: "faktura 123",
        counterpart: "",
        central_it: true,
    };
    let _ = itcost::classify::decide(
        &rules,
        &itcost::config::narrow_scope(),
        &Default::default(),
        &key,
    );
});
