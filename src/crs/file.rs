//! Reading a profile file (TOML or JSON) into a `Profile`, reporting every problem with its path.

use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::breakdown::Breakdown;
use super::language::{Ability, ClbLevels, Language, LanguageResult, LanguageTest, TefScale};
use super::profile::{Age, CanadianEducation, Education, JobOffer, Partner, Profile};
use super::rules::Rules;
use crate::error::{ErrorKind, Result};

const FIELDS: [&str; 15] = [
    "assessed_on",
    "age",
    "birth_date",
    "spouse",
    "education",
    "canadian_education",
    "first_language",
    "second_language",
    "canadian_work_years",
    "foreign_work_years",
    "certificate_of_qualification",
    "provincial_nomination",
    "job_offer",
    "sibling_in_canada",
    "partner",
];
const PARTNER_FIELDS: [&str; 3] = ["education", "language", "canadian_work_years"];
const LANGUAGE_FIELDS: [&str; 7] = [
    "test",
    "scale",
    "language",
    "listening",
    "reading",
    "writing",
    "speaking",
];
const MAX_YEARS: u64 = 50;
const MAX_AGE: u64 = 130;

impl Profile {
    /// Reads a profile from TOML (see [the profile file](super#the-profile-file)).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidProfile`] listing every problem, each with its field path.
    ///
    /// # Example
    /// ```
    /// use eesim::crs::Profile;
    ///
    /// let e = Profile::from_toml(r#"
    ///     assessed_on = "2026-03-01"
    ///     age = 29
    ///     education = "phd"
    ///     first_language = { test = "ielts", listening = 8.0, reading = 9.5, writing = 7.0, speaking = 7.0 }
    /// "#).unwrap_err();
    /// assert_eq!(e.to_string(), "CRS profile: 2 problems: \
    ///     education: expected one of below_secondary, secondary, one_year, two_year, bachelors, two_or_more, masters, doctorate, found \"phd\"; \
    ///     first_language.reading: expected an IELTS band from 0 to 9 in steps of 0.5, found 9.5");
    /// ```
    pub fn from_toml(text: &str) -> Result<Profile> {
        load(text, Format::Toml, "")
    }

    /// Reads a profile from JSON, with the same field names as TOML.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidProfile`] listing every problem, each with its field path.
    ///
    /// # Example
    /// ```
    /// use eesim::crs::Profile;
    ///
    /// let p = Profile::from_json(r#"{
    ///     "assessed_on": "2024-06-01", "age": 30, "education": "secondary",
    ///     "first_language": { "test": "celpip", "listening": 7, "reading": 7, "writing": 7, "speaking": 7 },
    ///     "job_offer": "teer_0_major_group_00"
    /// }"#)?;
    /// let b = p.breakdown()?;
    /// // 105 (age 30) + 30 (secondary) + 4 × 17 (CLB 7) = 203; arranged employment 200 in 2024.
    /// assert_eq!((b.core.total, b.additional.job_offer, b.total.get()), (203, 200, 403));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Profile> {
        load(text, Format::Json, "")
    }

    /// Reads a profile file: JSON when its name ends in `.json`, TOML otherwise.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when it cannot be read; [`ErrorKind::InvalidProfile`] naming the file
    /// and listing every problem.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Profile> {
        let path = path.as_ref();
        let text =
            crate::input::read_text(path, crate::input::FILE_LIMIT).map_err(|e| ErrorKind::Io {
                context: format!("CRS profile {}", path.display()),
                source: crate::error::Cause::new(e),
            })?;
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        };
        load(&text, format, &path.display().to_string())
    }

    /// Scores the profile under the rules in force on its `assessed_on` date.
    ///
    /// # Errors
    /// [`ErrorKind::NoCrsRules`] when `assessed_on` is before 2015-01-01 (never for a profile
    /// read from a file, which checks it).
    pub fn breakdown(&self) -> Result<Breakdown> {
        Ok(Rules::on(self.assessed_on)?.score(self))
    }
}

#[derive(Clone, Copy)]
enum Format {
    Toml,
    Json,
}

