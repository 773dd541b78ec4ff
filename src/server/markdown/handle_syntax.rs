//! What counts as an `@handle` inside a run of text.

use std::ops::Range;

/// Handles are 3 to 30 characters of `[a-z0-9_]` (see the account rules); written mentions
/// may use capitals, which fold to the handle.
const HANDLE_LENGTH: std::ops::RangeInclusive<usize> = 3..=30;

/// One `@handle` in a text: where the `@handle` is (bytes, `@` included) and the handle it
/// names, in lower case.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct WrittenMention {
    pub span: Range<usize>,
    pub handle: String,
}

/// Finds the mentions in `text`. An `@` right after a letter, digit or `_` is part of a word
/// (`alice@example.com`), not a mention; a handle must be the whole run of handle characters,
/// so `@a_very_long…` past 30 characters is nobody rather than a prefix of someone; and
/// `@alice@example.social` names an account elsewhere, not our `alice`.
pub(super) fn written_mentions(text: &str) -> Vec<WrittenMention> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let preceded_by_word = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_word {
            continue;
        }
        let start = at + 1;
        let length = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - start);
        let end = start + length;
        let followed_by_word = text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '@');
        if HANDLE_LENGTH.contains(&length) && !followed_by_word {
            found.push(WrittenMention {
                span: at..end,
                handle: text[start..end].to_ascii_lowercase(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handles(text: &str) -> Vec<String> {
        written_mentions(text)
            .into_iter()
            .map(|m| m.handle)
            .collect()
    }

    #[test]
    fn finds_handles_with_their_span_and_folds_case() {
        assert_eq!(
            written_mentions("hi @Alice_1!"),
            [WrittenMention {
                span: 3..11,
                handle: "alice_1".to_owned()
            }]
        );
    }

    #[test]
    fn mention_at_start_end_and_after_punctuation() {
        assert_eq!(
            handles("@bob, (@carol) and @dave"),
            ["bob", "carol", "dave"]
        );
    }

    #[test]
    fn emails_and_words_before_the_at_are_not_mentions() {
        assert!(handles("alice@example.com x_@bob é@carol 1@dave").is_empty());
    }

    #[test]
    fn handles_outside_the_length_bounds_are_not_mentions() {
        let thirty = "a".repeat(30);
        let thirty_one = "a".repeat(31);
        assert_eq!(handles(&format!("@ab @{thirty} @{thirty_one}")), [thirty]);
    }

    #[test]
    fn handles_running_into_other_letters_or_remote_accounts_are_not_mentions() {
        assert!(handles("@alicé @bob@example.social").is_empty());
    }
}
