//! Integration tests.

mod feed_calibration;
mod feed_fuzz;
mod feed_reader;
mod feed_replay;
mod feed_whole;