fn load(text: &str, format: Format, source: &str) -> Result<Profile> {
    let fail = |problems: Vec<Problem>| {
        ErrorKind::InvalidProfile {
            source_name: source.to_string(),
            problems,
        }
        .into()
    };
    let value = match format {
        Format::Toml => toml::from_str::<toml::Table>(text)
            .map(|t| toml_to_json(toml::Value::Table(t)))
            .map_err(|e| Problem {
                path: String::new(),
                at: Some(e.span().map_or((1, 1), |s| line_column(text, s.start))),
                message: format!("expected TOML, found an error: {}", e.message().trim()),
            }),
        Format::Json => serde_json::from_str::<Value>(text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            Problem {
                path: String::new(),
                at: Some((e.line(), e.column())),
                message: format!("expected JSON, found an error: {message}"),
            }
        }),
    };
    let value = value.map_err(|p| fail(vec![p]))?;
    let mut c = Check::new("profile");
    match c.profile(&value) {
        Some(profile) if c.problems.is_empty() => Ok(profile),
        _ => Err(fail(c.problems)),
    }
}

use crate::check::Check;
use crate::error::Problem;
use crate::error::line_column;

/// TOML values as JSON ones, so one checker reads both; dates become strings.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A language result before its language is settled: the test, a declared language, and the
/// raw scores.
struct RawLanguage<'a> {
    path: String,
    test: Option<LanguageTest>,
    declared: Option<Language>,
    scores: [Option<&'a Value>; 4],
}

impl Check {
    fn choice<T: Copy>(
        &mut self,
        path: &str,
        v: Option<&Value>,
        options: &[(&str, T)],
    ) -> Option<T> {
        let found = v
            .and_then(Value::as_str)
            .and_then(|s| options.iter().find(|(n, _)| *n == s));
        if found.is_none() {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            self.problem(path, &format!("one of {}", names.join(", ")), v);
            if let Some(near) = v
                .and_then(Value::as_str)
                .and_then(|s| crate::suggest::did_you_mean(s, names.iter().copied()))
                && let Some(last) = self.problems.last_mut()
            {
                let _ = write!(last.message, " (did you mean {near}?)");
            }
        }
        found.map(|(_, t)| *t)
    }

    fn whole(&mut self, path: &str, v: Option<&Value>, max: u64, what: &str) -> Option<u8> {
        let n = v
            .and_then(Value::as_u64)
            .filter(|n| *n <= max)
            .and_then(|n| u8::try_from(n).ok());
        if n.is_none() {
            self.problem(
                path,
                &format!("a whole number of {what} from 0 to {max}"),
                v,
            );
        }
        n
    }

    fn years(&mut self, obj: &Map<String, Value>, prefix: &str, key: &str) -> u8 {
        match obj.get(key) {
            None => 0,
            v => self
                .whole(&join(prefix, key), v, MAX_YEARS, "years")
                .unwrap_or(0),
        }
    }

