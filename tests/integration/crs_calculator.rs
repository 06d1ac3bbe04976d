//! Hand-computed CRS profiles: each total is worked out from shared/docs/crs.md in comments.
//!
//! Each test checks `(core, spouse, transferability, additional, total)` and, where a factor
//! or cap is the point of the profile, that factor too. Table references are to crs.md.

use eesim::crs::{Breakdown, Profile};

fn score(toml: &str) -> Breakdown {
    let p = Profile::from_toml(toml).unwrap_or_else(|e| panic!("{e}"));
    p.breakdown().unwrap()
}

fn sections(b: &Breakdown) -> (u16, u16, u16, u16, u16) {
    (
        b.core.total,
        b.spouse.total,
        b.transferability.total,
        b.additional.total,
        b.total.get(),
    )
}

/// The single-candidate sample of issue 5 (`examples/data/profile.toml`).
#[test]
fn p01_issue_sample_single_ielts_and_nclc_given_directly() {
    let b = Profile::from_path("examples/data/profile.toml")
        .unwrap()
        .breakdown()
        .unwrap();
    // A1 age 29 single: 110. A2 masters: 135.
    // E1 IELTS L 8.0 (CLB 9), R 7.0 (9), W 7.0 (9), S 7.0 (9); A3 CLB 9 single = 31, × 4 = 124.
    // A4 second language NCLC 5 × 4 → 1 each = 4. A5 1 year single: 40.
    // Core: 110 + 135 + 124 + 4 + 40 = 413.
    // C: all CLB 9 → L2; masters → E2; 1 Canadian year → C1; 3 foreign years → F2.
    //   (a) E2 × L2 = 50, (b) E2 × C1 = 25 → min(50, 75) = 50.
    //   (c) F2 × L2 = 50, (d) F2 × C1 = 25 → min(50, 75) = 50. Section: 100.
    // D: nothing (NCLC 5 is below the NCLC 7 French condition). Total 413 + 100 = 513.
    assert_eq!(sections(&b), (413, 0, 100, 0, 513));
    assert_eq!(
        b.transferability.education_language + b.transferability.education_canadian_work,
        75
    );
}

const SPOUSE_JSON: &str = "examples/data/profile_spouse.json";

/// The sample with a spouse (`examples/data/profile_spouse.json`), assessed 2025-01-15.
#[test]
fn p02_spouse_sample_tef_old_celpip_and_every_spouse_factor() {
    let b = Profile::from_path(SPOUSE_JSON)
        .unwrap()
        .breakdown()
        .unwrap();
    // Born 1991-07-02, on 2025-01-15 aged 33: with spouse 80. Bachelor's with spouse: 112.
    // E4 TEF ancien score: L 300 (≥ 298: NCLC 9), R 250 (≥ 248: 9), W 360 (≥ 349: 8),
    //   S 380 (≥ 371: 9); A3 with spouse 29 + 29 + 22 + 29 = 109.
    // A4 CELPIP 6, 5, 5, 6 → CLB 6, 5, 5, 6 → 1 each = 4. A5 2 years with spouse: 46.
    // Core: 80 + 112 + 109 + 4 + 46 = 351.
    // B: masters 10; IELTS L 7.5 (CLB 8) 3, R 6.5 (8) 3, W 6.0 (7) 3, S 6.0 (7) 3 = 12;
    //   1 Canadian year 5. Spouse: 27.
    // C: FOL lowest NCLC 8 → L1; bachelor's → E1; 2 Canadian years → C2; 1 foreign → F1.
    //   (a) 13 + (b) 25 = 38; (c) 13 + (d) 25 = 38. Section 76.
    // D: other TEER 0–3 offer before 2025-03-25: 50; Canadian 1–2 year credential 15;
    //   French NCLC 7+ on all four with English CLB 5+ on all four: 50; sibling 15. = 130.
    // Total: 351 + 27 + 76 + 130 = 584.
    assert_eq!(sections(&b), (351, 27, 76, 130, 584));
    assert_eq!(b.spouse.language, 12);
    assert_eq!(b.additional.job_offer, 50);
}

