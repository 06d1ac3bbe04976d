//! Tolerant parsers for the feed's hand-typed fields: counts, scores, dates and datetimes.
//!
//! Each parser returns what it read plus the guesses it had to make ([`Guess`]), or the
//! description of what it expected. Positions are added by the caller.

use jiff::civil::Date;

use crate::time::Timestamp;

/// What a datetime field should look like, for messages.
pub(crate) const EXPECTED_DATETIME: &str = "a datetime like \"August 7, 2026 at 10:08:20 UTC\"";
/// What a long date field should look like, for messages.
pub(crate) const EXPECTED_LONG_DATE: &str = "a date like \"February 15, 2026\"";

/// Something a parser assumed because the text did not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guess {
    /// No zone: UTC was assumed.
    MissingZone,
    /// A 24-hour time (13 or later) followed by PM: read as 24-hour.
    HourWithPm,
    /// A 24-hour time (13 or later) followed by AM: read as 24-hour.
    HourWithAm,
}

/// A count with optional thousands separators (`"16,559"`), or `None` when blank.
pub(crate) fn count(raw: &str) -> Result<Option<u32>, ()> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    digits.parse().map(Some).map_err(|_| ())
}

/// An ISO date (`2026-02-20`), allowing surrounding spaces.
pub(crate) fn iso_date(raw: &str) -> Option<Date> {
    raw.trim().parse().ok()
}

/// A draw name with any HTML tags and entities removed and spaces collapsed.
pub(crate) fn plain_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace('\u{a0}', " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Num(String),
    Punct(char),
}

fn tokenize(raw: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                s.push(d);
                chars.next();
            }
            tokens.push(Token::Num(s));
        } else if c.is_alphabetic() {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                s.extend(d.to_lowercase());
                chars.next();
            }
            tokens.push(Token::Word(s));
        } else {
            tokens.push(Token::Punct(c));
            chars.next();
        }
    }
    tokens
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<i8> {
    if word.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| m.starts_with(word))?;
    i8::try_from(i + 1).ok()
}

/// A cursor over tokens with the few look-ahead helpers the grammar needs.
struct Cursor {
    tokens: Vec<Token>,
    at: usize,
}

impl Cursor {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }
    fn peek2(&self) -> Option<&Token> {
        self.tokens.get(self.at + 1)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }
    fn eat_punct(&mut self, set: &[char]) {
        while matches!(self.peek(), Some(Token::Punct(c)) if set.contains(c)) {
            self.at += 1;
        }
    }
    fn eat_word(&mut self, words: &[&str]) -> Option<String> {
        match self.peek() {
            Some(Token::Word(w)) if words.contains(&w.as_str()) => {
                let w = w.clone();
                self.at += 1;
                Some(w)
            }
            _ => None,
        }
    }
    fn num(&mut self) -> Option<u32> {
        match self.peek() {
            Some(Token::Num(n)) if n.len() <= 4 => {
                let v = n.parse().ok();
                self.at += 1;
                v
            }
            _ => None,
        }
    }
    fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }
}

/// The parts of a hand-typed date or datetime, before the year is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) year: Option<i16>,
    month: i8,
    day: i8,
    time: Option<(i8, i8, i8)>,
    /// Guesses other than the year (zone, AM/PM).
    pub(crate) guesses: Vec<Guess>,
}

impl Parts {
    /// The calendar date in `year` when the text gave none.
    pub(crate) fn date_in(&self, year: i16) -> Option<Date> {
        Date::new(self.year.unwrap_or(year), self.month, self.day).ok()
    }

    /// The UTC instant in `year` when the text gave none; `None` outside eesim's time range
    /// (late on 9999-12-30 and after), which is never clamped.
    pub(crate) fn timestamp_in(&self, year: i16) -> Option<Timestamp> {
        let date = self.date_in(year)?;
        let (h, m, s) = self.time?;
        let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
        let midnight = Timestamp::from_date(date).ok()?;
        Timestamp::from_second(midnight.as_second() + secs).ok()
    }
}

