//! The rules identity input must meet, checked the same way in the browser (as the user types)
//! and on the server (which never trusts the browser). Each check returns the message to show
//! under the field.
//!
//! Lengths are counted in characters, not bytes. The server also applies Unicode NFKC to
//! handles before these checks and refuses common passwords; both need server-only data.

use crate::domain::text_rules::is_invisible;

/// Handles nobody may take: they could pass for staff or clash with routes.
pub const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "administrator",
    "moderator",
    "mod",
    "staff",
    "support",
    "wellspring",
    "system",
    "root",
    "null",
    "anonymous",
    "me",
    "settings",
    "api",
    "login",
    "logout",
    "signup",
    "help",
    "about",
    "security",
];

const EMAIL_MAX: usize = 254;
const EMAIL_LOCAL_MAX: usize = 64;
const PASSWORD_MIN: usize = 8;
const PASSWORD_MAX: usize = 128;
const HANDLE_MIN: usize = 3;
const HANDLE_MAX: usize = 30;
const DISPLAY_NAME_MAX: usize = 60;
const TOTP_DIGITS: usize = 6;

const NOT_AN_EMAIL: &str = "That doesn't look like an email address.";
const HANDLE_RULE: &str = "Handles are 3 to 30 characters: letters a–z, digits and underscores.";
const VISIBLE_ONLY: &str = "Please use visible characters only.";

/// The form an email address is stored and compared in: trimmed and lowercased.
pub fn normalize_email(input: &str) -> String {
    input.trim().to_lowercase()
}

/// Checks that `input`, once normalized, is a plausible email address. Only sending mail proves
/// it exists; this catches typos and input that could never be delivered.
pub fn email(input: &str) -> Result<(), String> {
    let email = normalize_email(input);
    if email.is_empty() {
        return Err("Please enter your email address.".to_owned());
    }
    if is_plausible_email(&email) {
        Ok(())
    } else {
        Err(NOT_AN_EMAIL.to_owned())
    }
}

fn is_plausible_email(email: &str) -> bool {
    if email.chars().count() > EMAIL_MAX
        || email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_len = local.chars().count();
    (1..=EMAIL_LOCAL_MAX).contains(&local_len)
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// Checks the length of a new password. Any characters are allowed, and a long password is
/// refused rather than silently cut short.
pub fn password(input: &str) -> Result<(), String> {
    let len = input.chars().count();
    if len < PASSWORD_MIN {
        Err(format!("Use at least {PASSWORD_MIN} characters."))
    } else if len > PASSWORD_MAX {
        Err(format!("Use at most {PASSWORD_MAX} characters."))
    } else {
        Ok(())
    }
}

/// The form a handle is stored and compared in: trimmed, without one leading `@`, lowercased.
pub fn normalize_handle(input: &str) -> String {
    let trimmed = input.trim();
    trimmed.strip_prefix('@').unwrap_or(trimmed).to_lowercase()
}

/// Checks a handle once normalized: 3 to 30 of `a–z`, `0–9` and `_`, and not reserved.
/// The narrow alphabet is what keeps out look-alike letters, direction overrides and
/// zero-width characters.
pub fn handle(input: &str) -> Result<(), String> {
    let handle = normalize_handle(input);
    if handle.is_empty() {
        return Err("Please choose a handle.".to_owned());
    }
    // Checked first so that short reserved names such as "me" are named as reserved.
    if RESERVED_HANDLES.contains(&handle.as_str()) {
        return Err("That handle is reserved.".to_owned());
    }
    let in_alphabet = handle
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    // All characters are ASCII once in the alphabet, so bytes count characters.
    if !in_alphabet || !(HANDLE_MIN..=HANDLE_MAX).contains(&handle.len()) {
        return Err(HANDLE_RULE.to_owned());
    }
    Ok(())
}

/// Checks a display name: 1 to 60 characters once trimmed, all of them visible, so a name
/// cannot hide text or reverse how the text around it reads.
///
/// The zero-width joiner is refused too, which also rules out joined emoji sequences.
pub fn display_name(input: &str) -> Result<(), String> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Please enter a display name.".to_owned());
    }
    if name.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(VISIBLE_ONLY.to_owned());
    }
    if name.chars().count() > DISPLAY_NAME_MAX {
        return Err(format!(
            "Display names can be at most {DISPLAY_NAME_MAX} characters."
        ));
    }
    Ok(())
}

/// Checks optional free text such as a bio or pronouns: at most `max` characters and no NUL,
/// which the database cannot store in text.
pub fn short_text(field_label: &str, input: &str, max: usize) -> Result<(), String> {
    if input.contains('\0') {
        return Err(format!(
            "{field_label} contains a character we can't store."
        ));
    }
    if input.chars().count() > max {
        return Err(format!("{field_label} can be at most {max} characters."));
    }
    Ok(())
}

