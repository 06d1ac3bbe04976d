//! Fuzz target: `props::dates` on any UTF-8 input (see fuzz/README.md).
#![no_main]

#[allow(dead_code)]
#[path = "../src/props.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::dates(text);
    }
});
