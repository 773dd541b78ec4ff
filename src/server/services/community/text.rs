//! Members' Markdown turned into safe HTML, with @mentions linked only to handles that exist.

use crate::{domain::AppError, server::markdown};
use sqlx::{Postgres, Transaction};
use std::collections::HashSet;

/// Renders `source` for storage. Runs inside the write's transaction so a mention resolves
/// against the same snapshot the write commits in.
pub(crate) async fn render(
    tx: &mut Transaction<'static, Postgres>,
    source: &str,
) -> Result<String, AppError> {
    let mentioned = markdown::mentioned_handles(source);
    let known: HashSet<String> = if mentioned.is_empty() {
        HashSet::new()
    } else {
        sqlx::query_scalar::<_, String>("select handle from app.profiles where handle = any($1)")
            .bind(&mentioned)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect()
    };
    Ok(markdown::render(source, &known))
}

/// Escapes text for HTML and marks the search matches that `ts_headline` delimited with
/// private-use characters, so nothing a member wrote is ever inserted unescaped.
pub(crate) fn marked_snippet(headline: &str) -> String {
    let mut out = String::with_capacity(headline.len() + 32);
    for ch in headline.chars() {
        match ch {
            '\u{E000}' => out.push_str("<mark>"),
            '\u{E001}' => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_everything_but_the_marks() {
        assert_eq!(
            marked_snippet("<script>x</script> \u{E000}calm\u{E001} & \"q\""),
            "&lt;script&gt;x&lt;/script&gt; <mark>calm</mark> &amp; &quot;q&quot;"
        );
    }
}
