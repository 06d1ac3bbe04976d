//! Reading a list of named candidates from CSV: `id,crs,submitted_at,programs,categories`.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use crate::candidate::{Candidate, CandidateId, Categories, Eligibility, NOMINEE_NAME, Program};
use crate::error::{Error, ErrorKind, Result};
use crate::pool::Pool;
use crate::score::CrsScore;
use crate::time::{Period, Timestamp};

/// The columns of a candidate file, in the order eesim writes them.
const COLUMNS: [&str; 5] = ["id", "crs", "submitted_at", "programs", "categories"];

/// Named candidates read from a CSV file.
///
/// The file has the header `id,crs,submitted_at,programs,categories` (columns in any order);
/// `submitted_at` is RFC 3339 to the second; `programs` and `categories` are `;`-separated
/// lower-case names, possibly empty; `pnp` among the programs marks a provincial nominee.
/// Category names the registry does not know are registered: categories are data.
///
/// Ids are the file's strings. They take part in the rank order (after score and submission
/// time), so eesim numbers them in their natural order: numerically when every id is a whole
/// number, otherwise by byte order.
///
/// # Example
/// ```
/// use eesim::{CandidateList, Categories};
///
/// let csv = "id,crs,submitted_at,programs,categories\n\
///            ana,512,2025-06-01T12:00:00Z,cec;fsw,french\n\
///            ben,498,2025-05-01T08:00:00Z,fsw;pnp,\n";
/// let list = CandidateList::from_reader(csv.as_bytes(), Categories::ircc_2026())?;
/// assert_eq!(list.len(), 2);
/// let ben = list.candidates()[1];
/// assert!(ben.eligibility.is_nominee());
/// assert_eq!(list.name(ben.id), Some("ben"));
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CandidateList {
    candidates: Vec<Candidate>,
    names: Vec<String>,
    by_id: Vec<(CandidateId, usize)>,
    categories: Categories,
}

impl CandidateList {
    /// The columns of a candidate file, in the order eesim writes them.
    pub const COLUMNS: [&'static str; 5] = COLUMNS;

    /// Reads a candidate file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file cannot be opened, otherwise as
    /// [`CandidateList::from_reader`].
    pub fn from_path(path: impl AsRef<Path>, categories: Categories) -> Result<Self> {
        let path = path.as_ref();
        let bytes = crate::input::read_bytes(path, crate::input::FILE_LIMIT)
            .map_err(|e| io_error(path, e))?;
        Self::from_reader(bytes.as_slice(), categories).map_err(|e| match e.into_kind() {
            ErrorKind::CandidateFile {
                line,
                field,
                message,
            } => ErrorKind::CandidateFile {
                line,
                field,
                message: format!("{message} (in {})", path.display()),
            }
            .into(),
            other => other.into(),
        })
    }

    /// Reads candidates from CSV text.
    ///
    /// # Errors
    /// [`ErrorKind::CandidateFile`] naming the line and field of the first problem: a missing
    /// or unknown column, a record with the wrong number of fields, an empty or repeated id, a
    /// score outside 0..=1200, a time that is not RFC 3339 to the second, an unknown program,
    /// or an invalid category name.
    pub fn from_reader<R: io::Read>(reader: R, mut categories: Categories) -> Result<Self> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = csv
            .headers()
            .map_err(|e| file_error(1, "header", e.to_string()))?;
        let columns = Columns::find(header)?;
        let mut rows = Vec::new();
        let mut first_line: HashMap<String, u64> = HashMap::new();
        for record in csv.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                file_error(line, "record", e.to_string())
            })?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |i: usize| record.get(i).unwrap_or("");
            let id = field(columns.0[0]).to_string();
            if id.is_empty() {
                return Err(file_error(
                    line,
                    "id",
                    "expected a non-empty id, found \"\"".into(),
                ));
            }
            if let Some(prev) = first_line.insert(id.clone(), line) {
                return Err(file_error(
                    line,
                    "id",
                    format!("expected a unique id, found {id:?} again (first on line {prev})"),
                ));
            }
            let score: CrsScore = field(columns.0[1])
                .parse()
                .map_err(|e: Error| file_error(line, "crs", e.to_string()))?;
            let submitted_at: Timestamp = field(columns.0[2])
                .parse()
                .map_err(|e: Error| file_error(line, "submitted_at", e.to_string()))?;
            let eligibility = parse_programs(field(columns.0[3]))
                .map_err(|e| file_error(line, "programs", e.to_string()))?;
            let eligibility = parse_categories(field(columns.0[4]), eligibility, &mut categories)
                .map_err(|e| file_error(line, "categories", e.to_string()))?;
            rows.push((id, score, submitted_at, eligibility));
        }
        let ids = natural_ids(rows.iter().map(|r| r.0.as_str()));
        let mut by_id: Vec<(CandidateId, usize)> = ids.iter().copied().zip(0..).collect();
        by_id.sort_unstable();
        let candidates = rows
            .iter()
            .zip(&ids)
            .map(|(r, id)| Candidate {
                id: *id,
                score: r.1,
                submitted_at: r.2,
                eligibility: r.3,
            })
            .collect();
        Ok(CandidateList {
            candidates,
            names: rows.into_iter().map(|r| r.0).collect(),
            by_id,
            categories,
        })
    }

    /// The candidates, in file order.
    #[must_use]
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The number of candidates.
    #[must_use]
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Whether the file held no candidate.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The file's id for a candidate id of this list.
    #[must_use]
    pub fn name(&self, id: CandidateId) -> Option<&str> {
        let i = self.by_id.binary_search_by_key(&id, |p| p.0).ok()?;
        self.names.get(self.by_id[i].1).map(String::as_str)
    }

    /// The category registry, with any names the file added.
    #[must_use]
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Holds one round on these candidates: `target` as [`crate::Target::parse`] reads it,
    /// at `at` (when given) after leaving out the profiles submitted later and removing those
    /// expired by then.
    ///
    /// # Errors
    /// As [`crate::Target::parse`].
    pub fn hold_round(&self, target: &str, size: u32, at: Option<Timestamp>) -> Result<HeldRound> {
        let target = crate::draw::Target::parse(target, self.categories())?;
        let mut pool = Pool::with_validity(Period::TWELVE_MONTHS);
        let mut not_submitted = 0;
        for c in &self.candidates {
            if at.is_some_and(|at| c.submitted_at > at) {
                not_submitted += 1;
            } else {
                pool.add_candidate(*c)?;
            }
        }
        let (at, expired) = match at {
            Some(at) => (at, pool.expire(at)),
            None => (Timestamp::from_second(0)?, 0),
        };
        let outcome = pool.draw(&crate::draw::DrawSpec::new(at, target, size));
        let invited = outcome
            .invitees
            .iter()
            .map(|c| self.name(c.id).unwrap_or("?").to_string())
            .collect();
        Ok(HeldRound {
            outcome,
            expired,
            not_submitted,
            invited,
        })
    }

    /// A pool holding every candidate, with profiles valid for `validity`.
    ///
    /// # Errors
    /// None in practice: every candidate is a cohort of one.
    pub fn to_pool(&self, validity: Period) -> Result<Pool> {
        let mut pool = Pool::with_validity(validity);
        for c in &self.candidates {
            pool.add_candidate(*c)?;
        }
        Ok(pool)
    }
}

