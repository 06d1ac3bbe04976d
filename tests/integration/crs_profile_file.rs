//! CRS profile files: TOML and JSON read alike, defaults, and every problem reported by path.

use eesim::ErrorKind;
use eesim::crs::{Age, Education, JobOffer, Language, LanguageTest, Profile, TefScale};
use jiff::civil::date;

fn err(toml: &str) -> String {
    Profile::from_toml(toml).unwrap_err().to_string()
}

const MINIMAL: &str = r#"
    assessed_on = "2026-03-01"
    age = 29
    education = "masters"
    first_language = { test = "ielts", listening = 8.0, reading = 7.0, writing = 7.0, speaking = 7.0 }
"#;

#[test]
fn optional_fields_take_their_empty_values() {
    let p = Profile::from_toml(MINIMAL).unwrap();
    assert_eq!(p.assessed_on, date(2026, 3, 1));
    assert_eq!(p.age, Age::Years(29));
    assert_eq!(p.partner, None);
    assert_eq!(p.second_language, None);
    assert_eq!((p.canadian_work_years, p.foreign_work_years), (0, 0));
    assert!(!p.certificate_of_qualification && !p.provincial_nomination && !p.sibling_in_canada);
    assert_eq!(p.job_offer, JobOffer::None);
    assert_eq!(p.first_language.levels().levels(), [9, 9, 9, 9]);
}

#[test]
fn json_and_toml_give_the_same_profile() {
    let json = r#"{
        "assessed_on": "2026-03-01", "birth_date": "1996-05-10", "spouse": "accompanying",
        "education": "two_or_more", "job_offer": "teer_0_major_group_00",
        "first_language": { "test": "tcf", "listening": 500, "reading": 500, "writing": 12, "speaking": 12 },
        "second_language": { "test": "pte_core", "listening": 60, "reading": 60, "writing": 69, "speaking": 68 },
        "partner": { "education": "secondary" }
    }"#;
    let toml = r#"
        assessed_on = 2026-03-01   # a TOML date, not a string: accepted too
        birth_date = "1996-05-10"
        spouse = "accompanying"
        education = "two_or_more"
        job_offer = "teer_0_major_group_00"
        first_language = { test = "tcf", listening = 500, reading = 500, writing = 12, speaking = 12 }
        second_language = { test = "pte_core", listening = 60, reading = 60, writing = 69, speaking = 68 }
        [partner]
        education = "secondary"
    "#;
    let (j, t) = (
        Profile::from_json(json).unwrap(),
        Profile::from_toml(toml).unwrap(),
    );
    assert_eq!(j, t);
    assert_eq!(j.first_language.language(), Language::French);
    assert_eq!(
        j.second_language.map(|r| r.levels().levels()),
        Some([7, 7, 7, 7])
    );
    assert_eq!(j.partner.map(|p| p.education), Some(Education::Secondary));
}

#[test]
fn clb_given_directly_takes_the_other_language() {
    let p = Profile::from_toml(&format!(
        "{MINIMAL}second_language = {{ test = \"clb\", listening = 7, reading = 7, writing = 7, speaking = 7 }}"
    ))
    .unwrap();
    let second = p.second_language.unwrap();
    assert_eq!(second.test(), LanguageTest::Clb(Language::French));
    // French NCLC 7 on all four with English CLB 9: 50 additional points in 2026.
    assert_eq!(p.breakdown().unwrap().additional.french, 50);
    let p = Profile::from_toml(
        r#"
        assessed_on = "2026-03-01"
        age = 29
        education = "masters"
        first_language = { test = "clb", listening = 7, reading = 7, writing = 7, speaking = 7 }
        second_language = { test = "tef", scale = "old", listening = 316, reading = 263, writing = 393, speaking = 393 }
        "#,
    )
    .unwrap();
    assert_eq!(p.first_language.language(), Language::English);
    assert_eq!(
        p.second_language.unwrap().test(),
        LanguageTest::Tef(TefScale::Old)
    );
    assert_eq!(
        p.second_language.unwrap().levels().levels(),
        [10, 10, 10, 10]
    );
}

