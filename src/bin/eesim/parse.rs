//! Value parsers for the arguments, each saying what it expected and what it found, and the
//! names of programs and categories, case-insensitive, with a "did you mean" for near misses.

use jiff::civil::Date;

/// The program names `--programs` takes.
pub(crate) const PROGRAMS: [&str; 4] = ["cec", "fsw", "fst", "pnp"];

/// The longest horizon, in days (ten years).
const MAX_HORIZON: u32 = 3_650;

/// The most simulated futures one command runs: ten million (about a minute per candidate
/// with the fluid engine on one core; 10,000 already give a chance within one point).
pub(crate) const MAX_RUNS: u64 = 10_000_000;

/// What a draw's `--target` names, besides `category:NAME`.
const TARGETS: [&str; 5] = ["all", "cec", "fsw", "fst", "pnp"];

/// One occurrence of a list argument: names separated by `,` or `;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct List(pub(crate) Vec<String>);

/// Every name of every occurrence, in order, each once.
pub(crate) fn flatten(lists: &[List]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in lists.iter().flat_map(|l| &l.0) {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// Names separated by `,` or `;`, trimmed and lowercased; empty names are left out.
pub(crate) fn list(s: &str) -> Result<List, String> {
    Ok(List(
        s.split([',', ';'])
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty())
            .collect(),
    ))
}

/// A list of program names.
pub(crate) fn programs(s: &str) -> Result<List, String> {
    for name in s.split([',', ';']).map(str::trim).filter(|n| !n.is_empty()) {
        known(name, &PROGRAMS, "one of cec, fsw, fst, pnp")?;
    }
    list(s)
}

/// `found` if it is one of `known` (ignoring case), as `known` spells it; otherwise what was
/// expected, what was found, and the nearest name when one is near.
pub(crate) fn known<'a>(found: &str, known: &[&'a str], expected: &str) -> Result<&'a str, String> {
    eesim::suggest::one_of(found, known, expected)
}

/// A date as `YYYY-MM-DD`.
pub(crate) fn date(s: &str) -> Result<Date, String> {
    eesim::time::parse_date(s)
}

/// A whole number from `lo` to `hi`, described as `what`.
fn whole<T: TryFrom<u64>>(s: &str, lo: u64, hi: u64, what: &str) -> Result<T, String> {
    let err = || {
        if hi == u64::MAX {
            format!("expected {what} of at least {lo}, found {}", s.trim())
        } else {
            format!("expected {what} from {lo} to {hi}, found {}", s.trim())
        }
    };
    let n: u64 = s.trim().parse().map_err(|_| err())?;
    if n < lo || n > hi {
        return Err(err());
    }
    T::try_from(n).map_err(|_| err())
}

/// How many simulated futures: 1 to [`MAX_RUNS`].
pub(crate) fn runs(s: &str) -> Result<u64, String> {
    whole(s, 1, MAX_RUNS, "a whole number of runs")
}

/// A draw target, names in any case: `all`, programs separated by `;` or `,` (written back
/// with `;`), or `category:NAME` with one of IRCC's 2026 categories.
pub(crate) fn target(s: &str) -> Result<String, String> {
    let t = s.trim();
    if let Some((head, name)) = t.split_once(':')
        && head.trim().eq_ignore_ascii_case("category")
    {
        let categories = eesim::Categories::ircc_2026();
        let names: Vec<&str> = categories.names().collect();
        let name = known(
            name.trim(),
            &names,
            &format!("a category, one of {}", names.join(", ")),
        )?;
        return Ok(format!("category:{name}"));
    }
    let expected = "all, a program (cec, fsw, fst, pnp; several joined by ';') or category:NAME";
    let parts = t
        .split([';', ','])
        .map(|p| known(p.trim(), &TARGETS, expected))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.len() > 1 && parts.contains(&"all") {
        return Err(format!(
            "expected {expected}, found {t:?} (all stands alone)"
        ));
    }
    Ok(parts.join(";"))
}

/// A time as RFC 3339.
pub(crate) fn timestamp(s: &str) -> Result<eesim::Timestamp, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "expected a time like 2025-05-01T00:00:00Z (RFC 3339, in UTC or with an offset), found {}",
            s.trim()
        )
    })
}

