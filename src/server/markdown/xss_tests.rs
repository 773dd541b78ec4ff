//! Hostile input: whatever a member writes, the rendered HTML contains only allowlisted tags
//! and attributes, and every link goes to a web, mail or site address.

use super::render;
use std::collections::HashSet;

/// Inputs collected from the usual XSS cheat sheets, aimed at each layer: raw HTML, Markdown
/// link and image syntax, entity and case tricks, reference definitions, autolinks, and
/// attribute break-outs through titles, alt text and addresses.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "hello <script>alert(1)</script> world",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<style>body { display: none }</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"https://example.com\" onclick=\"alert(1)\" target=\"_blank\">x</a>",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<!-- x --><script>alert(1)</script><!-- y -->",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java&#x0A;script:alert(1))",
    "[x](&#0000106avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](//evil.example/path)",
    "[x](/\\evil.example)",
    "[x](\\\\evil.example)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x\" onerror=\"alert(1)](https://example.com/i.png)",
    "![x](https://example.com/i.png \"t\\\" onerror=\\\"alert(1)\")",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,x>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[evil]\n\n[evil]: javascript:alert(1) \"t\"",
    "![x][evil]\n\n[evil]: javascript:alert(1)",
    "[x](https://example.com \"a\\\" onmouseover=\\\"alert(1)\")",
    "[x](<https://example.com/\" onmouseover=\"alert(1)>)",
    "[x](https://example.com/'onmouseover='alert(1))",
    "[a](https://example.com)\"><script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "# <script>alert(1)</script>",
    "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| <svg onload=alert(1)> | d |",
    "- [x] <input onfocus=alert(1) autofocus>",
    "@alice<script>alert(1)</script>",
    "[@alice](javascript:alert(1))",
];

/// Tags and the attributes each may carry in our output.
fn allowed_attributes(tag: &str) -> Option<&'static [&'static str]> {
    Some(match tag {
        "a" => &["href", "title", "class", "rel"],
        "ol" => &["start"],
        "input" => &["type", "disabled", "checked"],
        "p" | "br" | "hr" | "em" | "strong" | "del" | "code" | "pre" | "blockquote" | "ul"
        | "li" | "h3" | "h4" | "h5" | "h6" | "table" | "thead" | "tbody" | "tr" | "th" | "td" => {
            &[]
        }
        _ => return None,
    })
}

/// One start or end tag as serialised by ammonia (attribute values always double-quoted).
struct ParsedTag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Every tag in `html`. Text never contains a bare `<` (the serialiser escapes it), so each
/// `<` opens a tag; quoted values are skipped whole so a `>` inside one cannot end the tag.
fn tags(html: &str) -> Vec<ParsedTag> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let rest_of_tag = rest.trim_start_matches('/');
        let name_end = rest_of_tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest_of_tag.len());
        let name = rest_of_tag[..name_end].to_ascii_lowercase();
        let mut attrs_text = &rest_of_tag[name_end..];
        let mut attributes = Vec::new();
        loop {
            attrs_text = attrs_text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if attrs_text.is_empty() || attrs_text.starts_with('>') {
                break;
            }
            let attr_end = attrs_text
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(attrs_text.len());
            let attr = attrs_text[..attr_end].to_ascii_lowercase();
            attrs_text = &attrs_text[attr_end..];
            let mut value = String::new();
            if let Some(quoted) = attrs_text.strip_prefix("=\"") {
                let close = quoted.find('"').unwrap_or(quoted.len());
                value = quoted[..close].replace("&amp;", "&");
                attrs_text = quoted.get(close + 1..).unwrap_or("");
            }
            attributes.push((attr, value));
        }
        rest = attrs_text;
        found.push(ParsedTag { name, attributes });
    }
    found
}

fn is_safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && lower[1..].starts_with(|c: char| c.is_ascii_alphanumeric()))
}

/// Fails unless every tag and attribute in `html` is allowlisted and every link is safe.
fn assert_safe(source: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script", "<svg", "<math", "<iframe", "<style", "<img", "<object", "<form", "<base",
        "<meta",
    ] {
        assert!(
            !lower.contains(needle),
            "{needle} in {html:?} from {source:?}"
        );
    }
    for tag in tags(html) {
        let Some(allowed) = allowed_attributes(&tag.name) else {
            panic!("tag <{}> in {html:?} from {source:?}", tag.name);
        };
        for (attr, value) in &tag.attributes {
            assert!(
                allowed.contains(&attr.as_str()),
                "attribute {attr} on <{}> in {html:?} from {source:?}",
                tag.name
            );
            match (tag.name.as_str(), attr.as_str()) {
                ("a", "href") => assert!(
                    is_safe_href(value),
                    "href {value:?} in {html:?} from {source:?}"
                ),
                ("a", "rel") => assert_eq!(value, "nofollow ugc noopener", "{html:?}"),
                ("a", "class") => assert_eq!(value, "mention", "{html:?}"),
                ("input", "type") => assert_eq!(value, "checkbox", "{html:?}"),
                _ => {}
            }
        }
        if tag.name == "a" && !tag.attributes.is_empty() {
            assert!(
                tag.attributes.iter().any(|(attr, _)| attr == "rel"),
                "link without rel in {html:?} from {source:?}"
            );
        }
        if tag.name == "input" {
            assert!(
                tag.attributes.iter().any(|(attr, _)| attr == "disabled"),
                "enabled input in {html:?} from {source:?}"
            );
        }
    }
}

#[test]
fn hostile_markdown_renders_only_allowlisted_markup_and_safe_links() {
    let known: HashSet<String> = HashSet::from(["alice".to_owned()]);
    for source in HOSTILE {
        let html = render(source, &known);
        assert_safe(source, &html);
    }
}

#[test]
fn script_like_link_schemes_never_reach_an_href() {
    for source in HOSTILE {
        let html = render(source, &HashSet::new());
        let hrefs = tags(&html)
            .into_iter()
            .flat_map(|tag| tag.attributes)
            .filter(|(attr, _)| attr.ends_with("href"))
            .map(|(_, value)| value.to_ascii_lowercase());
        for href in hrefs {
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !href.trim_start().starts_with(scheme),
                    "{scheme} href in {html:?} from {source:?}"
                );
            }
        }
    }
}

#[test]
fn no_event_handler_attribute_survives() {
    for source in HOSTILE {
        let html = render(source, &HashSet::new());
        for tag in tags(&html) {
            assert!(
                !tag.attributes
                    .iter()
                    .any(|(attr, _)| attr.starts_with("on")),
                "handler on <{}> in {html:?} from {source:?}",
                tag.name
            );
        }
    }
}

#[test]
fn hostile_html_is_shown_as_text_not_dropped() {
    let html = render("<img src=x onerror=alert(1)>", &HashSet::new());
    assert_eq!(html, "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
}

#[test]
fn the_checker_itself_rejects_unsafe_markup() {
    // Guards the guard: if `tags` stopped seeing attributes, every test above would pass.
    let unsafe_html = [
        "<a href=\"javascript:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
        "<p onclick=\"x\">x</p>",
        "<img src=\"x\">",
        "<a href=\"https://example.com\">no rel</a>",
    ];
    for html in unsafe_html {
        let outcome = std::panic::catch_unwind(|| assert_safe("checker self-test", html));
        assert!(outcome.is_err(), "checker accepted {html}");
    }
}
