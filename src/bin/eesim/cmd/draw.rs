//! `eesim draw`: one round held on a list of named candidates.

use eesim::{CandidateList, Categories, HeldRound};

use crate::{Outcome, args, style};

pub(crate) fn draw(a: &args::DrawArgs) -> Outcome {
    let list = CandidateList::from_path(&a.candidates, Categories::ircc_2026())?;
    // The target was checked and written in lower case with `;` by its parser.
    let round = list.hold_round(&a.target, a.size, a.at)?;
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
            "  {:>4}  {:<20} {:>4}  {}",
            i + 1,
            style::printable(name),
            c.score,
            c.submitted_at
        );
    }
    Ok(())
}