/// The horizon in days: 1 to ten years.
pub(crate) fn horizon(s: &str) -> Result<u32, String> {
    whole(s, 1, u64::from(MAX_HORIZON), "a whole number of days")
}

/// Months from today, separated by commas: `3,6,12` (each from 1 to 60, ascending order not
/// needed, repeats dropped).
pub(crate) fn months(s: &str) -> Result<Months, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let m: u32 = whole(part, 1, 60, "months from today, a whole number")?;
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out.sort_unstable();
    Ok(Months(out))
}

/// Months from today, ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Months(pub(crate) Vec<u32>);

/// A family's rounds set by hand: `cec=3000/14d`, `french=none`.
pub(crate) fn plan(s: &str) -> Result<eesim::forecast::PlanChange, String> {
    s.parse()
}

/// The model's options: `KEY=VALUE` pairs separated by commas.
pub(crate) fn model(s: &str) -> Result<eesim::forecast::ModelOptions, String> {
    s.parse()
}

/// A seed: any whole number that fits in 64 bits.
pub(crate) fn seed(s: &str) -> Result<u64, String> {
    whole(s, 0, u64::MAX, "a whole number")
}

/// A CRS score.
pub(crate) fn crs(s: &str) -> Result<u16, String> {
    whole(s, 0, 1_200, "a CRS score")
}

/// Worker threads: at least one.
pub(crate) fn threads(s: &str) -> Result<usize, String> {
    whole(s, 1, 1_024, "a number of threads")
}

/// A round's size: at least one invitation.
pub(crate) fn size(s: &str) -> Result<u32, String> {
    whole(s, 1, u64::from(u32::MAX), "a number of invitations")
}

/// A shard of the runs, `K/N` with `1 <= K <= N`.
pub(crate) fn shard(s: &str) -> Result<eesim::montecarlo::Shard, String> {
    s.parse().map_err(|_| {
        let found = if s.trim().is_empty() {
            "nothing"
        } else {
            s.trim()
        };
        format!("expected K/N with 1 <= K <= N, found {found}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_take_both_separators_and_any_case() {
        assert_eq!(
            programs("CEC; fsw,Pnp").unwrap().0,
            vec!["cec", "fsw", "pnp"]
        );
        assert_eq!(
            programs("CEX").unwrap_err(),
            "expected one of cec, fsw, fst, pnp, found \"CEX\" (did you mean cec?)"
        );
        assert_eq!(
            flatten(&[list("a,b").unwrap(), list("b;c").unwrap()]),
            vec!["a", "b", "c"]
        );
    }

    #[test]
    fn draw_targets_ignore_case_and_suggest() {
        assert_eq!(target("CEC").unwrap(), "cec");
        assert_eq!(target("Cec, FSW").unwrap(), "cec;fsw");
        assert_eq!(target(" ALL ").unwrap(), "all");
        assert_eq!(target("Category:French").unwrap(), "category:french");
        assert_eq!(
            target("cex").unwrap_err(),
            "expected all, a program (cec, fsw, fst, pnp; several joined by ';') or category:NAME, found \"cex\" (did you mean cec?)"
        );
        assert!(
            target("category:frnch")
                .unwrap_err()
                .contains("(did you mean french?)")
        );
        assert!(
            timestamp("2025-13-01")
                .unwrap_err()
                .starts_with("expected a time like")
        );
    }

    #[test]
    fn numbers_and_dates_say_what_they_expected() {
        assert_eq!(
            horizon("-5").unwrap_err(),
            "expected a whole number of days from 1 to 3650, found -5"
        );
        assert_eq!(
            runs("0").unwrap_err(),
            "expected a whole number of runs from 1 to 10000000, found 0"
        );
        assert_eq!(
            runs("18446744073709551615").unwrap_err(),
            "expected a whole number of runs from 1 to 10000000, found 18446744073709551615"
        );
        assert_eq!(
            date("01/12/2026").unwrap_err(),
            "expected a date like 2026-12-01, found 01/12/2026"
        );
        assert_eq!(
            date("2026-11-15T10:00:00Z").unwrap_err(),
            "expected a date like 2026-12-01 (a day, without a time of day), found 2026-11-15T10:00:00Z"
        );
        assert_eq!(date("2026-11-15").unwrap(), jiff::civil::date(2026, 11, 15));
    }
}
