//! Property tests: no feed content makes the reader panic, and whatever it reads is valid.

use eesim::feed::FeedReader;
use proptest::prelude::*;

/// Strings that look like the feed's hand-typed fields, plus arbitrary ones.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z]{0,9} ?[0-9]{0,3}(st|nd|rd|th)?[,.]? ?[0-9]{0,5},? ?(at)? ?[0-9]{0,3}:[0-9]{0,3}:?[0-9]{0,3} ?(AM|PM|am)? ?(UTC)?",
        "[0-9, -]{0,9}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    ]
}

const FIELDS: [&str; 26] = [
    "drawNumber",
    "drawDate",
    "drawName",
    "drawSize",
    "drawCRS",
    "drawDateTime",
    "drawCutOff",
    "drawDistributionAsOn",
    "dd1",
    "dd2",
    "dd3",
    "dd4",
    "dd5",
    "dd6",
    "dd7",
    "dd8",
    "dd9",
    "dd10",
    "dd11",
    "dd12",
    "dd13",
    "dd14",
    "dd15",
    "dd16",
    "dd17",
    "dd18",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn prop_reader_never_panics(values in proptest::collection::vec(proptest::option::of(field()), 26)) {
        let mut record = serde_json::Map::new();
        for (name, value) in FIELDS.iter().zip(values) {
            if let Some(v) = value {
                record.insert((*name).to_string(), serde_json::Value::String(v));
            }
        }
        let json = serde_json::json!({ "rounds": [record] }).to_string();
        let (history, report) = FeedReader::new().read_str(&json).unwrap();
        prop_assert_eq!(history.draws().len() + report.records_failed(), 1);
        prop_assert_eq!(report.problems().is_empty(), report.records_failed() == 0);
        for d in history.draws() {
            prop_assert!(d.size() >= 1);
            prop_assert!(d.cutoff().get() <= 1200);
        }
        let strict = FeedReader::new().strict(true).read_str(&json);
        prop_assert_eq!(strict.is_ok(), report.problems().is_empty());
    }

    #[test]
    fn prop_garbage_text_is_an_error_not_a_panic(text in any::<String>()) {
        let _ = FeedReader::new().read_str(&text);
    }
}
