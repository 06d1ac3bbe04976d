//! Colour on stderr, as clap does it: on a terminal, never with `NO_COLOR`, always with
//! `CLICOLOR_FORCE`.

use std::io::IsTerminal;

/// Whether messages on stderr are coloured.
pub(crate) fn color() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || std::io::stderr().is_terminal()
}

/// `error:`, bold red when coloured.
pub(crate) fn error() -> &'static str {
    if color() {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    }
}

/// `note:`, bold when coloured.
pub(crate) fn note() -> &'static str {
    if color() {
        "\x1b[1mnote:\x1b[0m"
    } else {
        "note:"
    }
}