#[test]
fn err_profile_reports_every_problem_with_its_path() {
    let e = Profile::from_toml(
        r#"
        age = 29.5
        spouse = "yes"
        education = "phd"
        first_language = { test = "ielts", listening = 8.0, reading = 9.5, writing = 7.0, speaking = "seven" }
        second_language = { test = "toefl", listening = 100 }
        canadian_work_years = -1
        job_offer = "ceo"
        sibling_in_canada = "yes"
        nmae = "Ana"
        "#,
    )
    .unwrap_err();
    let ErrorKind::InvalidProfile { problems, .. } = e.kind() else {
        panic!("{e:?}")
    };
    let expected = [
        "nmae: expected one of the fields assessed_on, age, birth_date, spouse, education, canadian_education, first_language, second_language, canadian_work_years, foreign_work_years, certificate_of_qualification, provincial_nomination, job_offer, sibling_in_canada, partner, found an unknown field",
        "assessed_on: expected a date like \"2026-03-01\", found nothing",
        "age: expected a whole number of years from 0 to 130, found 29.5",
        "spouse: expected one of none, accompanying, found \"yes\"",
        "education: expected one of below_secondary, secondary, one_year, two_year, bachelors, two_or_more, masters, doctorate, found \"phd\"",
        "second_language.test: expected one of ielts, celpip, pte_core, tef, tcf, clb, found \"toefl\"",
        "first_language.reading: expected an IELTS band from 0 to 9 in steps of 0.5, found 9.5",
        "first_language.speaking: expected an IELTS band from 0 to 9 in steps of 0.5, found \"seven\"",
        "canadian_work_years: expected a whole number of years from 0 to 50, found -1",
        "sibling_in_canada: expected true or false, found \"yes\"",
        "job_offer: expected one of none, other_teer_0_to_3, teer_0_major_group_00, found \"ceo\"",
    ];
    let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(got, expected);
    // The key path is data, not only text.
    assert_eq!(problems[1].path, "assessed_on");
    assert_eq!(problems[6].path, "first_language.reading");
    assert!(
        e.to_string()
            .starts_with("CRS profile: 11 problems: nmae: expected one of the fields")
    );
}

#[test]
fn err_profile_from_a_file_names_the_file() {
    let dir = std::env::temp_dir().join(format!("eesim-crs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(
        &path,
        r#"{"assessed_on": "2026-03-01", "age": 29, "education": "masters"}"#,
    )
    .unwrap();
    let e = Profile::from_path(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "CRS profile {}: 1 problem: first_language: expected a language result like {{ test = \"ielts\", listening = 8.0, ... }}, found nothing",
            path.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let e = Profile::from_path(dir.join("missing.toml")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Io { .. }), "{e}");
}

#[test]
fn err_age_and_dates() {
    let base = r#"
        education = "masters"
        first_language = { test = "clb", listening = 9, reading = 9, writing = 9, speaking = 9 }
    "#;
    assert_eq!(
        err(&format!(
            "assessed_on = \"2026-03-01\"\nage = 29\nbirth_date = \"1996-01-01\"\n{base}"
        )),
        "CRS profile: 1 problem: age: expected either age or birth_date, found both"
    );
    assert_eq!(
        err(&format!("assessed_on = \"2026-03-01\"\n{base}")),
        "CRS profile: 1 problem: age: expected age or birth_date, found neither"
    );
    assert_eq!(
        err(&format!(
            "assessed_on = \"2026-03-01\"\nbirth_date = \"2027-01-01\"\n{base}"
        )),
        "CRS profile: 1 problem: birth_date: expected a date on or before assessed_on (2026-03-01), found 2027-01-01"
    );
    assert_eq!(
        err(&format!("assessed_on = \"2014-12-31\"\nage = 30\n{base}")),
        "CRS profile: 1 problem: assessed_on: expected a date on or after 2015-01-01, when the CRS began, found 2014-12-31"
    );
    assert_eq!(
        err(&format!("assessed_on = \"March 1\"\nage = 30\n{base}")),
        "CRS profile: 1 problem: assessed_on: expected a date like \"2026-03-01\", found \"March 1\""
    );
}

#[test]
fn err_language_results() {
    let head = "assessed_on = \"2026-03-01\"\nage = 29\neducation = \"masters\"\n";
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"tef\", listening = 500, reading = 500, writing = 500, speaking = 500 }}"
        )),
        "CRS profile: 1 problem: first_language.scale: expected one of current, 2019, old, found nothing"
    );
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"celpip\", scale = \"old\", listening = 9, reading = 9, writing = 9, speaking = 9 }}"
        )),
        "CRS profile: 1 problem: first_language.scale: expected a scale only for test = \"tef\", found \"old\""
    );
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"ielts\", language = \"french\", listening = 9, reading = 9, writing = 9, speaking = 9 }}"
        )),
        "CRS profile: 1 problem: first_language.language: expected english for IELTS General Training, found \"french\""
    );
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"ielts\", listening = 9, reading = 9, writing = 9, speaking = 9 }}\n\
             second_language = {{ test = \"celpip\", listening = 9, reading = 9, writing = 9, speaking = 13 }}"
        )),
        "CRS profile: 1 problem: second_language.speaking: expected a CELPIP-General level from 0 to 12, found 13"
    );
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"ielts\", listening = 9, reading = 9, writing = 9, speaking = 9 }}\n\
             second_language = {{ test = \"pte_core\", listening = 60, reading = 60, writing = 60, speaking = 60 }}"
        )),
        "CRS profile: 1 problem: second_language: expected a result in the other official language than first_language, found english in both"
    );
    assert_eq!(
        err(&format!(
            "{head}first_language = {{ test = \"tcf\", listening = 500, reading = 500, writing = 21, speaking = 12, grade = 1 }}"
        )),
        "CRS profile: 2 problems: first_language.grade: expected one of the fields test, scale, language, listening, reading, writing, speaking, found an unknown field; \
         first_language.writing: expected a TCF Canada score from 0 to 20, found 21"
    );
}