/// The same profile from 2025-03-25: arranged employment gives nothing.
#[test]
fn p03_job_offer_points_removed_from_2025_03_25() {
    let mut p = Profile::from_path(SPOUSE_JSON).unwrap();
    p.assessed_on = jiff::civil::date(2025, 3, 24);
    assert_eq!(p.breakdown().unwrap().total.get(), 584);
    p.assessed_on = jiff::civil::date(2025, 3, 25);
    let b = p.breakdown().unwrap();
    // Still 33 (birthday 07-02). D: 0 + 15 + 50 + 15 = 80. Total 351 + 27 + 76 + 80 = 534.
    assert_eq!(sections(&b), (351, 27, 76, 80, 534));
}

#[test]
fn p04_single_maximum_tcf_every_cap_to_1200() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 25
        education = "doctorate"
        canadian_education = "three_year_or_more"
        first_language = { test = "ielts", listening = 9, reading = 9, writing = 9, speaking = 9 }
        second_language = { test = "tcf", listening = 600, reading = 699, writing = 20, speaking = 16 }
        canadian_work_years = 6
        foreign_work_years = 3
        certificate_of_qualification = true
        provincial_nomination = true
        sibling_in_canada = true
        "#,
    );
    // A: 110 + 150 + 4 × 34 (CLB 10) + min(24, 4 × 6) (TCF NCLC 10 each) + 80 (5+ years) = 500.
    // C: (a) 50 + (b) 50 → 50; (c) 50 + (d) 50 → 50; (e) CLB 7+ → 50; min(100, 150) = 100.
    // D: 600 + French 50 (English CLB 5+) + 30 + 15 = 695 → 600.
    // Total 500 + 100 + 600 = 1200.
    assert_eq!(sections(&b), (500, 0, 100, 600, 1200));
    assert_eq!(
        (b.core.second_language, b.core.second_language_uncapped),
        (24, 24)
    );
    assert_eq!(
        (b.transferability.uncapped, b.additional.uncapped),
        (150, 695)
    );
}

#[test]
fn p05_with_spouse_maximum_second_language_cap_22() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 29
        spouse = "accompanying"
        education = "doctorate"
        first_language = { test = "clb", listening = 12, reading = 10, writing = 11, speaking = 10 }
        second_language = { test = "clb", language = "french", listening = 9, reading = 9, writing = 9, speaking = 9 }
        canadian_work_years = 5
        foreign_work_years = 5
        provincial_nomination = true
        [partner]
        education = "doctorate"
        language = { test = "clb", listening = 10, reading = 10, writing = 10, speaking = 10 }
        canadian_work_years = 7
        "#,
    );
    // A with spouse: 100 + 140 + 4 × 32 + min(22, 4 × 6 = 24) + 70 = 460.
    // B: 10 + 4 × 5 + 10 = 40. C: 50 + 50 = 100. D: 600 + French 50 = 650 → 600.
    // Total 460 + 40 + 100 + 600 = 1200.
    assert_eq!(sections(&b), (460, 40, 100, 600, 1200));
    assert_eq!(
        (b.core.second_language, b.core.second_language_uncapped),
        (22, 24)
    );
}

#[test]
fn p06_pte_core_single() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 31
        education = "two_year"
        first_language = { test = "pte_core", listening = 85, reading = 70, writing = 70, speaking = 90 }
        foreign_work_years = 2
        "#,
    );
    // A1 31 single 99; A2 two-year 98.
    // E3: L 85 (82–88: CLB 9) 31, R 70 (69–77: 8) 23, W 70 (69–78: 7) 17, S 90 (10) 34 = 105.
    // Core 99 + 98 + 105 = 302. C: lowest CLB 7 → L1; E1 × L1 = 13; F1 × L1 = 13 → 26.
    // Total 328.
    assert_eq!(sections(&b), (302, 0, 26, 0, 328));
}

