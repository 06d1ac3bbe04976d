//! eesim's Criterion benches: one module per area, each with `define(c)`.
//!
//! Run with `cargo bench --bench bench`; ids follow `area/op/size`.

use std::time::Duration;

use criterion::Criterion;

mod draw;
mod montecarlo;

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    draw::define(&mut c);
    montecarlo::define(&mut c);
    c.final_summary();
}
