//! The SIE reader (types 1–4, CP437/UTF-8, vouchers, balances). Inputs that do not start with a SIE label get
//! one, so the fuzzer spends its time inside the SIE parser rather than in format detection.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"#") {
        common::read(data, "export.se");
    } else {
        let mut v = b"#FLAGGA 0\n#SIETYP 4\n".to_vec();
        v.extend_from_slice(data);
        common::read(&v, "export.se");
    }
});
