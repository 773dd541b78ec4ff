//! Which link destinations may appear in rendered Markdown.
//!
//! Only web and mail links leave the site; inside it, only plain absolute paths such as
//! `/c/gardening` or `/u/alice`. Everything else (`javascript:`, `data:`, `vbscript:`,
//! protocol-relative `//host`, backslash tricks like `/\host`, page-relative paths) is refused.

use ammonia::{Url, url::ParseError};
use pulldown_cmark::LinkType;

/// Whether a link or image destination from the Markdown parser may be kept. Email autolinks
/// (`<a@b.example>`) carry the address without its scheme; the writer adds `mailto:`.
pub(super) fn is_allowed_destination(link_type: LinkType, destination: &str) -> bool {
    link_type == LinkType::Email || is_allowed_href(destination)
}

/// Parses like a browser does (the WHATWG URL standard, which also strips the tabs and
/// newlines attackers hide in `java\tscript:`), so the scheme we check is the one that runs.
pub(super) fn is_allowed_href(href: &str) -> bool {
    match Url::parse(href) {
        Ok(url) => matches!(url.scheme(), "http" | "https" | "mailto"),
        Err(ParseError::RelativeUrlWithoutBase) => is_site_path(href),
        Err(_) => false,
    }
}

/// A path on this site: a slash followed by a letter or digit, then only characters that
/// cannot start another scheme, host or line. Requiring the second character to be
/// alphanumeric is what rules out `//evil.example` and `/\evil.example`, which browsers treat
/// as links to another host.
pub(super) fn is_site_path(href: &str) -> bool {
    let mut chars = href.chars();
    chars.next() == Some('/')
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && href
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~?=&%#+".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_are_allowed() {
        for href in [
            "https://example.com/a?b=c#d",
            "http://example.com",
            "HTTPS://EXAMPLE.COM",
            "mailto:a@example.com",
        ] {
            assert!(is_allowed_href(href), "{href}");
        }
    }

    #[test]
    fn script_data_and_other_schemes_are_refused() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.com",
        ] {
            assert!(!is_allowed_href(href), "{href:?}");
        }
    }

    #[test]
    fn site_paths_are_allowed_but_not_other_hosts_or_page_relative_paths() {
        assert!(is_allowed_href("/c/gardening"));
        assert!(is_allowed_href("/u/alice"));
        for href in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/",
            "relative/path",
            "#top",
            "/a b",
            "/a\"onmouseover=alert(1)",
        ] {
            assert!(!is_allowed_href(href), "{href:?}");
        }
    }

    #[test]
    fn email_autolinks_are_allowed_without_a_scheme() {
        assert!(is_allowed_destination(LinkType::Email, "a@example.com"));
        assert!(!is_allowed_destination(LinkType::Inline, "a@example.com"));
    }
}
