//! The text-ledger reader: encoding and delimiter detection, header search, numbers, dates, Debet/Kredit.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    common::read(data, "ledger.csv");
});