/// Checks a one-time code from an authenticator app: 6 digits, spaces ignored.
pub fn totp_code(input: &str) -> Result<(), String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == TOTP_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("Enter the 6-digit code from your authenticator app.".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalized_by_trimming_and_lowercasing() {
        assert_eq!(
            normalize_email("  Alice@Example.COM \n"),
            "alice@example.com"
        );
    }

    #[test]
    fn ordinary_email_addresses_are_accepted() {
        assert_eq!(email("alice@example.com"), Ok(()));
        assert_eq!(email("  Bob.Smith+wellness@mail.example.co.uk "), Ok(()));
    }

    #[test]
    fn empty_email_asks_for_one() {
        assert_eq!(
            email("   "),
            Err("Please enter your email address.".to_owned())
        );
    }

    #[test]
    fn malformed_email_addresses_are_refused() {
        for bad in [
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "alice@bob@example.com",
            "alice@.example.com",
            "alice@example.com.",
            "alice@example..com",
            "al ice@example.com",
            "alice@exa\tmple.com",
            "alice\u{200B}@example.com",
            "ali\u{202E}ce@example.com",
        ] {
            assert_eq!(email(bad), Err(NOT_AN_EMAIL.to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn overlong_email_parts_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(email(&long_local), Err(NOT_AN_EMAIL.to_owned()));
        let longest_local = format!("{}@example.com", "a".repeat(64));
        assert_eq!(email(&longest_local), Ok(()));
        let long_domain = format!("a@{}.com", "b".repeat(250));
        assert_eq!(email(&long_domain), Err(NOT_AN_EMAIL.to_owned()));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(
            password("1234567"),
            Err("Use at least 8 characters.".to_owned())
        );
        assert_eq!(password(""), Err("Use at least 8 characters.".to_owned()));
        assert_eq!(password("12345678"), Ok(()));
        // Eight characters, but 24 bytes: long enough.
        assert_eq!(password("ñéöüßçåø"), Ok(()));
        // Seven characters of four bytes each: still too short.
        assert_eq!(
            password(&"🌿".repeat(7)),
            Err("Use at least 8 characters.".to_owned())
        );
        assert_eq!(password(&"é".repeat(128)), Ok(()));
        assert_eq!(
            password(&"a".repeat(129)),
            Err("Use at most 128 characters.".to_owned())
        );
    }

    #[test]
    fn handle_is_normalized_by_trimming_one_at_sign_and_lowercasing() {
        assert_eq!(normalize_handle("  @Alice_99 "), "alice_99");
        assert_eq!(normalize_handle("@@alice"), "@alice");
    }

    #[test]
    fn ordinary_handles_are_accepted() {
        assert_eq!(handle("alice"), Ok(()));
        assert_eq!(handle("@Bob_42"), Ok(()));
        assert_eq!(handle("abc"), Ok(()));
        assert_eq!(handle(&"a".repeat(30)), Ok(()));
    }

    #[test]
    fn handles_outside_the_alphabet_or_length_are_refused() {
        for bad in [
            "ab",
            "a_handle_that_is_far_too_long_x",
            "al ice",
            "alice-smith",
            "alice.smith",
            "@@alice",
            "élodie",
            "bob\u{200B}",
            "ali\u{202E}ce",
            "аlice", // Cyrillic а
        ] {
            assert_eq!(handle(bad), Err(HANDLE_RULE.to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn fullwidth_letters_are_refused_in_handles() {
        assert_eq!(handle("ａdmin"), Err(HANDLE_RULE.to_owned()));
    }

    #[test]
    fn empty_handle_asks_for_one() {
        assert_eq!(handle(" @ "), Err("Please choose a handle.".to_owned()));
    }

    #[test]
    fn reserved_handles_are_refused_in_any_case() {
        for reserved in [
            "admin",
            "@Admin",
            "MODERATOR",
            "wellspring",
            "Me",
            "security",
        ] {
            assert_eq!(
                handle(reserved),
                Err("That handle is reserved.".to_owned()),
                "{reserved:?}"
            );
        }
        assert_eq!(handle("admin_alice"), Ok(()));
    }

    #[test]
    fn ordinary_display_names_are_accepted() {
        assert_eq!(display_name("Alice"), Ok(()));
        assert_eq!(display_name("  Zoë Ng 🌿  "), Ok(()));
        assert_eq!(display_name("محمد"), Ok(()));
        assert_eq!(display_name(&"é".repeat(60)), Ok(()));
    }

    #[test]
    fn blank_display_name_asks_for_one() {
        assert_eq!(
            display_name(" \t "),
            Err("Please enter a display name.".to_owned())
        );
    }

    #[test]
    fn overlong_display_name_is_refused() {
        assert_eq!(
            display_name(&"a".repeat(61)),
            Err("Display names can be at most 60 characters.".to_owned())
        );
    }

    #[test]
    fn display_names_with_hidden_or_reversing_characters_are_refused() {
        for bad in [
            "ali\u{202E}ce",
            "ali\u{2066}ce",
            "bob\u{200B}",
            "bob\u{200D}by",
            "\u{FEFF}carol",
            "dan\u{2060}",
            "eve\u{0000}",
            "line\nbreak",
        ] {
            assert_eq!(display_name(bad), Err(VISIBLE_ONLY.to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn short_text_limits_characters_not_bytes() {
        assert_eq!(short_text("Pronouns", "they/them", 40), Ok(()));
        assert_eq!(short_text("Bio", "", 2000), Ok(()));
        assert_eq!(short_text("Bio", &"🌿".repeat(2000), 2000), Ok(()));
        assert_eq!(
            short_text("Bio", &"a".repeat(2001), 2000),
            Err("Bio can be at most 2000 characters.".to_owned())
        );
        assert_eq!(
            short_text("Pronouns", &"x".repeat(41), 40),
            Err("Pronouns can be at most 40 characters.".to_owned())
        );
    }

    #[test]
    fn short_text_refuses_nul() {
        assert!(short_text("Bio", "hello\0world", 2000).is_err());
    }

    #[test]
    fn totp_code_is_six_digits_ignoring_spaces() {
        assert_eq!(totp_code("123456"), Ok(()));
        assert_eq!(totp_code(" 123 456 "), Ok(()));
        let message = Err("Enter the 6-digit code from your authenticator app.".to_owned());
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "123-456"] {
            assert_eq!(totp_code(bad), message, "{bad:?}");
        }
    }
}
