//! Keyset pagination cursors: "older than this (time, id)", never an offset.

use serde::{Deserialize, Serialize};

/// A position in a list ordered by a score (microseconds since the epoch, or a count for
/// ranked lists) then id, both descending. Written into URLs as `<score>.<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub score: i64,
    pub id: i64,
}

/// The largest score a cursor may carry, either sign.
const MAX_SCORE: u64 = 10_000_000_000_000_000;

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.score, self.id)
    }

    /// `None` for an empty string (the first page); an error for anything malformed.
    pub fn parse(value: &str) -> Result<Option<Self>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let invalid = || "That page link isn't valid. Please start from the first page.".to_owned();
        let (score, id) = value.split_once('.').ok_or_else(invalid)?;
        let score: i64 = score.parse().map_err(|_| invalid())?;
        let id: i64 = id.parse().map_err(|_| invalid())?;
        // Scores are microseconds since 1970 or counts: anything beyond ±10^16 (the year
        // 2286) is no page of ours, and would overflow the database's interval arithmetic.
        if id <= 0 || score.unsigned_abs() > MAX_SCORE {
            return Err(invalid());
        }
        Ok(Some(Cursor { score, id }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            score: 1_764_000_000_000_000,
            id: 17,
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Ok(Some(cursor)));
        assert_eq!(Cursor::parse(""), Ok(None));
        for bad in [
            "abc",
            "1.",
            ".5",
            "1.0",
            "1.-3",
            "1;drop table",
            "1.2.3",
            "9223372036854775807.5",
            "-10000000000000001.5",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
