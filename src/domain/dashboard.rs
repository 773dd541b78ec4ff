//! The staff dashboard (`/admin`) as the page receives it: charts already drawn on the server
//! (SVG), each with the same figures as a table, and the figures that are a single number.
//! Site staff see the community's figures; admins also see this instance's traffic and the
//! database's health.

use serde::{Deserialize, Serialize};

/// One chart: its SVG (absent if it could not be drawn), the series' names in their colours,
/// and the figures as rows (a label, then one value per series).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    /// One sentence on what it shows and where the numbers come from.
    pub caption: String,
    pub svg: Option<String>,
    /// (name, colour) per series, in drawing order.
    pub series: Vec<(String, String)>,
    /// The first column's heading ("Day", "Minute (UTC)").
    pub label_heading: String,
    pub rows: Vec<(String, Vec<String>)>,
}

/// A labelled figure ("Open reports", "12").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// What site staff see: the last days of the community and the review backlog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommunityFigures {
    pub days: u32,
    pub figures: Vec<Figure>,
    pub charts: Vec<Chart>,
}

/// A table in the database, by size.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableSize {
    pub name: String,
    pub size: String,
    pub rows: i64,
}

/// A statement from pg_stat_statements, slowest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlowStatement {
    pub query: String,
    pub calls: i64,
    pub mean_ms: f64,
}

/// What admins see besides: this instance's last hour and the database's health.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationsFigures {
    pub figures: Vec<Figure>,
    pub charts: Vec<Chart>,
    pub biggest_tables: Vec<TableSize>,
    /// Whether pg_stat_statements is installed; `slowest` is empty without it.
    pub statements_available: bool,
    pub slowest: Vec<SlowStatement>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Site staff (moderators and admins of the whole site) only.
    pub community: Option<CommunityFigures>,
    /// Admins only.
    pub operations: Option<OperationsFigures>,
}

/// Bytes as people read them: "812 kB", "1.4 GB".
pub fn byte_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A wait in seconds as people read it: "40 s", "12 min", "3.5 h", "2.1 days".
pub fn wait_label(secs: f64) -> String {
    if secs < 90.0 {
        format!("{secs:.0} s")
    } else if secs < 90.0 * 60.0 {
        format!("{:.0} min", secs / 60.0)
    } else if secs < 36.0 * 3600.0 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} days", secs / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_waits_read_naturally() {
        assert_eq!(byte_size(512), "512 B");
        assert_eq!(byte_size(10_517_863), "10.5 MB");
        assert_eq!(byte_size(250_000_000), "250 MB");
        assert_eq!(wait_label(42.0), "42 s");
        assert_eq!(wait_label(720.0), "12 min");
        assert_eq!(wait_label(3.5 * 3600.0), "3.5 h");
        assert_eq!(wait_label(3.0 * 86_400.0), "3.0 days");
    }
}
