//! eesim's integration tests: one binary, one module per behaviour.

mod candidate_file;
mod draw_tiebreak;
mod ita_lifecycle;
mod oracle;
mod pool_invariants;
mod simulation;
mod crs_calculator;
mod crs_properties;
