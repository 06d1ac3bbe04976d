//! What a run reports: the rounds, the focal candidate's story, and a balanced ledger.

use serde::{Deserialize, Serialize};

use crate::draw::DrawRecord;
use crate::score::CrsScore;
use crate::time::Timestamp;

/// An invitation the focal candidate received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocalInvitation {
    /// When.
    pub at: Timestamp,
    /// The round's index in [`RunReport::draws`].
    pub draw: usize,
    /// The focal candidate's score then.
    pub score: CrsScore,
    /// The round's cut-off.
    pub cutoff: CrsScore,
    /// The round's tie-break time.
    pub tie_break: Timestamp,
}

/// Where the focal candidate stands at the end of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocalFate {
    /// The profile was submitted after the end.
    NotArrived,
    /// In the pool, waiting.
    Waiting,
    /// Invited, with the response still to come.
    AwaitingResponse,
    /// Applied for permanent residence.
    Applied,
    /// The profile expired (in the pool, or before a decline).
    ProfileExpired,
    /// The invitation lapsed unanswered.
    ItaLapsed,
}

/// What happened to the focal candidate in a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocalReport {
    /// Every invitation received, in time order.
    pub invitations: Vec<FocalInvitation>,
    /// Where the candidate stands at the end.
    pub fate: FocalFate,
    /// The candidate's score at the end.
    pub score: CrsScore,
    /// The application that followed the invitation it accepted, when the run follows the
    /// stages after an ITA ([`crate::landing`]).
    #[serde(default)]
    pub application: Option<crate::landing::ApplicationPath>,
}

impl FocalReport {
    /// Where the candidate stands at `t` (the end of the run) in the stages after an ITA.
    #[must_use]
    pub fn stage_at(&self, t: Timestamp) -> crate::landing::Stage {
        use crate::landing::Stage;
        if self.invitations.is_empty() {
            return Stage::NotInvited;
        }
        match (self.fate, self.application) {
            (FocalFate::Applied, Some(path)) => path.stage_at(t),
            (FocalFate::Applied | FocalFate::AwaitingResponse, _) => Stage::Submitting,
            (FocalFate::Waiting, _) => Stage::DeclinedBack,
            (FocalFate::ItaLapsed | FocalFate::ProfileExpired | FocalFate::NotArrived, _) => {
                Stage::Expired
            }
        }
    }

    /// The first invitation, if any.
    #[must_use]
    pub fn first_invitation(&self) -> Option<&FocalInvitation> {
        self.invitations.first()
    }
}

/// Where every candidate of a run went: its counts always balance (see
/// [`Ledger::is_balanced`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Candidates in the start pool plus every arrival.
    pub arrived: u64,
    /// In the pool at the end.
    pub in_pool: u64,
    /// Invited, with the response still to come at the end.
    pub awaiting_response: u64,
    /// Applied for permanent residence.
    pub applied: u64,
    /// Profiles that expired (in the pool, or before a decline).
    pub profile_expired: u64,
    /// Invitations that lapsed unanswered.
    pub ita_lapsed: u64,
    /// Withdrew from the pool.
    pub withdrawn: u64,
    /// Invitations issued (a candidate who declined may be invited again).
    pub invited: u64,
    /// Declines that returned a candidate to the pool.
    pub returned: u64,
}

impl Ledger {
    /// Whether `arrived = in_pool + awaiting_response + applied + profile_expired +
    /// ita_lapsed + withdrawn`.
    #[must_use]
    pub fn is_balanced(&self) -> bool {
        self.arrived
            == self.in_pool
                + self.awaiting_response
                + self.applied
                + self.profile_expired
                + self.ita_lapsed
                + self.withdrawn
    }
}

/// Everything a run produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct RunReport {
    /// Every round held, in order.
    pub draws: Vec<DrawRecord>,
    /// The focal candidate's story, when the run follows one.
    pub focal: Option<FocalReport>,
    /// Where every candidate went.
    pub ledger: Ledger,
}
