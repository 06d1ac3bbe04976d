//! Every parser under proptest, with the properties the cargo-fuzz targets check (one
//! definition in `fuzz/src/props.rs`): generated strings and structured mutations of the
//! repository's fixtures, sized to run in seconds in a debug build.

#[path = "../../fuzz/src/props.rs"]
mod props;

use proptest::prelude::*;

const FEED_FIXTURES: [&str; 3] = [
    include_str!("../data/feed/replay.json"),
    include_str!("../data/feed/shapes.json"),
    include_str!("../data/feed/broken.json"),
];
const SCENARIO: &str = include_str!("../../scenarios/default.toml");
const PROFILES: [&str; 2] = [
    include_str!("../../examples/data/profile.toml"),
    include_str!("../../examples/data/profile_spouse.json"),
];
const CANDIDATES: &str = include_str!("../../examples/data/candidates.csv");

/// Text with `deleted` characters from `at` (a fraction of its length) replaced by `inserted`.
fn splice(base: &str, at: f64, deleted: usize, inserted: &str) -> String {
    let chars: Vec<char> = base.chars().collect();
    let at = ((chars.len() as f64) * at) as usize;
    let at = at.min(chars.len());
    let end = (at + deleted).min(chars.len());
    let mut out: String = chars[..at].iter().collect();
    out.push_str(inserted);
    out.extend(&chars[end..]);
    out
}

/// `base` with one of its `key = value` lines (`line`, a fraction of their count) given the
/// value `value`.
fn with_line_value(base: &str, line: f64, value: &str) -> String {
    let lines: Vec<&str> = base.lines().collect();
    let keyed: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains('=') && !lines[i].starts_with('#'))
        .collect();
    let pick = (((keyed.len() as f64) * line) as usize).min(keyed.len().saturating_sub(1));
    let i = keyed.get(pick).copied().unwrap_or(0);
    let mut out = String::new();
    for (j, l) in lines.iter().enumerate() {
        if j == i {
            match l.split_once('=') {
                Some((key, _)) => out.push_str(&format!("{key}= {value}")),
                None => out.push_str(value),
            }
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}

/// `base` with its `n`-th number (counting from a fraction `at` of their count) replaced.
fn with_number(base: &str, at: f64, replacement: &str) -> String {
    let bytes = base.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    let Some(&(start, end)) = spans.get(((spans.len() as f64) * at) as usize) else {
        return base.to_string();
    };
    format!("{}{replacement}{}", &base[..start], &base[end..])
}

/// Numbers a scenario or profile may well hold.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..3000).prop_map(|n| n.to_string()),
        (0.0..1.0f64).prop_map(|x| x.to_string()),
        (1u32..100).prop_map(|n| n.to_string()),
        (0u64..5_000_000_000).prop_map(|n| n.to_string()),
        (0.0..1e7f64).prop_map(|x| format!("{x:.3}")),
    ]
}

/// Values a hand-edited TOML or JSON file might hold.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("4294967295".to_string()),
        Just("4294967296".to_string()),
        Just("1e308".to_string()),
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("true".to_string()),
        Just("\"9999-12-31\"".to_string()),
        Just("1970-01-01".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        (0.0..1.0f64).prop_map(|x| x.to_string()),
        "\"[a-z_0-9 -]{0,12}\"",
        proptest::collection::vec(0u32..20_000, 0..17).prop_map(|v| format!("{v:?}")),
        any::<String>(),
    ]
}

/// Strings shaped like the feed's and the candidate file's hand-typed times and dates.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z]{0,9} ?[0-9]{0,3}(st|nd|rd|th)?[,.]? ?[0-9]{0,5},? ?(at)? ?[0-9]{0,3}:[0-9]{0,3}:?[0-9]{0,3} ?(AM|PM|am)? ?(UTC)?",
        "(January|February|March|December) [0-9]{1,2}, (0000|1970|2024|9999) at [0-2][0-9]:[0-5][0-9]:[0-5][0-9] (UTC)?",
        "-?[0-9]{4,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2}))?",
        "(9999-12-3[01]|-009999-01-0[1-3]|-9999-01-0[1-3])(T(00|21|22|23):00:00Z)?",
    ]
}

