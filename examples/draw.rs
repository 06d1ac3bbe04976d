//! Holds one round of invitations on your own list of candidates and prints who is invited.
//!
//! ```text
//! cargo run --release --example draw -- --candidates FILE.csv --target TARGET --size N [--at TIME]
//! ```
//!
//! - `FILE.csv` has the header `id,crs,submitted_at,programs,categories` (see
//!   [`eesim::CandidateList`]).
//! - `TARGET` is `all`, a program (`cec`, `fsw`, `fst`, several joined by `;`), `pnp`, or
//!   `category:NAME`.
//! - `--at` holds the round at that RFC 3339 instant, after removing profiles that have
//!   expired by then (12 months after submission); without it nobody expires.
//!
//! It prints one JSON object, `{"cutoff": 512, "tie_break": "2025-06-01T12:00:00Z",
//! "invited": ["id1", ...]}`, with `invited` in rank order and `cutoff`/`tie_break` null when
//! nobody is invited. Notes (expired profiles, a round larger than the eligible) go to stderr;
//! a bad file or argument prints an error naming the line and field, and exits with status 1.
//!
//! What it shows: reading candidates, the rank order with IRCC's tie-break, partial rounds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use eesim::{CandidateList, Categories, Timestamp};

/// Hold one Express Entry round on a list of candidates.
#[derive(Parser, Debug)]
struct Args {
    /// The candidate file (CSV: id,crs,submitted_at,programs,categories).
    #[arg(long)]
    candidates: PathBuf,
    /// Who the round targets: all, cec, fsw, fst, pnp, cec;fsw, category:NAME.
    #[arg(long)]
    target: String,
    /// How many invitations the round issues.
    #[arg(long)]
    size: u32,
    /// When the round is held (RFC 3339); profiles expired by then are removed first.
    #[arg(long)]
    at: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, eesim::Error> {
    let list = CandidateList::from_path(&args.candidates, Categories::ircc_2026())?;
    let at = args
        .at
        .as_deref()
        .map(str::parse::<Timestamp>)
        .transpose()?;
    let round = list.hold_round(&args.target, args.size, at)?;
    for note in round.notes() {
        eprintln!("note: {note}");
    }
    Ok(round.to_json().to_string())
}
