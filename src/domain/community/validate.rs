//! The rules members' community input must meet, with the messages they see. Used by the
//! server before anything is written; the database's checks are the last line behind them.

use crate::domain::text_rules::without_direction_controls;

/// Trims and checks a post title.
pub fn post_title(value: &str) -> Result<String, String> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 {
        return Err("Please give your post a title.".into());
    }
    if chars > 200 {
        return Err(format!(
            "Titles can be up to 200 characters; this one has {chars}."
        ));
    }
    no_control_characters(value)?;
    Ok(value.to_owned())
}

/// Checks a Markdown body of a post (`max` 20,000) or comment (`max` 10,000), without the
/// direction controls that could make it render as something else (`text_rules`).
pub fn body(value: &str, max: usize, what: &str) -> Result<String, String> {
    let value = without_direction_controls(value);
    let value = value.trim_end();
    let chars = value.chars().count();
    if value.trim().is_empty() {
        return Err(format!("Please write something in your {what}."));
    }
    if chars > max {
        return Err(format!(
            "A {what} can be up to {max} characters; this one has {chars}."
        ));
    }
    Ok(value.to_owned())
}

/// An optional content warning: empty means none.
pub fn content_warning(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let chars = value.chars().count();
    if chars > 120 {
        return Err(format!(
            "Content warnings can be up to 120 characters; this one has {chars}."
        ));
    }
    no_control_characters(value)?;
    Ok(Some(value.to_owned()))
}

/// Circle names: 3 to 60 characters.
pub fn circle_name(value: &str) -> Result<String, String> {
    let value = value.trim();
    let chars = value.chars().count();
    if !(3..=60).contains(&chars) {
        return Err("Circle names are 3 to 60 characters.".into());
    }
    no_control_characters(value)?;
    Ok(value.to_owned())
}

/// Circle slugs: lower-case letters, digits and single hyphens, 3 to 40 characters.
pub fn circle_slug(value: &str) -> Result<String, String> {
    let value = value.trim();
    let ok = (3..=40).contains(&value.len())
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_owned())
    } else {
        Err(
            "Use 3 to 40 lower-case letters, digits and single hyphens, like mindful-mornings."
                .into(),
        )
    }
}

pub fn circle_description(value: &str) -> Result<String, String> {
    let value = without_direction_controls(value);
    let value = value.trim();
    let chars = value.chars().count();
    if chars > 500 {
        return Err(format!(
            "Descriptions can be up to 500 characters; this one has {chars}."
        ));
    }
    Ok(value.to_owned())
}

/// A comma-separated list of short tags (interests, modalities): trimmed, de-duplicated,
/// at most 12 of at most 40 characters each.
pub fn tag_list(value: &str, what: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > 40 {
            return Err(format!("Each of your {what} can be up to 40 characters."));
        }
        no_control_characters(tag)?;
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > 12 {
        return Err(format!("Please list at most 12 {what}."));
    }
    Ok(tags)
}

/// A booking link: empty, or an https address.
pub fn booking_url(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let ok = value.len() <= 300
        && value.starts_with("https://")
        && value.len() > "https://".len()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(value.to_owned())
    } else {
        Err("Please enter a full https:// address, up to 300 characters.".into())
    }
}

pub fn credentials(value: &str) -> Result<String, String> {
    let value = without_direction_controls(value);
    let value = value.trim();
    let chars = value.chars().count();
    if chars > 500 {
        return Err(format!(
            "Credentials can be up to 500 characters; this has {chars}."
        ));
    }
    Ok(value.to_owned())
}

/// Single-line text: no control characters, no bidi overrides or invisible characters that
/// could disguise what a reader sees.
fn no_control_characters(value: &str) -> Result<(), String> {
    crate::domain::text_rules::single_line(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(post_title("  Morning pages  "), Ok("Morning pages".into()));
        assert!(post_title("   ").is_err());
        assert!(post_title(&"a".repeat(201)).is_err());
        assert!(
            post_title(&"é".repeat(200)).is_ok(),
            "200 characters, not bytes"
        );
        assert!(post_title("evil\u{202E}txt.exe").is_err());
        assert!(post_title("zero\u{200B}width").is_err());
    }

    #[test]
    fn bodies_need_words_and_fit_their_limit() {
        assert!(body(" \n ", 100, "post").is_err());
        assert!(body(&"a".repeat(101), 100, "post").is_err());
        assert_eq!(body("hello\n\n", 100, "post"), Ok("hello".into()));
    }

    #[test]
    fn content_warnings_are_optional_and_short() {
        assert_eq!(content_warning("  "), Ok(None));
        assert_eq!(content_warning(" grief "), Ok(Some("grief".into())));
        assert!(content_warning(&"x".repeat(121)).is_err());
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        assert_eq!(
            tag_list(" yoga, Sleep ,yoga,, ", "interests"),
            Ok(vec!["yoga".into(), "Sleep".into()])
        );
        let many = (0..13)
            .map(|i| format!("tag{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(tag_list(&many, "interests").is_err());
        assert!(tag_list(&"x".repeat(41), "interests").is_err());
    }

    #[test]
    fn booking_links_must_be_https() {
        assert_eq!(booking_url(""), Ok(String::new()));
        assert!(booking_url("https://cal.example.org/me").is_ok());
        for bad in [
            "http://x.org",
            "javascript:alert(1)",
            "https://",
            "https://a b",
            "https://x.org/\"><script>",
        ] {
            assert!(booking_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn circle_slugs_are_plain() {
        assert!(circle_slug("mindful-mornings").is_ok());
        for bad in ["ab", "Mindful", "a--b", "-ab", "ab-", "a b c", "ünï"] {
            assert!(circle_slug(bad).is_err(), "{bad}");
        }
    }
}
