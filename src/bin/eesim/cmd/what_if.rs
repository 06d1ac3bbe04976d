//! `eesim what-if`: what each improvement a candidate can act on would change.

use eesim::crs::Profile;
use eesim::report::WhatIfReport;

use crate::out::progress;
use crate::{Outcome, args, data};

pub(crate) fn what_if(a: &args::WhatIfArgs) -> Outcome {
    let profile = Profile::from_path(&a.profile)?;
    let data = data::scenario(&a.estimate)?;
    let scenario = &data.scenario;
    let request = super::chance::request(&a.estimate, scenario)?;
    // A nominee's score includes the nomination's 600 points: --nominee with a profile
    // without one is a bad argument, as for `chance`.
    let as_scored = eesim::report::ChanceRequest {
        crs: profile.breakdown()?.total,
        membership: profile.membership(request.membership.clone()),
        ..request.clone()
    };
    crate::bad::nominee_score(&as_scored, false, Some(&a.profile))?;
    let bar = progress(a.estimate.runs, "runs", a.estimate.run.quiet);
    let report = WhatIfReport::run_with_progress(scenario, &profile, &request, |done| {
        bar.set_position(done.done);
    })?;
    bar.finish_and_clear();
    let warnings: Vec<String> = data
        .warnings
        .iter()
        .chain(&report.warnings)
        .cloned()
        .collect();
    for w in &warnings {
        eprintln!("{} {w}", crate::style::warning());
    }
    if a.estimate.json {
        let mut json = report.to_json();
        json["warnings"] = warnings.into();
        json["source"] = data.scenario.source().into();
        json["data"] = data.json;
        outln!("{json}");
    } else {
        outln!("{}", data.line);
        out!("{}", report.to_text());
    }
    Ok(())
}
