//! Member Markdown to HTML that can be inserted as-is into any member's page.

use super::{mentions::link_known_mentions, rewrite::display_events, sanitize::sanitize};
use std::collections::HashSet;

/// Renders `source` (CommonMark with strikethrough, tables and task lists) to sanitised HTML.
///
/// Source HTML is shown as text, images become links to their address, headings start at
/// `h3`, links keep only `http`, `https`, `mailto` or a path on this site and carry
/// `rel="nofollow ugc noopener"`. `@handle` in prose links to the profile only when the handle
/// is in `known_handles` (the caller looks up [`super::mentioned_handles`]), so the output
/// never points at accounts that do not exist.
pub fn render(source: &str, known_handles: &HashSet<String>) -> String {
    let events = link_known_mentions(display_events(source), known_handles);
    let mut html = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(source: &str) -> String {
        render(source, &HashSet::new())
    }

    fn known(handles: &[&str]) -> HashSet<String> {
        handles.iter().map(|h| (*h).to_owned()).collect()
    }

    #[test]
    fn paragraphs_emphasis_and_strikethrough_survive() {
        assert_eq!(
            render_plain("Hello *there* **friend** ~~old~~ `code`"),
            "<p>Hello <em>there</em> <strong>friend</strong> <del>old</del> <code>code</code></p>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_literally() {
        let html = render_plain("some <b>bold</b> words\n\n<div>\nblock\n</div>");
        assert!(
            html.contains("some &lt;b&gt;bold&lt;/b&gt; words"),
            "{html}"
        );
        assert!(html.contains("&lt;div&gt;"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<div"), "{html}");
    }

    #[test]
    fn headings_are_demoted_below_the_page_headings() {
        let html = render_plain("# One\n\n## Two\n\n### Three\n\n###### Six");
        assert_eq!(
            html,
            "<h3>One</h3>\n<h4>Two</h4>\n<h3>Three</h3>\n<h6>Six</h6>\n"
        );
    }

    #[test]
    fn tables_survive_without_inline_styles() {
        let html = render_plain("| Herb | Use |\n|:-----|----:|\n| Mint | Tea |");
        assert_eq!(
            html,
            "<table><thead><tr><th>Herb</th><th>Use</th></tr></thead><tbody>\n\
             <tr><td>Mint</td><td>Tea</td></tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn task_lists_render_as_disabled_checkboxes() {
        let html = render_plain("- [x] stretch\n- [ ] hydrate");
        assert_eq!(
            html,
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\nstretch</li>\n\
             <li><input disabled=\"\" type=\"checkbox\">\nhydrate</li>\n</ul>\n"
        );
    }

    #[test]
    fn links_carry_rel_and_no_target() {
        assert_eq!(
            render_plain("[site](https://example.com/a?b=1&c=2 \"Title\")"),
            "<p><a href=\"https://example.com/a?b=1&amp;c=2\" title=\"Title\" \
             rel=\"nofollow ugc noopener\">site</a></p>\n"
        );
        assert_eq!(
            render_plain("<https://example.com> and <me@example.com>"),
            "<p><a href=\"https://example.com\" rel=\"nofollow ugc noopener\">https://example.com</a> \
             and <a href=\"mailto:me@example.com\" rel=\"nofollow ugc noopener\">me@example.com</a></p>\n"
        );
    }

    #[test]
    fn site_paths_are_kept_as_links() {
        assert_eq!(
            render_plain("[circle](/c/gardening)"),
            "<p><a href=\"/c/gardening\" rel=\"nofollow ugc noopener\">circle</a></p>\n"
        );
    }

    #[test]
    fn refused_link_keeps_only_its_text() {
        assert_eq!(
            render_plain("[click](javascript:alert(1)) [far](//evil.example)"),
            "<p>click far</p>\n"
        );
    }

    #[test]
    fn images_become_links_to_their_address() {
        assert_eq!(
            render_plain("![a cat](https://example.com/cat.png)"),
            "<p><a href=\"https://example.com/cat.png\" rel=\"nofollow ugc noopener\">a cat</a></p>\n"
        );
        assert_eq!(
            render_plain("![](https://example.com/cat.png)"),
            "<p><a href=\"https://example.com/cat.png\" rel=\"nofollow ugc noopener\">\
             https://example.com/cat.png</a></p>\n"
        );
    }

    #[test]
    fn known_mentions_link_to_profiles() {
        assert_eq!(
            render("thanks @Alice and @bob!", &known(&["alice", "bob"])),
            "<p>thanks <a href=\"/u/alice\" class=\"mention\" rel=\"nofollow ugc noopener\">@alice</a> \
             and <a href=\"/u/bob\" class=\"mention\" rel=\"nofollow ugc noopener\">@bob</a>!</p>\n"
        );
    }

    #[test]
    fn unknown_mentions_stay_text() {
        assert_eq!(
            render("hi @nobody and @alice", &known(&["alice"])),
            "<p>hi @nobody and <a href=\"/u/alice\" class=\"mention\" \
             rel=\"nofollow ugc noopener\">@alice</a></p>\n"
        );
    }

    #[test]
    fn mentions_in_code_links_and_emails_are_not_linked() {
        let html = render(
            "`@alice` and alice@example.com and [@alice](https://example.com)\n\n```\n@alice\n```",
            &known(&["alice"]),
        );
        assert!(!html.contains("class=\"mention\""), "{html}");
        assert!(!html.contains("/u/alice"), "{html}");
    }

    #[test]
    fn code_blocks_are_escaped() {
        assert_eq!(
            render_plain("```html\n<script>alert(1)</script>\n```"),
            "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n"
        );
    }
}
