//! eesim's integration tests: one binary, one module per behaviour.

#[cfg(feature = "cli")]
mod batch_plan;
#[cfg(feature = "cli")]
mod bounded_inputs;
mod candidate_file;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod cli_batch;
#[cfg(feature = "cli")]
mod cli_charts;
#[cfg(feature = "cli")]
mod cli_conventions;
mod crs_calculator;
mod crs_profile_file;
mod crs_properties;
mod crs_score_path;
mod draw_tiebreak;
#[cfg(feature = "cli")]
mod estimate_data;
#[cfg(feature = "cli")]
mod exit_status;
mod feed_calibration;
mod feed_fuzz;
mod feed_reader;
mod feed_replay;
mod feed_whole;
#[cfg(feature = "cli")]
mod fetch;
#[cfg(feature = "cli")]
mod fetch_concurrency;
#[cfg(feature = "cli")]
mod fetch_trust;
mod forecast;
mod from_today;
mod invitation_rule;
mod ita_lifecycle;
mod landing;
mod layout;
mod limits;
mod montecarlo;
mod oracle;
mod parser_props;
mod plausible_rounds;
mod pool_invariants;
mod scenario;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "cli")]
mod shards;
mod simulation;
