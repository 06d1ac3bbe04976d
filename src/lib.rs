//! eesim: a simulator of Canada's Express Entry rounds of invitations.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod candidate;
mod candidate_file;
mod draw;
mod error;
mod ita;
mod pool;
mod probability;
mod score;
mod sim;
mod time;

pub use candidate::{Candidate, CandidateId, Categories, CategoryId, Eligibility, Program};
pub use candidate_file::CandidateList;
pub use draw::{DrawOutcome, DrawSpec, ProgramSet, Target};
pub use error::{Error, ErrorKind, Result};
pub use ita::{Invitation, Resolution, Response, ResponseModel, ResponseSplit};
pub use pool::rank::RankKey;
pub use pool::{Cohort, Pool};
pub use probability::Probability;
pub use score::CrsScore;
pub use sim::{
    DrawRecord, Event, Focal, FocalFate, FocalInvitation, FocalReport, FocalResponse, Ledger,
    RunReport, Simulation, SimulationBuilder,
};
pub use time::{Period, Timestamp};
