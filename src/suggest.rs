//! "Did you mean": the nearest of a list of known names to a name that is not one of them.

/// The known name nearest to `found` (ignoring case), when it is near enough to be a likely
/// slip: at most one edit for names of up to five letters, two up to eight, three beyond.
/// A known name that starts with `found` (three letters or more) also counts as near.
///
/// # Example
/// ```
/// use eesim::suggest::did_you_mean;
///
/// let fields = ["education", "experience", "age"];
/// assert_eq!(did_you_mean("eduction", fields), Some("education"));
/// assert_eq!(did_you_mean("EXPER", fields), Some("experience"));
/// assert_eq!(did_you_mean("salary", fields), None);
/// ```
#[must_use]
pub fn did_you_mean<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let found = found.trim().to_lowercase();
    let allowed = match found.chars().count() {
        0 => return None,
        1..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for k in known {
        let lower = k.to_lowercase();
        let d = if found.chars().count() >= 3 && lower.starts_with(&found) {
            1
        } else {
            distance(&found, &lower)
        };
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// The edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of
/// two neighbouring letters, each counting one.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: the distance between a[..i] and b[..j]; three rows suffice for swaps.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// `found` if it is one of `known` (ignoring case), as `known` spells it; otherwise a
/// message with what was `expected`, what was found, and the nearest name when one is near.
///
/// # Errors
/// The message, for a name that is not one of `known`.
///
/// # Example
/// ```
/// use eesim::suggest::one_of;
///
/// assert_eq!(one_of("CEC", &["cec", "fsw"], "one of cec, fsw"), Ok("cec"));
/// assert_eq!(
///     one_of("cex", &["cec", "fsw"], "one of cec, fsw").unwrap_err(),
///     "expected one of cec, fsw, found \"cex\" (did you mean cec?)"
/// );
/// ```
pub fn one_of<'a>(found: &str, known: &[&'a str], expected: &str) -> Result<&'a str, String> {
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(found.trim())) {
        return Ok(k);
    }
    let hint = did_you_mean(found, known.iter().copied())
        .map_or_else(String::new, |k| format!(" (did you mean {k}?)"));
    Err(format!("expected {expected}, found {found:?}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("cec", "cce"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("french", "french"), 0);
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let cats = ["french", "healthcare", "stem", "trades"];
        assert_eq!(did_you_mean("frnech", cats), Some("french"));
        assert_eq!(did_you_mean("Health", cats), Some("healthcare"));
        assert_eq!(did_you_mean("sten", cats), Some("stem"));
        assert_eq!(did_you_mean("xyz", cats), None);
        assert_eq!(did_you_mean("", cats), None);
    }
}