/// Reads `Month day[,.] [year][,] [at] [yyyy-mm-dd] [hh:mm[:ss]] [AM|PM] [UTC]`.
///
/// Returns `None` on anything else, including an impossible date, time or a repeated ISO
/// date that disagrees with the written one.
pub(crate) fn when(raw: &str) -> Option<Parts> {
    let mut c = Cursor {
        tokens: tokenize(raw),
        at: 0,
    };
    let month = match c.next()? {
        Token::Word(w) => month(&w)?,
        _ => return None,
    };
    let day = i8::try_from(c.num()?).ok()?;
    c.eat_word(&["st", "nd", "rd", "th"]);
    c.eat_punct(&[',', '.']);
    let mut year = None;
    // A four-digit number not followed by ':' is the year.
    if let Some(Token::Num(n)) = c.peek()
        && n.len() == 4
        && !matches!(c.peek2(), Some(Token::Punct(':')))
    {
        year = Some(i16::try_from(c.num()?).ok()?);
    }
    c.eat_punct(&[',', '.']);
    c.eat_word(&["at"]);
    // Some rounds repeat the date in ISO form before the time.
    if let (Some(Token::Num(n)), Some(Token::Punct('-'))) = (c.peek(), c.peek2())
        && n.len() == 4
    {
        let y = c.num()?;
        c.eat_punct(&['-']);
        let m = c.num()?;
        c.eat_punct(&['-']);
        let d = c.num()?;
        let same = year.is_none_or(|yr| u32::try_from(yr).ok() == Some(y));
        if !same || m != u32::from(month.unsigned_abs()) || d != u32::from(day.unsigned_abs()) {
            return None;
        }
        year = Some(i16::try_from(y).ok()?);
    }
    let mut parts = Parts {
        year,
        month,
        day,
        time: None,
        guesses: Vec::new(),
    };
    if c.done() {
        Date::new(year.unwrap_or(2000), month, day).ok()?;
        return Some(parts);
    }
    let mut hour = c.num()?;
    c.eat_punct(&[':']);
    let minute = c.num()?;
    let second = if matches!(c.peek(), Some(Token::Punct(':'))) {
        c.eat_punct(&[':']);
        c.num()?
    } else {
        0
    };
    match c.eat_word(&["am", "pm"]).as_deref() {
        Some("pm") if hour >= 13 => parts.guesses.push(Guess::HourWithPm),
        Some("am") if hour >= 13 => parts.guesses.push(Guess::HourWithAm),
        Some("pm") if hour < 12 => hour += 12,
        Some("am") if hour == 12 => hour = 0,
        _ => {}
    }
    if c.eat_word(&["utc", "gmt", "z"]).is_none() {
        parts.guesses.push(Guess::MissingZone);
    }
    if !c.done() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    parts.time = Some((
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
    ));
    // Reject impossible dates now (February 30); a missing year is checked by the caller.
    Date::new(year.unwrap_or(2000), month, day).ok()?;
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(raw: &str, year: i16) -> (String, Vec<Guess>) {
        let p = when(raw).unwrap_or_else(|| panic!("{raw:?} did not parse"));
        (p.timestamp_in(year).unwrap().to_string(), p.guesses.clone())
    }

    #[test]
    fn every_shape_of_the_issue_parses() {
        let cases = [
            ("March 29, 2022, at 16:09:00 UTC", "2022-03-29T16:09:00Z"),
            ("October 10, 2022 17:10:53 UTC", "2022-10-10T17:10:53Z"),
            ("May 19,2022 06:48:41 UTC", "2022-05-19T06:48:41Z"),
            ("August 30. 2023 at 17:30:21 UTC", "2023-08-30T17:30:21Z"),
            ("July 3rd 2026 at 21:35:13 UTC", "2026-07-03T21:35:13Z"),
            (
                "September 30, 2023 at 04:22:17 AM UTC",
                "2023-09-30T04:22:17Z",
            ),
            ("May 31, 2024 at12:48:30 UTC", "2024-05-31T12:48:30Z"),
            ("October 18, 2025 at  7:18:52 UTC", "2025-10-18T07:18:52Z"),
            (" January 17, 2018 at 12:33:00 UTC", "2018-01-17T12:33:00Z"),
            ("July 04, 2023 at 19:36:18 UTC ", "2023-07-04T19:36:18Z"),
            ("May 26 2025 at 12:28:38 UTC", "2025-05-26T12:28:38Z"),
            (
                "January 23, 2025 at 2025-01-23 15:30:04 UTC",
                "2025-01-23T15:30:04Z",
            ),
            ("June 1, 2024 at 12:05:00 PM UTC", "2024-06-01T12:05:00Z"),
            ("June 1, 2024 at 12:05:00 AM UTC", "2024-06-01T00:05:00Z"),
            ("June 1, 2024 at 1:05:00 PM UTC", "2024-06-01T13:05:00Z"),
        ];
        for (raw, want) in cases {
            assert_eq!(ts(raw, 1999), (want.to_string(), vec![]), "{raw:?}");
        }
    }

    #[test]
    fn guesses_are_reported() {
        assert_eq!(
            ts("June 15, 2023 at 23:49:05", 1999),
            ("2023-06-15T23:49:05Z".into(), vec![Guess::MissingZone])
        );
        assert_eq!(
            ts("June 22, 2021 at 20:19:59 PM UTC", 1999),
            ("2021-06-22T20:19:59Z".into(), vec![Guess::HourWithPm])
        );
        assert_eq!(
            ts("October 25, 2023 at 15:48:39 AM UTC", 1999),
            ("2023-10-25T15:48:39Z".into(), vec![Guess::HourWithAm])
        );
        assert_eq!(
            ts("October 7 at 16:38:21 UTC", 2021),
            ("2021-10-07T16:38:21Z".into(), vec![])
        );
        assert_eq!(when("October 7 at 16:38:21 UTC").unwrap().year, None);
    }

    #[test]
    fn nonsense_is_rejected() {
        for raw in [
            "",
            "yesterday",
            "13/05/2023",
            "February 30, 2023 at 10:00:00 UTC",
            "May 5, 2023 at 25:00:00 UTC",
            "May 5, 2023 at 10:00:00 UTC extra",
            "January 23, 2025 at 2025-01-24 15:30:04 UTC",
            "Ma 5, 2023",
        ] {
            assert!(when(raw).is_none(), "{raw:?} parsed");
        }
    }

    #[test]
    fn long_dates_have_no_time() {
        let p = when("February 15, 2026").unwrap();
        assert_eq!(p.date_in(1999), Date::new(2026, 2, 15).ok());
        assert_eq!(p.timestamp_in(1999), None);
    }

    #[test]
    fn counts_allow_separators_and_blanks() {
        assert_eq!(count("16,559"), Ok(Some(16_559)));
        assert_eq!(count(" 1 234 "), Ok(Some(1_234)));
        assert_eq!(count(""), Ok(None));
        assert_eq!(count("0"), Ok(Some(0)));
        assert_eq!(count("-5"), Err(()));
        assert_eq!(count("1.5"), Err(()));
        assert_eq!(count("99999999999"), Err(()));
    }

    #[test]
    fn plain_text_strips_html() {
        assert_eq!(
            plain_text("<b>French</b>&nbsp;language  proficiency "),
            "French language proficiency"
        );
    }
}
