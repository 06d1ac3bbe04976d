//! eesim: a simulator of Canada's Express Entry rounds of invitations.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod error;
pub mod feed;
mod score;
mod time;

pub use error::{Error, ErrorKind, Result};
pub use score::CrsScore;
pub use time::{Period, Timestamp};
