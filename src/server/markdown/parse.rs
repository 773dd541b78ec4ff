//! Markdown source to events, with every piece of source HTML turned into plain text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The dialect members write: CommonMark plus the GitHub extensions people expect in a
/// community (strikethrough, tables, task lists). Nothing that adds markup we would then have
/// to police (footnotes, math, heading attributes, definition lists).
fn dialect() -> Options {
    Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS
}

/// Parses `source`, turning raw HTML into text so `<b>` shows literally instead of being
/// interpreted. Doing this before rendering (rather than trusting the sanitiser to strip tags)
/// keeps what the member typed visible and leaves nothing for the sanitiser to misjudge.
pub(super) fn events(source: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(source, dialect()).map(html_as_text)
}

fn html_as_text(event: Event<'_>) -> Event<'_> {
    match event {
        // An HTML block has no paragraph of its own; give it one so its text is laid out
        // like any other block.
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        // Not enabled by `dialect`, but should that change, they must not reach the writer raw.
        Event::InlineMath(math) | Event::DisplayMath(math) => Event::Text(math),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_block_and_inline_html_become_text() {
        let events: Vec<_> = events("<div>\nhi\n</div>\n\nsome <b>bold</b>").collect();
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.contains("<div>")))
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.as_ref() == "<b>"))
        );
    }
}
