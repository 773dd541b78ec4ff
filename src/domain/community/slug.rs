//! Readable URL pieces made from titles: `/c/<slug>/p/<id>-<title-slug>`.

use crate::domain::PostId;

/// Lower-case ASCII letters and digits joined by single hyphens, at most `max` bytes, cut at
/// a hyphen. Other characters (accents, emoji, punctuation) separate words; a title with no
/// ASCII letters or digits gives an empty slug, and the URL is then just the id.
pub fn slugify(text: &str, max: usize) -> String {
    let mut slug = String::with_capacity(text.len().min(max));
    let mut pending_hyphen = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(ch.to_ascii_lowercase());
        } else if ch != '\'' && ch != '’' {
            pending_hyphen = true;
        }
    }
    if slug.len() > max {
        let cut = slug[..max].rfind('-').unwrap_or(max);
        slug.truncate(cut);
    }
    slug
}

/// The path of a post: its circle, its id, and a slug of its title for people to read.
pub fn post_path(circle_slug: &str, post_id: PostId, title: &str) -> String {
    let slug = slugify(title, 60);
    if slug.is_empty() {
        format!("/c/{circle_slug}/p/{post_id}")
    } else {
        format!("/c/{circle_slug}/p/{post_id}-{slug}")
    }
}

/// The id at the front of a `<id>-<slug>` path segment; the slug part is decoration.
pub fn post_id_from_segment(segment: &str) -> Option<PostId> {
    let digits = segment.split('-').next()?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_lowercase_hyphenated_ascii() {
        assert_eq!(
            slugify("Morning Pages: What I've Learned!", 60),
            "morning-pages-what-ive-learned"
        );
        assert_eq!(
            slugify("  Café — sleep & 5 habits  ", 60),
            "caf-sleep-5-habits"
        );
        assert_eq!(slugify("🌿🌿", 60), "");
    }

    #[test]
    fn long_slugs_are_cut_at_a_word_boundary() {
        let slug = slugify(
            "breathing practice for anxious evenings and restless sleep",
            20,
        );
        assert_eq!(slug, "breathing-practice");
        assert!(slug.len() <= 20);
    }

    #[test]
    fn post_ids_are_read_from_the_front_of_the_segment() {
        assert_eq!(post_id_from_segment("42-morning-pages"), Some(PostId(42)));
        assert_eq!(post_id_from_segment("42"), Some(PostId(42)));
        assert_eq!(post_id_from_segment("0"), None);
        assert_eq!(post_id_from_segment("abc"), None);
        assert_eq!(post_id_from_segment("-4"), None);
        assert_eq!(post_id_from_segment("99999999999999999999999"), None);
        assert_eq!(
            post_path("sleep", PostId(7), "Hello, world"),
            "/c/sleep/p/7-hello-world"
        );
        assert_eq!(post_path("sleep", PostId(7), "🌿"), "/c/sleep/p/7");
    }
}
