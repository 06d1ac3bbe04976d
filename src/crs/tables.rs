//! The official CRS points tables and language conversion tables, as constants with sources.
//!
//! Every table cites its section of `shared/docs/crs.md` (gathered from IRCC's Ministerial
//! Instructions and the canada.ca CRS criteria and language-equivalency pages) and the dates it
//! applies. Tables that changed over time are chosen by [`Rules`](super::Rules); the rest have
//! applied unchanged since the CRS began on 2015-01-01.

// --- A. Core / human capital factors (crs.md §A; unchanged since 2015-01-01) -----------------

/// Points as `(with a spouse, single)`.
pub(crate) type Pair = (u16, u16);

/// A1. Age in whole years → points, for ages 18 to 44 (17 or less and 45 or more give 0).
/// Index 0 is age 18.
pub(crate) const AGE_FROM_18: [Pair; 27] = [
    (90, 99),   // 18
    (95, 105),  // 19
    (100, 110), // 20
    (100, 110), // 21
    (100, 110), // 22
    (100, 110), // 23
    (100, 110), // 24
    (100, 110), // 25
    (100, 110), // 26
    (100, 110), // 27
    (100, 110), // 28
    (100, 110), // 29
    (95, 105),  // 30
    (90, 99),   // 31
    (85, 94),   // 32
    (80, 88),   // 33
    (75, 83),   // 34
    (70, 77),   // 35
    (65, 72),   // 36
    (60, 66),   // 37
    (55, 61),   // 38
    (50, 55),   // 39
    (45, 50),   // 40
    (35, 39),   // 41
    (25, 28),   // 42
    (15, 17),   // 43
    (5, 6),     // 44
];

/// A2. Highest education, in [`Education`](super::Education) order: below secondary,
/// secondary, one-year, two-year, bachelor's (3+ years), two or more, master's, doctorate.
pub(crate) const EDUCATION: [Pair; 8] = [
    (0, 0),
    (28, 30),
    (84, 90),
    (91, 98),
    (112, 120),
    (119, 128),
    (126, 135),
    (140, 150),
];

/// A3. First official language, per ability, by CLB: below 4, 4, 5, 6, 7, 8, 9, 10 or more.
pub(crate) const FIRST_LANGUAGE: [Pair; 8] = [
    (0, 0),
    (6, 6),
    (6, 6),
    (8, 9),
    (16, 17),
    (22, 23),
    (29, 31),
    (32, 34),
];

/// A4. Second official language, per ability (the same with or without a spouse), by CLB:
/// 4 or less, 5–6, 7–8, 9 or more; see [`second_language_per_ability`].
pub(crate) const SECOND_LANGUAGE: [u16; 4] = [0, 1, 3, 6];

/// A4. The cap on the second-language total: 22 with a spouse, 24 single.
pub(crate) const SECOND_LANGUAGE_CAP: Pair = (22, 24);

/// A5. Canadian skilled work, by whole years: 0, 1, 2, 3, 4, 5 or more.
pub(crate) const CANADIAN_WORK: [Pair; 6] =
    [(0, 0), (35, 40), (46, 53), (56, 64), (63, 72), (70, 80)];

/// §A maxima: 460 with a spouse, 500 single.
pub(crate) const CORE_CAP: Pair = (460, 500);

// --- B. Spouse or partner factors (crs.md §B, MI s.17 onward; unchanged since 2015-01-01) ---

/// B. Spouse education, in [`Education`](super::Education) order.
pub(crate) const SPOUSE_EDUCATION: [u16; 8] = [0, 2, 6, 7, 8, 9, 10, 10];

/// B. Spouse language per ability, by CLB: 4 or less, 5–6, 7–8, 9 or more (crs.md §H3: the MI
/// gives 0 at CLB 4 and 1 at CLB 5).
pub(crate) const SPOUSE_LANGUAGE: [u16; 4] = [0, 1, 3, 5];

/// B. Spouse Canadian work, by whole years: 0, 1, 2, 3, 4, 5 or more.
pub(crate) const SPOUSE_CANADIAN_WORK: [u16; 6] = [0, 5, 7, 8, 9, 10];

/// §B maximum.
pub(crate) const SPOUSE_CAP: u16 = 40;

/// §B: core plus spouse is capped at 500 (it cannot bind: 460 + 40 = 500).
pub(crate) const CORE_AND_SPOUSE_CAP: u16 = 500;

// --- C. Skill transferability (crs.md §C, MI s.21–22; unchanged since 2015-01-01) ----------

/// C (a)–(d). Points for a combination, as `[group 1][strength]` where group 1 is E1 or F1
/// and group 2 is E2 or F2, and strength 1 is L1/C1 and strength 2 is L2/C2.
/// Row 0 is group 1 (13, 25), row 1 is group 2 (25, 50).
pub(crate) const TRANSFER_COMBINATION: [[u16; 2]; 2] = [[13, 25], [25, 50]];

