//! `eesim draw`: one round held on a list of named candidates.

use eesim::{CandidateList, Categories, HeldRound, Timestamp};

use crate::{Outcome, args};

pub(crate) fn draw(a: &args::DrawArgs) -> Outcome {
    let list = CandidateList::from_path(&a.candidates, Categories::ircc_2026())?;
    let at = a.at.as_deref().map(str::parse::<Timestamp>).transpose()?;
    // Programs in a target are separated by `;` or `,`, as everywhere.
    let target = if a.target.starts_with("category:") {
        a.target.clone()
    } else {
        a.target.replace(',', ";")
    };
    let round = list.hold_round(&target, a.size, at)?;
    for n in round.notes() {
        note!("{n}");
    }
    let HeldRound {
        outcome, invited, ..
    } = &round;
    if a.json {
        outln!("{}", round.to_json());
        return Ok(());
    }
    let show = |x: Option<String>| x.unwrap_or_else(|| "none".into());
    outln!(
        "Invited {} of {} (cut-off {}, tie-break {})",
        outcome.invited,
        a.size,
        show(outcome.cutoff.map(|c| c.to_string())),
        show(outcome.tie_break.map(|t| t.to_string()))
    );
    outln!("  rank  id                    CRS  submitted");
    for (i, (c, name)) in outcome.invitees.iter().zip(invited).enumerate() {
        outln!(
            "  {:>4}  {name:<20} {:>4}  {}",
            i + 1,
            c.score,
            c.submitted_at
        );
    }
    Ok(())
}
