//! The plausibility rules: no round of the real feed is an anomaly, a typo in a size or a
//! date of any round of a plausible history is found and named, and screening leaves out
//! exactly the anomalous rounds.

use eesim::feed::{FeedReader, History, plausible};
use jiff::civil::{Date, date};
use proptest::prelude::*;

const TODAY: Date = date(2026, 12, 1);

/// A feed of CEC rounds, one a week from 2025-01-07, with these sizes and cut-offs.
fn history(rounds: &[(u32, u16)]) -> History {
    let records: Vec<String> = rounds
        .iter()
        .enumerate()
        .map(|(i, (size, cutoff))| {
            let day = date(2025, 1, 7)
                .checked_add(jiff::Span::new().days(7 * i as i64))
                .unwrap();
            format!(
                r#"{{"drawNumber": "{}", "drawDate": "{day}", "drawName": "Canadian Experience Class",
                  "drawSize": "{size}", "drawCRS": "{cutoff}"}}"#,
                i + 1
            )
        })
        .collect();
    let json = format!(r#"{{"rounds": [{}]}}"#, records.join(","));
    FeedReader::new().strict(true).read_str(&json).unwrap().0
}

#[test]
fn no_round_of_the_real_feed_is_an_anomaly() {
    let Ok(path) = std::env::var("EESIM_FEED") else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let (history, _) = FeedReader::new().read_path(path).unwrap();
    let last = history.draws().last().unwrap().date();
    let anomalies = plausible::anomalies(&history, last);
    assert!(anomalies.is_empty(), "{anomalies:#?}");
}

/// Sizes from 500 to 5,000 and cut-offs from 450 to 560: CEC's rounds of 2023 to 2026.
fn plausible_rounds() -> impl Strategy<Value = Vec<(u32, u16)>> {
    proptest::collection::vec((500u32..=5_000, 450u16..=560), 4..30)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn prop_plausible_histories_have_no_anomalies(rounds in plausible_rounds()) {
        let h = history(&rounds);
        prop_assert!(plausible::anomalies(&h, TODAY).is_empty());
        let (kept, none) = plausible::screen(&h, TODAY);
        prop_assert!(none.is_empty());
        prop_assert_eq!(kept, h);
    }

    /// A size typed with extra digits (over ten times the largest round, capped by `u32`) is
    /// found, named by its round and field, and only that round is left out.
    #[test]
    fn prop_a_size_typo_is_found_and_left_out(
        rounds in plausible_rounds(),
        at in any::<prop::sample::Index>(),
        factor in 11u64..100_000,
    ) {
        let i = at.index(rounds.len());
        let mut typo = rounds.clone();
        let largest = rounds.iter().map(|r| u64::from(r.0)).max().unwrap();
        let size = (largest * factor).min(u64::from(u32::MAX));
        typo[i].0 = u32::try_from(size).unwrap();
        let h = history(&typo);
        let anomalies = plausible::anomalies(&h, TODAY);
        // A round with fewer than three before it is judged by the 50,000 bound only.
        let judged = i >= plausible::MIN_HISTORY || size > u64::from(plausible::MAX_SIZE);
        if judged {
            prop_assert_eq!(anomalies.len(), 1, "{:?}", anomalies);
            prop_assert_eq!(anomalies[0].number.to_string(), (i + 1).to_string());
            prop_assert_eq!(anomalies[0].field, "drawSize");
            let (kept, _) = plausible::screen(&h, TODAY);
            prop_assert_eq!(kept.draws().len(), rounds.len() - 1);
            prop_assert!(kept.draws().iter().all(|d| d.number().to_string() != (i + 1).to_string()));
        } else {
            prop_assert!(anomalies.is_empty(), "{:?}", anomalies);
        }
    }

    /// A round dated after today is found whatever its size and cut-off.
    #[test]
    fn prop_a_round_after_today_is_an_anomaly(rounds in plausible_rounds(), days in 1i64..20_000) {
        let h = history(&rounds);
        let last = h.draws().last().unwrap().date();
        let today = last.checked_sub(jiff::Span::new().days(days)).unwrap();
        let anomalies = plausible::anomalies(&h, today);
        let future = h.draws().iter().filter(|d| d.date() > today).count();
        prop_assert!(future >= 1);
        prop_assert_eq!(anomalies.iter().filter(|a| a.field == "drawDate").count(), future);
    }
}
