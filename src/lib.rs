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
//! # The flow, and where each rule lives
//! ```text
//! feed ──► forecast ──► scenario ──► sim (exact | fluid) ──► montecarlo ──► report, backtest
//!                                                 ▲
//! crs (a profile's score) ──► family (Membership) ┘   draw: the one invitation rule
//! ```
//! - [`feed`]: IRCC's rounds feed read leniently into a [`History`] ([`FeedReader`]); the
//!   drawName of each round normalised to its [`Family`]. Nothing else.
//! - [`forecast`]: the model fitted on a history: each family's refill pool, the programs'
//!   snapshot density and shares, the schedule of rounds (plans and the hazard), the replay.
//! - [`scenario`]: every assumption about the future as a validated value
//!   ([`Scenario::calibrated`] from a history as of a date, or read from TOML/JSON), and
//!   [`ScenarioRun`], which draws each run's inputs for either engine.
//! - [`sim`]: the engines: the exact event engine ([`Simulation`]) over the exact [`pool`],
//!   and the fluid engine; [`ita`] and [`landing`] for what follows an invitation.
//! - [`montecarlo`]: many runs in parallel by one loop, reproducible on any thread count,
//!   folded into exact tallies ([`MonteCarlo`], [`Tally`]): chances with Wilson intervals,
//!   probes across scores, paired what-if differences, many candidates judged at once.
//! - [`report`]: a candidate's [`ChanceRequest`] to a [`ChanceReport`], [`WhatIfReport`] or
//!   [`Batch`], as text and JSON. [`backtest`]: forecasts without look-ahead, scored.
//! - [`crs`]: the CRS calculator ([`Profile`]) with dated rules, language tests, score paths
//!   and improvements. [`cache`]: the local copy of the feed.
//! - Values everyone shares: [`CrsScore`], [`Timestamp`], [`Date`], [`Period`], [`Family`]
//!   and [`Membership`] (the one place that says which families a candidate is in and which
//!   target a family's rounds have), [`Eligibility`], [`Target`], and [`DrawRecord`], whose
//!   [`DrawRecord::invites`] is the one rule for whether a round reaches a candidate.
//! - [`input`]: bounded reads of every input file (regular files only, under a size limit).
//!
//! # Guarantees
//! 1. **One rank order.** Rounds invite in [`pool::RankKey`] order: CRS score, highest first; then
//!    profile submission time, earliest first (IRCC's tie-break); then candidate id, lowest
//!    first. It is defined once, and the fast path is tested against a naive sort.
//! 2. **Rounds are exact.** A round invites the top `size` eligible candidates; with fewer
//!    eligible it invites them all and says so; size 0 or nobody eligible invites nobody, with
//!    no cut-off. The cut-off is the lowest score invited and the tie-break the submission time
//!    of the last invited.
//! 3. **Nothing is lost.** The pool's total is always the sum of its parts, and a run's
//!    [`sim::Ledger`] balances: arrived = in pool + awaiting a response + applied + expired + lapsed
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
mod check;
pub mod crs;
mod draw;
mod error;
mod family;
pub mod feed;
pub mod forecast;
pub mod input;
pub mod ita;
pub mod landing;
pub mod montecarlo;
pub mod pool;
mod probability;
pub mod report;
pub mod scenario;
mod score;
pub mod sim;
pub mod suggest;
pub mod time;

// The entry points, in the order of the flow: the feed, the model, the scenario, the runs,
// the reports, and the CRS calculator beside them.
pub use crs::{Profile, ScorePlan};
pub use feed::{FeedReader, History};
pub use montecarlo::{MonteCarlo, Tally};
pub use report::{Batch, ChanceReport, ChanceRequest, WhatIfReport};
pub use scenario::{Engine, FocalSpec, Scenario, ScenarioRun};

/// A calendar date (`2026-12-03`), as eesim takes and returns dates: callers need no date
/// crate of their own (`"2026-12-03".parse::<eesim::Date>()`).
pub use jiff::civil::Date;

// The values every part shares.
pub use candidate::{
    Candidate, CandidateId, Categories, CategoryId, Eligibility, Program, ProgramSet,
};
pub use candidate_file::{CandidateList, HeldRound};
pub use draw::{DrawRecord, DrawSpec, Standing, Target};
pub use error::{Cause, Error, ErrorKind, Problem, Result};
pub use family::{Family, Membership};
pub use ita::{Invitation, Response, ResponseModel};
pub use pool::{Cohort, DrawOutcome, Pool};
pub use probability::Probability;
pub use score::CrsScore;
pub use sim::{Event, Focal, FocalFate, FocalResponse, RunReport, Simulation, SimulationBuilder};
pub use time::{Period, Timestamp};

/// Why eesim is built the way it is: the design notes of `DESIGN.md`.
#[doc = include_str!("../DESIGN.md")]
pub mod design {}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