const FEED_FIELDS: [&str; 10] = [
    "drawNumber",
    "drawDate",
    "drawName",
    "drawSize",
    "drawCRS",
    "drawDateTime",
    "drawCutOff",
    "drawDistributionAsOn",
    "dd1",
    "dd18",
];

/// A feed fixture with one field of one round set to `value` (or removed, or made a number).
fn feed_field_mutation(fixture: usize, round: usize, field: usize, value: Option<&str>) -> String {
    let mut feed: serde_json::Value =
        serde_json::from_str(FEED_FIXTURES[fixture % FEED_FIXTURES.len()]).unwrap();
    if let Some(rounds) = feed["rounds"].as_array_mut() {
        let n = rounds.len();
        if let Some(serde_json::Value::Object(r)) = rounds.get_mut(round % n.max(1)) {
            let name = FEED_FIELDS[field % FEED_FIELDS.len()].to_string();
            match value {
                Some(v) => r.insert(name, serde_json::Value::String(v.to_string())),
                None if field.is_multiple_of(2) => r.remove(&name),
                None => r.insert(name, serde_json::json!(field)),
            };
        }
    }
    feed.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prop_feed_text_never_panics_and_both_modes_agree(text in any::<String>()) {
        props::feed(&text);
    }

    #[test]
    fn prop_feed_fixture_mutations_keep_the_reader_properties(
        fixture in 0..3usize,
        at in 0.0..1.0f64,
        deleted in 0..40usize,
        inserted in prop_oneof![Just(String::new()), "[\\[\\]{}\",:0-9a-z ]{0,8}", any::<String>()],
    ) {
        props::feed(&splice(FEED_FIXTURES[fixture], at, deleted, &inserted));
    }

    #[test]
    fn prop_feed_field_mutations_keep_the_reader_properties(
        fixture in 0..3usize,
        round in 0..20usize,
        field in 0..10usize,
        value in proptest::option::of(date_like()),
    ) {
        props::feed(&feed_field_mutation(fixture, round, field, value.as_deref()));
    }

    #[test]
    fn prop_a_broken_round_between_good_ones_never_loses_them(
        fields in proptest::collection::vec(proptest::option::of(date_like()), 10),
        number in prop_oneof![Just("900001"), Just("900002"), Just("7"), Just("x")],
    ) {
        let mut record = serde_json::Map::new();
        record.insert("drawNumber".into(), serde_json::Value::String(number.into()));
        for (name, value) in FEED_FIELDS.iter().zip(fields).skip(1) {
            if let Some(v) = value {
                record.insert((*name).to_string(), serde_json::Value::String(v));
            }
        }
        props::feed_between_good_rounds(&serde_json::Value::Object(record).to_string());
    }

    #[test]
    fn prop_any_json_between_good_rounds_never_loses_them(text in any::<String>()) {
        props::feed_between_good_rounds(&text);
        props::feed_between_good_rounds(&format!("{text:?}"));
    }

    #[test]
    fn prop_date_and_timestamp_parsers_print_back_the_same(text in date_like()) {
        props::dates(&text);
    }

    #[test]
    fn prop_profile_text_that_loads_scores_at_most_1200(text in any::<String>()) {
        props::profile(&text);
    }

    #[test]
    fn prop_profile_mutations_that_load_score_at_most_1200(
        which in 0..2usize,
        line in 0.0..1.0f64,
        value in value(),
        at in 0.0..1.0f64,
        deleted in 0..12usize,
        number in number(),
    ) {
        let base = PROFILES[which];
        props::profile(&with_line_value(base, line, &value));
        props::profile(&splice(base, at, deleted, &value));
        props::profile(&with_number(base, at, &number));
    }

    #[test]
    fn prop_candidate_csv_that_loads_holds_rounds_within_their_size(
        rows in proptest::collection::vec(
            (
                "[a-z]{1,3}",
                prop_oneof![(0u16..1300).prop_map(|n| n.to_string()), any::<String>()],
                prop_oneof![
                    Just("2025-06-01T12:00:00Z".to_string()),
                    Just("2025-06-01T12:00:00Z".to_string()),
                    date_like(),
                ],
                "(cec|fsw|fst|pnp|x)?(;(cec|fsw|fst|pnp))?",
                "(french|healthcare|stem|new_cat|Bad)?",
            ),
            0..12,
        ),
    ) {
        let mut text = String::from("id,crs,submitted_at,programs,categories\n");
        for (id, crs, at, programs, cats) in rows {
            text.push_str(&format!("{id},{crs},{at},{programs},{cats}\n"));
        }
        props::candidates(&text);
    }

    #[test]
    fn prop_candidate_file_mutations_keep_the_pool_properties(
        at in 0.0..1.0f64,
        deleted in 0..20usize,
        inserted in prop_oneof!["[a-z0-9,;:TZ\\n-]{0,12}", any::<String>()],
    ) {
        props::candidates(&splice(CANDIDATES, at, deleted, &inserted));
    }
}

