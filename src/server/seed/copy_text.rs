//! Rows in PostgreSQL's COPY text format, built in memory and sent in one piece, plus the two
//! renderings every seeded text needs: paragraphs as HTML and times as timestamps.

use std::fmt::Write as _;
use uuid::Uuid;

/// Seconds since the Unix epoch, UTC. Seeded times are whole seconds.
pub type Seconds = i64;

/// Tab-separated rows, one per line, with `\N` for null and backslash escapes for the
/// characters the format reserves.
#[derive(Default)]
pub struct CopyRows {
    text: String,
    rows: u64,
    at_row_start: bool,
}

impl CopyRows {
    pub fn new() -> Self {
        Self {
            at_row_start: true,
            ..Self::default()
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn separate(&mut self) {
        if self.at_row_start {
            self.at_row_start = false;
        } else {
            self.text.push('\t');
        }
    }

    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        escape_into(&mut self.text, value);
        self
    }

    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.text.push_str("\\N");
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.separate();
        let _ = write!(self.text, "{value}");
        self
    }

    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.separate();
        self.text.push(if value { 't' } else { 'f' });
        self
    }

    pub fn uuid(&mut self, value: Uuid) -> &mut Self {
        self.separate();
        let _ = write!(self.text, "{}", value.hyphenated());
        self
    }

    pub fn opt_uuid(&mut self, value: Option<Uuid>) -> &mut Self {
        match value {
            Some(value) => self.uuid(value),
            None => self.null(),
        }
    }

    pub fn time(&mut self, value: Seconds) -> &mut Self {
        self.separate();
        write_timestamp(&mut self.text, value);
        self
    }

    /// A `text[]` literal with every element quoted, so spaces and commas are safe.
    pub fn text_array(&mut self, values: &[&str]) -> &mut Self {
        let mut literal = String::from("{");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                literal.push(',');
            }
            literal.push('"');
            for c in value.chars() {
                if c == '"' || c == '\\' {
                    literal.push('\\');
                }
                literal.push(c);
            }
            literal.push('"');
        }
        literal.push('}');
        self.text(&literal)
    }

    pub fn end_row(&mut self) {
        self.text.push('\n');
        self.rows += 1;
        self.at_row_start = true;
    }
}

fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS+00`, which `timestamptz` reads without a time-zone setting.
fn write_timestamp(out: &mut String, value: Seconds) {
    let at = time::OffsetDateTime::from_unix_timestamp(value)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
}

/// Plain paragraphs as HTML: each escaped into its own `<p>`, exactly what the Markdown
/// renderer gives for text without markup (the phrase banks use none).
pub fn paragraphs_html(paragraphs: &[String]) -> String {
    let mut html = String::new();
    for paragraph in paragraphs {
        html.push_str("<p>");
        for c in paragraph.chars() {
            match c {
                '&' => html.push_str("&amp;"),
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                other => html.push(other),
            }
        }
        html.push_str("</p>\n");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped_and_null_is_marked() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\nc\\d").null().int(7).bool(true);
        rows.end_row();
        assert_eq!(
            std::str::from_utf8(rows.as_bytes()).ok(),
            Some("a\\tb\\nc\\\\d\t\\N\t7\tt\n")
        );
        assert_eq!(rows.rows(), 1);
    }

    #[test]
    fn arrays_quote_every_element() {
        let mut rows = CopyRows::new();
        rows.text_array(&["Yoga", "say \"hi\""]);
        rows.end_row();
        assert_eq!(
            std::str::from_utf8(rows.as_bytes()).ok(),
            Some("{\"Yoga\",\"say \\\\\"hi\\\\\"\"}\n")
        );
    }

    #[test]
    fn timestamps_are_utc_iso_dates() {
        let mut rows = CopyRows::new();
        rows.time(1_700_000_000);
        rows.end_row();
        assert_eq!(
            std::str::from_utf8(rows.as_bytes()).ok(),
            Some("2023-11-14 22:13:20+00\n")
        );
    }

    #[test]
    fn paragraphs_are_escaped_into_their_own_elements() {
        let html = paragraphs_html(&["Movement & <Mobility>".into(), "Second.".into()]);
        assert_eq!(
            html,
            "<p>Movement &amp; &lt;Mobility&gt;</p>\n<p>Second.</p>\n"
        );
    }
}