/// C (e). Certificate of qualification: 25 when every first-language ability is CLB 5+ and
/// one is below 7; 50 when every one is CLB 7+.
pub(crate) const TRANSFER_CERTIFICATE: [u16; 2] = [25, 50];

/// C. Sub-caps for the education and foreign-work pairs, and the section cap.
pub(crate) const TRANSFER_SUBCAP: u16 = 50;
/// C. The section cap.
pub(crate) const TRANSFER_CAP: u16 = 100;

// --- D. Additional points (crs.md §D; dated, see `Rules`) ----------------------------------

/// D. Provincial or territorial nomination: 600, unchanged since 2015-01-01.
pub(crate) const PROVINCIAL_NOMINATION: u16 = 600;

/// D. Arranged employment from 2015-01-01 to 2016-11-18: 600 for a qualifying (LMIA-backed)
/// offer, whatever its occupation.
pub(crate) const JOB_OFFER_2015: Pair = (600, 600);

/// D. Arranged employment from 2016-11-19 to 2025-03-24, as `(TEER 0 major group 00, other
/// TEER 0–3)`. Removed from 2025-03-25.
pub(crate) const JOB_OFFER_2016: Pair = (200, 50);

/// D. Canadian post-secondary credential from 2016-11-19, as `(1 or 2 years, 3+ years)`.
pub(crate) const CANADIAN_EDUCATION: Pair = (15, 30);

/// D. French ability from 2017-06-06 to the October 2020 change, as `(English CLB 4 or
/// lower or none, English CLB 5+ on all four)`.
pub(crate) const FRENCH_2017: Pair = (15, 30);

/// D. French ability from the October 2020 change (see [`FRENCH_2020_FROM`]).
pub(crate) const FRENCH_2020: Pair = (25, 50);

/// D. Sibling in Canada, from 2017-06-06; 15 however many siblings.
pub(crate) const SIBLING: u16 = 15;

/// §D cap.
pub(crate) const ADDITIONAL_CAP: u16 = 600;

/// The grand total's cap, with or without a spouse.
pub(crate) const TOTAL_CAP: u16 = 1200;

// --- Dates (crs.md §D, §H) ------------------------------------------------------------------

/// The CRS began (and with it provincial nomination points).
pub(crate) const CRS_FROM: (i16, i8, i8) = (2015, 1, 1);
/// Job offer points became 50/200 and Canadian education points began.
pub(crate) const NOV_2016_FROM: (i16, i8, i8) = (2016, 11, 19);
/// French and sibling points began.
pub(crate) const JUNE_2017_FROM: (i16, i8, i8) = (2017, 6, 6);
/// French points became 25/50. Uncertain (crs.md §H1): law firms say applied from
/// 2020-10-20; the IRCC release is dated 2020-10-27. We follow crs.md's "applied from".
pub(crate) const FRENCH_2020_FROM: (i16, i8, i8) = (2020, 10, 20);
/// Arranged employment points removed (MI effective 2025-03-25).
pub(crate) const NO_JOB_OFFER_FROM: (i16, i8, i8) = (2025, 3, 25);

// --- E. Test score → CLB/NCLC (crs.md §E; minimum score for CLB 4, 5, ..., 10) ------------

/// Minimum scores per ability for CLB 4 to 10 (index 0 is CLB 4), in the test's own unit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Thresholds {
    pub(crate) reading: [u16; 7],
    pub(crate) writing: [u16; 7],
    pub(crate) listening: [u16; 7],
    pub(crate) speaking: [u16; 7],
}

/// E1. IELTS General Training, in half bands (band × 2): e.g. reading CLB 10 needs 8.0 = 16.
pub(crate) const IELTS_HALF_BANDS: Thresholds = Thresholds {
    //          CLB  4   5   6   7   8   9  10
    reading: [7, 8, 10, 12, 13, 14, 16], // 3.5 4.0 5.0 6.0 6.5 7.0 8.0
    writing: [8, 10, 11, 12, 13, 14, 15], // 4.0 5.0 5.5 6.0 6.5 7.0 7.5
    listening: [9, 10, 11, 12, 15, 16, 17], // 4.5 5.0 5.5 6.0 7.5 8.0 8.5
    speaking: [8, 10, 11, 12, 13, 14, 15], // 4.0 5.0 5.5 6.0 6.5 7.0 7.5
};

/// E3. PTE Core (scores 10 to 90), accepted from 2024-01-30 (crs.md §H6: or mid-February).
pub(crate) const PTE_CORE: Thresholds = Thresholds {
    reading: [33, 42, 51, 60, 69, 78, 88],
    writing: [41, 51, 60, 69, 79, 88, 90],
    listening: [28, 39, 50, 60, 71, 82, 89],
    speaking: [42, 51, 59, 68, 76, 84, 89],
};

