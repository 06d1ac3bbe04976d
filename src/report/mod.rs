//! Reports: a candidate's request, run on a scenario, read back as figures, text and JSON.
//!
//! - [`ChanceRequest`] (`request.rs`): the candidate (score, [`crate::Membership`], submission)
//!   and the estimate's settings, and the focal candidate it describes on a scenario.
//! - [`ChanceReport`] (`chance.rs`): one candidate's chance by date, across scores, the
//!   cut-off fans and each family's chance of holding no round.
//! - [`WhatIfReport`] (`what_if.rs`): what each improvement would change, on the same runs.
//! - [`Batch`] (`batch.rs`): many candidates of a CSV file judged on the same runs.

mod batch;
mod chance;
mod request;
mod what_if;

pub use batch::{Batch, BatchEntry, BatchRow};
pub use chance::{ChanceReport, FamilyOutlook, FanRow, LandingSummary, STALE_DAYS, Within};
pub use request::{ChanceRequest, ProfileScore, Window, dormant_assumption, split_categories};
pub use what_if::{WhatIfReport, WhatIfRow};
