//! The last line of defence: an explicit allowlist applied by ammonia to the rendered HTML.

use super::links::is_site_path;
use ammonia::{Builder, UrlRelative};
use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

/// Every link gets these: `nofollow ugc` so member links lend no search ranking (spam has no
/// payoff), `noopener` so a page opened from here in a new tab can never reach back into ours.
pub(super) const LINK_REL: &str = "nofollow ugc noopener";

/// The policy never changes and building it allocates a dozen sets, so it is built once.
/// It is immutable configuration, not shared state: nothing can alter it after start-up.
static POLICY: LazyLock<Builder<'static>> = LazyLock::new(policy);

/// Removes every element, attribute and URL the allowlist does not name.
pub(super) fn sanitize(html: &str) -> String {
    POLICY.clean(html).to_string()
}

/// Only what Markdown produces, minus images and the page's own heading levels: no SVG,
/// MathML, style, frames, forms or media. No `id` (could clobber page globals), no `class`
/// except our own mention marker, no `style`, no `target`.
fn policy() -> Builder<'static> {
    let tags = HashSet::from([
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "input",
    ]);
    let tag_attributes = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("ol", HashSet::from(["start"])),
        // `type` and `disabled` are listed as well as forced below so they keep their place
        // (forced attributes that were stripped are re-added in hash order, which would make
        // the same post render differently from run to run).
        ("input", HashSet::from(["type", "disabled", "checked"])),
    ]);
    // Task-list boxes: whatever an `input` claims to be, it becomes a disabled checkbox, so it
    // can never be a text field asking for a password.
    let forced_attributes = HashMap::from([(
        "input",
        HashMap::from([("type", "checkbox"), ("disabled", "")]),
    )]);
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(HashSet::from(["script", "style"]))
        .generic_attributes(HashSet::new())
        .tag_attributes(tag_attributes)
        .set_tag_attribute_values(forced_attributes)
        .allowed_classes(HashMap::from([("a", HashSet::from(["mention"]))]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(keep_site_paths)))
        .link_rel(Some(LINK_REL))
        .strip_comments(true);
    builder
}

/// Relative URLs survive only as plain paths on this site (mention links are `/u/handle`).
fn keep_site_paths(url: &str) -> Option<Cow<'_, str>> {
    is_site_path(url).then_some(Cow::Borrowed(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_get_the_rel_and_lose_target_and_events() {
        assert_eq!(
            sanitize(r#"<a href="https://example.com" target="_blank" onclick="x()">x</a>"#),
            r#"<a href="https://example.com" rel="nofollow ugc noopener">x</a>"#
        );
    }

    #[test]
    fn any_input_becomes_a_disabled_checkbox() {
        assert_eq!(
            sanitize(r#"<input type="password" disabled="no" name="p" autofocus onfocus="x()">"#),
            r#"<input type="checkbox" disabled="">"#
        );
        let bare = sanitize("<input value=secret>");
        assert!(bare.starts_with("<input ") && bare.ends_with('>'), "{bare}");
        assert!(bare.contains(r#"type="checkbox""#), "{bare}");
        assert!(bare.contains(r#"disabled="""#), "{bare}");
        assert!(!bare.contains("secret"), "{bare}");
    }

    #[test]
    fn only_the_mention_class_survives() {
        assert_eq!(
            sanitize(r#"<a href="/u/alice" class="mention evil">@alice</a>"#),
            r#"<a href="/u/alice" class="mention" rel="nofollow ugc noopener">@alice</a>"#
        );
    }

    #[test]
    fn protocol_relative_and_script_urls_lose_their_href() {
        for href in ["//evil.example", "javascript:alert(1)", "data:text/html,x"] {
            let html = sanitize(&format!(r#"<a href="{href}">x</a>"#));
            assert!(!html.contains("href"), "{html}");
        }
    }

    #[test]
    fn disallowed_elements_go_with_script_content() {
        assert_eq!(
            sanitize("<h1>t</h1><svg><script>alert(1)</script></svg><img src=x><style>p{}</style>"),
            "t"
        );
    }
}
