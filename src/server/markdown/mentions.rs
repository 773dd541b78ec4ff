//! Mentions: which handles a text names, and linking the ones that belong to members.

use super::{handle_syntax::written_mentions, rewrite::display_events};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::HashSet;

/// A post naming more people than this is a mass ping, not a conversation; the rest are not
/// notified.
const MAX_MENTIONED: usize = 20;

/// The distinct handles written as `@handle` in `source`, lower case, in order of first
/// appearance, at most 20. Code and links are not prose: `@x` in a code sample or inside a
/// link's text or address mentions nobody.
pub fn mentioned_handles(source: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut place = Place::default();
    for event in display_events(source) {
        place.enter_or_leave(&event);
        let Event::Text(text) = &event else { continue };
        if !place.is_prose() {
            continue;
        }
        for mention in written_mentions(text) {
            if !found.contains(&mention.handle) {
                found.push(mention.handle);
                if found.len() == MAX_MENTIONED {
                    return found;
                }
            }
        }
    }
    found
}

/// Turns each `@handle` of a known member in prose into a link to their profile; unknown
/// handles stay text, so nobody can fake a mention of an account that does not exist.
pub(super) fn link_known_mentions<'a>(
    events: impl Iterator<Item = Event<'a>>,
    known_handles: &HashSet<String>,
) -> Vec<Event<'a>> {
    let mut place = Place::default();
    let mut out = Vec::new();
    for event in events {
        place.enter_or_leave(&event);
        match event {
            Event::Text(text) if place.is_prose() => {
                split_out_mentions(text, known_handles, &mut out);
            }
            other => out.push(other),
        }
    }
    out
}

fn split_out_mentions<'a>(
    text: CowStr<'a>,
    known_handles: &HashSet<String>,
    out: &mut Vec<Event<'a>>,
) {
    let mut known = written_mentions(&text)
        .into_iter()
        .filter(|m| known_handles.contains(&m.handle))
        .peekable();
    if known.peek().is_none() {
        out.push(Event::Text(text));
        return;
    }
    let mut copied_up_to = 0;
    for mention in known {
        if mention.span.start > copied_up_to {
            out.push(Event::Text(
                text[copied_up_to..mention.span.start].to_owned().into(),
            ));
        }
        // The handle is `[a-z0-9_]` only, so it needs no escaping here.
        out.push(Event::InlineHtml(
            format!(
                "<a href=\"/u/{h}\" class=\"mention\">@{h}</a>",
                h = mention.handle
            )
            .into(),
        ));
        copied_up_to = mention.span.end;
    }
    if copied_up_to < text.len() {
        out.push(Event::Text(text[copied_up_to..].to_owned().into()));
    }
}

/// Where in the document an event is: inside code or a link, text is not prose.
#[derive(Default)]
struct Place {
    code_blocks: usize,
    links: usize,
}

impl Place {
    fn enter_or_leave(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.code_blocks += 1,
            Event::End(TagEnd::CodeBlock) => self.code_blocks = self.code_blocks.saturating_sub(1),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.links += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.links = self.links.saturating_sub(1),
            _ => {}
        }
    }

    /// Inline code arrives as its own `Event::Code`, never as text, so it needs no tracking.
    fn is_prose(&self) -> bool {
        self.code_blocks == 0 && self.links == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_handles_in_order_of_first_appearance() {
        assert_eq!(
            mentioned_handles("@Bob thanks, and @alice too. @bob again, _@carol_"),
            ["bob", "alice", "carol"]
        );
    }

    #[test]
    fn emails_are_not_mentions() {
        assert!(
            mentioned_handles("write to alice@example.com or bob_smith@example.org").is_empty()
        );
    }

    #[test]
    fn code_and_links_are_not_mentions() {
        let source = "`@carol` in code\n\n```\n@dave\n```\n\n    @indented\n\n\
                      [@erin](https://example.com/@frank) <https://example.com/@gina> \
                      ![@hank](https://example.com/i.png) but @ivan";
        assert_eq!(mentioned_handles(source), ["ivan"]);
    }

    #[test]
    fn at_most_twenty_handles() {
        let source: String = (0..30).map(|i| format!("@member{i:02} ")).collect();
        let handles = mentioned_handles(&source);
        assert_eq!(handles.len(), 20);
        assert_eq!(handles.first().map(String::as_str), Some("member00"));
        assert_eq!(handles.last().map(String::as_str), Some("member19"));
    }

    #[test]
    fn underscores_inside_handles_survive_emphasis_parsing() {
        assert_eq!(
            mentioned_handles("hi @snake_case_name!"),
            ["snake_case_name"]
        );
    }
}