proptest! {
    // Each scenario that loads is run once per engine and horizon: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_scenario_text_never_panics(text in any::<String>()) {
        prop_assert_eq!(props::scenario(&text), 0);
    }

}

#[test]
fn prop_scenario_mutations_round_trip_and_run_or_fail_clearly() {
    use proptest::test_runner::{Config, TestRunner};
    let json = eesim::scenario::Scenario::from_toml(SCENARIO)
        .unwrap()
        .to_json();
    let loaded = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(Config::with_cases(64));
    let strategy = (0.0..1.0f64, value(), number(), 0..4u8);
    runner
        .run(&strategy, |(at, value, number, how)| {
            let text = match how {
                0 => with_line_value(SCENARIO, at, &value),
                1 => splice(&json, at, 0, &value),
                2 => with_number(SCENARIO, at, &number),
                _ => with_number(&json, at, &number),
            };
            loaded.set(loaded.get() + props::scenario(&text));
            Ok(())
        })
        .unwrap();
    // The properties of a loaded scenario are checked often, not only its errors.
    assert!(
        loaded.get() >= 8,
        "only {} mutated scenarios loaded",
        loaded.get()
    );
}

/// The default scenario with its `source` set to `source` (written as a TOML string).
fn with_source(source: &str) -> String {
    let quoted = toml::Value::String(source.to_string()).to_string();
    let start = SCENARIO.find("\nsource = ").unwrap() + 1;
    let end = start + SCENARIO[start..].find('\n').unwrap();
    format!(
        "{}source = {quoted}{}",
        &SCENARIO[..start],
        &SCENARIO[end..]
    )
}

#[test]
fn a_scenario_source_with_a_delete_character_round_trips() {
    // TOML forbids a raw U+007F in a string; the scenario wrote it raw, so its own TOML did
    // not load and its JSON (made from that TOML) was empty.
    let text = with_source("a\u{7f}b");
    assert_eq!(props::scenario(&text), 1);
    let s = eesim::scenario::Scenario::from_toml(&text).unwrap();
    assert_eq!(s.source(), "a\u{7f}b");
    assert!(
        s.to_toml().contains("source = \"a\\u007fb\""),
        "{}",
        s.to_toml()
    );
    let json = s.to_json();
    assert_eq!(
        eesim::scenario::Scenario::from_json(&json).unwrap(),
        s,
        "{json}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_any_scenario_source_round_trips(
        source in prop_oneof!["[\\x00-\\x7f]{0,8}", any::<String>()],
    ) {
        prop_assert_eq!(props::scenario(&with_source(&source)), 1);
    }
}

#[test]
fn the_fixtures_keep_every_property() {
    for feed in FEED_FIXTURES {
        props::feed(feed);
    }
    props::feed_between_good_rounds(props::GOOD_BEFORE);
    props::feed_between_good_rounds("{\"drawNumber\": \"900002\"}");
    props::feed_between_good_rounds("42");
    props::scenario(SCENARIO);
    for p in PROFILES {
        props::profile(p);
    }
    props::candidates(CANDIDATES);
    for d in [
        "2025-06-01T12:00:00Z",
        "9999-12-30T22:00:00Z",
        "2026-02-16",
        "9999-12-31",
        "March 2, 2024 at 14:00:00 UTC",
        "October 7 at 16:38:21 UTC",
        "December 30, 9999 at 23:00:00 UTC",
    ] {
        props::dates(d);
    }
}