/// A round held on a candidate list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRound {
    /// What the round did.
    pub outcome: crate::pool::DrawOutcome,
    /// Profiles that had expired by the round's time.
    pub expired: u64,
    /// Candidates left out because they submitted after the round's time.
    pub not_submitted: u64,
    /// The invitees' ids in the file, in rank order.
    pub invited: Vec<String>,
}

impl HeldRound {
    /// Notes for people: candidates left out as not yet submitted, profiles expired, a round
    /// larger than the eligible.
    #[must_use]
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.not_submitted > 0 {
            notes.push(format!(
                "{} candidate(s) submitted after the round and were left out",
                self.not_submitted
            ));
        }
        if self.expired > 0 {
            notes.push(format!(
                "{} profile(s) had expired and were removed",
                self.expired
            ));
        }
        if self.outcome.is_short() {
            notes.push(format!(
                "only {} eligible for a round of {}; all of them are invited",
                self.outcome.invited, self.outcome.requested
            ));
        }
        notes
    }

    /// The round as JSON: `cutoff` and `tie_break` (null when nobody is invited) and
    /// `invited`, the ids in rank order.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "cutoff": self.outcome.cutoff.map(|s| s.get()),
            "tie_break": self.outcome.tie_break.map(|t| t.to_string()),
            "invited": self.invited,
        })
    }
}

/// Where each required column is.
struct Columns([usize; 5]);

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Self> {
        if let Some(extra) = header.iter().find(|h| !COLUMNS.contains(h)) {
            return Err(file_error(
                1,
                "header",
                format!(
                    "expected only the columns {}, found {extra:?}",
                    COLUMNS.join(",")
                ),
            ));
        }
        let mut at = [0; 5];
        for (slot, name) in at.iter_mut().zip(COLUMNS) {
            *slot = header.iter().position(|h| h == name).ok_or_else(|| {
                file_error(
                    1,
                    "header",
                    format!(
                        "expected a column {name:?}, found the columns {:?}",
                        header.iter().collect::<Vec<_>>().join(",")
                    ),
                )
            })?;
        }
        Ok(Columns(at))
    }
}

fn parse_programs(field: &str) -> Result<Eligibility> {
    let mut e = Eligibility::none();
    for name in field.split(';').map(str::trim).filter(|n| !n.is_empty()) {
        e = if name == NOMINEE_NAME {
            e.with_nomination()
        } else {
            let p = Program::ALL.into_iter().find(|p| p.name() == name);
            e.with_program(p.ok_or_else(|| ErrorKind::UnknownProgram {
                found: name.to_string(),
            })?)
        };
    }
    Ok(e)
}