#[test]
fn p07_tef_current_french_only_gets_the_lower_french_points() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 35
        education = "secondary"
        first_language = { test = "tef", scale = "current", listening = 503, reading = 434, writing = 428, speaking = 556 }
        "#,
    );
    // A1 35 single 77; A2 secondary 30.
    // E4 current: L 503 (503–545: 9) 31, R 434 (7) 17, W 428 (7) 17, S 556 (10) 34 = 99.
    // Core 77 + 30 + 99 = 206. C: secondary is E0, no work: 0.
    // D: NCLC 7+ on all four, no English test → 25. Total 231.
    assert_eq!(sections(&b), (206, 0, 0, 25, 231));
}

const TEF_2019_PROFILE: &str = r#"
    age = 27
    education = "one_year"
    first_language = { test = "tef", scale = "2019", listening = 500, reading = 500, writing = 500, speaking = 500 }
    second_language = { test = "ielts", listening = 6.0, reading = 6.0, writing = 6.0, speaking = 6.0 }
    canadian_work_years = 1
"#;

#[test]
fn p08_tef_2019_scale_with_french_points_15_30_before_october_2020() {
    let b = score(&format!("assessed_on = \"2019-12-01\"\n{TEF_2019_PROFILE}"));
    // A1 27: 110; A2 one-year: 90. E4 2019 scale: 500 (500–532) = NCLC 8 → 23 × 4 = 92.
    // A4 IELTS 6.0 everywhere = CLB 7 → 3 × 4 = 12. A5 1 year: 40.
    // Core 110 + 90 + 92 + 12 + 40 = 344. C: L1, E1, C1: (a) 13 + (b) 13 = 26.
    // D (2017–2020 grid): French NCLC 7+ with English CLB 5+ → 30. Total 344 + 26 + 30 = 400.
    assert_eq!(sections(&b), (344, 0, 26, 30, 400));
}

#[test]
fn p09_french_points_25_50_from_2020_10_20() {
    // crs.md §H1: 20 October 2020 (law firms) or 27 October (IRCC release); we use the 20th.
    let before = score(&format!("assessed_on = \"2020-10-19\"\n{TEF_2019_PROFILE}"));
    assert_eq!(before.total.get(), 400);
    let after = score(&format!("assessed_on = \"2020-10-20\"\n{TEF_2019_PROFILE}"));
    // As p08, French 50: 344 + 26 + 50 = 420.
    assert_eq!(sections(&after), (344, 0, 26, 50, 420));
}

const SENIOR_MANAGER: &str = r#"
    age = 40
    education = "bachelors"
    canadian_education = "three_year_or_more"
    first_language = { test = "celpip", listening = 8, reading = 8, writing = 8, speaking = 8 }
    job_offer = "teer_0_major_group_00"
    sibling_in_canada = true
"#;

#[test]
fn p10_job_offer_600_before_2016_11_19_and_no_canadian_education_or_sibling() {
    let b = score(&format!("assessed_on = \"2016-06-01\"\n{SENIOR_MANAGER}"));
    // A1 40 single 50; A2 bachelor's 120; CELPIP 8 = CLB 8 → 23 × 4 = 92. Core 262.
    // C: L1 × E1 = 13. D (2015 grid): arranged employment 600; no Canadian-education or
    // sibling points yet. Total 262 + 13 + 600 = 875.
    assert_eq!(sections(&b), (262, 0, 13, 600, 875));
}

#[test]
fn p11_job_offer_200_and_canadian_education_30_from_2016_11_19() {
    let b = score(&format!("assessed_on = \"2016-11-19\"\n{SENIOR_MANAGER}"));
    // As p10; D: TEER 0 major group 00 200 + Canadian 3+ years 30 (no sibling before
    // 2017-06-06) = 230. Total 262 + 13 + 230 = 505.
    assert_eq!(sections(&b), (262, 0, 13, 230, 505));
}

