//! Reshapes the event stream into what our pages can show: headings below the page's own,
//! no remote images, no links we do not allow.

use super::{links::is_allowed_destination, parse};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd, TextMergeStream};
use std::iter::Peekable;

/// The events every consumer (rendering, mentions, excerpts) reads, so they agree on what is
/// text and what is a link. Adjacent text is merged last: the parser splits text at
/// characters such as `_`, and unwrapping a refused link leaves text pieces side by side;
/// mention detection needs whole runs to see what precedes an `@`.
pub(super) fn display_events(source: &str) -> impl Iterator<Item = Event<'_>> {
    TextMergeStream::new(for_display(parse::events(source)).into_iter())
}

/// What happened to a link or image, so its end event can be treated the same way.
enum Opened {
    /// Kept (images become links): close it with a link end.
    Link,
    /// Refused or nested in another link: its text stays, the element does not.
    Unwrapped,
}

fn for_display<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut events = events.peekable();
    let mut opened: Vec<Opened> = Vec::new();
    let mut out = Vec::new();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => out.push(Event::Start(Tag::Heading {
                level: demoted(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            })),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demoted(level))));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if is_allowed_destination(link_type, &dest_url) {
                    opened.push(Opened::Link);
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    opened.push(Opened::Unwrapped);
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // An image inside a link would become a link inside a link; its alt text is
                // enough there.
                let inside_link = opened.iter().any(|o| matches!(o, Opened::Link));
                if inside_link || !is_allowed_destination(link_type, &dest_url) {
                    opened.push(Opened::Unwrapped);
                } else {
                    opened.push(Opened::Link);
                    let text = link_text_for_image(&mut events, &dest_url);
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                    out.extend(text);
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(Opened::Link) = opened.pop() {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// We show no remote images (loading one would tell its host who reads the post), so an image
/// becomes a link whose text is the alt text, or the address itself when there is none, so the
/// link is never invisible.
fn link_text_for_image<'a>(
    events: &mut Peekable<impl Iterator<Item = Event<'a>>>,
    dest_url: &CowStr<'a>,
) -> Option<Event<'a>> {
    matches!(events.peek(), Some(Event::End(TagEnd::Image))).then(|| Event::Text(dest_url.clone()))
}

/// The page owns `h1` and `h2` (site and page titles); a member's headings start at `h3`.
fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(source: &str) -> Vec<String> {
        display_events(source)
            .filter_map(|e| match e {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn refused_link_keeps_its_text_but_not_the_link() {
        let events: Vec<_> = display_events("[click me](javascript:alert(1))").collect();
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Link { .. })))
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.as_ref() == "click me"))
        );
    }

    #[test]
    fn image_becomes_a_link_to_its_address() {
        assert_eq!(
            links("![a cat](https://example.com/cat.png)"),
            ["https://example.com/cat.png"]
        );
        assert!(
            !display_events("![a cat](https://example.com/cat.png)")
                .any(|e| matches!(e, Event::Start(Tag::Image { .. })))
        );
    }

    #[test]
    fn image_inside_a_link_leaves_only_the_outer_link() {
        assert_eq!(
            links("[![alt](https://example.com/i.png)](https://example.org/)"),
            ["https://example.org/"]
        );
    }
}
