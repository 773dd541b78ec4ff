//! One rule for every field a member writes, so text cannot lie about itself: a
//! "\u{202E}evil" payload would otherwise render reversed, and invisible characters make
//! two names that look the same.
//!
//! - Single-line fields (titles, names, display names, handles, circle names, content
//!   warnings, tags) refuse control characters and every character in [`is_invisible`].
//! - Multi-line text (post and reply bodies, bios, pronouns, circle descriptions,
//!   credentials) keeps what writing needs (the zero-width joiner inside emoji, the
//!   left-to-right and right-to-left marks Arabic and Hebrew writers use) and loses the
//!   explicit direction embeddings, overrides and isolates, which nothing typed by hand
//!   needs and which can reverse the text after them: [`without_direction_controls`].

/// Characters that render as nothing or change the direction of the text around them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                      // soft hyphen
            | '\u{034F}'                // combining grapheme joiner
            | '\u{061C}'                // Arabic letter mark
            | '\u{115F}' | '\u{1160}'   // Hangul fillers
            | '\u{180E}'                // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'   // zero-width space, (non-)joiner, LTR/RTL marks
            | '\u{2028}' | '\u{2029}'   // line and paragraph separators
            | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
            | '\u{206A}'..='\u{206F}'   // deprecated format characters
            | '\u{3164}'                // Hangul filler
            | '\u{FEFF}'                // zero-width no-break space (BOM)
            | '\u{FFA0}'                // halfwidth Hangul filler
    ) || is_direction_control(c)
}

/// Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069): they change the order of the characters after them.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Single-line text: `Err` with the member's message when it holds a control or an
/// invisible character.
pub fn single_line(value: &str) -> Result<(), String> {
    if value.chars().any(|c| c.is_control() || is_invisible(c)) {
        Err("Please remove invisible or direction-changing characters.".into())
    } else {
        Ok(())
    }
}

/// Multi-line text with the direction controls removed (everything else kept).
pub fn without_direction_controls(value: &str) -> String {
    value
        .chars()
        .filter(|&c| !is_direction_control(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_controls_are_refused_in_single_lines_and_removed_from_long_text() {
        for bad in [
            "\u{202E}evil",
            "a\u{2067}b",
            "x\u{200B}y",
            "tab\there",
            "\u{FEFF}",
        ] {
            assert!(single_line(bad).is_err(), "{bad:?}");
        }
        assert!(single_line("Morning pages 🌿 — عربى").is_ok());
        assert_eq!(
            without_direction_controls(
                "safe \u{202E}txet desrever\u{202C} and \u{2066}iso\u{2069}"
            ),
            "safe txet desrever and iso"
        );
        // What writing needs stays: emoji joiners and right-to-left marks.
        let family = "👩\u{200D}👩\u{200D}👧 שלום\u{200F}!";
        assert_eq!(without_direction_controls(family), family);
    }
}