#[test]
fn p12_sibling_15_from_2017_06_06() {
    let b = score(&format!("assessed_on = \"2017-06-06\"\n{SENIOR_MANAGER}"));
    // As p11 plus sibling 15: D 245, total 520.
    assert_eq!(sections(&b), (262, 0, 13, 245, 520));
    let b = score(&format!("assessed_on = \"2017-06-05\"\n{SENIOR_MANAGER}"));
    assert_eq!(b.total.get(), 505);
}

#[test]
fn p13_certificate_25_foreign_with_canadian_work_and_other_job_offer() {
    let b = score(
        r#"
        assessed_on = "2024-06-01"
        age = 45
        education = "below_secondary"
        first_language = { test = "ielts", listening = 5.0, reading = 4.0, writing = 5.5, speaking = 6.0 }
        canadian_work_years = 3
        foreign_work_years = 4
        certificate_of_qualification = true
        job_offer = "other_teer_0_to_3"
        "#,
    );
    // A1 45: 0; A2 below secondary: 0.
    // E1: L 5.0 (CLB 5) 6, R 4.0 (5) 6, W 5.5 (6) 9, S 6.0 (7) 17 = 38. A5 3 years: 64.
    // Core 0 + 0 + 38 + 64 = 102.
    // C: lowest CLB 5 → L0; E0; F2 × C2 (d) = 50; (e) all CLB 5+ and one below 7 → 25.
    //   50 + 25 = 75. D: other TEER 0–3 offer in 2024: 50. Total 102 + 75 + 50 = 227.
    assert_eq!(sections(&b), (102, 0, 75, 50, 227));
    assert_eq!(b.transferability.certificate, 25);
}

#[test]
fn p14_age_17_and_clb_4_given_directly() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 17
        education = "secondary"
        first_language = { test = "clb", listening = 4, reading = 4, writing = 4, speaking = 4 }
        "#,
    );
    // A1 17: 0; A2 secondary 30; A3 CLB 4 → 6 × 4 = 24. Total 54.
    assert_eq!(sections(&b), (54, 0, 0, 0, 54));
}

#[test]
fn p15_spouse_without_language_celpip_tef_second_language_and_french_50() {
    let b = score(
        r#"
        assessed_on = "2026-03-01"
        age = 44
        spouse = "accompanying"
        education = "masters"
        canadian_education = "three_year_or_more"
        first_language = { test = "celpip", listening = 10, reading = 11, writing = 9, speaking = 9 }
        second_language = { test = "tef", scale = "current", listening = 500, reading = 500, writing = 500, speaking = 500 }
        [partner]
        education = "secondary"
        "#,
    );
    // A1 44 with spouse: 5; A2 masters 126; CELPIP 10, 11 → CLB 10 (32 each), 9, 9 (29 each)
    // = 122. A4 TEF current 500: L 462–502 (8), R 8, W 472–511 (8), S 494–517 (8) → 3 × 4 = 12.
    // Core 5 + 126 + 122 + 12 = 265. B: secondary 2. C: L2 × E2 = 50.
    // D: French NCLC 8 with English CLB 9 → 50; Canadian 3+ years → 30 = 80.
    // Total 265 + 2 + 50 + 80 = 397.
    assert_eq!(sections(&b), (265, 2, 50, 80, 397));
}

#[test]
fn p16_spouse_language_is_0_at_clb_4_and_1_at_clb_5() {
    let base = r#"
        assessed_on = "2026-03-01"
        age = 30
        spouse = "accompanying"
        education = "secondary"
        first_language = { test = "clb", listening = 6, reading = 6, writing = 6, speaking = 6 }
        [partner]
        education = "below_secondary"
    "#;
    // A1 30 with spouse 95; A2 28; CLB 6 with spouse 8 × 4 = 32. Core 155.
    // crs.md §H3 (follow the MI): spouse CLB 4 → 0, CLB 5 → 1 each.
    let clb = |n: u8| {
        format!(
            "{base}language = {{ test = \"clb\", listening = {n}, reading = {n}, writing = {n}, speaking = {n} }}"
        )
    };
    assert_eq!(sections(&score(&clb(4))), (155, 0, 0, 0, 155));
    assert_eq!(sections(&score(&clb(5))), (155, 4, 0, 0, 159));
}