    fn flag(&mut self, obj: &Map<String, Value>, key: &str) -> bool {
        match obj.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            v => {
                self.problem(key, "true or false", v);
                false
            }
        }
    }

    fn education(&mut self, path: &str, v: Option<&Value>) -> Option<Education> {
        let options = Education::ALL.map(|e| (e.name(), e));
        self.choice(path, v, &options)
    }

    fn profile(&mut self, v: &Value) -> Option<Profile> {
        let obj = self.table(Some(v), "profile")?;
        self.unknown(obj, "", &FIELDS, "field", true);
        let assessed_on = self.date(obj.get("assessed_on"), "assessed_on", "2026-03-01");
        if let Some(d) = assessed_on.filter(|d| Rules::on(*d).is_err()) {
            self.push(
                "assessed_on",
                format!("expected a date on or after 2015-01-01, when the CRS began, found {d}"),
            );
        }
        let age = self.age(obj, assessed_on);
        let with_partner = match obj.get("spouse") {
            None => Some(false),
            v => self.choice("spouse", v, &[("none", false), ("accompanying", true)]),
        };
        let education = self.education("education", obj.get("education"));
        let canadian_education = match obj.get("canadian_education") {
            None => Some(CanadianEducation::None),
            v => self.choice(
                "canadian_education",
                v,
                &CanadianEducation::ALL.map(|e| (e.name(), e)),
            ),
        };
        let first = self.raw_language("first_language", obj.get("first_language"), true);
        let second = self.raw_language("second_language", obj.get("second_language"), false);
        let (first_language, second_language) = self.languages(first, second);
        let canadian_work_years = self.years(obj, "", "canadian_work_years");
        let foreign_work_years = self.years(obj, "", "foreign_work_years");
        let certificate_of_qualification = self.flag(obj, "certificate_of_qualification");
        let provincial_nomination = self.flag(obj, "provincial_nomination");
        let sibling_in_canada = self.flag(obj, "sibling_in_canada");
        let job_offer = match obj.get("job_offer") {
            None => Some(JobOffer::None),
            v => self.choice("job_offer", v, &JobOffer::ALL.map(|j| (j.name(), j))),
        };
        let partner = self.partner(obj, with_partner);
        Some(Profile {
            assessed_on: assessed_on?,
            age: age?,
            partner: partner?,
            education: education?,
            canadian_education: canadian_education?,
            first_language: first_language?,
            second_language: second_language?,
            canadian_work_years,
            foreign_work_years,
            certificate_of_qualification,
            provincial_nomination,
            job_offer: job_offer?,
            sibling_in_canada,
        })
    }

    fn age(&mut self, obj: &Map<String, Value>, assessed_on: Option<Date>) -> Option<Age> {
        match (obj.get("age"), obj.get("birth_date")) {
            (Some(_), Some(_)) => {
                self.push("age", "expected either age or birth_date, found both");
                None
            }
            (None, None) => {
                self.push("age", "expected age or birth_date, found neither");
                None
            }
            (v @ Some(_), None) => self.whole("age", v, MAX_AGE, "years").map(Age::Years),
            (None, v @ Some(_)) => {
                let born = self.date(v, "birth_date", "2026-03-01")?;
                if let Some(on) = assessed_on.filter(|on| born > *on) {
                    self.push(
                        "birth_date",
                        format!("expected a date on or before assessed_on ({on}), found {born}"),
                    );
                    return None;
                }
                Some(Age::BornOn(born))
            }
        }
    }

    fn partner(
        &mut self,
        obj: &Map<String, Value>,
        with_partner: Option<bool>,
    ) -> Option<Option<Partner>> {
        let table = obj.get("partner");
        match (with_partner, table) {
            (Some(true), None) => {
                self.problem(
                    "partner",
                    "a partner table when spouse is \"accompanying\"",
                    None,
                );
                None
            }
            (Some(true), Some(t)) => {
                let t = self.table(Some(t), "partner")?;
                self.unknown(t, "partner", &PARTNER_FIELDS, "field", true);
                let education = self.education("partner.education", t.get("education"));
                let raw = self.raw_language("partner.language", t.get("language"), false);
                let language = match raw {
                    Some(Some(raw)) => {
                        let language = raw.declared.or(raw.test.map(LanguageTest::language));
                        self.convert(raw, language.unwrap_or(Language::English))
                            .map(Some)
                    }
                    Some(None) => Some(None),
                    None => None,
                };
                let canadian_work_years = self.years(t, "partner", "canadian_work_years");
                Some(Some(Partner {
                    education: education?,
                    language: language?,
                    canadian_work_years,
                }))
            }
            (_, _) => Some(None),
        }
    }

    /// `None` for a problem, `Some(None)` for an optional result left out.
    fn raw_language<'a>(
        &mut self,
        path: &str,
        v: Option<&'a Value>,
        required: bool,
    ) -> Option<Option<RawLanguage<'a>>> {
        let Some(v) = v else {
            if required {
                self.problem(
                    path,
                    "a language result like { test = \"ielts\", listening = 8.0, ... }",
                    None,
                );
                return None;
            }
            return Some(None);
        };
        let t = self.table(Some(v), path)?;
        self.unknown(t, path, &LANGUAGE_FIELDS, "field", true);
        let kinds = [
            ("ielts", 0),
            ("celpip", 1),
            ("pte_core", 2),
            ("tef", 3),
            ("tcf", 4),
            ("clb", 5),
        ];
        let kind = self.choice(&join(path, "test"), t.get("test"), &kinds);
        let scale = t.get("scale");
        let test = match (kind, scale) {
            (Some(3), s) => self
                .choice(
                    &join(path, "scale"),
                    s,
                    &[
                        ("current", TefScale::Current),
                        ("2019", TefScale::Since2019),
                        ("old", TefScale::Old),
                    ],
                )
                .map(LanguageTest::Tef),
            (Some(_), Some(s)) => {
                self.problem(
                    &join(path, "scale"),
                    "a scale only for test = \"tef\"",
                    Some(s),
                );
                None
            }
            (Some(k), None) => Some(match k {
                0 => LanguageTest::Ielts,
                1 => LanguageTest::Celpip,
                2 => LanguageTest::PteCore,
                4 => LanguageTest::Tcf,
                _ => LanguageTest::Clb(Language::English),
            }),
            (None, _) => None,
        };
        let declared = match t.get("language") {
            None => None,
            v => self.choice(
                &join(path, "language"),
                v,
                &[("english", Language::English), ("french", Language::French)],
            ),
        };
        if let (Some(test), Some(lang)) = (test, declared)
            && kind != Some(5)
            && test.language() != lang
        {
            let found = t.get("language");
            self.problem(
                &join(path, "language"),
                &format!("{} for {}", test.language().name(), test.name()),
                found,
            );
        }
        let scores = Ability::ALL.map(|a| t.get(a.name()));
        Some(Some(RawLanguage {
            path: path.to_string(),
            test,
            declared,
            scores,
        }))
    }

    /// Settles the languages of the first and second results and converts their scores.
    fn languages(
        &mut self,
        first: Option<Option<RawLanguage<'_>>>,
        second: Option<Option<RawLanguage<'_>>>,
    ) -> (Option<LanguageResult>, Option<Option<LanguageResult>>) {
        let named = |r: &Option<Option<RawLanguage<'_>>>| match r {
            Some(Some(r)) => match r.test {
                Some(LanguageTest::Clb(_)) => r.declared,
                t => t.map(LanguageTest::language),
            },
            _ => None,
        };
        let (first_named, second_named) = (named(&first), named(&second));
        let first_language = first_named
            .or(second_named.map(Language::other))
            .unwrap_or(Language::English);
        let second_language = second_named.unwrap_or(first_language.other());
        let first = first
            .flatten()
            .and_then(|r| self.convert(r, first_language));
        let second = match second {
            Some(Some(r)) => {
                let converted = self.convert(r, second_language);
                if first_language == second_language && converted.is_some() {
                    self.push(
                        "second_language",
                        format!(
                            "expected a result in the other official language than first_language, found {} in both",
                            second_language.name()
                        ),
                    );
                    None
                } else {
                    converted.map(Some)
                }
            }
            Some(None) => Some(None),
            None => None,
        };
        (first, second)
    }

    fn convert(&mut self, raw: RawLanguage<'_>, language: Language) -> Option<LanguageResult> {
        let test = match raw.test? {
            LanguageTest::Clb(_) => LanguageTest::Clb(language),
            t => t,
        };
        let mut levels = ClbLevels::all(0).ok()?;
        let mut ok = true;
        for (ability, v) in Ability::ALL.into_iter().zip(raw.scores) {
            let path = join(&raw.path, ability.name());
            match v.and_then(Value::as_f64) {
                None => {
                    self.problem(&path, &test.expected(ability), v);
                    ok = false;
                }
                Some(score) => match test.clb(ability, score) {
                    Ok(level) => levels.set(ability, level),
                    Err(e) => {
                        let e = e.to_string();
                        let (ability, message) = e.split_once(": ").unwrap_or(("", e.as_str()));
                        self.push(&join(&raw.path, ability), message);
                        ok = false;
                    }
                },
            }
        }
        if !ok {
            return None;
        }
        Some(match test {
            LanguageTest::Clb(language) => LanguageResult::from_levels(language, levels),
            t => LanguageResult::with_levels(t, levels),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }

    #[test]
    fn toml_dates_become_strings() {
        let t: toml::Table = toml::from_str("d = 2026-03-01\nf = 7.5\nn = [1]").unwrap();
        let v = toml_to_json(toml::Value::Table(t));
        assert_eq!(v["d"], Value::String("2026-03-01".into()));
        assert_eq!(crate::check::describe(v.get("f")), "7.5");
        assert_eq!(crate::check::describe(v.get("n")), "a list");
        assert_eq!(crate::check::describe(v.get("missing")), "nothing");
    }
}
