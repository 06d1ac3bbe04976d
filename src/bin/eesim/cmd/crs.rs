//! `eesim crs`: a profile's CRS score with its breakdown, and its score path.

use eesim::crs::{Profile, ScorePlan};

use crate::{Outcome, args};

pub(crate) fn crs(a: &args::CrsArgs) -> Outcome {
    let profile = Profile::from_path(&a.profile)?;
    let b = profile.breakdown()?;
    let path = a
        .until
        .map(|until| ScorePlan::new(profile)?.path(until))
        .transpose()?;
    if a.json {
        let mut out = b.to_json();
        if let Some(path) = &path {
            out["path"] = path
                .points()
                .iter()
                .map(|(d, s)| serde_json::json!({"date": d, "score": s}))
                .collect();
        }
        outln!("{out}");
    } else {
        outln!("{b}");
        if let Some(path) = &path {
            outln!("\nScore path to {}:", path.until());
            for (d, s) in path.points() {
                outln!("  {d}  {s}");
            }
        }
    }
    Ok(())
}