fn parse_categories(
    field: &str,
    mut e: Eligibility,
    categories: &mut Categories,
) -> Result<Eligibility> {
    for name in field.split(';').map(str::trim).filter(|n| !n.is_empty()) {
        e = e.with_category(categories.register(name)?);
    }
    Ok(e)
}

/// Numbers ids in their natural order: as numbers when all are whole numbers written plainly
/// (no sign, no leading zero, so that distinct ids stay distinct), else by bytes.
fn natural_ids<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Vec<CandidateId> {
    let plain = |n: &str| n.parse::<u64>().ok().filter(|v| v.to_string() == n);
    let numeric: Option<Vec<u64>> = names.clone().map(plain).collect();
    if let Some(numbers) = numeric {
        return numbers.into_iter().map(CandidateId).collect();
    }
    let mut sorted: Vec<&str> = names.clone().collect();
    sorted.sort_unstable();
    names
        .map(|n| CandidateId(sorted.binary_search(&n).map_or(0, |i| i as u64)))
        .collect()
}

fn file_error(line: u64, field: &str, message: String) -> Error {
    ErrorKind::CandidateFile {
        line,
        field: field.to_string(),
        message,
    }
    .into()
}

fn io_error(path: &Path, e: io::Error) -> Error {
    ErrorKind::Io {
        context: format!("reading {}", path.display()),
        source: crate::error::Cause::new(e),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<CandidateList> {
        CandidateList::from_reader(text.as_bytes(), Categories::ircc_2026())
    }

    const HEADER: &str = "id,crs,submitted_at,programs,categories\n";

    #[test]
    fn err_lines_and_fields_are_named() {
        let cases = [
            (
                "a,1300,2025-01-01T00:00:00Z,cec,\n",
                "line 2, field crs: CRS score: expected an integer from 0 to 1200, found 1300",
            ),
            (
                "a,500,2025-01-01,cec,\n",
                "line 2, field submitted_at: timestamp: expected an RFC 3339 UTC time to the second, like \"2025-06-01T12:00:00Z\", found \"2025-01-01\"",
            ),
            (
                "a,500,2025-01-01T00:00:00Z,cec;xyz,\n",
                "line 2, field programs: program: expected one of cec, fsw, fst, pnp, found \"xyz\"",
            ),
            (
                "a,500,2025-01-01T00:00:00Z,cec,French\n",
                "line 2, field categories: category name: expected lower-case letters, digits and '_', found \"French\"",
            ),
            (
                "a,500,2025-01-01T00:00:00Z,cec,\na,501,2025-01-01T00:00:00Z,cec,\n",
                "line 3, field id: expected a unique id, found \"a\" again (first on line 2)",
            ),
            (
                ",500,2025-01-01T00:00:00Z,cec,\n",
                "line 2, field id: expected a non-empty id, found \"\"",
            ),
        ];
        for (body, message) in cases {
            let e = read(&format!("{HEADER}{body}")).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
        let e = read("id,crs,submitted,programs,categories\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, field header: expected only the columns id,crs,submitted_at,programs,categories, found \"submitted\""
        );
        let e = read(&format!("{HEADER}a,500\n")).unwrap_err();
        assert!(e.to_string().starts_with("line 2, field record: "), "{e}");
    }

    #[test]
    fn ids_follow_natural_order() {
        let l = read(&format!(
            "{HEADER}10,500,2025-01-01T00:00:00Z,cec,\n9,500,2025-01-01T00:00:00Z,cec,\n"
        ))
        .unwrap();
        assert!(l.candidates()[1].id < l.candidates()[0].id);
        let l = read(&format!(
            "{HEADER}b,500,2025-01-01T00:00:00Z,cec,\na,500,2025-01-01T00:00:00Z,cec,\n"
        ))
        .unwrap();
        assert!(l.candidates()[1].id < l.candidates()[0].id);
        assert_eq!(l.name(l.candidates()[1].id), Some("a"));
        // "7" and "007" are different ids: byte order, and both names survive.
        let l = read(&format!(
            "{HEADER}7,500,2025-01-01T00:00:00Z,cec,\n007,500,2025-01-01T00:00:00Z,cec,\n"
        ))
        .unwrap();
        assert_ne!(l.candidates()[0].id, l.candidates()[1].id);
        assert_eq!(l.name(l.candidates()[1].id), Some("007"));
    }

    #[test]
    fn new_categories_are_registered_and_columns_may_move() {
        let l = read("categories,programs,submitted_at,crs,id\nagriculture;french,fst,2025-01-01T00:00:00Z,450,x\n").unwrap();
        let c = l.candidates()[0];
        assert!(
            c.eligibility
                .has_category(l.categories().id("agriculture").unwrap())
        );
        assert!(c.eligibility.has_program(Program::Fst));
        assert_eq!(c.score.get(), 450);
    }
}