#[test]
fn err_partner() {
    let head = "assessed_on = \"2026-03-01\"\nage = 29\neducation = \"masters\"\n\
                first_language = { test = \"clb\", listening = 9, reading = 9, writing = 9, speaking = 9 }\n";
    assert_eq!(
        err(&format!("{head}spouse = \"accompanying\"")),
        "CRS profile: 1 problem: partner: expected a partner table when spouse is \"accompanying\", found nothing"
    );
    assert_eq!(
        err(&format!(
            "{head}spouse = \"accompanying\"\n[partner]\nlanguage = {{ test = \"ielts\", listening = 9, reading = 9, writing = 9, speaking = 10 }}\ncanadian_work_years = 2.5\nage = 30"
        )),
        "CRS profile: 4 problems: partner.age: expected one of the fields education, language, canadian_work_years, found an unknown field; \
         partner.education: expected one of below_secondary, secondary, one_year, two_year, bachelors, two_or_more, masters, doctorate, found nothing; \
         partner.language.speaking: expected an IELTS band from 0 to 9 in steps of 0.5, found 10, which looks like a CLB level (for levels, give test = \"clb\", language = \"english\"); \
         partner.canadian_work_years: expected a whole number of years from 0 to 50, found 2.5"
    );
    // With spouse = "none" a partner table is ignored (issue 5's sample has one).
    assert!(Profile::from_toml(&format!("{head}[partner]\neducation = \"phd\"")).is_ok());
}

#[test]
fn err_syntax() {
    assert_eq!(
        err("assessed_on = \"2026-03-01\"\nage = = 3\n"),
        "CRS profile: 1 problem: line 2, column 7: expected TOML, found an error: extra `=`, expected nothing"
    );
    assert_eq!(
        Profile::from_json("{\"age\": 29,\n  \"education\" \"masters\"}")
            .unwrap_err()
            .to_string(),
        "CRS profile: 1 problem: line 2, column 15: expected JSON, found an error: expected `:`"
    );
    assert_eq!(
        Profile::from_json("[1, 2]").unwrap_err().to_string(),
        "CRS profile: 1 problem: profile: expected a table, found a list"
    );
}

fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1000.0_f64..1000.0).prop_map(serde_json::Value::from),
        "[a-z0-9_ -]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    #[test]
    fn prop_loading_never_panics(text in "\\PC{0,200}") {
        let _ = Profile::from_toml(&text);
        let _ = Profile::from_json(&text);
    }

    #[test]
    fn prop_any_field_value_loads_or_reports_that_field(
        field in proptest::sample::select(vec![
            "assessed_on", "age", "spouse", "education", "canadian_education", "first_language",
            "second_language", "canadian_work_years", "foreign_work_years", "job_offer",
            "certificate_of_qualification", "partner",
        ]),
        value in json_value(),
    ) {
        let mut v: serde_json::Value = serde_json::json!({
            "assessed_on": "2026-03-01", "age": 29, "education": "masters",
            "first_language": { "test": "ielts", "listening": 8.0, "reading": 7.0, "writing": 7.0, "speaking": 7.0 }
        });
        v[field] = value;
        match Profile::from_json(&v.to_string()) {
            Ok(p) => proptest::prop_assert!(p.breakdown().is_ok()),
            Err(e) => {
                let ErrorKind::InvalidProfile { problems, .. } = e.kind() else {
                    panic!("{e:?}")
                };
                // `spouse` problems can surface as `partner` ones (a partner is then required).
                let ok = |p: &eesim::Problem| p.path.starts_with(field) || (field == "spouse" && p.path.starts_with("partner"));
                proptest::prop_assert!(problems.iter().all(ok), "{field}: {problems:?}");
            }
        }
    }
}