#[test]
fn p17_nomination_and_job_offer_capped_at_600_either_side_of_2025_03_25() {
    let profile = r#"
        age = 30
        education = "secondary"
        first_language = { test = "ielts", listening = 6, reading = 6, writing = 6, speaking = 6 }
        provincial_nomination = true
        job_offer = "teer_0_major_group_00"
    "#;
    // A1 30 single 105; A2 30; IELTS 6.0 = CLB 7 → 17 × 4 = 68. Core 203. C: E0, F0: 0.
    // Before: D = min(600, 600 + 200) = 600. After: 600. Total 803 on both dates.
    let before = score(&format!("assessed_on = \"2025-03-24\"\n{profile}"));
    let after = score(&format!("assessed_on = \"2025-03-25\"\n{profile}"));
    assert_eq!(sections(&before), (203, 0, 0, 600, 803));
    assert_eq!(before.additional.uncapped, 800);
    assert_eq!(sections(&after), (203, 0, 0, 600, 803));
}

#[test]
fn p18_bachelors_is_e1_two_or_more_is_e2() {
    let with = |education: &str| {
        score(&format!(
            r#"
            assessed_on = "2026-03-01"
            age = 33
            education = "{education}"
            first_language = {{ test = "ielts", listening = 8.5, reading = 8, writing = 7.5, speaking = 7.5 }}
            "#
        ))
    };
    // A1 33 single 88; IELTS at the CLB 10 minimums → 34 × 4 = 136.
    // Bachelor's: 120, E1 × L2 = 25 → 88 + 120 + 136 + 25 = 369 (crs.md §H4).
    assert_eq!(sections(&with("bachelors")), (344, 0, 25, 0, 369));
    // Two or more: 128, E2 × L2 = 50 → 88 + 128 + 136 + 50 = 402.
    assert_eq!(sections(&with("two_or_more")), (352, 0, 50, 0, 402));
}

#[test]
fn p19_birth_date_gives_the_age_on_the_assessment_date() {
    let on = |date: &str| {
        score(&format!(
            r#"
            assessed_on = "{date}"
            birth_date = "1996-05-10"
            education = "masters"
            first_language = {{ test = "ielts", listening = 8.0, reading = 7.0, writing = 7.0, speaking = 7.0 }}
            "#
        ))
    };
    // 29 until 2026-05-09: 110 + 135 + 124 + (a) 50 = 419; 30 from 2026-05-10: 105 → 414.
    assert_eq!(on("2026-05-09").total.get(), 419);
    assert_eq!(on("2026-05-10").total.get(), 414);
}

#[test]
fn breakdown_table_shows_each_factor_and_what_the_caps_took() {
    let b = Profile::from_path("examples/data/profile.toml")
        .unwrap()
        .breakdown()
        .unwrap();
    let expected = "\
CRS on 2026-03-01 (single, age 29)
A. Core / human capital                     413
  age                                        110
  education                                  135
  first language (L 31, R 31, W 31, S 31)    124
  second language                              4
  Canadian work                               40
B. Spouse or partner                          0
C. Skill transferability                    100
  education (a 50 + b 25)                     50  (capped from 75)
  foreign work (c 50 + d 25)                  50  (capped from 75)
  certificate of qualification                 0
D. Additional                                 0
  provincial nomination                        0
  arranged employment                          0
  Canadian education                           0
  French ability                               0
  sibling in Canada                            0
Total                                       513";
    assert_eq!(b.to_string(), expected);
}