/// E4. TEF Canada, tests from 2023-12-11 (scores out of 699).
pub(crate) const TEF_CURRENT: Thresholds = Thresholds {
    reading: [306, 352, 393, 434, 462, 503, 546],
    writing: [268, 330, 379, 428, 472, 512, 558],
    listening: [306, 352, 393, 434, 462, 503, 546],
    speaking: [328, 387, 422, 456, 494, 518, 556],
};

/// E4. TEF Canada, tests from 2019-10-01 to 2023-12-10 (out of 699, the same for every
/// ability).
pub(crate) const TEF_2019: Thresholds = Thresholds {
    reading: [300, 350, 400, 450, 500, 533, 566],
    writing: [300, 350, 400, 450, 500, 533, 566],
    listening: [300, 350, 400, 450, 500, 533, 566],
    speaking: [300, 350, 400, 450, 500, 533, 566],
};

/// E4. TEF Canada "équivalence ancien score" (reading out of 300, listening out of 360,
/// writing and speaking out of 450): what the IRCC profile asks for (crs.md §H2).
pub(crate) const TEF_OLD: Thresholds = Thresholds {
    reading: [121, 151, 181, 207, 233, 248, 263],
    writing: [181, 226, 271, 310, 349, 371, 393],
    listening: [145, 181, 217, 249, 280, 298, 316],
    speaking: [181, 226, 271, 310, 349, 371, 393],
};

/// E5. TCF Canada (reading and listening out of 699, writing and speaking out of 20).
pub(crate) const TCF: Thresholds = Thresholds {
    reading: [342, 375, 406, 453, 499, 524, 549],
    writing: [4, 6, 7, 10, 12, 14, 16],
    listening: [331, 369, 398, 458, 503, 523, 549],
    speaking: [4, 6, 7, 10, 12, 14, 16],
};

/// The index into a 4-step table (CLB 4 or less, 5–6, 7–8, 9+) for a CLB level.
pub(crate) fn four_step(clb: u8) -> usize {
    match clb {
        0..=4 => 0,
        5 | 6 => 1,
        7 | 8 => 2,
        _ => 3,
    }
}

/// The index into [`FIRST_LANGUAGE`] for a CLB level (below 4, 4, ..., 10 or more).
pub(crate) fn first_language_step(clb: u8) -> usize {
    usize::from(clb.clamp(3, 10) - 3)
}

/// The second-language points for one ability.
pub(crate) fn second_language_per_ability(clb: u8) -> u16 {
    SECOND_LANGUAGE[four_step(clb)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascending(t: &Thresholds) -> bool {
        [t.reading, t.writing, t.listening, t.speaking]
            .iter()
            .all(|a| a.windows(2).all(|w| w[0] < w[1]))
    }

    #[test]
    fn thresholds_strictly_increase() {
        for t in [
            IELTS_HALF_BANDS,
            PTE_CORE,
            TEF_CURRENT,
            TEF_2019,
            TEF_OLD,
            TCF,
        ] {
            assert!(ascending(&t), "{t:?}");
        }
    }

    #[test]
    fn section_a_maxima_add_up() {
        // crs.md §A check: 100 + 140 + 128 + 22 + 70 = 460 and 110 + 150 + 136 + 24 + 80 = 500.
        let (a, e, l, w, s) = (
            AGE_FROM_18[2],
            EDUCATION[7],
            FIRST_LANGUAGE[7],
            CANADIAN_WORK[5],
            SECOND_LANGUAGE_CAP,
        );
        let top = (
            a.0 + e.0 + 4 * l.0 + s.0 + w.0,
            a.1 + e.1 + 4 * l.1 + s.1 + w.1,
        );
        assert_eq!(top, CORE_CAP);
        assert_eq!(
            SPOUSE_EDUCATION[7] + 4 * SPOUSE_LANGUAGE[3] + SPOUSE_CANADIAN_WORK[5],
            SPOUSE_CAP
        );
        assert_eq!(CORE_CAP.0 + SPOUSE_CAP, CORE_AND_SPOUSE_CAP);
    }

    #[test]
    fn step_indices() {
        assert_eq!(first_language_step(0), 0);
        assert_eq!(first_language_step(3), 0);
        assert_eq!(first_language_step(4), 1);
        assert_eq!(first_language_step(10), 7);
        assert_eq!(first_language_step(12), 7);
        assert_eq!(second_language_per_ability(4), 0);
        assert_eq!(second_language_per_ability(5), 1);
        assert_eq!(second_language_per_ability(8), 3);
        assert_eq!(second_language_per_ability(12), 6);
    }
}
