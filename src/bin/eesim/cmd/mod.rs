//! One file per command: each reads its arguments, calls the library, and prints.

pub(crate) mod backtest;
pub(crate) mod calibrate;
pub(crate) mod chance;
pub(crate) mod crs;
pub(crate) mod draw;
pub(crate) mod fetch;
pub(crate) mod man;
pub(crate) mod merge;
pub(crate) mod replay;
pub(crate) mod what_if;
