//! Integration tests.

mod feed_whole;
