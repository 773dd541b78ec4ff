//! Plain-text previews of a post for feeds and notifications.

use super::rewrite::display_events;
use pulldown_cmark::{Event, Tag, TagEnd};

/// The opening text of `source` without any markup, whitespace collapsed, at most
/// `max_chars` characters (not bytes). When it is longer it is cut at a word boundary and
/// ends in "…", which counts towards `max_chars`. Code blocks are left out (they read badly
/// in a one-line preview); link and image text stays, their addresses do not.
///
/// The result is text, not HTML: the template that shows it escapes it.
pub fn excerpt(source: &str, max_chars: usize) -> String {
    cut_at_word(&opening_text(source, max_chars), max_chars)
}

/// Collapsed text of the document, stopping once it is longer than `max_chars` (one more
/// character is enough to know it needs cutting and whether the cut falls between words).
fn opening_text(source: &str, max_chars: usize) -> String {
    let mut text = CollapsedText::default();
    let mut in_code_block = false;
    for event in display_events(source) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) if !in_code_block => text.push(&t),
            Event::Code(t) => text.push(&t),
            // Line breaks, rules and the ends of blocks and cells separate words.
            Event::SoftBreak | Event::HardBreak | Event::Rule => text.push(" "),
            Event::End(end) if !is_inline(end) => text.push(" "),
            _ => {}
        }
        if text.chars > max_chars {
            break;
        }
    }
    text.text
}

/// Inline elements sit inside a word as often as around one (`**un**likely`).
fn is_inline(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Text with every run of whitespace turned into one space and none at the ends.
#[derive(Default)]
struct CollapsedText {
    text: String,
    chars: usize,
    space_pending: bool,
}

impl CollapsedText {
    fn push(&mut self, piece: &str) {
        for c in piece.chars() {
            if c.is_whitespace() {
                self.space_pending = !self.text.is_empty();
                continue;
            }
            if self.space_pending {
                self.text.push(' ');
                self.chars += 1;
                self.space_pending = false;
            }
            self.text.push(c);
            self.chars += 1;
        }
    }
}

fn cut_at_word(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let Some(room) = max_chars.checked_sub(1) else {
        return String::new();
    };
    let end = text.char_indices().nth(room).map_or(text.len(), |(i, _)| i);
    let (head, rest) = text.split_at(end);
    let head = if rest.starts_with(' ') {
        head
    } else {
        // A single word longer than the room is cut inside it rather than dropped.
        head.rfind(' ').map_or(head, |space| &head[..space])
    };
    let head = head.trim_end_matches([' ', ',', ';', ':']);
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_returned_whole_without_ellipsis() {
        assert_eq!(excerpt("Morning walk.", 13), "Morning walk.");
    }

    #[test]
    fn markup_is_stripped_and_whitespace_collapsed() {
        let source = "# Title\n\nSome **bold**   and [a link](https://example.com)\nwith `code`.\n\n\
                      - one\n- two\n\n> quoted ![pic](https://example.com/p.png) <b>raw</b>";
        assert_eq!(
            excerpt(source, 200),
            "Title Some bold and a link with code. one two quoted pic <b>raw</b>"
        );
    }

    #[test]
    fn inline_markup_inside_a_word_does_not_split_it() {
        assert_eq!(
            excerpt("**un**likely [link](https://example.com)ed", 50),
            "unlikely linked"
        );
    }

    #[test]
    fn table_cells_and_list_items_are_separate_words() {
        assert_eq!(excerpt("| a | b |\n|---|---|\n| c | d |", 50), "a b c d");
        assert_eq!(excerpt("- [x] done\n- [ ] todo", 50), "done todo");
    }

    #[test]
    fn code_blocks_are_left_out() {
        assert_eq!(
            excerpt("Intro\n\n```\nlet x = 1;\n```\n\nOutro", 50),
            "Intro Outro"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_word_boundary_with_an_ellipsis() {
        assert_eq!(
            excerpt("Breathe in slowly, then out", 20),
            "Breathe in slowly…"
        );
        assert_eq!(
            excerpt("Breathe in slowly, then out", 19),
            "Breathe in slowly…"
        );
    }

    #[test]
    fn cut_counts_characters_not_bytes() {
        let excerpt = excerpt("Ünïcödé wörds everywhere", 12);
        assert_eq!(excerpt, "Ünïcödé…");
        assert!(excerpt.chars().count() <= 12);
        assert_eq!(super::excerpt("ääää ööö", 8), "ääää ööö");
    }

    #[test]
    fn cut_falling_exactly_between_words_keeps_the_last_word() {
        assert_eq!(excerpt("one two three", 8), "one two…");
    }

    #[test]
    fn one_long_word_is_cut_inside_it() {
        assert_eq!(excerpt("Pneumonoultramicroscopic", 6), "Pneum…");
    }

    #[test]
    fn zero_length_gives_nothing() {
        assert_eq!(excerpt("anything", 0), "");
    }
}
