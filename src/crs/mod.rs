//! The Comprehensive Ranking System calculator: profiles, dated rules, breakdowns, score paths.
//!
//! # Quick example
//! ```
//! use eesim::crs::Profile;
//!
//! let profile = Profile::from_toml(r#"
//!     assessed_on = "2026-03-01"
//!     age = 29
//!     education = "masters"
//!     first_language = { test = "ielts", listening = 8.0, reading = 7.0, writing = 7.0, speaking = 7.0 }
//!     canadian_work_years = 1
//!     foreign_work_years = 3
//! "#)?;
//! let b = profile.breakdown()?;
//! // core 110 + 135 + 124 + 40 = 409; transferability 50 (education) + 50 (foreign work) = 100
//! assert_eq!((b.core.total, b.transferability.total, b.total.get()), (409, 100, 509));
//! # Ok::<(), eesim::Error>(())
//! ```
//!
//! # Overview
//! - [`Profile`]: the facts the CRS scores, validated. Read one from a [profile
//!   file](#the-profile-file) with [`Profile::from_toml`], [`Profile::from_json`] or
//!   [`Profile::from_path`], or build one in code with [`Profile::new`].
//! - [`Rules`]: the grid in force on a date (arranged employment, French, Canadian
//!   education and sibling points changed over time; see its table and the uncertain dates).
//! - [`Breakdown`]: the score by section ([`CorePoints`], [`SpousePoints`],
//!   [`TransferPoints`], [`AdditionalPoints`]) and factor, every cap applied, with the total
//!   as a [`CrsScore`](crate::CrsScore). Its `Display` is a readable table.
//! - [`LanguageTest`], [`LanguageResult`], [`Clb`]: test scores to CLB/NCLC per ability.
//! - [`ScorePlan`], [`ScorePath`]: the score on every date of a horizon as birthdays pass and
//!   planned events happen, and the [`Event::ScoreChange`](crate::Event::ScoreChange)s that
//!   give it to a simulation's focal candidate.
//!
//! # What is not modelled
//! - Validity periods: language results (2 years), ECAs (5 years) and the 10-year look-back
//!   for work experience are the caller's to respect; a [`ScorePlan`] does not expire a test.
//! - Eligibility for the programs (FSW, CEC, FST) and categories: the CRS only ranks.
//! - "Age on the date of the ITA" for invited candidates: a score path gives the age on each
//!   date, which is what the pool sees until an invitation.
//!
//! The tables are in `tables.rs`, each citing its section of `shared/docs/crs.md` and its
//! dates. Where sources disagree (crs.md §H) we follow the Ministerial Instructions: spouse
//! language gives 0 at CLB 4 and 1 at CLB 5; a single bachelor's is in the lower
//! transferability education group.
//!
//! # The profile file
//! TOML or JSON with these fields (the JSON form has the same names):
//! ```toml
//! assessed_on = "2026-03-01"     # the date whose rules apply
//! age = 29                       # or birth_date = "1996-05-10"
//! spouse = "none"                # none | accompanying
//! education = "masters"          # below_secondary | secondary | one_year | two_year | bachelors | two_or_more | masters | doctorate
//! canadian_education = "none"    # none | one_or_two_year | three_year_or_more
//! first_language = { test = "ielts", listening = 8.0, reading = 7.0, writing = 7.0, speaking = 7.0 }
//! second_language = { test = "clb", listening = 5, reading = 5, writing = 5, speaking = 5 }  # optional
//! # test: ielts | celpip | pte_core | tef (with scale = "current" | "2019" | "old") | tcf | clb
//! canadian_work_years = 1
//! foreign_work_years = 3
//! certificate_of_qualification = false
//! provincial_nomination = false
//! job_offer = "none"             # none | teer_0_major_group_00 | other_teer_0_to_3
//! sibling_in_canada = false
//! [partner]                      # only when spouse = "accompanying"
//! education = "two_year"
//! language = { test = "celpip", listening = 7, reading = 7, writing = 6, speaking = 5 }
//! canadian_work_years = 1
//! ```
//! - `assessed_on`, `age` or `birth_date` (one of them), `education` and `first_language` are
//!   required; the other fields may be left out and then take their empty value (`false`,
//!   `"none"`, `0`, no second language, no partner).
//! - A `clb` result may say `language = "english"` or `"french"` (NCLC). Without it, a `clb`
//!   result is in the other language from the profile's other result, and English when both
//!   are `clb`. The two results must be in different languages.
//! - `spouse = "accompanying"` means a spouse or partner who comes to Canada and is not a
//!   citizen or permanent resident; it needs a `[partner]` table, whose `education` is
//!   required. Any other spouse is `"none"`, and then a `[partner]` table is ignored (the
//!   issue's sample profile has one with `spouse = "none"`).
//! - Loading reports every problem at once, each with its field path, for example
//!   `first_language.reading: expected an IELTS band from 0 to 9 in steps of 0.5, found 9.5`.

mod breakdown;
mod calculator;
mod file;
mod language;
mod path;
mod profile;
mod rules;
mod tables;
mod whatif;

pub use breakdown::{AdditionalPoints, Breakdown, CorePoints, SpousePoints, TransferPoints};
pub use language::{Ability, Clb, ClbLevels, Language, LanguageResult, LanguageTest, TefScale};
pub use path::{PlannedChange, ScorePath, ScorePlan};
pub use profile::{Age, CanadianEducation, Education, JobOffer, Partner, Profile};
pub use rules::Rules;
pub use whatif::{FRENCH_CATEGORY_NCLC, Improvement, improvements, qualifies_for_french};
