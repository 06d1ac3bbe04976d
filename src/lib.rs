//! eesim simulates Canada's Express Entry rounds of invitations.
//!
//! It models the candidate pool, the cut-off of each round with IRCC's tie-break rule, the
//! Invitations to Apply (ITAs) and what follows them, and one simulation run that follows a
//! focal candidate through arrivals, expiries, rounds, responses and score changes.
//!
//! # Quick example
//! ```
//! use eesim::{Candidate, CandidateId, Categories, CrsScore, DrawSpec, Eligibility, Pool, Program, Target};
//!
//! let cats = Categories::ircc_2026();
//! let french = cats.id("french")?;
//! let mut pool = Pool::new();
//! for (id, score, at, e) in [
//!     (1, 497, "2025-09-01T10:00:00Z", Eligibility::none().with_program(Program::Cec).with_category(french)),
//!     (2, 530, "2025-10-01T10:00:00Z", Eligibility::none().with_program(Program::Fsw)),
//!     (3, 497, "2025-08-01T10:00:00Z", Eligibility::none().with_program(Program::Cec)),
//! ] {
//!     pool.add_candidate(Candidate { id: CandidateId(id), score: CrsScore::new(score)?, submitted_at: at.parse()?, eligibility: e })?;
//! }
//! let round = DrawSpec::new("2026-01-07T14:00:00Z".parse()?, Target::program(Program::Cec), 1);
//! let outcome = pool.draw(&round);
//! // Two CEC candidates at 497: the earlier submission wins the tie-break.
//! assert_eq!(outcome.invitees[0].id, CandidateId(3));
//! assert_eq!(outcome.cutoff, Some(CrsScore::new(497)?));
//! assert_eq!(outcome.tie_break.map(|t| t.to_string()), Some("2025-08-01T10:00:00Z".to_string()));
//! # Ok::<(), eesim::Error>(())
//! ```
//!
//! # Overview
//! - [`CrsScore`], [`Timestamp`], [`Period`]: validated values (a score is 0 to 1,200, time
//!   is UTC to the second, periods are days or calendar months).
//! - [`Candidate`] and [`Eligibility`]: programs ([`Program`]), provincial nomination, and
//!   categories, which are data ([`Categories`]), not a closed enum.
//! - [`Pool`]: candidates in 1,201 score buckets, as [`Cohort`]s in submission order, exact for
//!   named candidates and cheap for synthetic pools; expiry, withdrawals, counts.
//! - [`DrawSpec`], [`Target`], [`DrawOutcome`]: rounds and what they did.
//! - [`Invitation`], [`ResponseModel`]: the 60-day deadline; apply, decline, lapse.
//! - [`SimulationBuilder`], [`Simulation`], [`RunReport`]: one run over a schedule of
//!   [`Event`]s, following a [`Focal`] candidate, with a balanced [`Ledger`].
//! - [`CandidateList`]: named candidates from CSV.
//! - [`feed`]: IRCC's rounds feed read leniently, draw families, pool snapshots, the score
//!   density inside published ranges, calibration as of a date, and the cut-off replay.
//! - [`cache`]: the local copy of the feed, replaced only by a download that reads, atomically.
//! - [`crs`]: the CRS points grid with dated rules, language tests to CLB, score paths, and the
//!   improvements a candidate can act on.
//! - [`scenario`]: every assumption about the future as a validated TOML/JSON value (an
//!   embedded default is calibrated from the feed), run by an exact or a fluid engine.
//! - [`montecarlo`]: many runs in parallel, reproducible on any thread count, folded into
//!   exact tallies: chances with Wilson intervals, cut-off fans, probes across scores, paired
//!   what-if differences.
//! - [`backtest`]: forecasts made month by month without look-ahead, scored against history.
//!
//! # Guarantees
//! 1. **One rank order.** Rounds invite in [`RankKey`] order: CRS score, highest first; then
//!    profile submission time, earliest first (IRCC's tie-break); then candidate id, lowest
//!    first. It is defined once, and the fast path is tested against a naive sort.
//! 2. **Rounds are exact.** A round invites the top `size` eligible candidates; with fewer
//!    eligible it invites them all and says so; size 0 or nobody eligible invites nobody, with
//!    no cut-off. The cut-off is the lowest score invited and the tie-break the submission time
//!    of the last invited.
//! 3. **Nothing is lost.** The pool's total is always the sum of its parts, and a run's
//!    [`Ledger`] balances: arrived = in pool + awaiting a response + applied + expired + lapsed
//!    + withdrawn.
//! 4. **Events at one instant happen in a documented order** (see [`Simulation`]): expiries,
//!    ITA responses, withdrawals, score changes, arrivals, rounds.
//! 5. **Randomness only from the caller.** Every random step takes an RNG argument; the same
//!    RNG state gives the same run, bit for bit. eesim never seeds an RNG itself.
//! 6. **Errors, not panics, for bad input**: each says what was expected, what was found and
//!    where, and leaves a pool unchanged.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod backtest;
pub mod cache;
mod candidate;
mod candidate_file;
pub mod check;
pub mod crs;
mod draw;
mod error;
mod family;
pub mod feed;
pub mod forecast;
mod ita;
pub mod landing;
pub mod montecarlo;
mod pool;
mod probability;
pub mod report;
pub mod scenario;
mod score;
mod sim;
pub mod suggest;
pub mod time;

pub use candidate::ProgramSet;
pub use candidate::{Candidate, CandidateId, Categories, CategoryId, Eligibility, Program};
pub use candidate_file::{CandidateList, HeldRound};
pub use draw::{DrawRecord, DrawSpec, Standing, Target};
pub use error::{Error, ErrorKind, Result};
pub use family::{Family, Membership};
pub use ita::{Invitation, Resolution, Response, ResponseModel, ResponseSplit};
pub use pool::rank::RankKey;
pub use pool::{Cohort, DrawOutcome, Pool, Selection};
pub use probability::Probability;
pub use score::CrsScore;
pub use sim::{
    Event, Focal, FocalFate, FocalInvitation, FocalReport, FocalResponse, Ledger, RunReport,
    Simulation, SimulationBuilder,
};
pub use time::{Period, Timestamp};

/// Why eesim is built the way it is: the design notes of `DESIGN.md`.
#[doc = include_str!("../DESIGN.md")]
pub mod design {}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
