//! Serde structs that mirror the IRCC rounds feed verbatim: every field a string, nothing checked.
//!
//! The feed is hand-maintained, so this layer accepts anything JSON can hold: a missing field,
//! a number where a string belongs, a record that is not an object. Each oddity is kept as a
//! [`RawField`] or [`RawRecord`] variant for the conversion layer to report with its position.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The whole feed: `{"classes": ..., "rounds": [...]}`; only `rounds` is read.
#[derive(Debug, Deserialize)]
pub(crate) struct RawFeed {
    /// The rounds, newest first in IRCC's copy (the order does not matter here).
    pub(crate) rounds: Option<Vec<RawRecord>>,
}

/// One element of the `rounds` array.
#[derive(Debug)]
pub(crate) enum RawRecord {
    /// A JSON object: a round, possibly with odd fields.
    Round(Box<RawRound>),
    /// Anything else, described for the report (such as `a number 5`).
    NotAnObject(String),
}

/// One round as published. Field names follow the feed exactly.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawRound {
    #[serde(rename = "drawNumber")]
    pub(crate) draw_number: RawField,
    #[serde(rename = "drawDate")]
    pub(crate) draw_date: RawField,
    #[serde(rename = "drawName")]
    pub(crate) draw_name: RawField,
    #[serde(rename = "drawSize")]
    pub(crate) draw_size: RawField,
    #[serde(rename = "drawCRS")]
    pub(crate) draw_crs: RawField,
    #[serde(rename = "drawDateTime")]
    pub(crate) draw_date_time: RawField,
    #[serde(rename = "drawCutOff")]
    pub(crate) draw_cut_off: RawField,
    #[serde(rename = "drawDistributionAsOn")]
    pub(crate) distribution_as_on: RawField,
    pub(crate) dd1: RawField,
    pub(crate) dd2: RawField,
    pub(crate) dd3: RawField,
    pub(crate) dd4: RawField,
    pub(crate) dd5: RawField,
    pub(crate) dd6: RawField,
    pub(crate) dd7: RawField,
    pub(crate) dd8: RawField,
    pub(crate) dd9: RawField,
    pub(crate) dd10: RawField,
    pub(crate) dd11: RawField,
    pub(crate) dd12: RawField,
    pub(crate) dd13: RawField,
    pub(crate) dd14: RawField,
    pub(crate) dd15: RawField,
    pub(crate) dd16: RawField,
    pub(crate) dd17: RawField,
    pub(crate) dd18: RawField,
}

impl RawRound {
    /// The distribution fields `dd1`..`dd18`, in order, with their names.
    pub(crate) fn distribution(&self) -> [(&'static str, &RawField); 18] {
        [
            ("dd1", &self.dd1),
            ("dd2", &self.dd2),
            ("dd3", &self.dd3),
            ("dd4", &self.dd4),
            ("dd5", &self.dd5),
            ("dd6", &self.dd6),
            ("dd7", &self.dd7),
            ("dd8", &self.dd8),
            ("dd9", &self.dd9),
            ("dd10", &self.dd10),
            ("dd11", &self.dd11),
            ("dd12", &self.dd12),
            ("dd13", &self.dd13),
            ("dd14", &self.dd14),
            ("dd15", &self.dd15),
            ("dd16", &self.dd16),
            ("dd17", &self.dd17),
            ("dd18", &self.dd18),
        ]
    }
}

/// One field's value as found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) enum RawField {
    /// Absent, or JSON `null`.
    #[default]
    Missing,
    /// A string, as written.
    Text(String),
    /// Another JSON type, described for the report (such as `a number 5`).
    Other(String),
}

impl RawField {
    /// How the value reads in a message: the string quoted, or its description.
    pub(crate) fn describe(&self) -> String {
        match self {
            RawField::Missing => "no value".to_string(),
            RawField::Text(s) => format!("{s:?}"),
            RawField::Other(d) => d.clone(),
        }
    }
}

/// Accepts any JSON value and sorts it into string, missing or other.
struct AnyValue;

impl<'de> Visitor<'de> for AnyValue {
    type Value = RawField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawField, E> {
        Ok(RawField::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawField, E> {
        Ok(RawField::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawField, E> {
        Ok(RawField::Other(format!("a boolean {v}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawField, E> {
        Ok(RawField::Other(format!("a number {v}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawField, E> {
        Ok(RawField::Other(format!("a number {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawField, E> {
        Ok(RawField::Other(format!("a number {v}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawField, E> {
        Ok(RawField::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<RawField, E> {
        Ok(RawField::Missing)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawField, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawField::Other("an array".to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawField, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(RawField::Other("an object".to_string()))
    }
}

impl<'de> Deserialize<'de> for RawField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyValue)
    }
}

/// Accepts any JSON value as a record: objects become rounds, the rest is described.
struct AnyRecord;

impl<'de> Visitor<'de> for AnyRecord {
    type Value = RawRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRecord, A::Error> {
        let round = RawRound::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(RawRecord::Round(Box::new(round)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject(format!("{v:?}")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject(format!("a boolean {v}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject(format!("a number {v}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject(format!("a number {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject(format!("a number {v}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawRecord, E> {
        Ok(RawRecord::NotAnObject("null".to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRecord, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawRecord::NotAnObject("an array".to_string()))
    }
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyRecord)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_values_are_kept_not_rejected() {
        let feed: RawFeed = serde_json::from_str(
            r#"{"rounds": [{"drawNumber": "91a", "drawSize": 500, "drawCRS": null, "extra": [1]},
                          7, "x", [], null]}"#,
        )
        .unwrap();
        let rounds = feed.rounds.unwrap();
        assert_eq!(rounds.len(), 5);
        let RawRecord::Round(r) = &rounds[0] else {
            panic!("expected a round")
        };
        assert_eq!(r.draw_number, RawField::Text("91a".into()));
        assert_eq!(r.draw_size, RawField::Other("a number 500".into()));
        assert_eq!(r.draw_crs, RawField::Missing);
        assert_eq!(r.draw_name, RawField::Missing);
        let described: Vec<String> = rounds[1..]
            .iter()
            .map(|r| match r {
                RawRecord::NotAnObject(d) => d.clone(),
                RawRecord::Round(_) => "round".into(),
            })
            .collect();
        assert_eq!(described, ["a number 7", "\"x\"", "an array", "null"]);
    }

    #[test]
    fn describe_quotes_text() {
        assert_eq!(RawField::Text("1,5".into()).describe(), "\"1,5\"");
        assert_eq!(RawField::Missing.describe(), "no value");
    }
}
