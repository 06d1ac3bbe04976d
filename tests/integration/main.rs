//! Integration tests.

mod feed_reader;
mod feed_whole;
