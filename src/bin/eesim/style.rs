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

/// `warning:`, bold yellow when coloured.
pub(crate) fn warning() -> &'static str {
    if color() {
        "\x1b[1;33mwarning:\x1b[0m"
    } else {
        "warning:"
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

/// `text` with its control characters escaped (`\u{1b}`), so that data printed in a table
/// cannot move the cursor, recolour or clear the terminal.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}
